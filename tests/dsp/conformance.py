"""The DTMF receiver conformance cases (Mitel / spandsp test procedure, Q.24 limits).

Each case is a stack of channels (one variant per channel: key, alignment, noise seed) and
the digit string each channel must produce. The same audio goes through A-law to our
receiver and to spandsp's, so both are judged on identical input.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware.dsp import g711
from firmware.dsp.dtmf import KEYS, detect_digits, key_frequencies
from firmware.dsp.synth import bursts, ms, white_noise

LEAD = 400                                   # silence before each channel's signal
ALIGNMENTS = range(0, 80, 11)                # start offsets within a 10 ms frame


@dataclass
class Case:
    name: str
    audio: np.ndarray                        # int16 (channels, n), A-law decoded
    expected: list[str]                      # digits expected per channel


def _stack(signals: list[np.ndarray]) -> np.ndarray:
    n = max(s.shape[0] for s in signals) + LEAD + 1600
    out = np.zeros((len(signals), n))
    for i, s in enumerate(signals):
        out[i, LEAD + i % 80:LEAD + i % 80 + s.shape[0]] = s
    return g711.alaw_decode(g711.alaw_encode(out))


def _tone(key: str, on_ms: float, low_dbm0: float, high_dbm0: float, offset: float = 0.0) -> np.ndarray:
    low, high = key_frequencies(key)
    return bursts([((low * (1 + offset), high * (1 + offset)), (low_dbm0, high_dbm0), ms(on_ms))])


def _case(name: str, items: list[tuple[np.ndarray, str]]) -> Case:
    return Case(name, _stack([s for s, _ in items]), [d for _, d in items])


def cases() -> list[Case]:
    out = []
    every_key = [(_tone(k, 60, -10, -8), k) for k in KEYS]
    out.append(_case("decode: all 16 keys, 60 ms", every_key))
    for sign in (+1, -1):
        out.append(_case(f"bandwidth: both tones {sign * 1.5:+.1f} %, every key",
                         [(_tone(k, 60, -10, -8, sign * 0.015), k) for k in KEYS]))
        out.append(_case(f"bandwidth: both tones {sign * 3.5:+.1f} % rejected, every key",
                         [(_tone(k, 60, -10, -8, sign * 0.035), "") for k in KEYS]))
    out.append(_case("twist: normal 8.0 dB (low group louder), every key",
                     [(_tone(k, 60, -6, -14), k) for k in KEYS]))
    out.append(_case("twist: reverse 4.0 dB (high group louder), every key",
                     [(_tone(k, 60, -12, -8), k) for k in KEYS]))
    out.append(_case("twist: normal 8 dB with +-1.5 % offsets",
                     [(_tone(k, 60, -6, -14, s * 0.015), k) for k in KEYS for s in (1, -1)]))
    out.append(_case("twist: reverse 4 dB with +-1.5 % offsets",
                     [(_tone(k, 60, -12, -8, s * 0.015), k) for k in KEYS for s in (1, -1)]))
    for level in (0, -5, -10, -15, -20, -25):
        out.append(_case(f"dynamic range: {level} dBm0 per tone",
                         [(_tone(k, 60, level, level), k) for k in KEYS]))
    out.append(_case("guard time: 40 ms tones accepted (every alignment)",
                     [(_tone(k, 40, -10, -8, 0.015 * (i % 2 * 2 - 1)), k)
                      for i, k in enumerate(KEYS * 2)]))
    out.append(_case("guard time: 20 ms tones rejected (every alignment)",
                     [(_tone(k, 20, -10, -8), "") for k in KEYS * 2]))

    def broken(key: str, gap_ms: float) -> np.ndarray:
        low, high = key_frequencies(key)
        return bursts([((low, high), (-10, -8), ms(50)), ((), (), ms(gap_ms)), ((low, high), (-10, -8), ms(50))])
    out.append(_case("interruption: 10 ms break does not split a digit",
                     [(broken(k, 10), k) for k in KEYS * 2]))
    out.append(_case("interruption: 40 ms pause gives two digits",
                     [(broken(k, 40), k + k) for k in KEYS]))
    noisy = []
    for i, key in enumerate(KEYS * 2):
        tone = _tone(key, 60, -20, -20)
        noisy.append((tone + white_noise(tone.shape[0], -35, seed=i), key))
    out.append(_case("noise: 15 dB SNR (each tone -20 dBm0, noise -35 dBm0)", noisy))
    sequence = "".join(KEYS)
    out.append(_case("sequence: 16 keys, 50 ms on / 50 ms off",
                     [(bursts([((low, high), (-10, -8), ms(50)) if j % 2 == 0 else ((), (), ms(50))
                               for j, (low, high) in enumerate(f for key in sequence
                                                               for f in (key_frequencies(key),) * 2)]),
                       sequence)]))
    return out


def ours(case: Case) -> list[str]:
    return ["".join(d for d, _, _ in found) for found in detect_digits(case.audio.astype(np.float32))]


def spandsp(case: Case) -> list[str]:
    from firmware.dsp.peers.spandsp import SpandspBank
    bank = SpandspBank("dtmf", case.audio.shape[0])
    result = [""] * case.audio.shape[0]
    for i in range(0, case.audio.shape[1], 160):
        for event in bank.process(case.audio[:, i:i + 160]):
            if event.code:
                result[event.channel] += event.code
    bank.close()
    return result


def score(found: list[str], expected: list[str]) -> tuple[int, int]:
    """(channels right, channels) for a case."""
    return sum(f == e for f, e in zip(found, expected)), len(expected)
