"""Voicemail from outside the box: a queue's box after the max wait (the message ends on
silence), an agent's box from the IVR (the message ends on #), and a caller who says nothing."""
from __future__ import annotations

import copy

from firmware.calls.voicemail import message_waiting
from firmware.dsp.wav import read_wav
from firmware.ivr.config import IVR_DEFAULTS
from tests.calls.audio import best_match, linear, tone
from tests.calls.conftest import acd_with


def test_no_agents_then_max_wait_to_voicemail(rig):
    box = rig(acd=acd_with(max_wait_s=3.0, max_wait_action="voicemail", overflow_s=0.0),
              voicemail={"silence_s": 2.0, "max_s": 30.0, "min_s": 1.0})
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "0")
    box.run_until(lambda: leg.phase == "voicemail", 10)
    waited = box.run_until(lambda: leg.endpoint in box.center.voicemail.active
                           and box.center.voicemail.active[leg.endpoint].recording, 20)
    spoken = tone(500, 2.0)                              # the caller's "message": 2 s of a 500 Hz tone
    box.network.send_alaw(caller.ts, spoken)
    box.run_until(lambda: caller.state == "ended", 20)    # silence ends it, the box says goodbye
    box.barrier()
    message, = box.records("voicemail")
    assert (message["mailbox"], message["caller"], message["heard"]) == ("general", "13800138000", False)
    assert 1.9 <= message["duration"] <= 2.6, message["duration"]
    samples = read_wav(message["path"]).samples[0].astype(float)
    score, _ = best_match(samples, linear([spoken[:8000]]))
    assert score > 0.95
    assert message_waiting(box.store) == {"general": 1}
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["disposition"] == "VOICEMAIL"
    events = [r["event"] for r in box.records("queue_log", call_id=leg.call_id)]
    assert events == ["ENTERQUEUE", "EXITWITHTIMEOUT"]
    print(f"greeting and beep: {waited:.1f} s")


def test_caller_silent_in_voicemail_leaves_no_message(rig):
    box = rig(acd=acd_with(max_wait_s=2.0, max_wait_action="voicemail", overflow_s=0.0),
              voicemail={"silence_s": 2.0})
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "0")
    box.run_until(lambda: caller.state == "ended", 30)
    box.barrier()
    assert box.records("voicemail") == []
    assert message_waiting(box.store, ["general"]) == {"general": 0}


def test_agent_box_from_the_ivr_ends_on_hash(rig):
    ivr = copy.deepcopy(IVR_DEFAULTS)
    ivr["menus"]["main"]["options"]["9"] = "voicemail:1003"
    box = rig(ivr=ivr)
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "9")
    box.run_until(lambda: leg.endpoint in box.center.voicemail.active
                  and box.center.voicemail.active[leg.endpoint].recording, 20)
    box.network.send_alaw(caller.ts, tone(700, 1.5))
    box.step(1.6)
    box.network.send_dtmf(caller, "#")
    box.run_until(lambda: caller.state == "ended", 15)
    box.barrier()
    message, = box.records("voicemail")
    assert message["mailbox"] == "1003" and 1.4 <= message["duration"] <= 2.2, message
    assert message_waiting(box.store, ["1003", "general"]) == {"1003": 1, "general": 0}
