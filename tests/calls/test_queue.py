"""A caller waiting in a queue: position announcement and music on hold on the line, then
the failure paths of the queue: abandon, and no agents until the max wait (callback request;
the voicemail case is in test_voicemail)."""
from __future__ import annotations

import numpy as np

from firmware.calls.prompts import MOH_DIR
from tests.calls.audio import best_match, linear, reference
from tests.calls.conftest import acd_with


def test_waiting_caller_hears_position_then_music_and_abandons(rig, tmp_path):
    box = rig()
    caller, leg = box.caller()
    heard = box.network.capture(caller.ts)
    box.network.send_dtmf(caller, "0")                   # general queue; nobody signed in
    box.run_until(lambda: leg.phase == "queued", 5)
    box.step(10.0)
    audio = linear(heard)
    score, _ = best_match(audio, reference(box.center.prompts.path_of("queue-youarenext"), tmp_path))
    assert score > 0.9, f"position announcement not heard (correlation {score:.2f})"
    music = reference(sorted(MOH_DIR.glob("*.wav"))[0], tmp_path)[: 30 * 8000]
    tail = audio[-2 * 8000:]                             # the last 2 s: music
    score, _ = best_match(music, tail)
    assert score > 0.9, f"music on hold not heard (correlation {score:.2f})"
    assert np.sqrt(np.mean(tail ** 2)) > 100

    caller.clear()                                       # tired of waiting
    box.run_until(lambda: not box.center.calls, 5)
    box.barrier()
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["disposition"] == "ABANDONED" and cdr["queue"] == "general" and 9.5 < cdr["wait"] < 12
    events = [r["event"] for r in box.records("queue_log", call_id=leg.call_id)]
    assert events == ["ENTERQUEUE", "ABANDON"]
    assert not box.records("active_calls")


def test_no_agents_then_max_wait_to_callback_request(rig):
    box = rig(acd=acd_with(max_wait_s=2.0, max_wait_action="callback", overflow_s=0.0))
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "0")
    box.run_until(lambda: caller.state == "ended", 20)
    box.barrier()
    cdr, = box.records("cdr", call_id=leg.call_id)
    assert cdr["disposition"] == "NO ANSWER" and 1.9 < cdr["wait"] < 10
    ticket, = box.records("tickets", category="callback")
    assert ticket["caller"] == "13800138000" and leg.call_id in ticket["calls"]
