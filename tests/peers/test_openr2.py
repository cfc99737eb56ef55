"""Interoperability with OpenR2 (Debian libopenr2), both directions, ITU and China.

Each test is one real-time run of the DAHDI emulation with many channels scripted at once
(see openr2_run.py): OpenR2 places calls into the box, answers the box's calls or refuses
them, clears forward or back, blocks a channel, and seizes at the same moment as the box.
What OpenR2 received is read from its own reports; what the box received from its calls.
Call setup times are the box's, on the line clock (seizure to group B).
"""
from __future__ import annotations

import pytest

from firmware.signaling import NoChannel, R2Options
from tests.peers.openr2_run import PeerRun

pytestmark = pytest.mark.timeout(120)


class Box:
    """The call logic on the box side of a run: decisions per timeslot, calls to place."""

    def __init__(self, decide=None, hang_after_answer=(), outgoing=()):
        self.decide = decide or {}                  # ts -> "accept" or a reject cause
        self.hang = set(hang_after_answer)          # ts whose calls the box clears once answered
        self.outgoing = list(outgoing)              # (ts, dnis, ani, category)
        self.calls = {}                             # ts -> every Call seen, in order

    def listener(self, event, call):
        self.calls.setdefault(call.ts, [])
        if call not in self.calls[call.ts]:
            self.calls[call.ts].append(call)
        if event == "offered":
            choice = self.decide.get(call.ts, "accept")
            call.accept() if choice == "accept" else call.reject(choice)
        elif event == "accepted" and call.direction == "in":
            call.answer()
        elif event == "answered" and call.ts in self.hang:
            call.clear()

    def place(self, r2):
        for ts, dnis, ani, category in self.outgoing:
            self.calls.setdefault(ts, []).append(r2.place_call(dnis, ani, category, ts=ts))

    def last(self, ts):
        return self.calls[ts][-1]


def offered(run, ts):
    events = run.peer_events(ts, "offered")
    assert events, f"OpenR2 was never offered a call on TS{ts}: {run.peer_events(ts)}\n{run.stderr[-2000:]}"
    return events[-1]


def disconnect_causes(run, ts):
    return [e["cause"] for e in run.peer_events(ts, "disconnect")]


def check_all_idle(run):
    assert run.r2.all_idle(), [(c["ts"], c["state"]) for c in run.r2.snapshot()["channels"] if c["state"] != "idle"]
    unfinished = [e for e in run.peer_events(ev="done") if not e["finished"] or e["state"] != "Idle"]
    assert not unfinished, unfinished


def setup_times(box, direction):
    return [c.setup_ms for calls in box.calls.values() for c in calls
            if c.direction == direction and c.setup_ms is not None]


@pytest.mark.parametrize("variant", ["itu", "china", "brazil"])
def test_openr2_both_directions_rejections_clears_blocking(variant, tmp_path, record_property):
    china = variant == "china"
    # OpenR2's China forward side sends no ANI (design.md section 4): the box asks none there
    options = R2Options.from_mapping({"variant": variant, "max_dnis": 4, "max_ani": 0 if china else 10,
                                      "timers_ms": {"answer_delay": 150}})
    box = Box(decide={7: "busy", 9: "accept"}, hang_after_answer={2, 9},
              outgoing=[(2, "4321", "7654321", "national_priority"), (3, "2000", "8001", "national"),
                        (4, "2001", "8002", "national"), (5, "2002", "8003", "national"),
                        (8, "2003", "8004", "international")])
    specs = ["1:call:dnis=1234,ani=5550123,cat=national,clear=800",          # OpenR2 calls, clears forward
             "2:answer:answer=100",                                            # box calls, box clears forward
             "3:answer:decide=busy", "4:answer:decide=congestion", "5:answer:decide=unallocated",
             "7:call:dnis=5678,ani=5550177,cat=national",                      # box rejects busy
             "8:answer:answer=100,clear=600",                                  # OpenR2 clears back
             "9:call:dnis=9999,ani=5550199,cat=national",                      # box clears back
             "10:call:dnis=1111,ani=5550110,abort=250",                        # OpenR2 gives up mid-register
             "11:block:unblock=1500"]
    run = PeerRun(variant, specs, options, box.listener, seconds=12, on_ready=box.place,
                  peer_args=["--max-ani", "10", "--max-dnis", "4"]).run(tmp_path)

    # OpenR2 -> box: what the box received
    inbound = box.last(1)
    assert (inbound.dnis, inbound.category) == ("1234", "national")
    assert inbound.ani == ("" if china else "5550123")
    assert inbound.events == ["offered", "accepted", "answered", "cleared"] and inbound.cause == "clear_forward"
    # box -> OpenR2: what OpenR2 received
    got = offered(run, 2)
    assert (got["dnis"], got["ani"], got["category"]) == ("4321", "7654321", "national_priority")
    assert box.last(2).events == ["accepted", "answered", "cleared"] and box.last(2).cause == "local"
    assert disconnect_causes(run, 2) == ["Normal Clearing"]
    # refusals, each seen by the box as the right cause
    for ts, cause in ((3, "busy"), (4, "congestion"), (5, "unallocated")):
        assert offered(run, ts)["dnis"] == f"200{ts - 3}"
        assert (box.last(ts).events, box.last(ts).cause) == (["failed"], cause), box.last(ts).trace
    # the box refuses busy: OpenR2 hears busy
    assert disconnect_causes(run, 7) == ["Busy Number"]
    # OpenR2 clears back: the box sees clear-back and clears forward
    assert (box.last(8).events, box.last(8).cause) == (["accepted", "answered", "cleared"], "clear_back")
    assert offered(run, 8)["category"] == "international"
    # the box clears back: OpenR2 sees the disconnect
    assert box.last(9).events[-1] == "cleared" and run.peer_events(9, "disconnect")
    # OpenR2 clears forward in the middle of the register phase
    assert box.last(10).events == ["failed"] and box.last(10).cause == "abandoned"
    # blocking: the box saw TS11 blocked, then free again
    log = [text for _, ts, text in run.r2.log if ts == 11]
    assert "blocked by the far end" in log and "unblocked by the far end" in log
    check_all_idle(run)
    record_property("setup_ms_in", setup_times(box, "in"))
    record_property("setup_ms_out", setup_times(box, "out"))


@pytest.mark.parametrize("variant", ["itu", "china"])
def test_openr2_thirty_channels_at_once(variant, tmp_path, record_property):
    """15 calls from OpenR2 into the box and 15 from the box into OpenR2, all at the same time."""
    china = variant == "china"
    options = R2Options.from_mapping({"variant": variant, "max_dnis": 4, "max_ani": 0 if china else 10})
    into_box = [ts for ts in range(1, 16)]
    from_box = [ts for ts in range(17, 32)]
    box = Box(hang_after_answer=from_box,
              outgoing=[(ts, f"{3000 + ts}", f"55501{ts:02d}", "national") for ts in from_box])
    specs = [f"{ts}:call:dnis={1000 + ts},ani=66601{ts:02d},cat=national,clear=500" for ts in into_box]
    specs += [f"{ts}:answer:answer=50" for ts in from_box]
    run = PeerRun(variant, specs, options, box.listener, seconds=15, on_ready=box.place,
                  peer_args=["--max-ani", "10", "--max-dnis", "4"]).run(tmp_path)
    for ts in into_box:
        call = box.last(ts)
        assert call.dnis == f"{1000 + ts}" and call.ani == ("" if china else f"66601{ts:02d}"), call.trace
        assert call.events == ["offered", "accepted", "answered", "cleared"], (ts, call.events)
    for ts in from_box:
        got = offered(run, ts)
        assert (got["dnis"], got["ani"]) == (f"{3000 + ts}", f"55501{ts:02d}")
        assert box.last(ts).events == ["accepted", "answered", "cleared"], (ts, box.last(ts).events)
    check_all_idle(run)
    times = setup_times(box, "in") + setup_times(box, "out")
    assert len(times) == 30
    record_property("setup_ms", times)


def test_openr2_glare_both_ends_release(tmp_path):
    """The box seizes TS12 the moment OpenR2 reports its own seizure, before the box could
    have recognised it (debounce + line delay): a true dual seizure. OpenR2 takes the box's
    seizure for a forced release and clears forward at once (within the box's debounce);
    the box keeps its seizure until its seize-acknowledge timer, then clears: both calls
    fail, both ends return to idle, nothing is left hanging. The report of OpenR2's seizure
    crosses a pipe, so on a loaded machine it can come too late for a dual seizure: then
    the run is repeated (at most three times)."""
    options = R2Options.from_mapping({"variant": "itu", "max_dnis": 4, "glare": "yield",
                                      "timers_ms": {"seize_ack": 1500}})
    for attempt in range(3):
        box = Box()
        state = {}

        def seize_too(event, r2):
            if event["ev"] == "seized" and event["ts"] == 12:
                try:
                    state["call"] = r2.place_call("4444", "5554444", ts=12)
                except NoChannel:
                    state["late"] = True           # the box already saw OpenR2's seizure

        run = PeerRun("itu", ["12:call:dnis=1212,ani=5551212,cat=national,clear=400,delay=300"], options,
                      box.listener, seconds=8, on_event=seize_too,
                      peer_args=["--max-ani", "10", "--max-dnis", "4"]).run(tmp_path / str(attempt))
        check_all_idle(run)
        if "call" in state:
            break
    ours = state["call"]
    assert ours.events == ["failed"] and ours.cause == "timeout", ours.trace
    assert disconnect_causes(run, 12) == ["Forced Release"]
    assert any(ts == 12 and "glitch 00" in text for _, ts, text in run.r2.log)


def test_box_cannot_seize_a_channel_openr2_blocks(tmp_path):
    options = R2Options.from_mapping({"variant": "itu", "max_dnis": 4})
    tried = {}

    def try_blocked(r2):
        if r2.channels[6].far_blocked and "blocked" not in tried:
            with pytest.raises(NoChannel):
                r2.place_call("1234", ts=6)
            tried["blocked"] = r2.now
        if "blocked" in tried and not r2.channels[6].far_blocked and "free" not in tried:
            tried["free"] = r2.now

    run = PeerRun("itu", ["6:block:unblock=600"], options, None, seconds=4, on_block=try_blocked).run(tmp_path)
    assert run.peer_events(6, "unblocked")
    assert tried["free"] - tried["blocked"] >= 400 * 8          # blocked for most of OpenR2's 600 ms
    log = [text for _, ts, text in run.r2.log if ts == 6]
    assert log.index("blocked by the far end") < log.index("unblocked by the far end")
    check_all_idle(run)
