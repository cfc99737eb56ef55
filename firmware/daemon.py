"""`e1desk run`: the daemon. Opens the board's spans, the records, the serial console, and
runs the real-time engine until SIGINT/SIGTERM.

The engine runs in the main thread; the console and the status printer run in their own
threads and only read ``engine.snapshot()``.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import click

from board.profile import ProfileError, load_profile
from firmware.errors import BadInput, Failure


class Box:
    """What the console and other off-path services see of the running box."""

    def __init__(self, engine, store=None, center=None):
        self.engine = engine
        self.store = store
        self.center = center
        self.acd = center.acd if center is not None else None

    def snapshot(self) -> dict:
        snap = self.engine.snapshot()
        if self.center is not None:
            snap.update(self.center.snapshot())
            phases = {c["span"] * 32 + c["ts"]: c["phase"] for c in snap["calls"]}
            for ch in snap["channels"]:
                ch["state"] = phases.get(ch["span"] * 32 + ch["ts"], ch["state"])
        return snap


def build_call_center(engine, store, data_dir: Path, overrides: dict | None = None, lookups=None):
    """The call center on top of the engine: configuration and agents from the store
    (``overrides`` replaces whole sections, e.g. for tests; ``lookups`` backs the IVR's)."""
    from firmware.acd.config import DEFAULT_AGENTS
    from firmware.calls.center import PROMPT_TEXTS as CALL_TEXTS, CallCenter
    from firmware.calls.lookups import StoreLookups, tables_used
    from firmware.calls.prompts import STANDARD_PROMPTS, PromptLibrary, prompts_in
    from firmware.ivr.config import PROMPT_TEXTS as IVR_TEXTS

    sections = dict(store.config.running()) | dict(overrides or {})
    agents = [{k: v for k, v in a.items() if k not in ("id",)} for a in store.records("agents")]
    if not agents:                                   # first boot: the ten default seats
        for agent in DEFAULT_AGENTS:
            store.upsert("agents", agent)
        agents = [dict(a) for a in DEFAULT_AGENTS]
    sections["agents"] = agents
    prompts = PromptLibrary(own_dir=data_dir / "prompts", cache_dir=data_dir / "prompts" / ".spoken",
                            texts={**IVR_TEXTS, **CALL_TEXTS})
    if lookups is None:
        lookups = StoreLookups(store, tables_used(sections.get("ivr", {})))
    center = CallCenter(engine, store, sections, prompts, data_dir, lookups=lookups)
    # load (and speak, the first time) every prompt in a thread of its own, so that the
    # real-time loop rarely meets a prompt that is not in memory yet
    names = sorted(set(STANDARD_PROMPTS) | prompts_in(sections) | set(IVR_TEXTS) | set(CALL_TEXTS))
    threading.Thread(target=prompts.preload, args=(names,), name="prompts", daemon=True).start()
    return center


def default_run_dir(data: Path) -> Path:
    return Path(os.environ.get("E1DESK_RUN", data / "run"))


def format_status(snap: dict) -> str:
    """A short status table for the daemon's stdout."""
    lines = [f"clock: {snap['clock']['source']}, {snap['clock']['seconds']:.1f} s of line time"]
    for s in snap["spans"]:
        alarms = ",".join(s["alarms"]) or "OK"
        c = s["counters"]
        lines.append(f"  span {s['span']} {s['name']:<11} {'up  ' if s['connected'] else 'down'} "
                     f"{alarms:<18} crc4={c['crc4_errors']} fas={c['fas_errors']} slips={c['slips']}"
                     f"{'  (timing source)' if s['timing'] else ''}")
    return "\n".join(lines)


@click.command()
@click.option("--board", "board_name", default="sim", show_default=True,
              help="Board profile: a built-in name (see `e1desk board list`) or a TOML file.")
@click.option("--data", type=click.Path(file_okay=False), default="data", show_default=True,
              help="Data directory (records, recordings, configuration).")
@click.option("--run-dir", type=click.Path(file_okay=False), default=None,
              help="Runtime directory for sockets ({run} in profiles); default DATA/run or $E1DESK_RUN.")
@click.option("--console", "console_url", default=None,
              help="Serve the console on this serial port: a device path or any pyserial URL.")
@click.option("--capture", type=click.Path(file_okay=False), default=None,
              help="Write raw .e1 captures of every e1raw span (both directions) into this directory.")
@click.option("--status-every", type=float, default=5.0, show_default=True,
              help="Print a status table every N seconds of host time (0 = never).")
@click.option("--json-status", is_flag=True, help="Print status lines as JSON documents.")
def run(board_name: str, data: str, run_dir: str | None, console_url: str | None, capture: str | None,
        status_every: float, json_status: bool) -> None:
    """Run the box: the spans of a board profile, the records, the console."""
    from firmware.engine import Engine

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    data_dir = Path(data)
    try:
        profile = load_profile(board_name)
    except ProfileError as exc:
        raise BadInput(exc.where, exc.reason) from None
    run_path = Path(run_dir) if run_dir else default_run_dir(data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        run_path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Failure(f"cannot create {exc.filename}: {exc.strerror}") from None
    profile = profile.with_runtime_dir(run_path)

    def span_factory(config):
        from drivers import make_span
        if capture and config.backend == "e1raw":
            from drivers.e1raw.span import E1RawSpan
            return E1RawSpan(config, capture_dir=capture)
        return make_span(config)

    engine = Engine(profile, span_factory)
    try:
        engine.open()
    except OSError as exc:
        raise Failure(f"cannot open the spans: {exc}") from None
    from firmware.store import Store
    from firmware.store.calls import recover_interrupted
    from firmware.store.retention import RetentionJob

    store = Store(data_dir)
    try:
        store.open()
        interrupted = recover_interrupted(store)
    except OSError as exc:
        engine.close()
        raise Failure(f"cannot open the records in {data_dir}: {exc.strerror or exc}") from None
    if interrupted:
        click.echo(f"e1desk: {len(interrupted)} call(s) were up at the last stop: CDRs marked interrupted")
    center = build_call_center(engine, store, data_dir)
    box = Box(engine, store, center)
    retention = RetentionJob(store).start()
    console = _start_console(console_url, box) if console_url else None

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
        engine.stop()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    if status_every > 0:
        threading.Thread(target=_status_loop, args=(box, stop, status_every, json_status),
                         name="status", daemon=True).start()
    click.echo(f"e1desk: board {profile.name}, {len(profile.spans)} span(s); run dir {run_path}; "
               f"data {data_dir}" + (f"; console on {console_url}" if console_url else ""))
    sys.stdout.flush()
    try:
        engine.run()
    finally:
        stop.set()
        if console is not None:
            console.stop()
        retention.stop()
        center.close()
        engine.close()
        store.close()
        click.echo("e1desk: stopped")


def _status_loop(box: Box, stop: threading.Event, every: float, as_json: bool) -> None:
    """Off the real-time path: status lines on stdout and threshold alarms into the log."""
    import shutil

    from firmware.reports.alarms import AlarmLog, Thresholds, check

    alarm_log = AlarmLog()
    while not stop.wait(every):
        snap = box.snapshot()
        try:
            usage = shutil.disk_usage(box.store.layout.root)
            disk = {"total": usage.total, "free": usage.free}
        except (OSError, AttributeError):
            disk = None
        if box.center is not None and box.center.lookups is not None:
            box.center.lookups.refresh()                   # cards and other IVR tables, off the path
        thresholds = Thresholds.from_config(box.store.config.section("reports"))
        alarm_log.update(check(snap, thresholds, disk))        # logs each raise and clear once
        if as_json:
            print(json.dumps({"clock": snap["clock"], "spans": snap["spans"],
                              "alarms": [a.message for a in alarm_log.active.values()]}), flush=True)
        else:
            print(format_status(snap), flush=True)


def _start_console(url: str, box: Box):
    try:
        from firmware.console.server import serve_console
    except ImportError as exc:
        raise Failure(f"the console is not available: {exc}") from None
    return serve_console(url, box)
