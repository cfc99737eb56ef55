"""`e1desk prompt record|list|play` through a fake headset (ALSA file plugin, no sound card)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from firmware.dsp.resample import resample
from firmware.dsp.wav import read_wav, write_wav
from tests.calls.audio import best_match
from tests.headset.fakejack import FakeJack, no_sound_env, strip_gaps

DEVICE_RATE = 44100                # PortAudio's default rate for an ALSA plugin PCM
SPEECH = "/usr/share/asterisk/sounds/en_US_f_Allison/hello-world.wav"


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    """Real speech at 8 kHz (asterisk-core-sounds-en-wav)."""
    wav = read_wav(SPEECH)
    return wav.samples[0].astype(np.float64) if wav.rate == 8000 else resample(wav.samples[0], wav.rate, 8000)


def at_device_rate(x8k: np.ndarray) -> np.ndarray:
    return resample(x8k, 8000, DEVICE_RATE)


def quiet(seconds: float, seed: int) -> np.ndarray:
    """Room noise around -65 dBm0 at 8 kHz."""
    return np.random.default_rng(seed).normal(0, 6, int(seconds * 8000))


def test_record_stops_on_silence_trims_it_and_keeps_the_speech(tmp_path, speech):
    take = np.concatenate([quiet(1.5, 1), speech, quiet(4.0, 2)])
    jack = FakeJack.make(tmp_path, at_device_rate(take))
    data = tmp_path / "data"
    done = jack.e1desk("prompt", "record", "ivr/welcome", "--data", str(data), "--seconds", "20", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["stopped"] == "silence" and report["replaced"] is False
    assert report["device"]["rate"] == DEVICE_RATE
    wav = read_wav(data / "prompts" / "ivr" / "welcome.wav")
    assert (wav.rate, wav.encoding, wav.samples.shape[0]) == (8000, "alaw", 1)
    got = wav.samples[0].astype(np.float64)
    # the leading 1.5 s and trailing 4 s of quiet are gone, the speech is all there
    assert speech.size <= got.size <= speech.size + 0.6 * 8000
    assert report["seconds"] == pytest.approx(got.size / 8000, abs=1e-3)
    assert report["recorded_s"] < take.size / 8000          # stopped before the end of the file
    score, lag = best_match(got, speech)
    assert score > 0.98, score                                # A-law and two resamplings
    assert lag <= 0.15 * 8000                                 # little lead-in kept

    again = jack.e1desk("prompt", "record", "ivr/welcome", "--data", str(data), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["replaced"] is True

    listed = jack.e1desk("prompt", "list", "--data", str(data), "--json")
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["encoding"], r["rate"]) for r in rows] == [("ivr/welcome", "alaw", 8000)]
    assert rows[0]["seconds"] == pytest.approx(got.size / 8000, abs=1e-3)


def test_record_without_speech_writes_nothing(tmp_path):
    jack = FakeJack.make(tmp_path, at_device_rate(quiet(3.0, 3)))
    data = tmp_path / "data"
    done = jack.e1desk("prompt", "record", "hold", "--data", str(data), "--seconds", "2")
    assert done.returncode == 1
    assert "no speech heard" in done.stderr and not (data / "prompts" / "hold.wav").exists()


def test_play_sends_the_prompt_to_the_earpiece(tmp_path, speech):
    jack = FakeJack.make(tmp_path)
    data = tmp_path / "data"
    (data / "prompts").mkdir(parents=True)
    write_wav(data / "prompts" / "greeting.wav", speech, 8000, "alaw")
    done = jack.e1desk("prompt", "play", "greeting", "--data", str(data), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["played"] is True and report["path"].endswith("greeting.wav")
    played = strip_gaps(jack.played())
    expected = at_device_rate(read_wav(data / "prompts" / "greeting.wav").samples[0].astype(np.float64))
    score, _ = best_match(played, expected)
    assert score > 0.99, score
    assert abs(played.size - expected.size) < 0.05 * expected.size


def test_bad_names_and_missing_prompts_are_named(tmp_path):
    jack = FakeJack.make(tmp_path)
    data = str(tmp_path / "data")
    bad = jack.e1desk("prompt", "record", "../etc/passwd", "--data", data)
    assert bad.returncode == 2 and "NAME" in bad.stderr and "not a prompt name" in bad.stderr
    missing = jack.e1desk("prompt", "play", "no-such-prompt", "--data", data)
    assert missing.returncode == 2 and "no prompt 'no-such-prompt'" in missing.stderr


def test_without_a_sound_device_the_commands_say_why(tmp_path):
    import subprocess
    import sys
    for args in (["prompt", "record", "x"], ["prompt", "play", "hello-world"]):
        done = subprocess.run([sys.executable, "-m", "firmware.cli", *args, "--data", str(tmp_path / "d")],
                              env=no_sound_env(tmp_path), capture_output=True, text=True, timeout=60)
        assert done.returncode == 1, (args, done.stderr)
        assert "headset unavailable: no sound device" in done.stderr
        assert "Traceback" not in done.stderr
