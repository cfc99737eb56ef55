"""The line clock: the box's time counts frames of the timing-source span (8000 per second).

As with system.conf's timing priority, the source is the span of lowest priority number >= 1
that is delivering frames and is not in RED or BLUE alarm; when it stops, the next one takes
over, and when no span delivers, the host's monotonic clock stands in (converted to frames).
Every timer in the box (R2, IVR, queues, wrap-up, alarm debouncing) reads ``now`` from here,
so a far end running in lock step ("fast mode") runs a simulated day in minutes, and a real
line runs in real time, with the same code.

Timers: ``call_at(frame, fn)`` / ``call_later(frames, fn)`` return a handle with ``cancel()``;
``run_due()`` fires the ones whose time has come (the engine calls it once per block).
"""
from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass, field
from typing import Callable

FRAME_RATE = 8000
HOST = 0        # pseudo span number of the host clock


@dataclass(order=True)
class Timer:
    due: int
    seq: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class LineClock:
    """Frame-counting clock fed by the spans, with host-clock fallback and timers."""

    def __init__(self, priorities: dict[int, int], host_time: Callable[[], float] = time.monotonic):
        # span -> priority (1 = first choice; 0 = never a timing source)
        self.order = [span for span, prio in sorted(priorities.items(), key=lambda kv: kv[1]) if prio > 0]
        self.now = 0                      # frames since start
        self.source = HOST
        self._healthy: dict[int, bool] = {span: False for span in self.order}
        self._host_time = host_time
        self._host_mark: float | None = None
        self._timers: list[Timer] = []
        self._seq = itertools.count()
        self.switches: list[tuple[int, int, int]] = []   # (frame, from, to) history

    # -- feeding -------------------------------------------------------------------------
    def span_state(self, span: int, healthy: bool) -> None:
        """A span says whether it can be a source now (delivering frames, no RED/BLUE)."""
        if span in self._healthy:
            self._healthy[span] = healthy
            self._choose()

    def frames_received(self, span: int, frames: int) -> bool:
        """Frames arrived on ``span``; the clock advances if it is the source. True if it did."""
        if span != self.source:
            return False
        self.now += frames
        return True

    def host_tick(self) -> int:
        """When the host clock is the source, advance by the host time elapsed; frames added."""
        mark = self._host_time()
        if self.source != HOST:
            self._host_mark = mark
            return 0
        if self._host_mark is None:
            self._host_mark = mark
            return 0
        frames = int((mark - self._host_mark) * FRAME_RATE)
        if frames > 0:
            self._host_mark += frames / FRAME_RATE
            self.now += frames
        return frames

    def _choose(self) -> None:
        best = next((span for span in self.order if self._healthy[span]), HOST)
        if best != self.source:
            self.switches.append((self.now, self.source, best))
            self.source = best
            self._host_mark = self._host_time() if best == HOST else None

    # -- reading -------------------------------------------------------------------------
    @property
    def seconds(self) -> float:
        return self.now / FRAME_RATE

    @staticmethod
    def frames(seconds: float) -> int:
        return int(round(seconds * FRAME_RATE))

    def describe(self) -> str:
        return "host clock" if self.source == HOST else f"span {self.source}"

    # -- timers --------------------------------------------------------------------------
    def call_at(self, due: int, callback: Callable[[], None]) -> Timer:
        timer = Timer(due, next(self._seq), callback)
        heapq.heappush(self._timers, timer)
        return timer

    def call_later(self, frames: int, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now + frames, callback)

    def run_due(self) -> int:
        """Fire every timer due by now, in order; returns how many fired."""
        fired = 0
        while self._timers and self._timers[0].due <= self.now:
            timer = heapq.heappop(self._timers)
            if not timer.cancelled:
                timer.callback()
                fired += 1
        return fired

    def pending(self) -> int:
        return sum(1 for t in self._timers if not t.cancelled)
