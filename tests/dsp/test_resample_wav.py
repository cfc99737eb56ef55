"""Resampler accuracy and WAV read/write of A-law, mu-law and PCM (with bad files)."""
import struct

import numpy as np
import pytest

from firmware.dsp import g711
from firmware.dsp.resample import resample
from firmware.dsp.synth import tones
from firmware.dsp.wav import WavError, read_wav, write_wav


@pytest.mark.parametrize("rate", [44100, 22050, 16000, 11025, 48000])
def test_resample_keeps_passband_and_removes_aliases(rate):
    t = np.arange(rate) / rate
    x = 10000 * np.sin(2 * np.pi * 1000 * t) + 10000 * np.sin(2 * np.pi * 5500 * t)
    y = resample(x, rate, 8000)
    assert y.shape[0] == 8000
    core = y[1000:7000]
    spectrum = np.abs(np.fft.rfft(core * np.hanning(core.size)))
    freqs = np.fft.rfftfreq(core.size, 1 / 8000)
    peak = spectrum.max()
    assert freqs[np.argmax(spectrum)] == pytest.approx(1000, abs=2)
    alias = abs(8000 - 5500)                                   # where 5.5 kHz would fold to
    near_alias = spectrum[np.abs(freqs - alias) < 20].max()
    assert 20 * np.log10(near_alias / peak) < -60
    assert g711.level_dbm0(core) == pytest.approx(g711.level_dbm0(10000 * np.sin(2 * np.pi * 1000 * t)), abs=0.1)


def test_upsampling_and_identity():
    x = tones([440], [-10], 800)
    assert np.array_equal(resample(x, 8000, 8000), x)
    up = resample(x, 8000, 16000)
    assert up.shape[0] == 1600
    assert np.allclose(up[::2][50:-50], x[50:-50], atol=30)


@pytest.mark.parametrize("encoding", ["alaw", "ulaw", "pcm16"])
def test_wav_round_trip(tmp_path, encoding):
    x = np.stack([tones([697, 1209], [-6, -6], 1001), tones([300], [-3], 1001)])
    path = tmp_path / f"x_{encoding}.wav"
    write_wav(path, x, 8000, encoding)
    audio = read_wav(path)
    assert (audio.rate, audio.encoding, audio.samples.shape) == (8000, encoding, (2, 1001))
    expected = {"alaw": g711.alaw_decode(g711.alaw_encode(x)), "ulaw": g711.ulaw_decode(g711.ulaw_encode(x)),
                "pcm16": np.rint(x).astype(np.int16)}[encoding]
    assert np.array_equal(audio.samples, expected)


def test_reads_other_pcm_widths(tmp_path):
    x = (np.arange(-100, 100) * 300).astype(np.int16)
    for bits, payload in ((8, ((x >> 8) + 128).astype(np.uint8).tobytes()),
                          (32, (x.astype(np.int32) << 16).astype("<i4").tobytes())):
        align = bits // 8
        fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000 * align, align, bits)
        data = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(payload)) + payload
        path = tmp_path / f"w{bits}.wav"
        path.write_bytes(b"RIFF" + struct.pack("<I", len(data)) + data)
        audio = read_wav(path)
        tolerance = 256 if bits == 8 else 0
        assert np.max(np.abs(audio.samples[0].astype(int) - x)) <= tolerance


@pytest.mark.parametrize("content,reason", [
    (b"", "not a RIFF/WAVE"),
    (b"RIFF\x04\x00\x00\x00WAVE", "'fmt '"),
    (b"RIFF\x1c\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16), "'data'"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00" + struct.pack("<HHIIHH", 2, 1, 8000, 4000, 1, 4)
     + b"data\x00\x00\x00\x00", "not supported"),
])
def test_bad_files_name_the_problem(tmp_path, content, reason):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(WavError, match=reason):
        read_wav(path)


def test_missing_file(tmp_path):
    with pytest.raises(WavError, match="cannot read"):
        read_wav(tmp_path / "nope.wav")


def test_write_rejects_unknown_encoding(tmp_path):
    with pytest.raises(ValueError, match="encoding"):
        write_wav(tmp_path / "x.wav", np.zeros(10), encoding="mp3")
