"""The headset's hooks: a tap gives both directions of a call block by block (bounded, never
blocking the line), and a whisper reaches the agent only."""
from __future__ import annotations

import numpy as np

from firmware.calls.tap import Tap
from tests.calls.audio import find_pattern, tone, tone_level


def test_a_full_tap_drops_blocks_instead_of_waiting():
    tap = Tap("c1", blocks=3)
    rows = [np.full(160, i, np.uint8) for i in range(5)]
    for i in range(5):
        tap.put(rows[i], rows[i] ^ 0xFF)
    assert tap.dropped == 2
    got = [tap.get(timeout=0) for _ in range(4)]
    assert [int(b[0, 0]) for b in got[:3]] == [0, 1, 2] and got[3] is None
    assert np.array_equal(got[1][1], rows[1] ^ 0xFF)
    tap.close()
    tap.put(rows[0], rows[0])
    assert tap.get(timeout=0) is None


def test_tap_and_whisper_on_a_live_call(rig):
    box = rig()
    box.login("8001")
    caller, leg, agent = box.connected("8001")
    tap = box.center.tap(leg.call_id)
    whisper = iter([tone(1500, 0.02)] * 50)               # one second of a 1500 Hz tone, then None
    box.center.whisper(leg.call_id, lambda: next(whisper, None))
    at_agent, at_caller = box.pbx.capture(agent.ts), box.network.capture(caller.ts)
    said = np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8)
    box.network.send_alaw(caller.ts, said)
    box.step(0.8)
    assert tone_level(at_agent, 1500) > 2000               # the agent hears the whisper
    assert tone_level(at_caller, 1500) < 100               # the caller does not
    blocks = []
    while (block := tap.get(timeout=0)) is not None:
        blocks.append(block)
    assert blocks and all(b.shape == (2, 160) for b in blocks)
    assert find_pattern(np.concatenate([b[0] for b in blocks]), said[:2000]) is not None
    box.step(0.5)
    assert leg.call_id not in box.center.listening.whispers           # the source ran dry: whisper over
    caller.clear()
    box.run_until(lambda: not box.center.calls, 5)
    assert tap.closed and leg.call_id not in box.center.listening.taps
