"""CRC-4: the check value and the vectorised per-SMF form against the bit-serial definition."""
import numpy as np
from hypothesis import given, settings, strategies as st

from firmware.e1.crc4 import C_BIT_OFFSETS, crc4_bitwise, crc4_bytes, crc4_smf


def test_check_value():
    assert crc4_bitwise(b"123456789") == 0xE
    assert crc4_bytes(b"123456789") == 0xE


@given(st.binary(min_size=0, max_size=300))
def test_table_form_matches_bit_serial(data):
    assert crc4_bytes(data) == crc4_bitwise(data)


@settings(max_examples=50)
@given(st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_smf_form_ignores_c_bits_and_matches_definition(count, seed):
    smfs = np.random.default_rng(seed).integers(0, 256, (count, 256), dtype=np.uint8)
    expected = []
    for row in smfs:
        masked = row.copy()
        masked[list(C_BIT_OFFSETS)] &= 0x7F
        expected.append(crc4_bitwise(masked.tobytes()))
    assert crc4_smf(smfs).tolist() == expected
