"""`e1hil`: the hardware-in-the-loop rig's command. It plays the far ends of the box's spans.

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


if __name__ == "__main__":  # pragma: no cover
    main()
