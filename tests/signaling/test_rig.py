"""The box (engine on the sim board, R2 attached) against the rig's network and PBX far
ends over e1link, in lock step: calls in with ANI/DNIS/category, DTMF after answer, the
box calling agent extensions that ring, answer or are busy. Line time only."""
from __future__ import annotations

import threading

import pytest

from board.profile import load_profile
from drivers.e1raw.span import framer_config
from firmware.dsp.dtmf import DtmfReceiver
from firmware.dsp.g711 import ALAW_TO_FLOAT
from firmware.engine import Engine
from firmware.signaling import R2Options
from firmware.signaling.box import attach
from hil.farend import FarEnd
from hil.r2 import Extension, PbxFarEnd, R2FarEnd, step_all


class BoxLogic:
    """A tiny call logic on the box: answer calls in, hear DTMF on them; place calls out."""

    def __init__(self):
        self.calls = []
        self.dtmf = DtmfReceiver(32)
        self.digits = []

    def __call__(self, event, call):
        self.calls.append((event, call))
        if event == "offered":
            call.accept()
        elif event == "accepted" and call.direction == "in":
            call.answer()

    def hear(self, span, rx, tx):
        if span == 1:
            for event in self.dtmf.process(ALAW_TO_FLOAT.take(rx.voice)):
                if event.kind == "start":
                    self.digits.append((event.channel, event.signal))


@pytest.fixture
def rig(tmp_path):
    profile = load_profile("sim").with_runtime_dir(tmp_path)
    engine = Engine(profile)
    engine.open()
    logic = BoxLogic()
    r2 = attach(engine, logic, overrides={1: {"max_dnis": 4, "max_ani": 12}, 2: {"max_dnis": 4}})
    engine.add_handler(logic.hear)
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    ends = {c.span: FarEnd(c.address, framer_config(c), timeout=5.0) for c in profile.spans}
    for end in ends.values():
        end.connect()
    options = R2Options.from_mapping({"variant": "china", "max_dnis": 4, "hunt": "high"})
    network = R2FarEnd(ends[1], options, 1)
    pbx = PbxFarEnd(ends[2], options, {"8001": Extension(ring_ms=1500), "8002": Extension(busy=True)})
    yield engine, r2, logic, network, pbx
    engine.stop()
    thread.join(5)
    for end in ends.values():
        end.close()
    engine.close()


def run_until(ends, predicate, blocks=1500):
    for _ in range(blocks):
        if predicate():
            return
        step_all(ends)
    raise AssertionError("condition not reached")


def test_network_calls_in_sends_dtmf_and_clears(rig):
    engine, r2, logic, network, pbx = rig
    call = network.call("1234", ani="13800138000", category="national")
    run_until([network, pbx], lambda: call.state == "answered")
    box_call = next(c for e, c in logic.calls if e == "offered")
    assert (box_call.dnis, box_call.category) == ("1234", "national")
    assert box_call.ani == "13800138000"
    network.send_dtmf(call, "12#")
    step_all([network, pbx], 40)
    assert [d for ch, d in logic.digits if ch == call.ts] == ["1", "2", "#"]
    call.clear()
    run_until([network, pbx], lambda: r2.span(1).all_idle() and network.r2.all_idle())
    assert box_call.cause == "clear_forward"


def test_box_calls_agent_extensions_ring_answer_busy_unallocated(rig):
    engine, r2, logic, network, pbx = rig
    box = r2.span(2)
    answered = box.place_call("8001", ani="1")
    busy = box.place_call("8002", ani="1")
    nobody = box.place_call("8999", ani="1")
    run_until([network, pbx], lambda: answered.state == "answered" and busy.state == nobody.state == "ended")
    assert (busy.cause, nobody.cause) == ("busy", "unallocated")
    ring_ms = (answered.answered_at - answered.accepted_at) / 8
    assert 1500 <= ring_ms <= 1700                     # the phone rang 1.5 s of line time
    answered.clear()
    run_until([network, pbx], lambda: box.all_idle() and pbx.r2.all_idle())


def test_cable_pulled_during_a_call_clears_it_and_blocks_the_span(rig):
    engine, r2, logic, network, pbx = rig
    call = network.call("1234", ani="1", category="national")
    run_until([network, pbx], lambda: call.state == "answered")
    box_call = next(c for e, c in logic.calls if e == "offered")
    network.far.disconnect()                           # span 1 goes silent: no more blocks
    run_until([pbx], lambda: box_call.state == "ended", blocks=400)
    assert box_call.cause == "alarm"
    assert all(c.state == "alarm" for c in r2.span(1).channels.values())
    assert any("no signal" in text for _, _, text in r2.span(1).log)
