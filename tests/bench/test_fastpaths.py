"""The real-time path's fast paths give exactly what the slow paths they replace gave.

The E1 receiver's block path for blocks whose ABCD bits change is compared with its
frame-by-frame walk; the MF sender (which now computes only sounding channels) with a
straightforward all-channel reference computed here.
"""
from __future__ import annotations

import numpy as np
import pytest

from firmware.dsp.g711 import alaw_encode
from firmware.dsp.mf import MfSender, signal_frequencies
from firmware.e1.framer import E1Port, FramerConfig


def _walk_only(port: E1Port) -> E1Port:
    port.rx._steady_block = lambda buf, bp, count: None      # every block frame by frame
    return port


@pytest.mark.parametrize("crc4", [False, True])
@pytest.mark.parametrize("debounce", [0, 16, 200])
def test_blocks_with_abcd_changes_match_the_frame_walk(crc4, debounce):
    rng = np.random.default_rng(debounce + crc4)
    config = FramerConfig(crc4=crc4, cas_debounce_frames=debounce)
    far = E1Port(config)
    fast, slow = E1Port(config), _walk_only(E1Port(config))
    changing = []
    cas = fast.rx._cas
    apply = cas.apply_changing_block
    cas.apply_changing_block = lambda *args: (changing.append(args[2]), apply(*args))
    for block in range(400):
        for _ in range(rng.integers(0, 4)):                   # seizures, answers, clears, glitches
            ts = int(rng.choice([t for t in range(1, 32) if t != 16]))
            far.tx.abcd[ts] = int(rng.choice([0b0001, 0b1001, 0b1101, 0b0101]))
        frames = int(rng.choice([160, 160, 160, 48]))
        voice = rng.integers(0, 256, (32, frames), dtype=np.uint8)
        octets = far.transmit(voice)
        a, b = fast.receive(octets), slow.receive(octets)
        assert a.frames == b.frames
        assert np.array_equal(a.abcd, b.abcd), f"block {block}"
        assert np.array_equal(a.voice, b.voice)
        assert a.events == b.events and a.alarms == b.alarms
        assert a.counters.as_dict() == b.counters.as_dict()
    assert not np.array_equal(fast.rx.abcd, np.full(32, 0))   # ABCD bits were really received
    assert len(changing) > 100                                # the block path took the changes


def _reference_generate(sender: MfSender, samples: int) -> np.ndarray:
    """From the definition: the two sines of each sounding signal at the sender's running
    sample count, silenced after a pulse's remaining samples."""
    n = sender.count + np.arange(samples)
    out = np.zeros((sender.signal.size, samples))
    for ch, signal in enumerate(sender.signal):
        if signal and sender.remaining[ch]:
            f1, f2 = signal_frequencies(int(signal), sender.direction)
            tone = sender.amplitude * (np.sin(2 * np.pi * f1 * n / 8000) + np.sin(2 * np.pi * f2 * n / 8000))
            on = samples if sender.remaining[ch] < 0 else sender.remaining[ch]
            out[ch, :on] = tone[:on]
    return out


def test_mf_sender_tables_give_the_sines_and_their_alaw():
    rng = np.random.default_rng(3)
    sender = MfSender(32, "backward")
    sounding_blocks = 0
    for _ in range(300):
        if rng.random() < 0.4:
            ch, signal = int(rng.integers(32)), int(rng.integers(1, 16))
            choice = rng.integers(3)
            if choice == 0:
                sender.start(ch, signal)
            elif choice == 1:
                sender.pulse(ch, signal, 150.0)
            else:
                sender.stop(ch)
        samples = int(rng.choice([160, 40, 7]))
        expected = _reference_generate(sender, samples)
        if rng.random() < 0.5:
            got = sender.generate(samples)
            assert got.dtype == np.float32 and np.allclose(got, expected, atol=0.01)
        else:
            rows = np.flatnonzero(rng.random(32) < 0.5)
            got = sender.generate_alaw(samples, rows)
            assert got.dtype == np.uint8 and np.array_equal(got, alaw_encode(expected[rows]))
        sounding_blocks += bool(np.abs(expected).max() > 0)
    assert sounding_blocks > 100


def test_resample_in_chunks_matches_the_filter_sample_by_sample():
    """Each output sample is the windowed-sinc sum over its input neighbours (the resampler's
    docstring), however the work is chunked; long inputs cross many chunks."""
    from firmware.dsp.resample import resample

    rng = np.random.default_rng(5)
    x = rng.standard_normal(4000)
    rate_in, rate_out, taps = 22050, 8000, 16
    y = resample(x, rate_in, rate_out, taps)
    assert y.shape == (-(-x.size * rate_out // rate_in),)
    cutoff = 0.9 * (160 / 441)                       # 8000/22050 in lowest terms, as the filter has it
    half = int(np.ceil(taps / cutoff))
    window = np.kaiser(2 * half + 1, 8.0)
    for m in list(range(0, 40)) + list(range(700, 760)) + list(range(y.size - 40, y.size)):
        t = m * rate_in / rate_out
        j = np.arange(int(np.floor(t)) - half + 1, int(np.floor(t)) + half + 1)
        d = t - j
        w = cutoff * np.sinc(cutoff * d) * np.interp(d, np.arange(-half, half + 1), window)
        inside = (j >= 0) & (j < x.size)
        assert y[m] == pytest.approx(float(np.sum(x[j[inside]] * w[inside])), abs=1e-9)
