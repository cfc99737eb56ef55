"""Boot time of the box: `e1desk run --board sim` started as a process, until the first
call a real-time rig places on span 1 is answered (design.md section 5: <= 3 s).

Used by `e1desk bench engine` (its ``boot`` figures): a first boot on an empty data
directory (records created, prompts spoken and cached), then later boots on the same one.
"""
from __future__ import annotations

import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from firmware.errors import Failure


def boot_once(data_dir: Path, timeout: float = 60.0) -> tuple[float, float, float]:
    """Seconds from starting `e1desk run --board sim` to its spans taking the rig's lines, and
    to the first call answered (R2 signalling in real time included); and the line seconds
    that call took from seizure to answer (the R2 register exchange, paced by the line)."""
    from board.profile import load_profile
    from drivers.e1raw.span import framer_config
    from firmware.signaling import R2Options
    from hil.farend import FarEnd
    from hil.r2 import PbxFarEnd, R2FarEnd, step_all

    run_dir = data_dir / "run"
    profile = load_profile("sim").with_runtime_dir(run_dir)
    options = R2Options.from_mapping({"variant": "china", "max_ani": 12})
    exe = Path(sys.executable).with_name("e1desk")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "firmware.cli"]
    t0 = time.monotonic()
    proc = subprocess.Popen(command + ["run", "--board", "sim", "--data", str(data_dir), "--status-every", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines = [FarEnd(c.address, framer_config(c), realtime=True, timeout=10) for c in profile.spans]
    try:
        for line in lines:
            line.connect(wait=timeout)
        listening = time.monotonic() - t0
        network = R2FarEnd(lines[0], options, number=1)
        ends = [network, PbxFarEnd(lines[1], options, {}, number=2)]
        call = network.call("95105", ani="13800138000", category="national")
        while call.state not in ("answered", "ended"):
            step_all(ends)
            if time.monotonic() - t0 > timeout:
                raise Failure(f"no answer within {timeout} s of starting the box")
        if call.state != "answered":
            raise Failure(f"the first call failed: {call.cause}")
        answered = time.monotonic() - t0
        return listening, answered, (call.answered_at - call.seized_at) / 8000
    finally:
        for line in lines:
            line.close()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def boot_figures(runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="e1boot-") as tmp:
        data = Path(tmp) / "data"
        first = boot_once(data)
        later = [boot_once(data) for _ in range(runs)]
    return {"first_boot_s": round(first[1], 3), "boot_s": round(statistics.median(b[1] for b in later), 3),
            "boot_runs_s": [round(b[1], 3) for b in later],
            "spans_listening_s": round(statistics.median(b[0] for b in later), 3),
            "first_call_setup_line_s": round(statistics.median(b[2] for b in later), 3)}
