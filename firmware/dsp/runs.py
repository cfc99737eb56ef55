"""Turning per-frame signal codes into start/end events, per channel, with persistence rules.

Used by the two-tone receivers (DTMF, MF). Each analysis frame carries, per channel, a signal
code (-1 = none) and the sample estimates of where a signal starting or ending in that frame
would begin or stop. A signal starts after ``on_frames`` consecutive frames of the same code
(short bursts are ignored) and ends after ``off_frames`` frames without it (short
interruptions are bridged), or at once when another signal has been confirmed. Reported
times are the edge estimates, so they are sample-accurate although the decision is late.

The state is one int64 row per channel; the loop over frames and channels is in C
(firmware.dsp._kernels.track_signals), one call per block.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware.dsp._kernels import ffi, lib

STATE_WIDTH = 7                       # current, started, last_end, missed, candidate, run, run_start
_IDLE = np.array([-1, 0, 0, 0, -1, 0, 0], np.int64)


@dataclass(frozen=True)
class ToneEvent:
    """A signal starting or ending on a channel; samples are in the channel's own time."""

    channel: int
    signal: object           # DTMF: the key ("0".."9", "*", "#", "A".."D"); MF: 1..15
    kind: str                # "start" or "end"
    sample: int              # the edge: first sample of the signal, or one past its last
    start: int               # first sample of the signal (equal to ``sample`` for "start")


class SignalTracker:
    """Per-channel persistence state machine; see module docstring."""

    def __init__(self, channels: int, on_frames: int, off_frames: int):
        self.on_frames, self.off_frames = on_frames, off_frames
        self.state = np.tile(_IDLE, (channels, 1))
        self._events = np.zeros((0, 5), np.int64)
        self._pointers = None                       # C pointers to state and events, cached

    @property
    def channels(self) -> int:
        return self.state.shape[0]

    def resize(self, channels: int) -> None:
        keep = min(channels, self.channels)
        state = np.tile(_IDLE, (channels, 1))
        state[:keep] = self.state[:keep]
        self.state = state
        self._pointers = None

    def remove(self, indices) -> None:
        self.state = np.delete(self.state, indices, axis=0)
        self._pointers = None

    def reset(self, channel: int) -> None:
        self.state[channel] = _IDLE

    def active(self) -> np.ndarray:
        """Code of the signal being received per channel, -1 for none."""
        return self.state[:, 0].copy()

    def update(self, codes: np.ndarray, tail_codes: np.ndarray, start_at: np.ndarray,
               end_at: np.ndarray) -> np.ndarray:
        """Feed frames: codes int32 (C, m), start_at / end_at int64 (C, m) sample estimates;
        tail_codes (C, m): where a frame is not valid but holds the tail of the code of the
        frame before, that code (end_at then places the tail's end).

        Returns an int64 array of rows (channel, code, kind 0 = start / 1 = end, sample, start).
        """
        channels, frames = codes.shape
        if frames == 0 or channels == 0:
            return self._events[:0]
        if self._events.shape[0] < 2 * channels * frames:
            self._events = np.zeros((2 * channels * frames, 5), np.int64)
        count = lib.track_signals(channels, frames, ffi.from_buffer("int32_t[]", codes),
                                  ffi.from_buffer("int32_t[]", tail_codes), ffi.from_buffer("int64_t[]", start_at), ffi.from_buffer("int64_t[]", end_at),
                                  ffi.from_buffer("int64_t[]", self.state), self.on_frames, self.off_frames,
                                  ffi.from_buffer("int64_t[]", self._events))
        return self._events[:count].copy()
