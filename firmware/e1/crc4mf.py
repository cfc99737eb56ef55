"""CRC-4 multiframe procedures of an E1 receiver (G.706 4.2, 4.3 and Annex B).

- Search: bit 1 of the NFAS frames is shifted through a 6-bit register; the multiframe is
  aligned when the pattern 001011 (frames 1..11) has been seen twice, a multiple of 16 frames
  (2 ms) apart, within 8 ms of the start of the search. Otherwise the receiver's frame
  alignment is taken as spurious and searched again (``frame`` returns "rehunt"), unless 400 ms
  have passed since the primary frame alignment: then the far end is taken as non-CRC-4
  equipment and CRC-4 processing stops ("CRC-4 off (non-CRC-4 far end)").
- Monitoring: the C bits of each sub-multiframe (SMF) are compared with the CRC-4 of the
  previous one; an errored SMF counts in ``crc4_errors`` and asks for one E bit = 0. E bits
  received as 0 count in ``ebit_errors``. 915 or more errored SMFs in a window of 1000 mean
  false frame alignment (``frame`` returns "false alignment"). Two consecutive multiframes
  with an errored MFAS drop the multiframe and start a new search.
- A new alignment at another phase while frame alignment held calls ``on_slip``.
"""
from __future__ import annotations

import numpy as np

from firmware.e1 import ts0
from firmware.e1.crc4 import SMF_OCTETS, crc4_smf

SEARCH_FRAMES = 64            # 8 ms
INTERWORK_FRAMES = 3200       # 400 ms (G.706 Annex B)
WINDOW = 1000
FALSE_ALIGNMENT = 915
C_OFFSETS = np.array([0, 64, 128, 192])


def c_bits_at(buf: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """C1..C4 (as 4-bit numbers) of the SMFs starting at buffer indexes ``starts``."""
    bits = buf[starts[:, None] + C_OFFSETS] >> 7
    return ((bits[:, 0] << 3) | (bits[:, 1] << 2) | (bits[:, 2] << 1) | bits[:, 3]).astype(np.uint8)


class Crc4Receiver:
    """State of the CRC-4 multiframe at a receiver; see the module docstring."""

    def __init__(self, enabled: bool, counters, on_slip) -> None:
        self.enabled = enabled
        self.counters = counters
        self.on_slip = on_slip          # on_slip(t, events)
        self.found = False              # aligned at some time
        self.phase: int | None = None   # stream position of a multiframe start, mod 512
        self.ebits_to_send = 0
        self.started = 0                # line time of the primary frame alignment (400 ms timer)
        self.reset()

    def reset(self) -> None:
        self.searching = self.enabled
        self.active = False
        self.mf = 0                     # multiframe position of the next frame (when active)
        self._history = 0
        self._match: int | None = None
        self._search_start = 0
        self.valid_from = 0             # first stream position of an SMF that may be checked
        self._mf_bad = False
        self._mf_bad_run = 0
        self.window = 0
        self.window_errors = 0

    def primary_alignment(self, t: int) -> None:
        self.reset()
        self.started = t

    def lost(self) -> None:
        self.reset()
        self.phase = None

    def research(self, frames_aligned: int) -> None:
        """A re-search found frame alignment again: search the multiframe afresh."""
        self._history = 0
        self._match = None
        self._search_start = frames_aligned

    @property
    def steady(self) -> bool:
        """Nothing pending that needs the frame-by-frame walk."""
        return not self.searching and not self._mf_bad and not self._mf_bad_run

    def retain_from(self, pos: int) -> int:
        """Oldest stream position still needed: the SMF before the one in progress."""
        return pos - 32 * (self.mf % 8) - SMF_OCTETS if self.active else pos

    # -- frame by frame -------------------------------------------------------------------
    def frame(self, buf, bp, x, octet0, fas_frame, t, frames_aligned, events) -> str | None:
        """Bit 1 of TS0 of the aligned frame at stream position x; returns an action or None."""
        if self.searching:
            return self._search(x, octet0, fas_frame, t, frames_aligned, events)
        if not self.active:
            return None
        position = self.mf
        self.mf = (position + 1) % ts0.MULTIFRAME
        bit1 = octet0 >> 7
        if position % 2:
            if position <= 11:
                self._mf_bad |= bit1 != ts0.MFAS_EXPECTED[position]
            elif bit1 == 0:
                self.counters.ebit_errors += 1
            if position == 15:
                self._mf_bad_run = self._mf_bad_run + 1 if self._mf_bad else 0
                self._mf_bad = False
                if self._mf_bad_run >= 2:
                    events.append((t, "CRC-4 multiframe lost"))
                    self.reset()
                    self._search_start = frames_aligned
                    self.started = t
        elif position in (6, 14):
            smf = x - 192
            previous = smf - SMF_OCTETS
            if previous >= self.valid_from and previous >= bp:
                computed = int(crc4_smf(buf[previous - bp:smf - bp])[0])
                errored = computed != int(c_bits_at(buf, np.array([smf - bp]))[0])
                self.counters.crc4_errors += errored
                self.ebits_to_send += errored
                self.window += 1
                self.window_errors += errored
                if self.window >= WINDOW:
                    false_alignment = self.window_errors >= FALSE_ALIGNMENT
                    self.window = self.window_errors = 0
                    if false_alignment:
                        events.append((t, "false CRC-4 alignment"))
                        return "false alignment"
        return None

    def _search(self, x, octet0, fas_frame, t, frames_aligned, events) -> str | None:
        if not fas_frame:
            self._history = ((self._history << 1) | (octet0 >> 7)) & 0x3F
            if self._history == ts0.MFAS_PATTERN:
                if self._match is not None and (frames_aligned - self._match) % 16 == 0:
                    self._aligned(x, t, events)
                    return None
                self._match = frames_aligned
        if frames_aligned - self._search_start >= SEARCH_FRAMES:
            if t - self.started >= INTERWORK_FRAMES:
                self.searching = False
                events.append((t, "CRC-4 off (non-CRC-4 far end)"))
                return None
            return "rehunt"
        return None

    def _aligned(self, x: int, t: int, events) -> None:
        mf_start = x - 11 * 32          # x is frame 11 of the multiframe
        self.searching = False
        self.active = self.found = True
        self.mf = 12
        self.valid_from = mf_start + 512
        self.window = self.window_errors = 0
        self._mf_bad = False
        self._mf_bad_run = 0
        events.append((t, "CRC-4 multiframe alignment"))
        phase = mf_start % 512
        if self.phase is not None and phase != self.phase:
            self.on_slip(t, events)
        self.phase = phase

    # -- whole blocks ----------------------------------------------------------------------
    def check_block(self, buf, bp, pos, column0, count):
        """(checks, errors, errors within the window's room, E bits = 0) if the block is steady, else None."""
        position = (self.mf + np.arange(count)) % ts0.MULTIFRAME
        expected = ts0.MFAS_EXPECTED[position]
        bit1 = column0 >> 7
        mfas = expected >= 0
        if (bit1[mfas] != expected[mfas]).any():
            return None
        ebit_zeros = int(np.count_nonzero(bit1[(position == 13) | (position == 15)] == 0))
        check_frames = np.flatnonzero((position == 6) | (position == 14))
        if not check_frames.size:
            return 0, 0, 0, ebit_zeros
        smf_starts = pos + 32 * check_frames - 192          # SMFs whose C bits end in this block
        first_previous = int(smf_starts[0]) - SMF_OCTETS
        if first_previous < self.valid_from or first_previous < bp:
            return None
        k = check_frames.size
        previous = buf[first_previous - bp:first_previous - bp + SMF_OCTETS * k].reshape(k, SMF_OCTETS)
        errored = crc4_smf(previous) != c_bits_at(buf, smf_starts - bp)
        room = WINDOW - self.window
        errors_in_room = int(np.count_nonzero(errored[:room]))
        result = (k, int(np.count_nonzero(errored)), errors_in_room, ebit_zeros)
        return None if self.would_declare_false(result) else result

    def would_declare_false(self, result) -> bool:
        checks, _, errors_in_room, _ = result
        return checks >= WINDOW - self.window and self.window_errors + errors_in_room >= FALSE_ALIGNMENT

    def apply_block(self, result, count: int) -> None:
        """Count a steady block's results (from ``check_block`` or the C helper)."""
        checks, errors, errors_in_room, ebit_zeros = result
        self.counters.crc4_errors += errors
        self.counters.ebit_errors += ebit_zeros
        self.ebits_to_send += errors
        room = WINDOW - self.window
        if checks >= room:
            self.window = checks - room
            self.window_errors = errors - errors_in_room
        else:
            self.window += checks
            self.window_errors += errors
        self.mf = (self.mf + count) % ts0.MULTIFRAME
