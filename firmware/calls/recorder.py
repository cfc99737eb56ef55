"""Call recording: both directions of a caller's timeslot into a two-channel A-law WAV file.

Channel 1 is what the caller says (received on the caller's timeslot), channel 2 what the
caller hears (transmitted on it: the agent, prompts, music). Recording follows the caller's
timeslot, so it survives transfers between agents. The engine hands each block to
``Recorders.block``, which copies out the recorded rows (two gathers per span, the rows
cached until a recording starts, stops or pauses) and passes them to a writer thread every
``HAND_OVER_BLOCKS`` blocks (no disk on the real-time path, one queue put per 100 ms); the
thread interleaves the two directions, appends them to the files and closes each file with
its final sizes; it also writes whole files handed to it (voicemail messages, ``write_file``).
"""
from __future__ import annotations

import queue
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 8000
HAND_OVER_BLOCKS = 5
_STOP = object()


def alaw_wav_header(frames: int, channels: int = 2) -> bytes:
    """A WAVE_FORMAT_ALAW header (with the fact chunk non-PCM formats need)."""
    data = frames * channels
    fmt = struct.pack("<HHIIHHH", 6, channels, RATE, RATE * channels, channels, 8, 0)
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 12 + 8 + data) + b"WAVE"
            + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"fact" + struct.pack("<II", 4, frames)
            + b"data" + struct.pack("<I", data))


@dataclass
class Recording:
    path: Path
    span: int
    ts: int
    started_frame: int
    frames: int = 0
    paused: bool = False
    meta: dict = field(default_factory=dict)


class Recorders:
    """All recordings of the box, fed per block, written by one background thread."""

    def __init__(self) -> None:
        self.active: dict[str, Recording] = {}
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._pending: list[tuple[list, np.ndarray, np.ndarray]] = []   # blocks not yet handed over
        self._rows: dict[int, tuple[list, np.ndarray]] = {}             # span -> recordings, rows
        self._thread = threading.Thread(target=self._run, name="recorder", daemon=True)
        self._thread.start()
        self.errors: list[str] = []

    def start(self, key: str, path: Path, span: int, ts: int, now_frame: int, **meta) -> Recording:
        rec = Recording(Path(path), span, ts, now_frame, meta=meta)
        self.active[key] = rec
        self._control("open", rec, None)
        return rec

    def pause(self, key: str, paused: bool = True) -> None:
        if key in self.active:
            self.active[key].paused = paused
            self._rows.clear()

    def stop(self, key: str) -> Recording | None:
        rec = self.active.pop(key, None)
        if rec is not None:
            self._control("close", rec, None)
        return rec

    def block(self, span: int, rx: np.ndarray, tx: np.ndarray) -> None:
        """After a span's block is filled: keep the caller rows of every recording on it."""
        recs, rows = self._span_rows(span)
        if not recs:
            return
        self._pending.append((recs, rx[rows], tx[rows]))       # fancy indexing copies
        for rec in recs:
            rec.frames += rx.shape[1]
        if len(self._pending) >= HAND_OVER_BLOCKS:
            self._hand_over()

    def _span_rows(self, span: int) -> tuple[list, np.ndarray]:
        cached = self._rows.get(span)
        if cached is None:
            recs = [rec for rec in self.active.values() if rec.span == span and not rec.paused]
            cached = self._rows[span] = (recs, np.array([rec.ts for rec in recs], np.intp))
        return cached

    def _hand_over(self) -> None:
        if self._pending:
            self._queue.put(("data", None, self._pending))
            self._pending = []

    def _control(self, action: str, rec, payload) -> None:
        """A non-data item, after every block kept so far (a close follows its last data)."""
        self._rows.clear()
        self._hand_over()
        self._queue.put((action, rec, payload))

    def write_file(self, path: Path, alaw: np.ndarray) -> None:
        """Write a whole mono A-law WAV (a voicemail message) from the writer thread."""
        self._control("file", Recording(Path(path), 0, 0, 0), np.asarray(alaw, np.uint8))

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until everything queued so far is on disk (tests, shutdown)."""
        done = threading.Event()
        self._control("mark", None, done)
        done.wait(timeout)

    def close(self) -> None:
        for key in list(self.active):
            self.stop(key)
        self._hand_over()
        self._queue.put(_STOP)
        self._thread.join(10)

    def _write_blocks(self, files: dict, blocks: list) -> None:
        for recs, heard_from, sent in blocks:
            frames = np.empty((len(recs), heard_from.shape[1], 2), np.uint8)
            frames[:, :, 0] = heard_from                       # what the caller says
            frames[:, :, 1] = sent                             # what the caller hears
            for i, rec in enumerate(recs):
                f = files.get(id(rec))
                if f is None:
                    continue
                try:
                    f.write(frames[i].tobytes())
                except OSError as exc:                 # a full disk ends this recording, not others
                    self.errors.append(f"{rec.path}: {exc.strerror or exc}")
                    files.pop(id(rec)).close()

    def _run(self) -> None:
        files: dict[int, object] = {}
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            action, rec, payload = item
            try:
                if action == "open":
                    rec.path.parent.mkdir(parents=True, exist_ok=True)
                    f = open(rec.path, "wb")
                    f.write(alaw_wav_header(0))
                    files[id(rec)] = f
                elif action == "data":                         # payload: blocks kept by block()
                    self._write_blocks(files, payload)
                elif action == "close" and id(rec) in files:
                    f = files.pop(id(rec))
                    f.seek(0)
                    f.write(alaw_wav_header(rec.frames))
                    f.close()
                elif action == "file":
                    rec.path.parent.mkdir(parents=True, exist_ok=True)
                    rec.path.write_bytes(alaw_wav_header(payload.size, channels=1) + payload.tobytes())
                elif action == "mark":
                    for f in files.values():
                        f.flush()
                    payload.set()
            except OSError as exc:
                self.errors.append(f"{rec.path if rec else ''}: {exc.strerror or exc}")
                if rec is not None and id(rec) in files:
                    files.pop(id(rec)).close()
