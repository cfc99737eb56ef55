"""e1raw: a virtual E1 card whose line is a stream socket speaking the e1link protocol.

Address formats (design.md section 2, the e1link contract):
    unix:/path/to/span1.e1link      a UNIX stream socket at that path
    tcp:127.0.0.1:47101             a TCP port (loopback in tests)

The span LISTENS, like a card's port waiting for a cable; the far end connects and is the
clock master. Each read takes at most one block (160 frames) of whole frames from the line,
runs the box's software framer on it (firmware.e1), and the engine must write exactly as
many frames back before the next read: the box is loop-timed, one frame out per frame in.
A closed connection is a pulled cable (LOS); a new connection is accepted after that.
Optional raw captures of either direction go to .e1 files off the real-time path.
"""
from __future__ import annotations

import os
import select
import socket
from pathlib import Path

import numpy as np

from drivers.base import FRAMES_PER_BLOCK, TIMESLOTS, RxBlock, Span, SpanAlarms, SpanConfig, SpanCounters
from firmware.e1.framer import E1Port, FramerConfig

FRAME_OCTETS = TIMESLOTS
BLOCK_OCTETS = FRAMES_PER_BLOCK * FRAME_OCTETS


def framer_config(config: SpanConfig) -> FramerConfig:
    """The software framer's settings for a span of this configuration."""
    debounce = max(1, round(config.cas_debounce_ms * 8))   # ms -> frames
    return FramerConfig(crc4=config.crc4, signalling=config.framing,
                        dchan=config.signalling_timeslot() or 16,
                        cas_idle=config.cas_idle, cas_debounce_frames=debounce)


def parse_address(address: str) -> tuple[int, object]:
    """(socket family, bind address) for "unix:PATH" or "tcp:HOST:PORT"."""
    scheme, _, rest = address.partition(":")
    if scheme == "unix" and rest:
        return socket.AF_UNIX, rest
    if scheme == "tcp":
        host, _, port = rest.rpartition(":")
        if host and port.isdigit():
            return socket.AF_INET, (host, int(port))
    raise ValueError(f"e1link address {address!r}: expected unix:PATH or tcp:HOST:PORT")


class E1RawSpan(Span):
    """A span whose E1 line is a socket; framing is done in software by firmware.e1."""

    def __init__(self, config: SpanConfig, capture_dir: str | Path | None = None):
        super().__init__(config)
        self.family, self.bind_address = parse_address(config.address)
        self.port = E1Port(framer_config(config))
        self.port.tx.abcd[:] = self.tx_abcd          # one array: set_abcd writes the framer's
        self.tx_abcd = self.port.tx.abcd
        self._listener: socket.socket | None = None
        self._conn: socket.socket | None = None
        self._rxbuf = bytearray()
        self._owed = 0                                # frames received and not yet answered
        self._captures = []
        self._capture_dir = Path(capture_dir) if capture_dir else None
        self.connections = 0

    # -- life cycle ----------------------------------------------------------------------
    def open(self) -> None:
        if self._listener is not None:
            return
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        if self.family == socket.AF_UNIX:
            path = Path(self.bind_address)
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_socket():
                path.unlink()                          # a stale socket from an earlier run
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(self.bind_address)
        sock.listen(1)
        sock.setblocking(False)
        self._listener = sock
        if self._capture_dir:
            from firmware.e1.capture import CaptureWriter
            self._capture_dir.mkdir(parents=True, exist_ok=True)
            self._captures = [CaptureWriter(self._capture_dir / f"span{self.config.span}-{d}.e1") for d in ("rx", "tx")]

    def close(self) -> None:
        self._drop_connection()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            if self.family == socket.AF_UNIX:
                try:
                    os.unlink(self.bind_address)
                except OSError:
                    pass
        for capture in self._captures:
            capture.close()
        self._captures = []

    @property
    def connected(self) -> bool:
        return self._conn is not None

    def fileno(self) -> int:
        sock = self._conn or self._listener
        return sock.fileno() if sock else -1

    # -- per block -----------------------------------------------------------------------
    def read(self, timeout: float | None = None) -> RxBlock | None:
        if self._owed:
            raise RuntimeError("write() the frames of the last block before reading again")
        if self._conn is None and not self._accept(timeout):
            return None
        while len(self._rxbuf) < FRAME_OCTETS:
            if not self._fill(timeout):
                # the cable was pulled: a far end that plugged in again is taken at once
                if self._conn is None and self._accept(0) and self._fill(timeout):
                    continue
                return None
        take = min(len(self._rxbuf), BLOCK_OCTETS) // FRAME_OCTETS * FRAME_OCTETS
        octets = bytes(self._rxbuf[:take])
        del self._rxbuf[:take]
        if self._captures:
            self._captures[0].write(octets)
        block = self.port.receive(octets)
        self._owed = block.frames
        return block

    def write(self, voice: np.ndarray) -> None:
        frames = voice.shape[1]
        if frames != self._owed:
            raise ValueError(f"span {self.config.span}: owe {self._owed} frames, write() got {frames}")
        self._owed = 0
        octets = self.port.transmit(voice)
        if self._captures:
            self._captures[1].write(octets)
        if self._conn is None:
            return
        try:
            self._conn.sendall(memoryview(octets))
        except OSError:
            self._drop_connection()

    def idle(self, frames: int) -> list[tuple[int, str]]:
        """Line-clock time passed with nothing received: LOS timers run."""
        return self.port.no_signal(frames)

    # -- state ---------------------------------------------------------------------------
    def send_hdlc(self, frame: bytes) -> None:
        if self.config.framing != "ccs":
            raise NotImplementedError(f"span {self.config.span} is {self.config.framing}: no D-channel")
        self.port.tx.send_hdlc(frame)

    def alarms(self) -> SpanAlarms:
        return self.port.rx.alarms

    def counters(self) -> SpanCounters:
        return self.port.rx.counters

    # -- socket plumbing -----------------------------------------------------------------
    def _accept(self, timeout: float | None) -> bool:
        if self._listener is None:
            raise RuntimeError("span is not open")
        ready, _, _ = select.select([self._listener], [], [], timeout)
        if not ready:
            return False
        try:
            conn, _ = self._listener.accept()
        except BlockingIOError:
            return False
        conn.setblocking(True)
        conn.settimeout(5.0)        # a far end that stops reading for this long is gone
        if self.family == socket.AF_INET:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._conn = conn
        self._rxbuf.clear()
        self.connections += 1
        return True

    def _fill(self, timeout: float | None) -> bool:
        """Receive what is there (at most one block ahead); False on timeout or disconnect."""
        conn = self._conn
        if conn is None:
            return False
        ready, _, _ = select.select([conn], [], [], timeout)
        if not ready:
            return False
        try:
            data = conn.recv(BLOCK_OCTETS - len(self._rxbuf))
        except (BlockingIOError, socket.timeout):
            return False
        except OSError:
            data = b""
        if not data:
            self._drop_connection()
            return False
        self._rxbuf += data
        return True

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
        self._rxbuf.clear()
        self._owed = 0
