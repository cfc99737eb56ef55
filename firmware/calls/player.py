"""Players: what a timeslot sends when it is not switched to another one.

Each span has one ``Players``; a timeslot plays a sequence of A-law buffers (prompts, tones,
music on hold) once or in a loop, then falls silent and reports it is done. ``fill`` runs once
per transmitted block and copies each active player's next frames into its row; the done
callbacks run after the block is filled, never inside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

IDLE_ALAW = 0xD5


@dataclass
class _Play:
    audio: np.ndarray
    loop: bool
    on_done: Callable[[], None] | None
    pos: int = 0


class Players:
    def __init__(self) -> None:
        self._active: dict[int, _Play] = {}

    def play(self, ts: int, segments: Sequence[np.ndarray | bytes], loop: bool = False,
             on_done: Callable[[], None] | None = None) -> None:
        """Start playing ``segments`` (A-law) on ``ts``, replacing what it played."""
        parts = [np.frombuffer(s, np.uint8) if isinstance(s, (bytes, bytearray)) else np.asarray(s, np.uint8)
                 for s in segments]
        audio = np.concatenate(parts) if parts else np.zeros(0, np.uint8)
        if loop and audio.size == 0:
            raise ValueError("cannot loop an empty sound")
        self._active[ts] = _Play(audio, loop, on_done)

    def stop(self, ts: int) -> None:
        """Stop ``ts`` silently (no done callback: the caller knows it stopped it)."""
        self._active.pop(ts, None)

    def playing(self, ts: int) -> bool:
        return ts in self._active

    def fill(self, tx: np.ndarray) -> None:
        """Write every active player's next ``tx.shape[1]`` frames into its row of ``tx``."""
        if not self._active:
            return
        n = tx.shape[1]
        finished = []
        for ts, play in self._active.items():
            row = tx[ts]
            left = play.audio.size - play.pos
            if left >= n:
                row[:] = play.audio[play.pos:play.pos + n]
                play.pos += n
            elif play.loop:
                idx = (play.pos + np.arange(n)) % play.audio.size
                row[:] = play.audio[idx]
                play.pos = (play.pos + n) % play.audio.size
            else:
                row[:left] = play.audio[play.pos:]
                row[left:] = IDLE_ALAW
                play.pos = play.audio.size
                finished.append(ts)
        for ts in finished:
            play = self._active.pop(ts)
            if play.on_done is not None:
                play.on_done()
