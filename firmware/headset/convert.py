"""The headset's audio conversions, without any device: what listen-in and whisper compute.

``earpiece_audio(block)``: one tap block (uint8 (2, n) A-law: what the caller says, what the
caller hears) -> the two directions mixed (firmware.dsp.mixer.mix, soft-limited), linear
float32 at 8 kHz; the listener's ``StreamResampler`` then takes it to the device rate.

``MicBlocks``: microphone samples at the device rate -> 8 kHz A-law blocks of 160 for
``CallCenter.whisper``, in a small jitter buffer. ``source()`` (called by the engine once per
block) pops one block without waiting or locking; it starts, and restarts after running dry,
only once ``prebuffer`` blocks are waiting (silence meanwhile), the oldest are dropped beyond
``max_blocks``, and it returns None once ``stopped``, which ends the whisper.
"""
from __future__ import annotations

import collections

import numpy as np

from firmware.dsp.g711 import alaw_decode, alaw_encode
from firmware.dsp.mixer import mix
from firmware.headset.stream import StreamResampler

LINE_RATE = 8000
BLOCK = 160                    # one engine block, 20 ms
SILENCE = alaw_encode(np.zeros(BLOCK, np.int16))


def earpiece_audio(block: np.ndarray) -> np.ndarray:
    """Both directions of a tap block mixed: linear float32 (n,) at 8 kHz."""
    return mix(alaw_decode(block))


class MicBlocks:
    """Microphone -> whisper blocks; see module docstring."""

    def __init__(self, rate: int, max_blocks: int = 8, prebuffer: int = 2):
        self.resampler = StreamResampler(rate, LINE_RATE)
        self.max_blocks, self.prebuffer = max_blocks, prebuffer
        self.blocks: collections.deque[np.ndarray] = collections.deque()
        self._pending = np.zeros(0)
        self._filling = True
        self.stopped = False
        self.made = self.sent = self.dropped = self.short = 0

    def convert(self, chunk: np.ndarray) -> None:
        """Microphone samples (device rate) -> whole 8 kHz A-law blocks in the buffer."""
        self._pending = np.concatenate([self._pending, self.resampler.process(chunk)])
        whole = self._pending.size // BLOCK * BLOCK
        if not whole:
            return
        for block in alaw_encode(self._pending[:whole]).reshape(-1, BLOCK):
            if len(self.blocks) >= self.max_blocks:          # the engine is not taking them
                self.blocks.popleft()
                self.dropped += 1
            self.blocks.append(block)
            self.made += 1
        self._pending = self._pending[whole:]

    def source(self) -> np.ndarray | None:
        """The next A-law block (silence while refilling); None once stopped. Never waits."""
        if self.stopped:
            return None
        if self._filling:
            if len(self.blocks) < self.prebuffer:
                return SILENCE
            self._filling = False
        try:
            block = self.blocks.popleft()
        except IndexError:                     # the microphone is late: refill, then go on
            self.short += 1
            self._filling = True
            return SILENCE
        self.sent += 1
        return block

    def stats(self) -> dict:
        return {"blocks_made": self.made, "blocks_sent": self.sent, "blocks_dropped": self.dropped,
                "blocks_short": self.short}
