"""The help desk's basic questions, answered from the records: calls per day, who called,
which kinds of problem (ticket categories), over a range of days.
"""
from __future__ import annotations

from collections import Counter, defaultdict


def calls_per_day(store, since=None, until=None) -> list[dict]:
    days: dict[str, Counter] = defaultdict(Counter)
    for rec in store.records("cdr", since, until):
        day = rec["start"][:10]
        days[day]["calls"] += 1
        disposition = rec.get("disposition")
        if disposition == "ANSWERED" or (disposition is None and rec.get("answer")):
            days[day]["answered"] += 1
        elif disposition in ("ABANDONED", "NO ANSWER"):
            days[day]["abandoned"] += 1
        if rec.get("interrupted"):
            days[day]["interrupted"] += 1
    return [{"day": day, "calls": c["calls"], "answered": c["answered"], "abandoned": c["abandoned"],
             "interrupted": c["interrupted"]} for day, c in sorted(days.items())]


def callers(store, since=None, until=None, limit: int = 20) -> list[dict]:
    counts = Counter(rec.get("ani") or "(unknown)" for rec in store.records("cdr", since, until))
    return [{"ani": ani, "calls": n} for ani, n in counts.most_common(limit)]


def categories(store, since=None, until=None) -> list[dict]:
    total, still_open = Counter(), Counter()
    for rec in store.records("tickets", since, until):
        cat = rec.get("category") or "(none)"
        total[cat] += 1
        if rec.get("status") in ("open", "in_progress"):
            still_open[cat] += 1
    return [{"category": cat, "tickets": n, "open": still_open[cat]} for cat, n in total.most_common()]


STATS = {"calls-per-day": calls_per_day, "callers": callers, "categories": categories}
