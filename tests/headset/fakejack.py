"""A headset without a sound card: ALSA's `file` plugin over `null`, set up in a test HOME.

ALSA reads ~/.asoundrc, so a test HOME with this file makes PortAudio's "default" device an
asym PCM: what is played is written raw (S16_LE mono at the stream's rate) to OUT, and what
is captured is read raw from IN. The null slave is not clocked, so audio comes and goes as
fast as the callbacks run: compare by cross-correlation, never by position or time.
The environment must be in place before sounddevice (PortAudio) is first imported, so test
bodies run in a subprocess with ``run``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
ASOUNDRC = """\
pcm.!default {{
    type asym
    playback.pcm {{
        type file
        slave.pcm null
        file "{out}"
        format raw
    }}
    capture.pcm {{
        type file
        slave.pcm null
        file "/dev/null"
        infile "{mic}"
        format raw
    }}
}}
"""


@dataclass
class FakeJack:
    home: Path
    out: Path            # what the box played into the earpiece (int16 raw)
    mic: Path            # what the microphone "hears" (int16 raw, at the device rate)

    @classmethod
    def make(cls, root: Path, mic: np.ndarray | None = None) -> "FakeJack":
        home = root / "home"
        home.mkdir(parents=True, exist_ok=True)
        jack = cls(home, root / "out.raw", root / "mic.raw")
        (home / ".asoundrc").write_text(ASOUNDRC.format(out=jack.out, mic=jack.mic))
        jack.set_mic(np.zeros(0) if mic is None else mic)
        return jack

    def set_mic(self, samples: np.ndarray) -> None:
        np.clip(np.rint(samples), -32768, 32767).astype("<i2").tofile(self.mic)

    def played(self) -> np.ndarray:
        return np.fromfile(self.out, "<i2").astype(np.float64) if self.out.exists() else np.zeros(0)

    def env(self) -> dict:
        return {**os.environ, "HOME": str(self.home), "PYTHONPATH": str(ROOT)}

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """Run ``python ARGS...`` with this jack as the sound device."""
        return subprocess.run([sys.executable, *args], env=self.env(), cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout)

    def e1desk(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return self.run("-m", "firmware.cli", *args, timeout=timeout)


class ClockedJack:
    """The fake jack with named pipes instead of files, clocked by the test: each ``tick``
    the microphone gives one block and the earpiece takes one block, so the sound device
    runs in the line's time (one tick per line block) instead of as fast as it can.

    Use inside the process that opens the device, calling ``open`` before sounddevice is
    imported: the test holds both ends of each pipe, so ALSA's opens never wait.
    """

    def __init__(self, jack: FakeJack, rate: int, block: int):
        self.jack, self.rate, self.block = jack, rate, block
        self.heard: list[bytes] = []
        self._mic = np.zeros(0)
        self._fds: tuple[int, int] | None = None

    @classmethod
    def make(cls, root: Path, rate: int, block: int) -> "ClockedJack":
        jack = FakeJack.make(root)
        for path in (jack.out, jack.mic):
            path.unlink(missing_ok=True)
            os.mkfifo(path)
        return cls(jack, rate, block)

    def open(self) -> None:
        flags = os.O_RDWR | os.O_NONBLOCK
        self._fds = (os.open(self.jack.out, flags), os.open(self.jack.mic, flags))

    def say(self, samples: np.ndarray) -> None:
        """Queue what the microphone hears next (at the device rate); silence when none."""
        self._mic = np.concatenate([self._mic, samples])

    def tick(self, blocks: int = 1) -> None:
        out_fd, mic_fd = self._fds
        for _ in range(blocks):
            chunk = np.zeros(self.block)
            head = self._mic[: self.block]
            chunk[: head.size] = head
            self._mic = self._mic[self.block:]
            try:
                os.write(mic_fd, np.clip(np.rint(chunk), -32768, 32767).astype("<i2").tobytes())
            except BlockingIOError:                   # the microphone is not being read
                pass
            try:
                self.heard.append(os.read(out_fd, 2 * self.block))
            except BlockingIOError:                   # the earpiece played nothing this tick
                pass

    def played(self) -> np.ndarray:
        """Everything the earpiece took so far (int16 values as float)."""
        while True:                                   # and what is still in the pipe
            try:
                self.heard.append(os.read(self._fds[0], 1 << 16))
            except BlockingIOError:
                break
        return np.frombuffer(b"".join(self.heard), "<i2").astype(np.float64)

    def close(self) -> None:
        for fd in self._fds or ():
            os.close(fd)


def no_sound_env(root: Path) -> dict:
    """An environment with no sound device at all (an empty HOME, no ALSA card)."""
    home = root / "empty-home"
    home.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "HOME": str(home), "PYTHONPATH": str(ROOT)}


def strip_gaps(x: np.ndarray, min_run: int = 16) -> np.ndarray:
    """Remove runs of at least ``min_run`` exact zeros (the silence an unclocked sink inserts)."""
    zero = x == 0
    if not zero.any():
        return x
    edges = np.diff(np.concatenate([[0], zero.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    keep = np.ones(x.size, bool)
    for s, e in zip(starts, ends):
        if e - s >= min_run:
            keep[s:e] = False
    return x[keep]


