"""Level / voice activity per channel, and the conference mixer with clipping protection."""
import numpy as np
import pytest

from firmware.dsp.activity import ActivityDetector
from firmware.dsp.mixer import conference, mix, soft_limit
from firmware.dsp.synth import ms, tones, white_noise


def test_voice_then_silence_with_hangover():
    n = ms(3000)
    x = white_noise(n, -60, seed=1)
    x[ms(500):ms(1500)] += white_noise(ms(1000), -20, seed=2)
    detector = ActivityDetector(1, hangover_ms=300)
    events = []
    for i in range(0, n, 123):                                  # odd block size on purpose
        events += detector.process(x[None, i:i + 123])
    assert [e.kind for e in events] == ["voice", "silence"]
    assert abs(events[0].sample - ms(510)) <= ms(20)
    assert abs(events[1].sample - ms(1800)) <= ms(30)           # 300 ms hangover after 1.5 s
    assert detector.silent_ms[0] >= 1400
    assert detector.level_dbm0[0] == pytest.approx(-60, abs=2)


def test_activity_per_channel_and_resize():
    detector = ActivityDetector(2)
    x = np.stack([white_noise(1600, -20, seed=3), np.zeros(1600)])
    events = detector.process(x)
    assert {(e.channel, e.kind) for e in events} == {(0, "voice")}
    detector.resize(3)
    detector.reset(0)
    assert detector.process(np.zeros((3, 800))) == []
    with pytest.raises(ValueError):
        detector.process(np.zeros((2, 80)))
    detector.remove([1])
    assert detector.channels == 2 and detector.process(np.zeros((2, 80))) == []


def test_conference_each_hears_the_others_not_itself():
    n = 160
    x = np.stack([np.full(n, 1000.0), np.full(n, 2000.0), np.full(n, 4000.0), np.full(n, 8000.0)])
    out = conference(x, group=np.array([0, 0, 0, -1]))
    assert np.allclose(out[0], 6000) and np.allclose(out[1], 5000) and np.allclose(out[2], 3000)
    assert np.allclose(out[3], 0)


def test_listen_in_supervisor_hears_but_is_not_heard():
    x = np.stack([np.full(10, 1000.0), np.full(10, 2000.0), np.full(10, 500.0)])
    out = conference(x, group=np.array([7, 7, 7]), talking=np.array([True, True, False]))
    assert np.allclose(out[2], 3000)                            # supervisor hears both
    assert np.allclose(out[0], 2000) and np.allclose(out[1], 1000)


def test_clipping_protection_is_smooth_and_bounded():
    ramp = np.linspace(-80000, 80000, 20001)                   # far beyond full scale
    limited = soft_limit(ramp).astype(np.float64)
    assert np.max(np.abs(limited)) <= 32767
    slope = np.diff(limited) / np.diff(ramp)
    assert np.all(slope >= 0) and np.all(np.abs(np.diff(slope)) < 0.05)   # monotonic, no kink
    moderate = soft_limit(np.array([30000.0, 40000.0, 50000.0]))
    assert 24000 < moderate[0] < moderate[1] < moderate[2] < 32767       # still distinguishable
    loud = tones([1000], [3.0], 800) * 3
    quiet = tones([1000], [-20.0], 800)
    assert np.allclose(soft_limit(quiet), quiet, atol=0.01)     # untouched below the knee
    summed = mix(np.stack([loud, loud]), gains_db=np.array([0.0, -6.0]))
    assert np.max(np.abs(summed)) <= 32767


def test_conference_rejects_wrong_group_shape():
    with pytest.raises(ValueError, match="group"):
        conference(np.zeros((3, 10)), group=np.zeros(2, int))
