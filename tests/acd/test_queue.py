"""Waiting calls: overflow, max wait, abandon, no answer, wrap-up, announcements, limits."""
from __future__ import annotations

import pytest

from firmware.acd import announce
from firmware.acd.engine import Acd
from firmware.errors import BadInput, Failure
from tests.acd.helpers import advance, build, queue_config


def two_queues(**first):
    q1 = {"announce_position": False, "periodic_every_s": 0.0, "wrapup_s": 0.0, "max_wait_s": 0.0}
    q1.update(first)
    q2 = {"announce_position": False, "periodic_every_s": 0.0, "wrapup_s": 0.0, "max_wait_s": 0.0,
          "skill": "general"}
    return {"queues": {"support": q1, "general": q2}}


def test_overflow_after_the_wait_moves_the_call_to_the_other_group(clock, rec):
    records = [{"agent": "s", "extension": "8001", "skills": {"support": 1}},
               {"agent": "g", "extension": "8002", "skills": {"general": 1}}]
    acd = Acd(two_queues(overflow_s=30.0, overflow_to="general"), clock, rec, records)
    acd.login("s")
    acd.enqueue("busy", "support")
    acd.ring_answered("s")
    acd.login("g")                      # g cannot take support calls
    acd.enqueue("c1", "support", priority=3, data={"ani": "1"})
    advance(clock, 29.9)
    assert rec.of("overflow") == [] and len(rec.of("offer")) == 1
    advance(clock, 0.2)
    assert rec.of("overflow") == [("c1", "general")]
    assert rec.of("offer")[-1][:2] == ("c1", "g")
    assert rec.of("offer")[-1][3]["priority"] == 3             # keeps its priority
    assert [(e[0], e[2]) for e in rec.log[-2:]] == [("EXITWITHTIMEOUT", "support"), ("ENTERQUEUE", "general")]
    assert rec.qlog("EXITWITHTIMEOUT") == [("c1", "support", "NONE", [1, 1, 30])]
    snap = acd.snapshot()["queues"]
    assert snap["support"]["overflowed"] == 1 and snap["general"]["entered"] == 1


def test_max_wait_sends_the_caller_to_voicemail_or_callback(clock, rec):
    acd = build(clock, rec, 1, max_wait_s=120.0, max_wait_action="callback")
    acd.enqueue("busy", "support")
    acd.ring_answered("a0")
    acd.enqueue("c1", "support", data={"ani": "13800001111", "card_number": "123456"})
    advance(clock, 119)
    assert rec.of("timeout") == []
    advance(clock, 1.1)
    (call_id, action, queue, data), = rec.of("timeout")
    assert (call_id, action, queue) == ("c1", "callback", "support")
    assert data["ani"] == "13800001111" and data["card_number"] == "123456"
    assert rec.qlog("EXITWITHTIMEOUT") == [("c1", "support", "NONE", [1, 1, 120])]
    assert acd.snapshot()["queues"]["support"]["timed_out"] == 1
    acd.call_ended("a0")
    assert [o[0] for o in rec.of("offer")] == ["busy"]          # c1 is gone


def test_abandon_logs_position_and_wait_and_stops_ringing(clock, rec):
    acd = build(clock, rec, 1)
    acd.enqueue("c1", "support")
    acd.enqueue("c2", "support")
    advance(clock, 7)
    acd.abandon("c2")
    assert rec.qlog("ABANDON") == [("c2", "support", "NONE", [2, 2, 7])]
    acd.abandon("c1")                                            # was ringing a0
    assert rec.of("cancel_offer") == [("c1", "a0", "8000")]
    assert acd.snapshot()["agents"]["a0"]["state"] == "ready"
    assert acd.snapshot()["queues"]["support"]["abandoned"] == 2
    with pytest.raises(BadInput, match="no call 'c1'"):
        acd.abandon("c1")


def test_no_answer_moves_on_and_pauses_after_n_misses(clock, rec):
    acd = build(clock, rec, 2, config=queue_config(strategy="linear", ring_timeout_s=10.0) | {"max_misses": 2})
    acd.enqueue("c1", "support")
    assert rec.of("offer")[-1][1] == "a0"
    advance(clock, 10.01)
    assert rec.of("offer")[-1][:2] == ("c1", "a1")              # next agent
    assert rec.qlog("RINGNOANSWER")[0][2] == "a0"
    assert rec.qlog("RINGNOANSWER")[0][3] == [10000]
    advance(clock, 10.01)                                        # a1 misses too: back to a0
    assert rec.of("offer")[-1][:2] == ("c1", "a0")
    advance(clock, 10.01)                                        # a0's second miss: paused
    states = acd.snapshot()["agents"]
    assert states["a0"]["state"] == "not_ready" and states["a0"]["reason"] == "no-answer"
    assert ("PAUSE", "NONE", "NONE", "a0", ["no-answer"]) in rec.log
    assert rec.of("offer")[-1][:2] == ("c1", "a1")
    acd.ring_answered("a1")                                      # an answer clears a1's misses
    assert acd.agents["a1"].misses == 0
    acd.ready("a0")
    assert rec.qlog("UNPAUSE") == [("NONE", "NONE", "a0", [])]


def test_wrapup_time_then_ready_or_ended_early(clock, rec):
    acd = build(clock, rec, 1, wrapup_s=30.0)
    acd.enqueue("c1", "support")
    acd.ring_answered("a0")
    advance(clock, 60)
    acd.call_ended("a0", by="agent")
    assert rec.qlog("COMPLETEAGENT") == [("c1", "support", "a0", [0, 60, 1])]
    acd.enqueue("c2", "support")
    advance(clock, 29.9)
    assert acd.snapshot()["agents"]["a0"]["state"] == "wrap_up" and len(rec.of("offer")) == 1
    advance(clock, 0.2)
    assert rec.of("offer")[-1][0] == "c2"                        # wrap-up over: next call
    acd.ring_answered("a0")
    acd.call_ended("a0")
    advance(clock, 5)
    acd.end_wrapup("a0")                                         # ended early by the agent
    assert acd.snapshot()["agents"]["a0"]["state"] == "ready"
    snap = acd.snapshot()["queues"]["support"]
    assert snap["aht_s"] == pytest.approx((60 + 30 + 5) / 2, abs=0.1)   # talk + wrap-up
    with pytest.raises(BadInput, match="not in wrap-up"):
        acd.end_wrapup("a0")


def test_not_ready_during_a_call_applies_after_wrapup(clock, rec):
    acd = build(clock, rec, 1, wrapup_s=10.0)
    acd.enqueue("c1", "support")
    acd.ring_answered("a0")
    acd.not_ready("a0", "lunch")
    assert acd.snapshot()["agents"]["a0"]["state"] == "on_call"
    acd.call_ended("a0")
    advance(clock, 10.1)
    agent = acd.snapshot()["agents"]["a0"]
    assert (agent["state"], agent["reason"]) == ("not_ready", "lunch")
    acd.enqueue("c2", "support")
    assert len(rec.of("offer")) == 1


def test_announcements_position_and_expected_wait(clock, rec):
    acd = build(clock, rec, 2, config=queue_config(announce_position=True, announce_every_s=30.0, aht_s=240.0))
    for n in range(2):
        acd.enqueue(f"busy{n}", "support")
        acd.ring_answered(f"a{n}")
    acd.enqueue("c1", "support")
    acd.enqueue("c2", "support")
    acd.enqueue("c3", "support")
    # c3: position 3, 2 staffed agents, h = 240 s -> 3 * 240 / 2 = 360 s = 6 minutes
    assert acd.expected_wait_s("c3") == pytest.approx(360.0)
    assert rec.of("announce")[-1] == ("c3", ["queue-thereare", "digits/3", "queue-callswaiting",
                                             "queue-holdtime", "digits/6", "queue-minutes", "queue-thankyou"])
    assert rec.of("announce")[0] == ("c1", ["queue-youarenext", "queue-holdtime", "digits/2",
                                            "queue-minutes", "queue-thankyou"])
    acd.abandon("c1")
    advance(clock, 30.01)                                        # periodic update: c3 moved up
    assert ("c3", ["queue-thereare", "digits/2", "queue-callswaiting", "queue-holdtime", "digits/4",
                   "queue-minutes", "queue-thankyou"]) in rec.of("announce")[-2:]


def test_expected_wait_uses_observed_handle_time(clock, rec):
    acd = build(clock, rec, 1, config=queue_config(aht_s=600.0))
    for n in range(announce.MIN_OBSERVED):
        acd.enqueue(f"c{n}", "support")
        acd.ring_answered("a0")
        advance(clock, 60)
        acd.call_ended("a0")
    acd.enqueue("busy", "support")
    acd.ring_answered("a0")
    acd.enqueue("w", "support")
    assert acd.expected_wait_s("w") == pytest.approx(60.0, abs=0.05)   # 1 * 60 s / 1 agent


def test_no_staffed_agent_means_no_wait_announced(clock, rec):
    acd = build(clock, rec, 1, login=False, config=queue_config(announce_position=True))
    acd.enqueue("w", "support")
    assert acd.expected_wait_s("w") is None
    assert rec.of("announce") == [("w", ["queue-youarenext", "queue-thankyou"])]


def test_announcement_arithmetic():
    assert announce.expected_wait_s(1, 4, 180) == 45.0
    assert announce.expected_wait_s(5, 2, 100) == 250.0
    assert announce.expected_wait_s(3, 0, 180) is None
    assert announce.prompts(12, None) == ["queue-thereare", "digits/12", "queue-callswaiting", "queue-thankyou"]
    assert announce.prompts(1, 121)[1:4] == ["queue-holdtime", "digits/3", "queue-minutes"]
    assert announce.handle_time_s(8000 * 500, 5, 180, 8000) == 100.0
    assert announce.handle_time_s(8000 * 500, 4, 180, 8000) == 180


def test_periodic_messages_and_music(clock, rec):
    acd = build(clock, rec, 0, config=queue_config(periodic_every_s=45.0, periodic_prompts=["please-hold"], moh="jazz"))
    acd.enqueue("c1", "support")
    assert rec.of("music") == [("c1", "jazz")]
    advance(clock, 100)
    assert rec.of("announce") == [("c1", ["please-hold"])] * 2


def test_port_and_seat_limits(clock, rec):
    acd = build(clock, rec, 3, login=False, config=queue_config() | {"ports": 2, "seats": 2})
    assert acd.enqueue("c1", "support") == 1
    assert acd.enqueue("c2", "support") == 2
    assert acd.enqueue("c3", "support") == 0                     # every port taken
    acd.login("a0")
    acd.login("a1")
    with pytest.raises(Failure, match="all 2 seats"):
        acd.login("a2")


def test_bad_inputs_name_the_field(clock, rec):
    acd = build(clock, rec, 1)
    with pytest.raises(BadInput, match="queue: no queue named 'nope'"):
        acd.enqueue("c1", "nope")
    with pytest.raises(BadInput, match="priority"):
        acd.enqueue("c1", "support", priority=10)
    acd.enqueue("c1", "support")
    with pytest.raises(BadInput, match="already in the ACD"):
        acd.enqueue("c1", "support")
    acd.ring_answered("a0")
    with pytest.raises(BadInput, match="agent a0 is not ringing"):
        acd.ring_answered("a0")
    with pytest.raises(BadInput, match="agent: no agent 'zz'"):
        acd.ring_failed("zz")
    with pytest.raises(BadInput, match="call c1 .*connected to agent a0, not waiting|'c1' is connected"):
        acd.abandon("c1")
    with pytest.raises(BadInput, match="by: expected caller or agent"):
        acd.call_ended("a0", by="nobody")
