"""Streaming short-time DFT at a few fixed frequencies, for all channels at once.

The engine under the DTMF, MF and call-progress receivers. Input is linear audio shaped
(channels, n) in int16 scale (int16 or float32), any n >= 0 per call. The bank cuts each
channel into hops of ``hop`` samples and reports one analysis frame per hop: the complex
DFT of the last ``window`` samples (times a taper) at each frequency, and the tapered
energy of those samples without their DC part (a DC offset on the line cannot mask tones).
The work is one matrix product per call (BLAS) for all channels, plus one C loop for the
sliding sums and window energies (firmware.dsp._kernels.bank_frames); the state kept
between calls is the incomplete hop and the partial sums of the windows still open.

Frame results come with the previous frame's DFT prepended, so a receiver can take the
phase step between consecutive frames (a precise, level-independent frequency estimate).

Time: ``samples`` counts the samples fed so far (the same for every channel); a channel's
own clock starts when it is added or reset (``origin``), so event times are per channel.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware.dsp._kernels import ffi, lib

def tukey(window: int, ramp: int) -> np.ndarray:
    """A flat window with raised-cosine ramps of ``ramp`` samples at each end."""
    taper = np.ones(window)
    rise = 0.5 * (1 - np.cos(np.pi * (np.arange(ramp) + 0.5) / ramp))
    taper[:ramp], taper[window - ramp:] = rise, rise[::-1]
    return taper


@dataclass
class Frames:
    """Analysis frames of one ``process`` call (m frames, K frequencies, C channels).

    The arrays are the bank's own buffers, valid until its next ``process`` call.
    """

    spectrum: np.ndarray     # float32 (C, m + 1, 2K): real parts then imaginary parts;
                             # frame 0 is the previous call's last frame, then the m new ones
    energy: np.ndarray       # float32 (C, m): sum of taper * x**2 over each window, DC removed
    first_end: int           # global sample index one past the first window's last sample
    hop: int

    @property
    def count(self) -> int:
        return self.energy.shape[1]

    @property
    def end(self) -> np.ndarray:
        """int64 (m,): global sample index one past each window's last sample."""
        return self.first_end + self.hop * np.arange(self.count, dtype=np.int64)

    def power(self) -> np.ndarray:
        """|X|^2 of the new frames, (C, m, K)."""
        k = self.spectrum.shape[2] // 2
        new = self.spectrum[:, 1:]
        return new[..., :k] ** 2 + new[..., k:] ** 2


class ToneBank:
    """Sliding windowed DFT at ``freqs`` (Hz) over (channels, n) blocks; see module docstring."""

    def __init__(self, channels: int, freqs, window: int = 160, hop: int = 40, rate: int = 8000,
                 taper: np.ndarray | None = None):
        if window % hop:
            raise ValueError("window must be a whole number of hops")
        self.freqs = np.asarray(freqs, dtype=np.float64)
        self.window, self.hop, self.rate = window, hop, rate
        self.parts = window // hop
        self.taper = np.ones(window) if taper is None else np.asarray(taper, dtype=np.float64)
        k = len(self.freqs)
        n = np.arange(window)
        phase = 2 * np.pi * np.outer(n, self.freqs) / rate                  # (window, K)
        cos = (self.taper[:, None] * np.cos(phase)).reshape(self.parts, hop, k)
        sin = (-self.taper[:, None] * np.sin(phase)).reshape(self.parts, hop, k)
        dc = self.taper.reshape(self.parts, hop, 1)
        # basis[:, part*(2K+1) : (part+1)*(2K+1)] = [cos | sin | taper] of that part of the window
        basis = np.concatenate([np.concatenate([cos[p], sin[p], dc[p]], axis=1) for p in range(self.parts)], axis=1)
        padding = -basis.shape[1] % 16           # BLAS kernels like column counts in 16s
        self._basis = np.pad(basis, ((0, 0), (0, padding))).astype(np.float32)
        self._taper32 = self.taper.astype(np.float32)
        self._taper_c = ffi.from_buffer("float[]", self._taper32)
        # Tables for the receivers' per-frame decisions (firmware.dsp.pairs and its C kernel):
        self.nominal_step = (2 * np.pi * hop / rate) * self.freqs      # radians per hop
        self.taper_sum = float(self.taper.sum())
        self.power_scale = 2.0 / self.taper_sum ** 2                   # |X|^2 -> sine power
        self.response_grid = np.linspace(-400, 400, 1601)              # Hz off a bin ...
        self.response = np.abs(np.exp(2j * np.pi * np.outer(self.response_grid, n) / rate)
                               @ self.taper) / self.taper_sum          # ... -> amplitude response
        self.cumulative = np.concatenate([[0.0], np.cumsum(self.taper)]) / self.taper_sum
        self.samples = 0
        self._alloc(channels)

    # -- channel management --------------------------------------------------------------
    def _alloc(self, channels: int) -> None:
        k = len(self.freqs)
        self._tail = np.zeros((channels, self.hop), np.float32)
        self._open = np.zeros((channels, self.parts - 1, self.parts, 2 * k + 2), np.float32)
        self._last = np.zeros((channels, 2 * k), np.float32)
        self.origin = np.full(channels, self.samples, np.int64)
        self._buffers_for = None                 # (channels, chunks) the work buffers fit

    def _buffers(self, chunks: int) -> None:
        """Work buffers and their C pointers, reused while the block shape repeats."""
        channels, k = self.channels, len(self.freqs)
        if self._buffers_for == (channels, chunks):
            return
        self._spec = np.empty((channels * chunks, self._basis.shape[1]), np.float32)
        self._spectrum = np.empty((channels, chunks + 1, 2 * k), np.float32)
        self._energy = np.empty((channels, chunks), np.float32)
        self._pointers = [ffi.from_buffer("float[]", a) for a in
                          (self._spec, self._open, self._last, self._spectrum, self._energy)]
        self._buffers_for = (channels, chunks)

    @property
    def channels(self) -> int:
        return self._tail.shape[0]

    def resize(self, channels: int) -> None:
        """Keep the first ``channels`` channels; new ones start silent with their clock at 0."""
        old = self.channels
        if channels == old:
            return
        keep = min(old, channels)
        tail, open_, last, origin = self._tail, self._open, self._last, self.origin
        self._alloc(channels)
        self._tail[:keep], self._open[:keep] = tail[:keep], open_[:keep]
        self._last[:keep], self.origin[:keep] = last[:keep], origin[:keep]

    def remove(self, indices) -> None:
        """Drop the given channels; the others move up, keeping their state."""
        for name in ("_tail", "_open", "_last", "origin"):
            setattr(self, name, np.delete(getattr(self, name), indices, axis=0))
        self._buffers_for = None

    def reset(self, channel: int) -> None:
        """Forget a channel's history (a call ended); its clock restarts at 0."""
        self._open[channel] = 0
        self._last[channel] = 0
        self._tail[channel] = 0
        self.origin[channel] = self.samples

    # -- processing ----------------------------------------------------------------------
    def process(self, x: np.ndarray) -> Frames:
        channels, k = self.channels, len(self.freqs)
        if x.ndim != 2 or x.shape[0] != channels:
            raise ValueError(f"expected samples shaped ({channels}, n), got {x.shape}")
        pending = self.samples % self.hop
        if pending == 0 and x.shape[1] % self.hop == 0:
            data = x.astype(np.float32, copy=False)            # the usual 20 ms block
        else:
            data = np.empty((channels, pending + x.shape[1]), np.float32)
            data[:, :pending] = self._tail[:, :pending]
            data[:, pending:] = x
        chunks = data.shape[1] // self.hop
        first_chunk = (self.samples - pending) // self.hop
        self.samples += x.shape[1]
        rest = data.shape[1] - chunks * self.hop
        if rest:
            self._tail[:, :rest] = data[:, chunks * self.hop:]
        first_end = (first_chunk + 1) * self.hop
        if chunks == 0:
            return Frames(self._last[:, None].copy(), np.zeros((channels, 0), np.float32), first_end, self.hop)
        data = np.ascontiguousarray(data[:, :chunks * self.hop])
        self._buffers(chunks)
        np.matmul(data.reshape(channels * chunks, self.hop), self._basis, out=self._spec)
        spec, open_, last, spectrum, energy = self._pointers
        lib.bank_frames(channels, chunks, self.parts, 2 * k, self.hop, ffi.from_buffer("float[]", data),
                        spec, self._spec.shape[1], self._taper_c, open_, last, spectrum, energy)
        return Frames(self._spectrum, self._energy, first_end, self.hop)

    def sine_power(self, bin_power: np.ndarray) -> np.ndarray:
        """Mean power (int16 units squared) of a sine on a bin, from its |X|^2."""
        return bin_power * self.power_scale
