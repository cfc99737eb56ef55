"""G.711 A-law and mu-law codecs as lookup tables, and dBm0 level helpers.

Linear samples are int16 in the usual 16-bit scaling (A-law decodes to multiples of 8 up to
+-32256, mu-law to multiples of 4 up to +-32124). Encoding is one table lookup of 65,536
entries, decoding one of 256, so whole (channels, samples) arrays convert at numpy speed.

dBm0: G.711 puts a full-scale A-law sine at +3.14 dBm0, so a 0 dBm0 sine has a peak of
32768 * 10**(-3.14/20) in this scaling. Check value (design.md section 4): the digital
milliwatt 34 21 21 34 B4 A1 A1 B4 decodes to 0 dBm0.
"""
from __future__ import annotations

import numpy as np

#: Peak and mean power of a 0 dBm0 sine in int16 units (A-law full scale = +3.14 dBm0).
DBM0_PEAK = 32768.0 * 10.0 ** (-3.14 / 20.0)
DBM0_POWER = DBM0_PEAK ** 2 / 2.0

#: The digital milliwatt (a 1 kHz sine at 0 dBm0), one period of eight samples.
MILLIWATT_ALAW = bytes.fromhex("34212134b4a1a1b4")
MILLIWATT_ULAW = bytes.fromhex("1e0b0b1e9e8b8b9e")


def _build_alaw_decode() -> np.ndarray:
    code = np.arange(256, dtype=np.int32) ^ 0x55
    mantissa = (code & 0x0F) << 4
    segment = (code >> 4) & 0x07
    magnitude = np.where(segment == 0, mantissa + 8,
                         (mantissa + 0x108) << np.maximum(segment - 1, 0))
    return np.where(code & 0x80, magnitude, -magnitude).astype(np.int16)


def _build_ulaw_decode() -> np.ndarray:
    code = ~np.arange(256, dtype=np.int32) & 0xFF
    magnitude = (((code & 0x0F) << 3) + 0x84) << ((code >> 4) & 0x07)
    return np.where(code & 0x80, 0x84 - magnitude, magnitude - 0x84).astype(np.int16)


def _segment(value: np.ndarray) -> np.ndarray:
    """Index of the highest set bit of (value | 0xFF), minus 7: the G.711 segment 0..8+."""
    return np.floor(np.log2(value | 0xFF)).astype(np.int32) - 7


def _build_alaw_encode() -> np.ndarray:
    linear = np.arange(-32768, 32768, dtype=np.int32)
    negative = linear < 0
    magnitude = np.where(negative, -linear - 1, linear)
    mask = np.where(negative, 0x55, 0xD5)
    segment = _segment(magnitude)
    shift = np.where(segment == 0, 4, segment + 3)
    code = (np.minimum(segment, 7) << 4) | ((magnitude >> np.minimum(shift, 15)) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code)
    return (code ^ mask).astype(np.uint8)


def _build_ulaw_encode() -> np.ndarray:
    linear = np.arange(-32768, 32768, dtype=np.int32)
    negative = linear < 0
    biased = 0x84 + np.abs(linear)      # mu-law decision levels are symmetric about 0
    mask = np.where(negative, 0x7F, 0xFF)
    segment = _segment(biased)
    code = (np.minimum(segment, 7) << 4) | ((biased >> np.minimum(segment + 3, 15)) & 0x0F)
    code = np.where(segment >= 8, 0x7F, code)
    return (code ^ mask).astype(np.uint8)


ALAW_TO_LINEAR = _build_alaw_decode()
ULAW_TO_LINEAR = _build_ulaw_decode()
_LINEAR_TO_ALAW = _build_alaw_encode()   # indexed by linear + 32768
_LINEAR_TO_ULAW = _build_ulaw_encode()


ALAW_TO_FLOAT = ALAW_TO_LINEAR.astype(np.float32)


def _codes(codes: np.ndarray | bytes) -> np.ndarray:
    return np.frombuffer(codes, np.uint8) if isinstance(codes, (bytes, bytearray)) else np.asarray(codes)


def alaw_decode(codes: np.ndarray | bytes) -> np.ndarray:
    """A-law octets (any shape, uint8 or bytes) to int16 linear samples."""
    return ALAW_TO_LINEAR.take(_codes(codes))


def alaw_decode_float(codes: np.ndarray | bytes) -> np.ndarray:
    """A-law octets to float32 linear samples (int16 scale): the receivers' input, one lookup."""
    from firmware.dsp._kernels import ffi, lib
    codes = np.ascontiguousarray(_codes(codes), dtype=np.uint8)
    out = np.empty(codes.shape, np.float32)
    lib.lookup_float(ffi.from_buffer("uint8_t[]", codes), codes.size, ffi.from_buffer("float[]", ALAW_TO_FLOAT),
                     ffi.from_buffer("float[]", out))
    return out


def ulaw_decode(codes: np.ndarray | bytes) -> np.ndarray:
    """mu-law octets (any shape, uint8 or bytes) to int16 linear samples."""
    return ULAW_TO_LINEAR.take(_codes(codes))


def _as_index(linear: np.ndarray) -> np.ndarray:
    """Linear samples (int16, or float clipped and rounded) as indices into the encode tables."""
    linear = np.asarray(linear)
    if linear.dtype != np.int16:
        linear = np.clip(np.rint(linear), -32768, 32767)
    return linear.astype(np.int32) + 32768


def alaw_encode(linear: np.ndarray) -> np.ndarray:
    """int16 (or float, saturated) linear samples to A-law octets, same shape, uint8."""
    return _LINEAR_TO_ALAW[_as_index(linear)]


def ulaw_encode(linear: np.ndarray) -> np.ndarray:
    """int16 (or float, saturated) linear samples to mu-law octets, same shape, uint8."""
    return _LINEAR_TO_ULAW[_as_index(linear)]


def power_to_dbm0(power: np.ndarray | float) -> np.ndarray:
    """Mean power in int16 units squared to dBm0 (-inf-safe: floors at -120 dBm0)."""
    return 10.0 * np.log10(np.maximum(np.asarray(power, dtype=np.float64), 1e-12 * DBM0_POWER) / DBM0_POWER)


def dbm0_to_power(dbm0: np.ndarray | float) -> np.ndarray:
    """dBm0 to mean power in int16 units squared."""
    return DBM0_POWER * 10.0 ** (np.asarray(dbm0, dtype=np.float64) / 10.0)


def dbm0_to_amplitude(dbm0: np.ndarray | float) -> np.ndarray:
    """dBm0 of a sine to its peak amplitude in int16 units."""
    return DBM0_PEAK * 10.0 ** (np.asarray(dbm0, dtype=np.float64) / 20.0)


def level_dbm0(linear: np.ndarray, axis: int = -1) -> np.ndarray:
    """Mean power of linear samples along ``axis``, in dBm0."""
    x = np.asarray(linear, dtype=np.float64)
    return power_to_dbm0(np.mean(x * x, axis=axis))
