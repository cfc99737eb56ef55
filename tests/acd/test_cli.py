"""`e1desk acd simulate` (the Erlang C check as a command) and `acd screenpop` without a box."""
from __future__ import annotations

import json

from click.testing import CliRunner

from firmware.acd.cli import acd


def test_simulate_reports_measured_and_formula_values():
    result = CliRunner().invoke(acd, ["simulate", "--agents", "3", "--erlangs", "2", "--aht", "60",
                                      "--calls", "5500", "--threshold", "15", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["p_wait"]["erlang_c"] == 0.4444                 # C(2, 3) = 4/9
    assert doc["p_wait"]["ci95"][0] < doc["p_wait"]["mean"] < doc["p_wait"]["ci95"][1]
    assert set(doc) >= {"service_level", "asa_s", "wall_s", "sim_s"}


def test_simulate_refuses_an_unstable_load_and_bad_strategy():
    result = CliRunner().invoke(acd, ["simulate", "--agents", "3", "--erlangs", "3"])
    assert result.exit_code == 2 and "--erlangs" in result.output
    result = CliRunner().invoke(acd, ["simulate", "--strategy", "ring_all"])
    assert result.exit_code == 2 and "--strategy" in result.output


def test_screenpop_needs_the_running_box(tmp_path):
    result = CliRunner().invoke(acd, ["screenpop", "1001", "--data", str(tmp_path)])
    assert result.exit_code == 1 and "no live ACD" in result.output
