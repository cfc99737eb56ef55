"""HDLC on a 64 kbit/s D-channel timeslot (CCS, e.g. Q.921 on TS16): framing both ways.

Line facts (ISO/IEC 13239, Q.921): frames are delimited by flags 01111110 (0x7E); inside a
frame a 0 is inserted after every five consecutive 1s (zero-bit stuffing) and removed on
receipt; seven or more consecutive 1s abort the frame; between frames the line carries flags
(the idle state). The frame check sequence is CRC-16/X.25 (reflected 0x1021, preset 0xFFFF,
inverted), sent low octet first; a good frame leaves the residue 0xF0B8. HDLC sends each
octet least significant bit first, while an E1 timeslot sends bit 1 (the octet's MSB) first,
so the line bits of a timeslot octet are ``np.unpackbits(octet)``.

Both directions stream across block boundaries. The idle case (the whole block is 0x7E on
octet boundaries, nothing pending) costs one comparison. The transmitter keeps flags on
octet boundaries by closing each frame with 0..7 flags that share their leading 0 with the
previous flag (7-bit flags), which any HDLC receiver accepts.
"""
from __future__ import annotations

from collections import deque

import numpy as np

FLAG = 0x7E
GOOD_RESIDUE = 0xF0B8
MAX_FRAME_OCTETS = 1024          # longer frames are dropped as overruns (Q.921 N201 is 260)
MIN_FRAME_OCTETS = 3             # at least one octet of content plus the two FCS octets

_FLAG_BITS = np.unpackbits(np.array([FLAG], np.uint8))
_SHARED_FLAG_BITS = _FLAG_BITS[1:]          # 1111110: a flag whose leading 0 is the last one


def _fcs_table() -> list[int]:
    table = []
    for value in range(256):
        reg = value
        for _ in range(8):
            reg = (reg >> 1) ^ 0x8408 if reg & 1 else reg >> 1
        table.append(reg)
    return table


_FCS_TABLE = _fcs_table()


def crc16_x25(data: bytes, reg: int = 0xFFFF) -> int:
    """The running CRC register (not inverted) after ``data``; FCS = register ^ 0xFFFF."""
    for octet in data:
        reg = (reg >> 8) ^ _FCS_TABLE[(reg ^ octet) & 0xFF]
    return reg


def fcs(data: bytes) -> bytes:
    """The two FCS octets to append to ``data`` (low octet first)."""
    return (crc16_x25(data) ^ 0xFFFF).to_bytes(2, "little")


def stuff(bits: np.ndarray) -> np.ndarray:
    """Insert a 0 after every run of five 1s (vectorised: runs are counted with a cumulative max)."""
    index = np.arange(bits.size)
    last_zero = np.maximum.accumulate(np.where(bits == 0, index, -1))
    run = index - last_zero
    after = np.flatnonzero((bits == 1) & (run % 5 == 0)) + 1
    return np.insert(bits, after, 0)


def frame_line_octets(frame: bytes) -> np.ndarray:
    """One frame on the line: flag, stuffed content + FCS, flag, then shared flags to an octet boundary."""
    content = np.frombuffer(bytes(frame) + fcs(bytes(frame)), dtype=np.uint8)
    body = stuff(np.unpackbits(content, bitorder="little"))
    total = 16 + body.size
    fill = np.tile(_SHARED_FLAG_BITS, total % 8)
    return np.packbits(np.concatenate([_FLAG_BITS, body, _FLAG_BITS, fill]))


class HdlcTransmitter:
    """Queues frames and hands out timeslot octets; idle flags when the queue is empty."""

    def __init__(self) -> None:
        self._queue: deque[np.ndarray] = deque()
        self._current = np.zeros(0, np.uint8)
        self.frames_sent = 0

    def send(self, frame: bytes) -> None:
        if not frame:
            raise ValueError("HDLC frame: empty frame")
        if len(frame) > MAX_FRAME_OCTETS - 2:
            raise ValueError(f"HDLC frame: {len(frame)} octets, more than {MAX_FRAME_OCTETS - 2}")
        self._queue.append(frame_line_octets(frame))

    @property
    def busy(self) -> bool:
        return bool(self._queue) or self._current.size > 0

    def octets(self, count: int) -> np.ndarray:
        """The next ``count`` timeslot octets."""
        if not self.busy:
            return np.full(count, FLAG, np.uint8)
        out = np.full(count, FLAG, np.uint8)
        filled = 0
        while filled < count and self.busy:
            if not self._current.size:
                self._current = self._queue.popleft()
                self.frames_sent += 1
            take = min(count - filled, self._current.size)
            out[filled:filled + take] = self._current[:take]
            self._current = self._current[take:]
            filled += take
        return out


class HdlcReceiver:
    """Finds flags, drops stuffed bits, checks the FCS; frames come out of ``feed``.

    ``feed`` returns ``[(content without FCS, fcs_ok)]``; counters: ``frames_ok``,
    ``fcs_errors``, ``aborts``, ``overruns``, ``short_frames``.
    """

    def __init__(self) -> None:
        self._bits = np.zeros(0, np.uint8)   # line bits received after the last flag (or while hunting)
        self._in_frame = False               # a flag has been seen: bits after it form a frame
        self.frames_ok = 0
        self.fcs_errors = 0
        self.aborts = 0
        self.overruns = 0
        self.short_frames = 0

    def reset(self) -> None:
        """Forget any frame in progress (e.g. on loss of frame alignment)."""
        self._bits = np.zeros(0, np.uint8)
        self._in_frame = False

    def feed(self, octets: np.ndarray) -> list[tuple[bytes, bool]]:
        octets = np.asarray(octets, dtype=np.uint8)
        if self._in_frame and not self._bits.size and bool((octets == FLAG).all()):
            return []                                  # idle flags on octet boundaries
        bits = np.concatenate([self._bits, np.unpackbits(octets)])
        zeros = np.flatnonzero(bits == 0)
        runs = np.diff(zeros, prepend=-1) - 1          # 1s just before each 0
        frames: list[tuple[bytes, bool]] = []
        start = 0                                      # first bit of the current frame
        for pos in np.flatnonzero(runs >= 6):
            zero = int(zeros[pos])
            if runs[pos] == 6:                         # a flag ends at this 0
                if self._in_frame:
                    self._close(bits, zeros, runs, start, zero - 7, frames)
                self._in_frame = True
                start = zero + 1
            else:                                      # 7+ ones: abort
                if self._in_frame:
                    self.aborts += 1
                self._in_frame = False
                start = zero + 1
        trailing_ones = bits.size - 1 - int(zeros[-1]) if zeros.size else bits.size
        if self._in_frame and trailing_ones >= 7:
            self.aborts += 1
            self._in_frame = False
        if not self._in_frame:
            start = bits.size - min(trailing_ones, 7)  # keep a possible flag's leading 1s
            start = max(start - 1, 0) if start > 0 and bits[start - 1] == 0 else start
        self._bits = bits[start:]
        if self._in_frame and self._bits.size > 8 * MAX_FRAME_OCTETS * 6 // 5 + 16:
            self.overruns += 1
            self._in_frame = False
            self._bits = self._bits[-7:]
        return frames

    def _close(self, bits, zeros, runs, start, end, frames) -> None:
        """Content bits are bits[start:end]; remove stuffed zeros, pack, check the FCS."""
        if end <= start:
            return                                     # back-to-back flags
        stuffed = zeros[(zeros >= start) & (zeros < end) & (runs == 5)]
        keep = np.ones(end - start, bool)
        keep[stuffed - start] = False
        content = bits[start:end][keep]
        if content.size % 8 or content.size < 8 * MIN_FRAME_OCTETS:
            self.short_frames += 1
            return
        if content.size > 8 * MAX_FRAME_OCTETS:
            self.overruns += 1
            return
        data = np.packbits(content, bitorder="little").tobytes()
        ok = crc16_x25(data) == GOOD_RESIDUE
        if ok:
            self.frames_ok += 1
        else:
            self.fcs_errors += 1
        frames.append((data[:-2], ok))
