"""Call-progress tones: per-country tables, a generator, and a detector that classifies audio.

Tables (configurable: pass your own dict shaped like ``COUNTRIES["cn"]``): each tone has
frequencies (Hz), a level (dBm0 per frequency) and a cadence, a tuple of (on, off) seconds
repeated, empty for a continuous tone. China (design.md section 4): 450 Hz at -10 dBm0, dial
continuous, ringback 1/4 s, busy 0.35/0.35 s, congestion 0.7/0.7 s. "itu": the ITU-T E.180
usual values (425 Hz). The special information tone (SIT) is 950, 1400, 1800 Hz segments of
330 ms followed by 1 s of silence (E.180 / Q.35), in both tables.

The detector looks at 10 ms frames (20 ms window) of every channel at once: whether the
country's tone frequency holds the frame's energy, which SIT frequency does, and the level.
Per channel it keeps the lengths of the last tone-on and tone-off runs and matches them with
the cadences (+-25 %); it reports a class when it changes: "dial", "ringback", "busy",
"congestion", "sit", "voice" (loud, not tonal, for 300 ms) or "silence" (quiet for 6 s,
longer than any cadence's pause).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from firmware.dsp.g711 import DBM0_POWER
from firmware.dsp.synth import bursts, ms
from firmware.dsp.tonebank import ToneBank, tukey

SIT_FREQS = (950.0, 1400.0, 1800.0)
SIT_SEGMENT_S = 0.33


@dataclass(frozen=True)
class Tone:
    freqs: tuple[float, ...]
    level_dbm0: float
    cadence: tuple[float, ...] = ()            # on, off, on, off ... seconds; () = continuous


def _table(freq: float, level: float, busy: tuple, congestion: tuple, ringback: tuple) -> dict:
    return {
        "dial": Tone((freq,), level),
        "ringback": Tone((freq,), level, ringback),
        "busy": Tone((freq,), level, busy),
        "congestion": Tone((freq,), level, congestion),
        "sit": Tone(SIT_FREQS, -24.0, (SIT_SEGMENT_S,) * 3 + (1.0,)),
    }


COUNTRIES = {
    "cn": _table(450.0, -10.0, busy=(0.35, 0.35), congestion=(0.7, 0.7), ringback=(1.0, 4.0)),
    "itu": _table(425.0, -10.0, busy=(0.5, 0.5), congestion=(0.25, 0.25), ringback=(1.0, 4.0)),
}


def progress_tone(name: str, seconds: float, country: str | dict = "cn", rate: int = 8000) -> np.ndarray:
    """``seconds`` of a progress tone as float samples (n,), cadence starting with tone on."""
    table = COUNTRIES[country] if isinstance(country, str) else country
    if name not in table:
        raise ValueError(f"unknown tone {name!r}; known: {', '.join(sorted(table))}")
    tone = table[name]
    total = ms(seconds * 1000, rate)
    if not tone.cadence:
        return bursts([(tone.freqs, (tone.level_dbm0,) * len(tone.freqs), total)], rate)
    segments, n, i = [], 0, 0
    while n < total:
        length = ms(tone.cadence[i % len(tone.cadence)] * 1000, rate)
        on = i % 2 == 0
        if name == "sit":           # the three SIT segments, one frequency each, then silence
            on = i % 4 < 3
            freqs = (tone.freqs[i % 4],) if on else ()
        else:
            freqs = tone.freqs if on else ()
        segments.append((freqs, (tone.level_dbm0,) * len(freqs), length))
        n += length
        i += 1
    return bursts(segments, rate)[:total]


CLASSES = ("unknown", "silence", "voice", "dial", "ringback", "busy", "congestion", "sit")


@dataclass(frozen=True)
class ProgressEvent:
    channel: int
    kind: str          # one of CLASSES
    sample: int        # channel time at which the class was decided


class ProgressToneDetector:
    """Classifies each channel's audio for outbound calls; see module docstring."""

    FRAME_S = 0.01

    def __init__(self, channels: int, country: str | dict = "cn", rate: int = 8000, *,
                 min_level_dbm0: float = -40.0, silence_dbm0: float = -50.0,
                 tolerance: float = 0.25, voice_ms: float = 300, silence_ms: float = 6000,
                 dial_ms: float = 1500):
        table = COUNTRIES[country] if isinstance(country, str) else country
        self.table = table
        self.cadenced = {name: tone.cadence for name, tone in table.items()
                         if tone.cadence and name != "sit"}
        freq = table["dial"].freqs[0]
        self.bank = ToneBank(channels, (freq,) + SIT_FREQS, window=160, hop=80, rate=rate,
                             taper=tukey(160, 40))
        self.min_power = DBM0_POWER * 10 ** (min_level_dbm0 / 10)
        self.silence_power = DBM0_POWER * 10 ** (silence_dbm0 / 10)
        self.tolerance = tolerance
        self.voice_frames = int(voice_ms / 10)
        self.silence_frames = int(silence_ms / 10)
        self.dial_frames = int(dial_ms / 10)
        self._alloc(channels)

    def _alloc(self, channels: int) -> None:
        self.state = np.zeros(channels, np.int8)             # index into CLASSES
        self.symbol = np.full(channels, -1, np.int8)         # frame symbol of the current run
        self.run = np.zeros(channels, np.int32)              # frames in the current run
        self.history = np.zeros((channels, 6), np.int32)     # lengths of the last runs, newest last
        self.kinds = np.full((channels, 6), -1, np.int8)     # their symbols
        self.voice = np.zeros(channels, np.int32)            # recent non-tonal loud frames
        self.quiet = np.zeros(channels, np.int32)            # consecutive quiet frames
        self.sit_stage = np.zeros(channels, np.int8)         # SIT segments seen in order

    @property
    def channels(self) -> int:
        return self.state.shape[0]

    def resize(self, channels: int) -> None:
        keep = min(channels, self.channels)
        old = {k: v for k, v in vars(self).items() if isinstance(v, np.ndarray)}
        self.bank.resize(channels)
        self._alloc(channels)
        for name, value in old.items():
            getattr(self, name)[:keep] = value[:keep]

    def remove(self, indices) -> None:
        """Drop channels by index; the others move up, keeping their state."""
        self.bank.remove(indices)
        for name, value in list(vars(self).items()):
            if isinstance(value, np.ndarray):
                setattr(self, name, np.delete(value, indices, axis=0))

    def reset(self, channel: int) -> None:
        self.bank.reset(channel)
        self.state[channel] = 0
        self.symbol[channel], self.run[channel], self.voice[channel] = -1, 0, 0
        self.quiet[channel], self.sit_stage[channel] = 0, 0
        self.history[channel], self.kinds[channel] = 0, -1

    def _symbols(self, frames) -> tuple[np.ndarray, np.ndarray]:
        """Per frame: symbol 0 none, 1 the country tone, 2..4 a SIT frequency; and loudness
        0 quiet, 1 tonal or moderate, 2 loud and not tonal (voice-like)."""
        power = self.bank.sine_power(frames.power())                                 # (C, m, 4)
        energy_power = frames.energy / self.bank.taper.sum()
        best = np.argmax(power, axis=2)
        best_power = np.take_along_axis(power, best[..., None], 2)[..., 0]
        tonal = (best_power >= self.min_power) & (best_power >= 0.7 * energy_power)
        symbol = np.where(tonal, best + 1, 0).astype(np.int8)
        loud = np.where(energy_power < self.silence_power, 0,
                        np.where(~tonal & (energy_power >= self.min_power), 2, 1)).astype(np.int8)
        return symbol, loud

    def process(self, x: np.ndarray) -> list[ProgressEvent]:
        """Feed one block (channels, n); return the class changes decided in it."""
        frames = self.bank.process(x)
        events: list[ProgressEvent] = []
        if frames.count == 0:
            return events
        symbols, loudness = self._symbols(frames)
        times = frames.end[None, :] - self.bank.origin[:, None]
        for f in range(symbols.shape[1]):
            sym, loud = symbols[:, f], loudness[:, f]
            self.voice = np.where(loud == 2, self.voice + 1, np.maximum(self.voice - 1, 0))
            self.quiet = np.where(loud == 0, self.quiet + 1, 0)
            boundary = sym != self.symbol
            changed = np.flatnonzero(boundary)
            if changed.size:                         # remember the run that just ended
                for name, value in (("history", self.run), ("kinds", self.symbol)):
                    rows = getattr(self, name)[changed]
                    rows[:, :-1] = rows[:, 1:]
                    rows[:, -1] = value[changed]
                    getattr(self, name)[changed] = rows
                self._follow_sit(changed)
            self.run = np.where(boundary, 1, self.run + 1)
            self.symbol = sym.copy()
            decided = self._decide(boundary)
            for ch in np.flatnonzero((decided > 0) & (decided != self.state)):
                self.state[ch] = decided[ch]
                events.append(ProgressEvent(int(ch), CLASSES[decided[ch]], int(times[ch, f])))
        return events

    def _follow_sit(self, changed: np.ndarray) -> None:
        """SIT stage per channel: 1, 2, 3 after its 950, 1400, 1800 Hz segments in order."""
        kind, length = self.kinds[changed, -1], self.history[changed, -1]
        stage = self.sit_stage[changed]
        segment = self._near(length, SIT_SEGMENT_S) & (kind >= 2)
        stage = np.where(segment & (kind - 1 == stage + 1), stage + 1,
                         np.where(segment & (kind == 2), 1,
                                  np.where(length > 3, 0, stage)))   # glitches keep the stage
        self.sit_stage[changed] = stage

    def _near(self, frames: np.ndarray, seconds: float) -> np.ndarray:
        target = seconds / self.FRAME_S
        return np.abs(frames - target) <= self.tolerance * target + 3

    def _decide(self, boundary: np.ndarray) -> np.ndarray:
        """Class index per channel decided at this frame, 0 where nothing new is known."""
        decided = np.zeros(self.channels, np.int8)
        decided[self.quiet >= self.silence_frames] = CLASSES.index("silence")
        decided[self.voice >= self.voice_frames] = CLASSES.index("voice")
        decided[(self.symbol == 1) & (self.run >= self.dial_frames)] = CLASSES.index("dial")
        # a tone run and a pause just completed, the tone starts again: match a cadence
        on, off = self.history[:, -2], self.history[:, -1]
        cycle = boundary & (self.symbol == 1) & (self.kinds[:, -2] == 1) & (self.kinds[:, -1] == 0)
        for name, cadence in self.cadenced.items():
            match = cycle & self._near(on, cadence[0]) & self._near(off, cadence[1])
            decided[match] = CLASSES.index(name)
        decided[self.sit_stage == 3] = CLASSES.index("sit")
        return decided
