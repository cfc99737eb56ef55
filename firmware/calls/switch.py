"""The time-slot switch: connect any timeslot to any other, on the same or another span.

Voice crosses the switch bit-transparent (A-law octets are copied, never decoded). Each span
is served when its block arrives, so a connection between spans goes through a slip buffer:
the source span's received frames are kept in a ring, and each destination span reads them
at its own pace, about ``TARGET_DELAY`` frames behind. When the spans' clocks differ (a real
line, or a far end paused), the reader would run dry or fall too far behind: then it jumps by
whole frames, a controlled slip, counted per span pair as real switches count them.

    switch.receive(span, rx.voice)      # every received block, before filling any transmit
    switch.fill(span, tx_voice)         # write connected timeslots into the transmit block
    switch.connect((1, 5), (2, 7))      # both ways;  connect_oneway(src, dst) for listen-in

All per-block work is a handful of numpy operations per (source span, destination span) pair.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RING_FRAMES = 2048             # per span: 256 ms of received frames
TARGET_DELAY = 320             # frames a cross-span reader keeps behind the writer (40 ms)
MAX_DELAY = RING_FRAMES - 320  # beyond this the reader deletes frames to catch up

Endpoint = tuple[int, int]     # (span, timeslot)


@dataclass
class _Path:
    """Reader of one source span's ring on behalf of one destination span."""
    read: int
    dst_ts: np.ndarray
    src_ts: np.ndarray


class Switch:
    def __init__(self, spans: list[int]):
        self.rings = {s: np.full((32, RING_FRAMES), 0xD5, dtype=np.uint8) for s in spans}
        self.written = {s: 0 for s in spans}           # frames written into each ring, ever
        self.last_frames = {s: 0 for s in spans}       # size of the span's last received block
        self.source: dict[Endpoint, Endpoint] = {}     # destination -> source
        self.slips: dict[tuple[int, int], int] = {}
        self._paths: dict[int, dict[int, _Path]] = {s: {} for s in spans}   # dst span -> src span -> path
        self._reads: dict[tuple[int, int], int] = {}   # kept across rebuilds of the paths

    # -- connections ---------------------------------------------------------------------
    def connect(self, a: Endpoint, b: Endpoint) -> None:
        """Both directions: a hears b and b hears a."""
        self.connect_oneway(a, b)
        self.connect_oneway(b, a)

    def connect_oneway(self, src: Endpoint, dst: Endpoint) -> None:
        """``dst`` transmits what ``src`` receives (replaces what dst had)."""
        for span, ts in (src, dst):
            if span not in self.rings or not 0 <= ts < 32:
                raise ValueError(f"no timeslot {ts} on span {span} in this switch")
        self.source[dst] = src
        self._rebuild(dst[0])

    def disconnect(self, endpoint: Endpoint) -> None:
        """Stop everything ``endpoint`` transmits from the switch and everything it feeds."""
        touched = {endpoint[0]}
        if self.source.pop(endpoint, None) is not None:
            pass
        for dst, src in list(self.source.items()):
            if src == endpoint:
                del self.source[dst]
                touched.add(dst[0])
        for span in touched:
            self._rebuild(span)

    def connected(self, endpoint: Endpoint) -> bool:
        return endpoint in self.source

    def _rebuild(self, dst_span: int) -> None:
        groups: dict[int, list[tuple[int, int]]] = {}
        for (d_span, d_ts), (s_span, s_ts) in self.source.items():
            if d_span == dst_span:
                groups.setdefault(s_span, []).append((d_ts, s_ts))
        paths = {}
        for s_span, pairs in groups.items():
            pairs.sort()
            read = self._reads.get((s_span, dst_span))
            if read is None:
                read = self._initial_read(s_span, dst_span)
            paths[s_span] = _Path(read, np.array([d for d, _ in pairs]), np.array([s for _, s in pairs]))
        for s_span in self._paths[dst_span].keys() - paths.keys():   # the last connection went:
            self._reads.pop((s_span, dst_span), None)                 # the next starts afresh
        self._paths[dst_span] = paths

    def _initial_read(self, src: int, dst: int) -> int:
        if src == dst:
            return self.written[src] - self.last_frames[src]
        return self.written[src] - TARGET_DELAY    # may be negative: idle fill until data comes

    # -- per block -----------------------------------------------------------------------
    def receive(self, span: int, voice: np.ndarray) -> None:
        """Keep a received block (uint8 (32, n)) for the connections that read it."""
        n = voice.shape[1]
        start = self.written[span] % RING_FRAMES
        ring = self.rings[span]
        if start + n <= RING_FRAMES:
            ring[:, start:start + n] = voice
        else:
            first = RING_FRAMES - start
            ring[:, start:] = voice[:, :first]
            ring[:, :n - first] = voice[:, first:]
        self.written[span] += n
        self.last_frames[span] = n

    def fill(self, span: int, tx: np.ndarray) -> None:
        """Write every connected timeslot of ``span`` into its transmit block (32, n)."""
        n = tx.shape[1]
        for s_span, path in self._paths[span].items():
            if s_span == span:
                path.read = self.written[span] - n     # same span: the block just received
            else:
                self._keep_in_window(path, s_span, span, n)
            start = path.read % RING_FRAMES
            if start + n <= RING_FRAMES:                # the usual case: one slice of the ring
                tx[path.dst_ts] = self.rings[s_span][path.src_ts, start:start + n]
            else:
                positions = (start + np.arange(n)) % RING_FRAMES
                tx[path.dst_ts] = self.rings[s_span][path.src_ts[:, None], positions]
            path.read += n
            self._reads[(s_span, span)] = path.read

    def _keep_in_window(self, path: _Path, src: int, dst: int, n: int) -> None:
        available = self.written[src] - path.read
        if available < n or available > MAX_DELAY:
            path.read = self.written[src] - TARGET_DELAY        # repeat or delete frames
            self.slips[(src, dst)] = self.slips.get((src, dst), 0) + 1
