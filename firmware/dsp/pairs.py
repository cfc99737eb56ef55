"""Streaming receivers of two-tone signals (DTMF, MFC/R2), vectorised across channels.

Per analysis frame (see tonebank) and channel: pick two tones (the best of each group for
DTMF, the best two of six for MF); estimate each tone's true frequency from the phase step
between frames and accept it within a tolerance in Hz whatever its level; correct each
tone's level for that offset; check minimum level, twist, and that the pair explains a
minimum share of the window's energy (rejects speech, music, noise, a third tone; at a
tone edge it is the covered share, which also places the edge to the sample). Then the
SignalTracker applies the persistence rules. The per-frame chain runs in C
(firmware.dsp._kernels.classify_pairs), one call per block; the filter bank is one BLAS
product per block.

Input: linear samples shaped (channels, n), int16 scale, dtype int16 or float32 (A-law:
g711.alaw_decode_float). Any n, including 0; channels can be added, removed and reset
between blocks.
"""
from __future__ import annotations

import numpy as np

from firmware.dsp._kernels import ffi, lib
from firmware.dsp.g711 import DBM0_POWER
from firmware.dsp.runs import SignalTracker, ToneEvent
from firmware.dsp.tonebank import ToneBank


#: What classify_pairs remembers of a channel's previous frame: code, bins, offsets, energy.
_IDLE_MEMORY = np.array([-1.0, 0, 0, 0, 0, 0])


class PairReceiver:
    """Two-tone receiver core; DtmfReceiver and MfReceiver configure it."""

    def __init__(self, channels: int, freqs, *, split: int, codes: np.ndarray, symbols,
                 tolerance_hz, min_level_dbm0: float, max_ratio_db: tuple[float, float],
                 min_coverage: float, on_frames: int, off_frames: int, hop: int, taper: np.ndarray,
                 rate: int = 8000):
        if rate != 8000:
            raise ValueError("the tone receivers run at 8000 samples/s; resample first")
        self.bank = ToneBank(channels, freqs, window=taper.shape[0], hop=hop, rate=rate, taper=taper)
        self.tracker = SignalTracker(channels, on_frames, off_frames)
        self.symbols = symbols
        bank = self.bank
        self._keep = {   # arrays the C parameters point into must live as long as they do
            "response": np.ascontiguousarray(bank.response, np.float64),
            "nominal": np.ascontiguousarray(bank.nominal_step, np.float64),
            "tolerance": np.ascontiguousarray(np.broadcast_to(tolerance_hz, (len(freqs),)), np.float64),
            "codes": np.ascontiguousarray(codes, np.int16),
            "cumulative": np.ascontiguousarray(bank.cumulative, np.float64),
        }
        grid = bank.response_grid
        params = ffi.new("pair_params *")
        params.k, params.split = len(freqs), split
        params.hz_per_rad = rate / (2 * np.pi * hop)
        params.power_scale, params.taper_sum = bank.power_scale, bank.taper_sum
        params.min_power = DBM0_POWER * 10 ** (min_level_dbm0 / 10)
        params.max_ratio_ab = 10 ** (max_ratio_db[0] / 10)
        params.max_ratio_ba = 10 ** (max_ratio_db[1] / 10)
        params.min_coverage = min_coverage
        params.response_start, params.response_step = grid[0], grid[1] - grid[0]
        params.response_n = grid.shape[0]
        params.response = ffi.from_buffer("double[]", self._keep["response"])
        params.nominal_step = ffi.from_buffer("double[]", self._keep["nominal"])
        params.tolerance_hz = ffi.from_buffer("double[]", self._keep["tolerance"])
        params.codes = ffi.from_buffer("int16_t[]", self._keep["codes"])
        params.window, params.hop = bank.window, bank.hop
        params.cumulative = ffi.from_buffer("double[]", self._keep["cumulative"])
        self._params = params
        self._memory = np.tile(_IDLE_MEMORY, (channels, 1))
        self._outputs_for = None

    @property
    def channels(self) -> int:
        return self.bank.channels

    def resize(self, channels: int) -> None:
        """Keep the first ``channels`` channels; added ones start idle with clock 0."""
        keep = min(channels, self.channels)
        memory = np.tile(_IDLE_MEMORY, (channels, 1))
        memory[:keep] = self._memory[:keep]
        self._memory = memory
        self.bank.resize(channels)
        self.tracker.resize(channels)

    def remove(self, indices) -> None:
        """Drop channels by index; the others move up, keeping their state."""
        self._memory = np.delete(self._memory, indices, axis=0)
        self.bank.remove(indices)
        self.tracker.remove(indices)

    def reset(self, channel: int) -> None:
        """A call ended on ``channel``: forget it and restart its clock at 0 (no end event)."""
        self._memory[channel] = _IDLE_MEMORY
        self.bank.reset(channel)
        self.tracker.reset(channel)

    def classify(self, frames) -> tuple[np.ndarray, ...]:
        """Per frame (C, m): signal code (-1 none), tail code, start and end estimates.

        The arrays are reused by the next call (the tracker consumes them at once).
        """
        channels, m = frames.energy.shape
        if self._outputs_for != (channels, m):
            self._outputs = (np.empty((channels, m), np.int32), np.empty((channels, m), np.int32),
                             np.empty((channels, m), np.int64), np.empty((channels, m), np.int64))
            self._output_pointers = [ffi.from_buffer(kind, a) for kind, a in
                                     zip(("int32_t[]", "int32_t[]", "int64_t[]", "int64_t[]"), self._outputs)]
            self._outputs_for = (channels, m)
        lib.classify_pairs(self._params, channels, m, ffi.from_buffer("float[]", frames.spectrum),
                           ffi.from_buffer("float[]", frames.energy), frames.first_end,
                           ffi.from_buffer("int64_t[]", self.bank.origin), ffi.from_buffer("double[]", self._memory),
                           *self._output_pointers)
        return self._outputs

    def process(self, x: np.ndarray) -> list[ToneEvent]:
        """Feed one block (channels, n); return the signal starts and ends it completed."""
        frames = self.bank.process(np.asarray(x))
        if frames.count == 0 or self.channels == 0:
            return []
        rows = self.tracker.update(*self.classify(frames))
        if rows.shape[0] == 0:
            return []
        symbols = self.symbols
        return [ToneEvent(int(ch), symbols[code], "end" if kind else "start", int(sample), int(start))
                for ch, code, kind, sample, start in rows.tolist()]


def collect(receiver: PairReceiver, x: np.ndarray, block: int = 160) -> list[list[tuple]]:
    """Offline helper: feed (channels, n) audio block by block, flush with silence, and
    return per channel the completed signals as (signal, start, end) sample tuples."""
    events = []
    for i in range(0, x.shape[1], block):
        events += receiver.process(x[:, i:i + block])
    events += receiver.process(np.zeros((x.shape[0], receiver.bank.window * 6), np.float32))
    result: list[list[tuple]] = [[] for _ in range(x.shape[0])]
    for event in events:
        if event.kind == "end":
            result[event.channel].append((event.signal, event.start, event.sample))
    return result
