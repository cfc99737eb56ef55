"""`e1desk monitor CALL --whisper` on a live call of a real box with the rig around it; the
headset is the clocked fake jack (ALSA file plugin over null on named pipes, see fakejack).
Checked from outside: what the earpiece played, what the rig's agent phone and caller heard."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from firmware.dsp.g711 import alaw_decode
from firmware.dsp.resample import resample
from tests.calls.audio import best_match
from tests.headset.fakejack import ROOT, strip_gaps

DEVICE_RATE = 44100


def linear(alaw: np.ndarray) -> np.ndarray:
    return alaw_decode(alaw).astype(np.float64)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    done = subprocess.run([sys.executable, "-m", "tests.headset.live_monitor", str(root)], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report, dict(np.load(root / "live.npz"))


def test_the_earpiece_plays_the_caller_then_the_agent(live):
    report, lines = live
    figures = report["figures"]
    assert report["started"]["listening"] is True and report["started"]["device"]["rate"] == DEVICE_RATE
    assert figures["ended"] is True and figures["reason"] == "call ended"
    assert report["status"]["call_id"] is None                      # the jack is free again
    assert report["tap_dropped"] == 0
    heard = strip_gaps(lines["played"])
    found = {}
    for name in ("said", "answered", "whispered"):
        found[name] = best_match(heard, resample(linear(lines[name]), 8000, DEVICE_RATE))
    assert found["said"][0] > 0.99 and found["answered"][0] > 0.99, found
    assert found["said"][1] < found["answered"][1]                  # in the order they were said
    assert found["whispered"][0] < 0.5, found                         # the whisper is not in the call
    assert figures["blocks"] >= (lines["said"].size + lines["answered"].size) // 160


def test_the_whisper_reaches_the_agent_and_not_the_caller(live):
    report, lines = live
    assert report["figures"]["whisper"]["blocks_sent"] >= lines["whispered"].size // 160
    start, end = lines["whisper_span"]
    whispered = linear(lines["whispered"])
    agent_score, _ = best_match(linear(lines["agent_heard"][start:end]), whispered)
    caller_score, _ = best_match(linear(lines["caller_heard"]), whispered)
    assert agent_score > 0.95, agent_score
    assert caller_score < 0.5, caller_score
