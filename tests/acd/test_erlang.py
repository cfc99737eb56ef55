"""Erlang B / C formulas (check values, stability, edge cases) and the ACD simulated against them."""
from __future__ import annotations

import math

import pytest

from firmware.acd import erlang
from firmware.acd.simulate import simulate


def test_erlang_c_check_values():
    assert erlang.erlang_c(10, 14) == pytest.approx(0.174, abs=5e-4)
    assert erlang.service_level(10, 14, 180, 20) == pytest.approx(0.888, abs=5e-4)
    # ASA = C * AHT / (N - A)
    assert erlang.asa(10, 14, 180) == pytest.approx(0.17413 * 180 / 4, rel=1e-3)


def test_erlang_b_matches_the_closed_form_for_small_cases():
    for a, n in ((1.0, 1), (2.5, 3), (10.0, 14), (7.0, 0)):
        terms = [a ** k / math.factorial(k) for k in range(n + 1)]
        assert erlang.erlang_b(a, n) == pytest.approx(terms[-1] / sum(terms), rel=1e-12)


def test_erlang_b_table_value():
    # a classic trunk table entry: 30 trunks carry 20 Erlangs at about 0.85 % blocking
    assert erlang.erlang_b(20, 30) == pytest.approx(0.0085, abs=2e-4)


def test_large_systems_are_stable():
    for n in (100, 500, 1000):
        b = erlang.erlang_b(0.9 * n, n)
        c = erlang.erlang_c(0.9 * n, n)
        assert 0 < b < c < 1
        assert 0 < erlang.service_level(0.9 * n, n, 180, 20) < 1
        assert math.isfinite(erlang.asa(0.9 * n, n, 180))
    # more agents never make waiting likelier
    values = [erlang.erlang_c(900, n) for n in range(901, 1000)]
    assert all(x > y for x, y in zip(values, values[1:]))


def test_overloaded_queue():
    assert erlang.erlang_c(10, 10) == 1.0
    assert erlang.service_level(12, 10, 180, 20) == 0.0
    assert erlang.asa(12, 10, 180) == math.inf
    assert erlang.erlang_c(0, 3) == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda: erlang.erlang_b(-1, 3), "traffic_erlangs"),
    (lambda: erlang.erlang_b(1, 2.5), "trunks"),
    (lambda: erlang.erlang_c(float("nan"), 3), "traffic_erlangs"),
    (lambda: erlang.erlang_c(1, -3), "agents"),
    (lambda: erlang.service_level(1, 3, 0, 20), "aht_s"),
    (lambda: erlang.service_level(1, 3, 180, -1), "threshold_s"),
])
def test_bad_arguments_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_acd_against_erlang_c_by_simulation():
    """Poisson arrivals, exponential handling, 14 agents at 10 Erlangs, AHT 180 s."""
    result = simulate(agents=14, erlangs=10, aht_s=180, calls=40500, threshold_s=20, seed=1)
    p_wait, sl, asa = result["p_wait"], result["service_level"], result["asa_s"]
    assert p_wait.contains(erlang.erlang_c(10, 14)), p_wait
    assert sl.contains(erlang.service_level(10, 14, 180, 20)), sl
    assert asa.contains(erlang.asa(10, 14, 180)), asa
    # the intervals are narrow enough to tell one agent more or less apart
    for wrong in (13, 15):
        assert not p_wait.contains(erlang.erlang_c(10, wrong))
        assert not sl.contains(erlang.service_level(10, wrong, 180, 20))
    # the ACD's own statistics agree with the outside measurement
    assert result["acd_answered"] == 40500
    assert result["acd_service_level"] == pytest.approx(sl.mean, abs=0.01)


def test_small_team_with_random_strategy_against_erlang_c():
    result = simulate(agents=3, erlangs=2, aht_s=60, calls=20500, threshold_s=15, seed=2, strategy="random")
    assert result["p_wait"].contains(erlang.erlang_c(2, 3)), result["p_wait"]
    assert result["service_level"].contains(erlang.service_level(2, 3, 60, 15)), result["service_level"]
