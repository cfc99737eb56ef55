"""Random event sequences: the ACD never crashes on them (only BadInput/Failure for bad
requests) and its state stays consistent after every step."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from firmware.acd.engine import Acd
from firmware.acd.model import AgentState as S
from firmware.errors import BadInput, Failure
from tests.acd.helpers import Recorder, advance, make_clock

AGENTS = [{"agent": f"a{i}", "extension": f"800{i}", "skills": {"support": 1 + i % 2, "sales": 1}}
          for i in range(4)] + [{"agent": "s", "extension": "8100", "skills": {"sales": 1}}]
CONFIG = {"ports": 6, "seats": 4, "max_misses": 2, "queues": {
    "support": {"strategy": "round_robin", "wrapup_s": 3.0, "ring_timeout_s": 5.0, "max_wait_s": 40.0,
                "overflow_s": 20.0, "overflow_to": "sales", "announce_every_s": 7.0, "periodic_every_s": 11.0},
    "sales": {"number": "602", "strategy": "ring_all", "wrapup_s": 0.0, "ring_timeout_s": 4.0}}}

agent_ids = st.sampled_from([a["agent"] for a in AGENTS] + ["ghost"])
call_ids = st.sampled_from([f"c{i}" for i in range(8)])
phones = st.sampled_from([a["extension"] for a in AGENTS] + ["8999"])
smart = st.tuples(st.sampled_from(["ring_answered", "ring_answered", "ring_failed", "call_ended", "call_ended",
                                   "end_wrapup", "ready", "hold", "consult", "conference", "transfer", "abandon"]),
                  st.just("current"), st.integers(0, 7))   # aimed at an agent / call in a fitting state
steps = st.one_of(
    smart, smart, smart, smart,
    st.tuples(st.just("enqueue"), call_ids, st.sampled_from(["support", "sales", "nope"]), st.integers(-1, 10)),
    st.tuples(st.just("enqueue"), call_ids, st.sampled_from(["support", "sales", "nope"]), st.integers(-1, 10)),
    st.tuples(st.just("abandon"), call_ids),
    st.tuples(st.sampled_from(["ring_answered", "ring_failed", "login", "logout", "ready", "end_wrapup",
                               "hold", "end_consult", "conference", "not_ready"]), agent_ids),
    st.tuples(st.just("call_ended"), agent_ids, st.sampled_from(["caller", "agent", "x"])),
    st.tuples(st.sampled_from(["transfer", "consult"]), agent_ids, st.sampled_from(["sales", "602", "8123", "", "x"])),
    st.tuples(st.just("feature"), phones, st.one_of(
        st.sampled_from(["*1", "*2", "*3", "*41", "*4", "*5", "*6", "*7602#", "*78123#", "*88200#", "*9", "*0", "*#"]),
        st.text("0123456789*#", max_size=6))),
    st.tuples(st.just("wait"), st.sampled_from([0.1, 0.5, 2.0, 6.0, 25.0])),
)

WANTS = {"ring_answered": S.RINGING, "ring_failed": S.RINGING, "call_ended": S.ON_CALL, "hold": S.ON_CALL,
         "consult": S.ON_CALL, "conference": S.ON_CALL, "transfer": S.ON_CALL, "end_wrapup": S.WRAP_UP,
         "ready": S.NOT_READY}


def current(acd: Acd, name: str, k: int) -> tuple:
    """Arguments for ``name`` aimed at an agent / call in a fitting state (or a miss)."""
    if name == "abandon":
        waiting = sorted(c.call_id for c in acd.calls.values() if not c.agent)
        return (waiting[k % len(waiting)],) if waiting else ("none",)
    agents = sorted(a.agent for a in acd.agents.values() if a.state is WANTS[name])
    agent = agents[k % len(agents)] if agents else "ghost"
    return {"consult": (agent, "8200"), "transfer": (agent, ["sales", "8123", ""][k % 3])}.get(name, (agent,))


def check(acd: Acd) -> None:
    assert len(acd.calls) <= acd.settings["ports"]
    for agent in acd.agents.values():
        if agent.state is S.RINGING:
            assert agent.call is acd.calls.get(agent.call.call_id) and agent.agent in agent.call.offered
        elif agent.state is S.ON_CALL:
            assert agent.call.agent == agent.agent and acd.calls[agent.call.call_id] is agent.call
        else:
            assert agent.call is None
    ready = [a for a in acd.agents.values() if a.state is S.READY]
    for call in acd.calls.values():
        for agent_id in call.offered:
            assert acd.agents[agent_id].call is call
        if not call.agent and not call.offered:       # nobody able to take it is ready
            skill = acd.queues[call.queue]["skill"]
            assert not [a for a in ready if skill in a.skills], (call.call_id, call.queue)


@settings(max_examples=200, deadline=None)
@given(st.lists(steps, min_size=20, max_size=120))
def test_random_sequences_keep_the_acd_consistent(sequence):
    clock = make_clock()
    acd = Acd(CONFIG, clock, Recorder(), AGENTS)
    for agent in ("a0", "a1", "a2", "s"):
        acd.login(agent)
    for step in sequence:
        name, *args = step
        try:
            if name == "wait":
                advance(clock, args[0])
            elif len(args) == 2 and args[0] == "current":
                getattr(acd, name)(*current(acd, name, args[1]))
            elif name == "enqueue":
                acd.enqueue(args[0], args[1], args[2] if args[2] >= 0 else None, {"ani": "1"})
            else:
                getattr(acd, name)(*args)
        except (BadInput, Failure):
            pass
        check(acd)
    snap = acd.snapshot()
    assert sum(q["waiting"] for q in snap["queues"].values()) == sum(1 for c in acd.calls.values() if not c.agent)
