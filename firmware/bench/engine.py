"""`e1desk bench engine`: the whole box under 4 spans x 30 busy channels (design.md section 5).

The box (Engine + records + CallCenter, wired as `e1desk run` wires them) runs in a child
process of its own on the bench-4e1 board, so its CPU time and RSS are its own. The rig's
far ends (firmware.bench.engine_rig) drive it from this process over e1link: callers on
spans 1-2 walk the IVR, queue, talk to agents on span 3 with speech both ways (recorded),
and hang up, over and over; span 4 carries the agents' logins and office phones' feature
calls. After a warm-up that fills the channels, a measured window follows:

- fast mode (lock step): real-time factor = line seconds / box CPU seconds (median of runs);
- real-time mode (the rig paces a block per 20 ms): per-block and per-turn processing time
  p50/p99/max from the engine's always-on histograms, and slips (framer and switch);
- RSS: the box's peak (VmHWM) and current resident size;
- boot: `e1desk run --board sim` started as a process until the first call placed by a
  real-time rig is answered (first boot on an empty data directory, and a later boot).

    e1desk bench engine --json                          # 3 fast runs of 60 s, 60 s real time
    e1desk bench engine --runs 1 --seconds 0 --realtime-seconds 3600 --no-boot --json   # 1 hour

JSON keys: ``fast`` {realtime_factor (median), realtime_factor_runs, line_s, box_cpu_s, wall_s,
block_ms and turn_ms {p50_ms, p99_ms, max_ms} (medians over runs), busy_channels_mean {span: n},
thread_cpu_s {thread: s}, slips (worst run), span_slips_runs, switch_slips_runs}; ``realtime`` {line_s, wall_s, box_cpu_s, cpu_load,
block_ms and turn_ms {count, p50_ms, p99_ms, max_ms}, span_slips, switch_slips, slips, alarms,
busy_channels_mean, thread_cpu_s}; ``rss_mb`` {max (VmHWM), now (VmRSS)}; ``calls`` {placed,
talks, feature_calls, failed, finished_in_box, agents_signed_in, recorder_errors}; ``boot``
{first_boot_s, boot_s (median), boot_runs_s}; ``settings``; ``targets``; ``runs``.
Percentiles come from the engine's log-spaced histogram: bucket upper bounds, 9 % wide.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import tempfile
import time
from pathlib import Path

import click

from firmware.bench.boot import boot_figures as boot_figures_of
from firmware.errors import Failure

PROFILE = Path(__file__).resolve().parents[2] / "board" / "profiles" / "bench-4e1.toml"
BLOCKS_PER_S = 50
AGENT_SKILLS = {"general": 1, "outsourced": 1, "product": 1}


# -- the box, in its own process ----------------------------------------------------------------
def _proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS / VmHWM of a process in kB (Linux /proc)."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def _cpu_s() -> float:
    t = os.times()
    return t.user + t.system


def _thread_cpu_s() -> dict[str, float]:
    """CPU seconds of each live thread of this process, by thread name (Linux /proc)."""
    import threading

    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for thread in threading.enumerate():
        try:
            with open(f"/proc/self/task/{thread.native_id}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except (OSError, TypeError):
            continue
        out[thread.name] = out.get(thread.name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return out


def _box_main(run_dir: str, data_dir: str, conn, profile_to: str | None = None) -> None:
    """Child process: the box, plus a control thread answering mark / report / stop."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import threading

    from board.profile import load_profile
    from firmware.daemon import build_call_center
    from firmware.engine import Engine
    from firmware.store import Store

    profile = load_profile(str(PROFILE)).with_runtime_dir(Path(run_dir))
    engine = Engine(profile)
    engine.open()
    store = Store(Path(data_dir))
    store.open()
    center = build_call_center(engine, store, Path(data_dir))
    marks = {"cpu": _cpu_s(), "frames": engine.clock.now, "threads": _thread_cpu_s()}

    def measured() -> dict:
        snap = engine.snapshot()
        spans = snap["spans"]
        threads = {name: round(cpu - marks["threads"].get(name, 0.0), 2) for name, cpu in _thread_cpu_s().items()}
        return {"cpu_s": _cpu_s() - marks["cpu"], "thread_cpu_s": threads,
                "line_s": (engine.clock.now - marks["frames"]) / 8000,
                "timing": snap["timing"], "memory_kb": _proc_status(),
                "span_slips": sum(s["counters"]["slips"] for s in spans),
                "switch_slips": sum(tuple(center.switch.slips.values())),
                "alarms": snap["alarms"], "calls_up": len(center.calls), "finished": center.finished}

    def control() -> None:
        while True:
            command = conn.recv()
            if command == "mark":
                marks.update(cpu=_cpu_s(), frames=engine.clock.now, threads=_thread_cpu_s())
                engine.block_timing.reset()
                engine.turn_timing.reset()
                conn.send("marked")
            elif command == "report":
                conn.send(measured())
            elif command == "stop":
                engine.stop()
                return

    profiler = None
    if profile_to:
        import cProfile
        profiler = cProfile.Profile(time.thread_time)   # CPU of the engine thread, warm-up included
        profiler.enable()
    threading.Thread(target=control, name="bench-control", daemon=True).start()
    conn.send("ready")
    try:
        engine.run()
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile_to)
        from firmware.acd.model import AgentState
        final = {"signed_in": sum(1 for a in center.acd.agents.values() if a.state != AgentState.LOGGED_OUT),
                 "finished": center.finished, "recorder_errors": list(center.recorders.errors)}
        center.close()
        engine.close()
        store.close()
        conn.send(final)


def _seed_store(data_dir: Path, agents: int) -> None:
    """The bench's configuration: enough ports and seats for the load, short wrap-up."""
    from firmware.store import Store

    with Store(data_dir) as store:
        config = store.config
        config.set("bench", "acd.ports", 120)
        config.set("bench", "acd.seats", agents)
        for queue in ("general", "outsourced", "product"):
            config.set("bench", f"acd.queues.{queue}.wrapup_s", 2.0)
        config.set("bench", "acd.queues.general.max_wait_s", 600.0)
        config.commit("bench", "e1desk bench engine: 120 ports")
        for n in range(1, agents + 1):
            store.upsert("agents", {"agent": f"2{n:03d}", "name": f"Bench agent {n}",
                                    "extension": f"8{n:03d}", "skills": dict(AGENT_SKILLS)})


class BoxProcess:
    """The box in a spawned child; ``ask`` sends a control command and waits for its answer."""

    def __init__(self, root: Path, agents: int, profile_to: str | None = None):
        self.run_dir, self.data_dir = root / "run", root / "data"
        self.run_dir.mkdir(parents=True)
        _seed_store(self.data_dir, agents)
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_box_main, args=(str(self.run_dir), str(self.data_dir), child, profile_to),
                                name="e1desk-box", daemon=True)
        self.proc.start()
        self._expect("ready", 120)

    def addresses(self) -> tuple[dict[int, str], dict]:
        from board.profile import load_profile
        from drivers.e1raw.span import framer_config

        profile = load_profile(str(PROFILE)).with_runtime_dir(self.run_dir)
        return ({c.span: c.address for c in profile.spans}, {c.span: framer_config(c) for c in profile.spans})

    def ask(self, command: str, timeout: float = 60):
        self.conn.send(command)
        return self._recv(timeout)

    def stop(self) -> dict:
        self.conn.send("stop")
        final = self._recv(60)
        self.proc.join(30)
        return final

    def _expect(self, what: str, timeout: float) -> None:
        got = self._recv(timeout)
        if got != what:
            raise Failure(f"the box answered {got!r} instead of {what!r}")

    def _recv(self, timeout: float):
        if not self.conn.poll(timeout):
            self.proc.kill()
            raise Failure(f"the box process did not answer within {timeout} s (exit {self.proc.exitcode})")
        return self.conn.recv()


# -- one run -----------------------------------------------------------------------------------
def _one_run(seconds: float, realtime_seconds: float, warmup: float, channels: int, agents: int,
             talk: tuple[float, float], seed: int, profile_to: str | None = None) -> dict:
    from firmware.bench.engine_rig import HelpDeskLoad

    with tempfile.TemporaryDirectory(prefix="e1bench-") as tmp:
        box = BoxProcess(Path(tmp), agents, profile_to)
        addresses, framers = box.addresses()
        load = HelpDeskLoad(addresses, framers, agents=agents, channels=channels, talk_s=talk, seed=seed)
        result: dict = {}
        try:
            load.connect()
            for _ in range(int(60 * BLOCKS_PER_S)):           # agents sign in (at most a minute)
                load.step()
                if load.signed_in() == agents:
                    break
            else:
                raise Failure("the agents could not sign in within 60 s of line time")
            for _ in range(int(warmup * BLOCKS_PER_S)):      # callers fill the channels
                load.step()
            if seconds > 0:
                result["fast"] = _window(box, load, seconds)
            if realtime_seconds > 0:
                for line in load.lines.values():
                    line.realtime, line._next_time = True, None
                result["realtime"] = _window(box, load, realtime_seconds)
            result["rss_kb"] = box.ask("report")["memory_kb"]
            result["rig"] = dict(load.stats)
        finally:
            load.close()
            result["box"] = box.stop()
        return result


def _window(box: BoxProcess, load, seconds: float) -> dict:
    """Mark, run ``seconds`` of line time, report: CPU, line time, timing, slips, busy channels."""
    box.ask("mark")
    wall0, busy = time.monotonic(), []
    for n in range(int(seconds * BLOCKS_PER_S)):
        load.step()
        if n % BLOCKS_PER_S == 0:
            busy.append(load.busy_channels())
    report = box.ask("report")
    report["wall_s"] = time.monotonic() - wall0
    report["busy_channels_mean"] = {span: round(statistics.mean(b[span] for b in busy), 1) for span in busy[0]}
    return report


# -- the command -------------------------------------------------------------------------------------
def _median(values) -> float:
    return round(statistics.median(values), 3)


def summarise(runs: list[dict], boot: dict | None, settings: dict) -> dict:
    """The figures of design.md section 5 from the runs (medians where there are several)."""
    out: dict = {"settings": settings, "runs": len(runs)}
    fast = [r["fast"] for r in runs if "fast" in r]
    if fast:
        rtfs = [f["line_s"] / f["cpu_s"] for f in fast if f["cpu_s"] > 0]
        out["fast"] = {
            "realtime_factor": _median(rtfs) if rtfs else None,
            "realtime_factor_runs": [round(x, 2) for x in rtfs],
            "line_s": _median(f["line_s"] for f in fast), "box_cpu_s": _median(f["cpu_s"] for f in fast),
            "wall_s": _median(f["wall_s"] for f in fast),
            "block_ms": _pick(fast, "block"), "turn_ms": _pick(fast, "turn"),
            "busy_channels_mean": fast[-1]["busy_channels_mean"], "thread_cpu_s": fast[-1]["thread_cpu_s"],
            "slips": max(f["span_slips"] + f["switch_slips"] for f in fast),
            "span_slips_runs": [f["span_slips"] for f in fast], "switch_slips_runs": [f["switch_slips"] for f in fast]}
    real = [r["realtime"] for r in runs if "realtime" in r]
    if real:
        last = real[-1]
        out["realtime"] = {
            "line_s": last["line_s"], "wall_s": round(last["wall_s"], 2), "box_cpu_s": round(last["cpu_s"], 2),
            "cpu_load": round(last["cpu_s"] / last["wall_s"], 3),
            "block_ms": last["timing"]["block"], "turn_ms": last["timing"]["turn"],
            "span_slips": last["span_slips"], "switch_slips": last["switch_slips"],
            "slips": last["span_slips"] + last["switch_slips"], "alarms": last["alarms"],
            "busy_channels_mean": last["busy_channels_mean"], "thread_cpu_s": last["thread_cpu_s"]}
    out["rss_mb"] = {"max": round(max(r["rss_kb"]["VmHWM"] for r in runs) / 1024, 1),
                     "now": round(max(r["rss_kb"]["VmRSS"] for r in runs) / 1024, 1)}
    out["calls"] = {"placed": sum(r["rig"]["calls"] for r in runs), "talks": sum(r["rig"]["talks"] for r in runs),
                    "feature_calls": sum(r["rig"]["feature_calls"] for r in runs),
                    "failed": sum(r["rig"]["failed"] for r in runs),
                    "finished_in_box": sum(r["box"]["finished"] for r in runs),
                    "agents_signed_in": min(r["box"]["signed_in"] for r in runs),
                    "recorder_errors": sum(len(r["box"]["recorder_errors"]) for r in runs)}
    if boot is not None:
        out["boot"] = boot
    out["targets"] = {"realtime_factor": ">= 25", "rss_mb": "<= 200", "block_p99_ms": "<= 5 (real time)",
                      "slips": "0", "boot_s": "<= 3"}
    return out


def _pick(windows: list[dict], which: str) -> dict:
    return {key: _median(w["timing"][which][key] for w in windows) for key in ("p50_ms", "p99_ms", "max_ms")}


@click.command("engine")
@click.option("--runs", type=click.IntRange(1, 20), default=3, show_default=True,
              help="Fast-mode runs (a fresh box each); medians reported.")
@click.option("--seconds", type=click.FloatRange(0, 86400), default=60.0, show_default=True,
              help="Line seconds measured per fast-mode run (0 = no fast window).")
@click.option("--realtime-seconds", type=click.FloatRange(0, 86400), default=60.0, show_default=True,
              help="Seconds measured in real-time mode, after the last run's fast window (0 = skip).")
@click.option("--warmup", type=click.FloatRange(0, 3600), default=40.0, show_default=True,
              help="Line seconds of load before measuring (channels fill up).")
@click.option("--channels", type=click.IntRange(1, 30), default=30, show_default=True,
              help="Busy channels per span (callers on each trunk span, office phones on span 4).")
@click.option("--agents", type=click.IntRange(1, 30), default=30, show_default=True,
              help="Agents signed in (their phones on span 3).")
@click.option("--talk", type=(float, float), default=(20.0, 40.0), show_default=True,
              help="Talk time range in seconds (uniform).")
@click.option("--boot/--no-boot", default=True, show_default=True,
              help="Also measure process start to first call answered on the sim board.")
@click.option("--boot-runs", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--profile", "profile_to", type=click.Path(dir_okay=False), default=None,
              help="Write a cProfile of the box's engine thread (last run, warm-up included) to this file.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def engine(runs, seconds, realtime_seconds, warmup, channels, agents, talk, boot, boot_runs, seed, profile_to,
           as_json) -> None:
    """The whole box, 4 spans x 30 busy channels: real-time factor, block p99, slips, RSS, boot."""
    if talk[0] <= 0 or talk[1] < talk[0]:
        raise click.BadParameter("needs 0 < MIN <= MAX seconds", param_hint="--talk")
    results = []
    for n in range(runs):
        rt = realtime_seconds if n == runs - 1 else 0
        results.append(_one_run(seconds, rt, warmup, channels, agents, talk, seed + n,
                                profile_to if n == runs - 1 else None))
    boot_figures = boot_figures_of(boot_runs) if boot else None
    settings = {"seconds": seconds, "realtime_seconds": realtime_seconds, "warmup": warmup,
                "channels": channels, "agents": agents, "talk": list(talk), "board": PROFILE.stem}
    summary = summarise(results, boot_figures, settings)
    if as_json:
        click.echo(json.dumps(summary, sort_keys=True))
        return
    click.echo(json.dumps(summary, indent=2, sort_keys=True))
