"""`e1desk bench engine` runs a tiny configuration end to end and prints the documented
figures (not a timed test: it checks the shape and the sanity of what was measured)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from firmware.cli import main


def test_tiny_engine_bench_prints_the_documented_figures():
    result = CliRunner().invoke(main, ["bench", "engine", "--runs", "1", "--seconds", "2", "--warmup", "4",
                                       "--realtime-seconds", "1", "--channels", "2", "--agents", "2",
                                       "--talk", "1", "2", "--boot-runs", "1", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert {"fast", "realtime", "rss_mb", "boot", "calls", "settings", "targets", "runs"} <= set(figures)
    fast, real = figures["fast"], figures["realtime"]
    assert abs(fast["line_s"] - 2.0) < 0.05 and fast["box_cpu_s"] > 0
    assert fast["realtime_factor"] == round(fast["line_s"] / fast["box_cpu_s"], 3)
    for timing in (fast["block_ms"], real["block_ms"], real["turn_ms"]):
        assert 0 < timing["p50_ms"] <= timing["p99_ms"] <= timing["max_ms"]
    assert real["block_ms"]["count"] >= 4 * 50 * 0.9          # 4 spans, 50 blocks/s, one second
    assert real["slips"] == real["span_slips"] + real["switch_slips"]
    assert 0 < real["wall_s"] and "MainThread" in real["thread_cpu_s"]
    assert 10 < figures["rss_mb"]["now"] <= figures["rss_mb"]["max"]
    assert figures["calls"]["agents_signed_in"] == 2 and figures["calls"]["placed"] >= 2
    boot = figures["boot"]
    assert 0 < boot["boot_s"] < 60 and 0 < boot["first_boot_s"] < 60 and len(boot["boot_runs_s"]) == 1
    assert 0 < boot["spans_listening_s"] < boot["boot_s"] and 0 < boot["first_call_setup_line_s"] < 10


def test_bad_talk_range_is_refused_naming_the_option():
    result = CliRunner().invoke(main, ["bench", "engine", "--talk", "5", "1", "--json"])
    assert result.exit_code == 2 and "--talk" in result.output
