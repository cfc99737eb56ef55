"""Helpers of the ACD tests: a line clock stepped a block at a time, a recording listener."""
from __future__ import annotations

from firmware.acd.engine import Acd
from firmware.acd.listener import AcdListener
from firmware.clock import LineClock

BLOCK = 160


class Recorder(AcdListener):
    """Keeps every call the ACD makes, as (method, args...) tuples."""

    def __init__(self):
        self.events: list[tuple] = []
        self.log: list[tuple] = []

    def __getattribute__(self, name):
        if name in ("events", "log", "of", "qlog") or name.startswith("_"):
            return object.__getattribute__(self, name)
        if name == "queue_log":
            return lambda event, call_id, queue, agent, data: self.log.append((event, call_id, queue, agent, data))
        if hasattr(AcdListener, name):
            return lambda *args: self.events.append((name, *args))
        return object.__getattribute__(self, name)

    def of(self, kind: str) -> list[tuple]:
        return [e[1:] for e in self.events if e[0] == kind]

    def qlog(self, event: str) -> list[tuple]:
        return [e[1:] for e in self.log if e[0] == event]


def make_clock() -> LineClock:
    clock = LineClock({1: 1}, host_time=lambda: 0.0)
    clock.span_state(1, True)
    return clock


def advance(clock: LineClock, seconds: float) -> None:
    """Let line time pass a block at a time, firing timers as the engine loop does."""
    frames = LineClock.frames(seconds)
    while frames > 0:
        step = min(BLOCK, frames)
        clock.frames_received(1, step)
        clock.run_due()
        frames -= step


def agents(n: int, skill: str = "support", levels: list[int] | None = None) -> list[dict]:
    return [{"agent": f"a{i}", "name": f"Agent {i}", "extension": f"80{i:02d}",
             "skills": {skill: (levels[i] if levels else 1)}} for i in range(n)]


def queue_config(**queue) -> dict:
    q = {"announce_position": False, "periodic_every_s": 0.0, "wrapup_s": 0.0, "max_wait_s": 0.0}
    q.update(queue)
    return {"queues": {"support": q}}


def build(clock, rec, n_agents=3, login=True, config=None, agent_records=None, **queue) -> Acd:
    acd = Acd(config or queue_config(**queue), clock, rec, agent_records or agents(n_agents))
    if login:
        for a in acd.agents:
            acd.login(a)
    return acd
