"""Line-level conditions found on the raw octet stream, before framing: LOS and AIS (G.775).

LOS: 32 consecutive all-zero octets (256 zero bits; G.775 allows 10..255 zero pulses) or no
octets at all (``force_los``); cleared by a 32-octet frame slot holding at least 12.5 % ones
(32 one bits). AIS: two consecutive 512-bit periods (2 frame slots, on even slot boundaries of
the stream) with fewer than 3 zeros; cleared by two consecutive periods with 3 or more zeros.
Both directions of the test are whole-array work; the per-period walk runs only when the
block could contain a change.
"""
from __future__ import annotations

import numpy as np

from firmware.e1 import accel

LOS_ZERO_OCTETS = 32
LOS_CLEAR_ONES = 32
AIS_MAX_ZEROS = 2
AIS_PERIODS = 2
_POPCOUNT = np.array([bin(v).count("1") for v in range(256)], np.int32)


class LineMonitor:
    """Tracks LOS and AIS over a stream; ``feed`` returns [(stream position, name, present)]."""

    def __init__(self) -> None:
        self.los = False
        self.ais = False
        self._zero_run = 0            # zero octets at the end of the stream so far
        self._half: int | None = None # zeros in the first slot of an unfinished AIS period
        self._ais_bad = 0
        self._ais_good = 0
        self._stats = accel.ffi.new("long[3]") if accel.available() else None   # None: numpy path

    def force_los(self) -> list[tuple[str, bool]]:
        """No octets at all: LOS now (and no AIS)."""
        changes = []
        if not self.los:
            self.los = True
            changes.append(("LOS", True))
        if self.ais:
            self.ais = False
            changes.append(("AIS", False))
        self._zero_run = LOS_ZERO_OCTETS
        self._half = None
        self._ais_bad = self._ais_good = 0
        return changes

    def feed(self, data: np.ndarray, stream_pos: int) -> list[tuple[int, str, bool]]:
        changes: list[tuple[int, str, bool]] = []
        if self._stats is not None:
            accel.lib.e1_line_stats(accel.ffi.from_buffer(data), data.size, self._stats)
            zero_octets, all_ones, trailing = self._stats[0], self._stats[1], self._stats[2]
            trailing = trailing + self._zero_run if trailing == data.size else trailing
        else:
            zero_octets = data.size - int(np.count_nonzero(data))
            all_ones = int(np.count_nonzero(data == 0xFF))
            trailing = None
        if not self.los and self._zero_run + zero_octets < LOS_ZERO_OCTETS:
            self._zero_run = _trailing_zeros(data, self._zero_run) if trailing is None else trailing
        else:
            self._walk_los(data, stream_pos, changes)
        if not self.ais and all_ones < 30:
            # every slot has 3+ non-0xFF octets, so 3+ zeros: no period can be AIS-like
            self._ais_bad = 0
            self._half = 3 if (stream_pos // 32 + data.size // 32) % 2 else None
        else:
            self._walk_ais(data, stream_pos, changes)
        return changes

    def _walk_los(self, data, stream_pos, changes) -> None:
        ones = _POPCOUNT[data].reshape(-1, 32).sum(axis=1)
        zero = data == 0
        i = 0
        while i < data.size:
            if not self.los:
                segment = zero[i:]
                index = np.arange(segment.size)
                last_nonzero = np.maximum.accumulate(np.where(segment, -1, index))
                run = np.where(last_nonzero < 0, index + 1 + self._zero_run, index - last_nonzero)
                hits = np.flatnonzero(run >= LOS_ZERO_OCTETS)
                if not hits.size:
                    self._zero_run = int(run[-1])
                    return
                i += int(hits[0])
                self.los = True
                changes.append((stream_pos + i, "LOS", True))
                i += 1
            else:
                first_slot = (i + 31) // 32
                good = np.flatnonzero(ones[first_slot:] >= LOS_CLEAR_ONES)
                if not good.size:
                    return
                slot = first_slot + int(good[0])
                self.los = False
                changes.append((stream_pos + slot * 32 + 31, "LOS", False))
                self._zero_run = _trailing_zeros(data[slot * 32:slot * 32 + 32], 0)
                i = slot * 32 + 32

    def _walk_ais(self, data, stream_pos, changes) -> None:
        zeros = 256 - _POPCOUNT[data].reshape(-1, 32).sum(axis=1)
        slot0 = stream_pos // 32
        for k, slot_zeros in enumerate(zeros.tolist()):
            if (slot0 + k) % 2 == 0:
                self._half = slot_zeros
                continue
            if self._half is None:
                continue
            period_zeros = self._half + slot_zeros
            self._half = None
            x = stream_pos + 32 * k + 31
            if period_zeros <= AIS_MAX_ZEROS:
                self._ais_bad += 1
                self._ais_good = 0
                if not self.ais and self._ais_bad >= AIS_PERIODS:
                    self.ais = True
                    changes.append((x, "AIS", True))
            else:
                self._ais_good += 1
                self._ais_bad = 0
                if self.ais and self._ais_good >= AIS_PERIODS:
                    self.ais = False
                    changes.append((x, "AIS", False))


def _trailing_zeros(data: np.ndarray, carry: int) -> int:
    nonzero = np.flatnonzero(data)
    return carry + data.size if not nonzero.size else data.size - 1 - int(nonzero[-1])
