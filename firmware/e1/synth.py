"""Synthetic E1 line streams for tries and tests: framed traffic plus injected faults.

``synth_stream`` frames pseudo-random (or idle) voice with ``E1Transmitter`` and then applies
line faults to the octets: a junk prefix (so the first frame boundary is at ``offset``), random
bit errors at a given bit error ratio, AIS (all ones) or LOS (all zeros) stretches.
Everything is seeded, so a capture can be regenerated exactly.
"""
from __future__ import annotations

import numpy as np

from firmware.e1.framer import FramerConfig
from firmware.e1.transmitter import E1Transmitter

BLOCK = 160


def synth_stream(frames: int, config: FramerConfig, *, offset: int = 0, ber: float = 0.0,
                 rai: bool = False, ais: bool = False, abcd: dict[int, int] | None = None,
                 hdlc: list[bytes] = (), seed: int = 1, idle_voice: bool = False) -> np.ndarray:
    """``frames`` framed E1 frames (after ``offset`` junk octets), faults applied."""
    if frames < 0:
        raise ValueError(f"frames: {frames} is negative")
    if not 0 <= offset < 32:
        raise ValueError(f"offset: {offset} is not 0..31")
    if not 0.0 <= ber < 0.5:
        raise ValueError(f"ber: {ber} is not in [0, 0.5)")
    rng = np.random.default_rng(seed)
    tx = E1Transmitter(config)
    tx.force_rai = rai
    tx.ais = ais
    for timeslot, bits in (abcd or {}).items():
        if timeslot in (0, 16) or not 0 < timeslot < 32:
            raise ValueError(f"abcd: timeslot {timeslot} is not a CAS channel (1..15, 17..31)")
        if not 0 < bits < 16:
            raise ValueError(f"abcd: TS{timeslot} bits {bits:04b} are not 0001..1111")
        tx.abcd[timeslot] = bits
    for frame in hdlc:
        tx.send_hdlc(frame)
    chunks = [rng.integers(0, 256, offset, dtype=np.uint8)]
    done = 0
    while done < frames:
        count = min(BLOCK, frames - done)
        voice = (np.full((32, count), 0xD5, np.uint8) if idle_voice
                 else rng.integers(0, 256, (32, count), dtype=np.uint8))
        chunks.append(tx.transmit(voice))
        done += count
    stream = np.concatenate(chunks)
    if ber > 0 and stream.size:
        flips = rng.random(stream.size * 8) < ber
        stream ^= np.packbits(flips)
    return stream


def with_bit_errors(stream: np.ndarray, positions, bit: int = 0x01) -> np.ndarray:
    """A copy of ``stream`` with ``bit`` flipped in the octets at ``positions``."""
    out = np.array(stream, dtype=np.uint8, copy=True)
    out[np.asarray(positions, dtype=np.intp)] ^= np.uint8(bit)
    return out
