"""Userspace DAHDI emulation for tests: build the LD_PRELOAD shim, create its shared state.

    from drivers.dahdi.emu import EmulatedDahdi
    with EmulatedDahdi(spans=2) as emu:            # this process now sees /dev/dahdi/*
        subprocess.run(cmd, env=emu.env())         # so does a child (LD_PRELOAD)
        emu.inject(2, "LOS", True)                 # span 2's transmitter goes dark

Spans are joined in pairs (1<->2, 3<->4 ...), timeslot by timeslot. The line is clocked
like a card's: 8000 frames/s x ``speed`` of the host's monotonic clock, or, with
``speed=0``, a lock-step clock that moves only when ``step(frames)`` is called (fast and
deterministic: a far end that steps after writing reads what it wrote one block later,
and nothing underruns). The C side is emu/*.c; the shim is compiled with ``cc`` on
first use into a cache directory keyed by the hash of its sources.
"""
from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADERS = (HERE.parent / "dahdi_abi.h", HERE.parent / "dahdi_emu.h")
ENV_STATE = "E1DESK_DAHDI_EMU"           # path of the shared state file (read by the shim)
ENV_SHIM = "E1DESK_DAHDI_EMU_SHIM"       # path of the shim, for processes not preloaded with it

#: Channel layouts, one character per timeslot TS1..TS31: c = CAS, h = HDLC D-channel, v = clear.
LAYOUTS = {
    "cas+hdlc": "c" * 15 + "h" + "c" * 15,     # CAS voice channels and a D-channel on TS16
    "cas": "c" * 15 + "-" + "c" * 15,          # PCM30 CAS (what OpenR2 expects)
    "ccs": "v" * 15 + "h" + "v" * 15,          # PCM30 with an ISDN D-channel
    "clear": "v" * 31,                         # PCM31
}
#: Faults a span's transmitter can put on the line (FAS and NOISE both cost frame alignment).
FAULTS = ("LOS", "AIS", "RAI", "LOF", "FAS", "NOISE", "CRC")


class EmulationError(RuntimeError):
    pass


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "e1desk" / "dahdi-emu"


def build_shim() -> Path:
    """Compile dahdi_emu.c (once per source hash) and return the shared library's path."""
    sources = sorted(HERE.glob("*.c"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in (*sources, *HEADERS))).hexdigest()[:16]
    target = cache_dir() / f"dahdi_emu-{digest}.so"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise EmulationError("no C compiler (cc) found to build the DAHDI emulation shim")
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    cmd = [cc, "-O2", "-Wall", "-shared", "-fPIC", "-fvisibility=hidden", f"-I{HERE.parent}",
           "-o", str(tmp), *map(str, sources), "-ldl", "-lpthread"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise EmulationError(f"building the DAHDI emulation shim failed:\n{result.stderr}")
    os.replace(tmp, target)
    return target


class EmulatedDahdi:
    """Shared state of an emulated DAHDI stack; a context manager.

    While entered, this process's environment names the state and the shim, so DahdiSpan
    (through its dlopen route) and children started with ``env()`` use the emulation.
    """

    def __init__(self, spans: int = 2, layout: str = "cas+hdlc", speed: float = 1.0,
                 crc4: bool = True, idle_abcd: int = 0b1001, directory: str | None = None):
        if spans < 1 or spans > 8:
            raise ValueError(f"spans: {spans} is out of range 1..8")
        if layout not in LAYOUTS:
            raise ValueError(f"layout: {layout!r} is not one of {', '.join(LAYOUTS)}")
        if speed < 0:
            raise ValueError(f"speed: {speed} must be positive, or 0 for the lock-step clock")
        self.spans, self.layout, self.speed = spans, layout, speed
        self.crc4, self.idle_abcd = crc4, idle_abcd & 0xF
        self._directory = directory
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._saved_env: dict[str, str | None] = {}
        self.shim = build_shim()
        self.lib = ctypes.CDLL(str(self.shim))
        self.lib.e1emu_create.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                                          ctypes.c_double, ctypes.c_int, ctypes.c_int]
        self.lib.e1emu_inject.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.e1emu_now.restype = ctypes.c_int64
        self.lib.e1emu_set_debounce.argtypes = [ctypes.POINTER(ctypes.c_int64)] * 2
        self.lib.e1emu_step.argtypes = [ctypes.c_int64]
        self.lib.e1emu_step.restype = ctypes.c_int64
        self.lib.e1emu_chan_stats.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_int64)]
        self.state: Path | None = None

    # -- life cycle -------------------------------------------------------------------
    def __enter__(self) -> "EmulatedDahdi":
        if self._directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="e1desk-dahdi-emu-")
            directory = self._tmp.name
        else:
            directory = self._directory
        self.state = Path(directory) / "dahdi-emu.state"
        rc = self.lib.e1emu_create(str(self.state).encode(), self.spans, LAYOUTS[self.layout].encode(),
                                   float(self.speed), int(self.crc4), self.idle_abcd)
        if rc != 0:
            raise EmulationError(f"creating the emulation state {self.state}: {os.strerror(-rc)}")
        for key, value in self.env(preload=False).items():
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = value
        return self

    def __exit__(self, *exc) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def env(self, preload: bool = True, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment variables for a process that should see this emulation."""
        if self.state is None:
            raise EmulationError("the emulation is not running (use it as a context manager)")
        env = dict(base) if base is not None else {}
        env[ENV_STATE] = str(self.state)
        env[ENV_SHIM] = str(self.shim)
        if preload:
            previous = (base or {}).get("LD_PRELOAD", "")
            env["LD_PRELOAD"] = f"{self.shim} {previous}".strip()
        return env

    # -- control ------------------------------------------------------------------------
    def inject(self, span: int, fault: str, on: bool = True) -> None:
        """Put ``fault`` (LOS, AIS, RAI, LOF, CRC) on ``span``'s transmitter, or take it off."""
        if fault not in FAULTS:
            raise ValueError(f"fault: {fault!r} is not one of {', '.join(FAULTS)}")
        if not 1 <= span <= self.spans:
            raise ValueError(f"span: {span} is out of range 1..{self.spans}")
        if self.lib.e1emu_inject(span, fault.encode(), int(bool(on))) != 0:
            raise EmulationError(f"inject {fault} on span {span} failed")

    def now(self) -> int:
        """Line time in frames."""
        return int(self.lib.e1emu_now())

    def step(self, frames: int) -> int:
        """Lock-step clock: let ``frames`` of line time pass; returns the new line time."""
        if self.speed != 0:
            raise EmulationError("step() needs the lock-step clock (speed=0)")
        return int(self.lib.e1emu_step(frames))

    def set_debounce(self, raise_frames: tuple[int, int, int], clear_frames: tuple[int, int, int]) -> None:
        """Alarm debounce times in frames for (RED, BLUE, YELLOW): raising and clearing."""
        on, off = (ctypes.c_int64 * 3)(*raise_frames), (ctypes.c_int64 * 3)(*clear_frames)
        self.lib.e1emu_set_debounce(on, off)

    def channel_stats(self, channo: int) -> dict[str, int]:
        out = (ctypes.c_int64 * 6)()
        if self.lib.e1emu_chan_stats(channo, out) != 0:
            raise ValueError(f"channo: no emulated channel {channo}")
        return dict(zip(("underruns", "overruns", "rpos", "wpos", "txsig", "rxsig"), out))
