"""OpenR2 (a C program, in its own process) drives a channel of the DAHDI emulation to R2 idle.

The emulation is preloaded into the peer (LD_PRELOAD); the far end of its channel is a
DahdiSpan in this process that mirrors the ABCD bits it receives, as an R2 peer at rest does.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from drivers.base import SpanConfig
from drivers.dahdi.emu import EmulatedDahdi
from drivers.dahdi.span import DahdiSpan, use_emulation_if_asked

HERE = Path(__file__).resolve().parent
ABI_DIR = HERE.parents[1] / "drivers" / "dahdi"


@pytest.fixture(scope="module")
def openr2_idle(tmp_path_factory) -> Path:
    if not Path("/usr/include/openr2.h").exists() or not shutil.which("cc"):
        pytest.skip("needs libopenr2-dev and cc")
    exe = tmp_path_factory.mktemp("openr2") / "openr2_idle"
    result = subprocess.run(["cc", "-O1", "-Wall", f"-I{ABI_DIR}", "-o", str(exe),
                             str(HERE / "peers" / "openr2_idle.c"), "-lopenr2"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return exe


def test_openr2_reaches_idle_through_the_emulation(openr2_idle, tmp_path):
    with EmulatedDahdi(spans=2, layout="cas", speed=1.0, directory=str(tmp_path)) as emu:
        use_emulation_if_asked()
        far = DahdiSpan(SpanConfig(span=2, backend="dahdi", address="dahdi:2"))
        far.open()
        try:
            peer = subprocess.Popen([str(openr2_idle), "1", "50"], env=emu.env(base=dict(os.environ)),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            idle = np.full((32, 160), 0xD5, dtype=np.uint8)
            seen: list[int] = []
            blocks = 0
            while peer.poll() is None and blocks < 500:    # the peer runs 50 blocks of line time
                rx = far.read(timeout=1.0)
                if rx is None:
                    continue
                blocks += 1
                far.write(idle)
                bits = int(rx.abcd[1])
                if not seen or seen[-1] != bits:
                    seen.append(bits)
                if bits != int(far.tx_abcd[1]):
                    far.set_abcd(1, bits)
            out, err = peer.communicate(timeout=10)
        finally:
            far.close()
    assert peer.returncode == 0, err
    assert "tx=IDLE rx=IDLE" in out, out + err
    assert "os_errors=0" in out, out + err
    assert seen == [0b1011], f"OpenR2 China idle is AB=10 CD=11; saw {[bin(b) for b in seen]}"
