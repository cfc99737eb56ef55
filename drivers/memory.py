"""A span with no line of its own: it only keeps what the layers above set (ABCD bits).

For signalling stacks that someone else feeds block by block (the rig's far ends, tests,
benchmarks): they call the stack's ``process(rx, tx)`` themselves, so read/write do nothing.
"""
from __future__ import annotations

from drivers.base import Span, SpanAlarms, SpanConfig, SpanCounters


class MemorySpan(Span):
    def __init__(self, number: int, address: str | None = None):
        super().__init__(SpanConfig(span=number, backend="e1raw", address=address or f"unix:/memory/{number}"))

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def read(self, timeout: float | None = None):
        return None

    def write(self, voice) -> None:
        pass

    def alarms(self) -> SpanAlarms:
        return SpanAlarms()

    def counters(self) -> SpanCounters:
        return SpanCounters()
