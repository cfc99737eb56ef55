"""The real-time loop: every span, a block at a time, timed by the line clock.

Each turn waits (select) until some span has frames, reads a block from each span that has,
passes it through the block handlers (signalling, calls, switching are added by later layers
through ``add_handler``), and writes exactly as many frames back: the box is loop-timed on
every span. Spans that deliver nothing while line time passes (cable pulled, far end silent)
get ``idle(frames)`` so their alarm timers run. Nothing here touches disk or console: the
state for the console is read through ``snapshot()``, a plain dict.

Always on and cheap: a histogram of the host time each block took (read, handlers, write) and
each turn took (every block served in it, plus timers), in ``snapshot()["timing"]``; the
benchmark (``e1desk bench engine``) reads its p50/p99/max from there.
"""
from __future__ import annotations

import bisect
import select
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from board.profile import BoardProfile
from drivers import make_span
from drivers.base import FRAMES_PER_BLOCK, RxBlock, Span
from firmware.clock import HOST, LineClock

IDLE_ALAW = 0xD5
#: a span silent for this much line time is treated as having no signal
SILENT_FRAMES = 8000
SILENT_HOST_S = 1.0

# handler(span_number, rx_block, tx_voice) -> None; it may write into tx_voice in place
BlockHandler = Callable[[int, RxBlock, np.ndarray], None]

#: histogram bucket upper bounds in ns: 1 us .. ~17 s, 8 buckets per octave (9% wide)
_BOUNDS_NS = [int(1000 * 2 ** (i / 8)) for i in range(8 * 24 + 1)]


class TimingHistogram:
    """Counts of durations in log-spaced buckets; percentiles read back as bucket bounds.

    ``add`` is one bisect and two increments (no allocation), so it stays on the real-time
    path always. ``reset`` swaps in fresh counts (safe to call from another thread: at worst
    one sample lands in the old counts)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.counts = [0] * (len(_BOUNDS_NS) + 1)
        self.count = 0
        self.max_ns = 0

    def add(self, ns: int) -> None:
        self.counts[bisect.bisect_left(_BOUNDS_NS, ns)] += 1
        self.count += 1
        if ns > self.max_ns:
            self.max_ns = ns

    def percentile_ms(self, fraction: float) -> float:
        """Upper bound (ms) of the bucket holding the given fraction of samples (0 if none)."""
        if not self.count:
            return 0.0
        need, seen = fraction * self.count, 0
        for index, n in enumerate(self.counts):
            seen += n
            if n and seen >= need:
                bound = _BOUNDS_NS[index] if index < len(_BOUNDS_NS) else self.max_ns
                return min(bound, self.max_ns) / 1e6
        return self.max_ns / 1e6

    def summary(self) -> dict:
        return {"count": self.count, "p50_ms": round(self.percentile_ms(0.50), 4),
                "p99_ms": round(self.percentile_ms(0.99), 4), "max_ms": round(self.max_ns / 1e6, 4)}


@dataclass
class SpanSlot:
    span: Span
    last_rx: int = 0                 # line clock when frames last arrived
    idle_mark: int = 0               # line clock up to which idle() was given
    blocks: int = 0
    rx_abcd: np.ndarray | None = None  # last received (debounced) ABCD per timeslot
    last_rx_host: float = 0.0         # host monotonic time of the last block (stalled far ends)
    events: list[tuple[int, int, str]] = field(default_factory=list)   # (clock, span, event)


class Engine:
    """Drives all spans of a board profile from one thread."""

    def __init__(self, profile: BoardProfile, span_factory: Callable = make_span):
        self.profile = profile
        self.slots = {c.span: SpanSlot(span_factory(c)) for c in profile.spans}
        self.clock = LineClock({c.span: c.timing for c in profile.spans})
        self.handlers: list[BlockHandler] = []
        self.event_log: list[tuple[int, int, str]] = []     # bounded, newest last
        self._stop = threading.Event()
        self._idle_voice = np.full((32, FRAMES_PER_BLOCK), IDLE_ALAW, dtype=np.uint8)
        self.turns = 0
        self.block_timing = TimingHistogram()       # per served block: read, handlers, write
        self.turn_timing = TimingHistogram()        # per turn that served blocks: all of its work

    # -- life cycle ----------------------------------------------------------------------
    def open(self) -> None:
        for slot in self.slots.values():
            slot.span.open()

    def close(self) -> None:
        for slot in self.slots.values():
            slot.span.close()

    def stop(self) -> None:
        self._stop.set()

    def add_handler(self, handler: BlockHandler) -> None:
        self.handlers.append(handler)

    # -- the loop ------------------------------------------------------------------------
    def run(self, until: Callable[[], bool] | None = None) -> None:
        for slot in self.slots.values():       # what queued while the daemon booted is stale
            slot.span.discard_backlog()
        while not self._stop.is_set() and not (until and until()):
            self.turn()

    def turn(self, timeout: float = 0.02) -> int:
        """One pass: serve every span that has frames; returns the number of blocks served."""
        served = 0
        fds = {slot.span.fileno(): n for n, slot in self.slots.items() if slot.span.fileno() >= 0}
        ready = []
        if fds:
            ready, _, _ = select.select(list(fds), [], [], timeout)
        else:
            time.sleep(timeout)
        start = time.perf_counter_ns()
        for fd in ready:
            number = fds[fd]
            block_start = time.perf_counter_ns()
            rx = self.slots[number].span.read(timeout=0)
            if rx is not None:
                self._serve(number, rx)
                self.block_timing.add(time.perf_counter_ns() - block_start)
                served += 1
        self.clock.host_tick()
        self._age_silent_spans()
        self.clock.run_due()
        self.turns += 1
        if served:
            self.turn_timing.add(time.perf_counter_ns() - start)
        return served

    def _serve(self, number: int, rx: RxBlock) -> None:
        slot = self.slots[number]
        tx = self._idle_voice if rx.frames == FRAMES_PER_BLOCK else np.full((32, rx.frames), IDLE_ALAW, np.uint8)
        if self.handlers:
            tx = tx.copy()
            for handler in self.handlers:
                handler(number, rx, tx)
        slot.span.write(tx)
        self.clock.frames_received(number, rx.frames)
        slot.last_rx = slot.idle_mark = self.clock.now
        slot.last_rx_host = time.monotonic()
        slot.blocks += 1
        slot.rx_abcd = rx.abcd
        for _, name in rx.events:
            self._log(number, name)
        alarms = rx.alarms
        self.clock.span_state(number, not (alarms.red or alarms.blue))

    def _age_silent_spans(self) -> None:
        """Spans with no cable, or silent for SILENT_FRAMES of line time (or SILENT_HOST_S of host
        time, for when the silent span was the clock itself), lose their clock role and get
        idle() for the line time that passed."""
        now, host_now = self.clock.now, time.monotonic()
        for number, slot in self.slots.items():
            silent = (not slot.span.connected or now - slot.last_rx >= SILENT_FRAMES
                      or host_now - slot.last_rx_host > SILENT_HOST_S)
            if not silent:
                continue
            self.clock.span_state(number, False)
            if now > slot.idle_mark:
                for _, name in slot.span.idle(now - slot.idle_mark):
                    self._log(number, name)
                slot.idle_mark = now

    def _log(self, span: int, event: str) -> None:
        self.event_log.append((self.clock.now, span, event))
        if len(self.event_log) > 1000:
            del self.event_log[:500]

    # -- what the console shows ----------------------------------------------------------
    def snapshot(self) -> dict:
        spans, channels, alarms = [], [], []
        for number, slot in sorted(self.slots.items()):
            span, config = slot.span, slot.span.config
            state = span.alarms()
            spans.append({"span": number, "name": config.name, "backend": config.backend,
                          "address": config.address, "framing": config.framing, "crc4": config.crc4,
                          "connected": span.connected, "alarms": state.names(),
                          "counters": span.counters().as_dict(), "timing": self.clock.source == number,
                          "blocks": slot.blocks})
            alarms += [f"span {number}: {name}" for name in state.names()]
            rx_abcd = slot.rx_abcd
            for ts in config.voice_timeslots():
                channels.append({"span": number, "ts": ts, "state": "idle",
                                 "abcd_rx": f"{int(rx_abcd[ts]):04b}" if rx_abcd is not None else "----",
                                 "abcd_tx": f"{int(span.tx_abcd[ts]):04b}"})
        source = "host clock" if self.clock.source == HOST else f"span {self.clock.source}"
        return {"clock": {"source": source, "frames": self.clock.now, "seconds": self.clock.seconds},
                "spans": spans, "channels": channels, "calls": [], "queues": [], "agents": [],
                "alarms": alarms,
                "timing": {"block": self.block_timing.summary(), "turn": self.turn_timing.summary(),
                           "turns": self.turns},
                "events": [{"frame": f, "span": s, "event": e} for f, s, e in self.event_log[-50:]]}
