"""`e1desk sizing` against Erlang C and Erlang B recomputed here from their textbook sums."""
from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from firmware.cli import main
from firmware.reports.sizing import size


def poisson_terms(a: float, n: int) -> list[float]:
    return [a ** k / math.factorial(k) for k in range(n + 1)]


def erlang_b_sum(a: float, n: int) -> float:
    terms = poisson_terms(a, n)
    return terms[n] / sum(terms)


def erlang_c_sum(a: float, n: int) -> float:
    terms = poisson_terms(a, n)
    top = terms[n] * n / (n - a)
    return top / (sum(terms[:n]) + top)


def sl_sum(a: float, n: int, aht: float, t: float) -> float:
    return 1 - erlang_c_sum(a, n) * math.exp(-(n - a) * t / aht)


@pytest.mark.parametrize("cph,aht,target,t,blocking,wrapup,ivr", [
    (200, 180, 0.8, 20, 0.01, 0, 0),
    (120, 300, 0.9, 15, 0.005, 60, 25),
    (30, 240, 0.8, 15, 0.02, 30, 40),
])
def test_fewest_agents_and_trunks(cph, aht, target, t, blocking, wrapup, ivr):
    got = size(cph, aht, target, t, blocking, wrapup, ivr)
    a = cph * aht / 3600
    n = got["agents"]
    assert got["traffic_erlangs"] == pytest.approx(a)
    assert sl_sum(a, n, aht, t) >= target
    assert n - 1 <= a or sl_sum(a, n - 1, aht, t) < target          # one agent fewer misses it
    assert got["service_level"] == pytest.approx(sl_sum(a, n, aht, t), rel=1e-9)
    assert got["p_wait"] == pytest.approx(erlang_c_sum(a, n), rel=1e-9)
    asa = erlang_c_sum(a, n) * aht / (n - a)
    assert got["asa_s"] == pytest.approx(asa, rel=1e-9)
    trunk_a = cph / 3600 * (ivr + asa + aht - wrapup)
    m = got["trunks"]
    assert got["trunk_traffic_erlangs"] == pytest.approx(trunk_a, rel=1e-9)
    assert erlang_b_sum(trunk_a, m) <= blocking < erlang_b_sum(trunk_a, m - 1)
    assert got["e1_spans"] == math.ceil(m / 30)
    assert [r["chosen"] for r in got["table"]].count(True) == 1


def test_reference_figures_of_erlang_c():
    got = size(200, 180, 0.8, 20, 0.01)               # A = 10 Erlangs
    assert got["agents"] == 14
    assert round(got["p_wait"], 3) == 0.174 and round(got["service_level"], 3) == 0.888


def test_occupancy_cap_adds_agents():
    free = size(3600, 180, 0.5, 60, 0.01)             # 180 Erlangs: big groups run hot
    capped = size(3600, 180, 0.5, 60, 0.01, max_occupancy=0.85)
    assert free["occupancy"] > 0.85 >= capped["occupancy"]
    assert capped["agents"] == math.ceil(180 / 0.85)


def test_cli_json_and_erlangs_input_agree():
    runner = CliRunner()
    by_calls = runner.invoke(main, ["sizing", "--calls-per-hour", "200", "--aht", "180", "--json"])
    by_erlangs = runner.invoke(main, ["sizing", "--erlangs", "10", "--aht", "180", "--json"])
    assert by_calls.exit_code == 0 and by_erlangs.exit_code == 0
    a, b = json.loads(by_calls.output), json.loads(by_erlangs.output)
    assert a["agents"] == b["agents"] == size(200, 180, 0.8, 15, 0.01)["agents"]
    assert a["trunks"] == b["trunks"]
    text = runner.invoke(main, ["sizing", "--calls-per-hour", "200", "--aht", "180"])
    assert text.exit_code == 0
    assert f"agents needed: {a['agents']}" in text.output and "<- needed" in text.output


@pytest.mark.parametrize("args,option", [
    (["--aht", "180"], "--calls-per-hour"),
    (["--calls-per-hour", "10", "--erlangs", "2", "--aht", "180"], "--calls-per-hour"),
    (["--calls-per-hour", "10", "--aht", "180", "--sl", "1.5"], "--sl"),
    (["--calls-per-hour", "10", "--aht", "0"], "--aht"),
    (["--calls-per-hour", "10", "--aht", "60", "--wrapup", "60"], "--wrapup"),
    (["--calls-per-hour", "10", "--aht", "60", "--max-blocking", "0"], "--max-blocking"),
])
def test_bad_arguments_exit_2_naming_the_option(args, option):
    result = CliRunner().invoke(main, ["sizing", *args])
    assert result.exit_code == 2
    assert option in result.output
