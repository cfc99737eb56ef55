"""Timeslot 0 of an E1 frame (G.704 2.3): frame alignment, CRC-4 multiframe, A and Sa bits.

Bit 1 is an octet's most significant bit (sent first). Facts used by the framer:
  FAS frames (even):  bit 1 = Si or C-bit, bits 2..8 = 0011011  -> octet & 0x7F == 0x1B
  NFAS frames (odd):  bit 1 = Si, MFAS or E bit, bit 2 = 1 (0x40), bit 3 = A (remote alarm,
                      0x20), bits 4..8 = Sa4..Sa8 (0x1F, sent as 1)
  CRC-4 multiframe (16 frames, two sub-multiframes of 8): C1..C4 in bit 1 of frames 0, 2, 4,
  6 (and 8, 10, 12, 14) carry the CRC-4 of the previous sub-multiframe; bit 1 of frames 1, 3,
  5, 7, 9, 11 is the multiframe alignment signal 001011; frames 13 and 15 carry the E bits
  (0 = an errored sub-multiframe was received).
Loss of frame alignment: 3 consecutive errored FAS (G.706 4.1.1). Recovery: FAS, then NFAS
with bit 2 = 1 in the next frame, then FAS again (G.706 4.1.2).
"""
from __future__ import annotations

import numpy as np

FAS = 0x1B            # bits 2..8 of a FAS frame's TS0
FAS_MASK = 0x7F
NFAS_BIT2 = 0x40
A_BIT = 0x20
SA_BITS = 0x1F
BIT1 = 0x80
MFAS = (0, 0, 1, 0, 1, 1)             # bit 1 of CRC-4 multiframe frames 1, 3, 5, 7, 9, 11
MFAS_PATTERN = 0b001011               # the same, as a 6-bit shift-register value
E_POSITIONS = (13, 15)
MULTIFRAME = 16

#: expected bit 1 of each CRC-4 multiframe position: 0/1 for MFAS bits, -1 where it is C or E
MFAS_EXPECTED = np.full(MULTIFRAME, -1, np.int8)
MFAS_EXPECTED[[1, 3, 5, 7, 9, 11]] = MFAS


def tx_pattern(crc4: bool, rai: bool) -> np.ndarray:
    """TS0 octets for the 16 multiframe positions, C bits 0 and E bits 1 (filled in later)."""
    pattern = np.zeros(MULTIFRAME, np.uint8)
    for position in range(MULTIFRAME):
        if position % 2 == 0:
            pattern[position] = FAS | (0 if crc4 else BIT1)
        else:
            bit1 = MFAS_EXPECTED[position] if crc4 and position <= 11 else 1
            pattern[position] = (BIT1 if bit1 else 0) | NFAS_BIT2 | (A_BIT if rai else 0) | SA_BITS
    return pattern


def find_alignment(stream: np.ndarray) -> int:
    """First index c with FAS at c, NFAS bit 2 = 1 at c + 32 and FAS at c + 64, or -1.

    Needs ``stream[c + 64]``, so only ``c <= len(stream) - 65`` are examined.
    """
    span = stream.size - 64
    if span <= 0:
        return -1
    fas = (stream & FAS_MASK) == FAS
    found = fas[:span] & ((stream[32:32 + span] & NFAS_BIT2) != 0) & fas[64:]
    index = int(np.argmax(found))
    return index if found[index] else -1
