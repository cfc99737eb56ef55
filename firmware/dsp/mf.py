"""MFC/R2 register signals (Q.441/Q.442): sender and streaming receiver, across channels.

Forward tones f0..f5 = 1380..1980 Hz, backward f0..f5 = 1140..540 Hz (120 Hz steps); signal
n (1..15) is a pair of them (design.md section 4; ``PAIRS``).

Receiver, per 5 ms frame over a 20 ms Hann window, for every channel at once: the two
strongest of the six bins; each tone's true frequency from the phase step between frames,
accepted within ``tolerance_hz`` (15 Hz: Q.441 asks +-10 Hz accepted, +-60 Hz rejected; the
tight limit keeps musical intervals out); each tone's offset-corrected level at least
``min_level_dbm0`` (-37: -35 accepted, -38.5 rejected); level difference at most
``max_twist_db`` (11: 7 dB accepted, 20 dB rejected); and the pair explains ``min_coverage``
(90 %) of the energy (two and only two tones). A SignalTracker then requires 2 frames to
operate (a burst under 7 ms never fills the window enough) and 6 frames of absence to
release (bridges interruptions up to 7 ms); operate + release stays near 50 ms, inside
Q.441's 80 ms.

Input as for the DTMF receiver: (channels, n) linear, int16 scale, int16 or float32.
"""
from __future__ import annotations

import numpy as np

from firmware.dsp.g711 import alaw_encode, dbm0_to_amplitude
from firmware.dsp.pairs import PairReceiver, collect
from firmware.dsp.synth import bursts, ms

SILENCE_ALAW = 0xD5

FORWARD = (1380.0, 1500.0, 1620.0, 1740.0, 1860.0, 1980.0)
BACKWARD = (1140.0, 1020.0, 900.0, 780.0, 660.0, 540.0)
#: PAIRS[n - 1] = (i, j): signal n is tone f_i plus tone f_j.
PAIRS = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3), (0, 4), (1, 4), (2, 4), (3, 4),
         (0, 5), (1, 5), (2, 5), (3, 5), (4, 5))


def tone_set(direction: str) -> tuple[float, ...]:
    if direction == "forward":
        return FORWARD
    if direction == "backward":
        return BACKWARD
    raise ValueError(f"direction must be 'forward' or 'backward', not {direction!r}")


def signal_frequencies(signal: int, direction: str) -> tuple[float, float]:
    """The two frequencies (Hz) of R2 signal 1..15 in a direction."""
    if not 1 <= int(signal) <= 15:
        raise ValueError(f"R2 signal must be 1..15, not {signal!r}")
    i, j = PAIRS[int(signal) - 1]
    tones = tone_set(direction)
    return tones[i], tones[j]


def mf_signal(signals, direction: str, on_ms: float = 100, off_ms: float = 100,
              level_dbm0: float = -8.0, twist_db: float = 0.0, offset_hz: float = 0.0,
              rate: int = 8000) -> np.ndarray:
    """A test sequence of R2 signals as float samples (n,): each on_ms then off_ms silence.

    The higher-index tone of each pair is ``twist_db`` louder; ``offset_hz`` shifts both.
    """
    segments = []
    for signal in signals:
        a, b = signal_frequencies(signal, direction)
        segments.append(((a + offset_hz, b + offset_hz), (level_dbm0, level_dbm0 + twist_db), ms(on_ms, rate)))
        segments.append(((), (), ms(off_ms, rate)))
    return bursts(segments, rate)


class MfSender:
    """Plays R2 signals on many channels; compelled or pulsed; float or straight to A-law.

    ``start(ch, n)`` plays signal n until ``stop(ch)``; ``pulse(ch, n, ms)`` plays it for a
    time (Q.442 pulses). ``generate(samples)`` returns float32 (channels, samples);
    ``generate_alaw(samples, rows)`` the A-law octets of some rows (silence 0xD5 where quiet).

    Every R2 frequency is a multiple of 60 Hz, so at 8 kHz each signal repeats exactly every
    ``period`` (400) samples: the signals are tabulated once, in float and in A-law, and a
    block is a gather from the table at the sender's running sample count. A tone's phase is
    thus continuous across blocks (sample n of a signal is the same whenever it sounds); a
    new signal starts at the phase the running count gives it.
    """

    def __init__(self, channels: int, direction: str, level_dbm0: float = -8.0, rate: int = 8000):
        self.tones = np.asarray(tone_set(direction))
        self.direction, self.rate = direction, rate
        self.amplitude = float(dbm0_to_amplitude(level_dbm0))
        self.period = _common_period(self.tones, rate)
        n = np.arange(self.period)
        table = np.zeros((16, self.period))
        for signal in range(1, 16):
            f1, f2 = signal_frequencies(signal, direction)
            table[signal] = self.amplitude * (np.sin(2 * np.pi * f1 * n / rate) + np.sin(2 * np.pi * f2 * n / rate))
        self.table = table.astype(np.float32)                  # row 0 is silence
        self.table_alaw = alaw_encode(self.table)
        self.count = 0                                         # samples generated so far
        self.remaining = np.zeros(channels, np.int64)          # samples left; -1 = until stopped
        self.signal = np.zeros(channels, np.int16)             # sounding signal, 0 = quiet

    def start(self, channel: int, signal: int) -> None:
        signal_frequencies(signal, self.direction)              # validates 1..15
        self.signal[channel] = signal
        self.remaining[channel] = -1

    def pulse(self, channel: int, signal: int, duration_ms: float) -> None:
        self.start(channel, signal)
        self.remaining[channel] = ms(duration_ms, self.rate)

    def stop(self, channel: int) -> None:
        self.remaining[channel] = 0
        self.signal[channel] = 0

    def generate(self, samples: int) -> np.ndarray:
        return self._render(samples, slice(None), self.table, 0.0)

    def generate_alaw(self, samples: int, rows) -> np.ndarray:
        """A-law octets (len(rows), samples) of the given channels; the block is consumed."""
        return self._render(samples, rows, self.table_alaw, SILENCE_ALAW)

    def _render(self, samples: int, rows, table: np.ndarray, quiet) -> np.ndarray:
        index = (self.count + np.arange(samples)) % self.period
        out = table[self.signal[rows][:, None], index[None, :]]
        left = self.remaining[rows]
        for row in np.flatnonzero((left > 0) & (left < samples)):   # a pulse ends inside the block
            out[row, left[row]:] = quiet
        self._advance(samples)
        return out

    def _advance(self, samples: int) -> None:
        self.count = (self.count + samples) % self.period
        finished = (self.remaining > 0) & (self.remaining <= samples)
        self.remaining = np.where(self.remaining > 0, np.maximum(self.remaining - samples, 0), self.remaining)
        self.signal[finished] = 0


def _common_period(tones, rate: int) -> int:
    """Samples after which every tone (integer Hz) repeats exactly at ``rate``."""
    period = 1
    for f in tones:
        period = np.lcm(period, rate // np.gcd(rate, int(round(f))))
    if period > 64 * rate:
        raise ValueError(f"tones {tones} do not repeat within a table's length at {rate} Hz")
    return int(period)


#: A Hann window: its sidelobes keep the neighbouring tone (120 Hz away) from biasing a
#: tone's frequency estimate, so the +-15 Hz acceptance can be tight (music talk-off).
MF_TAPER = np.hanning(162)[1:-1]


def _pair_codes() -> np.ndarray:
    codes = np.full((6, 6), -1, np.int16)
    for signal, (i, j) in enumerate(PAIRS, start=1):
        codes[i, j] = signal
    return codes


class MfReceiver(PairReceiver):
    """Streaming R2 register-signal receiver; events carry signal numbers 1..15.

    Methods (from PairReceiver): process(x) -> [ToneEvent], reset(ch), resize(n), remove(idx).
    """

    def __init__(self, channels: int, direction: str = "forward", rate: int = 8000, *,
                 tolerance_hz: float = 15.0, min_level_dbm0: float = -37.0,
                 max_twist_db: float = 11.0, min_coverage: float = 0.9,
                 on_frames: int = 2, off_frames: int = 6):
        self.direction = direction
        super().__init__(channels, tone_set(direction), split=0, codes=_pair_codes(), symbols=list(range(16)),
                         tolerance_hz=tolerance_hz, min_level_dbm0=min_level_dbm0,
                         max_ratio_db=(max_twist_db, max_twist_db), min_coverage=min_coverage,
                         on_frames=on_frames, off_frames=off_frames, hop=40,
                         taper=MF_TAPER, rate=rate)


def detect_signals(x: np.ndarray, direction: str, block: int = 160, **options) -> list[list[tuple]]:
    """Offline helper: (channels, n) or (n,) audio -> per channel [(signal, start, end), ...]."""
    x = np.atleast_2d(x)
    return collect(MfReceiver(x.shape[0], direction, **options), x, block)
