"""Every shipped scenario (hil/scenarios/*.toml) against a fresh box, in fast mode: the box is an
`e1desk run` subprocess, driven only over its E1 lines and its serial console."""
from __future__ import annotations

import pytest

from hil.runner import run_scenario
from hil.scenario import list_scenarios, load_scenario, parse_scenario

SHIPPED = list_scenarios()
REQUIRED = {"basic-call", "wrong-card", "abandon", "no-answer-next-agent", "los-during-calls", "kill-restart"}


def test_the_required_scenarios_are_shipped():
    assert REQUIRED <= {p.stem for p in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_scenario_passes(path):
    result = run_scenario(load_scenario(path))
    report = "\n".join(f"{'ok  ' if e['ok'] else 'FAIL'} {e['expect']}: {e['detail']}" for e in result["expectations"])
    print(f"{result['scenario']}: {result['line_s']} s line time in {result['wall_s']} s\n{report}")
    assert result["passed"], report
    assert result["wall_s"] < 60                          # each scenario stays short in CI


def test_expectations_that_do_not_hold_fail(tmp_path):
    """The checks can fail: nobody is logged in, so this caller is never connected."""
    sc = parse_scenario({
        "name": "nobody home", "max_s": 40,
        "phones": [{"extension": "8001", "login": False}],
        "callers": [{"name": "dave", "ani": "13300133000", "at_s": 0.5, "dtmf": [[2.5, "0"]], "hangup_after_s": 9}],
        "expect": [{"kind": "connected", "caller": "dave"},
                   {"kind": "hears", "caller": "dave", "prompt": "pm-invalid-option"},
                   {"kind": "cdr", "caller": "dave", "fields": {"disposition": "ANSWERED"}},
                   {"kind": "cleared_by", "caller": "dave", "by": "caller"},
                   {"kind": "hears", "caller": "dave", "prompt": "ivr/welcome"}],
    }, tmp_path / "nobody.toml")
    result = run_scenario(sc)
    assert [e["ok"] for e in result["expectations"]] == [False, False, False, True, True], result["expectations"]
    assert not result["passed"]
