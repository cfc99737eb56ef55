"""`e1hil`: the hardware-in-the-loop rig's command. It plays the far ends of the box's spans.

    e1hil run SCENARIO [--transport T] [--json]
                                     a scenario of hil/scenarios against a fresh box (hil.runner),
                                     over e1link (default), dahdi-emu or dahdi (hil.lines)
    e1hil scenarios [--json]         the shipped scenarios
    e1hil load ... --json            Poisson load and the Erlang C check (hil.load)
    e1hil soak --hours H             mixed traffic with random faults, then idle/records/memory (hil.soak)
    e1hil demo                       the box plus gentle real-time traffic and its wallboard (hil.demo)
    e1hil line                       idle far ends with faults only (below)

`e1hil line` plugs the rig into every e1raw span of a board profile as the clock master, in
fast (lock step) or real-time mode, sends idle traffic with optional faults at given line
times, and reports what it saw coming back (alarms, counters, ABCD).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import click
import numpy as np

from board.profile import ProfileError, load_profile
from drivers.e1raw.span import framer_config
from firmware.errors import BadInput
from hil.farend import FAULTS, FarEnd
from hil.lines import TRANSPORTS

BLOCK = 160


def parse_fault(text: str) -> tuple[int, str, float, float]:
    """SPAN:FAULT@START[+DURATION] -> (span, fault, start s, duration s)."""
    try:
        where, _, when = text.partition("@")
        span, _, fault = where.partition(":")
        start, _, duration = when.partition("+")
        parsed = (int(span), fault.upper(), float(start), float(duration or "1e9"))
    except ValueError:
        raise BadInput(f"--fault {text}", "expected SPAN:FAULT@START[+DURATION], e.g. 1:LOS@2+3") from None
    if parsed[1] not in FAULTS:
        raise BadInput(f"--fault {text}", f"unknown fault {parsed[1]!r}; known: {', '.join(FAULTS)}")
    return parsed


def parse_spans(text: str) -> tuple[int, ...]:
    """Kernel span numbers (1..128) from a comma list such as "3,4"."""
    try:
        spans = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise BadInput(f"--rig-spans {text}", "expected kernel span numbers separated by commas, e.g. 3,4") from None
    bad = [n for n in spans if not 1 <= n <= 128]
    if bad:
        raise BadInput(f"--rig-spans {text}", f"span {bad[0]} is out of range 1..128")
    return spans


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """e1hil: the test rig that plays the telephone network and the agents' phones."""


@main.command()
@click.option("--board", "board_name", default="sim", show_default=True, help="The box's board profile.")
@click.option("--run-dir", type=click.Path(file_okay=False), default="data/run", show_default=True,
              help="The box's runtime directory ({run} in the profile).")
@click.option("--seconds", type=float, default=10.0, show_default=True, help="Line time to run (0 = forever).")
@click.option("--realtime/--fast", default=False, help="One block per 20 ms, or lock step as fast as the box goes.")
@click.option("--fault", "faults", multiple=True, help="SPAN:FAULT@START[+DURATION] in line seconds, e.g. 1:AIS@2+3.")
@click.option("--wait", type=float, default=10.0, show_default=True, help="Seconds to wait for the box to listen.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def line(board_name: str, run_dir: str, seconds: float, realtime: bool, faults: tuple[str, ...],
         wait: float, as_json: bool) -> None:
    """Be the far end of every e1raw span: idle traffic, optional faults, report what came back."""
    try:
        profile = load_profile(board_name).with_runtime_dir(Path(run_dir))
    except ProfileError as exc:
        raise BadInput(exc.where, exc.reason) from None
    plan = [parse_fault(f) for f in faults]
    ends = {c.span: FarEnd(c.address, framer_config(c), realtime=realtime) for c in profile.spans
            if c.backend == "e1raw"}
    for span, fault, _, _ in plan:
        if span not in ends:
            raise BadInput(f"--fault {span}:{fault}", f"span {span} is not an e1raw span of board {profile.name}")
    for end in ends.values():
        end.connect(wait=wait)
    voice = np.full((32, BLOCK), 0xD5, dtype=np.uint8)
    seen: dict[int, list[dict]] = {span: [] for span in ends}
    blocks = int(seconds * 50) if seconds > 0 else None
    started = time.monotonic()
    n = 0
    last = {}
    try:
        while blocks is None or n < blocks:
            t = n / 50
            for span, fault, start, duration in plan:
                ends[span].inject(fault, start <= t < start + duration)
            for span, end in ends.items():
                end.send_block(voice)
            for span, end in ends.items():
                rx = end.receive_block()
                last[span] = rx
                for frame, event in rx.events:
                    seen[span].append({"second": round(t + frame / 8000, 4), "event": event})
                    if not as_json:
                        click.echo(f"{t:8.2f}s span {span}: {event}")
            n += 1
    except KeyboardInterrupt:
        pass
    finally:
        for end in ends.values():
            end.close()
    result = {"board": profile.name, "line_seconds": n / 50, "wall_s": round(time.monotonic() - started, 3),
              "spans": {str(span): {"alarms": last[span].alarms.names() if span in last else [],
                                    "counters": last[span].counters.as_dict() if span in last else {},
                                    "abcd": {str(ts): f"{int(last[span].abcd[ts]):04b}" for ts in
                                             profile.span(span).voice_timeslots()} if span in last else {},
                                    "events": seen[span]}
                        for span in ends}}
    if as_json:
        click.echo(json.dumps(result))
    else:
        for span, info in result["spans"].items():
            click.echo(f"span {span}: far end sees {', '.join(info['alarms']) or 'no alarm'}; "
                       f"counters {info['counters']}")
        click.echo(f"{result['line_seconds']:.2f} s of line time in {result['wall_s']:.2f} s")


def _progress(as_json: bool):
    return (lambda text: click.echo(text, err=True)) if as_json else click.echo


@main.command("scenarios")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def scenarios_command(as_json: bool) -> None:
    """List the shipped scenarios (hil/scenarios/*.toml)."""
    from hil.scenario import list_scenarios, load_scenario
    rows = [{"name": p.stem, "title": (sc := load_scenario(p)).name, "description": sc.description}
            for p in list_scenarios()]
    if as_json:
        click.echo(json.dumps(rows))
    else:
        for row in rows:
            click.echo(f"{row['name']:<24} {row['title']}: {row['description']}")


@main.command("run")
@click.argument("scenarios", nargs=-1, required=True)
@click.option("--realtime/--fast", default=False, help="One block per 20 ms, or lock step as fast as the box goes.")
@click.option("--keep", type=click.Path(file_okay=False), help="Keep the box's data directory here (one scenario).")
@click.option("--transport", type=click.Choice(TRANSPORTS), default="e1link", show_default=True,
              help="The rig's lines: e1link sockets, the userspace DAHDI emulation, or this machine's DAHDI card.")
@click.option("--board", "board_name", default=None,
              help="The box's board profile (default: sim, sim-dahdi or dahdi-2e1 by transport).")
@click.option("--rig-spans", default="3,4", show_default=True,
              help="--transport dahdi: the rig's kernel spans, cabled to the box's spans in profile order.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout (progress on stderr).")
def run_command(scenarios: tuple[str, ...], realtime: bool, keep: str | None, transport: str, board_name: str | None,
                rig_spans: str, as_json: bool) -> None:
    """Run scenarios (files, or names of shipped ones; "all" = every shipped one) against a fresh box.

    The same scenarios run on every transport; a line fault a transport cannot make (BER and SLIP
    on dahdi-emu, any on dahdi) fails that scenario with a message naming it.
    Exit status 1 if any expectation fails, 2 for a bad scenario file or option.
    """
    from hil.runner import run_scenario
    from hil.scenario import find_scenario, list_scenarios, load_scenario
    paths = list_scenarios() if scenarios == ("all",) else [find_scenario(name) for name in scenarios]
    loaded = [load_scenario(p) for p in paths]                 # every file checked before anything runs
    if keep and len(loaded) > 1:
        raise BadInput("--keep", "keeps the data of one scenario only")
    spans = parse_spans(rig_spans)
    if board_name is not None:
        try:
            load_profile(board_name)
        except ProfileError as exc:
            raise BadInput(exc.where, exc.reason) from None
    say = _progress(as_json)
    results = []
    for sc in loaded:
        say(f"== {sc.name} ({sc.path}) over {transport}")
        results.append(run_scenario(sc, realtime=realtime, say=say, keep=Path(keep) if keep else None,
                                    transport=transport, board=board_name, rig_spans=spans))
        if not as_json:
            _table(results[-1])
    passed = all(r["passed"] for r in results)
    if as_json:
        click.echo(json.dumps(results[0] if len(results) == 1 else {"passed": passed, "transport": transport,
                                                                    "scenarios": results}))
    else:
        click.echo("")
        for r in results:
            failed = sum(not e["ok"] for e in r["expectations"])
            click.echo(f"{'PASS' if r['passed'] else 'FAIL'}  {r['scenario']:<40} {len(r['expectations']) - failed}/"
                       f"{len(r['expectations'])} expectations  {r['line_s']:7.1f} s line  {r['wall_s']:6.1f} s wall")
    if not passed:
        raise SystemExit(1)


def _table(result: dict) -> None:
    click.echo(f"{'result':<6} {'expectation':<58} detail")
    for e in result["expectations"]:
        click.echo(f"{'ok' if e['ok'] else 'FAIL':<6} {e['expect'][:58]:<58} {e['detail']}")


@main.command("load")
@click.option("--agents", type=click.IntRange(1, 30), required=True, help="Agents' phones, logged in, answering at once.")
@click.option("--calls", type=click.IntRange(1, 1_000_000), required=True, help="Callers to send.")
@click.option("--erlangs", type=click.FloatRange(0, min_open=True), required=True,
              help="Offered traffic A (arrival rate = A / AHT).")
@click.option("--aht", type=click.FloatRange(0, min_open=True), required=True, help="Mean talk time, s (exponential).")
@click.option("--patience", type=click.FloatRange(0, min_open=True), default=None,
              help="Callers hang up after this long in the queue (default: never).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed of arrivals and talk times.")
@click.option("--realtime/--fast", default=False, help="One block per 20 ms, or lock step as fast as the box goes.")
@click.option("--erlang", "with_erlang", is_flag=True, help="Add the Erlang C comparison (key erlang_c).")
@click.option("--transport", type=click.Choice(TRANSPORTS), default="e1link", show_default=True,
              help="The rig's lines: e1link sockets, the userspace DAHDI emulation, or this machine's DAHDI card (rig spans 3,4); the box's board follows.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout (progress on stderr).")
def load_command(agents, calls, erlangs, aht, patience, seed, realtime, with_erlang, transport, as_json) -> None:
    """Poisson calls through the IVR into the queue; service level, ASA and AHT from the rig's side."""
    from hil.load import run_load
    result = run_load(agents, calls, erlangs, aht, patience, seed, realtime, say=_progress(as_json),
                      transport=transport)
    keys = ["offered", "answered", "abandoned", "service_level", "asa_s", "aht_s", "occupancy", "wall_s", "sim_s"]
    out = {k: result[k] for k in keys}
    if with_erlang:
        out["erlang_c"] = result.get("erlang_c")
    if as_json:
        click.echo(json.dumps(out))
    else:
        for key, value in out.items():
            click.echo(f"{key:>14}: {value}")


@main.command("soak")
@click.option("--hours", type=click.FloatRange(0, min_open=True), required=True, help="Line time to run, hours.")
@click.option("--agents", type=click.IntRange(1, 30), default=8, show_default=True)
@click.option("--erlangs", type=float, default=4.0, show_default=True, help="Offered traffic.")
@click.option("--aht", type=float, default=60.0, show_default=True, help="Mean talk time, s.")
@click.option("--fault-every", type=float, default=900.0, show_default=True,
              help="Mean line seconds between random faults (0 = none).")
@click.option("--rss-margin", type=float, default=0.25, show_default=True,
              help="Allowed growth of the box's RSS from the first sample after warm-up (fraction).")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--realtime/--fast", default=False, help="One block per 20 ms, or lock step as fast as the box goes.")
@click.option("--transport", type=click.Choice(TRANSPORTS), default="e1link", show_default=True,
              help="The rig's lines: e1link sockets, the userspace DAHDI emulation, or this machine's DAHDI card (rig spans 3,4); the box's board follows.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout (progress on stderr).")
def soak_command(hours, agents, erlangs, aht, fault_every, rss_margin, seed, realtime, transport, as_json) -> None:
    """Mixed traffic with random faults (those the transport can make); then every channel idle, a CDR
    per call, RSS within the margin."""
    from hil.soak import run_soak
    result = run_soak(hours, agents=agents, erlangs=erlangs, aht=aht, fault_every=fault_every,
                      rss_margin=rss_margin, seed=seed, realtime=realtime, say=_progress(as_json),
                      transport=transport)
    if as_json:
        click.echo(json.dumps(result))
    else:
        for key, value in result.items():
            click.echo(f"{key:>18}: {value}")
    if not result["passed"]:
        raise SystemExit(1)


@main.command("demo")
@click.option("--data", type=click.Path(file_okay=False), default=".run/data", show_default=True,
              help="The box's data directory.")
@click.option("--agents", type=click.IntRange(1, 10), default=4, show_default=True)
@click.option("--calls-per-min", type=float, default=3.0, show_default=True, help="Gentle Poisson load.")
@click.option("--refresh", type=click.FloatRange(0.5), default=3.0, show_default=True, help="Wallboard refresh, s.")
@click.option("--wallboard/--no-wallboard", default=True,
              help="Show the box's wallboard (uses its console), or leave the console to you.")
@click.option("--seed", type=int, default=None, help="Random seed (default: a new one each time).")
def demo_command(data: str, agents: int, calls_per_min: float, refresh: float, wallboard: bool, seed) -> None:
    """Start the box and play callers and agents in real time, with the box's wallboard; Ctrl-C stops."""
    from hil.demo import run_demo
    run_demo(Path(data), agents, calls_per_min, refresh, wallboard, seed)


if __name__ == "__main__":  # pragma: no cover
    main()
