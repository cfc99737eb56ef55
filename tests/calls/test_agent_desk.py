"""What agents do from their phones during a call, checked on the lines: the survey after the
agent hangs up, blind and attended transfer, three-party conference, recording pause."""
from __future__ import annotations

import numpy as np

from tests.calls.audio import find_pattern, rms, tone, tone_level

RNG = np.random.default_rng(66)


def hears(box, sender, send_call, receiver, receive_call, seconds: float = 1.0) -> bool:
    """True if random octets sent by ``sender`` arrive octet for octet at ``receiver``."""
    pattern = RNG.integers(0, 256, int(seconds * 8000 * 0.6), dtype=np.uint8)
    rows = receiver.capture(receive_call.ts)
    rows.clear()
    sender.send_alaw(send_call.ts, pattern)
    box.step(seconds)
    received = np.concatenate(rows)
    receiver.captures.pop(receive_call.ts)
    return find_pattern(received, pattern) is not None


def test_survey_after_the_agent_hangs_up(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.step(2.0)
    agent.clear()
    box.run_until(lambda: leg.phase == "survey", 5)
    box.network.send_dtmf(caller, "4")                    # keys cut the survey question short
    box.run_until(lambda: caller.state == "ended", 15)
    box.barrier()
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["satisfaction"] == 4
    ticket = box.store.get("tickets", cdr["ticket_id"])
    assert ticket["satisfaction"] == 4 and ticket["agent"] == "1001"
    assert [r["event"] for r in box.records("queue_log", call_id=leg.call_id)][-1] == "COMPLETEAGENT"


def test_blind_transfer(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.pbx.send_dtmf(agent, "*78005#")
    box.run_until(lambda: agent.state == "ended" and box.agent_call("8005") is not None
                  and box.agent_call("8005").state == "answered", 10)
    target = box.agent_call("8005")
    assert target.ani == "13800138000"                    # the caller's number shows on 8005
    assert leg.phase == "transferred"
    assert hears(box, box.network, caller, box.pbx, target)
    assert hears(box, box.pbx, target, box.network, caller)
    assert box.center.acd.agents["1001"].state.name in ("WRAP_UP", "READY")
    target.clear()                                        # the colleague hangs up: the caller is cleared
    box.run_until(lambda: caller.state == "ended" and not box.center.calls, 10)
    box.barrier()
    transfer, = box.records("queue_log", call_id=leg.call_id, event="TRANSFER")
    assert transfer["data"][:2] == ["8005", "blind"]
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["agent"] == "1001" and cdr["disposition"] == "ANSWERED"


def test_attended_transfer(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.pbx.send_dtmf(agent, "*88005#")                    # consult 8005; the caller holds
    box.run_until(lambda: box.agent_call("8005") is not None, 5)
    colleague = box.agent_call("8005")
    assert colleague.ani == "8001"
    held = box.network.capture(caller.ts)
    box.run_until(lambda: colleague.state == "answered", 5)
    box.step(1.0)
    assert rms(held[-50:]) > 100                            # music while holding
    assert hears(box, box.pbx, agent, box.pbx, colleague)  # agent and colleague talk
    assert not hears(box, box.network, caller, box.pbx, colleague)   # the caller is not in it
    box.pbx.send_dtmf(agent, "*9")                        # hand the caller over
    box.run_until(lambda: agent.state == "ended", 5)
    assert hears(box, box.network, caller, box.pbx, colleague)
    assert hears(box, box.pbx, colleague, box.network, caller)
    caller.clear()
    box.run_until(lambda: colleague.state == "ended" and not box.center.calls, 10)
    box.barrier()
    transfer, = box.records("queue_log", call_id=leg.call_id, event="TRANSFER")
    assert transfer["data"][:2] == ["8005", "attended"]


def test_consult_then_back_to_the_caller(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.pbx.send_dtmf(agent, "*88005#")
    box.run_until(lambda: box.agent_call("8005") is not None and box.agent_call("8005").state == "answered", 8)
    colleague = box.agent_call("8005")
    box.pbx.send_dtmf(agent, "*#")                         # end the consultation
    box.run_until(lambda: colleague.state == "ended", 5)
    box.step(0.5)
    assert hears(box, box.network, caller, box.pbx, agent)
    assert hears(box, box.pbx, agent, box.network, caller)
    caller.clear()
    box.run_until(lambda: not box.center.calls, 10)


def test_three_party_conference(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.pbx.send_dtmf(agent, "*88005#")
    box.run_until(lambda: box.agent_call("8005") is not None and box.agent_call("8005").state == "answered", 8)
    third = box.agent_call("8005")
    box.step(0.5)
    box.pbx.send_dtmf(agent, "*0")                         # conference
    box.run_until(lambda: box.center.conferences.rooms, 3)
    box.step(0.5)
    parties = {"caller": (box.network, caller, 500.0), "agent": (box.pbx, agent, 1050.0),
               "third": (box.pbx, third, 2200.0)}
    heard = {name: end.capture(call.ts) for name, (end, call, _) in parties.items()}
    for end, call, freq in parties.values():
        end.send_alaw(call.ts, tone(freq, 2.0))
    box.step(1.0)
    for rows in heard.values():
        rows[:] = []                                       # measure the steady part only
    box.step(0.8)
    for name, (_, _, own) in parties.items():
        levels = {other: tone_level(heard[name], f) for other, (_, _, f) in parties.items()}
        for other, level in levels.items():
            if other == name:
                assert level < 200, f"{name} hears itself ({level:.0f})"
            else:
                assert level > 3000, f"{name} does not hear {other} ({level:.0f})"
    agent.clear()                                          # the agent leaves: caller and third party stay
    box.run_until(lambda: leg.phase == "transferred", 5)
    assert hears(box, box.network, caller, box.pbx, third)
    assert hears(box, box.pbx, third, box.network, caller)
    caller.clear()
    box.run_until(lambda: third.state == "ended" and not box.center.calls, 10)


def test_agent_pauses_and_resumes_the_recording(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    box.pbx.send_dtmf(agent, "**1")
    box.run_until(lambda: box.center.recorders.active[leg.call_id].paused, 3)
    frames = box.center.recorders.active[leg.call_id].frames
    box.step(2.0)
    assert box.center.recorders.active[leg.call_id].frames == frames      # nothing recorded meanwhile
    box.pbx.send_dtmf(agent, "**2")
    box.run_until(lambda: not box.center.recorders.active[leg.call_id].paused, 3)
    box.step(1.0)
    assert box.center.recorders.active[leg.call_id].frames > frames
    assert box.center.acd.agents["1001"].state.name == "ON_CALL"
    caller.clear()
    box.run_until(lambda: not box.center.calls, 10)


def test_ivr_route_to_an_extension(rig):
    import copy

    from firmware.ivr.config import IVR_DEFAULTS
    ivr = copy.deepcopy(IVR_DEFAULTS)
    ivr["menus"]["main"]["options"]["8"] = "extension:8004"
    box = rig(ivr=ivr)
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "8")
    box.run_until(lambda: box.agent_call("8004") is not None and box.agent_call("8004").state == "answered", 10)
    phone = box.agent_call("8004")
    box.step(0.3)
    assert hears(box, box.network, caller, box.pbx, phone)
    assert hears(box, box.pbx, phone, box.network, caller)
    caller.clear()
    box.run_until(lambda: phone.state == "ended" and not box.center.calls, 10)


def test_transfer_to_a_queue_reaches_another_agent(rig):
    box = rig()
    box.login("8001")
    box.step(0.5)
    box.login("8002")
    caller, leg, first = box.connected("8001")
    box.pbx.send_dtmf(first, "*7600#")                     # back to the general queue (number 600)
    box.run_until(lambda: first.state == "ended" and leg.phase == "connected" and leg.agent == "1002", 15)
    second = box.agent_call("8002")
    assert hears(box, box.network, caller, box.pbx, second)
    caller.clear()
    box.run_until(lambda: not box.center.calls, 10)
    box.barrier()
    transfer, = box.records("queue_log", call_id=leg.call_id, event="TRANSFER")
    assert transfer["agent"] == "1001" and transfer["data"][:2] == ["general", "queue"]
    assert len(box.records("tickets", caller="13800138000")) == 2     # one per agent who took it
