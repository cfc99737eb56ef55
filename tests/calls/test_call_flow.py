"""A help-desk call end to end, from outside the box: the rig plays the network on span 1
and the office PBX with the agents' phones on span 2, over e1link in lock step (line time,
no sleeps). Checked from what the rig sees on the lines and what the box's records say."""
from __future__ import annotations

import threading

import pytest

from board.profile import load_profile
from drivers.e1raw.span import framer_config
from firmware.daemon import build_call_center
from firmware.engine import Engine
from firmware.signaling import R2Options
from firmware.store import Store
from hil.farend import FarEnd
from hil.r2 import Extension, PbxFarEnd, R2FarEnd, step_all

BLOCKS_PER_S = 50


@pytest.fixture
def box(tmp_path):
    profile = load_profile("sim").with_runtime_dir(tmp_path / "run")
    engine = Engine(profile)
    engine.open()
    store = Store(tmp_path / "data")
    store.open()
    center = build_call_center(engine, store, tmp_path / "data")
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    # the rig's lines are set up as the box's far ends would be: 11-digit mobile ANIs fit
    options = R2Options.from_mapping({"variant": "china", "max_ani": 12})
    lines = {c.span: FarEnd(c.address, framer_config(c), timeout=10) for c in profile.spans}
    for line in lines.values():
        line.connect()
    network = R2FarEnd(lines[1], options, number=1)
    pbx = PbxFarEnd(lines[2], options, {f"80{n:02d}": Extension(ring_ms=1000) for n in range(1, 11)})
    yield center, store, network, pbx
    engine.stop()
    thread.join(10)
    for line in lines.values():
        line.close()
    center.close()
    engine.close()
    store.close()


def run_until(ends, predicate, seconds: float) -> int:
    for n in range(int(seconds * BLOCKS_PER_S)):
        step_all(ends)
        if predicate():
            return n
    raise AssertionError(f"not reached within {seconds} s of line time")


def login(pbx, network, extension: str) -> None:
    call = pbx.call("90000", ani=extension)
    run_until([network, pbx], lambda: call.state == "answered", 5)
    pbx.send_dtmf(call, "*1#")
    run_until([network, pbx], lambda: call.state == "ended", 10)


def test_caller_reaches_an_agent_and_the_records_say_so(box):
    center, store, network, pbx = box
    ends = [network, pbx]
    step_all(ends, 10)
    login(pbx, network, "8001")
    assert center.acd.agents["1001"].state.name == "READY"

    caller = network.call("95105", ani="13800138000", category="national")
    setup_blocks = run_until(ends, lambda: caller.state == "answered", 15)
    print(f"call setup (seize to answer): {setup_blocks / BLOCKS_PER_S:.2f} s of line time")
    run_until(ends, lambda: bool(center.calls), 1)
    leg = next(iter(center.calls.values()))
    assert (leg.ani, leg.dnis, leg.phase) == ("13800138000", "95105", "ivr")
    network.send_dtmf(caller, "0")                     # "press 0 for an agent"
    run_until(ends, lambda: leg.phase == "connected", 30)
    agent_call = next(c for c in pbx.calls if c.direction == "in")
    assert agent_call.dnis == "8001" and agent_call.ani == "13800138000"
    step_all(ends, 5 * BLOCKS_PER_S)                   # five seconds of conversation
    caller.clear()
    run_until(ends, lambda: not center.calls and agent_call.state == "ended", 10)
    store.audit("test", "barrier").result(timeout=10)      # the writer is FIFO: all before it is on disk
    assert center.finished == 2                        # the login call and this one
    cdrs = [r for r in store.records("cdr") if r["ani"] == "13800138000"]
    assert len(cdrs) == 1
    cdr = cdrs[0]
    assert (cdr["disposition"], cdr["agent"], cdr["queue"]) == ("ANSWERED", "1001", leg.queue)
    assert 4.5 <= cdr["billsec"] <= 6.5
    events = [r["event"] for r in store.records("queue_log") if r.get("call_id") == leg.call_id]
    assert events[:2] == ["ENTERQUEUE", "CONNECT"] and events[-1] == "COMPLETECALLER"
    tickets = [t for t in store.records("tickets") if leg.call_id in t.get("calls", [])]
    assert len(tickets) == 1 and tickets[0]["agent"] == "1001"
    recordings = [r for r in store.records("recordings") if r["call_id"] == leg.call_id]
    assert len(recordings) == 1


def test_console_tables_render_the_live_queues_and_agents(box):
    from firmware.console.render import table_text
    from firmware.console.show import SNAPSHOT_COLUMNS
    from firmware.daemon import Box

    center, store, network, pbx = box
    step_all([network, pbx], 10)
    login(pbx, network, "8002")
    snap = Box(center.engine, store, center).snapshot()
    for name in ("queues", "agents"):
        rows = snap[name]
        assert rows and all(isinstance(r, dict) for r in rows)
        text = table_text(rows, SNAPSHOT_COLUMNS[name])
        assert text.count("\n") >= len(rows)
    assert {r["agent"]: r["state"] for r in snap["agents"]}["1002"] == "ready"
