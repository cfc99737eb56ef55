"""The engine on the sim board with the rig's far ends plugged in: loop timing, line clock,
failover of the timing source, alarms in the snapshot. Line time only: no sleeps."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from board.profile import load_profile
from drivers.e1raw.span import framer_config
from firmware.clock import HOST
from firmware.engine import Engine
from hil.farend import FarEnd

IDLE = np.full((32, 160), 0xD5, dtype=np.uint8)


@pytest.fixture
def box(tmp_path):
    profile = load_profile("sim").with_runtime_dir(tmp_path)
    engine = Engine(profile)
    engine.open()
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    ends = {c.span: FarEnd(c.address, framer_config(c), timeout=5.0) for c in profile.spans}
    for end in ends.values():
        end.connect()
    yield engine, ends
    engine.stop()
    thread.join(5)
    for end in ends.values():
        end.close()
    engine.close()


def exchange_all(ends, blocks):
    last = {}
    for _ in range(blocks):
        for end in ends.values():
            end.send_block(IDLE)
        for span, end in ends.items():
            last[span] = end.receive_block()
    return last


def test_box_answers_frame_for_frame_and_clock_follows_span_1(box):
    engine, ends = box
    last = exchange_all(ends, 100)
    assert all(end.frames_sent == 16000 for end in ends.values())
    snap = engine.snapshot()
    assert snap["clock"]["source"] == "span 1"
    # host time counts only until span 1 delivers; then every frame of span 1 counts
    assert engine.clock.switches[0][1:] == (HOST, 1)
    assert snap["clock"]["frames"] - engine.clock.switches[0][0] >= 99 * 160
    for span in (1, 2):
        assert not last[span].alarms.detail, f"far end of span {span} sees {last[span].alarms.names()}"
        abcd = {int(last[span].abcd[ts]) for ts in range(1, 32) if ts != 16}
        assert abcd == {0b1001}, "idle channels send ABCD 1001"
    assert [s["alarms"] for s in snap["spans"]] == [[], []]
    assert len(snap["channels"]) == 60


def test_span_1_pulled_clock_moves_to_span_2_and_span_1_goes_red(box):
    engine, ends = box
    exchange_all(ends, 20)
    ends[1].disconnect()
    only2 = {2: ends[2]}
    exchange_all(only2, 10)
    assert engine.snapshot()["clock"]["source"] == "span 2"
    exchange_all(only2, 200)                       # 4 s of line time from span 2
    spans = {s["span"]: s for s in engine.snapshot()["spans"]}
    assert not spans[1]["connected"]
    assert "RED" in spans[1]["alarms"] and "LOS" in spans[1]["alarms"]
    assert spans[2]["alarms"] == []
    assert engine.clock.source == 2 and engine.clock.source != HOST
