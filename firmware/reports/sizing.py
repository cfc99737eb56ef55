"""`e1desk sizing`: agents and trunks a load needs (the "system configuration calculation").

Agents (Erlang C, firmware/acd/erlang.py): traffic A = calls per hour x AHT / 3600 Erlangs;
the fewest agents N > A whose service level P(wait <= T) reaches the target (and whose
occupancy A / N stays at or below --max-occupancy, if given).

Trunks (Erlang B): a call holds a trunk (an E1 timeslot) while in the IVR, while waiting and
while talking, but not during the agent's wrap-up, so the trunk traffic is
    calls per hour / 3600 x (IVR time + ASA + AHT - wrap-up)
and the trunks needed are the fewest M with B(trunk traffic, M) <= the maximum blocking.
E1 spans needed: M / 30 voice timeslots per PCM30 span, rounded up.
"""
from __future__ import annotations

import math

import click

from firmware.acd.erlang import MAX_SERVERS, asa, erlang_b, erlang_c, service_level
from firmware.console.render import emit_json, table_text
from firmware.errors import BadInput

VOICE_TIMESLOTS_PER_SPAN = 30


def agent_row(traffic: float, agents: int, aht_s: float, threshold_s: float) -> dict:
    return {"agents": agents, "p_wait": erlang_c(traffic, agents),
            "service_level": service_level(traffic, agents, aht_s, threshold_s),
            "asa_s": asa(traffic, agents, aht_s), "occupancy": min(1.0, traffic / agents) if agents else 1.0}


def agents_needed(traffic: float, aht_s: float, threshold_s: float, target: float,
                  max_occupancy: float | None = None) -> int:
    """Fewest agents meeting the service-level target (and the occupancy cap)."""
    agents = max(1, math.floor(traffic) + 1)
    if max_occupancy:
        agents = max(agents, math.ceil(traffic / max_occupancy))
    while agents <= MAX_SERVERS:
        if service_level(traffic, agents, aht_s, threshold_s) >= target:
            return agents
        agents += 1
    raise BadInput("--sl", f"no number of agents up to {MAX_SERVERS} reaches {target:.1%}")


def trunks_needed(traffic: float, max_blocking: float) -> int:
    """Fewest trunks whose Erlang B blocking is at most ``max_blocking`` (blocking falls as
    trunks are added: double until it is met, then bisect)."""
    high = 1
    while erlang_b(traffic, high) > max_blocking:
        if high >= MAX_SERVERS:
            raise BadInput("--max-blocking", f"no number of trunks up to {MAX_SERVERS} reaches {max_blocking:g}")
        high = min(MAX_SERVERS, high * 2)
    low = high // 2                             # blocking(low) > max_blocking >= blocking(high), or low = 0
    while high - low > 1:
        middle = (low + high) // 2
        if erlang_b(traffic, middle) <= max_blocking:
            high = middle
        else:
            low = middle
    return high


def size(calls_per_hour: float, aht_s: float, target: float, threshold_s: float, max_blocking: float,
         wrapup_s: float = 0.0, ivr_s: float = 0.0, max_occupancy: float | None = None) -> dict:
    """The whole sizing answer as a dict (see the module docstring for the method)."""
    traffic = calls_per_hour * aht_s / 3600.0
    agents = agents_needed(traffic, aht_s, threshold_s, target, max_occupancy)
    chosen = agent_row(traffic, agents, aht_s, threshold_s)
    trunk_traffic = calls_per_hour / 3600.0 * (ivr_s + chosen["asa_s"] + aht_s - wrapup_s)
    trunks = trunks_needed(trunk_traffic, max_blocking)
    first = max(math.floor(traffic) + 1, agents - 6, 1)
    table = [agent_row(traffic, n, aht_s, threshold_s) | {"chosen": n == agents} for n in range(first, agents + 4)]
    return {"inputs": {"calls_per_hour": calls_per_hour, "aht_s": aht_s, "sl_target": target,
                       "threshold_s": threshold_s, "max_blocking": max_blocking, "wrapup_s": wrapup_s,
                       "ivr_s": ivr_s, "max_occupancy": max_occupancy},
            "traffic_erlangs": traffic, "agents": agents, "service_level": chosen["service_level"],
            "p_wait": chosen["p_wait"], "asa_s": chosen["asa_s"], "occupancy": chosen["occupancy"],
            "trunk_traffic_erlangs": trunk_traffic, "trunks": trunks,
            "blocking": erlang_b(trunk_traffic, trunks),
            "e1_spans": math.ceil(trunks / VOICE_TIMESLOTS_PER_SPAN), "table": table}


@click.command("sizing")
@click.option("--calls-per-hour", type=click.FloatRange(0, min_open=True), help="Offered calls in the busy hour.")
@click.option("--erlangs", type=click.FloatRange(0, min_open=True), help="Or the agent traffic in Erlangs.")
@click.option("--aht", type=click.FloatRange(0, 86400, min_open=True), required=True,
              help="Average handle time in seconds (talk + hold + wrap-up).")
@click.option("--sl", "target", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.8,
              show_default=True, help="Service-level target as a fraction (0.8 = 80%).")
@click.option("--threshold", type=click.FloatRange(0, 3600), default=15.0, show_default=True,
              help="Service-level threshold in seconds (answered within).")
@click.option("--max-blocking", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.01,
              show_default=True, help="Highest share of calls that may find every trunk busy.")
@click.option("--wrapup", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Seconds of the AHT that are wrap-up (no trunk held).")
@click.option("--ivr", type=click.FloatRange(0), default=0.0, show_default=True,
              help="Seconds a call spends in the IVR before queueing (trunk held).")
@click.option("--max-occupancy", type=click.FloatRange(0, 1, min_open=True), help="Cap on agent occupancy, e.g. 0.85.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def sizing(calls_per_hour, erlangs, aht, target, threshold, max_blocking, wrapup, ivr, max_occupancy, as_json) -> None:
    """How many agents and trunks a load needs for a service-level target (Erlang C and B)."""
    if (calls_per_hour is None) == (erlangs is None):
        raise BadInput("--calls-per-hour", "give either --calls-per-hour or --erlangs (one of them)")
    if wrapup >= aht:
        raise BadInput("--wrapup", f"{wrapup:g} s must be less than --aht {aht:g} s")
    if calls_per_hour is None:
        calls_per_hour = erlangs * 3600.0 / aht
    result = size(calls_per_hour, aht, target, threshold, max_blocking, wrapup, ivr, max_occupancy)
    if as_json:
        emit_json(result)
        return
    click.echo(f"load: {calls_per_hour:g} calls/hour x {aht:g} s = {result['traffic_erlangs']:.2f} Erlangs; "
               f"target {target:.0%} within {threshold:g} s")
    rows = [{"agents": r["agents"], "p_wait": f"{r['p_wait']:.1%}", "sl": f"{r['service_level']:.1%}",
             "asa_s": f"{r['asa_s']:.1f}", "occupancy": f"{r['occupancy']:.1%}", "": "<- needed" if r["chosen"] else ""}
            for r in result["table"]]
    click.echo(table_text(rows, ["agents", "p_wait", "sl", "asa_s", "occupancy", ""]))
    click.echo(f"agents needed: {result['agents']}")
    click.echo(f"trunks needed: {result['trunks']} (trunk traffic {result['trunk_traffic_erlangs']:.2f} Erlangs, "
               f"blocking {result['blocking']:.2%} <= {max_blocking:.2%}); E1 spans: {result['e1_spans']}")
