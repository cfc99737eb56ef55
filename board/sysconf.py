"""Import an existing DAHDI /etc/dahdi/system.conf into a board profile.

Understood lines (dahdi-tools' format): ``span=N,timing,lbo,framing,coding[,crc4][,yellow]``,
``bchan=``, ``clear=``, ``dchan=``, ``hardhdlc=``, ``cas=CHANS:ABCD``, ``mfcr2=``, ``alaw=``,
``dynamic=driver,address,channels,timing``; ``loadzone``, ``defaultzone``, ``echocanceller``
and the analogue signalling lines are read and ignored (they do not apply to an E1 box).
Channel numbers are global as in DAHDI: on E1 spans in order, span s carries channels
31*(s-1)+1 .. 31*s. Every problem names the file, the line and the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from board.profile import BoardProfile, ProfileError
from board.ranges import parse_ranges
from drivers.base import SpanConfig

CHANNELS_PER_E1 = 31
IGNORED = {"loadzone", "defaultzone", "echocanceller", "fxsks", "fxsls", "fxsgs", "fxoks", "fxols",
           "fxogs", "e&m", "e&me1", "sf", "unused", "indclear", "nethdlc", "channels", "rxgain", "txgain"}


@dataclass
class _Span:
    number: int
    timing: int
    framing: str
    coding: str
    crc4: bool
    line: int
    bchans: set[int] = field(default_factory=set)
    cas: set[int] = field(default_factory=set)
    cas_idle: int | None = None
    dchan: int | None = None


def import_system_conf(text: str, source: str = "system.conf", protocol_cas: str = "r2-china") -> BoardProfile:
    """Parse system.conf text into a BoardProfile of dahdi spans."""
    spans: dict[int, _Span] = {}
    channel_lines: list[tuple[int, str, str]] = []
    dynamic_count = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{lineno}"
        key, sep, value = line.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise ProfileError(where, f"expected key=value, got {raw.strip()!r}")
        if key == "span":
            span = _parse_span(value, where, lineno)
            if span.number in spans:
                raise ProfileError(where, f"span {span.number} is defined twice")
            spans[span.number] = span
        elif key == "dynamic":
            dynamic_count += 1
            parts = [p.strip() for p in value.split(",")]
            if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
                raise ProfileError(where, "dynamic= needs driver,address,channels,timing")
            if int(parts[2]) != CHANNELS_PER_E1:
                raise ProfileError(where, f"dynamic span with {parts[2]} channels: only E1 spans (31) are supported")
            number = len(spans) + 1
            spans[number] = _Span(number, int(parts[3]), "ccs", "hdb3", False, lineno)
        elif key in ("bchan", "clear", "dchan", "hardhdlc", "cas", "mfcr2", "alaw", "mulaw"):
            channel_lines.append((lineno, key, value))
        elif key in IGNORED:
            continue
        else:
            raise ProfileError(where, f"unknown setting {key!r}")
    if not spans:
        raise ProfileError(source, "no span= or dynamic= line: nothing to import")
    for lineno, key, value in channel_lines:
        _apply_channels(spans, key, value, f"{source}:{lineno}")
    configs = [_to_config(span, source, protocol_cas) for span in sorted(spans.values(), key=lambda s: s.number)]
    return BoardProfile(name=Path(source).stem or "imported", description=f"imported from {source}",
                        spans=configs, source=source)


def _parse_span(value: str, where: str, lineno: int) -> _Span:
    parts = [p.strip().lower() for p in value.split(",")]
    if len(parts) < 5:
        raise ProfileError(where, "span= needs span,timing,lbo,framing,coding[,crc4][,yellow]")
    try:
        number, timing, _lbo = int(parts[0]), int(parts[1]), int(parts[2])
    except ValueError:
        raise ProfileError(where, "span number, timing and line build-out must be numbers") from None
    framing, coding, extras = parts[3], parts[4], parts[5:]
    if framing not in ("cas", "ccs"):
        raise ProfileError(where, f"framing {framing!r}: an E1 span is cas or ccs (d4/esf are T1)")
    if coding not in ("hdb3", "ami"):
        raise ProfileError(where, f"coding {coding!r}: an E1 span is hdb3 or ami (b8zs is T1)")
    bad = [e for e in extras if e not in ("crc4", "yellow")]
    if bad:
        raise ProfileError(where, f"unknown span option {bad[0]!r} (expected crc4 or yellow)")
    if number < 1 or timing < 0:
        raise ProfileError(where, "span numbers start at 1 and timing is 0 or more")
    return _Span(number, timing, framing, coding, "crc4" in extras, lineno)


def _apply_channels(spans: dict[int, _Span], key: str, value: str, where: str) -> None:
    chans_text, _, bits = value.partition(":")
    try:
        channels = parse_ranges(chans_text, 1, CHANNELS_PER_E1 * max(spans))
    except ValueError as exc:
        raise ProfileError(where, str(exc)) from None
    for chan in channels:
        number, ts = (chan - 1) // CHANNELS_PER_E1 + 1, (chan - 1) % CHANNELS_PER_E1 + 1
        span = spans.get(number)
        if span is None:
            raise ProfileError(where, f"channel {chan} belongs to span {number}, which has no span= line")
        if key in ("alaw", "mulaw"):
            if key == "mulaw":
                raise ProfileError(where, "mu-law on an E1 span: e1desk expects A-law")
            continue
        if key in ("dchan", "hardhdlc"):
            if span.dchan is not None and span.dchan != ts:
                raise ProfileError(where, f"span {number} has two D-channels ({span.dchan} and {ts})")
            span.dchan = ts
        elif key in ("cas", "mfcr2"):
            if key == "cas":
                if len(bits) != 4 or set(bits) - {"0", "1"} or bits == "0000":
                    raise ProfileError(where, f"cas= needs CHANNELS:ABCD with four bits, not 0000 (got {bits!r})")
                span.cas_idle = int(bits, 2)
            span.cas.add(ts)
        else:
            span.bchans.add(ts)


def _to_config(span: _Span, source: str, protocol_cas: str) -> SpanConfig:
    where = f"{source}:{span.line}"
    if span.framing == "cas":
        voice = span.cas | span.bchans
        if 16 in voice:
            raise ProfileError(where, f"span {span.number} is cas but timeslot 16 is a voice channel")
        framing, protocol, dchan = "cas", protocol_cas, None
    elif span.dchan is not None:
        voice = span.bchans
        if span.dchan in voice:
            raise ProfileError(where, f"span {span.number}: timeslot {span.dchan} is both D- and B-channel")
        framing, protocol, dchan = "ccs", "pri-cpe", span.dchan
    else:
        voice = span.bchans or set(range(1, 32))
        framing, protocol, dchan = "none", "none", None
    return SpanConfig(span=span.number, backend="dahdi", address=f"dahdi:{span.number}", framing=framing,
                      crc4=span.crc4, line_code=span.coding, timing=span.timing,
                      bchans=tuple(sorted(voice)), dchan=dchan, cas_idle=span.cas_idle or 0b1001,
                      protocol=protocol, name=f"span{span.number}")
