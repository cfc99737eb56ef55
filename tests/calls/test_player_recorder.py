"""Players fill their timeslots exactly; recordings hold both directions bit-exact."""
from __future__ import annotations

import numpy as np

from firmware.calls.player import IDLE_ALAW, Players
from firmware.calls.recorder import Recorders
from firmware.dsp.wav import read_wav
from firmware.dsp.g711 import alaw_decode


def test_prompt_plays_in_order_then_silence_and_done_once():
    players = Players()
    done = []
    a, b = np.arange(100, dtype=np.uint8), np.arange(100, 250, dtype=np.uint8)
    players.play(4, [a, b], on_done=lambda: done.append(1))
    out = []
    for _ in range(3):
        tx = np.full((32, 160), 7, np.uint8)
        players.fill(tx)
        out.append(tx[4].copy())
        assert np.all(tx[5] == 7)
    stream = np.concatenate(out)
    assert np.array_equal(stream[:250], np.concatenate([a, b]))
    assert np.all(stream[250:320] == IDLE_ALAW)          # the rest of the last block is silence
    assert np.all(stream[320:] == 7)                     # then the player no longer writes
    assert done == [1] and not players.playing(4)


def test_loop_wraps_and_stop_is_silent():
    players = Players()
    done = []
    moh = np.arange(7, dtype=np.uint8)
    players.play(1, [moh], loop=True, on_done=lambda: done.append(1))
    tx = np.zeros((32, 160), np.uint8)
    players.fill(tx)
    assert np.array_equal(tx[1], np.resize(moh, 160))
    players.fill(tx)
    assert tx[1][0] == 160 % 7
    players.stop(1)
    assert done == [] and not players.playing(1)


def test_recording_has_both_directions_and_skips_paused_blocks(tmp_path):
    recorders = Recorders()
    rng = np.random.default_rng(5)
    rec = recorders.start("call-1", tmp_path / "r.wav", span=1, ts=9, now_frame=0, agent="1001")
    rx_all, tx_all = [], []
    for i in range(6):
        rx = rng.integers(0, 256, (32, 160), dtype=np.uint8)
        tx = rng.integers(0, 256, (32, 160), dtype=np.uint8)
        recorders.pause("call-1", i == 3)
        recorders.block(1, rx, tx)
        recorders.block(2, tx, rx)                  # another span: not this recording
        if i != 3:
            rx_all.append(rx[9])
            tx_all.append(tx[9])
    recorders.stop("call-1")
    recorders.close()
    wav = read_wav(tmp_path / "r.wav")
    assert wav.encoding == "alaw" and wav.rate == 8000 and wav.samples.shape == (2, 5 * 160)
    assert rec.frames == 5 * 160
    assert np.array_equal(wav.samples[0], alaw_decode(np.concatenate(rx_all)))
    assert np.array_equal(wav.samples[1], alaw_decode(np.concatenate(tx_all)))
    assert recorders.errors == []
