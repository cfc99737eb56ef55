"""`e1hil demo` (and `make run`): the box on the sim board with gentle real-time traffic.

Starts `e1desk run --board sim --data DIR --console PTY`, plugs the rig into both spans in
real time (one block per 20 ms), logs the agents in from their phones, and sends Poisson
callers with the soak's mix (queue, wrong cards, hang-ups in the IVR). The terminal shows
the box's own live wallboard (`report wallboard --once`, typed on the box's serial console)
every few seconds, with the rig's one-line view under it. With --no-wallboard the rig leaves
the console alone, so that you can log in on it yourself with a terminal program; the box
then prints its status table instead. Ctrl-C stops the traffic and the box (SIGINT), cleanly.
"""
from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from hil.actors import Duration, PhoneSpec
from hil.box import ADMIN_PASSWORD, BoxProcess
from hil.console import ConsoleError
from hil.rig import Rig
from hil.soak import caller_mix


def run_demo(data: Path, agents: int = 4, calls_per_min: float = 3.0, refresh: float = 3.0,
             wallboard: bool = True, seed: int | None = None) -> None:
    workdir = Path(data).parent
    box = BoxProcess(workdir, status_every=0 if wallboard else refresh, echo=not wallboard,
                     log_path=workdir / "box.log")
    box.data = Path(data)
    box.run_dir = box.data / "run"
    rng = np.random.default_rng(None if seed is None else [seed, 1])
    box.prepare()
    box.start(login=wallboard)
    click.echo(f"e1desk box running (pid {box.pid}), data in {box.data}, log in {box.log_path}")
    click.echo(f"serial console: {box.console_path}  (user admin, password {ADMIN_PASSWORD})")
    if wallboard:
        click.echo("  the demo is using the console for the wallboard; to log in yourself, run "
                   "`e1hil demo --no-wallboard` and then:")
    click.echo(f"  python -m serial.tools.miniterm {box.console_path} 115200   (or: screen {box.console_path} 115200)")
    rig = Rig(box, realtime=True, seed=int(rng.integers(1 << 30)))
    try:
        rig.connect()
        for n in range(1, agents + 1):
            rig.add_phone(PhoneSpec(f"80{n:02d}", ring=Duration({"uniform": [1.0, 4.0]}),
                                    talk=Duration({"exp": 40.0}), miss=0.05))
        rig.login_all()
        click.echo(f"{agents} agents logged in from their phones (*1#); calls arrive about {calls_per_min}/min. "
                   "Ctrl-C stops.")
        rate = calls_per_min / 60.0
        next_call = rig.now + 1.0
        next_show = rig.now
        count = 0
        while True:
            if rig.now >= next_call:
                count += 1
                rig.add_caller(caller_mix(rng, count, rig.now))
                next_call += float(rng.exponential(1 / rate))
            if rig.now >= next_show:
                next_show += refresh
                _show(rig, box, wallboard, count)
            rig.step()
    except KeyboardInterrupt:
        click.echo("\nstopping: traffic first, then the box")
    finally:
        rig.disconnect()
        status = box.stop()
        click.echo(f"box stopped (exit status {status})")


def _show(rig: Rig, box: BoxProcess, wallboard: bool, count: int) -> None:
    talking = sum(c.connected_at is not None and c.agent_left_at is None for c in rig.active)
    line = (f"rig: {rig.now:7.0f} s, {count} calls placed, {len(rig.active)} in progress "
            f"({talking} talking to an agent), "
            f"{sum(len(p.handled) for p in rig.phones.values())} handled by agents")
    if wallboard:
        try:
            board = box.console.run("report wallboard --once", timeout=10)
        except ConsoleError as exc:
            board = f"(wallboard unavailable: {exc})"
        click.echo("\x1b[2J\x1b[H" + board.rstrip() + "\n\n" + line)
    else:
        click.echo(line)
