"""`e1desk acd ...`: the ACD against Erlang C by simulation, and an agent's screen pop.

    acd simulate --agents 14 --erlangs 10 --aht 180 [--calls N] [--threshold S] [--seed N] --json
        M/M/N simulation run directly on the Acd over the line clock (firmware.acd.simulate):
        measured P(wait), service level and ASA with 95% confidence intervals, the Erlang C
        values, whether each lies inside its interval, and the wall time of the run.
    acd screenpop AGENT --json
        the calling data of the call ringing at / connected to AGENT (running box only).
"""
from __future__ import annotations

import time

import click

from firmware.console.context import with_context
from firmware.console.render import emit
from firmware.errors import BadInput, Failure


@click.group()
def acd() -> None:
    """Automatic call distribution: simulation against Erlang C, screen pop."""


@acd.command("simulate")
@click.option("--agents", type=click.IntRange(1, 480), default=14, show_default=True)
@click.option("--erlangs", type=click.FloatRange(0.01, 479), default=10.0, show_default=True,
              help="Offered traffic (calls per second x AHT).")
@click.option("--aht", type=click.FloatRange(1, 86400), default=180.0, show_default=True, help="Mean handling time, s.")
@click.option("--calls", type=click.IntRange(2500, 2_000_000), default=40500, show_default=True)
@click.option("--threshold", type=click.FloatRange(0, 3600), default=20.0, show_default=True,
              help="Service level threshold, s.")
@click.option("--strategy", default="longest_idle", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def simulate(agents, erlangs, aht, calls, threshold, strategy, seed, as_json) -> None:
    """Poisson calls into the ACD; compare P(wait), SL and ASA with Erlang C."""
    from firmware.acd import erlang
    from firmware.acd.config import STRATEGIES
    from firmware.acd.simulate import simulate as run
    if erlangs >= agents:
        raise BadInput("--erlangs", f"{erlangs} Erlangs need more than {agents} agents for a steady state")
    if strategy not in STRATEGIES or strategy == "ring_all":
        raise BadInput("--strategy", f"expected one of {', '.join(s for s in STRATEGIES if s != 'ring_all')}")
    started = time.perf_counter()
    result = run(agents, erlangs, aht, calls, threshold_s=threshold, seed=seed, strategy=strategy)
    wall = time.perf_counter() - started
    formula = {"p_wait": erlang.erlang_c(erlangs, agents),
               "service_level": erlang.service_level(erlangs, agents, aht, threshold),
               "asa_s": erlang.asa(erlangs, agents, aht)}
    out = {"agents": agents, "erlangs": erlangs, "aht_s": aht, "threshold_s": threshold, "calls": calls,
           "seed": seed, "sim_s": result["sim_s"], "wall_s": round(wall, 2),
           "speed_x_real_time": round(result["sim_s"] / wall) if wall > 0 else None}
    for name, value in formula.items():
        measured = result[name]
        out[name] = {**measured.as_dict(), "erlang_c": round(value, 4), "within_ci": measured.contains(value)}
    emit(out, as_json)


@acd.command("screenpop")
@click.argument("agent")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def screenpop(cc, agent, as_json) -> None:
    """The calling data (ANI, DNIS, IVR input, queue, wait) of AGENT's current call."""
    acd_engine = getattr(cc.box, "acd", None)
    if acd_engine is None:
        raise Failure("no live ACD here: use this on the serial console of the running box")
    data = acd_engine.screen_pop(agent)
    emit(data or {"agent": agent, "call": None}, as_json)
