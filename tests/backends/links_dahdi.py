"""Links over the DAHDI backend for the back-to-back tests (see tests/backends/links.py).

DahdiEmuLink: the box is DahdiSpan on span 1 of the userspace DAHDI emulation, the far end a
second DahdiSpan on span 2 (joined back to back, TSn <-> TSn). The emulation runs its
lock-step clock: a step writes both blocks, lets 160 frames of line time pass, reads both.

DahdiKernelLink: the same two DahdiSpans on a real DAHDI kernel with two `loc` spans joined
back to back (hil/vm/dahdi-vm-check sets that up in a VM and exports E1DESK_DAHDI_KERNEL=1).
The kernel's line runs in real time, so what one side writes arrives a block or so later:
``max_delay`` (frames) says how far back-to-back voice may lag.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

from drivers.base import FRAMES_PER_BLOCK, RxBlock, SpanConfig
from drivers.dahdi.span import DahdiSpan

BLOCK = FRAMES_PER_BLOCK


def span_config(span: int, crc4: bool = True) -> SpanConfig:
    return SpanConfig(span=span, backend="dahdi", address=f"dahdi:{span}", framing="cas", crc4=crc4)


class DahdiFarEnd:
    """The far end: a DahdiSpan plus fault injection through whatever drives its line."""

    def __init__(self, span: DahdiSpan, inject=None):
        self.span = span
        self._inject = inject

    def set_abcd(self, timeslot: int, bits: int) -> None:
        self.span.set_abcd(timeslot, bits)

    def send_hdlc(self, frame: bytes) -> None:
        self.span.send_hdlc(frame)

    def inject(self, fault: str, on: bool) -> None:
        if self._inject is None:
            raise NotImplementedError("this far end cannot inject faults")
        self._inject(fault, on)


class _TwoSpanLink:
    max_delay = 3

    def _open(self) -> None:
        self.box = DahdiSpan(span_config(1))
        self.box.open()
        far = DahdiSpan(span_config(2))
        try:
            far.open()
        except Exception:
            self.box.close()
            raise
        self.far = DahdiFarEnd(far, getattr(self, "_inject", None))

    def _check_frames(self, box_voice: np.ndarray, far_voice: np.ndarray) -> None:
        if box_voice.shape[1] != BLOCK or far_voice.shape[1] != BLOCK:
            raise ValueError(f"DAHDI links carry {BLOCK}-frame blocks only (no fine_steps)")

    def close(self) -> None:
        self.far.span.close()
        self.box.close()


class DahdiEmuLink(_TwoSpanLink):
    """Box = emulated span 1, far end = emulated span 2, lock-step line clock."""

    name = "dahdi-emu"

    def __init__(self, tmp_path, layout: str = "cas+hdlc"):
        from drivers.dahdi.emu import EmulatedDahdi
        self.emu = EmulatedDahdi(spans=2, layout=layout, speed=0, directory=str(tmp_path))
        self.emu.__enter__()
        try:
            self._open()
        except Exception:
            self.emu.__exit__(None, None, None)
            raise
        # DAHDI reports AIS/RAI only as debounced BLUE/YELLOW and has no slip counter
        self.capabilities = {"cas", "hdlc", "crc4", "CRC", "FAS", "NOISE", "LOS", "AIS", "RAI"}

    def _inject(self, fault: str, on: bool) -> None:
        self.emu.inject(2, fault, on)

    def step(self, box_voice: np.ndarray, far_voice: np.ndarray) -> tuple[RxBlock, RxBlock]:
        self._check_frames(box_voice, far_voice)
        self.box.write(box_voice)
        self.far.span.write(far_voice)
        self.emu.step(BLOCK)
        box_rx = self.box.read(timeout=5.0)
        far_rx = self.far.span.read(timeout=5.0)
        assert box_rx is not None and far_rx is not None, "the emulated line delivered no block"
        return box_rx, far_rx

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.emu.__exit__(None, None, None)


class DahdiKernelLink(_TwoSpanLink):
    """Box = kernel span 1, far end = kernel span 2 (two dahdi_dynamic_loc spans)."""

    name = "dahdi-kernel"
    cushion = 2                      # idle blocks written ahead: absorbs 40 ms of host jitter
    max_delay = (cushion + 3) * BLOCK

    def __init__(self, tmp_path=None):
        if os.environ.get("E1DESK_DAHDI_KERNEL") != "1" or not os.path.exists("/dev/dahdi/ctl"):
            pytest.skip("needs a DAHDI kernel with two loc spans (hil/vm/dahdi-vm-check)")
        self._open()
        self.capabilities = {"cas", "hdlc"}
        idle = np.full((32, BLOCK), 0xD5, dtype=np.uint8)
        for _ in range(self.cushion):
            self.box.write(idle)
            self.far.span.write(idle)

    def step(self, box_voice: np.ndarray, far_voice: np.ndarray) -> tuple[RxBlock, RxBlock]:
        self._check_frames(box_voice, far_voice)
        self.box.write(box_voice)
        self.far.span.write(far_voice)
        box_rx = self.box.read(timeout=2.0)
        far_rx = self.far.span.read(timeout=2.0)
        assert box_rx is not None and far_rx is not None, "the kernel delivered no block in 2 s"
        return box_rx, far_rx


def dahdi_emu_link(tmp_path) -> DahdiEmuLink:
    """Factory for conftest.LINKS: ("dahdi-emu", dahdi_emu_link)."""
    return DahdiEmuLink(tmp_path)


def dahdi_kernel_link(tmp_path) -> DahdiKernelLink:
    """Factory for conftest.LINKS: ("dahdi-kernel", dahdi_kernel_link); skips outside the VM."""
    return DahdiKernelLink(tmp_path)
