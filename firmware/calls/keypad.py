"""DTMF detection on only those timeslots of a span whose call is listening for keys.

The call center asks, block by block, which timeslots listen (a caller in the IVR, the
survey, voicemail or a feature call; an agent on a call) and who owns each one (the call
leg). ``SpanKeypad`` keeps one vectorised DtmfReceiver whose rows are exactly those
timeslots, in a compact array: a timeslot that stops listening, or whose owner changes,
loses its row (and its detector state); a newly listening one gets a fresh row, which hears
from the next block on. Everything else (TS0, TS16, idle channels, talking callers, the
PBX span's ringing legs) costs nothing. When the set is unchanged, as in almost every block,
the cost is one dict comparison, one row gather and the receiver itself.
"""
from __future__ import annotations

import numpy as np

from firmware.dsp.dtmf import DtmfReceiver
from firmware.dsp.g711 import alaw_decode_float


class SpanKeypad:
    """The listening timeslots of one span and their DTMF receiver rows."""

    def __init__(self):
        self.receiver = DtmfReceiver(0)
        self.owners: dict[int, object] = {}     # timeslot -> owner, in receiver row order
        self._rows = np.zeros(0, np.intp)       # timeslot of each receiver row

    @property
    def slots(self) -> list[int]:
        """The timeslots being listened to, in receiver row order."""
        return list(self.owners)

    def listen(self, wanted: dict[int, object]) -> None:
        """Make the rows the timeslots of ``wanted`` (timeslot -> owner, compared by ``==``)."""
        if wanted == self.owners:
            return
        owners = self.owners
        drop = [row for row, ts in enumerate(owners) if ts not in wanted or wanted[ts] != owners[ts]]
        if drop:
            self.receiver.remove(drop)
            kept = set(drop)
            owners = {ts: owner for row, (ts, owner) in enumerate(owners.items()) if row not in kept}
        added = [ts for ts in wanted if ts not in owners]
        if added:
            self.receiver.resize(len(owners) + len(added))
            owners.update((ts, wanted[ts]) for ts in added)
        self.owners = owners
        self._rows = np.fromiter(owners, np.intp, len(owners))

    def process(self, voice: np.ndarray) -> list[tuple[int, str]]:
        """Feed one block of the span's A-law voice (32, n); return (timeslot, key) per key
        that started in it, in the receiver's order."""
        if not self.owners:
            return []
        rows = self._rows
        events = self.receiver.process(alaw_decode_float(voice[rows]))
        return [(int(rows[e.channel]), e.signal) for e in events if e.kind == "start"]
