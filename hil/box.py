"""The box under test as the rig sees it: an `e1desk run` process it starts, kills and restarts.

    box = BoxProcess(workdir, config={"acd": {"ports": 30}})
    box.prepare()                 # admin password and configuration, as a technician would
    box.start()                   # e1desk run --board sim --data DIR --console /dev/pts/N
    box.console.json("show channels --json")
    box.kill()                    # kill -9, as a power cut would
    box.start()                   # the same data directory: recovery runs at boot
    box.stop()                    # SIGINT, as Ctrl-C on the daemon

Everything goes through what a technician has: the host shell before the box runs (password,
configuration import), the serial console (a pty pair the rig owns) while it runs, and the
process itself (its pid, /proc/PID/status for memory). The E1 lines are hil.lines' business.
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from board.profile import load_profile
from hil.console import ConsoleClient

ADMIN_PASSWORD = "rig-admin-pass-1"
E1DESK = [sys.executable, "-m", "firmware.cli"]


def _die_with_parent() -> None:
    """In the box's process before exec: SIGTERM when the rig dies, so that no box is orphaned."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except OSError:
        pass


class BoxError(RuntimeError):
    """The box could not be prepared or started."""


def toml_inline(value) -> str:
    """A value as TOML (tables inline): enough for configuration sections."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {toml_inline(v)}' for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


class BoxProcess:
    def __init__(self, workdir: Path, board: str = "sim", config: dict | None = None,
                 log_path: Path | None = None, status_every: float = 0.0, echo: bool = False,
                 env: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.data = self.workdir / "data"
        self.run_dir = self.data / "run"
        self.board = board
        self.config = config or {}
        self.log_path = log_path or self.workdir / "box.log"
        self.status_every = status_every          # the daemon's status table on its stdout
        self.echo = echo                          # its output to the rig's terminal, not the log
        self.env = env or {}                      # on top of the rig's (e.g. the DAHDI emulation's)
        self.proc: subprocess.Popen | None = None
        self.console: ConsoleClient | None = None
        self.starts = 0
        self._pty: tuple[int, int] | None = None

    # -- before the box runs --------------------------------------------------------------
    def host(self, *args: str, stdin: str | None = None) -> str:
        """Run an `e1desk` command on the host shell against the box's data directory."""
        done = subprocess.run([*E1DESK, *args, "--data", str(self.data)], input=stdin, text=True,
                              capture_output=True, timeout=60)
        if done.returncode != 0:
            raise BoxError(f"e1desk {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout

    def prepare(self) -> None:
        """Set the admin password and import the configuration (first boot of a fresh box)."""
        self.data.mkdir(parents=True, exist_ok=True)
        self.host("user", "passwd", "admin", "--role", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
        if self.config:
            text = "".join(f"{name} = {toml_inline(section)}\n" for name, section in self.config.items())
            with tempfile.NamedTemporaryFile("w", suffix=".toml", dir=self.workdir, delete=False) as f:
                f.write(text)
            try:
                self.host("config", "import", f.name)
                self.host("commit", "-m", "HIL rig set-up")
            finally:
                os.unlink(f.name)

    # -- process ---------------------------------------------------------------------------
    def start(self, login: bool = True, wait_s: float = 30.0) -> None:
        """Start `e1desk run` with the console on a fresh pty; wait for its e1link spans to listen
        and its console to speak (the daemon opens every span before its console)."""
        if self.proc is not None and self.proc.poll() is None:
            raise BoxError("the box is already running")
        self._close_pty()
        master, slave = os.openpty()
        self._pty = (master, slave)
        for sock in self.run_dir.glob("*.e1link"):
            sock.unlink()                  # stale sockets of a killed box
        log = None if self.echo else open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [*E1DESK, "run", "--board", self.board, "--data", str(self.data), "--console", os.ttyname(slave),
             "--status-every", str(self.status_every)], stdout=log, stderr=subprocess.STDOUT if log else None,
            stdin=subprocess.DEVNULL, env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,               # Ctrl-C goes to the rig, which stops the box itself
            preexec_fn=_die_with_parent)
        if log is not None:
            log.close()
        self.starts += 1
        self.console = ConsoleClient(master)
        deadline = time.monotonic() + wait_s
        sockets = sum(c.backend == "e1raw" for c in load_profile(self.board).spans)
        while len(list(self.run_dir.glob("*.e1link"))) < sockets \
                or not select.select([master], [], [], 0)[0]:     # the console speaks once the spans are open
            if self.proc.poll() is not None:
                raise BoxError(f"e1desk run exited with {self.proc.returncode}; see {self.log_path}")
            if time.monotonic() > deadline:
                raise BoxError(f"the box's spans and console did not come up within {wait_s} s; see {self.log_path}")
            time.sleep(0.02)      # host time: waiting for a process to boot
        if login:
            self.console.login("admin", ADMIN_PASSWORD)

    @property
    def console_path(self) -> str | None:
        """The pty (slave side) the box serves its console on."""
        return os.ttyname(self._pty[1]) if self._pty else None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def rss_kb(self) -> int:
        """The box's resident memory (VmRSS of /proc/PID/status), in kB."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise BoxError("no VmRSS in /proc status")

    def kill(self) -> None:
        """kill -9: the box dies mid-whatever, as in a power cut."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._close_pty()

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGINT (Ctrl-C): the daemon closes calls, records and spans; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close_pty()
        return self.proc.returncode

    def _close_pty(self) -> None:
        if self._pty is not None:
            for fd in self._pty:
                try:
                    os.close(fd)
                except OSError:
                    pass
            self._pty = None
            self.console = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
