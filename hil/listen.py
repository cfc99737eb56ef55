"""What a caller heard: find a prompt (or the music on hold) in it, measure how much was sound.

The rig hears the A-law the box sends on the caller's timeslot. A prompt is found by
normalised cross-correlation against the file the box plays, located as the box locates it
(the box's own prompt directory DATA/prompts, Debian's Asterisk prompt sets, then the
box's spoken-prompt cache DATA/prompts/.spoken). Through G.711 both ways a played prompt
correlates above 0.95 with its file; speech that is not the prompt stays far below 0.5.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from firmware.dsp.g711 import alaw_decode_float, level_dbm0
from firmware.dsp.resample import resample
from firmware.dsp.wav import read_wav

RATE = 8000
SYSTEM_SETS = [Path("/usr/share/asterisk/sounds/en_US_f_Allison"), Path("/usr/share/asterisk/sounds/en")]
MOH_DIR = Path("/usr/share/asterisk/moh")
TEMPLATE_S = 1.0                   # how much of the start of a prompt is looked for
FOUND = 0.8                        # correlation above this: the prompt was played


def prompt_path(name: str, data_dir: Path) -> Path | None:
    """The file the box plays for prompt ``name`` (None if it has none)."""
    for base in (Path(data_dir) / "prompts", *SYSTEM_SETS, Path(data_dir) / "prompts" / ".spoken"):
        candidate = base / f"{name}.wav"
        if candidate.is_file():
            return candidate
    return None


def load_audio(path: Path, seconds: float | None = TEMPLATE_S) -> np.ndarray:
    """A WAV file as 8 kHz mono float samples (the first ``seconds`` of it)."""
    wav = read_wav(path)
    mono = wav.samples.astype(np.float64).mean(axis=0)
    if wav.rate != RATE:
        mono = resample(mono, wav.rate, RATE)
    loud = np.flatnonzero(np.abs(mono) > 0.05 * np.max(np.abs(mono))) if mono.size else []
    mono = mono[loud[0]:] if len(loud) else mono          # the template starts where the sound does
    return mono[: int(seconds * RATE)] if seconds else mono


def music_template() -> np.ndarray | None:
    files = sorted(MOH_DIR.glob("*.wav")) if MOH_DIR.is_dir() else []
    return load_audio(files[0], 0.5) if files else None


def best_match(template: np.ndarray, heard_alaw: np.ndarray) -> tuple[float, float]:
    """(highest normalised correlation, where in seconds) of ``template`` within the audio."""
    x = alaw_decode_float(heard_alaw).astype(np.float64).ravel()
    t = np.asarray(template, np.float64)
    t = t - t.mean()
    n, m = x.size, t.size
    if n < m or m == 0 or not np.any(t):
        return 0.0, 0.0
    size = 1 << int(np.ceil(np.log2(n + m)))
    corr = np.fft.irfft(np.fft.rfft(x, size) * np.conj(np.fft.rfft(t, size)), size)[: n - m + 1]
    energy = np.concatenate([[0.0], np.cumsum(x * x)])
    window = energy[m:] - energy[:-m]
    sums = np.concatenate([[0.0], np.cumsum(x)])
    mean = (sums[m:] - sums[:-m]) / m
    window = np.maximum(window - m * mean * mean, 1e-9 * m)
    score = corr / (np.sqrt(window) * np.linalg.norm(t))
    where = int(np.argmax(score))
    return float(score[where]), where / RATE


def sound_fraction(heard_alaw: np.ndarray, start_s: float, end_s: float, floor_dbm0: float = -45.0) -> float:
    """Fraction of the 20 ms blocks between two times whose level is above ``floor_dbm0``."""
    x = alaw_decode_float(heard_alaw).astype(np.float64).ravel()[int(start_s * RATE): int(end_s * RATE)]
    blocks = x[: x.size // 160 * 160].reshape(-1, 160)
    if not blocks.size:
        return 0.0
    return float((level_dbm0(blocks) > floor_dbm0).mean())
