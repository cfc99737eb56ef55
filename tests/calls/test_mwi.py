"""Message waiting on the agents' phones, from outside the box: an agent whose voicemail box
has unheard messages hears a stutter dial tone when his phone calls the feature number, the
others a steady one (measured on the PBX line's received audio, 10 ms at a time), the tone
stops at the first key, and the agents' snapshot counts the messages until they are heard."""
from __future__ import annotations

import copy

import numpy as np

from firmware.ivr.config import IVR_DEFAULTS
from tests.calls.audio import linear, rms, tone, tone_level

FRAME = 80                     # samples in 10 ms
ON_RMS = 500.0                 # the -10 dBm0 dial tone is ~2300 rms; the idle pattern ~8


def tone_on(rows: list[np.ndarray]) -> np.ndarray:
    """Per 10 ms of received audio: is the tone there (energy above the threshold)?"""
    x = linear(rows)
    frames = x[: x.size // FRAME * FRAME].reshape(-1, FRAME)
    return np.sqrt((frames * frames).mean(axis=1)) > ON_RMS


def runs(on: np.ndarray) -> list[tuple[bool, int]]:
    """(tone on?, length in 10 ms frames) of each run of equal frames."""
    edges = np.flatnonzero(np.diff(on.astype(int))) + 1
    bounds = np.concatenate([[0], edges, [on.size]])
    return [(bool(on[a]), int(b - a)) for a, b in zip(bounds[:-1], bounds[1:])]


def dial_tone_heard(box, extension: str, seconds: float = 2.4):
    """The phone at ``extension`` calls the feature number; (10 ms on/off of what it heard in
    the first ``seconds``, the rig's call)."""
    call = box.pbx.call("90000", ani=extension)
    box.run_until(lambda: call.state == "answered", 5)
    heard = box.pbx.capture(call.ts)
    box.step(seconds)
    box.pbx.captures.pop(call.ts)
    return tone_on(heard), call


def assert_stutter(on: np.ndarray) -> None:
    pattern = runs(on)
    inner = pattern[1:]                                  # the first run may be cut by the answer
    gaps = [n for is_on, n in inner if not is_on]
    assert len(gaps) >= 4, pattern
    assert all(8 <= n <= 12 for _, n in inner[:-1]), str(pattern)      # 100 ms on / 100 ms off
    assert pattern[-1][0] and pattern[-1][1] >= 50, pattern             # then steady (>= 0.5 s)


def assert_steady(on: np.ndarray) -> None:
    start = int(np.argmax(on))
    assert on[start:].all() and on.size - start >= 200, runs(on)       # 2 s without a gap


def leave_message(box, box_name: str, freq: float = 700.0) -> None:
    ivr = box.center.sections["ivr"]
    ivr["menus"]["main"]["options"]["9"] = f"voicemail:{box_name}"
    caller, leg = box.caller()
    box.network.send_dtmf(caller, "9")
    box.run_until(lambda: leg.endpoint in box.center.voicemail.active
                  and box.center.voicemail.active[leg.endpoint].recording, 20)
    box.network.send_alaw(caller.ts, tone(freq, 1.5))
    box.step(1.6)
    box.network.send_dtmf(caller, "#")
    box.run_until(lambda: caller.state == "ended", 15)


def agent_row(box, agent: str) -> dict:
    return next(r for r in box.center.snapshot()["agents"] if r["agent"] == agent)


def test_stutter_dial_tone_while_messages_wait_and_steady_once_heard(rig):
    box = rig(ivr=copy.deepcopy(IVR_DEFAULTS))
    on, _ = dial_tone_heard(box, "8001")
    assert_steady(on)                                    # nothing waiting yet
    assert agent_row(box, "1001")["messages_waiting"] == 0
    leave_message(box, "1001")
    box.barrier()
    assert agent_row(box, "1001")["messages_waiting"] == 1
    assert agent_row(box, "1002")["messages_waiting"] == 0
    on, call = dial_tone_heard(box, "8001")
    assert_stutter(on)
    heard = box.pbx.capture(call.ts)
    box.pbx.send_dtmf(call, "*")                         # the first key ends the dial tone
    box.step(0.6)
    after = tone_on(box.pbx.captures.pop(call.ts))
    assert after[:3].all() and not after[-40:].any(), runs(after)     # on, then off for good
    box.run_until(lambda: call.state == "ended", 10)     # an incomplete code: "invalid", cleared
    on, _ = dial_tone_heard(box, "8002")                 # another agent: no messages, steady
    assert_steady(on)
    message, = box.records("voicemail")
    box.store.update("voicemail", message["id"], {"heard": True})     # as `e1desk vm listen` does
    assert agent_row(box, "1001")["messages_waiting"] == 0
    on, _ = dial_tone_heard(box, "8001")
    assert_steady(on)


def test_screen_pop_carries_the_messages_waiting_count(rig):
    box = rig(ivr=copy.deepcopy(IVR_DEFAULTS))
    leave_message(box, "1001")
    box.barrier()
    box.login("8001")
    box.center.snapshot()                                # the console's look refreshes the counts
    caller, leg = box.caller(ani="13900139000")
    box.network.send_dtmf(caller, "0")
    box.run_until(lambda: leg.phase == "connected", 15)
    assert box.center.acd.screen_pop("1001")["messages_waiting"] == 1
    caller.clear()
    box.run_until(lambda: not box.center.calls, 10)


def test_agent_hears_his_messages_newest_first_then_they_are_heard(rig):
    box = rig(ivr=copy.deepcopy(IVR_DEFAULTS))
    leave_message(box, "1001", 1300.0)
    leave_message(box, "1001", 1900.0)                   # the newer one
    leave_message(box, "1002", 2300.0)                   # someone else's: not played, stays unheard
    box.barrier()
    assert agent_row(box, "1001")["messages_waiting"] == 2
    call = box.pbx.call("90000", ani="8001")
    box.run_until(lambda: call.state == "answered", 5)
    heard = box.pbx.capture(call.ts)
    box.pbx.send_dtmf(call, "*98#")
    box.run_until(lambda: call.state == "ended", 30)     # messages, goodbye, the box clears
    chunks = [heard[i:i + 5] for i in range(0, len(heard) - 4, 5)]      # 100 ms each
    pure = [(c, rms(c)) for c in chunks]                 # a message's tone, not speech near f
    first = {f: next((i for i, (c, level) in enumerate(pure) if tone_level(c, f) > max(2000, 1.2 * level)), None)
             for f in (1300.0, 1900.0, 2300.0)}
    assert first[1900.0] is not None and first[1300.0] is not None, first
    assert first[1900.0] < first[1300.0], first          # newest first
    assert first[2300.0] is None, first
    box.barrier()
    assert agent_row(box, "1001")["messages_waiting"] == 0
    assert agent_row(box, "1002")["messages_waiting"] == 1
    assert sorted(r["heard"] for r in box.records("voicemail", mailbox="1001")) == [True, True]
