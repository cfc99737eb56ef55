"""The call interface R2 signalling offers the layers above (calls, IVR, ACD), and the trace.

Incoming: the listener gets ``("offered", call)`` with ``call.ani``, ``call.dnis`` and
``call.category``, and decides with ``call.accept(charge=True)`` or
``call.reject(cause)`` (cause one of busy, congestion, unallocated, out_of_order, sit),
at once or later (within the span's ``decision`` timer, else congestion); then
``call.answer()`` and, any time, ``call.clear()``.

Outgoing: ``R2Span.place_call(dnis, ani, category)`` returns a Call whose progress comes as
events: "accepted", "answered", "cleared", "failed" (``call.cause`` says why: busy,
congestion, unallocated, out_of_order, sit, no_answer, timeout, protocol_error, glare,
alarm, blocked, local).

Every call keeps its trace: (frame, text) pairs of everything signalling did, in the
spirit of OpenR2's call logs; ``R2Span.traces()`` and `e1desk r2 trace` show them.
Times (``seized_at``, ``accepted_at``, ``answered_at``, ``ended_at``) are line frames.
A finished call's trace is packed (``PackedTrace``) when the span archives it: the history
keeps hundreds of calls per span, and a list of (int, str) tuples costs ~5x more memory.
"""
from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable, Iterable

from firmware.signaling.variants import REJECT_CAUSES

FRAME_RATE = 8000


class PackedTrace(Sequence):
    """A read-mostly trace of (frame, text) pairs in three flat buffers: frames, text end
    offsets, and all texts joined. Reads like the list it replaces; ``append`` still works."""

    __slots__ = ("_frames", "_ends", "_text")

    def __init__(self, entries: Iterable[tuple[int, str]] = ()):
        entries = list(entries)
        self._frames = array("q", (f for f, _ in entries))
        self._ends = array("I")
        end = 0
        for _, text in entries:
            end += len(text)
            self._ends.append(end)
        self._text = "".join(t for _, t in entries)

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("trace index out of range")
        start = self._ends[index - 1] if index else 0
        return (self._frames[index], self._text[start:self._ends[index]])

    def append(self, entry: tuple[int, str]) -> None:
        frame, text = entry
        self._frames.append(frame)
        self._text += text
        self._ends.append(len(self._text))

    def __eq__(self, other) -> bool:
        return isinstance(other, (list, PackedTrace)) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"PackedTrace({list(self)!r})"


@dataclass(eq=False)
class Call:
    span: int
    ts: int
    direction: str                         # "in" (the far end called us) or "out"
    dnis: str = ""
    ani: str = ""
    category: str = ""
    state: str = "setup"                   # setup, offered, accepted, answered, ended
    cause: str = ""                        # why it ended (see module docstring)
    result: str = ""                       # group B result (accept_charge, busy...)
    seized_at: int = 0
    accepted_at: int | None = None
    answered_at: int | None = None
    ended_at: int | None = None
    trace: list[tuple[int, str]] | PackedTrace = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    _channel: object = field(default=None, repr=False)

    # -- decisions and actions of the call logic --------------------------------------------
    def accept(self, charge: bool = True) -> None:
        self._channel.decide(self, "accept_charge" if charge else "accept_free")

    def reject(self, cause: str) -> None:
        if cause not in REJECT_CAUSES:
            raise ValueError(f"cause: {cause!r} is not one of {', '.join(REJECT_CAUSES)}")
        self._channel.decide(self, cause)

    def answer(self) -> None:
        self._channel.answer(self)

    def clear(self) -> None:
        self._channel.clear(self)

    def pack_trace(self) -> None:
        """Store the trace compactly (done when the call is archived)."""
        if not isinstance(self.trace, PackedTrace):
            self.trace = PackedTrace(self.trace)

    # -- reading ---------------------------------------------------------------------------
    @property
    def setup_ms(self) -> float | None:
        """Seizure to accepted (group B), on the line clock."""
        if self.accepted_at is None:
            return None
        return (self.accepted_at - self.seized_at) * 1000.0 / FRAME_RATE

    def as_dict(self, with_trace: bool = True) -> dict:
        out = {"span": self.span, "ts": self.ts, "direction": self.direction, "dnis": self.dnis,
               "ani": self.ani, "category": self.category, "state": self.state, "cause": self.cause,
               "result": self.result, "seized_at": self.seized_at, "accepted_at": self.accepted_at,
               "answered_at": self.answered_at, "ended_at": self.ended_at, "setup_ms": self.setup_ms,
               "events": list(self.events)}
        if with_trace:
            out["trace"] = [{"frame": f, "ms": round(f * 1000 / FRAME_RATE, 1), "text": t} for f, t in self.trace]
        return out


#: listener(event, call): event is "offered", "accepted", "answered", "cleared" or "failed"
Listener = Callable[[str, Call], None]


def format_trace(call: dict) -> str:
    """A call's trace as text lines (for the console)."""
    head = (f"span {call['span']} TS{call['ts']} {call['direction']} dnis={call['dnis'] or '-'} "
            f"ani={call['ani'] or '-'} category={call['category'] or '-'} state={call['state']}"
            f"{' cause=' + call['cause'] if call['cause'] else ''}")
    lines = [head]
    start = call["trace"][0]["frame"] if call.get("trace") else 0
    for entry in call.get("trace", []):
        lines.append(f"  [{(entry['frame'] - start) / 8:9.1f} ms] {entry['text']}")
    return "\n".join(lines)
