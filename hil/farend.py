"""The rig's far end of one e1link line: the network's side of a span, and its clock master.

    far = FarEnd("unix:/run/e1desk/span1.e1link", FramerConfig(crc4=True))
    far.connect()
    rx = far.exchange(voice)          # send a block of frames, get the box's answer framed

``exchange`` sends ``voice.shape[1]`` frames and waits for exactly as many back: lock step,
as fast as both ends go ("fast mode"); with ``realtime=True`` it keeps one block per 20 ms of
host time, as a network would. ``send_block`` / ``receive_block`` split the two halves for
callers that drive the box's span in the same thread.

Faults are injected on the line the far end sends (``inject(name, on)``):
    LOS   the line goes dead: all-zero octets (no pulses) instead of frames
    AIS   all ones (alarm indication signal)
    RAI   the A bit of NFAS set (remote alarm)
    FAS   every frame alignment word corrupted (the box loses frame alignment)
    CRC   one voice bit flipped per CRC-4 sub-multiframe (CRC errors, alignment kept)
    BER   random bit errors at ``ber`` (set with inject("BER", True, ber=1e-3))
    SLIP  two frames deleted from the stream (one-shot: a slip upstream, FAS parity kept)
    NOISE random octets instead of frames (garbage on the line)
``disconnect()`` pulls the cable. The rig uses the box's E1 framer library as its line chip;
what it concludes is checked only from what comes back on the line.
"""
from __future__ import annotations

import socket
import time

import numpy as np

from drivers.base import FRAME_RATE, TIMESLOTS, RxBlock
from drivers.e1raw.span import parse_address
from firmware.e1.framer import E1Port, FramerConfig

FAULTS = ("LOS", "AIS", "RAI", "FAS", "CRC", "BER", "SLIP", "NOISE")


class FarEndTimeout(RuntimeError):
    """The box did not answer a block in time (it is loop-timed and must)."""


class FarEnd:
    """Clock-master end of an e1link line, with fault injection."""

    def __init__(self, address: str, config: FramerConfig | None = None, realtime: bool = False,
                 timeout: float = 10.0, seed: int = 1):
        self.address = address
        self.family, self.target = parse_address(address)
        self.config = config or FramerConfig()
        self.port = E1Port(self.config)
        self.realtime = realtime
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.faults: set[str] = set()
        self.ber = 0.0
        self._rng = np.random.default_rng(seed)
        self._pending = 0
        self._next_time: float | None = None
        self.frames_sent = 0

    # -- cable ---------------------------------------------------------------------------
    def connect(self, wait: float = 10.0) -> None:
        """Plug the cable in; retries until the box's span listens or ``wait`` runs out."""
        deadline = time.monotonic() + wait
        while True:
            sock = socket.socket(self.family, socket.SOCK_STREAM)
            try:
                sock.connect(self.target)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)   # waiting for another process to bind: host time, not line time
        sock.settimeout(self.timeout)
        if self.family == socket.AF_INET:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self._pending = 0
        self._next_time = None

    def disconnect(self) -> None:
        """Pull the cable."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self._pending = 0

    close = disconnect

    # -- faults --------------------------------------------------------------------------
    def inject(self, fault: str, on: bool = True, ber: float | None = None) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        if ber is not None:
            self.ber = ber
        if fault == "AIS":
            self.port.tx.ais = on
        elif fault == "RAI":
            self.port.tx.force_rai = on
        if on:
            self.faults.add(fault)
        else:
            self.faults.discard(fault)

    def set_abcd(self, timeslot: int, bits: int) -> None:
        self.port.tx.abcd[timeslot] = bits & 0xF

    def send_hdlc(self, frame: bytes) -> None:
        self.port.tx.send_hdlc(frame)

    # -- line ----------------------------------------------------------------------------
    def send_block(self, voice: np.ndarray) -> int:
        """Frame and send one block; returns the frame count the box owes back."""
        if self.sock is None:
            raise ConnectionError("far end is not connected")
        frames = voice.shape[1]
        if "SLIP" in self.faults:
            extra = np.concatenate([voice, voice[:, -2:]], axis=1)
            octets = self.port.transmit(extra).reshape(frames + 2, TIMESLOTS)
            cut = frames // 2 & ~1
            octets = np.delete(octets, [cut, cut + 1], axis=0).reshape(-1)
            self.faults.discard("SLIP")
        else:
            octets = self.port.transmit(voice)
        octets = self._impair(np.asarray(octets, dtype=np.uint8))
        if self.realtime:
            self._pace(frames)
        self.sock.sendall(octets.tobytes())
        self._pending += frames
        self.frames_sent += frames
        return frames

    def receive_block(self) -> RxBlock:
        """Wait for the box's answer to everything sent; framed by the far end's receiver."""
        want = self._pending * TIMESLOTS
        buf = bytearray()
        try:
            while len(buf) < want:
                chunk = self.sock.recv(want - len(buf))
                if not chunk:
                    raise ConnectionError("the box closed the line")
                buf += chunk
        except socket.timeout:
            raise FarEndTimeout(f"box answered {len(buf)} of {want} octets within {self.timeout} s") from None
        self._pending = 0
        return self.port.receive(bytes(buf))

    def exchange(self, voice: np.ndarray) -> RxBlock:
        self.send_block(voice)
        return self.receive_block()

    # -- helpers -------------------------------------------------------------------------
    def _impair(self, octets: np.ndarray) -> np.ndarray:
        if "LOS" in self.faults:
            return np.zeros_like(octets)
        if "NOISE" in self.faults:
            return self._rng.integers(0, 256, octets.size, dtype=np.uint8)
        frames = octets.reshape(-1, TIMESLOTS)
        if "FAS" in self.faults:
            frames[:, 0] ^= np.where((frames[:, 0] & 0x7F) == 0x1B, 0x7F, 0).astype(np.uint8)  # every FAS word wrong
        if "CRC" in self.faults:
            frames[::8, 1] ^= 0x01       # one bit per sub-multiframe (8 frames): CRC-4 error, FAS intact
        if "BER" in self.faults and self.ber > 0:
            bits = octets.size * 8
            flips = self._rng.binomial(bits, min(self.ber, 1.0))
            if flips:
                where = self._rng.integers(0, bits, flips)
                np.bitwise_xor.at(octets, where // 8, (0x80 >> (where % 8)).astype(np.uint8))
        return octets

    def _pace(self, frames: int) -> None:
        now = time.monotonic()
        if self._next_time is None:
            self._next_time = now
        delay = self._next_time - now
        if delay > 0:
            time.sleep(delay)       # real-time mode: the rig is the network's clock
        self._next_time += frames / FRAME_RATE
