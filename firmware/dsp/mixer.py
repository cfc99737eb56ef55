"""Conference mixing and supervisor listen-in for all channels at once, with clip protection.

``conference(x, group, talking)``: x is linear audio (channels, n); group[c] is the
conference id of channel c (-1 = in none); talking[c] False makes c a listener (a supervisor
listening in, or a muted party). Each member hears the sum of the other talkers of its
group, never itself. ``soft_limit`` keeps sums in int16 range without hard clipping: linear
below the knee, a smooth tanh curve above it up to full scale.
"""
from __future__ import annotations

import numpy as np

FULL_SCALE = 32767.0


def soft_limit(x: np.ndarray, knee: float = 24000.0) -> np.ndarray:
    """Identity below ``knee``; above it, compress smoothly so |y| < 32767. float32 out."""
    x = np.asarray(x, dtype=np.float32)
    magnitude = np.abs(x)
    head = FULL_SCALE - knee
    over = knee + head * np.tanh((magnitude - knee) / head)
    return np.where(magnitude > knee, np.sign(x) * over, x).astype(np.float32)


def conference(x: np.ndarray, group: np.ndarray, talking: np.ndarray | None = None) -> np.ndarray:
    """What each channel hears (channels, n) float32; zero for channels in no group."""
    x = np.asarray(x, dtype=np.float32)
    group = np.asarray(group)
    if group.shape != (x.shape[0],):
        raise ValueError(f"group must have one entry per channel ({x.shape[0]}), got {group.shape}")
    talking = np.ones(x.shape[0], bool) if talking is None else np.asarray(talking, bool)
    members = group >= 0
    if not members.any():
        return np.zeros_like(x)
    ids, index = np.unique(group[members], return_inverse=True)
    voice = x[members] * talking[members, None]
    sums = np.zeros((ids.size, x.shape[1]), np.float32)
    np.add.at(sums, index, voice)
    out = np.zeros_like(x)
    out[members] = sums[index] - voice
    return soft_limit(out)


def mix(sources: np.ndarray, gains_db: np.ndarray | None = None) -> np.ndarray:
    """Sum (k, n) sources with optional per-source gains (dB) into (n,), soft-limited."""
    sources = np.asarray(sources, dtype=np.float32)
    if gains_db is not None:
        sources = sources * (10.0 ** (np.asarray(gains_db, dtype=np.float32) / 20.0))[:, None]
    return soft_limit(sources.sum(axis=0))
