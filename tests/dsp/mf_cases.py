"""MFC/R2 receiver cases (Q.441 / Q.442 receiver limits), forward and backward tone sets.

Each case stacks one channel per variant; expected = the signal numbers per channel. The
same A-law audio goes to our receiver and to spandsp's r2_mf_rx for the side-by-side table.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware.dsp import g711
from firmware.dsp.mf import PAIRS, detect_signals, signal_frequencies, tone_set
from firmware.dsp.synth import bursts, ms, white_noise

SIGNALS = range(1, 16)


@dataclass
class Case:
    name: str
    direction: str
    audio: np.ndarray                  # int16 (channels, n)
    expected: list[list[int]]


def _stack(signals: list[np.ndarray]) -> np.ndarray:
    n = max(s.shape[0] for s in signals) + 2000
    out = np.zeros((len(signals), n))
    for i, s in enumerate(signals):
        start = 400 + (i * 7) % 40
        out[i, start:start + s.shape[0]] = s
    return g711.alaw_decode(g711.alaw_encode(out))


def _pair(signal: int, direction: str, on_ms: float = 100, level: float = -15, twist: float = 0,
          offset: float = 0) -> list:
    a, b = signal_frequencies(signal, direction)
    return [((a + offset, b + offset), (level, level + twist), ms(on_ms))]


def _case(name, direction, items) -> Case:
    return Case(name, direction, _stack([bursts(s) for s, _ in items]), [e for _, e in items])


def cases() -> list[Case]:
    out = []
    for d in ("forward", "backward"):
        out.append(_case("all 15 signals", d, [(_pair(s, d), [s]) for s in SIGNALS]))
        for off in (10, -10):
            out.append(_case(f"{off:+d} Hz accepted", d, [(_pair(s, d, offset=off), [s]) for s in SIGNALS]))
        for off in (60, -60):
            out.append(_case(f"{off:+d} Hz rejected", d, [(_pair(s, d, offset=off), []) for s in SIGNALS]))
        for level in (-5, -35):
            out.append(_case(f"{level} dBm0 per tone accepted", d, [(_pair(s, d, level=level), [s]) for s in SIGNALS]))
        out.append(_case("-38.5 dBm0 per tone rejected", d, [(_pair(s, d, level=-38.5), []) for s in SIGNALS]))

        def twist_db(s: int, adjacent: float, other: float) -> float:
            i, j = PAIRS[s - 1]
            return adjacent if j - i == 1 else other
        out.append(_case("twist 5 dB adjacent / 7 dB other accepted", d,
                         [(_pair(s, d, level=-28, twist=sign * twist_db(s, 5, 7)), [s])
                          for s in SIGNALS for sign in (1, -1)]))
        out.append(_case("twist 20 dB rejected", d,
                         [(_pair(s, d, level=-10, twist=-20), []) for s in SIGNALS]))
        tones = tone_set(d)
        out.append(_case("three tones rejected (two-of-six rule)", d,
                         [([((tones[i], tones[(i + 2) % 6], tones[(i + 4) % 6]), (-12, -12, -12), ms(100))], [])
                          for i in range(6)]))
        out.append(_case("bursts of 6.5 ms ignored", d, [(_pair(s, d, on_ms=6.5, level=-5), []) for s in SIGNALS]))

        def broken(s: int) -> list:
            tone = _pair(s, d, on_ms=60)
            return tone + [((), (), ms(7))] + tone
        out.append(_case("7 ms interruption bridged", d, [(broken(s), [s]) for s in SIGNALS]))
        noisy = []
        for s in SIGNALS:
            tone = bursts(_pair(s, d, level=-20))
            noisy.append((tone + white_noise(tone.shape[0], -40, seed=s), [s]))
        out.append(Case("20 dB SNR (tones -20, noise -40 dBm0)", d,
                        _stack([t for t, _ in noisy]), [e for _, e in noisy]))
    return out


def ours(case: Case) -> list[list[int]]:
    return [[signal for signal, _, _ in found]
            for found in detect_signals(case.audio.astype(np.float32), case.direction)]


def spandsp(case: Case) -> list[list[int]]:
    from firmware.dsp.peers.spandsp import SpandspBank
    bank = SpandspBank("r2_" + case.direction, case.audio.shape[0])
    result: list[list[int]] = [[] for _ in range(case.audio.shape[0])]
    for i in range(0, case.audio.shape[1], 160):
        for event in bank.process(case.audio[:, i:i + 160]):
            if event.code:
                result[event.channel].append(int(event.code))
    bank.close()
    return result


def score(found, expected) -> tuple[int, int]:
    return sum(f == e for f, e in zip(found, expected)), len(expected)
