"""RED integrates an intermittent defect: short gaps do not restart the 2.5 s, long ones do."""
from __future__ import annotations

from firmware.e1.alarms import BRIDGE_FRAMES, SET_FRAMES, AlarmTracker


def run_with_gaps(gap_frames: int, period: int = 1000) -> bool:
    tracker = AlarmTracker()
    events: list = []
    t = 0
    tracker.set("LOF", True, t, events)
    while t < SET_FRAMES["RED"] + 2 * period:
        t += period
        tracker.set("LOF", False, t, events)         # a false alignment ...
        tracker.set("LOF", True, t + gap_frames, events)   # ... that lasts gap_frames
        t += gap_frames
        tracker.advance(t, events)
    return tracker.colours["RED"]


def test_short_false_alignments_do_not_hold_off_red():
    assert run_with_gaps(16) is True


def test_gaps_longer_than_the_bridge_restart_the_run():
    assert run_with_gaps(BRIDGE_FRAMES + 1) is False
