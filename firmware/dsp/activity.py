"""Level, silence and voice activity per channel (voicemail end, recording trim, supervision).

``ActivityDetector`` measures every channel in 10 ms frames (any block length; the incomplete
frame waits for the next block) and keeps, per channel: the level of the last frame in dBm0,
a slowly adapting noise floor, and whether the channel is active. A frame is speech-like when
it is at least ``margin_db`` above the noise floor and above ``threshold_dbm0``; activity starts
at once and ends after ``hangover_ms`` without such frames. Events are (channel, "voice" or
"silence", sample) in the channel's own time; ``silent_ms`` says how long each channel has been
quiet (voicemail ends a message after, say, 5 s of it).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware.dsp.g711 import power_to_dbm0

FRAME = 80                     # 10 ms at 8000 samples/s


@dataclass(frozen=True)
class ActivityEvent:
    channel: int
    kind: str                  # "voice" or "silence"
    sample: int


class ActivityDetector:
    """Per-channel level meter, noise floor and voice activity; see module docstring."""

    def __init__(self, channels: int, threshold_dbm0: float = -45.0, margin_db: float = 9.0,
                 hangover_ms: float = 300.0):
        self.threshold_dbm0, self.margin_db = threshold_dbm0, margin_db
        self.hangover = int(hangover_ms / 10)
        self.samples = 0
        self._alloc(channels)

    def _alloc(self, channels: int) -> None:
        self._tail = np.zeros((channels, FRAME), np.float32)
        self.level_dbm0 = np.full(channels, -120.0)
        self.floor_dbm0 = np.full(channels, -70.0)
        self.active = np.zeros(channels, bool)
        self.quiet_frames = np.zeros(channels, np.int64)
        self.origin = np.full(channels, self.samples, np.int64)

    @property
    def channels(self) -> int:
        return self.active.shape[0]

    @property
    def silent_ms(self) -> np.ndarray:
        return self.quiet_frames * 10

    def resize(self, channels: int) -> None:
        keep = min(channels, self.channels)
        old = {k: v for k, v in vars(self).items() if isinstance(v, np.ndarray)}
        self._alloc(channels)
        for name, value in old.items():
            getattr(self, name)[:keep] = value[:keep]

    def remove(self, indices) -> None:
        """Drop channels by index; the others move up, keeping their state."""
        for name, value in list(vars(self).items()):
            if isinstance(value, np.ndarray):
                setattr(self, name, np.delete(value, indices, axis=0))

    def reset(self, channel: int) -> None:
        self.level_dbm0[channel], self.floor_dbm0[channel] = -120.0, -70.0
        self.active[channel], self.quiet_frames[channel] = False, 0
        self.origin[channel] = self.samples

    def process(self, x: np.ndarray) -> list[ActivityEvent]:
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[0] != self.channels:
            raise ValueError(f"expected samples shaped ({self.channels}, n), got {x.shape}")
        pending = self.samples % FRAME
        data = np.concatenate([self._tail[:, :pending], x.astype(np.float32)], axis=1)
        frames = data.shape[1] // FRAME
        first_end = self.samples - pending + FRAME
        self.samples += x.shape[1]
        self._tail[:, :data.shape[1] - frames * FRAME] = data[:, frames * FRAME:]
        events: list[ActivityEvent] = []
        if frames == 0:
            return events
        blocks = data[:, :frames * FRAME].reshape(self.channels, frames, FRAME).astype(np.float64)
        levels = power_to_dbm0(np.mean(blocks * blocks, axis=2))         # (C, frames)
        for f in range(frames):
            level = levels[:, f]
            self.level_dbm0 = level
            # the floor follows quiet frames quickly down and loud ones slowly up
            self.floor_dbm0 = np.where(level < self.floor_dbm0, 0.7 * self.floor_dbm0 + 0.3 * level,
                                       self.floor_dbm0 + 0.02)
            speech = (level >= self.threshold_dbm0) & (level >= self.floor_dbm0 + self.margin_db)
            self.quiet_frames = np.where(speech, 0, self.quiet_frames + 1)
            now_active = speech | (self.active & (self.quiet_frames < self.hangover))
            sample = first_end + f * FRAME - self.origin
            for ch in np.flatnonzero(now_active != self.active):
                events.append(ActivityEvent(int(ch), "voice" if now_active[ch] else "silence", int(sample[ch])))
            self.active = now_active
        return events
