"""`e1desk r2 ...` against a live box made of two R2 stacks on an in-memory line."""
from __future__ import annotations

import json

from click.testing import CliRunner

from firmware.cli import main
from firmware.console.context import CommandContext
from firmware.signaling.box import R2Signalling
from tests.signaling.test_calls import Logic, make


class Audit:
    def __init__(self):
        self.entries = []

    def audit(self, user, action, detail, source="host"):
        self.entries.append((action, detail))
        return self

    def result(self):
        return None


class LiveBox:
    def __init__(self, wire):
        self.r2 = R2Signalling({1: wire.box})


def live(wire, store=None):
    return CommandContext(store=store or Audit(), box=LiveBox(wire), user="tech", role="operator", source="console")


def run(args, obj):
    return CliRunner().invoke(main, args, obj=obj)


def test_trace_shows_the_signalling_of_a_call():
    wire = make("china", Logic())
    call = wire.far.place_call("1234", ani="5550123")
    wire.run_until(lambda: call.state == "answered")
    result = run(["r2", "trace", "--json"], live(wire))
    assert result.exit_code == 0, result.output
    calls = json.loads(result.output)["calls"]
    assert calls[-1]["dnis"] == "1234" and calls[-1]["ani"] == "5550123"
    texts = [t["text"] for t in calls[-1]["trace"]]
    assert any(t.startswith("ABCD tx 1111") for t in texts) and any("MF rx forward" in t for t in texts)
    text = run(["r2", "trace", "--ts", str(call.ts)], live(wire))
    assert "dnis=1234" in text.output and "MF tx backward 6 on" in text.output


def test_channels_and_set_with_validation_and_audit():
    wire = make("itu", Logic())
    store = Audit()
    result = run(["r2", "channels", "--json"], live(wire, store))
    rows = json.loads(result.output)
    assert len(rows) == 30 and {r["state"] for r in rows} == {"idle"}
    ok = run(["r2", "set", "--span", "1", "max_dnis=6", "timer.seize_ack=3000", "--json"], live(wire, store))
    assert ok.exit_code == 0, ok.output
    assert wire.box.options.max_dnis == 6 and wire.box.options.frames("seize_ack") == 24000
    assert store.entries and store.entries[-1][0] == "r2 set"
    bad = run(["r2", "set", "--span", "1", "max_dnis=99"], live(wire, store))
    assert bad.exit_code == 2 and "max_dnis" in bad.output
    assert wire.box.options.max_dnis == 6                    # nothing of it applied
    unknown = run(["r2", "set", "--span", "7", "max_dnis=5"], live(wire, store))
    assert unknown.exit_code == 2 and "span 7" in unknown.output


def test_without_a_live_box_trace_fails_cleanly(tmp_path):
    result = CliRunner().invoke(main, ["r2", "trace", "--data", str(tmp_path)])
    assert result.exit_code == 1 and "no live R2" in result.output
