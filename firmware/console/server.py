"""``serve_console(url, box)``: the serial console of the daemon, in its own thread.

``url`` is anything pyserial opens (a device such as /dev/ttyS0, a pty path, or a pyserial
URL such as ``loop://`` or ``socket://host:port``). ``box`` has ``.store`` (the Store) and
``.snapshot()`` (live state for the ``show`` commands; may be missing). Returns a
``ConsoleHandle``; ``handle.stop()`` ends the session and closes the port. The thread polls
the port every ``poll_s`` seconds (for idle logout and back-off) and never touches the
real-time engine except through ``box.snapshot()``. If the port goes away (USB serial
unplugged) it is reopened every second until it comes back or the console is stopped.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

import serial

from firmware.console.capture import install, uninstall
from firmware.console.session import Session

log = logging.getLogger(__name__)
WRITE_CHUNK = 1024          # bytes per port write; the port's write_timeout applies to each


class ConsoleHandle:
    def __init__(self, url: str, box, clock: Callable[[], float], poll_s: float, baudrate: int):
        self.url = url
        self.box = box
        self.clock = clock
        self.poll_s = poll_s
        self.baudrate = baudrate
        self.session: Session | None = None
        self._stop = threading.Event()
        self._port = None
        self._thread = threading.Thread(target=self._run, name=f"console {url}", daemon=True)

    def _open(self):
        port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=self.poll_s,
                                     write_timeout=5)
        return port

    def _write(self, data: bytes) -> None:
        """Write in chunks: the port's write timeout then bounds a stall, not the whole output
        (a day's export at 115200 baud takes minutes; a terminal that reads is waited for)."""
        port = self._port
        if port is None:
            return
        try:
            for start in range(0, len(data), WRITE_CHUNK):
                port.write(data[start:start + WRITE_CHUNK])
        except (serial.SerialException, OSError) as exc:
            log.warning("console %s: write failed after %d of %d bytes: %s", self.url, start, len(data), exc)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._port = self._open()
            except (serial.SerialException, OSError, ValueError) as exc:
                log.warning("console %s: cannot open: %s; retrying", self.url, exc)
                self._stop.wait(1.0)
                continue
            self.session = Session(self.box.store, self.box, self._write, clock=self.clock)
            self.session.start()
            try:
                while not self._stop.is_set():
                    data = self._port.read(4096)
                    if data:
                        self.session.feed(data)
                    self.session.tick()
            except (serial.SerialException, OSError) as exc:
                log.warning("console %s: port lost: %s", self.url, exc)
            except Exception:
                log.exception("console %s: session failed; restarting it", self.url)
            finally:
                try:
                    self._port.close()
                except Exception:
                    pass
                self._port = None
            self._stop.wait(1.0 if not self._stop.is_set() else 0)

    def start(self) -> "ConsoleHandle":
        install()
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(timeout=5)
        uninstall()


def serve_console(url: str, box, clock: Callable[[], float] = time.time, poll_s: float = 0.1,
                  baudrate: int = 115200) -> ConsoleHandle:
    """Serve login and the command tree on ``url``; returns the running handle."""
    return ConsoleHandle(url, box, clock, poll_s, baudrate).start()
