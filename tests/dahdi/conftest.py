"""Fixtures for the DAHDI backend tests: an emulated DAHDI stack and raw channel access."""
from __future__ import annotations

import os

import pytest

from drivers.dahdi.emu import EmulatedDahdi
from drivers.dahdi.span import use_emulation_if_asked


@pytest.fixture
def stepped(tmp_path):
    """Two emulated spans (CAS + D-channel on TS16) on the lock-step clock."""
    with EmulatedDahdi(spans=2, speed=0, directory=str(tmp_path)) as emu:
        use_emulation_if_asked()
        yield emu


@pytest.fixture(params=[1.0, 4.0], ids=["real-time", "4x"])
def realtime(tmp_path, request):
    """Two emulated spans on the host-clocked line: 8000 frames/s, and 4x that (fast mode)."""
    with EmulatedDahdi(spans=2, speed=request.param, directory=str(tmp_path)) as emu:
        use_emulation_if_asked()
        yield emu


class Raw:
    """Raw DAHDI calls through the backend's cffi helper (and so through the emulation)."""

    def __init__(self):
        from drivers.dahdi._dahdi import ffi, lib
        self.ffi, self.lib = ffi, lib
        self.fds: list[int] = []

    def open(self, path: str = "/dev/dahdi/channel") -> int:
        fd = self.lib.e1d_open(path.encode())
        assert fd >= 0, f"open {path}: {os.strerror(-fd)}"
        self.fds.append(fd)
        return fd

    def channel(self, channo: int, blocksize: int = 160) -> int:
        fd = self.lib.e1d_open_channel(channo)
        assert fd >= 0, f"channel {channo}: {os.strerror(-fd)}"
        self.fds.append(fd)
        if blocksize:
            assert self.ioctl_int(fd, "DAHDI_SET_BLOCKSIZE", blocksize) == (0, blocksize)
        return fd

    def ioctl_int(self, fd: int, name: str, value: int = 0) -> tuple[int, int]:
        box = self.ffi.new("int *", value)
        rc = self.lib.e1d_ioctl(fd, getattr(self.lib, name), box)
        return rc, box[0]

    def ioctl(self, fd: int, request: int, arg) -> int:
        return self.lib.e1d_ioctl(fd, request, arg)

    def read(self, fd: int, size: int = 2048) -> bytes | int:
        buf = self.ffi.new("unsigned char[]", size)
        n = self.lib.e1d_read(fd, buf, size)
        return n if n < 0 else bytes(self.ffi.buffer(buf, n))

    def write(self, fd: int, data: bytes) -> int:
        return self.lib.e1d_write(fd, data, len(data))

    def close(self) -> None:
        for fd in self.fds:
            self.lib.e1d_close(fd)
        self.fds.clear()


@pytest.fixture
def raw():
    made = Raw()
    yield made
    made.close()
