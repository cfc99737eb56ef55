"""A box and the rig around it, in one process, in line time (lock step, no sleeps).

The rig plays the network on span 1 and the office PBX with the agents' phones on span 2
over e1link; tests look at the box from outside (what the rig hears on the lines) and at
the records it writes. ``rig(acd=..., voicemail=..., extensions=...)`` builds one; its
sections replace the box's defaults (short timers keep the suite fast).
"""
from __future__ import annotations

import copy
import threading

import pytest

from board.profile import load_profile
from drivers.e1raw.span import framer_config
from firmware.acd.config import ACD_DEFAULTS
from firmware.daemon import build_call_center
from firmware.engine import Engine
from firmware.signaling import R2Options
from firmware.store import Store
from hil.farend import FarEnd
from hil.r2 import Extension, PbxFarEnd, R2FarEnd, step_all

BLOCKS_PER_S = 50


def acd_with(**queue_changes) -> dict:
    """The default ACD section with changes to every queue (e.g. ring_timeout_s=3)."""
    acd = copy.deepcopy(ACD_DEFAULTS)
    for queue in acd["queues"].values():
        queue.update(queue_changes)
    return acd


class Rig:
    def __init__(self, tmp_path, sections: dict, extensions: dict | None):
        self.data = tmp_path / "data"
        profile = load_profile("sim").with_runtime_dir(tmp_path / "run")
        self.engine = Engine(profile)
        self.engine.open()
        self.store = Store(self.data)
        self.store.open()
        self.center = build_call_center(self.engine, self.store, self.data, overrides=sections)
        self.thread = threading.Thread(target=self.engine.run, daemon=True)
        self.thread.start()
        options = R2Options.from_mapping({"variant": "china", "max_ani": 12})
        self.lines = {c.span: FarEnd(c.address, framer_config(c), timeout=10) for c in profile.spans}
        for line in self.lines.values():
            line.connect()
        self.network = R2FarEnd(self.lines[1], options, number=1)
        phones = extensions or {f"80{n:02d}": Extension(ring_ms=300) for n in range(1, 11)}
        self.pbx = PbxFarEnd(self.lines[2], options, phones)
        self.ends = [self.network, self.pbx]
        self.crashed = False
        self.step(0.2)

    # -- line time ------------------------------------------------------------------------------
    def step(self, seconds: float) -> None:
        step_all(self.ends, int(seconds * BLOCKS_PER_S))

    def run_until(self, predicate, seconds: float) -> float:
        """Step until ``predicate()``; returns the line time it took (AssertionError if never)."""
        for n in range(int(seconds * BLOCKS_PER_S)):
            step_all(self.ends)
            if predicate():
                return (n + 1) / BLOCKS_PER_S
        raise AssertionError(f"not reached within {seconds} s of line time")

    # -- what a test does -------------------------------------------------------------------------
    def login(self, extension: str) -> None:
        call = self.pbx.call("90000", ani=extension)
        self.run_until(lambda: call.state == "answered", 5)
        self.pbx.send_dtmf(call, "*1#")
        self.run_until(lambda: call.state == "ended", 10)

    def caller(self, ani: str = "13800138000"):
        """A caller dials in; returns (rig call, box leg) once the box answered."""
        call = self.network.call("95105", ani=ani, category="national")
        self.run_until(lambda: call.state == "answered", 15)
        self.run_until(lambda: any(leg.ani == ani for leg in self.center.calls.values()), 1)
        leg = next(leg for leg in self.center.calls.values() if leg.ani == ani)
        return call, leg

    def agent_call(self, extension: str):
        """The rig's call from the box to ``extension`` (the newest one)."""
        calls = [c for c in self.pbx.calls if c.direction == "in" and c.dnis == extension]
        return calls[-1] if calls else None

    def connected(self, extension: str = "8001", ani: str = "13800138000"):
        """A caller put through to the agent at ``extension``: (caller call, leg, agent's call)."""
        caller, leg = self.caller(ani)
        self.network.send_dtmf(caller, "0")
        self.run_until(lambda: leg.phase == "connected", 30)
        agent = self.agent_call(extension)
        assert agent is not None and agent.state == "answered"
        return caller, leg, agent

    def barrier(self) -> None:
        """Everything the box submitted so far is on disk (the writer is FIFO)."""
        self.store.audit("test", "barrier").result(timeout=10)
        self.center.recorders.flush()

    def records(self, table: str, **where) -> list[dict]:
        return [r for r in self.store.records(table) if all(r.get(k) == v for k, v in where.items())]

    def crash(self) -> None:
        """The box dies: the engine stops mid-call and nothing is wrapped up."""
        self.engine.stop()
        self.thread.join(10)
        self.store.close()
        self.crashed = True

    def close(self) -> None:
        self.engine.stop()
        self.thread.join(10)
        for line in self.lines.values():
            line.close()
        self.center.close()
        self.engine.close()
        if not self.crashed:
            self.store.close()


@pytest.fixture
def rig(tmp_path):
    made: list[Rig] = []

    def make(extensions: dict | None = None, **sections) -> Rig:
        made.append(Rig(tmp_path, sections, extensions))
        return made[-1]

    yield make
    for box in made:
        box.close()
