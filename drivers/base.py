"""The one interface every card backend implements: a Span and what it delivers per block.

A span is one E1 port. The engine drives it a block at a time:

    rx = span.read(timeout)          # RxBlock, or None when no frames arrived in time
    ...                              # DSP, signaling, switching on rx.voice / rx.abcd / rx.hdlc
    span.write(tx_voice)             # exactly rx.frames frames back (the box is loop-timed)

Voice is always a uint8 A-law array shaped (32, frames), one row per timeslot (row 0 = TS0
and, on signalling spans, row 16 = TS16 carry nothing useful). ABCD bits are the low nibble
(A=8, B=4, C=2, D=1) of a (32,) uint8 array indexed by timeslot. Transmit-side ABCD bits and
D-channel frames are state and queues set between blocks (``set_abcd``, ``send_hdlc``).

Alarms follow DAHDI's grouping: RED = local loss (LOS/LOF/LMFA), YELLOW = remote alarm (RAI),
BLUE = AIS received; ``detail`` names the raw conditions active now, the colours are the
debounced ones (RED/BLUE after 2.5 s, YELLOW after 0.5 s, as real cards do).
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field

import numpy as np

FRAMES_PER_BLOCK = 160           # 20 ms at 8000 frames/s
FRAME_RATE = 8000                # frames per second on an E1
TIMESLOTS = 32

#: Raw conditions, in the spelling of `e1desk e1 decode` (design.md section 3).
CONDITIONS = ("LOS", "LOF", "AIS", "RAI", "LMFA")


def default_bchans(signalling_timeslot: int | None) -> list[int]:
    """Voice timeslots of a span: every timeslot but TS0 and the signalling one (if any)."""
    return [ts for ts in range(1, 32) if ts != signalling_timeslot]


@dataclass(frozen=True)
class SpanConfig:
    """What a board profile says about one span (see board/profile.py for the TOML form)."""

    span: int                          # span number on the box, 1-based
    backend: str                       # registry name: "e1raw", "dahdi"
    address: str                       # backend-specific: "unix:/path", "tcp:127.0.0.1:5001", "dahdi:1"
    framing: str = "cas"               # "cas" (PCM30 + CAS), "ccs" (PCM30 + D-channel), "none" (PCM31)
    crc4: bool = False
    line_code: str = "hdb3"            # "hdb3" or "ami" (informational on e1raw)
    timing: int = 1                    # timing priority as in system.conf: 1 = first source, 0 = never
    bchans: tuple[int, ...] = ()       # voice timeslots; empty = default for the framing
    dchan: int | None = None           # D-channel timeslot for ccs (16 by default)
    cas_idle: int = 0b1001             # ABCD sent on idle CAS channels
    cas_debounce_ms: float = 4.0       # an ABCD change must persist this long (2 CAS multiframes)
    role: str = "trunk"                # "trunk" (carrier side) or "pbx" (office side, agent phones)
    protocol: str = "none"             # signalling run above the span: "r2-china", "r2-itu", "pri-cpe"...
    r2: dict = field(default_factory=dict, compare=True)   # MFC/R2 settings (firmware.signaling.options)
    name: str = ""

    def voice_timeslots(self) -> list[int]:
        return list(self.bchans) if self.bchans else default_bchans(self.signalling_timeslot())

    def signalling_timeslot(self) -> int | None:
        if self.framing == "ccs":
            return self.dchan or 16
        if self.framing == "cas":
            return 16
        return None


@dataclass
class SpanAlarms:
    """Alarm state of a span: debounced DAHDI colours plus the raw conditions active now."""

    red: bool = False
    yellow: bool = False
    blue: bool = False
    detail: frozenset[str] = frozenset()

    def names(self) -> list[str]:
        colours = [name for name, on in (("RED", self.red), ("YELLOW", self.yellow), ("BLUE", self.blue)) if on]
        return colours + sorted(self.detail)

    @property
    def ok(self) -> bool:
        return not (self.red or self.yellow or self.blue)


@dataclass
class SpanCounters:
    """Error counters since the span was opened (DAHDI_SPANSTAT's fields of the same meaning)."""

    crc4_errors: int = 0
    fas_errors: int = 0
    ebit_errors: int = 0
    slips: int = 0
    bpv: int = 0
    frames: int = 0                    # frames received

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class RxBlock:
    """What a span delivered for one block of received frames."""

    frames: int                        # frames received: answer with exactly this many
    voice: np.ndarray                  # uint8 (32, frames), A-law, row = timeslot
    abcd: np.ndarray                   # uint8 (32,), debounced received ABCD per timeslot
    hdlc: list[bytes] = field(default_factory=list)   # D-channel frames, FCS checked and removed
    alarms: SpanAlarms = field(default_factory=SpanAlarms)
    counters: SpanCounters = field(default_factory=SpanCounters)
    events: list[tuple[int, str]] = field(default_factory=list)  # (frame in block, event name)


class Span(abc.ABC):
    """One E1 span of a card. Subclasses implement the transport; see module docstring."""

    def __init__(self, config: SpanConfig):
        self.config = config
        self.tx_abcd = np.full(TIMESLOTS, config.cas_idle & 0xF, dtype=np.uint8)

    # -- life cycle -------------------------------------------------------------------
    @abc.abstractmethod
    def open(self) -> None:
        """Acquire the port (bind the socket, open the device channels)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release everything; the span can be opened again."""

    def __enter__(self) -> "Span":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- per block ----------------------------------------------------------------------
    @abc.abstractmethod
    def read(self, timeout: float | None = None) -> RxBlock | None:
        """Wait up to ``timeout`` seconds for received frames; None if none arrived."""

    @abc.abstractmethod
    def write(self, voice: np.ndarray) -> None:
        """Send one block: uint8 (32, frames) with frames equal to the last read's frames."""

    def idle(self, frames: int) -> list[tuple[int, str]]:
        """Let ``frames`` of line-clock time pass while nothing was received (alarm timers).

        Backends whose line has its own clock (DAHDI) need not do anything here.
        """
        return []

    def discard_backlog(self) -> None:
        """Drop what the line queued since open(); the engine calls it once, just before its
        loop starts. Backends whose far end waits for the box (e1link) have nothing queued."""

    def fileno(self) -> int:
        """A descriptor that becomes readable when a block may be read (-1 if none)."""
        return -1

    # -- state set between blocks --------------------------------------------------------
    def set_abcd(self, timeslot: int, bits: int) -> None:
        """Set the ABCD bits sent on a CAS timeslot (low nibble; 0000 is never sent)."""
        bits &= 0xF
        if bits == 0:
            raise ValueError("ABCD 0000 is never sent on a channel (G.704 5.1.3)")
        self.tx_abcd[timeslot] = bits

    def send_hdlc(self, frame: bytes) -> None:
        """Queue one D-channel frame (without FCS) for transmission."""
        raise NotImplementedError(f"{type(self).__name__} has no D-channel")

    @abc.abstractmethod
    def alarms(self) -> SpanAlarms:
        """The span's alarm state now."""

    @abc.abstractmethod
    def counters(self) -> SpanCounters:
        """The span's error counters now."""

    @property
    def connected(self) -> bool:
        """True while a far end (cable) is attached; backends without the notion say True."""
        return True
