"""Channel-associated signalling in TS16 (G.704 5.1.3, G.732 5): multiframe, ABCD bits, debounce.

TS16 multiframe of 16 frames: frame 0 carries ``0000xyxx`` (multiframe alignment 0000, y =
remote multiframe alarm, x = spare, sent as 1); frame n (1..15) carries the ABCD bits of TSn in
its high nibble and of TS(n+16) in its low nibble. ABCD 0000 is never sent on a channel, so
0000 in a high nibble marks frame 0 only.
Loss of multiframe alignment: two consecutive alignment signals in error, or TS16 all zero for
one multiframe (16 frames). Recovery: the first correct alignment signal whose preceding TS16
octet contains a 1.
A received ABCD value is reported only after it has been received unchanged for
``debounce`` frames (it arrives once per multiframe, so 16 frames = seen in two multiframes).
"""
from __future__ import annotations

import numpy as np

from firmware.e1 import accel

MULTIFRAME = 16
Y_BIT = 0x04
SPARE_X = 0x0B          # the three x bits set
LOSS_ERRORED_MFAS = 2
LOSS_ZERO_FRAMES = 16
SEARCH_FRAMES = 32      # no multiframe 2 multiframes after frame alignment: LMFA


def tx_pattern(abcd: np.ndarray, idle: int, remote_mf_alarm: bool) -> np.ndarray:
    """TS16 octets for the 16 CAS multiframe positions; ABCD 0000 is replaced by ``idle``."""
    bits = np.asarray(abcd, dtype=np.uint8) & 0xF
    bits = np.where(bits == 0, np.uint8(idle & 0xF), bits).astype(np.uint8)
    pattern = np.empty(MULTIFRAME, np.uint8)
    pattern[0] = SPARE_X | (Y_BIT if remote_mf_alarm else 0)
    pattern[1:] = (bits[1:16] << 4) | bits[17:32]
    return pattern


class AbcdDebouncer:
    """Per-timeslot debounce of received ABCD values (timeslot-indexed arrays of 32)."""

    def __init__(self, debounce_frames: int) -> None:
        self.debounce = debounce_frames
        self.reported = np.zeros(32, np.uint8)
        self.candidate = np.zeros(32, np.uint8)
        self.since = np.zeros(32, np.int64)
        self._expected: tuple[int, np.ndarray, object] | None = None
        self._version = 0                # bumped whenever a candidate changes
        self._unsettled = False          # a candidate may differ from the reported value

    def receive(self, timeslot: int, value: int, now: int) -> None:
        if value != self.candidate[timeslot]:
            self.candidate[timeslot] = value
            self.since[timeslot] = now
            self._version += 1
            self._unsettled = True
        if self.candidate[timeslot] != self.reported[timeslot] and now - self.since[timeslot] >= self.debounce:
            self.reported[timeslot] = value

    @property
    def settled(self) -> bool:
        """No change is waiting out its debounce time."""
        if self._unsettled:
            self._unsettled = not bool((self.candidate == self.reported).all())
        return not self._unsettled

    def expected_c(self):
        """``expected_octets`` as a C pointer for the accelerated path (cached per candidate set)."""
        if self._expected is None or self._expected[0] != self._version:
            octets = self.expected_octets()
            self._expected = (self._version, octets, accel.ffi.from_buffer(octets))
        return self._expected[2]

    def expected_octets(self) -> np.ndarray:
        """The TS16 octets of positions 0..15 if nothing changes (position 0 unused)."""
        pattern = np.zeros(MULTIFRAME, np.uint8)
        pattern[1:] = (self.candidate[1:16] << 4) | self.candidate[17:32]
        return pattern


class CasReceiver:
    """TS16 of the aligned frames of a receiver: CAS multiframe, y bit, debounced ABCD.

    ``frame`` follows the rules frame by frame (events and LMFA changes appended to the
    caller's lists); ``check_block``/``apply_block`` handle a block that only confirms them.
    """

    def __init__(self, debounce_frames: int, on_slip) -> None:
        self.abcd = AbcdDebouncer(debounce_frames)
        self.on_slip = on_slip          # on_slip(t, events)
        self.found = False              # aligned at some time
        self.remote_mf_alarm = False    # y bit received
        self.phase: int | None = None   # stream position of frame 0, mod 512
        self.reset()

    def reset(self) -> None:
        self.aligned = False
        self.mf = 0                     # multiframe position of the next frame
        self._bad_run = 0
        self._zero_run = 0
        self._previous = 0
        self._search = 0

    def lost(self) -> None:
        self.reset()
        self.phase = None

    def skip(self, frames: int) -> None:
        """Frames of the same alignment went by unread (a CRC-4 re-search came back)."""
        self.mf = (self.mf + frames) % MULTIFRAME

    def frame(self, octet16: int, x: int, t: int, events, changes) -> None:
        if self.aligned:
            position = self.mf
            self.mf = (position + 1) % MULTIFRAME
            lost = False
            if position == 0:
                if octet16 & 0xF0:
                    self._bad_run += 1
                    lost = self._bad_run >= LOSS_ERRORED_MFAS
                else:
                    self._bad_run = 0
                    y = bool(octet16 & Y_BIT)
                    if y != self.remote_mf_alarm:
                        self.remote_mf_alarm = y
                        events.append((t, "remote MF alarm" if y else "remote MF alarm cleared"))
            else:
                self.abcd.receive(position, octet16 >> 4, t)
                self.abcd.receive(position + 16, octet16 & 0xF, t)
            self._zero_run = self._zero_run + 1 if octet16 == 0 else 0
            if lost or self._zero_run >= LOSS_ZERO_FRAMES:
                self.aligned = False
                self._search = 0
                changes.append((t, "LMFA", True))
        elif (octet16 & 0xF0) == 0 and self._previous != 0:
            self.aligned = self.found = True
            self.mf = 1
            self._bad_run = self._zero_run = 0
            changes.append((t, "LMFA", False))
            events.append((t, "CAS multiframe alignment"))
            phase = x % 512
            if self.phase is not None and phase != self.phase:
                self.on_slip(t, events)
            self.phase = phase
        else:
            self._search += 1
            if self._search == SEARCH_FRAMES:
                changes.append((t, "LMFA", True))
        self._previous = octet16

    @property
    def steady(self) -> bool:
        return self.aligned and self.abcd.settled

    def check_block(self, column16: np.ndarray, count: int):
        """The last TS16 octet if a block (>= 16 frames) only confirms the multiframe, else None."""
        position = (self.mf + np.arange(count)) % MULTIFRAME
        frame0 = position == 0
        mfas = column16[frame0]
        if (mfas & 0xF0).any() or ((mfas & Y_BIT) != (Y_BIT if self.remote_mf_alarm else 0)).any():
            return None
        others = column16[~frame0]
        if (others != self.abcd.expected_octets()[position[~frame0]]).any() or not others.all():
            return None
        return int(column16[-1])

    def changing_block_ok(self, column16: np.ndarray, count: int) -> bool:
        """True if a block (>= 16 frames) keeps the multiframe (good MFAS, same y bit, no
        zero octets) though its ABCD bits change or wait out their debounce."""
        position = (self.mf + np.arange(count)) % MULTIFRAME
        frame0 = position == 0
        mfas = column16[frame0]
        if (mfas & 0xF0).any() or ((mfas & Y_BIT) != (Y_BIT if self.remote_mf_alarm else 0)).any():
            return False
        return bool(column16[~frame0].all())

    def apply_changing_block(self, column16: np.ndarray, count: int, first_t: int) -> None:
        """Apply a block that passed ``changing_block_ok``: the debouncer sees, frame by frame,
        only the timeslots whose value or debounce moves (the others would be no-ops)."""
        abcd = self.abcd
        position = (self.mf + np.arange(count)) % MULTIFRAME
        high, low = column16 >> 4, column16 & 0xF
        moving = (high != abcd.candidate[position]) | (low != abcd.candidate[position + 16])
        moving &= position != 0
        touched = set(position[moving].tolist())
        unsettled = np.flatnonzero(abcd.candidate != abcd.reported)
        touched.update(int(ts) % 16 for ts in unsettled)
        touched.discard(0)
        for p in sorted(touched):
            for i in np.flatnonzero(position == p).tolist():
                abcd.receive(p, int(high[i]), first_t + i)
                abcd.receive(p + 16, int(low[i]), first_t + i)
        self.apply_block(int(column16[-1]), count)

    def apply_block(self, last_octet: int, count: int) -> None:
        self._previous = last_octet
        self._zero_run = 1 if last_octet == 0 else 0     # only a frame-0 octet can be 0 here
        self._bad_run = 0
        self.mf = (self.mf + count) % MULTIFRAME
