"""Done means, by ear: the caller hears the welcome prompt, and caller and agent hear each
other bit for bit. Checked on the audio the rig receives on its lines."""
from __future__ import annotations

import numpy as np

from tests.calls.audio import best_match, find_pattern, linear, reference


def test_caller_hears_the_welcome_prompt(rig, tmp_path):
    box = rig()
    call = box.network.call("95105", ani="13800138000")
    heard = box.network.capture(call.ts)
    box.run_until(lambda: call.state == "answered", 15)
    answered_at = len(heard) * 160
    box.step(3.0)
    audio = linear(heard)
    welcome = reference(box.center.prompts.path_of("ivr/welcome"), tmp_path)
    score, lag = best_match(audio, welcome)
    assert score > 0.9, f"welcome prompt not heard (correlation {score:.2f})"
    # it starts as the box answers (the rig sees the answer signal a CAS debounce later)
    assert abs(lag - answered_at) < 4000, f"welcome began {(lag - answered_at) / 8:.0f} ms from the answer"
    # the check can tell prompts apart: a prompt the box did not play does not match
    other, _ = best_match(audio, reference(box.center.prompts.path_of("ivr/card-refused"), tmp_path))
    assert other < 0.5, f"a prompt that was not played correlates at {other:.2f}"


def test_caller_and_agent_hear_each_other_bit_exact(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    rng = np.random.default_rng(6)
    to_agent, to_caller = (rng.integers(0, 256, 8000, dtype=np.uint8) for _ in range(2))
    at_agent, at_caller = box.pbx.capture(agent.ts), box.network.capture(caller.ts)
    box.network.send_alaw(caller.ts, to_agent)
    box.pbx.send_alaw(agent.ts, to_caller)
    box.step(1.5)
    delays = []
    for sent, rows in ((to_agent, at_agent), (to_caller, at_caller)):
        offset = find_pattern(np.concatenate(rows), sent)
        assert offset is not None, "the pattern did not arrive octet for octet"
        delays.append(offset / 8.0)
    print(f"one-way delay through the box: caller->agent {delays[0]:.1f} ms, agent->caller {delays[1]:.1f} ms")
    assert all(d < 120 for d in delays)
    caller.clear()
    box.run_until(lambda: not box.center.calls, 10)
