"""Each distribution strategy, skills and levels, and caller priorities."""
from __future__ import annotations

from firmware.acd.engine import Acd
from firmware.acd.listener import AcdListener
from tests.acd.helpers import advance, agents, build, queue_config


def serve(acd, rec, clock, call_id, talk_s=10.0):
    """Enqueue a call, answer it at whoever was offered, talk, hang up; returns the agent."""
    acd.enqueue(call_id, "support")
    agent = rec.of("offer")[-1][1]
    acd.ring_answered(agent)
    advance(clock, talk_s)
    acd.call_ended(agent)
    return agent


def test_linear_always_offers_the_first_ready_agent(clock, rec):
    acd = build(clock, rec, 3, strategy="linear")
    assert [serve(acd, rec, clock, f"c{i}") for i in range(3)] == ["a0", "a0", "a0"]
    acd.enqueue("c9", "support")
    acd.ring_answered("a0")
    acd.enqueue("c10", "support")
    assert rec.of("offer")[-1][1] == "a1"


def test_round_robin_remembers_where_it_stopped(clock, rec):
    acd = build(clock, rec, 3, strategy="round_robin")
    assert [serve(acd, rec, clock, f"c{i}") for i in range(5)] == ["a0", "a1", "a2", "a0", "a1"]


def test_longest_idle_offers_the_agent_free_the_longest(clock, rec):
    acd = build(clock, rec, 3, strategy="longest_idle")
    advance(clock, 1)
    order = [serve(acd, rec, clock, f"c{i}") for i in range(4)]
    assert order == ["a0", "a1", "a2", "a0"]
    acd.enqueue("x", "support")
    assert rec.of("offer")[-1][1] == "a1"
    acd.ring_failed("a1")                     # the call moves on to the next longest idle
    assert rec.of("offer")[-1][1] == "a2"
    acd.ring_answered("a2")
    acd.enqueue("y", "support")               # a miss does not make a1 "recently busy"
    assert rec.of("offer")[-1][1] == "a1"


def test_fewest_calls_and_least_talk_time(clock, rec):
    acd = build(clock, rec, 2, strategy="fewest_calls")
    serve(acd, rec, clock, "c1", talk_s=100)                   # a0: 1 call, 100 s
    assert serve(acd, rec, clock, "c2", talk_s=5) == "a1"      # a1: 1 call, 5 s
    assert serve(acd, rec, clock, "c3", talk_s=5) == "a0"      # tie on calls -> list order
    rec2 = type(rec)()
    acd2 = build(clock, rec2, 2, strategy="least_talk_time")
    serve(acd2, rec2, clock, "d1", talk_s=100)
    assert serve(acd2, rec2, clock, "d2", talk_s=5) == "a1"
    assert serve(acd2, rec2, clock, "d3", talk_s=5) == "a1"    # 10 s < 100 s


def test_ring_all_rings_everyone_and_the_first_answer_wins(clock, rec):
    acd = build(clock, rec, 3, strategy="ring_all")
    acd.enqueue("c1", "support", data={"ani": "5551234"})
    assert sorted(o[1] for o in rec.of("offer")) == ["a0", "a1", "a2"]
    acd.ring_answered("a2")
    assert sorted(c[1] for c in rec.of("cancel_offer")) == ["a0", "a1"]
    assert rec.of("connect") == [("c1", "a2", "8002")]
    snap = acd.snapshot()["agents"]
    assert [snap[a]["state"] for a in ("a0", "a1", "a2")] == ["ready", "ready", "on_call"]


def test_random_is_seeded_and_uses_every_agent(clock, rec):
    acd = build(clock, rec, 3, strategy="random")
    picks = [serve(acd, rec, clock, f"c{i}") for i in range(30)]
    assert set(picks) == {"a0", "a1", "a2"}
    rec2 = type(rec)()
    acd2 = build(clock, rec2, 3, strategy="random")
    assert [serve(acd2, rec2, clock, f"c{i}") for i in range(30)] == picks


def test_skill_and_best_level_first(clock, rec):
    records = agents(3, levels=[2, 1, 3]) + [{"agent": "x", "extension": "8100", "skills": {"other": 1}}]
    acd = build(clock, rec, config=None, agent_records=records, strategy="linear")
    acd.enqueue("c1", "support")
    acd.enqueue("c2", "support")
    acd.enqueue("c3", "support")
    assert [o[1] for o in rec.of("offer")] == ["a1", "a0", "a2"]
    acd.enqueue("c4", "support")                      # agent x lacks the skill: c4 waits
    assert len(rec.of("offer")) == 3
    assert acd.snapshot()["queues"]["support"]["waiting"] == 4


def test_priority_zero_is_served_first_then_arrival_order(clock, rec):
    acd = build(clock, rec, 1, strategy="linear")
    acd.enqueue("busy", "support")
    acd.ring_answered("a0")
    acd.enqueue("p5-first", "support", priority=5)
    acd.enqueue("p5-second", "support", priority=5)
    acd.enqueue("p0", "support", priority=0)
    acd.enqueue("p9", "support", priority=9)
    assert acd.position("p0") == 1 and acd.position("p5-first") == 2 and acd.position("p9") == 4
    served = []
    acd.call_ended("a0")
    for _ in range(4):
        served.append(rec.of("offer")[-1][0])
        acd.ring_answered("a0")
        acd.call_ended("a0")
    assert served == ["p0", "p5-first", "p5-second", "p9"]


def test_a_listener_may_answer_inside_offer(clock):
    """Ring-all with a phone that answers at once: the others are never offered the call."""
    class Eager(AcdListener):
        def __init__(self):
            self.offers, self.connects = [], []

        def offer(self, call_id, agent, extension, data):
            self.offers.append((call_id, agent))
            if agent == "a0":
                acd.ring_answered("a0")

        def connect(self, call_id, agent, extension):
            self.connects.append((call_id, agent))

    listener = Eager()
    acd = Acd(queue_config(strategy="ring_all"), clock, listener, agents(3))
    for agent in acd.agents:
        acd.login(agent)
    acd.enqueue("c1", "support")
    acd.enqueue("c2", "support")
    assert listener.offers == [("c1", "a0"), ("c2", "a1"), ("c2", "a2")]
    assert listener.connects == [("c1", "a0")]
    assert acd.snapshot()["agents"]["a0"]["state"] == "on_call"
