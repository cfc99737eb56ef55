"""What the tests do with audio the rig received: reference files, correlation, patterns, tones."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

from firmware.dsp.g711 import alaw_decode, alaw_encode
from firmware.dsp.wav import read_wav

RATE = 8000


def reference(path: Path, tmp: Path) -> np.ndarray:
    """A prompt file as 8 kHz linear samples, converted by sox (not by the box's code)."""
    if shutil.which("sox") is None:
        import pytest
        pytest.skip("sox is needed to convert reference prompts")
    out = tmp / (path.stem + "-8k.wav")
    subprocess.run(["sox", str(path), "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", str(out)],
                   check=True, capture_output=True)
    return read_wav(out).samples[0].astype(np.float64)


def linear(rows: list[np.ndarray]) -> np.ndarray:
    return alaw_decode(np.concatenate(rows)).astype(np.float64)


def best_match(heard: np.ndarray, ref: np.ndarray) -> tuple[float, int]:
    """(normalised correlation peak, lag in samples) of ``ref`` inside ``heard``.

    Each lag's correlation is divided by the energy of ``heard`` under ``ref`` there, so a
    loud neighbour cannot win; 1.0 means a perfect copy (any gain).
    """
    if heard.size < ref.size:
        heard = np.concatenate([heard, np.zeros(ref.size - heard.size)])
    n = heard.size + ref.size
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(heard, size) * np.conj(np.fft.rfft(ref, size)), size)[: heard.size - ref.size + 1]
    cumulative = np.concatenate([[0.0], np.cumsum(heard * heard)])
    energy = cumulative[ref.size:] - cumulative[:-ref.size]
    score = corr / np.sqrt(np.maximum(energy, 1e-9) * float(ref @ ref))
    lag = int(np.argmax(score))
    return float(score[lag]), lag


def find_pattern(stream: np.ndarray, pattern: np.ndarray) -> int | None:
    """Offset where the whole ``pattern`` appears octet for octet in ``stream`` (None if nowhere)."""
    head = pattern[:32]
    windows = np.lib.stride_tricks.sliding_window_view(stream, head.size)
    for offset in np.flatnonzero((windows == head).all(axis=1)):
        if offset + pattern.size <= stream.size and np.array_equal(stream[offset:offset + pattern.size], pattern):
            return int(offset)
    return None


def tone(freq: float, seconds: float, amplitude: float = 6000.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return alaw_encode(amplitude * np.sin(2 * np.pi * freq * t))


def tone_level(rows: list[np.ndarray], freq: float) -> float:
    """Amplitude of ``freq`` in the received audio (a windowed DFT bin, int16 scale)."""
    x = linear(rows)
    window = np.hanning(x.size)
    bin_value = np.abs(np.sum(x * window * np.exp(-2j * np.pi * freq * np.arange(x.size) / RATE)))
    return 2 * bin_value / window.sum()


def rms(rows: list[np.ndarray]) -> float:
    x = linear(rows)
    return float(np.sqrt(np.mean(x * x)))
