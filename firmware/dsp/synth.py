"""Sine and tone-burst synthesis shared by the generators (DTMF, MF, call progress) and tests.

All functions return float64 linear samples in int16 scale; levels are per tone, in dBm0
(see g711). Use ``to_int16`` to saturate for the line or a WAV file.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from firmware.dsp.g711 import dbm0_to_amplitude


def tones(freqs: Sequence[float], levels_dbm0: Sequence[float], n: int, rate: int = 8000,
          start: int = 0, phases: Sequence[float] | None = None) -> np.ndarray:
    """Sum of sines (Hz, dBm0 each) over samples start..start+n-1, shape (n,)."""
    t = (start + np.arange(n)) / rate
    out = np.zeros(n)
    for i, (f, level) in enumerate(zip(freqs, levels_dbm0)):
        phase = 0.0 if phases is None else phases[i]
        out += dbm0_to_amplitude(level) * np.sin(2 * np.pi * f * t + phase)
    return out


def bursts(segments: Iterable[tuple[Sequence[float], Sequence[float], int]], rate: int = 8000) -> np.ndarray:
    """Concatenate segments (freqs, levels_dbm0, samples); empty freqs = silence."""
    parts = [tones(f, lv, n, rate) if len(f) else np.zeros(n) for f, lv, n in segments]
    return np.concatenate(parts) if parts else np.zeros(0)


def ms(duration_ms: float, rate: int = 8000) -> int:
    """Milliseconds to a whole number of samples."""
    return int(round(duration_ms * rate / 1000.0))


def to_int16(x: np.ndarray) -> np.ndarray:
    """Round and saturate linear samples to int16."""
    return np.clip(np.rint(x), -32768, 32767).astype(np.int16)


def white_noise(n: int, level_dbm0: float, seed: int = 0, shape: tuple[int, ...] = ()) -> np.ndarray:
    """Gaussian noise of the given mean power (dBm0), shape (*shape, n)."""
    from firmware.dsp.g711 import dbm0_to_power
    rng = np.random.default_rng(seed)
    return rng.standard_normal((*shape, n)) * np.sqrt(dbm0_to_power(level_dbm0))
