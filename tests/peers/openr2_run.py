"""Run the box's R2 stack against OpenR2 over the userspace DAHDI emulation.

The box is DahdiSpan on emulated span 1 driving an R2Span block by block; OpenR2 runs in
its own process (tests/peers/openr2_peer.c, compiled here with cc against -lopenr2) on span
2 with the emulation shim preloaded. The emulated line runs in real time (OpenR2's timers
are its host clock), so scenarios run their channels concurrently. Skips with a reason when
libopenr2-dev or a C compiler is missing.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from drivers.base import SpanConfig

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "openr2_peer.c"


def build_peer() -> Path:
    """Compile the peer once per source hash; pytest.skip when it cannot be built."""
    if not Path("/usr/include/openr2.h").exists():
        pytest.skip("libopenr2-dev is not installed (apt-get install libopenr2-dev)")
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler to build the OpenR2 peer")
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "e1desk" / "openr2-peer"
    target = base / f"openr2_peer-{digest}"
    if not target.exists():
        base.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        result = subprocess.run([cc, "-O1", "-Wall", "-o", str(tmp), str(SOURCE), "-lopenr2"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"building the OpenR2 peer failed:\n{result.stderr}")
        os.replace(tmp, target)
    return target


class PeerRun:
    """One scenario: the box's R2Span on span 1, OpenR2 scripted by ``specs`` on span 2."""

    def __init__(self, variant: str, specs: list[str], options, listener=None, peer_args=(),
                 on_ready=None, on_event=None, on_block=None, seconds: float = 30.0):
        self.variant, self.specs, self.options = variant, specs, options
        self.listener, self.peer_args, self.on_ready = listener, list(peer_args), on_ready
        self.on_event = on_event            # on_event(peer_event, r2span), for every peer report
        self.on_block = on_block            # on_block(r2span), after every block the box served
        self.seconds = seconds
        self.events: list[dict] = []
        self.r2 = None
        self.stderr = ""

    def peer_events(self, ts: int | None = None, ev: str | None = None) -> list[dict]:
        return [e for e in self.events if (ts is None or e["ts"] == ts) and (ev is None or e["ev"] == ev)]

    def run(self, tmp_path) -> "PeerRun":
        from drivers.dahdi.emu import EmulatedDahdi
        from drivers.dahdi.span import DahdiSpan
        from firmware.signaling import R2Span
        peer = build_peer()
        Path(tmp_path).mkdir(parents=True, exist_ok=True)
        with EmulatedDahdi(spans=2, layout="cas", speed=1.0, crc4=False, directory=str(tmp_path)) as emu:
            span = DahdiSpan(SpanConfig(span=1, backend="dahdi", address="dahdi:1", framing="cas"))
            span.open()
            try:
                self.r2 = R2Span(span, self.options, self.listener)
                cmd = [str(peer), "--variant", self.variant, "--seconds", str(self.seconds), *self.peer_args, *self.specs]
                proc = subprocess.Popen(cmd, env=emu.env(base=dict(os.environ)), stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
                self._drive(span, proc)
            finally:
                span.close()
        return self

    def _drive(self, span, proc) -> None:
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
        err: list[str] = []
        threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True).start()
        deadline = time.monotonic() + self.seconds + 10          # host time only bounds a hung peer
        ready = False
        idle_blocks = 0
        try:
            while time.monotonic() < deadline:
                rx = span.read(timeout=0.5)
                if rx is not None:
                    tx = np.full((32, rx.frames), 0xD5, np.uint8)
                    self.r2.process(rx, tx)
                    span.write(tx)
                    if self.on_block:
                        self.on_block(self.r2)
                while not lines.empty():
                    event = json.loads(lines.get())
                    self.events.append(event)
                    if self.on_event:
                        self.on_event(event, self.r2)
                    if event["ev"] == "ready" and not ready:
                        ready = True
                        if self.on_ready:
                            self.on_ready(self.r2)
                if proc.poll() is not None and lines.empty():
                    idle_blocks = idle_blocks + 1 if self.r2.all_idle() else 0
                    if idle_blocks >= 10:                           # 200 ms of line time, all idle
                        break
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(5)
            self.stderr = "".join(err)
