"""The console's port writes: a slow terminal gets all of a long output; a stalled one costs one
write timeout, not the console thread."""
from __future__ import annotations

import logging

import serial

from firmware.console.server import WRITE_CHUNK, ConsoleHandle


class SlowPort:
    """A port at a low baud rate: a write of more than ``per_timeout`` bytes would outlast the
    write timeout (pyserial raises SerialTimeoutException); ``stall_after`` bytes, then no more."""

    def __init__(self, per_timeout: int, stall_after: int | None = None):
        self.per_timeout, self.stall_after = per_timeout, stall_after
        self.got = bytearray()

    def write(self, data) -> int:
        if len(data) > self.per_timeout or (self.stall_after is not None and len(self.got) >= self.stall_after):
            raise serial.SerialTimeoutException("Write timeout")
        self.got += data
        return len(data)


def handle_on(port) -> ConsoleHandle:
    handle = ConsoleHandle("loop://", box=None, clock=lambda: 0.0, poll_s=0.1, baudrate=115200)
    handle._port = port
    return handle


def test_a_long_output_reaches_a_slow_terminal_whole():
    export = b"".join(b'{"call_id": "c%d", "disposition": "ANSWERED"}\r\n' % n for n in range(20_000))
    port = SlowPort(per_timeout=4 * WRITE_CHUNK)
    handle_on(port)._write(export)
    assert bytes(port.got) == export and len(export) > 100 * port.per_timeout


def test_a_stalled_terminal_ends_the_write_with_a_log_line(caplog):
    port = SlowPort(per_timeout=4 * WRITE_CHUNK, stall_after=3 * WRITE_CHUNK)
    with caplog.at_level(logging.WARNING, logger="firmware.console.server"):
        handle_on(port)._write(b"x" * (50 * WRITE_CHUNK))
    assert len(port.got) == 3 * WRITE_CHUNK
    assert f"write failed after {3 * WRITE_CHUNK} of {50 * WRITE_CHUNK} bytes" in caplog.text
