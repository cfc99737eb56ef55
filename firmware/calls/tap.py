"""Listening in on a call and whispering to its agent (for the box's headset jack).

    tap = center.tap(call_id)            # then, off the real-time path:
    block = tap.get(timeout=0.1)         # uint8 (2, n): row 0 what the caller says (received on
                                         # the caller's timeslot), row 1 what the caller hears
    tap.close()                          # or the call ends: tap.closed becomes True
    center.whisper(call_id, source)      # source() -> next A-law block (uint8, 160) or None

The real-time path only copies two rows into a bounded queue per block; when the listener
falls behind, blocks are dropped (counted in ``dropped``), never waited for. A whisper
``source`` is called once per block of the agent's span and must return at once (read a
queue with get_nowait, say); its audio is mixed into what the agent hears only, and the
whisper ends when it returns None or the call ends.
"""
from __future__ import annotations

import queue

import numpy as np

from firmware.dsp.g711 import alaw_decode_float, alaw_encode
from firmware.dsp.mixer import soft_limit

TAP_BLOCKS = 50                # one second of 20 ms blocks


class Tap:
    """A bounded stream of a call's two directions, block by block."""

    def __init__(self, call_id: str, blocks: int = TAP_BLOCKS):
        self.call_id = call_id
        self._queue: queue.Queue = queue.Queue(blocks)
        self.dropped = 0
        self.closed = False

    def put(self, heard_from_caller: np.ndarray, sent_to_caller: np.ndarray) -> None:
        """Real-time side: queue copies of both rows, or drop them if the queue is full."""
        if self.closed:
            return
        try:
            self._queue.put_nowait(np.stack([heard_from_caller, sent_to_caller]))
        except queue.Full:
            self.dropped += 1

    def get(self, timeout: float | None = None) -> np.ndarray | None:
        """The next (2, n) block, or None if none came within ``timeout`` seconds."""
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self.closed = True


def mix_alaw(base: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """Two A-law rows summed in the linear domain (``extra`` shorter is padded with silence)."""
    total = alaw_decode_float(base)
    extra = np.asarray(extra, np.uint8)[: total.size]
    total[: extra.size] += alaw_decode_float(extra)
    return alaw_encode(soft_limit(total))


class Listening:
    """Every call's taps and whispers; ``block`` runs once per span block on the real-time path.

    The dicts are replaced, never changed in place, so other threads may add taps and
    whispers while the engine iterates over them.
    """

    def __init__(self) -> None:
        self.taps: dict[str, list[Tap]] = {}
        self.whispers: dict[str, object] = {}

    def __bool__(self) -> bool:
        return bool(self.taps or self.whispers)

    def tap(self, call_id: str) -> Tap:
        tap = Tap(call_id)
        self.taps = {**self.taps, call_id: [*self.taps.get(call_id, []), tap]}
        return tap

    def whisper(self, call_id: str, source) -> None:
        self.whispers = {**self.whispers, call_id: source}

    def block(self, span: int, rx: np.ndarray, tx: np.ndarray, calls: dict) -> None:
        """Feed the taps of calls on ``span``; mix whispers into agents' rows on ``span``."""
        for call_id, taps in self.taps.items():
            leg = calls.get(call_id)
            if leg is not None and leg.span == span:
                for tap in taps:
                    tap.put(rx[leg.ts], tx[leg.ts])
        for call_id, source in self.whispers.items():
            leg = calls.get(call_id)
            agent = leg.agent_leg if leg is not None else None
            if agent is None or not agent.answered or agent.endpoint[0] != span:
                continue
            block = source()
            if block is None:
                self.whispers = {k: v for k, v in self.whispers.items() if k != call_id}
            else:
                tx[agent.endpoint[1]] = mix_alaw(tx[agent.endpoint[1]], block)

    def call_ended(self, call_id: str) -> None:
        for tap in self.taps.get(call_id, []):
            tap.close()
        self.taps = {k: v for k, v in self.taps.items() if k != call_id}
        self.whispers = {k: v for k, v in self.whispers.items() if k != call_id}
