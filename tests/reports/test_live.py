"""Live view: alarm thresholds over a snapshot, alarm raise/clear logging, wallboard screen."""
from __future__ import annotations

import logging

from firmware.reports import alarms, wallboard
from firmware.reports.alarms import Thresholds


def snapshot(sl=0.9, answered=10, abandoned=0, longest=12.0, span_alarms=(), connected=True):
    return {
        "clock": {"source": "span 1", "frames": 8000 * 100, "seconds": 100.0},
        "queues": [{"queue": "product", "waiting": 2, "longest_wait_s": longest, "answered": answered,
                    "abandoned": abandoned, "sl": sl},
                   {"name": "general", "waiting": 0, "longest_wait": None, "answered": 0, "abandoned": 0,
                    "service_level": None}],
        "agents": [{"agent": "1001", "state": "on_call", "since": 8000 * 25, "calls": 7},
                   {"agent": "1002", "state": "not_ready", "reason": "lunch", "time_in_state_s": 3725, "handled": 2}],
        "spans": [{"span": 1, "name": "carrier", "alarms": list(span_alarms), "connected": connected, "timing": True},
                  {"span": 2, "name": "pbx", "alarms": [], "connected": True, "timing": False}],
        "calls": [{}, {}, {}],
    }


def keys(found):
    return sorted(a.key for a in found)


def test_quiet_box_has_no_alarms():
    assert alarms.check(snapshot(), Thresholds(), {"total": 100, "free": 50}) == []


def test_each_threshold_raises_its_alarm():
    t = Thresholds(sl_target=0.8, sl_min_calls=5, longest_wait_s=60, disk_free_min=0.1)
    found = alarms.check(snapshot(sl=0.7, longest=61, span_alarms=["RED", "LOS"]), t, {"total": 1000, "free": 99})
    assert keys(found) == ["disk", "sl:product", "span:1", "wait:product"]
    messages = " ".join(a.message for a in found)
    assert "70.0%" in messages and "61 s" in messages and "RED, LOS" in messages and "9.9% free" in messages
    assert keys(alarms.check(snapshot(connected=False), t)) == ["span:1"]


def test_thresholds_are_limits_not_triggers():
    t = Thresholds(sl_target=0.8, sl_min_calls=5, longest_wait_s=60, disk_free_min=0.1)
    assert alarms.check(snapshot(sl=0.8, longest=60), t, {"total": 1000, "free": 100}) == []
    # too few calls left the queue to judge its service level yet
    assert alarms.check(snapshot(sl=0.0, answered=3, abandoned=1), t) == []
    assert keys(alarms.check(snapshot(sl=0.0, answered=3, abandoned=2), t)) == ["sl:product"]
    # a queue's own target overrides the common one
    own = Thresholds(sl_target=0.8, queue_sl_targets={"product": 0.95})
    assert keys(alarms.check(snapshot(sl=0.9), own)) == ["sl:product"]


def test_alarm_log_logs_each_raise_and_clear_once(caplog):
    log = alarms.AlarmLog()
    t = Thresholds()
    with caplog.at_level(logging.INFO, logger="e1desk.alarms"):
        raised, cleared = log.update(alarms.check(snapshot(longest=90), t))
        assert keys(raised) == ["wait:product"] and cleared == []
        assert log.update(alarms.check(snapshot(longest=95), t)) == ([], [])
        raised, cleared = log.update(alarms.check(snapshot(longest=5), t))
        assert raised == [] and keys(cleared) == ["wait:product"]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and lines[0].startswith("ALARM queue product") and lines[1].startswith("CLEARED")


def test_thresholds_from_config_section():
    t = Thresholds.from_config({"alarms": {"sl_target": 0.9, "longest_wait_s": 30, "unknown": 1}})
    assert (t.sl_target, t.longest_wait_s, t.sl_min_calls) == (0.9, 30, 5)


def test_wallboard_screen_shows_queues_agents_spans_alarms():
    snap = snapshot(span_alarms=["RED"])
    found = alarms.check(snap, Thresholds())
    screen = wallboard.render(snap, found, now="2026-11-22 08:00:00")
    lines = screen.splitlines()
    assert lines[0].startswith("E1DESK WALLBOARD  2026-11-22 08:00:00") and "span 1" in lines[0]
    product = next(line for line in lines if line.startswith("product"))
    assert product.split() == ["product", "2", "0:12", "10", "0", "90.0%"]
    general = next(line for line in lines if line.startswith("general"))
    assert general.split() == ["general", "0", "-", "0", "0", "-"]
    agent = next(line for line in lines if line.startswith("1001"))
    assert agent.split() == ["1001", "on_call", "1:15", "7"]          # (100 - 25) s in state
    agent = next(line for line in lines if line.startswith("1002"))
    assert agent.split() == ["1002", "not_ready", "(lunch)", "1:02:05", "2"]
    assert "SPANS (calls up: 3)" in lines
    assert any(line.split()[:3] == ["1", "carrier", "RED"] for line in lines)
    assert lines[-2] == "ALARMS (1)" and lines[-1] == "  ! span 1: RED"
    assert all(ord(ch) < 128 and ch != "\x1b" for ch in screen) and max(map(len, lines)) <= 80


def test_wallboard_of_an_empty_box():
    screen = wallboard.render({"clock": {"source": "host clock"}, "spans": [], "alarms": []})
    assert "(none)" in screen and screen.endswith("ALARMS (0)\n  none")


def test_acd_shaped_snapshot_with_queues_and_agents_by_name():
    """The ACD's snapshot() keys queues and agents by name (firmware/acd/snapshot.py)."""
    snap = {"clock": {"source": "span 1"}, "spans": [],
            "queues": {"product": {"waiting": 3, "longest_wait_s": 80.0, "answered": 8, "abandoned": 2,
                                   "timed_out": 0, "service_level": 0.5}},
            "agents": {"1001": {"name": "Agent 1", "state": "wrap_up", "reason": "", "time_in_state_s": 4.0,
                                "calls_handled": 5}}}
    assert keys(alarms.check(snap, Thresholds())) == ["sl:product", "wait:product"]
    lines = wallboard.render(snap).splitlines()
    assert next(line for line in lines if line.startswith("product")).split() == \
        ["product", "3", "1:20", "8", "2", "50.0%"]
    assert next(line for line in lines if line.startswith("1001")).split() == ["1001", "wrap_up", "0:04", "5"]
