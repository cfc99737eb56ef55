"""WAV files of A-law, mu-law and linear PCM: read any of them to int16, write any of them.

``read_wav(path)`` -> WavAudio(rate, samples int16 (channels, n), encoding). Reads encodings
"alaw" (format 6), "ulaw" (7), "pcm16", "pcm8" (unsigned), "pcm24", "pcm32" and "float32"
(3), also inside WAVE_FORMAT_EXTENSIBLE. ``write_wav(path, samples, rate, encoding)`` writes
"alaw", "ulaw" or "pcm16" (with the 'fact' chunk non-PCM formats need). Malformed files raise
WavError naming the chunk or field at fault.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from firmware.dsp import g711

FORMAT_PCM, FORMAT_FLOAT, FORMAT_ALAW, FORMAT_ULAW, FORMAT_EXTENSIBLE = 1, 3, 6, 7, 0xFFFE
WRITABLE = ("alaw", "ulaw", "pcm16")


class WavError(ValueError):
    """The file is not a WAV file this module can read; the message says where and why."""


@dataclass
class WavAudio:
    rate: int
    samples: np.ndarray          # int16 (channels, n)
    encoding: str


def _chunks(data: bytes, path: str):
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError(f"{path}: not a RIFF/WAVE file (header)")
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8:pos + 8 + size]
        yield cid, body
        pos += 8 + size + (size & 1)


def read_wav(path: str | Path) -> WavAudio:
    path = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise WavError(f"{path}: cannot read ({exc.strerror})") from exc
    fmt = payload = None
    for cid, body in _chunks(data, path):
        if cid == b"fmt ":
            fmt = body
        elif cid == b"data":
            payload = body
    if fmt is None or len(fmt) < 16:
        raise WavError(f"{path}: missing or short 'fmt ' chunk")
    if payload is None:
        raise WavError(f"{path}: missing 'data' chunk")
    tag, channels, rate, _, align, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == FORMAT_EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]
    if channels < 1 or rate < 1:
        raise WavError(f"{path}: fmt field {'channels' if channels < 1 else 'sample rate'} is 0")
    width = max(1, bits // 8)
    usable = len(payload) // (width * channels) * (width * channels)
    raw = payload[:usable]
    if tag == FORMAT_ALAW and bits == 8:
        linear, encoding = g711.alaw_decode(np.frombuffer(raw, np.uint8)), "alaw"
    elif tag == FORMAT_ULAW and bits == 8:
        linear, encoding = g711.ulaw_decode(np.frombuffer(raw, np.uint8)), "ulaw"
    elif tag == FORMAT_PCM and bits == 16:
        linear, encoding = np.frombuffer(raw, "<i2").astype(np.int16), "pcm16"
    elif tag == FORMAT_PCM and bits == 8:
        linear, encoding = ((np.frombuffer(raw, np.uint8).astype(np.int16) - 128) << 8), "pcm8"
    elif tag == FORMAT_PCM and bits == 24:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        value = (b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8
        linear, encoding = (value >> 16).astype(np.int16), "pcm24"
    elif tag == FORMAT_PCM and bits == 32:
        linear, encoding = (np.frombuffer(raw, "<i4") >> 16).astype(np.int16), "pcm32"
    elif tag == FORMAT_FLOAT and bits == 32:
        values = np.nan_to_num(np.frombuffer(raw, "<f4").astype(np.float64))
        linear, encoding = np.clip(np.rint(values * 32768), -32768, 32767).astype(np.int16), "float32"
    else:
        raise WavError(f"{path}: fmt format tag {tag} with {bits} bits per sample is not supported "
                       "(A-law, mu-law, PCM 8/16/24/32, float32)")
    return WavAudio(rate, linear.reshape(-1, channels).T.copy(), encoding)


def write_wav(path: str | Path, samples: np.ndarray, rate: int = 8000, encoding: str = "alaw") -> None:
    """Write int16 (or float, saturated) samples shaped (n,) or (channels, n)."""
    x = np.atleast_2d(np.asarray(samples))
    if x.dtype != np.int16:
        x = np.clip(np.rint(x), -32768, 32767).astype(np.int16)
    channels, n = x.shape
    interleaved = x.T.reshape(-1)
    if encoding == "alaw":
        body, tag, bits = g711.alaw_encode(interleaved).tobytes(), FORMAT_ALAW, 8
    elif encoding == "ulaw":
        body, tag, bits = g711.ulaw_encode(interleaved).tobytes(), FORMAT_ULAW, 8
    elif encoding == "pcm16":
        body, tag, bits = interleaved.astype("<i2").tobytes(), FORMAT_PCM, 16
    else:
        raise ValueError(f"encoding must be one of {', '.join(WRITABLE)}, not {encoding!r}")
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)
    chunks = []
    if tag != FORMAT_PCM:
        fmt += struct.pack("<H", 0)
        chunks.append(b"fact" + struct.pack("<II", 4, n))
    chunks.insert(0, b"fmt " + struct.pack("<I", len(fmt)) + fmt)
    chunks.append(b"data" + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b""))
    payload = b"WAVE" + b"".join(chunks)
    Path(path).write_bytes(b"RIFF" + struct.pack("<I", len(payload)) + payload)
