"""Agents' side: sign in/out, ready/not ready, hold, transfers, conference, feature codes, screen pop."""
from __future__ import annotations

import pytest

from firmware.acd import features
from firmware.errors import BadInput
from tests.acd.helpers import advance, build, queue_config


def on_call(clock, rec, **kw):
    acd = build(clock, rec, 2, login=False, **kw)
    acd.feature("8000", "*1")
    acd.enqueue("c1", "support", data={"ani": "13912345678", "dnis": "95105", "card_number": "880012"})
    acd.ring_answered("a0")
    return acd


def test_feature_codes_parse():
    assert features.parse("*1") == ("login", "")
    assert features.parse("*11001#") == ("login", "1001")
    assert features.parse("*42") == ("not_ready", "2")
    assert features.parse("*7601#") == ("transfer", "601")
    assert features.parse("*#") == ("end_consult", "")
    for bad, why in (("1*", "not a feature code"), ("*7#", "needs a number"), ("*312", "takes no digits"),
                     ("", "not a feature code"), ("*1a", "not a feature code")):
        with pytest.raises(BadInput, match=why):
            features.parse(bad)


def test_sign_in_ready_not_ready_sign_out_by_feature_code(clock, rec):
    acd = build(clock, rec, 2, login=False)
    assert acd.feature("8000", "*1") == {"action": "login", "agent": "a0", "phone": "8000"}
    with pytest.raises(BadInput, match="no agent has extension 8050"):
        acd.feature("8050", "*1")
    acd.login("a1", "8050")                                      # hot desk at another phone
    assert acd.feature("8050", "*42") == {"action": "not_ready", "agent": "a1", "reason": "lunch"}
    acd.enqueue("c1", "support")
    assert [o[1:3] for o in rec.of("offer")] == [("a0", "8000")]  # a1 is at lunch
    acd.abandon("c1")
    assert acd.feature("8050", "*3") == {"action": "ready", "agent": "a1"}
    advance(clock, 65)
    assert acd.feature("8000", "*2") == {"action": "logout", "agent": "a0"}
    assert rec.qlog("AGENTLOGIN") == [("NONE", "NONE", "a0", ["8000"]), ("NONE", "NONE", "a1", ["8050"])]
    assert rec.qlog("PAUSE") == [("NONE", "NONE", "a1", ["lunch"])]
    assert rec.qlog("UNPAUSE") == [("NONE", "NONE", "a1", [])]
    assert rec.qlog("AGENTLOGOFF") == [("NONE", "NONE", "a0", ["8000", 65])]
    with pytest.raises(BadInput, match="unknown reason code '77'"):
        acd.feature("8050", "*477")
    with pytest.raises(BadInput, match="nobody is signed in at extension 8999"):
        acd.feature("8999", "*3")
    with pytest.raises(BadInput, match="in use by agent a1"):
        acd.login("a0", "8050")


def test_logout_while_ringing_gives_the_call_back(clock, rec):
    acd = build(clock, rec, 2, strategy="linear", ring_timeout_s=100.0)
    acd.enqueue("c1", "support")
    advance(clock, 65)
    acd.logout("a0")
    assert rec.of("cancel_offer") == [("c1", "a0", "8000")]
    assert rec.of("offer")[-1][:2] == ("c1", "a1")
    assert rec.qlog("AGENTLOGOFF") == [("NONE", "NONE", "a0", ["8000", 65])]
    acd.ring_answered("a1")
    with pytest.raises(BadInput, match="on a call"):
        acd.logout("a1")


def test_screen_pop_carries_the_calling_data(clock, rec):
    acd = build(clock, rec, 1, login=False)
    acd.enqueue("c1", "support", priority=2, data={"ani": "13912345678", "dnis": "95105", "card_number": "880012"})
    advance(clock, 12)
    acd.login("a0")
    pop = rec.of("offer")[-1][3]
    assert pop == {"ani": "13912345678", "dnis": "95105", "card_number": "880012", "call_id": "c1",
                   "queue": "support", "priority": 2, "wait_s": 12.0}
    acd.ring_answered("a0")
    assert acd.screen_pop("a0")["card_number"] == "880012"
    acd.call_ended("a0")
    assert acd.screen_pop("a0") is None


def test_hold_and_blind_transfer_to_an_extension(clock, rec):
    acd = on_call(clock, rec, wrapup_s=5.0)
    assert acd.feature("8000", "*6")["on_hold"] is True
    assert acd.feature("8000", "*6")["on_hold"] is False
    assert rec.of("hold") == [("c1", True), ("c1", False)]
    advance(clock, 40)
    acd.feature("8000", "*78123#")
    assert rec.of("transfer") == [("c1", "a0", "8123", False)]
    assert rec.qlog("TRANSFER") == [("c1", "support", "a0", ["8123", "blind", 0, 40, 1])]
    assert acd.snapshot()["agents"]["a0"]["state"] == "wrap_up"
    assert acd.snapshot()["acd_calls"] == []


def test_blind_transfer_to_another_queue_keeps_the_data(clock, rec):
    config = queue_config() | {"queues": {
        "support": {"announce_position": False, "periodic_every_s": 0.0},
        "expert": {"number": "603", "announce_position": False, "periodic_every_s": 0.0}}}
    records = [{"agent": "a0", "extension": "8000", "skills": {"support": 1}},
               {"agent": "x", "extension": "8001", "skills": {"expert": 1}}]
    acd = build(clock, rec, config=config, agent_records=records)
    acd.enqueue("c1", "support", data={"ani": "1", "card_number": "42"})
    acd.ring_answered("a0")
    acd.feature("8000", "*7603#")                                # escalate to the expert queue
    offer = rec.of("offer")[-1]
    assert offer[:2] == ("c1", "x") and offer[3]["queue"] == "expert" and offer[3]["card_number"] == "42"
    assert rec.qlog("TRANSFER")[0][3][:2] == ["expert", "queue"]
    assert acd.snapshot()["queues"]["expert"]["transferred_in"] == 1


def test_attended_transfer_and_cancel(clock, rec):
    acd = on_call(clock, rec)
    acd.feature("8000", "*88200#")
    assert rec.of("hold") == [("c1", True)]
    assert rec.of("consult") == [("c1", "a0", "8000", "8200")]
    acd.feature("8000", "*#")                                    # the expert is not there
    assert rec.of("end_consult") == [("c1", "a0", "8200")]
    assert rec.of("hold")[-1] == ("c1", False)
    acd.feature("8000", "*88201#")
    acd.feature("8000", "*9")
    assert rec.of("transfer") == [("c1", "a0", "8201", True)]
    assert rec.qlog("TRANSFER")[0][3][:2] == ["8201", "attended"]


def test_three_party_conference(clock, rec):
    acd = on_call(clock, rec)
    with pytest.raises(BadInput, match="must consult someone first"):
        acd.feature("8000", "*0")
    acd.feature("8000", "*88300#")
    acd.feature("8000", "*0")
    assert rec.of("conference") == [("c1", "a0", "8300")]
    advance(clock, 20)
    acd.call_ended("a0", by="agent")                             # the caller stays with 8300
    assert rec.qlog("TRANSFER") == [("c1", "support", "a0", ["8300", "conference", 0, 20, 1])]
    assert rec.qlog("COMPLETEAGENT") == []
