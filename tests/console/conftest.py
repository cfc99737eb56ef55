"""A technician's terminal on a pty pair, wired to a console served by serve_console()."""
from __future__ import annotations

import os
import select
import threading

import pytest

from firmware.console.auth import Accounts
from firmware.console.server import serve_console
from firmware.store import Store


class FakeClock:
    """Seconds that move only when a test says so (back-off, lockout, idle timeout)."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


class Box:
    """What the daemon hands to serve_console: the store and a snapshot of live state."""

    def __init__(self, store, snapshot=None):
        self.store = store
        self._snapshot = snapshot

    def snapshot(self):
        return self._snapshot


SNAPSHOT = {
    "clock": {"source": "span1", "frames": 8000 * 90, "seconds": 90.0},
    "spans": [{"span": 1, "name": "carrier", "backend": "e1raw", "connected": True, "alarms": [],
               "counters": {"crc4_errors": 0, "slips": 0}, "timing": True},
              {"span": 2, "name": "office", "backend": "e1raw", "connected": False, "alarms": ["RED", "LOS"],
               "counters": {"crc4_errors": 7, "slips": 1}, "timing": False}],
    "channels": [{"span": 1, "ts": ts, "state": "idle" if ts > 2 else "talking", "abcd_rx": "1001",
                  "abcd_tx": "1001"} for ts in range(1, 31)],
    "calls": [{"call_id": "c-1", "span": 1, "ts": 1, "state": "talking", "ani": "13800138000",
               "dnis": "10086", "queue": "support", "agent": "a01", "seconds": 42}],
    "queues": [{"queue": "support", "waiting": 2, "longest_wait_s": 31, "agents_free": 0, "agents_busy": 2}],
    "agents": [{"agent": "a01", "state": "busy", "queue": "support", "call_id": "c-1"}],
    "alarms": [{"time": "2026-11-22T07:00:00Z", "source": "span 2", "alarm": "RED", "severity": "major"}],
}


class Terminal:
    """The far side of the pty: what a terminal sends and receives, byte for byte."""

    def __init__(self, master: int):
        self.fd = master
        self.seen = b""

    def send(self, data: bytes | str) -> None:
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def expect(self, text: bytes | str, timeout: float = 10.0) -> bytes:
        """Read until ``text`` appears; return everything read up to and including it."""
        want = text.encode() if isinstance(text, str) else text
        import time
        deadline = time.monotonic() + timeout
        while want not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"did not see {want!r}; got {self.seen[-600:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self.seen += os.read(self.fd, 65536)
        end = self.seen.index(want) + len(want)
        got, self.seen = self.seen[:end], self.seen[end:]
        return got

    def login(self, name: str, password: str) -> bytes:
        self.expect("login: ")
        self.send(name + "\r")
        self.expect("Password: ")
        self.send(password + "\r")
        return self.expect(f"{name}@e1desk") + self.expect(" ")


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "data") as st:
        yield st


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def console(store, clock):
    """Start a console on a fresh pty; yields a factory (snapshot=..., accounts=True)."""
    handles, fds = [], []

    def start(snapshot=SNAPSHOT, accounts=True) -> Terminal:
        if accounts:
            acc = Accounts(store)
            acc.set_password("admin", "admin-pass-1", role="admin")
            acc.set_password("olga", "operator-pass", role="operator")
            acc.set_password("vic", "viewer-pass", role="viewer")
        master, slave = os.openpty()
        fds.extend([master, slave])
        handles.append(serve_console(os.ttyname(slave), Box(store, snapshot), clock=clock, poll_s=0.02))
        return Terminal(master)

    yield start
    for handle in handles:
        handle.stop()
    for fd in fds:
        os.close(fd)
