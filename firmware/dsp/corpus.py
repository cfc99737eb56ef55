"""Talk-off material from Debian packages: real speech, music and synthetic speech at 8 kHz.

Nothing is downloaded. Sources: asterisk-core-sounds-en-wav (about 25 minutes of prompts,
/usr/share/asterisk/sounds/en*), asterisk-moh-opsound-wav (about 18 minutes of music,
/usr/share/asterisk/moh) and espeak-ng (any language, e.g. en, cmn, yue), converted to 8 kHz
with our resampler. Each loader returns int16 (n,) or raises CorpusUnavailable saying which
Debian package is missing; ``as_channels`` cuts a long signal into equal channels so a
receiver can process the whole corpus at once.
"""
from __future__ import annotations

import glob
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from firmware.dsp.resample import resample
from firmware.dsp.wav import read_wav

SOUNDS = "/usr/share/asterisk/sounds"
MOH = "/usr/share/asterisk/moh"


class CorpusUnavailable(RuntimeError):
    """The material is not installed; the message names the Debian package."""


def _load_all(paths: list[str]) -> np.ndarray:
    parts = []
    for path in paths:
        audio = read_wav(path)
        x = audio.samples[0]
        if audio.rate != 8000:
            x = np.clip(resample(x, audio.rate, 8000), -32768, 32767).astype(np.int16)
        parts.append(x)
    return np.concatenate(parts)


def speech() -> np.ndarray:
    """All English prompts of asterisk-core-sounds-en-wav, concatenated (int16, 8 kHz)."""
    paths = sorted(p for p in glob.glob(f"{SOUNDS}/en*/**/*.wav", recursive=True))
    if not paths:
        raise CorpusUnavailable(f"no WAV prompts under {SOUNDS}/en*: install asterisk-core-sounds-en-wav")
    return _load_all(paths)


def music() -> np.ndarray:
    """All music-on-hold of asterisk-moh-opsound-wav, concatenated (int16, 8 kHz)."""
    paths = sorted(glob.glob(f"{MOH}/*.wav"))
    if not paths:
        raise CorpusUnavailable(f"no WAV files under {MOH}: install asterisk-moh-opsound-wav")
    return _load_all(paths)


def espeak(text: str, voice: str = "en") -> np.ndarray:
    """``text`` spoken by espeak-ng in ``voice`` (en, cmn, yue ...), int16 at 8 kHz."""
    if shutil.which("espeak-ng") is None:
        raise CorpusUnavailable("espeak-ng not found: install espeak-ng")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), text], check=True,
                       capture_output=True, timeout=120)
        return _load_all([str(out)])


def as_channels(x: np.ndarray, channels: int) -> np.ndarray:
    """Cut ``x`` into ``channels`` equal rows (the remainder is dropped)."""
    n = x.shape[0] // channels
    return x[:channels * n].reshape(channels, n)
