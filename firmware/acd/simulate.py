"""M/M/N simulation run directly on an Acd over the line clock, to check it against Erlang C.

Poisson arrivals (rate A / AHT) into one FIFO queue, exponential handling with mean AHT,
``agents`` agents who answer every offer at once and have no wrap-up, no abandonment. The
simulation jumps the line clock from event to event (as a far end in fast mode would let it
run), firing the ACD's own timers on the way. Waits are measured here, from arrival to the
listener's ``connect``, independently of the ACD's statistics.

Estimates use batch means: after ``warmup`` calls, the calls are cut into ``batches`` equal
batches by arrival order; each figure is the mean of the batch values with a 95% confidence
interval mean +- t(0.975, batches - 1) * sd / sqrt(batches).
"""
from __future__ import annotations

import heapq
import math
import random
import statistics
from dataclasses import dataclass

from firmware.acd.engine import Acd
from firmware.acd.listener import AcdListener
from firmware.clock import FRAME_RATE, LineClock

# Student's t, two-sided 95%, by degrees of freedom (batches - 1).
T975 = {4: 2.776, 9: 2.262, 14: 2.145, 19: 2.093, 24: 2.064, 29: 2.045, 39: 2.023, 49: 2.010}


@dataclass
class Estimate:
    mean: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def as_dict(self) -> dict:
        return {"mean": round(self.mean, 4), "ci95": [round(self.low, 4), round(self.high, 4)]}


def estimate(values: list[float]) -> Estimate:
    t = T975.get(len(values) - 1)
    if t is None:
        raise ValueError(f"batches: use one of {sorted(k + 1 for k in T975)}")
    mean = statistics.fmean(values)
    half = t * statistics.stdev(values) / math.sqrt(len(values))
    return Estimate(mean, mean - half, mean + half)


class _Answerer(AcdListener):
    """Answers every offer at once and remembers when each call was connected."""

    def __init__(self):
        self.offers: list[str] = []
        self.connected: dict[str, int] = {}
        self.clock: LineClock | None = None

    def offer(self, call_id, agent, extension, data):
        self.offers.append(agent)

    def connect(self, call_id, agent, extension):
        self.connected[call_id] = self.clock.now


def simulate(agents: int, erlangs: float, aht_s: float, calls: int, threshold_s: float = 20.0,
             warmup: int = 500, batches: int = 20, seed: int = 1, strategy: str = "longest_idle") -> dict:
    """Run the simulation; returns measured P(wait), SL(threshold), ASA with 95% CIs, and the ACD's own counts."""
    rng = random.Random(seed)
    clock = LineClock({1: 1}, host_time=lambda: 0.0)
    clock.span_state(1, True)
    listener = _Answerer()
    listener.clock = clock
    config = {"ports": 480, "seats": max(agents, 1), "queues": {"q": {
        "strategy": strategy, "wrapup_s": 0.0, "max_wait_s": 0.0, "announce_position": False,
        "periodic_every_s": 0.0, "service_level_s": threshold_s}}}
    records = [{"agent": f"a{i}", "extension": f"{1000 + i}", "skills": {"q": 1}} for i in range(agents)]
    acd = Acd(config, clock, listener, records, seed=seed)
    for record in records:
        acd.login(record["agent"])

    rate = erlangs / aht_s
    events: list[tuple[int, int, str, str]] = []      # (frame, seq, kind, who)
    seq = 0
    arrivals: dict[str, int] = {}
    t = 0.0
    for n in range(calls):
        t += rng.expovariate(rate)
        events.append((round(t * FRAME_RATE), seq, "arrive", f"c{n}"))
        seq += 1
    heapq.heapify(events)
    while events:
        due, _, kind, who = heapq.heappop(events)
        clock.frames_received(1, due - clock.now)
        clock.run_due()
        if kind == "arrive":
            arrivals[who] = clock.now
            acd.enqueue(who, "q")
        else:
            acd.call_ended(who)
        while listener.offers:
            agent = listener.offers.pop()
            acd.ring_answered(agent)
            hold = round(rng.expovariate(1.0 / aht_s) * FRAME_RATE)
            heapq.heappush(events, (clock.now + hold, seq, "end", agent))
            seq += 1

    waits = [(listener.connected[f"c{n}"] - arrivals[f"c{n}"]) / FRAME_RATE for n in range(warmup, calls)]
    size = len(waits) // batches
    cut = [waits[i * size:(i + 1) * size] for i in range(batches)]
    snap = acd.snapshot()["queues"]["q"]
    return {
        "calls": calls, "warmup": warmup, "batches": batches, "sim_s": round(clock.seconds, 1),
        "p_wait": estimate([sum(w > 0 for w in b) / size for b in cut]),
        "service_level": estimate([sum(w <= threshold_s for w in b) / size for b in cut]),
        "asa_s": estimate([statistics.fmean(b) for b in cut]),
        "acd_answered": snap["answered"], "acd_service_level": snap["service_level"],
    }
