"""KPI definitions of the reports, computed over a group of calls or tickets.

With T the service-level threshold (15 s by default, as in the reference help desk) and S the
short-abandon threshold (5 s by default), over the inbound calls of a group (dataset.py says
how a CDR is read):

    calls            inbound calls
    ivr_only         calls that never reached a queue (served by the IVR, or hung up in it)
    offered          calls queued for an agent
    answered         queued calls an agent answered
    abandoned        queued calls the caller hung up on before an answer (all of them)
    short_abandoned  abandoned with wait < S (mis-dials, callers who change their mind)
    answered_in_sl   answered with wait <= T
    sl               answered-only service level  = answered_in_sl / answered
    sl_abandon       abandon-inclusive            = answered_in_sl / (answered + abandoned - short_abandoned)
    answer_rate      answered / offered
    abandon_rate     (abandoned - short_abandoned) / (offered - short_abandoned)
    asa_s            average speed of answer      = mean wait of answered calls
    max_wait_s       longest wait of any queued call (answered or abandoned)
    talk_s           mean talk time of answered calls (hold included: the caller stays connected)
    wrapup_s         mean wrap-up time after answered calls (from the queue log, see agentlog.py)
    aht_s            average handle time          = (talk + hold + wrap-up) / answered
    occupancy        handle time / signed-in time of the agents (on call + wrap-up over signed
                     in, from the agent timelines); only where it is meaningful (totals,
                     intervals, agents), else None
    peak             most calls of the group up at the same moment

Tickets (created in the range):
    resolved         tickets with status resolved or closed
    fcr              first-call resolution = resolved tickets with exactly one linked call / resolved
    csat             satisfaction = rated tickets scored 4 or 5 (of 5) / rated tickets
    satisfaction     mean score of rated tickets (1..5)

A ratio whose denominator is 0 is None (shown as "-"), never 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from firmware.reports.dataset import Call

RESOLVED = ("resolved", "closed")
SATISFIED_FROM = 4


@dataclass(frozen=True)
class Settings:
    sl_threshold_s: float = 15.0
    short_abandon_s: float = 5.0


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def peak_concurrent(calls: Iterable[Call]) -> int:
    """Most calls up at once (a call ending when another starts does not overlap it)."""
    edges = []
    for call in calls:
        if call.end is not None and call.end > call.start:
            edges += [(call.start, 1), (call.end, -1)]
    edges.sort(key=lambda e: (e[0], e[1]))
    peak = up = 0
    for _, step in edges:
        up += step
        peak = max(peak, up)
    return peak


def call_kpis(calls: list[Call], settings: Settings, wrapups: dict[str, float] | None = None) -> dict:
    """The call KPIs of one group (see the module docstring for each definition)."""
    wrapups = wrapups or {}
    queued = [c for c in calls if c.queued]
    answered = [c for c in queued if c.answered]
    abandoned = [c for c in queued if c.abandoned]
    short = [c for c in abandoned if c.wait is not None and c.wait < settings.short_abandon_s]
    in_sl = [c for c in answered if c.wait is not None and c.wait <= settings.sl_threshold_s]
    waits = [c.wait for c in answered if c.wait is not None]
    talks = [c.talk for c in answered]
    wraps = [wrapups.get(c.call_id, 0.0) for c in answered]
    long_abandoned = len(abandoned) - len(short)
    return {
        "calls": len(calls),
        "ivr_only": len(calls) - len(queued),
        "offered": len(queued),
        "answered": len(answered),
        "abandoned": len(abandoned),
        "short_abandoned": len(short),
        "answered_in_sl": len(in_sl),
        "sl": ratio(len(in_sl), len(answered)),
        "sl_abandon": ratio(len(in_sl), len(answered) + long_abandoned),
        "answer_rate": ratio(len(answered), len(queued)),
        "abandon_rate": ratio(long_abandoned, len(queued) - len(short)),
        "asa_s": _mean(waits),
        "max_wait_s": max((c.wait for c in queued if c.wait is not None), default=None),
        "talk_s": _mean(talks),
        "wrapup_s": _mean(wraps),
        "aht_s": ratio(sum(talks) + sum(wraps), len(answered)),
        "occupancy": None,
        "peak": peak_concurrent(calls),
    }


def ticket_kpis(tickets: list[dict]) -> dict:
    """Ticket counts, first-call resolution and satisfaction of one group of tickets."""
    resolved = [t for t in tickets if t.get("status") in RESOLVED]
    first_call = [t for t in resolved if len(t.get("calls") or []) == 1]
    scores = [t["satisfaction"] for t in tickets if t.get("satisfaction") is not None]
    return {
        "tickets": len(tickets),
        "open": sum(1 for t in tickets if t.get("status") not in RESOLVED),
        "resolved": len(resolved),
        "fcr": ratio(len(first_call), len(resolved)),
        "rated": len(scores),
        "csat": ratio(sum(1 for s in scores if s >= SATISFIED_FROM), len(scores)),
        "satisfaction": _mean(scores),
    }


def group_by(items: Iterable, keys: Callable[[object], list[str]]) -> dict[str, list]:
    """Items per group key; ``keys(item)`` lists every group the item belongs to."""
    groups: dict[str, list] = {}
    for item in items:
        for key in keys(item):
            groups.setdefault(key, []).append(item)
    return groups
