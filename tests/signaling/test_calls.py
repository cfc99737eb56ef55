"""Calls between two R2 stacks over an in-memory PCM30 line: both variants, both directions,
every refusal, clearing from either end in every state, blocking, glare, alarms, and all
30 channels at once. Line time only (blocks), no sleeps."""
from __future__ import annotations

import pytest

from drivers.base import SpanAlarms
from firmware.signaling import NoChannel, R2Options
from tests.signaling.wire import Wire

VARIANTS = ["itu", "china"]


class Logic:
    """A call logic: records events; decides and answers as told."""

    def __init__(self, decide="accept", answer=True):
        self.decide, self.answer = decide, answer
        self.events = []
        self.calls = []

    def __call__(self, event, call):
        self.events.append((event, call.ts, call.cause))
        if call not in self.calls:
            self.calls.append(call)
        if event == "offered" and self.decide is not None:
            call.accept() if self.decide == "accept" else call.reject(self.decide)
        if event == "accepted" and call.direction == "in" and self.answer:
            call.answer()


def make(variant, box_logic=None, far_logic=None, **box):
    box_opts = R2Options.from_mapping({"variant": variant, "max_dnis": 4, **box})
    far_opts = R2Options.from_mapping({"variant": variant, "max_dnis": 4, "hunt": "high"})
    return Wire(box_opts, far_opts, box_logic or Logic(), far_logic or Logic())


@pytest.mark.parametrize("variant", VARIANTS)
def test_network_calls_box_with_ani_dnis_category(variant):
    box = Logic()
    wire = make(variant, box)
    call = wire.far.place_call("1234", ani="5550123", category="national_priority")
    wire.run_until(lambda: call.state == "answered")
    incoming = box.calls[0]
    assert (incoming.dnis, incoming.ani, incoming.category) == ("1234", "5550123", "national_priority")
    assert incoming.direction == "in" and incoming.ts == 31          # the far end hunts from the top
    assert 500 < call.setup_ms < 5000                                 # on the line clock
    call.clear()
    wire.settle()
    assert incoming.events == ["offered", "accepted", "answered", "cleared"]
    assert incoming.cause == "clear_forward"


@pytest.mark.parametrize("variant", VARIANTS)
def test_ani_after_dnis_when_not_ani_first(variant):
    box = Logic()
    wire = make(variant, box, ani_first=False)
    wire.far.place_call("4321", ani="77", category="international")
    wire.run_until(lambda: box.calls and box.calls[0].state == "answered")
    assert (box.calls[0].dnis, box.calls[0].ani, box.calls[0].category) == ("4321", "77", "international")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("cause", ["busy", "congestion", "unallocated", "out_of_order"])
def test_every_refusal_reaches_the_caller(variant, cause):
    far = Logic(decide=cause)
    wire = make(variant, far_logic=far)
    call = wire.box.place_call("5678", ani="1")
    wire.settle()
    assert call.events == ["failed"] and call.cause == cause and call.result == cause
    assert far.calls[0].cause == cause


@pytest.mark.parametrize("variant", VARIANTS)
def test_accept_without_charge(variant):
    wire = make(variant)
    call = wire.box.place_call("5678")
    wire.far.listener = lambda event, c: c.accept(charge=False) if event == "offered" else None
    wire.run_until(lambda: call.state == "accepted")
    assert call.result == "accept_free"
    call.clear()
    wire.settle()


# -- clearing in every state -------------------------------------------------------------
CALLER_STATES = ["out_seizing", "out_register", "out_accepted", "out_answered"]


@pytest.mark.parametrize("state", CALLER_STATES)
def test_clear_forward_in_every_state(state):
    far = Logic(answer=False)
    wire = make("china", far_logic=far)
    call = wire.box.place_call("1234", ani="99")
    if state == "out_answered":
        wire.run_until(lambda: call.state == "accepted")
        far.calls[0].answer()
    wire.run_until(lambda: wire.box.channels[call.ts].state == state)
    call.clear()
    wire.settle()
    assert call.events[-1] in ("failed", "cleared") and call.cause == "local"
    if far.calls:
        assert far.calls[0].state == "ended"


@pytest.mark.parametrize("state", ["in_accepted", "in_answered"])
def test_clear_back_in_every_state(state):
    """Answered: clear-back (11). Accepted, not answered: 11 is what the line already shows,
    so the caller learns it only from its answer timer (Q.421 has no clear-back before answer)."""
    box = Logic(answer=state == "in_answered")
    wire = make("itu", box)
    wire.far.options = wire.far.options.with_timers(answer=3000)
    call = wire.far.place_call("1234", ani="5")
    wire.run_until(lambda: box.calls and wire.box.channels[box.calls[0].ts].state == state)
    if state == "in_answered":
        wire.run_until(lambda: call.state == "answered")
    box.calls[0].clear()
    wire.settle()
    assert box.calls[0].cause == "local" and box.calls[0].events[-1] == "cleared"
    assert call.cause == ("clear_back" if state == "in_answered" else "no_answer")


def test_box_clears_while_offered_or_registering_sends_congestion():
    box = Logic(decide=None)
    wire = make("itu", box)
    call = wire.far.place_call("1234", ani="5")
    wire.run_until(lambda: box.calls and box.calls[0].state == "offered")
    box.calls[0].clear()
    wire.settle()
    assert call.cause == "congestion"
    box2 = Logic()
    wire2 = make("itu", box2)
    call2 = wire2.far.place_call("1234", ani="5555")
    wire2.run_until(lambda: wire2.box.channels[31].state == "in_register" and wire2.box.channels[31].reg.dnis)
    wire2.box.channels[31].call.clear()
    wire2.settle()
    assert call2.cause == "congestion"


def test_undecided_call_is_refused_with_congestion_by_timer():
    box = Logic(decide=None)
    wire = make("itu", box, timers_ms={"decision": 500})
    call = wire.far.place_call("1234", ani="5")
    wire.settle()
    assert call.cause == "congestion" and box.calls[0].cause == "congestion"
    assert any("timer decision expired" in text for _, text in box.calls[0].trace)


def test_unanswered_call_times_out_no_answer():
    wire = make("itu", far_logic=Logic(answer=False))
    wire.box.options = wire.box.options.with_timers(answer=2000)
    call = wire.box.place_call("1234")
    wire.settle()
    assert call.cause == "no_answer"


# -- blocking, glare, alarms --------------------------------------------------------------
def test_blocking_and_unblocking():
    wire = make("china")
    wire.far.block(5)
    wire.step(5)
    assert wire.box.channels[5].far_blocked and 5 not in wire.box.idle_channels()
    with pytest.raises(NoChannel):
        wire.box.place_call("1", ts=5)
    wire.far.unblock(5)
    wire.step(5)
    assert not wire.box.channels[5].far_blocked
    call = wire.box.place_call("1234", ts=5)
    wire.run_until(lambda: call.state == "answered")


def test_blocking_requested_during_a_call_applies_after_it():
    wire = make("itu")
    call = wire.box.place_call("1234", ts=3)
    wire.run_until(lambda: call.state == "answered")
    wire.far.block(3)
    assert wire.far.channels[3].state == "in_answered"
    call.clear()
    wire.run_until(lambda: wire.far.channels[3].state == "blocked")
    wire.step(3)
    assert wire.box.channels[3].far_blocked


@pytest.mark.parametrize("variant", VARIANTS)
def test_glare_one_side_yields_and_takes_the_other_call(variant):
    box, far = Logic(), Logic()
    wire = Wire(R2Options.from_mapping({"variant": variant, "max_dnis": 4, "glare": "yield"}),
                R2Options.from_mapping({"variant": variant, "max_dnis": 4, "glare": "keep"}), box, far)
    ours = wire.box.place_call("1111", ts=7)
    theirs = wire.far.place_call("2222", ani="3", ts=7)          # same block: dual seizure
    wire.run_until(lambda: theirs.state == "answered")
    assert ours.cause == "glare" and ours.events == ["failed"]
    assert box.calls[-1].dnis == "2222" and box.calls[-1].direction == "in"
    theirs.clear()
    wire.settle()


def test_alarm_clears_calls_blocks_channels_and_recovers():
    box, far = Logic(), Logic()
    wire = make("china", box, far)
    call = wire.box.place_call("1234", ts=1)
    wire.run_until(lambda: call.state == "answered")
    wire.alarm[0] = SpanAlarms(red=True, detail=frozenset({"LOS"}))
    wire.step(2)
    assert call.cause == "alarm" and call.events[-1] == "cleared"
    assert all(c.state == "alarm" for c in wire.box.channels.values())
    wire.step(3)
    assert all(c.far_blocked for c in wire.far.channels.values() if c.call is None)
    wire.override[0] = {9: 0b0001}                        # a seizure arrives during the alarm
    wire.step(3)
    assert any(ts == 9 and "during span alarm: ignored" in text for _, ts, text in wire.box.log)
    wire.override[0] = {}
    wire.alarm[0] = SpanAlarms()
    wire.settle()
    assert not any(c.far_blocked for c in wire.far.channels.values())
    again = wire.box.place_call("1234", ts=1)
    wire.run_until(lambda: again.state == "answered")


@pytest.mark.parametrize("variant", VARIANTS)
def test_all_thirty_channels_at_once_both_ways(variant):
    box, far = Logic(), Logic()
    wire = make(variant, box, far)
    out = [wire.box.place_call(f"{1000 + ts}", ani=f"{ts}", ts=ts) for ts in range(1, 16)]
    inn = [wire.far.place_call(f"{2000 + ts}", ani=f"{ts}", ts=ts) for ts in range(17, 32)]
    wire.run_until(lambda: all(c.state == "answered" for c in out + inn))
    assert sorted(c.dnis for c in far.calls if c.direction == "in") == [f"{1000 + ts}" for ts in range(1, 16)]
    assert sorted(c.dnis for c in box.calls if c.direction == "in") == [f"{2000 + ts}" for ts in range(17, 32)]
    with pytest.raises(NoChannel):
        wire.box.place_call("1")
    for c in out + inn:
        c.clear()
    wire.settle()
    assert len(wire.box.history) == 30 and all(c.state == "ended" for c in wire.box.history)
