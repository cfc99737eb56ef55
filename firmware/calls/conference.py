"""Conference rooms: each member of a room hears the sum of the other members.

Members are (span, timeslot) endpoints, on any spans. Per received block each member's row
is kept (``receive``); when a span's transmit block is filled (``fill``), every room with a
member on that span is mixed once (firmware.dsp.mixer.conference: decode, sum, subtract
each member's own voice, soft limit, encode) from the members' latest blocks. Members on
another span contribute their latest block, at most one block old. Work per block is a few
numpy operations per active room.
"""
from __future__ import annotations

import numpy as np

from firmware.dsp.g711 import alaw_decode_float, alaw_encode
from firmware.dsp.mixer import conference

Endpoint = tuple[int, int]
IDLE_ALAW = 0xD5


class Conferences:
    def __init__(self) -> None:
        self.rooms: dict[str, list[Endpoint]] = {}
        self._last: dict[Endpoint, np.ndarray] = {}

    def open(self, key: str, members: list[Endpoint]) -> None:
        """Start (or replace) room ``key`` with these members."""
        if len(set(members)) != len(members) or len(members) < 2:
            raise ValueError(f"conference {key}: needs two or more distinct members, got {members}")
        self.close(key)
        self.rooms[key] = list(members)

    def close(self, key: str) -> list[Endpoint]:
        members = self.rooms.pop(key, [])
        for member in members:
            self._last.pop(member, None)
        return members

    def member(self, endpoint: Endpoint) -> bool:
        return any(endpoint in m for m in self.rooms.values())

    def receive(self, span: int, voice: np.ndarray) -> None:
        for members in self.rooms.values():
            for member in members:
                if member[0] == span:
                    self._last[member] = voice[member[1]].copy()

    def fill(self, span: int, tx: np.ndarray) -> None:
        n = tx.shape[1]
        for members in self.rooms.values():
            here = [i for i, m in enumerate(members) if m[0] == span]
            if not here:
                continue
            rows = np.full((len(members), n), IDLE_ALAW, np.uint8)
            for i, member in enumerate(members):
                last = self._last.get(member)
                if last is not None:
                    k = min(n, last.size)
                    rows[i, :k] = last[:k]
            heard = alaw_encode(conference(alaw_decode_float(rows), np.zeros(len(members), int)))
            for i in here:
                tx[members[i][1]] = heard[i]
