"""CRC-4 of G.704 (x^4 + x + 1, MSB first, no preset, no inversion), vectorised per sub-multiframe.

A CRC-4 sub-multiframe (SMF) is 8 frames = 256 octets. The CRC is linear over GF(2), and
x^8 has order 15 modulo x^4 + x + 1, so an octet's contribution depends only on its
distance from the end of the block modulo 15. ``crc4_smf`` therefore XORs the octets of each
class together (one reshape + reduce) and finishes with 15 table look-ups per SMF, for many
SMFs at once. The C bits (bit 1 of TS0 in the SMF's four FAS frames) count as 0 in the
check; ``crc4_smf`` removes their contribution with a 16-entry correction table.
"""
from __future__ import annotations

import numpy as np

POLY = 0x3                     # x^4 + x + 1 without the x^4 term
SMF_OCTETS = 256               # 8 frames x 32 octets
C_BIT_OFFSETS = (0, 64, 128, 192)   # TS0 of frames 0, 2, 4, 6 of an SMF: C1..C4 in bit 1 (MSB)


def crc4_bitwise(data: bytes | bytearray | np.ndarray) -> int:
    """Plain bit-serial CRC-4 (the definition; used to build the tables and in tests)."""
    reg = 0
    for octet in bytes(data):
        for shift in range(7, -1, -1):
            feedback = ((reg >> 3) & 1) ^ ((octet >> shift) & 1)
            reg = (reg << 1) & 0xF
            if feedback:
                reg ^= POLY
    return reg


def _class_tables() -> np.ndarray:
    """tables[r, v] = CRC-4 contribution of octet v followed by r zero octets (r = 0..14)."""
    tables = np.zeros((15, 256), dtype=np.uint8)
    for r in range(15):
        for v in range(256):
            tables[r, v] = crc4_bitwise(bytes([v]) + bytes(r))
    return tables


_TABLES = _class_tables()
# Octet i of an SMF lies 255 - i = -i (mod 15) octets from its end; after folding, column j
# holds the XOR of the octets with i = j (mod 15), so it uses the table of class (-j) mod 15.
_FOLDED_TABLES = np.ascontiguousarray(_TABLES[(-np.arange(15)) % 15]).reshape(-1)
_COLUMN_BASE = (np.arange(15) * 256).astype(np.intp)


def _c_correction_table() -> np.ndarray:
    table = np.zeros(16, dtype=np.uint8)
    for c in range(16):
        block = bytearray(SMF_OCTETS)
        for k, off in enumerate(C_BIT_OFFSETS):
            if (c >> (3 - k)) & 1:
                block[off] = 0x80
        table[c] = crc4_bitwise(block)
    return table


# Contribution of the C bits (as a 4-bit number C1C2C3C4) to the raw CRC of an SMF.
_C_CORRECTION = _c_correction_table()


def c_bits(smfs: np.ndarray) -> np.ndarray:
    """The C1..C4 bits of SMFs shaped (m, 256), as 4-bit numbers (C1 = MSB)."""
    c = smfs[:, C_BIT_OFFSETS] >> 7
    return ((c[:, 0] << 3) | (c[:, 1] << 2) | (c[:, 2] << 1) | c[:, 3]).astype(np.uint8)


def fold15(smfs: np.ndarray) -> np.ndarray:
    """XOR together the octets of each SMF that share a position modulo 15 -> (m, 15).

    Folds 120-octet halves as uint64 words (120 = 8 x 15), then 60, 30 and 15 octets.
    """
    words = smfs.view(np.uint64)
    folded = (words[:, 0:15] ^ words[:, 15:30]).view(np.uint8)
    folded[:, 0:16] ^= smfs[:, 240:256]
    folded = folded[:, :60] ^ folded[:, 60:]
    folded = folded[:, :30] ^ folded[:, 30:]
    return folded[:, :15] ^ folded[:, 15:]


def crc4_smf(smfs: np.ndarray) -> np.ndarray:
    """CRC-4 of each SMF (uint8 array (m, 256)) with its C bits taken as 0 -> uint8 (m,)."""
    smfs = np.ascontiguousarray(smfs, dtype=np.uint8).reshape(-1, SMF_OCTETS)
    raw = np.bitwise_xor.reduce(_FOLDED_TABLES[_COLUMN_BASE + fold15(smfs)], axis=1)
    return raw ^ _C_CORRECTION[c_bits(smfs)]


def crc4_bytes(data: bytes | bytearray | np.ndarray) -> int:
    """CRC-4 of any octet string via the class tables (check value: b"123456789" -> 0xE)."""
    arr = np.frombuffer(bytes(data), dtype=np.uint8)
    pad = (-arr.size) % 15
    arr = np.concatenate([np.zeros(pad, np.uint8), arr]).reshape(-1, 15)
    acc = np.bitwise_xor.reduce(arr, axis=0) if arr.size else np.zeros(15, np.uint8)
    # column j of the reshaped string sits (14 - j) octets (mod 15) from the end
    return int(np.bitwise_xor.reduce(_TABLES[14 - np.arange(15), acc])) if arr.size else 0
