"""Talk-off: no false DTMF digits and no false MF signals on real speech, music and synthetic
speech in three languages, through A-law, at native level and at -8 dBm0. The corpus comes
from Debian packages (nothing downloaded); each is cut into channels and processed at once."""
import numpy as np
import pytest

from firmware.dsp import corpus, g711
from firmware.dsp.dtmf import detect_digits
from firmware.dsp.mf import detect_signals
from tests.dsp.conftest import COMPARISON

ESPEAK_TEXT = {
    "en": "Welcome to the help desk. Please enter your product card number, then press the hash key. "
          "For an agent, press zero. Thank you for calling, one two three four five six seven eight nine.",
    "cmn": "欢迎致电服务热线。请输入您的产品卡号，然后按井号键。人工服务请按零。谢谢您的来电，一二三四五六七八九十。",
    "yue": "歡迎致電服務熱線。請輸入你嘅產品卡號，然後按井字鍵。人工服務請按零。多謝你嘅來電，一二三四五六七八九十。",
}


def _load(name: str) -> np.ndarray:
    try:
        if name == "speech":
            return corpus.speech()
        if name == "music":
            return corpus.music()
        return np.concatenate([corpus.espeak(ESPEAK_TEXT[name], name)] * 3)
    except corpus.CorpusUnavailable as exc:
        pytest.skip(str(exc))


def _versions(x: np.ndarray, channels: int) -> dict[str, np.ndarray]:
    """The material as channels through A-law, at native level and at -8 dBm0 per channel."""
    rows = corpus.as_channels(x, channels).astype(np.float64)
    level = g711.level_dbm0(rows)
    loud = rows * (10 ** ((-8.0 - level) / 20))[:, None]
    return {"native": g711.alaw_decode(g711.alaw_encode(rows)),
            "-8 dBm0": g711.alaw_decode(g711.alaw_encode(loud))}


@pytest.mark.parametrize("name,channels", [("speech", 64), ("music", 32), ("en", 4), ("cmn", 4), ("yue", 4)])
def test_no_false_digits_or_mf_signals(name, channels):
    material = _load(name)
    minutes = material.shape[0] / 8000 / 60
    if name == "speech":
        assert minutes > 20, f"asterisk-core-sounds-en-wav should give ~25 min of speech, got {minutes:.1f}"
    if name == "music":
        assert minutes > 15, f"asterisk-moh-opsound-wav should give ~18 min of music, got {minutes:.1f}"
    for level, audio in _versions(material, channels).items():
        x = audio.astype(np.float32)
        digits = sum(len(found) for found in detect_digits(x))
        forward = sum(len(found) for found in detect_signals(x, "forward"))
        backward = sum(len(found) for found in detect_signals(x, "backward"))
        COMPARISON.append(("talk-off", f"{name} ({minutes:.1f} min, {level}): false DTMF digits",
                           str(digits), _spandsp_false(audio, "dtmf")))
        COMPARISON.append(("talk-off", f"{name} ({minutes:.1f} min, {level}): false MF fwd/bwd",
                           f"{forward}/{backward}",
                           f"{_spandsp_false(audio, 'r2_forward')}/{_spandsp_false(audio, 'r2_backward')}"))
        assert (digits, forward, backward) == (0, 0, 0), f"{name} at {level}"


def _spandsp_false(audio: np.ndarray, kind: str) -> str:
    from firmware.dsp.peers import spandsp
    try:
        bank = spandsp.SpandspBank(kind, audio.shape[0])
    except spandsp.PeerUnavailable:
        return "n/a"
    count = sum(1 for e in bank.process(audio) if e.code)
    bank.close()
    return str(count)


@pytest.mark.parametrize("name", ["speech", "music"])
def test_progress_detector_calls_speech_and_music_voice(name):
    from firmware.dsp.progress import ProgressToneDetector
    audio = corpus.as_channels(_load(name), 32).astype(np.float32)
    detector = ProgressToneDetector(audio.shape[0], "cn")
    events = []
    for i in range(0, audio.shape[1], 8000):
        events += detector.process(audio[:, i:i + 8000])
    kinds = {e.kind for e in events}
    assert kinds <= {"voice", "silence"} and "voice" in kinds
