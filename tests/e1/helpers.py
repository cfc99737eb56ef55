"""Helpers shared by the framer tests: run a stream through a receiver in blocks."""
from __future__ import annotations

import numpy as np

from firmware.e1.framer import E1Receiver, FramerConfig


def run_receiver(stream: np.ndarray, config: FramerConfig, block_frames: int = 160, rx: E1Receiver | None = None):
    """Feed whole frames of ``stream`` in blocks; return (receiver, voice (32, n), events with absolute frames, hdlc)."""
    rx = rx or E1Receiver(config)
    usable = stream[: stream.size // 32 * 32]
    voices, events, hdlc = [], [], []
    for start in range(0, usable.size, block_frames * 32):
        block = rx.receive(usable[start:start + block_frames * 32])
        voices.append(block.voice)
        events += [(start // 32 + frame, name) for frame, name in block.events]
        hdlc += block.hdlc
    voice = np.concatenate(voices, axis=1) if voices else np.zeros((32, 0), np.uint8)
    return rx, voice, events, hdlc


def names(events) -> list[str]:
    return [name for _, name in events]
