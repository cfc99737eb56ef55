"""G.711 codecs: bit-exact against spandsp over every input, and the design.md check values."""
import numpy as np
import pytest

from firmware.dsp import g711

ALL_LINEAR = np.arange(-32768, 32768).astype(np.int16)
ALL_CODES = np.arange(256, dtype=np.uint8)


def test_bit_exact_with_spandsp_over_all_inputs(spandsp_peer):
    reference = spandsp_peer.g711_tables()
    assert np.array_equal(g711.alaw_encode(ALL_LINEAR), reference["alaw_encode"])
    assert np.array_equal(g711.ulaw_encode(ALL_LINEAR), reference["ulaw_encode"])
    assert np.array_equal(g711.alaw_decode(ALL_CODES), reference["alaw_decode"])
    assert np.array_equal(g711.ulaw_decode(ALL_CODES), reference["ulaw_decode"])


def test_decode_then_encode_is_identity():
    assert np.array_equal(g711.alaw_encode(g711.alaw_decode(ALL_CODES)), ALL_CODES)
    back = g711.ulaw_encode(g711.ulaw_decode(ALL_CODES))
    # mu-law has two zeros (0x7F and 0xFF); every other code survives the round trip
    assert np.array_equal(back[ALL_CODES != 0x7F], ALL_CODES[ALL_CODES != 0x7F])


def test_encoding_is_monotonic_in_decoded_value():
    for encode, decode in ((g711.alaw_encode, g711.alaw_decode), (g711.ulaw_encode, g711.ulaw_decode)):
        decoded = decode(encode(ALL_LINEAR)).astype(np.int32)
        assert np.all(np.diff(decoded) >= 0)
        assert np.max(np.abs(decoded - ALL_LINEAR)) <= 1024      # largest segment step / 2


def test_alaw_even_bit_inversion():
    # the smallest positive magnitude encodes to 0x80 before inversion: 0xD5 on the line
    assert g711.alaw_encode(np.array([1], np.int16))[0] == 0xD5
    assert g711.alaw_encode(np.array([-1], np.int16))[0] == 0x55


def test_digital_milliwatt_is_zero_dbm0():
    alaw = g711.level_dbm0(g711.alaw_decode(g711.MILLIWATT_ALAW))
    ulaw = g711.level_dbm0(g711.ulaw_decode(g711.MILLIWATT_ULAW))
    assert abs(alaw) < 0.01
    assert abs(ulaw) < 0.1                   # mu-law's own full scale differs by 0.03 dB


def test_full_scale_alaw_sine_is_plus_3_14_dbm0():
    t = np.arange(8000)
    sine = 32767 * np.sin(2 * np.pi * 1004 * t / 8000)
    assert g711.level_dbm0(sine) == pytest.approx(3.14, abs=0.01)


def test_dbm0_helpers_round_trip():
    levels = np.array([-40.0, -10.0, 0.0, 3.0])
    assert np.allclose(g711.power_to_dbm0(g711.dbm0_to_power(levels)), levels)
    amplitude = g711.dbm0_to_amplitude(-10.0)
    sine = amplitude * np.sin(2 * np.pi * 1000 * np.arange(8000) / 8000)
    assert g711.level_dbm0(sine) == pytest.approx(-10.0, abs=0.01)
    assert g711.level_dbm0(np.zeros(10)) == pytest.approx(-120.0)


def test_float_input_saturates():
    codes = g711.alaw_encode(np.array([1e9, -1e9, 0.4]))
    assert list(g711.alaw_decode(codes)) == [32256, -32256, 8]
