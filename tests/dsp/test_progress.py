"""Call-progress tones: the generator's cadences and the detector's classes, per country."""
import numpy as np
import pytest

from firmware.dsp import g711
from firmware.dsp.progress import COUNTRIES, ProgressToneDetector, Tone, progress_tone
from firmware.dsp.synth import ms, white_noise


def _classify(x: np.ndarray, country="cn", block=160) -> list[list[str]]:
    x = np.atleast_2d(x)
    detector = ProgressToneDetector(x.shape[0], country)
    events = []
    for i in range(0, x.shape[1], block):
        events += detector.process(x[:, i:i + block])
    out: list[list[str]] = [[] for _ in range(x.shape[0])]
    for e in events:
        out[e.channel].append(e.kind)
    return out


def test_china_table_matches_design():
    cn = COUNTRIES["cn"]
    assert cn["dial"] == Tone((450.0,), -10.0, ())
    assert cn["ringback"].cadence == (1.0, 4.0)
    assert cn["busy"].cadence == (0.35, 0.35)
    assert cn["congestion"].cadence == (0.7, 0.7)


def test_generated_cadence_and_level():
    busy = progress_tone("busy", 1.4, "cn")
    levels = g711.level_dbm0(busy.reshape(-1, 80))                 # 10 ms frames
    on = levels > -40
    assert list(on[:140]) == ([True] * 35 + [False] * 35) * 2      # 350 ms on, 350 ms off
    assert np.allclose(levels[:35], -10.0, atol=0.1)


@pytest.mark.parametrize("country", ["cn", "itu"])
def test_each_tone_is_classified(country):
    names = ["dial", "ringback", "busy", "congestion", "sit"]
    x = np.stack([progress_tone(n, 12, country) for n in names])
    x = g711.alaw_decode(g711.alaw_encode(x + white_noise(x.shape[1], -50, seed=2, shape=(len(names),))))
    found = _classify(x, country)
    assert [f[0] if f else None for f in found] == names


def test_voice_and_silence():
    n = ms(8000)
    # speech-like: noise bursts with a syllable rhythm, loud, not tonal
    speech = white_noise(n, -18, seed=4) * (np.sin(2 * np.pi * 4 * np.arange(n) / 8000) > -0.3)
    quiet = white_noise(n, -65, seed=5)
    found = _classify(np.stack([speech, quiet]))
    assert found[0][:1] == ["voice"]
    assert found[1] == ["silence"]


def test_custom_table():
    table = {"dial": Tone((400.0,), -12.0), "busy": Tone((400.0,), -12.0, (0.5, 0.5)),
             "sit": COUNTRIES["itu"]["sit"]}
    x = np.stack([progress_tone("busy", 4, table), progress_tone("busy", 4, "cn")])
    found = _classify(x, table)
    assert found[0][:1] == ["busy"]
    assert "busy" not in found[1]                                 # 450 Hz is not this table's tone


def test_unknown_tone_name():
    with pytest.raises(ValueError, match="unknown tone"):
        progress_tone("howler", 1)


def test_resize_and_reset():
    detector = ProgressToneDetector(1)
    detector.process(np.zeros((1, 800), np.float32))
    detector.resize(2)
    x = np.stack([np.zeros(ms(3000)), progress_tone("busy", 3)])
    events = detector.process(x)
    assert [(e.channel, e.kind) for e in events] == [(1, "busy")]
    detector.reset(1)
    assert detector.state[1] == 0
    detector.remove([0])
    assert detector.channels == 1 and detector.bank.channels == 1
    assert detector.process(progress_tone("busy", 0.1)[None]) == []
