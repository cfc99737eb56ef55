"""DahdiSpan: one E1 span of a DAHDI card (the Linux kernel frames the line), via cffi.

Address ``dahdi:N`` = kernel span N. Its channels are found from the kernel (DAHDI_SPANSTAT,
then DAHDI_GET_PARAMS on /dev/dahdi/ctl: spanno, chanpos, sigtype); chanpos n is timeslot n.
CAS channels (DAHDI_SIG_CAS) carry voice and ABCD bits; clear channels carry voice; an HDLC
channel (DAHDI_SIG_HDLCFCS/HARDHDLC) is the D-channel. Each channel is opened as
/dev/dahdi/channel + DAHDI_SPECIFY, set to 160-frame blocks, A-law, 4 buffers.

Per block one C call (dahdi_io.c) polls every voice channel and reads a block from each,
draining pending events (the ELAST rule); received ABCD bits are fetched only for channels
that reported DAHDI_EVENT_BITSCHANGED; alarms and counters come from DAHDI_SPANSTAT.
ABCD debouncing is the card's: ``cas_debounce_ms`` is not applied again here. DAHDI reports
no raw AIS/RAI, so ``alarms().detail`` holds LOS/LOF/LMFA as the kernel flags them and
AIS/RAI only once BLUE/YELLOW are raised. DAHDI has no slip counter: ``slips`` stays 0.

Events (frame 0 of the block, DAHDI gives no position): "RED", "RED cleared" (likewise
YELLOW, BLUE) when the colours change, and "TSn ABORT"/"TSn BADFCS"/"TSn OVERRUN" from the
D-channel.
"""
from __future__ import annotations

import errno
import os

import numpy as np

from drivers.base import (FRAMES_PER_BLOCK, TIMESLOTS, RxBlock, Span, SpanAlarms, SpanConfig,
                          SpanCounters)

BLOCK = FRAMES_PER_BLOCK
IDLE = 0xD5                     # A-law silence, also what a missing block is filled with
MAX_CHANNELS = 1024             # DAHDI_MAX_CHANNELS
MAX_EVENTS = 256
HDLC_MRU = 2048                 # largest D-channel read (DAHDI's default MRU)
ENV_STATE = "E1DESK_DAHDI_EMU"
ENV_SHIM = "E1DESK_DAHDI_EMU_SHIM"


class DahdiError(OSError):
    """A DAHDI call failed; the message names the device or channel and the reason."""


def _lib():
    from drivers.dahdi._dahdi import ffi, lib
    return ffi, lib


def parse_address(address: str) -> int:
    """Kernel span number of a ``dahdi:N`` address."""
    kind, _, number = address.partition(":")
    if kind != "dahdi" or not number.isdigit() or not 1 <= int(number) <= 128:
        raise ValueError(f"address: {address!r} is not dahdi:N with N a span number 1..128")
    return int(number)


def use_emulation_if_asked() -> bool:
    """Route DAHDI calls through the userspace emulation when the environment names one.

    A process started with the shim preloaded needs nothing (libc calls are interposed);
    any other process (a test runner) dlopens the shim named by E1DESK_DAHDI_EMU_SHIM.
    """
    shim = os.environ.get(ENV_SHIM)
    if not os.environ.get(ENV_STATE) or not shim:
        return False
    if shim in os.environ.get("LD_PRELOAD", "").split():
        return True
    _, lib = _lib()
    if lib.e1d_use_emulation(shim.encode()) != 0:
        raise DahdiError(f"{ENV_SHIM}: cannot load the DAHDI emulation {shim}")
    return True


class DahdiSpan(Span):
    """A kernel DAHDI span (see module docstring)."""

    def __init__(self, config: SpanConfig):
        super().__init__(config)
        self.spanno = parse_address(config.address)
        self._ctl = -1
        self._voice: list[tuple[int, int, int, int]] = []     # (fd, timeslot, channo, sigtype)
        self._dchan: tuple[int, int, int] | None = None       # (fd, timeslot, channo)
        self._cas_ts: np.ndarray = np.zeros(0, dtype=np.intp)
        self._sent_abcd = np.zeros(TIMESLOTS, dtype=np.uint8)
        self._rx_abcd = np.zeros(TIMESLOTS, dtype=np.uint8)
        self._hdlc_out: list[bytes] = []
        self._colours = SpanAlarms()
        self._counters = SpanCounters()
        self._frames = 0
        self.missed_blocks = 0                                 # channel blocks filled with idle
        self.dropped_writes = 0                                # channel blocks the kernel refused

    # -- life cycle ------------------------------------------------------------------------
    def open(self) -> None:
        if self._ctl >= 0:
            return
        ffi, lib = _lib()
        self._ffi, self._c = ffi, lib
        use_emulation_if_asked()
        fd = lib.e1d_open(b"/dev/dahdi/ctl")
        if fd < 0:
            raise DahdiError(-fd, f"/dev/dahdi/ctl: {os.strerror(-fd)} (is the dahdi module loaded?)")
        self._ctl = fd
        try:
            info = self._spanstat()
            for channo, chanpos, sigtype in self._find_channels(info.numchans or info.totalchans):
                self._open_channel(channo, chanpos, sigtype)
            if not self._voice and not self._dchan:
                raise DahdiError(errno.ENODEV, f"span {self.spanno}: no configured channels (run dahdi_cfg)")
            self._setup_buffers()
        except Exception:
            self.close()
            raise

    def _spanstat(self):
        info = self._ffi.new("struct dahdi_spaninfo *")
        info.spanno = self.spanno
        rc = self._c.e1d_ioctl(self._ctl, self._c.DAHDI_SPANSTAT, info)
        if rc < 0:
            raise DahdiError(-rc, f"span {self.spanno}: DAHDI_SPANSTAT: {os.strerror(-rc)}")
        return info

    def _find_channels(self, expected: int) -> list[tuple[int, int, int]]:
        """(channo, chanpos, sigtype) of the configured channels of our span, from the kernel."""
        params = self._ffi.new("struct dahdi_params *")
        found = []
        for channo in range(1, MAX_CHANNELS + 1):
            params.channo = channo
            if self._c.e1d_ioctl(self._ctl, self._c.DAHDI_GET_PARAMS, params) < 0:
                continue
            if params.spanno == self.spanno and params.sigtype != self._c.DAHDI_SIG_NONE:
                found.append((channo, params.chanpos, params.sigtype))
                if len(found) == expected:
                    break
            elif found and params.spanno > self.spanno:
                break
        return found

    def _is_hdlc(self, sigtype: int) -> bool:
        c = self._c
        return (sigtype & c.DAHDI_SIG_HDLCRAW) == c.DAHDI_SIG_HDLCRAW or sigtype == c.DAHDI_SIG_HARDHDLC

    def _open_channel(self, channo: int, chanpos: int, sigtype: int) -> None:
        c = self._c
        if not 1 <= chanpos < TIMESLOTS:
            raise DahdiError(errno.EINVAL, f"channel {channo}: position {chanpos} is not an E1 timeslot")
        fd = c.e1d_open_channel(channo)
        if fd < 0:
            raise DahdiError(-fd, f"channel {channo} (span {self.spanno} TS{chanpos}): open: {os.strerror(-fd)}")
        hdlc = self._is_hdlc(sigtype)
        if hdlc:
            self._dchan = (fd, chanpos, channo)
        else:
            self._voice.append((fd, chanpos, channo, sigtype))
        self._int_ioctl(fd, channo, "DAHDI_SET_BLOCKSIZE", HDLC_MRU if hdlc else BLOCK)
        if not hdlc:
            self._int_ioctl(fd, channo, "DAHDI_SETLAW", c.DAHDI_LAW_ALAW)
        buf = self._ffi.new("struct dahdi_bufferinfo *")
        buf.txbufpolicy = buf.rxbufpolicy = c.DAHDI_POLICY_IMMEDIATE
        buf.numbufs = 8 if hdlc else 4
        buf.bufsize = HDLC_MRU if hdlc else BLOCK
        self._check(c.e1d_ioctl(fd, c.DAHDI_SET_BUFINFO, buf), channo, "DAHDI_SET_BUFINFO")
        params = self._ffi.new("struct dahdi_params *")
        self._check(c.e1d_ioctl(fd, c.DAHDI_GET_PARAMS, params), channo, "DAHDI_GET_PARAMS")
        if (params.spanno, params.chanpos) != (self.spanno, chanpos):
            raise DahdiError(errno.EIO, f"channel {channo}: kernel says span {params.spanno} "
                                        f"position {params.chanpos}, expected {self.spanno}/{chanpos}")

    def _int_ioctl(self, fd: int, channo: int, name: str, value: int) -> int:
        box = self._ffi.new("int *", value)
        self._check(self._c.e1d_ioctl(fd, getattr(self._c, name), box), channo, name)
        return box[0]

    @staticmethod
    def _check(rc: int, channo: int, what: str) -> None:
        if rc < 0:
            raise DahdiError(-rc, f"channel {channo}: {what}: {os.strerror(-rc)}")

    def _setup_buffers(self) -> None:
        ffi, c = self._ffi, self._c
        n = len(self._voice)
        self._fds = ffi.new("int[]", [fd for fd, *_ in self._voice] or [0])
        self._n = n
        self._ts = np.array([ts for _, ts, _, _ in self._voice], dtype=np.intp)
        cas = [(fd, ts, ch) for fd, ts, ch, sig in self._voice if sig == c.DAHDI_SIG_CAS]
        self._cas = {i: (fd, ts, ch) for i, (fd, ts, ch, sig) in enumerate(self._voice) if sig == c.DAHDI_SIG_CAS}
        self._cas_ts = np.array([ts for _, ts, _ in cas], dtype=np.intp)
        self._rxbuf = ffi.new("unsigned char[]", max(n, 1) * BLOCK)
        self._rxview = np.frombuffer(ffi.buffer(self._rxbuf), dtype=np.uint8).reshape(max(n, 1), BLOCK)
        self._txbuf = ffi.new("unsigned char[]", max(n, 1) * BLOCK)
        self._txview = np.frombuffer(ffi.buffer(self._txbuf), dtype=np.uint8).reshape(max(n, 1), BLOCK)
        self._got = ffi.new("int[]", max(n, 1))
        self._ev_chan = ffi.new("int[]", MAX_EVENTS)
        self._ev_code = ffi.new("int[]", MAX_EVENTS)
        self._nev = ffi.new("int *")
        self._hbuf = ffi.new("unsigned char[]", HDLC_MRU + 2)
        self._abcd_box = ffi.new("int *")
        for i, (fd, ts, ch) in self._cas.items():
            self._rx_abcd[ts] = self._get_rxbits(fd, ch)
            self._send_txbits(fd, ts, ch)

    def discard_backlog(self) -> None:
        """Flush what the voice channels queued since open() (the daemon boots in between):
        read whole, that backlog would put every later write as many blocks ahead of the
        line, a delay that never goes away."""
        if self._ctl < 0:
            return
        c = self._c
        how = self._ffi.new("int *", c.DAHDI_FLUSH_READ | c.DAHDI_FLUSH_WRITE)
        for fd, *_ in self._voice:
            rc = c.e1d_ioctl(fd, c.DAHDI_FLUSH, how)
            if rc < 0:
                raise DahdiError(-rc, f"span {self.spanno}: DAHDI_FLUSH: {os.strerror(-rc)}")

    def close(self) -> None:
        if self._ctl < 0:
            return
        for fd, *_ in self._voice:
            self._c.e1d_close(fd)
        if self._dchan:
            self._c.e1d_close(self._dchan[0])
        self._c.e1d_close(self._ctl)
        self._ctl = -1
        self._voice, self._dchan = [], None

    def fileno(self) -> int:
        return self._voice[0][0] if self._voice else -1

    # -- CAS bits -----------------------------------------------------------------------------
    def _get_rxbits(self, fd: int, channo: int) -> int:
        rc = self._c.e1d_ioctl(fd, self._c.DAHDI_GETRXBITS, self._abcd_box)
        self._check(rc, channo, "DAHDI_GETRXBITS")
        return self._abcd_box[0] & self._c.DAHDI_ABCD_MASK

    def _send_txbits(self, fd: int, ts: int, channo: int) -> None:
        self._abcd_box[0] = int(self.tx_abcd[ts]) & self._c.DAHDI_ABCD_MASK
        self._check(self._c.e1d_ioctl(fd, self._c.DAHDI_SETTXBITS, self._abcd_box), channo, "DAHDI_SETTXBITS")
        self._sent_abcd[ts] = self._abcd_box[0]

    def _flush_txbits(self) -> None:
        changed = np.flatnonzero(self.tx_abcd[self._cas_ts] != self._sent_abcd[self._cas_ts])
        if changed.size:
            by_ts = {ts: (fd, ch) for fd, ts, ch in self._cas.values()}
            for ts in self._cas_ts[changed]:
                fd, ch = by_ts[int(ts)]
                self._send_txbits(fd, int(ts), ch)

    # -- per block ----------------------------------------------------------------------------
    def read(self, timeout: float | None = None) -> RxBlock | None:
        if self._ctl < 0:
            raise DahdiError(errno.EBADF, f"span {self.spanno}: read on a closed span")
        c = self._c
        self._flush_txbits()
        ms = -1 if timeout is None else max(0, int(timeout * 1000))
        events: list[tuple[int, str]] = []
        bits_changed: set[int] = set()
        if self._n:
            done = c.e1d_read_span(self._fds, self._n, self._rxbuf, BLOCK, ms, self._got,
                                   self._ev_chan, self._ev_code, MAX_EVENTS, self._nev)
            if done < 0:
                raise DahdiError(-done, f"span {self.spanno}: reading channels: {os.strerror(-done)}")
            self._collect(self._nev[0], bits_changed, events)
            if done == 0:
                self._read_dchannel(events)
                return None
            got = np.frombuffer(self._ffi.buffer(self._got, 4 * self._n), dtype=np.int32)
            short = got != BLOCK
            if short.any():
                self._rxview[short] = IDLE
                self.missed_blocks += int(short.sum())
        voice = np.zeros((TIMESLOTS, BLOCK), dtype=np.uint8)
        voice[self._ts] = self._rxview[:self._n]
        for i in bits_changed:
            fd, ts, ch = self._cas[i]
            self._rx_abcd[ts] = self._get_rxbits(fd, ch)
        hdlc = self._read_dchannel(events)
        self._frames += BLOCK
        self._refresh_status(events)
        return RxBlock(frames=BLOCK, voice=voice, abcd=self._rx_abcd.copy(), hdlc=hdlc,
                       alarms=self._colours, counters=self._counters, events=events)

    def _collect(self, nev: int, bits_changed: set[int], events: list, ts_of=None) -> None:
        c = self._c
        for k in range(nev):
            idx, code = self._ev_chan[k], self._ev_code[k]
            if code == c.DAHDI_EVENT_BITSCHANGED and idx in self._cas:
                bits_changed.add(idx)
            elif code in (c.DAHDI_EVENT_ABORT, c.DAHDI_EVENT_BADFCS, c.DAHDI_EVENT_OVERRUN) and ts_of:
                name = {c.DAHDI_EVENT_ABORT: "ABORT", c.DAHDI_EVENT_BADFCS: "BADFCS",
                        c.DAHDI_EVENT_OVERRUN: "OVERRUN"}[code]
                events.append((0, f"TS{ts_of} {name}"))
            # ALARM/NOALARM: the colours are read from DAHDI_SPANSTAT every block

    def _read_dchannel(self, events: list) -> list[bytes]:
        """D-channel frames waiting now; each read carries the frame plus 2 FCS bytes."""
        if not self._dchan:
            return []
        c = self._c
        fd, ts, _ = self._dchan
        frames = []
        for _ in range(64):
            n = c.e1d_read(fd, self._hbuf, HDLC_MRU + 2)
            if n == -c.ELAST:
                nev = c.e1d_get_events(fd, 0, self._ev_chan, self._ev_code, MAX_EVENTS)
                self._collect(nev, set(), events, ts_of=ts)
                continue
            if n < 0:
                break
            if n > 2:
                frames.append(bytes(self._ffi.buffer(self._hbuf, n - 2)))
        for frame in self._hdlc_out:
            self._write_dchannel(frame)
        self._hdlc_out.clear()
        return frames

    def _write_dchannel(self, frame: bytes) -> None:
        c = self._c
        fd, ts, channo = self._dchan
        data = frame + b"\0\0"                       # 2 placeholder bytes: the kernel puts the FCS
        for _ in range(2):
            n = c.e1d_write(fd, data, len(data))
            if n == -c.ELAST:
                nev = c.e1d_get_events(fd, 0, self._ev_chan, self._ev_code, MAX_EVENTS)
                self._collect(nev, set(), [], ts_of=ts)
                continue
            if n < 0:
                self.dropped_writes += 1
            return

    def _refresh_status(self, events: list) -> None:
        c = self._c
        info = self._spanstat()
        bits = info.alarms
        red, yellow, blue = (bool(bits & c.DAHDI_ALARM_RED), bool(bits & c.DAHDI_ALARM_YELLOW),
                             bool(bits & c.DAHDI_ALARM_BLUE))
        detail = {name for flag, name in ((c.DAHDI_ALARM_LOS, "LOS"), (c.DAHDI_ALARM_LFA, "LOF"),
                                          (c.DAHDI_ALARM_LMFA, "LMFA")) if bits & flag}
        if blue:
            detail.add("AIS")
        if yellow:
            detail.add("RAI")
        old = self._colours
        for name, was, now in (("RED", old.red, red), ("YELLOW", old.yellow, yellow), ("BLUE", old.blue, blue)):
            if was != now:
                events.append((0, name if now else f"{name} cleared"))
        if (red, yellow, blue, detail) != (old.red, old.yellow, old.blue, old.detail):
            self._colours = SpanAlarms(red=red, yellow=yellow, blue=blue, detail=frozenset(detail))
        self._counters = SpanCounters(crc4_errors=info.crc4count, fas_errors=info.fascount,
                                      ebit_errors=info.ebitcount, slips=0, bpv=info.bpvcount,
                                      frames=self._frames)

    def write(self, voice: np.ndarray) -> None:
        if self._ctl < 0:
            raise DahdiError(errno.EBADF, f"span {self.spanno}: write on a closed span")
        if voice.shape != (TIMESLOTS, BLOCK) or voice.dtype != np.uint8:
            raise ValueError(f"voice: expected uint8 {(TIMESLOTS, BLOCK)}, got {voice.dtype} {voice.shape}")
        self._flush_txbits()
        if not self._n:
            return
        c = self._c
        self._txview[:self._n] = voice[self._ts]
        ok = c.e1d_write_span(self._fds, self._n, self._txbuf, BLOCK, self._got,
                              self._ev_chan, self._ev_code, MAX_EVENTS, self._nev)
        self.dropped_writes += self._n - ok
        if self._nev[0]:
            bits_changed: set[int] = set()
            self._collect(self._nev[0], bits_changed, [])
            for i in bits_changed:
                fd, ts, ch = self._cas[i]
                self._rx_abcd[ts] = self._get_rxbits(fd, ch)

    # -- state between blocks -------------------------------------------------------------------
    def send_hdlc(self, frame: bytes) -> None:
        if not self._dchan:
            raise NotImplementedError(f"span {self.spanno} has no D-channel configured in DAHDI")
        if not frame or len(frame) > HDLC_MRU - 2:
            raise ValueError(f"frame: length {len(frame)} is outside 1..{HDLC_MRU - 2}")
        self._hdlc_out.append(bytes(frame))

    def alarms(self) -> SpanAlarms:
        if self._ctl >= 0:
            self._refresh_status([])
        return self._colours

    def counters(self) -> SpanCounters:
        if self._ctl >= 0:
            self._refresh_status([])
        return self._counters

    @property
    def channels(self) -> dict[int, int]:
        """Timeslot -> kernel channel number, as found at open()."""
        found = {ts: ch for _, ts, ch, _ in self._voice}
        if self._dchan:
            found[self._dchan[1]] = self._dchan[2]
        return found
