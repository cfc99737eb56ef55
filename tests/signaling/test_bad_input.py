"""Bad line input from a scripted far end: every case clears the call with the right signal,
returns the channel to idle, logs the event, and leaves the other channels alone. Ends with
a property test over thousands of random far-end behaviours (30 channels per example)."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drivers.base import SpanAlarms
from firmware.dsp.synth import tones
from firmware.signaling import R2Options
from firmware.signaling.line import ANSWER, BLOCKED, IDLE, SEIZE
from tests.signaling.test_calls import Logic, make
from tests.signaling.wire import RawWire

SHORT_TIMERS = {"seize_ack": 600, "fwd_signal": 1000, "back_cycle": 600, "compelled": 1000,
                "decision": 300, "answer": 1000, "release": 1000, "clear_forward": 1000}


def raw(variant="itu", logic=None, **extra):
    options = R2Options.from_mapping({"variant": variant, "max_dnis": 4, "max_ani": 2,
                                      "timers_ms": SHORT_TIMERS, **extra})
    return RawWire(options, logic or Logic())


def tx_ab(wire, ts):
    return int(wire.box_span.tx_abcd[ts]) >> 2


def seize(wire, ts):
    wire.set_ab(ts, SEIZE)
    wire.run_until(lambda: tx_ab(wire, ts) == BLOCKED)          # seize acknowledged (11)


def settle_idle(wire, max_blocks=1500):
    wire.go_idle()
    wire.run_until(wire.box.all_idle, max_blocks)


def test_glitch_shorter_than_debounce_is_ignored_and_logged():
    wire = raw()
    wire.set_ab(4, SEIZE)
    wire.step(1)                                   # one block: shorter than the 20 ms debounce
    wire.set_ab(4, IDLE)
    wire.step(5)
    assert wire.box.channels[4].state == "idle" and tx_ab(wire, 4) == IDLE
    assert any(ts == 4 and "glitch" in text for _, ts, text in wire.box.log)
    assert wire.box.stats["glitches"] == 1


def test_glitch_on_an_answered_call_does_not_clear_it():
    far = Logic()
    wire = make("itu", far_logic=far)
    call = wire.box.place_call("1234", ts=2)
    wire.run_until(lambda: call.state == "answered")
    wire.override[0] = {2: 0b1101}                # one block of "clear-back" on the line
    wire.step(1)
    wire.override[0] = {}
    wire.step(10)
    assert call.state == "answered"
    assert any(ts == 2 and "glitch" in text for _, ts, text in wire.box.log)


def test_illegal_abcd_on_idle_channel_is_logged_and_ignored():
    wire = raw()
    wire.set_ab(6, ANSWER)                         # 01 from a forward end means nothing
    wire.step(5)
    assert wire.box.channels[6].state == "idle"
    assert any(ts == 6 and "illegal" in text for _, ts, text in wire.box.log)


def test_illegal_abcd_during_incoming_register_clears_and_returns_to_idle():
    wire = raw()
    seize(wire, 7)
    wire.tone(7, "forward", 1)                      # a first DNIS digit
    wire.step(6)
    wire.set_ab(7, ANSWER)                          # illegal for a forward end
    wire.step(6)
    call = wire.box.channels[7].call
    assert call.cause == "protocol_error" and call.events == ["failed"]
    settle_idle(wire)
    assert any("illegal AB 01" in text for _, text in call.trace)


def test_tones_that_are_not_a_valid_pair_time_out_and_clear():
    wire = raw()
    seize(wire, 8)
    # three forward frequencies at once, then one alone: never a valid R2 signal
    bad = tones((1380, 1500, 1620), (-8, -8, -8), 160)
    wire.extra[8] = bad
    wire.step(20)
    assert wire.box.channels[8].tone_out == 0, "the box answered a signal that was not there"
    wire.run_until(lambda: wire.box.channels[8].state == "in_clear_back")
    call = wire.box.channels[8].call
    assert call.cause == "protocol_error" and any("no forward signal" in t for _, t in call.trace)
    settle_idle(wire)


def test_signal_out_of_sequence_is_refused_with_congestion():
    wire = raw()
    seize(wire, 9)
    wire.tone(9, "forward", 12)                    # I-12 where a DNIS digit is expected
    wire.step(8)
    ch = wire.box.channels[9]
    assert ch.tone_out == wire.box.options.variant.requests["congestion"]
    wire.tone(9, "forward", 0)
    wire.step(8)
    assert ch.call.cause == "congestion" and any("neither a digit" in t for _, t in ch.call.trace)
    settle_idle(wire)


def test_backward_signal_meaning_nothing_makes_the_caller_clear_forward():
    wire = raw()
    call = wire.box.place_call("1234", ts=10)
    wire.run_until(lambda: tx_ab(wire, 10) == SEIZE)
    wire.set_ab(10, BLOCKED)                       # seize acknowledge
    wire.step(8)
    wire.tone(10, "backward", 9)                   # nothing in ITU
    wire.step(6)
    wire.tone(10, "backward", 0)
    wire.run_until(lambda: call.state == "ended")
    assert call.cause == "protocol_error" and tx_ab(wire, 10) == IDLE      # clear-forward sent
    settle_idle(wire)


def test_far_end_stops_answering_mid_sequence():
    wire = raw()
    call = wire.box.place_call("1234", ani="55", ts=11)
    wire.run_until(lambda: tx_ab(wire, 11) == SEIZE)
    wire.set_ab(11, BLOCKED)
    wire.step(8)
    wire.tone(11, "backward", 1)                   # one request, then silence for ever
    wire.step(6)
    wire.tone(11, "backward", 0)
    wire.run_until(lambda: call.state == "ended", 300)
    assert call.cause == "timeout" and tx_ab(wire, 11) == IDLE
    settle_idle(wire)


def test_forward_end_stops_mid_sequence_and_never_clears():
    wire = raw()
    seize(wire, 12)
    wire.tone(12, "forward", 3)
    wire.step(5)
    wire.tone(12, "forward", 0)                    # then nothing, line held seized
    wire.run_until(lambda: wire.box.channels[12].state == "in_clear_back", 300)
    wire.step(200)                                 # the far end still does not clear forward
    assert wire.box.channels[12].state == "in_clear_back"
    assert any("no clear-forward" in t for _, t in wire.box.channels[12].call.trace)
    settle_idle(wire)


def test_bad_input_on_one_channel_leaves_a_call_on_another_undisturbed():
    far = Logic()
    wire = make("china", far_logic=far)
    good = wire.box.place_call("1234", ani="77", ts=1)
    wire.override[0] = {3: 0b0111}                 # garbage ABCD on TS3 throughout
    wire.run_until(lambda: good.state == "answered")
    good.clear()
    wire.override[0] = {}
    wire.settle()
    assert good.events == ["accepted", "answered", "cleared"]


# -- random far ends ----------------------------------------------------------------------
ACTIONS = st.one_of(
    st.tuples(st.just("ab"), st.integers(0, 3)),
    st.tuples(st.just("fwd"), st.integers(0, 15)),
    st.tuples(st.just("bwd"), st.integers(0, 15)),
    st.tuples(st.just("noise"), st.integers(0, 2 ** 16)),
    st.tuples(st.just("call"), st.integers(0, 1)),
)
SCRIPT = st.lists(st.tuples(st.integers(0, 60), ACTIONS), max_size=8)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(scripts=st.lists(SCRIPT, min_size=30, max_size=30), variant=st.sampled_from(["itu", "china"]),
       alarm_at=st.one_of(st.none(), st.integers(0, 60)))
def test_random_far_end_behaviour_always_ends_idle(scripts, variant, alarm_at):
    logic = Logic(decide="accept")
    wire = raw(variant, logic)
    timeslots = list(wire.box.channels)
    by_block: dict[int, list] = {}
    for ts, script in zip(timeslots, scripts):
        for at, action in script:
            by_block.setdefault(at, []).append((ts, action))
    rng = np.random.default_rng(len(scripts[0]))
    for block in range(64):
        if alarm_at is not None and block in (alarm_at, alarm_at + 3):
            wire.alarm = SpanAlarms(red=block == alarm_at, detail=frozenset({"LOS"}) if block == alarm_at else frozenset())
        for ts, (kind, value) in by_block.get(block, []):
            if kind == "ab":
                wire.set_ab(ts, value)
            elif kind in ("fwd", "bwd"):
                wire.tone(ts, "forward" if kind == "fwd" else "backward", value)
            elif kind == "noise":
                wire.extra[ts] = rng.normal(0, 1 + value % 3000, 160)
            elif kind == "call" and ts in wire.box.idle_channels():
                wire.box.place_call("1234", ani="9", ts=ts)
        wire.step()
    settle_idle(wire, 2500)
    assert all(int(wire.box_span.tx_abcd[ts]) >> 2 == IDLE for ts in timeslots)
    assert all(c.state == "ended" for c in wire.box.history)
    STATS["examples"] += 1
    STATS["calls"] += len(wire.box.history)
    STATS["protocol_errors"] += wire.box.stats["protocol_errors"]


STATS = {"examples": 0, "calls": 0, "protocol_errors": 0}


def test_random_far_ends_did_make_calls_and_errors():
    """The property test above must have exercised calls and protocol errors, not idle lines."""
    if STATS["examples"] == 0:
        test_random_far_end_behaviour_always_ends_idle()
    assert STATS["calls"] > STATS["examples"] and STATS["protocol_errors"] > 0, STATS
