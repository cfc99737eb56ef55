"""Transfer recall from outside the box: a blind transfer to a busy extension or to one that
never answers gives the caller back to the queue (the next free agent takes it), and an IVR
route to a busy extension ends in that agent's voicemail box instead of a goodbye."""
from __future__ import annotations

import copy

import pytest

from firmware.calls.transfers import RECALL_CDR_FIELD, RECALL_EVENT
from firmware.ivr.config import IVR_DEFAULTS
from hil.r2 import Extension
from tests.calls.audio import tone
from tests.calls.conftest import acd_with
from tests.calls.test_agent_desk import hears


def phones(**special: Extension) -> dict:
    made = {f"80{n:02d}": Extension(ring_ms=300) for n in range(1, 11)}
    made.update(special)
    return made


def recalls(box, call_id: str) -> list[dict]:
    return [r for r in box.records("queue_log", call_id=call_id, event=RECALL_EVENT)
            if r["data"][1:2] == ["recall"]]


def all_idle(box) -> bool:
    """The PBX span's channels, the switch and the agents' legs are back to idle."""
    pbx = box.center.r2[box.center.pbx[0]]
    return pbx.all_idle() and not box.center.agent_legs and not box.center.transfers.ringing


def test_blind_transfer_to_a_busy_extension_returns_the_caller_to_the_queue(rig):
    box = rig(extensions=phones(**{"8005": Extension(busy=True)}))
    box.login("8001")
    box.step(0.5)
    box.login("8002")
    caller, leg, first = box.connected("8001")
    assert leg.agent == "1001"
    box.pbx.send_dtmf(first, "*78005#")
    box.run_until(lambda: first.state == "ended" and box.agent_call("8005") is not None
                  and box.agent_call("8005").state == "ended", 10)
    box.run_until(lambda: leg.phase == "connected" and leg.agent == "1002", 10)   # not lost: next agent
    second = box.agent_call("8002")
    assert second.state == "answered"
    assert hears(box, box.network, caller, box.pbx, second)
    assert hears(box, box.pbx, second, box.network, caller)
    snap = box.center.snapshot()
    general, = [q for q in snap["queues"] if q["queue"] == "general"]
    assert general["recalled"] == 1
    caller.clear()
    box.run_until(lambda: not box.center.calls and all_idle(box), 10)
    box.barrier()
    events = [(r["event"], r["agent"], r["data"][:2]) for r in box.records("queue_log", call_id=leg.call_id)]
    transfer = events.index(("TRANSFER", "1001", ["8005", "blind"]))
    recall, = recalls(box, leg.call_id)
    assert recall["data"][2] == "busy" and recall["data"][-1] == "queue:general" and recall["queue"] == "general"
    after = [e for e, _, _ in events[transfer + 1:] if e != RECALL_EVENT]
    assert after[:2] == ["ENTERQUEUE", "CONNECT"]
    assert events[-1][:2] == ("COMPLETECALLER", "1002")
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["agent"] == "1002" and cdr["disposition"] == "ANSWERED"
    if RECALL_CDR_FIELD:
        assert cdr[RECALL_CDR_FIELD] == 1


def test_blind_transfer_nobody_answers_recalls_after_the_ring_time(rig):
    acd = acd_with() | {"transfer_ring_s": 3.0}
    box = rig(extensions=phones(**{"8006": Extension(ring_ms=600_000)}), acd=acd)
    box.login("8001")
    box.step(0.5)
    box.login("8002")
    caller, leg, first = box.connected("8001")
    box.pbx.send_dtmf(first, "*78006#")
    box.run_until(lambda: box.agent_call("8006") is not None, 5)
    far = box.agent_call("8006")
    assert leg.phase == "transferred"
    box.run_until(lambda: far.state == "ended", 10)
    rang = (far.ended_at - far.seized_at) / 8000                  # line time, as the rig saw it
    assert 2.9 <= rang <= 3.3, rang
    box.run_until(lambda: leg.phase == "connected" and leg.agent == "1002", 10)
    assert hears(box, box.network, caller, box.pbx, box.agent_call("8002"))
    caller.clear()
    box.run_until(lambda: not box.center.calls and all_idle(box), 10)
    box.barrier()
    recall, = recalls(box, leg.call_id)
    assert recall["data"][0] == "8006" and recall["data"][2] == "no_answer"
    assert int(recall["data"][3]) == 3
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["agent"] == "1002"
    assert cdr["wait"] > rang                           # counted from the first queue entry


def test_ivr_route_to_a_busy_extension_goes_to_its_agents_voicemail(rig):
    ivr = copy.deepcopy(IVR_DEFAULTS)
    ivr["menus"]["main"]["options"]["8"] = "extension:8003"
    box = rig(extensions=phones(**{"8003": Extension(busy=True)}), ivr=ivr,
              voicemail={"silence_s": 2.0, "max_s": 30.0, "min_s": 1.0})
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "8")
    box.run_until(lambda: leg.endpoint in box.center.voicemail.active
                  and box.center.voicemail.active[leg.endpoint].recording, 20)
    assert box.center.voicemail.active[leg.endpoint].box == "1003"
    box.network.send_alaw(caller.ts, tone(600, 1.5))
    box.step(1.6)
    box.network.send_dtmf(caller, "#")
    box.run_until(lambda: caller.state == "ended" and all_idle(box), 15)
    box.barrier()
    message, = box.records("voicemail")
    assert message["mailbox"] == "1003" and message["call_id"] == leg.call_id
    recall, = recalls(box, leg.call_id)
    assert recall["data"][0] == "8003" and recall["data"][2] == "busy" and recall["data"][-1] == "voicemail:1003"
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["disposition"] == "VOICEMAIL"


def test_ivr_route_to_a_busy_stranger_goes_to_the_operator_queue(rig):
    ivr = copy.deepcopy(IVR_DEFAULTS)
    ivr["menus"]["main"]["options"]["8"] = "extension:8099"          # nobody's agent phone
    box = rig(extensions=phones(**{"8099": Extension(busy=True)}), ivr=ivr)
    box.login("8004")
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "8")
    box.run_until(lambda: leg.phase == "connected" and leg.agent == "1004", 15)
    assert leg.queue == "general"                       # the main menu's "0"
    assert hears(box, box.network, caller, box.pbx, box.agent_call("8004"))
    caller.clear()
    box.run_until(lambda: not box.center.calls and all_idle(box), 10)
    box.barrier()
    recall, = recalls(box, leg.call_id)
    assert recall["data"][-1] == "queue:general"


def test_transfer_ring_time_is_checked():
    from firmware.acd.config import ACD_DEFAULTS, validate_acd
    from firmware.store.config import ConfigError
    validate_acd({**ACD_DEFAULTS, "transfer_ring_s": 45})
    for bad in (0, "20", 601):
        with pytest.raises(ConfigError, match="acd.transfer_ring_s"):
            validate_acd({**ACD_DEFAULTS, "transfer_ring_s": bad})
