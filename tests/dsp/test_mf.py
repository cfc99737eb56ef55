"""MFC/R2 signals: Q.441 receiver limits (ours must pass all; spandsp printed beside), the
operate + release time, and the compelled / pulsed sender."""
import numpy as np
import pytest

from firmware.dsp.mf import MfReceiver, MfSender, mf_signal, signal_frequencies, tone_set
from firmware.dsp.synth import ms
from tests.dsp import mf_cases
from tests.dsp.conftest import COMPARISON

CASES = mf_cases.cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.direction}: {c.name}" for c in CASES])
def test_q441_case(case):
    found = mf_cases.ours(case)
    right, total = mf_cases.score(found, case.expected)
    COMPARISON.append(("mf", f"{case.direction}: {case.name}", f"{right}/{total}", _peer(case)))
    wrong = [(f, e) for f, e in zip(found, case.expected) if f != e]
    assert right == total, wrong[:5]


def _peer(case) -> str:
    from firmware.dsp.peers import spandsp
    try:
        spandsp.load()
    except spandsp.PeerUnavailable:
        return "n/a"
    return "{}/{}".format(*mf_cases.score(mf_cases.spandsp(case), case.expected))


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_operate_plus_release_within_80_ms(direction):
    """Stream 5 ms blocks; operate = start reported - tone start, release = end reported - tone end."""
    worst = 0
    for signal in (1, 6, 15):
        for lead in (0, 13, 29):
            x = np.concatenate([np.zeros(400 + lead), mf_signal([signal], direction, on_ms=150, off_ms=200)])
            receiver = MfReceiver(1, direction)
            reported = {}
            for i in range(0, x.shape[0], 40):
                for event in receiver.process(x[None, i:i + 40]):
                    reported[event.kind] = (i + 40, event)
            tone_start, tone_end = 400 + lead, 400 + lead + ms(150)
            operate = reported["start"][0] - tone_start
            release = reported["end"][0] - tone_end
            assert abs(reported["start"][1].sample - tone_start) <= 24
            assert abs(reported["end"][1].sample - tone_end) <= 24
            worst = max(worst, operate + release)
    assert worst <= ms(80), f"operate + release {worst / 8:.1f} ms"


def test_frequencies_follow_q441():
    assert tone_set("forward") == (1380, 1500, 1620, 1740, 1860, 1980)
    assert tone_set("backward") == (1140, 1020, 900, 780, 660, 540)
    assert signal_frequencies(1, "forward") == (1380, 1500)
    assert signal_frequencies(15, "backward") == (660, 540)
    with pytest.raises(ValueError):
        signal_frequencies(16, "forward")
    with pytest.raises(ValueError):
        tone_set("sideways")


def test_compelled_sender_plays_until_stopped_then_pulses():
    sender = MfSender(3, "backward")
    sender.start(0, 1)
    sender.pulse(2, 6, 150)
    blocks = [sender.generate(160) for _ in range(10)]          # 200 ms
    sender.stop(0)
    blocks += [sender.generate(160) for _ in range(10)]
    x = np.concatenate(blocks, axis=1)
    receiver = MfReceiver(3, "backward")
    events = receiver.process(x) + receiver.process(np.zeros((3, 800), np.float32))
    ends = {(e.channel, e.signal): (e.start, e.sample) for e in events if e.kind == "end"}
    assert set(ends) == {(0, 1), (2, 6)}
    assert abs(ends[(0, 1)][1] - 1600) <= 24             # stopped after 200 ms
    assert abs(ends[(2, 6)][1] - 1200) <= 24             # 150 ms pulse
    assert not any(e.channel == 1 for e in events)        # channel 1 never sent


def test_sender_phase_is_continuous_across_blocks():
    sender = MfSender(1, "forward")
    sender.start(0, 5)
    joined = np.concatenate([sender.generate(n) for n in (7, 160, 33)], axis=1)[0]
    again = MfSender(1, "forward")
    again.start(0, 5)
    assert np.allclose(joined, again.generate(200)[0], atol=0.05)
