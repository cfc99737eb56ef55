"""Sample-rate conversion by a rational factor with a windowed-sinc polyphase filter.

For importing prompts and test files of any rate (44.1 kHz music, 22.05 kHz espeak-ng output,
16 kHz wideband) to the line's 8000 samples/s. Offline work, not on the real-time path: the
whole signal is converted at once, in chunks of output samples to bound memory. The filter
has ``taps`` zero crossings each side (Kaiser window, beta 8), cut off at 0.45 of the lower
of the two rates, so images and aliases are below about -70 dB.
"""
from __future__ import annotations

from math import gcd

import numpy as np


def resample(x: np.ndarray, rate_in: int, rate_out: int, taps: int = 16) -> np.ndarray:
    """Resample along the last axis; returns float64 of length ceil(n * rate_out / rate_in)."""
    x = np.asarray(x, dtype=np.float64)
    if rate_in <= 0 or rate_out <= 0:
        raise ValueError(f"sample rates must be positive, got {rate_in} -> {rate_out}")
    if rate_in == rate_out:
        return x.copy()
    g = gcd(int(rate_in), int(rate_out))
    up, down = rate_out // g, rate_in // g
    cutoff = 0.9 * min(1.0, up / down)            # of the input Nyquist frequency
    half = int(np.ceil(taps / cutoff))            # filter half-length in input samples
    k = np.arange(-half + 1, half + 1)            # input offsets relative to floor(t)
    phases = np.arange(up) / up                   # fractional part of t for each phase
    tau = phases[:, None] - k[None, :]            # distance from each tap, (up, 2*half)
    window = np.kaiser(2 * half + 1, 8.0)
    weights = cutoff * np.sinc(cutoff * tau) * np.interp(tau, np.arange(-half, half + 1), window)
    n_in = x.shape[-1]
    n_out = -(-n_in * up // down)
    padded = np.concatenate([np.zeros(x.shape[:-1] + (half,)), x, np.zeros(x.shape[:-1] + (half + 1,))], axis=-1)
    out = np.empty(x.shape[:-1] + (n_out,))
    chunk = max(1, (1 << 16) // max(1, 2 * half))   # output samples per step: about 64 k products
    for start in range(0, n_out, chunk):
        m = np.arange(start, min(n_out, start + chunk))
        base = (m * down) // up                   # floor of the input position
        phase = (m * down) % up
        index = base[:, None] + k[None, :] + half
        out[..., m] = np.sum(padded[..., index] * weights[phase], axis=-1)
    return out
