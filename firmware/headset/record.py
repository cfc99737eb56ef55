"""Record a prompt from the headset microphone: N seconds or until the speaker stops.

The microphone's callback queues raw samples (at most ``seconds`` worth); this thread converts
them to 8 kHz, measures them with ``firmware.dsp.activity.ActivityDetector`` and stops at the
time limit or once ``silence_s`` of quiet follow speech. Leading and trailing silence is
trimmed (a little margin is kept) and the result is written as 8 kHz A-law WAV to
DATA/prompts/NAME.wav, where the prompt library looks first. The file is written to a
temporary name and renamed, so a prompt is never half written.
"""
from __future__ import annotations

import os
import queue
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from firmware.dsp.activity import ActivityDetector
from firmware.dsp.wav import write_wav
from firmware.errors import BadInput
from firmware.headset.device import Headset, HeadsetUnavailable
from firmware.headset.fifo import drain
from firmware.headset.stream import StreamResampler

LINE_RATE = 8000
LEAD_S = 0.1                   # kept before the first speech
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")
STALL_S = 2.0                  # a microphone that delivers nothing this long is broken


def check_name(name: str) -> str:
    """A prompt name like 'ivr/welcome' (letters, digits, '_', '-', '/' between parts)."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise BadInput("NAME", f"{name!r} is not a prompt name: use letters, digits, '_' and '-', "
                       "with '/' between parts (e.g. ivr/welcome)")
    return name


def prompt_path(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / "prompts" / f"{check_name(name)}.wav"


@dataclass
class Take:
    """What the microphone gave: 8 kHz int16 samples and where the speech is in them."""

    samples: np.ndarray
    speech_start: int | None       # sample of the first speech, None if none was heard
    speech_end: int                # sample where the last speech (with hangover) ended
    stopped: str                   # "silence" or "time"
    device: dict

    def trimmed(self) -> np.ndarray:
        if self.speech_start is None:
            return self.samples[:0]
        start = max(0, self.speech_start - int(LEAD_S * LINE_RATE))
        return self.samples[start:self.speech_end]


class Recorder:
    """Microphone samples at the device rate in, a ``Take`` out: 8 kHz, activity, stop rule.

    The stop rule is checked every ``STEP_S`` of audio, so where a take stops depends on the
    audio only, not on how the sound device happened to batch it.
    """

    STEP_S = 0.1

    def __init__(self, rate: int, seconds: float, silence_s: float):
        self.rate, self.limit, self.silence_ms = rate, int(seconds * rate), silence_s * 1000
        self.resampler = StreamResampler(rate, LINE_RATE)
        self.detector = ActivityDetector(1)
        self.parts: list[np.ndarray] = []
        self.got = 0
        self.start: int | None = None
        self.end: int | None = None
        self.stopped: str | None = None

    def feed(self, chunk: np.ndarray) -> bool:
        """Take more samples; True once the take is complete (the rest is ignored)."""
        step = max(1, int(self.STEP_S * self.rate))
        for first in range(0, chunk.size, step):
            if self.stopped:
                break
            piece = chunk[first:first + step][: self.limit - self.got]
            self.got += piece.size
            line = self.resampler.process(piece)
            if self.got >= self.limit:
                line = np.concatenate([line, self.resampler.flush()])
                self.stopped = "time"
            self.parts.append(line)
            for event in self.detector.process(line[None, :]):
                if event.kind == "voice" and self.start is None:
                    self.start = event.sample
                self.end = event.sample if event.kind == "silence" else None
            quiet = not self.detector.active[0] and self.detector.silent_ms[0] >= self.silence_ms
            if self.start is not None and quiet and not self.stopped:
                self.stopped = "silence"
        return self.stopped is not None

    def take(self, device: dict) -> Take:
        line = np.concatenate(self.parts) if self.parts else np.zeros(0)
        samples = np.clip(np.rint(line), -32768, 32767).astype(np.int16)
        end = samples.size if self.end is None else min(self.end, samples.size)
        return Take(samples, self.start, end, self.stopped or "time", device)


def record(headset: Headset, seconds: float, silence_s: float = 2.0) -> Take:
    """Record up to ``seconds``; stop early after ``silence_s`` of quiet following speech."""
    device = headset.info("input")
    recorder = Recorder(device.rate, seconds, silence_s)
    chunks: queue.Queue[np.ndarray] = queue.Queue()
    queued = [0]

    def on_input(samples: np.ndarray) -> bool:              # PortAudio's thread
        room = recorder.limit - queued[0]                    # never more than the whole take
        chunks.put(samples[:room].copy())
        queued[0] += min(samples.size, room)
        return queued[0] >= recorder.limit

    stream = headset.input_stream(on_input, device)
    stream.start()
    try:
        done = False
        while not done:
            try:
                done = recorder.feed(drain(chunks, STALL_S))
            except queue.Empty:
                raise HeadsetUnavailable(f"the microphone of {device.name!r} delivered no audio "
                                         f"for {STALL_S:.0f} s") from None
    finally:
        stream.stop()
        stream.close()
    return recorder.take(device.as_dict())


def save(take: Take, path: Path) -> np.ndarray:
    """Write the trimmed take as 8 kHz A-law WAV (atomically); returns what was written."""
    audio = take.trimmed()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    write_wav(tmp, audio, LINE_RATE, "alaw")
    os.replace(tmp, path)
    return audio
