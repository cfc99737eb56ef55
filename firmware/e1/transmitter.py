"""The transmit half of the software E1 framer: voice (32, n) in, n framed E1 frames out.

Builds TS0 (FAS/NFAS, Si/Sa = 1, A bit, CRC-4 multiframe with C and E bits) and TS16 (CAS
multiframe from ``abcd`` or HDLC from the D-channel queue) over the caller's voice, keeping the
multiframe position across calls. CRC-4 and CAS multiframes start on the same frame.
Everything is whole-array work per block: TS0/TS16 octets come from 16-entry patterns indexed
by multiframe position, C bits from ``crc4_smf`` over whole sub-multiframes.
"""
from __future__ import annotations

import numpy as np

from firmware.e1 import accel, cas, ts0
from firmware.e1.crc4 import SMF_OCTETS, crc4_smf
from firmware.e1.hdlc import HdlcTransmitter

AIS_OCTET = 0xFF


class E1Transmitter:
    """One direction of an E1 line, sending side (see ``firmware.e1.framer`` for the API)."""

    def __init__(self, config) -> None:
        self.config = config
        self.abcd = np.full(32, config.cas_idle & 0xF, dtype=np.uint8)
        self.force_rai = False           # send the A bit (remote alarm) on request
        self.auto_rai = False            # set by E1Port while its receiver is in LOS/LOF/AIS
        self.ais = False                 # send all ones
        self.remote_mf_alarm = False     # the y bit of TS16 frame 0 (CAS)
        self.ebits_pending = 0           # E bits still to send as 0 (errored SMFs received)
        self.frames_sent = 0
        self._hdlc = HdlcTransmitter() if config.signalling == "ccs" else None
        self._mf_pos = 0                 # multiframe position of the next frame
        self._tail = np.zeros(SMF_OCTETS, np.uint8)   # sent octets of the unfinished SMF (32 * (mf_pos % 8))
        self._last_crc = 0               # CRC-4 of the last finished SMF
        self._index_cache: dict[tuple[int, int], tuple[np.ndarray, ...]] = {}
        self._patterns: dict[object, tuple[np.ndarray, object]] = {}
        self._signalling_code = {"none": 0, "cas": 1, "ccs": 2}[config.signalling]
        self._accel = accel.available()
        if self._accel:
            self._c_params = accel.ffi.new("int[7]")
            self._c_tail = accel.ffi.from_buffer(self._tail)

    def send_hdlc(self, frame: bytes) -> None:
        """Queue one D-channel frame; the framer appends the FCS."""
        if self._hdlc is None:
            raise ValueError(f"send_hdlc: signalling is {self.config.signalling!r}, not 'ccs'")
        self._hdlc.send(bytes(frame))

    @property
    def rai(self) -> bool:
        return self.force_rai or self.auto_rai

    def transmit(self, voice: np.ndarray) -> np.ndarray:
        voice = np.asarray(voice)
        if voice.ndim != 2 or voice.shape[0] != 32 or voice.shape[1] < 1:
            raise ValueError(f"transmit voice: shape {voice.shape}, expected (32, n) with n >= 1")
        count = voice.shape[1]
        if self.ais:
            self._advance(count, None)
            return np.full(count * 32, AIS_OCTET, np.uint8)
        if self._accel:
            return self._transmit_c(voice, count)
        frames = np.empty((count, 32), np.uint8)
        frames[:] = voice.T
        position, c_smf, c_shift, e_index = self._indices(count)
        frames[:, 0] = ts0.tx_pattern(self.config.crc4, self.rai)[position]
        if self.config.crc4 and self.ebits_pending and e_index.size:
            cleared = e_index[:self.ebits_pending]
            frames[cleared, 0] &= ~np.uint8(ts0.BIT1)
            self.ebits_pending -= cleared.size
        signalling = self.config.signalling
        if signalling == "cas":
            frames[:, 16] = cas.tx_pattern(self.abcd, self.config.cas_idle, self.remote_mf_alarm)[position]
        elif signalling == "ccs":
            frames[:, self.config.dchan] = self._hdlc.octets(count)
        flat = frames.reshape(-1)
        self._advance(count, flat if self.config.crc4 else None, c_smf, c_shift)
        return flat

    # -- internals ------------------------------------------------------------------------
    def _pattern(self, kind: str) -> tuple[np.ndarray, object]:
        """TS0 or TS16 pattern for the current state, cached with its C pointer."""
        if kind == "ts0":
            key = self.rai
        else:
            key = (self.abcd.tobytes(), self.remote_mf_alarm)
        found = self._patterns.get(key)
        if found is None:
            array = (ts0.tx_pattern(self.config.crc4, self.rai) if kind == "ts0"
                     else cas.tx_pattern(self.abcd, self.config.cas_idle, self.remote_mf_alarm))
            found = (array, accel.ffi.from_buffer(array))
            if len(self._patterns) > 256:
                self._patterns.clear()
            self._patterns[key] = found
        return found

    def _transmit_c(self, voice: np.ndarray, count: int) -> np.ndarray:
        ffi, lib = accel.ffi, accel.lib
        if voice.dtype != np.uint8 or not voice.flags.c_contiguous:
            voice = np.ascontiguousarray(voice, dtype=np.uint8)
        out = np.empty(count * 32, np.uint8)
        params = self._c_params
        params[0] = self._mf_pos
        params[1] = self.config.crc4
        params[2] = self._signalling_code
        params[3] = self.config.dchan
        params[4] = self.ebits_pending
        params[5] = self._last_crc
        dchan = ffi.NULL
        if self._hdlc is not None:
            dchan_octets = self._hdlc.octets(count)
            dchan = ffi.from_buffer(dchan_octets)
        ts16 = self._pattern("cas")[1] if self._signalling_code == 1 else ffi.NULL
        used = lib.e1_tx_block(ffi.from_buffer(voice), voice.strides[0], count, ffi.from_buffer(out), params,
                               self._pattern("ts0")[1], ts16, dchan, self._c_tail)
        self.ebits_pending -= used
        if self.config.crc4:
            self._last_crc = params[5]
        else:
            self._last_crc = 0
            self._tail[:] = 0
        self._mf_pos = (self._mf_pos + count) % ts0.MULTIFRAME
        self.frames_sent += count
        return out

    def _indices(self, count: int) -> tuple[np.ndarray, ...]:
        """Per-frame multiframe position, C-bit SMF index/shift, E-bit frames (cached)."""
        key = (self._mf_pos, count)
        cached = self._index_cache.get(key)
        if cached is None:
            position = (self._mf_pos + np.arange(count)) % ts0.MULTIFRAME
            in_smf = self._mf_pos % 8 + np.arange(count)
            c_frames = (in_smf % 8) % 2 == 0
            c_smf = np.where(c_frames, in_smf // 8, -1)
            c_shift = np.where(c_frames, 3 - (in_smf % 8) // 2, 0)
            e_index = np.flatnonzero((position == 13) | (position == 15))
            cached = (position, c_smf, c_shift, e_index)
            if len(self._index_cache) < 64:
                self._index_cache[key] = cached
        return cached

    def _advance(self, count: int, flat: np.ndarray | None, c_smf=None, c_shift=None) -> None:
        """Fill the C bits of ``flat`` (if CRC-4) and move the multiframe position on."""
        tail = self._tail[:32 * (self._mf_pos % 8)]
        if flat is not None:
            data = np.concatenate([tail, flat]) if tail.size else flat
            done = data.size // SMF_OCTETS
            crcs = np.empty(done + 1, np.uint8)
            crcs[0] = self._last_crc
            if done:
                crcs[1:] = crc4_smf(data[:done * SMF_OCTETS].reshape(done, SMF_OCTETS))
            has_c = c_smf >= 0
            bits = (crcs[c_smf[has_c]] >> c_shift[has_c].astype(np.uint8)) & 1
            ts0_column = flat[0::32]
            ts0_column[has_c] |= (bits << 7).astype(np.uint8)
            self._last_crc = int(crcs[done])
            rest = data[done * SMF_OCTETS:]
            self._tail[:rest.size] = rest
        else:
            # no CRC (or AIS): the next SMF boundary restarts the CRC-4 chain
            self._tail[:] = 0
            self._last_crc = 0
        self._mf_pos = (self._mf_pos + count) % ts0.MULTIFRAME
        self.frames_sent += count
