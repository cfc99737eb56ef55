"""The rig's terminal on the box's serial console (the master side of a pty pair).

    console = ConsoleClient(master_fd)
    console.login("admin", password)          # also sets `terminal length 0` (no pager)
    text = console.run("show queues")
    rows = console.json("show channels --json")
    cdrs = console.jsonl("records export cdr --format jsonl")

Only bytes on the line, as a technician's terminal program would send and see them. Waits
are host time (the console is a serial line, not part of the line clock).
"""
from __future__ import annotations

import json
import os
import re
import select
import time

PROMPT = re.compile(rb"\r\n[\w.-]+@e1desk\*?[#>] $")
PROMPT_OR_LOGIN = re.compile(rb"(\r\n[\w.-]+@e1desk\*?[#>] |login: )$")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class ConsoleError(RuntimeError):
    """The console did not answer as expected (timeout, a command failed)."""


class ConsoleClient:
    def __init__(self, fd: int, timeout: float = 30.0):
        self.fd = fd
        self.timeout = timeout
        self.buffer = b""
        self._credentials: tuple[str, str] | None = None

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def _read_until(self, pattern, timeout: float | None = None) -> bytes:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            match = pattern.search(self.buffer) if isinstance(pattern, re.Pattern) else None
            if match is None and isinstance(pattern, bytes) and pattern in self.buffer:
                end = self.buffer.index(pattern) + len(pattern)
                got, self.buffer = self.buffer[:end], self.buffer[end:]
                return got
            if match is not None:
                got, self.buffer = self.buffer[:match.end()], self.buffer[match.end():]
                return got
            left = deadline - time.monotonic()
            if left <= 0:
                raise ConsoleError(f"console: no {pattern!r} within the timeout; last output "
                                   f"{self.buffer[-300:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.buffer += os.read(self.fd, 1 << 16)
                except OSError as exc:           # EIO: the box's side of the pty is gone
                    raise ConsoleError(f"console: the line went away ({exc})") from None

    def _drain(self) -> None:
        """Take in whatever the box wrote meanwhile (without waiting)."""
        while select.select([self.fd], [], [], 0)[0]:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            self.buffer += chunk

    def login(self, user: str, password: str) -> None:
        self._credentials = (user, password)
        self._read_until(b"login: ")
        self._log_in()

    def _log_in(self) -> None:
        user, password = self._credentials
        self.send(user + "\r")
        self._read_until(b"Password: ")
        self.send(password + "\r")
        self._read_until(PROMPT)
        self.run("terminal length 0")

    def run(self, command: str, timeout: float | None = None) -> str:
        """Type a command; return what it printed (CRLFs and colours taken out).

        If the box logged the session out meanwhile (idle timeout, a restarted session), the
        client logs in again and types the command once more, as a technician would.
        """
        self._drain()
        if self.buffer.endswith(b"login: ") and self._credentials:
            self.buffer = b""                    # logged out while we were away (idle timeout)
            self._log_in()
        self.send(command + "\r")
        raw = self._read_until(PROMPT_OR_LOGIN, timeout)
        if raw.endswith(b"login: ") and self._credentials:
            self._log_in()
            self.send(command + "\r")
            raw = self._read_until(PROMPT, timeout)
        text = ANSI.sub("", raw[:PROMPT.search(raw).start()].decode("utf-8", "replace")).replace("\r\n", "\n")
        first, _, rest = text.partition("\n")    # the echoed command line
        return rest

    def json(self, command: str, timeout: float | None = None):
        text = self.run(command, timeout)
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ConsoleError(f"console: {command!r} did not print JSON: {text[:300]!r}") from None

    def jsonl(self, command: str, timeout: float | None = None) -> list[dict]:
        text = self.run(command, timeout)
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise ConsoleError(f"console: {command!r} line {n} is not JSON: {line[:200]!r}") from None
        return rows
