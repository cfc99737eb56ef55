"""Board profiles: which spans a box has, and how each is wired (TOML files in board/profiles/).

A profile names each span's backend and address, framing (cas/ccs/none), line code, CRC-4,
timing priority (as system.conf's span= line), voice timeslots and signalling protocol:

    name = "sim"
    [[span]]
    span = 1
    name = "carrier"
    backend = "e1raw"
    address = "unix:{run}/span1.sock"     # {run} = the box's runtime directory
    framing = "cas"
    protocol = "r2-china"
    timing = 1
    role = "trunk"

``load_profile("sim")`` finds a built-in profile by name; a path loads a file. Every problem
is reported as ProfileError naming the file, the field and the reason; nothing half-loaded
is returned.
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from board.ranges import format_ranges, parse_ranges
from drivers import BACKENDS
from drivers.base import SpanConfig, default_bchans

PROFILE_DIR = Path(__file__).with_name("profiles")

FRAMINGS = ("cas", "ccs", "none")
LINE_CODES = ("hdb3", "ami")
ROLES = ("trunk", "pbx")
PROTOCOLS = ("r2-china", "r2-itu", "pri-net", "pri-cpe", "none")
SPAN_KEYS = {"span", "name", "backend", "address", "framing", "crc4", "line_code", "timing",
             "bchans", "dchan", "cas_idle", "cas_debounce_ms", "role", "protocol", "r2"}


class ProfileError(ValueError):
    """A profile (or imported system.conf) is malformed: names where and why."""

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


@dataclass
class BoardProfile:
    name: str
    description: str = ""
    spans: list[SpanConfig] = field(default_factory=list)
    source: str = ""

    def span(self, number: int) -> SpanConfig:
        for config in self.spans:
            if config.span == number:
                return config
        raise KeyError(f"profile {self.name!r} has no span {number}")

    def timing_order(self) -> list[int]:
        """Span numbers in timing-source order (priority 1 first; 0 = never a source)."""
        return [c.span for c in sorted(self.spans, key=lambda c: c.timing) if c.timing > 0]

    def with_runtime_dir(self, run_dir: str | Path) -> "BoardProfile":
        """A copy whose addresses have ``{run}`` replaced by ``run_dir``."""
        spans = [_replace_address(c, c.address.replace("{run}", str(run_dir))) for c in self.spans]
        return BoardProfile(self.name, self.description, spans, self.source)

    def to_toml(self) -> str:
        q = json.dumps  # a JSON string is a valid TOML basic string
        lines = [f"name = {q(self.name)}"]
        if self.description:
            lines.append(f"description = {q(self.description)}")
        for c in self.spans:
            lines += ["", "[[span]]", f"span = {c.span}"]
            if c.name:
                lines.append(f"name = {q(c.name)}")
            lines += [f"backend = {q(c.backend)}", f"address = {q(c.address)}", f"framing = {q(c.framing)}",
                      f"protocol = {q(c.protocol)}", f"crc4 = {str(c.crc4).lower()}",
                      f"line_code = {q(c.line_code)}", f"timing = {c.timing}", f"role = {q(c.role)}",
                      f"bchans = {q(format_ranges(c.voice_timeslots()))}"]
            if c.framing == "ccs":
                lines.append(f"dchan = {c.signalling_timeslot()}")
            if c.framing == "cas":
                lines += [f'cas_idle = "{c.cas_idle:04b}"', f"cas_debounce_ms = {c.cas_debounce_ms}"]
            if c.r2:
                lines += ["", "[span.r2]"] + [f"{key} = {_toml_value(value)}" for key, value in c.r2.items()]
        return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _replace_address(config: SpanConfig, address: str) -> SpanConfig:
    from dataclasses import replace
    return replace(config, address=address)


def builtin_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def load_profile(name_or_path: str | Path) -> BoardProfile:
    """Load a built-in profile by name, or a TOML file by path."""
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = PROFILE_DIR / f"{name_or_path}.toml"
        if not path.exists():
            raise ProfileError(str(name_or_path), f"no such board profile; built-in: {', '.join(builtin_profiles())}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(str(path), exc.strerror or str(exc)) from None
    return parse_profile(text, str(path))


def parse_profile(text: str, source: str = "<profile>") -> BoardProfile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(source, f"not valid TOML: {exc}") from None
    unknown = set(data) - {"name", "description", "span"}
    if unknown:
        raise ProfileError(f"{source}: {sorted(unknown)[0]}", "unknown key (expected name, description, span)")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ProfileError(f"{source}: name", "missing or not a string")
    raw_spans = data.get("span")
    if not isinstance(raw_spans, list) or not raw_spans:
        raise ProfileError(f"{source}: span", "a profile needs at least one [[span]] table")
    spans = [span_config(raw, f"{source}: span[{i}]") for i, raw in enumerate(raw_spans)]
    seen: set[int] = set()
    addresses: set[str] = set()
    for i, config in enumerate(spans):
        if config.span in seen:
            raise ProfileError(f"{source}: span[{i}].span", f"span number {config.span} is used twice")
        if config.address in addresses:
            raise ProfileError(f"{source}: span[{i}].address", f"address {config.address!r} is used twice")
        seen.add(config.span)
        addresses.add(config.address)
    return BoardProfile(name, str(data.get("description", "")), spans, source)


def span_config(raw: dict, where: str) -> SpanConfig:
    """Validate one [[span]] table into a SpanConfig."""
    if not isinstance(raw, dict):
        raise ProfileError(where, "must be a table")
    unknown = set(raw) - SPAN_KEYS
    if unknown:
        raise ProfileError(f"{where}.{sorted(unknown)[0]}", f"unknown key (expected one of {', '.join(sorted(SPAN_KEYS))})")

    def get(key, kind, default=None, required=False):
        if key not in raw:
            if required:
                raise ProfileError(f"{where}.{key}", "missing")
            return default
        value = raw[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ProfileError(f"{where}.{key}", f"must be {names}, not {type(value).__name__} {value!r}")
        return value

    def choice(key, options, default):
        value = get(key, str, default)
        if value not in options:
            raise ProfileError(f"{where}.{key}", f"{value!r} is not one of {', '.join(options)}")
        return value

    number = get("span", int, required=True)
    if not 1 <= number <= 64:
        raise ProfileError(f"{where}.span", f"{number} is outside 1..64")
    backend = choice("backend", tuple(sorted(BACKENDS)), "e1raw")
    address = get("address", str, required=True)
    _check_address(backend, address, f"{where}.address")
    framing = choice("framing", FRAMINGS, "cas")
    timing = get("timing", int, 1)
    if not 0 <= timing <= 64:
        raise ProfileError(f"{where}.timing", f"{timing} is outside 0..64 (0 = never a timing source)")
    bchans: tuple[int, ...] = ()
    signalling_ts = {"cas": 16, "ccs": raw.get("dchan", 16), "none": None}[framing]
    if "bchans" in raw:
        try:
            bchans = tuple(parse_ranges(get("bchans", str)))
        except ValueError as exc:
            raise ProfileError(f"{where}.bchans", str(exc)) from None
        if signalling_ts in bchans:
            raise ProfileError(f"{where}.bchans", f"timeslot {signalling_ts} carries signalling on a {framing} span")
    if not bchans:
        bchans = tuple(default_bchans(signalling_ts))
    dchan = None
    if "dchan" in raw:
        if framing != "ccs":
            raise ProfileError(f"{where}.dchan", f"only a ccs span has a D-channel (framing is {framing})")
        dchan = get("dchan", int)
        if not 1 <= dchan <= 31:
            raise ProfileError(f"{where}.dchan", f"{dchan} is outside 1..31")
    cas_idle_text = get("cas_idle", str, "1001")
    if len(cas_idle_text) != 4 or set(cas_idle_text) - {"0", "1"} or cas_idle_text == "0000":
        raise ProfileError(f"{where}.cas_idle", f"{cas_idle_text!r} must be four bits ABCD, not 0000")
    debounce = get("cas_debounce_ms", (int, float), 4.0)
    if not 0 <= debounce <= 100:
        raise ProfileError(f"{where}.cas_debounce_ms", f"{debounce} is outside 0..100 ms")
    protocol = choice("protocol", PROTOCOLS, "r2-china" if framing == "cas" else "pri-cpe" if framing == "ccs" else "none")
    if protocol.startswith("r2") and framing != "cas" or protocol.startswith("pri") and framing != "ccs":
        raise ProfileError(f"{where}.protocol", f"{protocol} does not run on a {framing} span")
    r2 = get("r2", dict, {})
    if r2:
        if not protocol.startswith("r2"):
            raise ProfileError(f"{where}.r2", f"R2 settings on a {protocol} span")
        from firmware.signaling.options import OptionsError, R2Options
        from firmware.signaling.variants import PROTOCOLS as R2_VARIANTS
        if "variant" in r2:
            raise ProfileError(f"{where}.r2.variant", "the variant comes from the span's protocol")
        try:
            R2Options.from_mapping({"variant": R2_VARIANTS[protocol], **r2}, where=f"{where}.r2")
        except OptionsError as exc:
            raise ProfileError(exc.where, exc.reason) from None
    return SpanConfig(
        span=number, backend=backend, address=address, framing=framing,
        crc4=get("crc4", bool, False), line_code=choice("line_code", LINE_CODES, "hdb3"),
        timing=timing, bchans=bchans, dchan=dchan, cas_idle=int(cas_idle_text, 2),
        cas_debounce_ms=float(debounce), role=choice("role", ROLES, "trunk"),
        name=get("name", str, ""), protocol=protocol, r2=dict(r2),
    )


def _check_address(backend: str, address: str, where: str) -> None:
    scheme, _, rest = address.partition(":")
    if backend == "e1raw":
        if scheme == "unix" and rest:
            return
        if scheme == "tcp":
            host, _, port = rest.rpartition(":")
            if host and port.isdigit() and 0 < int(port) < 65536:
                return
        raise ProfileError(where, f"{address!r}: an e1raw span listens on unix:PATH or tcp:HOST:PORT")
    if backend == "dahdi":
        if scheme == "dahdi" and rest.isdigit() and int(rest) >= 1:
            return
        raise ProfileError(where, f"{address!r}: a dahdi span is addressed as dahdi:N (kernel span number)")
