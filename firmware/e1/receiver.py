"""The receive half of the software E1 framer: raw octets in, aligned frames and state out.

Per block the receiver first tries the steady path (``_steady_block``): frame, CRC-4 and CAS
multiframes aligned and the whole block confirming them. It checks that with whole-array
work (or one call of the C helper) and only then updates counters. Anything else (hunting,
errors, ABCD changes, alarms) goes through ``_walk``, which follows the rules frame by frame;
both apply the same rules, the steady path just proves that nothing but counting happens.

Frame alignment (G.706 4.1, facts in ts0.py): hunted at any octet offset (FAS, NFAS bit 2 =
1, FAS), lost after 3 consecutive errored FAS. A CRC-4 triggered re-search (crc4mf.py) starts
just after the assumed FAS without the consequences of a loss; if it finds nothing within 4
frames it becomes a real loss. RAI is the A bit, taken after 3 consecutive NFAS words agree.
TS16 CAS: cas.py; line conditions LOS/AIS: linecheck.py; alarm colours: alarms.py. A
controlled slip is counted when the CRC-4 or CAS multiframe is found again at another phase
while frame alignment held (a frame pair deleted or repeated upstream), once per 16 ms.

Event names: "frame alignment", "LOF", "LOS", "AIS", "RAI", "LMFA" (each also "... cleared"),
"CRC-4 multiframe alignment", "CRC-4 multiframe lost", "CRC-4 off (non-CRC-4 far end)",
"false CRC-4 alignment", "CAS multiframe alignment", "remote MF alarm",
"remote MF alarm cleared", "slip", and the colours "RED", "YELLOW", "BLUE" (+ " cleared").
"""
from __future__ import annotations

import numpy as np

from drivers.base import RxBlock, SpanCounters
from firmware.e1 import accel, ts0
from firmware.e1.alarms import AlarmTracker
from firmware.e1.cas import CasReceiver
from firmware.e1.crc4mf import WINDOW, Crc4Receiver
from firmware.e1.hdlc import HdlcReceiver
from firmware.e1.linecheck import LineMonitor

IDLE_OCTET = 0xD5                 # A-law idle, sent up while unaligned
REHUNT_LIMIT = 128                # a re-search that finds nothing in 4 frames is a real loss
RAI_AGREE = 3
SLIP_GUARD_FRAMES = 128           # CRC-4 and CAS multiframes both re-align after one slip: count it once
STEADY_MIN_FRAMES = 16            # smaller blocks always walk
_EMPTY = np.zeros(0, np.uint8)


class E1Receiver:
    """One direction of an E1 line, receiving side (see ``firmware.e1.framer`` for the API)."""

    def __init__(self, config) -> None:
        self.config = config
        self.counters = SpanCounters()
        self.align_offset: int | None = None   # stream offset (mod 32) of the latest frame alignment
        self._tracker = AlarmTracker({"LOF"})
        self._line = LineMonitor()
        self._hdlc = HdlcReceiver() if config.signalling == "ccs" else None
        self._crc = Crc4Receiver(config.crc4, self.counters, self._slip)
        self._cas = CasReceiver(config.cas_debounce_frames, self._slip) if config.signalling == "cas" else None
        self._now = 0                    # line time in frames
        self._end = 0                    # stream octets received
        self._buf = _EMPTY               # retained stream octets, from _buf_pos on
        self._buf_pos = 0
        self._pos = 0                    # next frame start (aligned) / next candidate (hunting)
        self._aligned = False
        self._rehunt_until: int | None = None   # stream limit of a CRC-4 triggered re-search
        self._rehunt_next = 0
        self._fas_next = True
        self._fas_err_run = 0
        self._frames_aligned = 0         # frames since the primary frame alignment
        self._last_slot = -1
        self._rai = False
        self._rai_run = 0
        self._slip_guard = -10**9
        self._accel = accel.available()
        if self._accel:
            self._c_in = accel.ffi.new("long[11]")
            self._c_out = accel.ffi.new("long[5]")

    # -- public --------------------------------------------------------------------------
    @property
    def alarms(self):
        return self._tracker.snapshot()

    @property
    def conditions(self) -> set[str]:
        return set(self._tracker.conditions)

    def has_condition(self, names) -> bool:
        """True if any of ``names`` is a raw condition now."""
        return not self._tracker.conditions.isdisjoint(names)

    @property
    def abcd(self) -> np.ndarray:
        return self._cas.abcd.reported.copy() if self._cas else np.zeros(32, np.uint8)

    @property
    def cas_found(self) -> bool:
        return bool(self._cas and self._cas.found)

    @property
    def remote_mf_alarm(self) -> bool:
        return bool(self._cas and self._cas.remote_mf_alarm)

    @property
    def crc4_active(self) -> bool:
        """CRC-4 multiframe aligned now."""
        return self._crc.active

    @property
    def crc4_found(self) -> bool:
        """CRC-4 multiframe aligned at some time."""
        return self._crc.found

    @property
    def ebits_to_send(self) -> int:
        return self._crc.ebits_to_send

    @property
    def hdlc_stats(self) -> dict[str, int]:
        h = self._hdlc
        return {} if h is None else {"frames_ok": h.frames_ok, "fcs_errors": h.fcs_errors,
                                     "aborts": h.aborts, "overruns": h.overruns, "short": h.short_frames}

    def take_ebits(self) -> int:
        """Errored SMFs found since the last call (each to be answered with an E bit = 0)."""
        taken, self._crc.ebits_to_send = self._crc.ebits_to_send, 0
        return taken

    def receive(self, octets) -> RxBlock:
        data = _as_octets(octets)
        if data.size % 32:
            raise ValueError(f"receive: {data.size} octets is not a whole number of 32-octet frames")
        count = data.size // 32
        if not count:
            return self._block(0, np.zeros((32, 0), np.uint8), [], [])
        self._base_x, self._base_t = self._end, self._now
        events: list[tuple[int, str]] = []
        changes: list[tuple[int, str, bool]] = []
        for x, name, present in self._line.feed(data, self._end):
            changes.append((self._time(x), name, present))
        buf = np.concatenate([self._buf, data]) if self._buf.size else data
        bp = self._buf_pos
        self._end += data.size
        voice = self._steady_block(buf, bp, count)
        if voice is not None:
            dchan = voice[self.config.dchan] if self._hdlc is not None else _EMPTY
        else:
            voice = np.full((32, count), IDLE_OCTET, np.uint8)
            dchan = self._walk(buf, bp, voice, events, changes)
        frames = []
        if self._hdlc is not None and dchan.size:
            frames = [content for content, ok in self._hdlc.feed(dchan) if ok]
        self._retain(buf, bp)
        block_events = self._settle(changes, events, count)
        self._now += count
        self.counters.frames += count
        return self._block(count, voice, frames, block_events)

    def no_signal(self, frames: int) -> list[tuple[int, str]]:
        """``frames`` of line time pass with no octets at all (cable pulled): LOS."""
        if frames <= 0:
            return []
        self._base_x, self._base_t = self._end, self._now
        events: list[tuple[int, str]] = []
        changes = [(self._now, name, present) for name, present in self._line.force_los()]
        if self._aligned or self._rehunt_until is not None:
            self._lose(self._end, changes)
        self._buf = _EMPTY
        self._buf_pos = self._pos = self._end
        self._now += frames
        return self._settle(changes, events, frames)

    # -- bookkeeping -------------------------------------------------------------------
    def _block(self, count, voice, frames, events) -> RxBlock:
        c = self.counters
        counters = SpanCounters(c.crc4_errors, c.fas_errors, c.ebit_errors, c.slips, c.bpv, c.frames)
        return RxBlock(frames=count, voice=voice, abcd=self.abcd, hdlc=frames,
                       alarms=self._tracker.snapshot(), counters=counters, events=events)

    def _time(self, x: int) -> int:
        """Line time (frame) of stream octet ``x`` of the current block."""
        return self._base_t + max(x - self._base_x, 0) // 32

    def _settle(self, changes, events, count) -> list[tuple[int, str]]:
        """Apply condition changes in time order; events relative to the block."""
        for t, name, present in sorted(changes, key=lambda c: c[0]):
            self._tracker.set(name, present, t, events)
        self._tracker.advance(self._base_t + count - 1, events)
        if not events:
            return events
        events.sort(key=lambda e: e[0])
        return [(min(max(t - self._base_t, 0), count - 1), name) for t, name in events]

    def _retain(self, buf: np.ndarray, bp: int) -> None:
        keep = min(self._pos - 64, self._crc.retain_from(self._pos))
        keep = min(max(keep, bp), self._end)
        self._buf = buf[keep - bp:].copy() if keep < self._end else _EMPTY
        self._buf_pos = keep

    def _slip(self, t: int, events) -> None:
        if t - self._slip_guard > SLIP_GUARD_FRAMES:
            self.counters.slips += 1
            events.append((t, "slip"))
        self._slip_guard = t

    # -- the steady path ---------------------------------------------------------------
    def _steady_block(self, buf: np.ndarray, bp: int, count: int) -> np.ndarray | None:
        """The block's voice if it only confirms the current alignment, else None (walk it)."""
        pos, cas = self._pos, self._cas
        if (not self._aligned or self._rehunt_until is not None or count < STEADY_MIN_FRAMES
                or self._rai_run or not self._crc.steady or (cas and not cas.aligned)
                or not self._base_x - 32 < pos <= self._base_x):
            return None
        check = self._check_c if self._accel else self._check_numpy
        checked = check(buf, bp, pos, count) if not cas or cas.steady else None
        changing = checked is None and bool(cas)
        if changing:               # ABCD bits change (or debounce): TS16 checked here instead
            checked = check(buf, bp, pos, count, with_cas=False)
            if checked is None or not cas.changing_block_ok(checked[0][16], count):
                return None
        if checked is None:
            return None
        voice, crc_result, cas_last = checked
        if self._crc.active:
            self._crc.apply_block(crc_result, count)
        if changing:
            cas.apply_changing_block(voice[16], count, self._base_t)
        elif cas:
            cas.apply_block(cas_last, count)
        self._fas_err_run = 0                     # count >= 16: the block holds good FAS words
        self._fas_next = self._fas_next ^ bool(count % 2)
        self._frames_aligned += count
        self._pos = pos + 32 * count
        self._last_slot = self._base_t + count - 1
        return voice

    def _check_numpy(self, buf, bp, pos, count, with_cas: bool = True):
        """(voice, CRC-4 result, last TS16 octet) if the block is steady, else None."""
        frames = buf[pos - bp:pos - bp + 32 * count].reshape(count, 32)
        column0 = frames[:, 0]
        first_fas = 0 if self._fas_next else 1
        if ((column0[first_fas::2] & ts0.FAS_MASK) != ts0.FAS).any():
            return None
        if ((column0[1 - first_fas::2] & ts0.A_BIT) != (ts0.A_BIT if self._rai else 0)).any():
            return None
        crc_result = None
        if self._crc.active:
            crc_result = self._crc.check_block(buf, bp, pos, column0, count)
            if crc_result is None:
                return None
        cas_last = None
        if self._cas and with_cas:
            cas_last = self._cas.check_block(frames[:, 16], count)
            if cas_last is None:
                return None
        return np.ascontiguousarray(frames.T), crc_result, cas_last

    def _check_c(self, buf, bp, pos, count, with_cas: bool = True):
        """The same checks in one pass of the C helper."""
        crc, cas = self._crc, self._cas
        args = self._c_in
        args[0] = pos - bp
        args[1] = count
        args[2] = 0 if self._fas_next else 1
        args[3] = self._rai
        args[4] = crc.active
        args[5] = crc.mf
        args[6] = crc.valid_from - bp
        args[7] = cas is not None and with_cas
        args[8] = cas.mf if cas else 0
        args[9] = cas.remote_mf_alarm if cas else 0
        args[10] = WINDOW - crc.window
        voice = np.empty((32, count), np.uint8)
        ffi, out = accel.ffi, self._c_out
        expected = cas.abcd.expected_c() if cas else ffi.NULL
        if accel.lib.e1_rx_steady(ffi.from_buffer(buf), buf.size, args, expected, ffi.from_buffer(voice), out):
            return None
        crc_result = (out[0], out[1], out[2], out[3])
        if crc.active and crc.would_declare_false(crc_result):
            return None
        return voice, crc_result, out[4]

    # -- the frame-by-frame path ---------------------------------------------------------
    def _walk(self, buf, bp, voice, events, changes) -> np.ndarray:
        """Follow the rules frame by frame over everything received; fill voice slots."""
        end = self._end
        x = self._pos
        dchan: list[int] = []
        while True:
            if not self._aligned:
                start = max(x, bp)
                found = ts0.find_alignment(buf[start - bp:end - bp])
                if found < 0:
                    x = max(start, end - 64)
                    if self._rehunt_until is not None and x >= self._rehunt_until:
                        self._lose(self._rehunt_until, changes)
                    break
                x = start + found
                if self._rehunt_until is not None and x > self._rehunt_until:
                    self._lose(self._rehunt_until, changes)
                self._acquire(x, events, changes)
            if x + 32 > end:
                break
            x = self._frame(buf, bp, x, voice, dchan, events, changes)
        self._pos = x
        return np.array(dchan, np.uint8) if dchan else _EMPTY

    def _acquire(self, x: int, events, changes) -> None:
        t = self._time(x + 64)
        self._aligned = True
        self._fas_next = True
        self._fas_err_run = 0
        self.align_offset = x % 32
        if self._rehunt_until is None:                    # a primary frame alignment
            events.append((t, "frame alignment"))
            changes.append((t, "LOF", False))
            self._frames_aligned = 0
            self._crc.primary_alignment(t)
            if self._cas:
                self._cas.reset()
            return
        self._rehunt_until = None                         # a CRC-4 triggered re-search succeeded
        skipped, misaligned = divmod(x - self._rehunt_next, 32)
        if self._cas:
            if misaligned or skipped < 0:
                self._cas.reset()
            else:                                         # the same alignment: keep the CAS multiframe
                self._cas.skip(skipped)
        self._frames_aligned += max(skipped, 0)
        self._crc.research(self._frames_aligned)

    def _lose(self, x: int, changes) -> None:
        t = self._time(x)
        if self._aligned or self._rehunt_until is not None:
            changes.append((t, "LOF", True))
        self._aligned = False
        self._rehunt_until = None
        self._crc.lost()
        if self._cas:
            self._cas.lost()
        changes.append((t, "LMFA", False))
        changes.append((t, "RAI", False))
        self._rai = False
        self._rai_run = 0
        if self._hdlc is not None:
            self._hdlc.reset()

    def _rehunt(self, x: int, fas_frame: bool) -> int:
        """Search frame alignment again from just after the assumed FAS (no LOF consequences)."""
        last_fas = x if fas_frame else x - 32
        self._rehunt_next = x            # frame x is left to the new alignment (TS16 not read yet)
        self._aligned = False
        self._rehunt_until = last_fas + 1 + REHUNT_LIMIT
        return last_fas + 1

    def _frame(self, buf, bp, x, voice, dchan, events, changes) -> int:
        """One aligned frame at stream position x; returns where to continue."""
        octet0 = int(buf[x - bp])
        t = self._time(x + 31)
        fas_frame = self._fas_next
        if fas_frame:
            if (octet0 & ts0.FAS_MASK) != ts0.FAS:
                self.counters.fas_errors += 1
                self._fas_err_run += 1
                if self._fas_err_run >= 3:
                    self._lose(x + 31, changes)
                    return x + 1
            else:
                self._fas_err_run = 0
        else:
            self._receive_a_bit(bool(octet0 & ts0.A_BIT), t, changes)
        self._fas_next = not fas_frame
        self._frames_aligned += 1
        action = self._crc.frame(buf, bp, x, octet0, fas_frame, t, self._frames_aligned, events)
        if action == "rehunt":
            return self._rehunt(x, fas_frame)
        if action == "false alignment":
            self._lose(x + 31, changes)
            return x + 1
        if self._cas:
            self._cas.frame(int(buf[x - bp + 16]), x, t, events, changes)
        slot = t - self._base_t
        if t > self._last_slot and slot >= 0:
            voice[:, slot] = buf[x - bp:x - bp + 32]
            self._last_slot = t
            if self._hdlc is not None:
                dchan.append(int(buf[x - bp + self.config.dchan]))
        return x + 32

    def _receive_a_bit(self, a_bit: bool, t: int, changes) -> None:
        if a_bit == self._rai:
            self._rai_run = 0
            return
        self._rai_run += 1
        if self._rai_run >= RAI_AGREE:
            self._rai = a_bit
            self._rai_run = 0
            changes.append((t, "RAI", a_bit))


def _as_octets(octets) -> np.ndarray:
    if isinstance(octets, np.ndarray):
        if octets.ndim == 1 and octets.dtype == np.uint8:
            return octets
        return octets.reshape(-1).astype(np.uint8, copy=False)
    return np.frombuffer(bytes(octets), dtype=np.uint8)
