"""Tickets through their closed loop, and the agent list, from the command line."""
import json

from click.testing import CliRunner

from firmware.cli import main
from firmware.store import Store


def run(data, *args):
    return CliRunner().invoke(main, [*map(str, args), "--data", str(data)])


def test_ticket_closed_loop(tmp_path):
    data = tmp_path / "data"
    opened = run(data, "ticket", "open", "--caller", "13800138000", "--category", "printer",
                 "--description", "paper jam", "--call", "c-1", "--json")
    rid = json.loads(opened.output)["ticket"]
    assert run(data, "ticket", "note", rid, "asked to open tray 2").exit_code == 0
    assert run(data, "ticket", "escalate", rid, "--note", "needs a technician").exit_code == 0
    assert run(data, "ticket", "escalate", rid).exit_code == 0
    again = run(data, "ticket", "escalate", rid)
    assert again.exit_code == 2 and "already with the expert" in again.output
    assert run(data, "ticket", "status", rid, "resolved").exit_code == 0
    assert run(data, "ticket", "rate", rid, "5").exit_code == 0
    assert run(data, "ticket", "link", rid, "--recording", "20261122-4").exit_code == 0
    shown = json.loads(run(data, "ticket", "show", rid, "--json").output)
    assert (shown["tier"], shown["status"], shown["satisfaction"]) == ("expert", "resolved", 5)
    assert shown["calls"] == ["c-1"] and shown["recordings"] == ["20261122-4"]
    assert [f["note"] for f in shown["follow_ups"]][:2] == ["asked to open tray 2",
                                                            "escalated to second_line: needs a technician"]
    bad = run(data, "ticket", "rate", rid, "9")
    assert bad.exit_code == 2 and "9" in bad.output
    missing = run(data, "ticket", "note", "20200101-1", "x")
    assert missing.exit_code == 2 and "no ticket 20200101-1" in missing.output
    with Store(data) as st:
        assert sum(1 for r in st.records("audit") if r["action"].startswith("ticket.")) == 7


def test_agents_checked_by_the_acd_rules(tmp_path):
    data = tmp_path / "data"
    assert run(data, "agent", "set", "a01", "--name", "Ann", "--extension", "201",
               "--skill", "product=1", "--skill", "general=2").exit_code == 0
    clash = run(data, "agent", "set", "a02", "--extension", "201")
    assert clash.exit_code == 2 and "agents.a02.extension" in clash.output
    bad_skill = run(data, "agent", "set", "a02", "--extension", "202", "--skill", "product=high")
    assert bad_skill.exit_code == 2 and "--skill" in bad_skill.output
    agents = json.loads(run(data, "agent", "list", "--json").output)
    assert [(a["agent"], a["skills"]) for a in agents] == [("a01", {"product": 1, "general": 2})]
    assert run(data, "agent", "del", "a01").exit_code == 0
    assert json.loads(run(data, "agent", "list", "--json").output) == []
