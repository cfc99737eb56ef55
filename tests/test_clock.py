"""The line clock: frames of the timing source, failover by priority, host fallback, timers."""
from __future__ import annotations

from firmware.clock import HOST, LineClock


class FakeHostTime:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_counts_only_the_timing_source():
    clock = LineClock({1: 1, 2: 2, 3: 0})
    assert clock.source == HOST
    clock.span_state(1, True)
    clock.span_state(2, True)
    assert clock.source == 1
    assert clock.frames_received(1, 160) and not clock.frames_received(2, 160)
    assert clock.now == 160


def test_fails_over_by_priority_and_back():
    clock = LineClock({1: 1, 2: 2})
    clock.span_state(1, True)
    clock.span_state(2, True)
    clock.frames_received(1, 800)
    clock.span_state(1, False)                    # span 1 in RED: span 2 takes over
    assert clock.source == 2
    clock.frames_received(2, 160)
    clock.span_state(1, True)
    assert clock.source == 1
    assert [(f, a, b) for f, a, b in clock.switches] == [(0, HOST, 1), (800, 1, 2), (960, 2, 1)]
    assert clock.now == 960


def test_span_with_priority_zero_is_never_a_source():
    clock = LineClock({1: 0})
    clock.span_state(1, True)
    assert clock.source == HOST


def test_host_clock_stands_in_when_no_span_delivers():
    host = FakeHostTime()
    clock = LineClock({1: 1}, host_time=host)
    clock.host_tick()
    host.t += 0.5
    assert clock.host_tick() == 4000
    assert clock.seconds == 0.5
    clock.span_state(1, True)                     # line takes over: host time no longer counts
    host.t += 10
    assert clock.host_tick() == 0
    clock.frames_received(1, 8000)
    assert clock.seconds == 1.5


def test_timers_fire_in_order_on_line_time_and_can_be_cancelled():
    clock = LineClock({1: 1})
    clock.span_state(1, True)
    fired = []
    clock.call_later(320, lambda: fired.append("b"))
    clock.call_later(160, lambda: fired.append("a"))
    cancelled = clock.call_later(200, lambda: fired.append("x"))
    cancelled.cancel()
    clock.frames_received(1, 159)
    clock.run_due()
    assert fired == []
    clock.frames_received(1, 10)
    assert clock.run_due() == 1 and fired == ["a"]
    clock.frames_received(1, 1000)
    clock.run_due()
    assert fired == ["a", "b"] and clock.pending() == 0
