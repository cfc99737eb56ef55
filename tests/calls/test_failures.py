"""Failure paths from outside the box: wrong card numbers, agents who do not answer, a span
alarm in the middle of calls, and a box that dies with calls up."""
from __future__ import annotations

import numpy as np

from firmware.signaling.span import NoChannel
from firmware.store import Store
from firmware.store.calls import recover_interrupted
from hil.r2 import Extension
from tests.calls.audio import best_match, linear, reference
from tests.calls.conftest import acd_with


def test_wrong_card_number_three_times_is_told_and_hung_up(rig, tmp_path):
    box = rig()
    caller, leg = box.caller()
    heard = box.network.capture(caller.ts)
    box.network.send_dtmf(caller, "1")                    # product service: enter the card number
    box.run_until(lambda: leg.ivr is not None and leg.ivr.name == "product_card", 5)
    for _ in range(3):
        box.step(1.0)
        box.network.send_dtmf(caller, "123456#")          # no such card
    box.run_until(lambda: caller.state == "ended", 30)
    refused = reference(box.center.prompts.path_of("ivr/card-refused"), tmp_path)
    score, _ = best_match(linear(heard), refused)
    assert score > 0.9, f"the caller was not told (correlation {score:.2f})"
    box.barrier()
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["queue"] == "" and not cdr.get("agent")
    assert "product_card" in cdr["ivr_path"]
    assert box.records("queue_log", call_id=leg.call_id) == []


def test_agent_who_does_not_answer_is_skipped_then_paused(rig):
    phones = {"8001": Extension(ring_ms=600_000), "8002": Extension(ring_ms=500)}
    box = rig(extensions=phones, acd=acd_with(ring_timeout_s=3.0) | {"max_misses": 2})
    box.login("8001")
    box.step(0.5)
    box.login("8002")                                     # 1001 has been idle longest: offered first
    first, leg1, agent2 = box.connected("8002")
    assert box.agent_call("8001").state == "ended"        # the box stopped ringing 8001
    assert leg1.agent == "1002"
    assert box.center.acd.agents["1001"].state.name == "READY"
    second, leg2 = box.caller(ani="13900139000")
    box.network.send_dtmf(second, "0")
    box.run_until(lambda: box.center.acd.agents["1001"].state.name == "NOT_READY", 10)
    assert box.center.acd.agents["1001"].reason == "no-answer"
    assert leg2.phase == "queued"                          # 1002 is busy: the caller waits
    first.clear()
    second.clear()
    box.run_until(lambda: not box.center.calls, 10)
    box.barrier()
    misses = [r for r in box.records("queue_log", event="RINGNOANSWER")]
    assert [(r["agent"], r["call_id"]) for r in misses] == [("1001", leg1.call_id), ("1001", leg2.call_id)]
    assert all(2900 <= int(r["data"][0]) <= 3100 for r in misses)
    assert box.records("queue_log", event="PAUSE", agent="1001")[-1]["data"] == ["no-answer"]


def test_span_alarm_ends_every_call_on_it(rig):
    box = rig()
    box.login("8001")
    talking, leg1, agent = box.connected("8001")
    menu, leg2 = box.caller(ani="13900139000")
    box.lines[1].inject("AIS")                            # the carrier's line fails
    box.run_until(lambda: not box.center.calls, 10)
    box.run_until(lambda: agent.state == "ended", 5)      # the agent's phone was cleared too
    box.barrier()
    for leg in (leg1, leg2):
        cdr, = box.records("cdr", call_id=leg.call_id)
        assert cdr["end"] is not None and not cdr["interrupted"]
    assert not box.records("active_calls")
    box.lines[1].inject("AIS", False)
    idle = int(box.network.last_rx.abcd[31])             # a channel that never carried a call
    box.step(0.5)
    voice = [ts for ts in range(1, 32) if ts != 16]
    box.run_until(lambda: all(int(box.network.last_rx.abcd[ts]) == idle for ts in voice), 10)
    again = []

    def seize() -> bool:                                  # as soon as the rig's side lets it
        try:
            again.append(box.network.call("95105", ani="13700137000", ts=leg1.ts))
        except NoChannel:
            return False
        return True
    box.run_until(seize, 5)
    box.run_until(lambda: again[0].state == "answered", 15)   # the channel that failed takes calls


def test_calls_up_at_a_crash_get_interrupted_cdrs(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.step(1.0)
    box.barrier()
    box.crash()
    store = Store(box.data).open()
    try:
        written = recover_interrupted(store)
        assert len(written) == 1
        cdr, = [r for r in store.records("cdr") if r["call_id"] == leg.call_id]
        assert cdr["interrupted"] and cdr["agent"] == "1001" and cdr["disposition"] == "ANSWERED"
        assert list(store.records("active_calls")) == []
    finally:
        store.close()


def test_cable_pulled_during_a_call(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.lines[1].disconnect()                             # span 1's cable is pulled
    box.ends = [box.pbx]                                  # only the PBX line keeps the clock
    box.run_until(lambda: not box.center.calls and agent.state == "ended", 10)
    box.barrier()
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["agent"] == "1001" and cdr["end"] is not None
    box.lines[1].connect()                                # plugged back in
    box.network.r2.set_alarm(True, "test: the rig's side lost the line too")
    box.network.r2.set_alarm(False)
    box.ends = [box.network, box.pbx]
    box.run_until(lambda: not box.network.r2.in_alarm and box.network.last_rx.alarms.ok, 10)
    again = box.network.call("95105", ani="13700137000")
    box.run_until(lambda: again.state == "answered", 15)
