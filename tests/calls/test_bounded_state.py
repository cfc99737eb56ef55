"""The box keeps no per-call state once calls are over (issue 7, the soak's memory growth).

Mixed traffic runs through the rig in line time (callers to agents, a survey, wrong card
numbers, hang-ups in the IVR); after a few rounds and after three times as many, the box's
per-call containers must be back to what they were, and the bounded ones (R2 call history,
store partitions and caches, event logs) within their bounds. Not a timed test and not an
RSS threshold: sizes of the structures themselves.
"""
from __future__ import annotations

import sys

from firmware.signaling.calls import PackedTrace
from firmware.store.writer import OPEN_PARTITIONS
from tests.calls.conftest import acd_with

CALLS_PER_ROUND = 4


def one_round(rig, n: int) -> None:
    """Four callers at once: two ask for an agent (one rates the service after the agent hangs
    up), one enters a wrong card number, one hangs up in the IVR; then everybody is gone."""
    anis = [f"1390000{n:03d}{k}" for k in range(CALLS_PER_ROUND)]
    callers = [rig.network.call("95105", ani=ani, category="national") for ani in anis]
    rig.run_until(lambda: all(c.state == "answered" for c in callers), 15)
    rig.network.send_dtmf(callers[0], "0")
    rig.network.send_dtmf(callers[1], "0")
    rig.network.send_dtmf(callers[2], "1")
    rig.step(1.0)
    rig.network.send_dtmf(callers[2], "111111#")
    rig.step(2.0)
    callers[3].clear()
    rig.run_until(lambda: sum(leg.phase == "connected" for leg in rig.center.calls.values()) == 2, 30)
    rig.step(1.0)
    callers[0].clear()
    for agent in [c for c in rig.pbx.calls if c.direction == "in" and c.state == "answered"]:
        agent.clear()                                     # caller 1 is asked for a rating
    rig.step(1.0)
    rig.network.send_dtmf(callers[1], "5")
    rig.step(1.0)
    for caller in callers:
        if caller.state != "ended":
            caller.clear()
    rig.run_until(lambda: not rig.center.calls, 30)
    rig.step(0.5)


def per_call_state(rig) -> dict:
    """Sizes of everything the box keeps per call in progress."""
    center = rig.center
    return {
        "calls": len(center.calls), "by_endpoint": len(center.by_endpoint),
        "agent_legs": len(center.agent_legs), "acd_calls": len(center.acd.calls),
        "recordings": len(center.recorders.active), "voicemail": len(center.voicemail.active),
        "taps": len(center.listening.taps), "whispers": len(center.listening.whispers),
        "switched": len(center.switch.source), "conferences": len(center.conferences.rooms),
        "players": sum(len(p._active) for p in center.players.values()),
        "r2_active": sum(len(span.active_calls()) for span in center.r2.values()),
        "live_timers": rig.engine.clock.pending(),
    }


def trace_bytes(call) -> int:
    trace = call.trace
    if isinstance(trace, PackedTrace):
        return sum(sys.getsizeof(getattr(trace, slot)) for slot in PackedTrace.__slots__)
    return sys.getsizeof(trace) + sum(sys.getsizeof(e) + sys.getsizeof(e[0]) + sys.getsizeof(e[1]) for e in trace)


def test_per_call_state_does_not_grow_with_the_number_of_calls(rig):
    box = rig(acd=acd_with(ring_timeout_s=5))
    for extension in ("8001", "8002", "8003"):
        box.login(extension)
    for n in range(3):
        one_round(box, n)
    early, finished_early = per_call_state(box), box.center.finished
    for n in range(3, 12):
        one_round(box, n)
    late = per_call_state(box)
    assert box.center.finished - finished_early == 9 * CALLS_PER_ROUND      # the traffic did run
    assert late == early
    assert late["calls"] == late["agent_legs"] == late["acd_calls"] == late["recordings"] == 0


def test_bounded_structures_stay_within_their_bounds(rig):
    box = rig(acd=acd_with(ring_timeout_s=5))
    box.login("8001")
    box.login("8002")
    spans = list(box.center.r2.values())
    for span in spans:                                  # a short history, to reach its bound here
        span.history = type(span.history)(span.history, maxlen=6)
    for n in range(6):
        one_round(box, n)
    box.barrier()
    archived = [call for span in spans for call in span.history]
    assert all(len(span.history) <= 6 for span in spans) and len(archived) >= 6
    assert all(isinstance(call.trace, PackedTrace) and len(call.trace) > 10 for call in archived)
    # a packed trace costs a fraction of the list of (frame, text) tuples it replaced
    packed = sum(trace_bytes(call) for call in archived)
    unpacked = sum(trace_bytes(type("C", (), {"trace": list(call.trace)})) for call in archived)
    assert packed * 3 < unpacked
    assert all(len(span.log) <= span.log.maxlen for span in spans)
    assert len(box.engine.event_log) <= 1000
    assert len(box.store._writer._open) <= OPEN_PARTITIONS
    assert len(box.store.reader._cache) <= box.store.reader.cache_size


def test_a_packed_trace_reads_back_as_the_list_it_replaced():
    entries = [(12, "state idle -> seized"), (13, ""), (2**40, "MF rx forward 5 on"), (2**40 + 1, "ends ünïcode")]
    packed = PackedTrace(entries)
    assert list(packed) == entries and packed == entries and len(packed) == 4
    assert packed[-1] == entries[-1] and packed[1:3] == entries[1:3]
    packed.append((99, "listener error on cleared"))
    assert packed[4] == (99, "listener error on cleared") and packed[:4] == entries
