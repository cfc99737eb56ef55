"""DTMF (Q.23) generator and streaming receiver (Q.24), vectorised across channels.

Receiver, per 10 ms frame over a 20 ms window (see tonebank), for every channel at once:
- a window with 5 ms raised-cosine ramps (low leakage between the groups, so twist and
  frequency estimates stay right at 8 dB twist, yet a sharp sense of tone duration);
- the strongest bin of each group (697..941 Hz, 1209..1633 Hz);
- each tone's true frequency from the phase step between frames: accepted within
  ``tolerance`` (2.5 %, between Q.24's 1.5 % accept and 3.5 % reject), whatever its level;
- each tone's level corrected for that offset: at least ``min_level_dbm0``; twist within
  ``normal_twist_db`` (low group louder) and ``reverse_twist_db`` (high group louder);
- the two tones explain at least ``min_coverage`` of the window's energy (rejects speech,
  music, noise and a third tone; for a tone edge inside the window it is the covered share).
Then a SignalTracker: 2 frames to start (about 30 ms: 40 ms tones pass, 20 ms ones do not),
4 frames to end (bridges 10 ms breaks, splits at 40 ms pauses), edges estimated to the sample.
Frames far below the minimum level are dropped before any closer look (most frames).

Input: linear samples shaped (channels, n), int16 scale, dtype int16 or float32; convert
A-law with g711.alaw_decode_float. Output: ToneEvent list (signal = key as a one-char string).
"""
from __future__ import annotations

import numpy as np

from firmware.dsp.pairs import PairReceiver, collect
from firmware.dsp.synth import bursts, ms
from firmware.dsp.tonebank import tukey

LOW = (697.0, 770.0, 852.0, 941.0)
HIGH = (1209.0, 1336.0, 1477.0, 1633.0)
KEYS = "123A456B789C*0#D"            # row-major: KEYS[4 * row + column]


def key_frequencies(key: str) -> tuple[float, float]:
    """(low, high) Hz of a DTMF key."""
    index = KEYS.find(key.upper())
    if index < 0 or len(key) != 1:
        raise ValueError(f"not a DTMF key: {key!r}")
    return LOW[index // 4], HIGH[index % 4]


def dtmf_signal(keys: str, on_ms: float = 70, off_ms: float = 70, level_dbm0: float = -9.0,
                twist_db: float = 2.0, offset: float = 0.0, rate: int = 8000) -> np.ndarray:
    """Dial ``keys`` (Q.23): each tone on_ms then off_ms of silence, float samples (n,).

    ``level_dbm0`` is the low-group tone; the high group is ``twist_db`` louder (negative
    values make it quieter: normal twist). ``offset`` shifts both frequencies by that
    fraction (0.015 = +1.5 %).
    """
    segments = []
    for key in keys:
        low, high = key_frequencies(key)
        segments.append(((low * (1 + offset), high * (1 + offset)),
                         (level_dbm0, level_dbm0 + twist_db), ms(on_ms, rate)))
        segments.append(((), (), ms(off_ms, rate)))
    return bursts(segments, rate)


class DtmfSender:
    """Outbound dialing on many channels: ``dial(ch, keys)`` queues keys (Q.23 levels and
    timing of ``dtmf_signal``), ``generate(n)`` returns float32 (channels, n), silence where
    nothing is queued. Only dialing channels cost anything per block."""

    def __init__(self, channels: int, on_ms: float = 70, off_ms: float = 70, level_dbm0: float = -9.0,
                 twist_db: float = 2.0, rate: int = 8000):
        self.channels, self.rate = channels, rate
        self.timing = dict(on_ms=on_ms, off_ms=off_ms, level_dbm0=level_dbm0, twist_db=twist_db, rate=rate)
        self._pending: dict[int, np.ndarray] = {}

    def dial(self, channel: int, keys: str) -> None:
        if not 0 <= channel < self.channels:
            raise ValueError(f"channel {channel} out of range 0..{self.channels - 1}")
        queued = self._pending.get(channel, np.zeros(0))
        self._pending[channel] = np.concatenate([queued, dtmf_signal(keys, **self.timing)])

    def busy(self, channel: int) -> bool:
        """True while keys are still being sent on ``channel``."""
        return channel in self._pending

    def stop(self, channel: int) -> None:
        self._pending.pop(channel, None)

    def generate(self, samples: int) -> np.ndarray:
        out = np.zeros((self.channels, samples), np.float32)
        for channel in list(self._pending):
            queued = self._pending[channel]
            take = min(samples, queued.shape[0])
            out[channel, :take] = queued[:take]
            if take == queued.shape[0]:
                del self._pending[channel]
            else:
                self._pending[channel] = queued[take:]
        return out


def _pair_codes() -> np.ndarray:
    codes = np.full((8, 8), -1, np.int16)
    for row in range(4):
        for col in range(4):
            codes[row, 4 + col] = 4 * row + col
    return codes


class DtmfReceiver(PairReceiver):
    """Streaming DTMF receiver over (channels, n) blocks; events carry the key as a string.

    Methods (from PairReceiver): process(x) -> [ToneEvent], reset(ch), resize(n), remove(idx).
    """

    def __init__(self, channels: int, rate: int = 8000, *, tolerance: float = 0.025,
                 min_level_dbm0: float = -33.0, normal_twist_db: float = 9.0,
                 reverse_twist_db: float = 5.0, min_coverage: float = 0.8,
                 on_frames: int = 2, off_frames: int = 4):
        super().__init__(channels, LOW + HIGH, split=4, codes=_pair_codes(), symbols=KEYS,
                         tolerance_hz=tolerance * np.asarray(LOW + HIGH), min_level_dbm0=min_level_dbm0,
                         max_ratio_db=(normal_twist_db, reverse_twist_db), min_coverage=min_coverage,
                         on_frames=on_frames, off_frames=off_frames, hop=80,
                         taper=tukey(160, 40), rate=rate)


def detect_digits(x: np.ndarray, rate: int = 8000, block: int = 160, **options) -> list[list[tuple]]:
    """Offline helper: (channels, n) or (n,) audio -> per channel [(key, start, end), ...]."""
    x = np.atleast_2d(x)
    return collect(DtmfReceiver(x.shape[0], rate, **options), x, block)
