"""Run one scenario against a fresh box: boot it, play the scenario on its lines, check it.

``run_scenario(scenario, realtime=False, say=print, transport="e1link")`` returns the result
document that `e1hil run --json` prints: {"scenario", "transport", "passed", "expectations":
[{"expect", "kind", "ok", "detail"}], "callers": [...], "line_s", "wall_s", "box_starts"}.
The transport (hil.lines) picks the box's board unless ``board`` is given; a line fault the
transport cannot make fails the scenario before the box boots.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from hil.box import BoxProcess
from hil.expect import Evidence, check
from hil.lines import make_transport
from hil.rig import Rig
from hil.scenario import Scenario

SETTLE_S = 3.0            # line time after the last call, for the box to clear and write records
RECORD_WAIT_S = 15.0      # at most this much more line time for every expected CDR to be there


def collect(rig: Rig, callers: list, wait_s: float = RECORD_WAIT_S) -> tuple[list[dict], list[dict]]:
    """CDRs and channels from the console, once every call the box took has its CDR."""
    console = rig.box.console
    anis = {c.spec.ani for c in callers if c.answered_at is not None}
    waited = 0.0
    while True:
        cdrs = console.jsonl("records export cdr --format jsonl", timeout=120)
        have = {r.get("ani") for r in cdrs}
        if anis <= have or waited >= wait_s:
            break
        rig.run_for(1.0)                   # the box's record writer works off the line's path
        waited += 1.0
    return cdrs, console.json("show channels --json")


def run_scenario(sc: Scenario, realtime: bool = False, say: Callable[[str], None] | None = None,
                 keep: Path | None = None, transport: str = "e1link", board: str | None = None,
                 rig_spans: tuple[int, ...] | None = None) -> dict:
    say = say or (lambda text: None)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="e1hil-")) if keep is None else Path(keep)
    workdir.mkdir(parents=True, exist_ok=True)
    with make_transport(transport, realtime, rig_spans) as lines:
        box = BoxProcess(workdir, board=board or lines.board, config=sc.config, env=lines.box_env())
        result = _run(sc, box, lines, realtime, say, workdir if keep is None else None)
    return {"scenario": sc.name, "file": str(sc.path), "transport": transport, **result,
            "wall_s": round(time.monotonic() - started, 2)}


def _run(sc: Scenario, box: BoxProcess, lines, realtime: bool, say, scratch: Path | None) -> dict:
    rig = None
    try:
        lines.check_faults(f.fault for f in sc.faults)
        box.prepare()
        box.start()
        say(f"box up (pid {box.pid}), console logged in; data in {box.data}")
        rig = Rig(box, realtime=realtime, seed=sc.seed, on_progress=say, transport=lines)
        rig.connect()
        for phone in sc.phones:
            rig.add_phone(phone)
        rig.login_all()
        t0 = rig.now
        say(f"{t0:8.2f}s {sum(p.login for p in sc.phones)} agent(s) logged in from their phones")
        for spec in sc.callers:
            spec.at += t0
            rig.add_caller(spec)
        for f in sc.faults:
            rig.at(t0 + f.at, lambda f=f: rig.fault(f.span, f.fault, f.duration, **f.params))
        _play(rig, sc, say)
        rig.run_for(SETTLE_S)
        cdrs, channels = collect(rig, rig.callers)
        evidence = Evidence({c.spec.name: c for c in rig.callers}, rig.phones, cdrs, channels, box.data,
                            box.alive())
        results = [check(e, evidence) for e in sc.expect]
        line_s = rig.now
    except Exception as exc:
        results = [{"expect": "scenario runs to the end", "kind": "run", "ok": False,
                    "detail": f"{type(exc).__name__}: {exc}" + (f"; box log: {box.log_tail(5)}" if box.starts else "")}]
        line_s = rig.now if rig is not None else 0.0
    finally:
        if rig is not None:
            rig.disconnect()
        box.stop()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return {"passed": all(r["ok"] for r in results), "expectations": results,
            "callers": [_summary(c) for c in (rig.callers if rig is not None else [])],
            "line_s": round(line_s, 2), "box_starts": box.starts}


def _play(rig: Rig, sc: Scenario, say) -> None:
    seen = {}
    deadline = sc.max_s
    while not rig.all_done():
        if rig.now >= deadline:
            raise TimeoutError(f"the scenario did not end within max_s = {sc.max_s} s of line time "
                               f"({len(rig.active)} caller(s) still in a call)")
        rig.step()
        if rig.block % 25:
            continue
        for c in rig.callers:
            mark = (c.state, c.connected_at is not None, c.agent_left_at is not None)
            if seen.get(c.spec.name) != mark:
                seen[c.spec.name] = mark
                say(f"{rig.now:8.2f}s {c.spec.name}: {_phase(c)}")


def _phase(c) -> str:
    if c.state == "done":
        return f"call ended by {c.ended_by}"
    if c.state == "blocked":
        return "no free channel: blocked"
    if c.agent_left_at is not None:
        return "agent hung up"
    if c.connected_at is not None:
        return f"talking to {c.agent_ext}"
    if c.state == "in_call":
        return "answered by the box"
    return "dialing" if c.state == "dialing" else "waiting to call"


def _summary(c) -> dict:
    r = lambda v: None if v is None else round(v, 2)  # noqa: E731
    return {"name": c.spec.name, "ani": c.spec.ani, "placed": r(c.placed_at), "answered": r(c.answered_at),
            "queued": r(c.queued_at), "connected": r(c.connected_at), "agent": c.agent_ext,
            "ended": r(c.ended_at), "ended_by": c.ended_by, "rang": [a.dnis for a in c.agent_calls]}
