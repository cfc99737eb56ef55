"""The named historical reports over a Dataset, each a plain dict the CLI prints or exports.

Every report returns ``{"report", "from", "to", "tz", "settings", "columns", "rows",
"total"}``; ``rows`` are dicts keyed by ``columns``. KPI meanings: kpis.py. A queue filter
(``queue``) keeps that queue's calls only; occupancy is then None, since agents' signed-in
time is not split by queue.
"""
from __future__ import annotations

import datetime as dt

from firmware.reports import agentlog
from firmware.reports.dataset import Call, Dataset
from firmware.reports.intervals import bucket_label, buckets
from firmware.reports.kpis import Settings, call_kpis, group_by, ticket_kpis

GROUPINGS = ("queue", "agent", "ivr", "trunk", "category")
CALL_COLUMNS = ["calls", "ivr_only", "offered", "answered", "abandoned", "short_abandoned", "sl", "sl_abandon",
                "answer_rate", "abandon_rate", "asa_s", "max_wait_s", "talk_s", "wrapup_s", "aht_s",
                "occupancy", "peak"]
AGENT_COLUMNS = ["agent", "calls", "talk_s", "wrapup_s", "aht_s", "sign_ins", "sign_outs", "signed_in_s",
                 "ready_s", "on_call_s", "wrapup_total_s", "paused_s", "pauses", "transfers",
                 "ring_no_answer", "occupancy"]
ABANDONED_COLUMNS = ["time", "ani", "queue", "wait_s", "short", "called_back", "id"]
CATEGORY_COLUMNS = ["category", "tickets", "open", "resolved", "fcr", "rated", "csat", "satisfaction",
                    "calls", "answered"]
CALLER_COLUMNS = ["ani", "calls", "answered", "abandoned", "tickets", "first", "last"]


def local_text(when: dt.datetime, tz: dt.tzinfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _frame(name: str, data: Dataset, settings: Settings, columns: list[str], rows: list[dict],
           total: dict | None) -> dict:
    return {"report": name, "from": data.first.isoformat(), "to": data.last.isoformat(), "tz": str(data.tz),
            "settings": {"sl_threshold_s": settings.sl_threshold_s, "short_abandon_s": settings.short_abandon_s},
            "columns": columns, "rows": rows, "total": total, "skipped_files": list(data.errors)}


def _calls(data: Dataset, queue: str | None) -> list[Call]:
    return [c for c in data.calls if queue is None or c.queue == queue]


def _timeline(data: Dataset, now: dt.datetime | None):
    end = min(data.end, now) if now is not None else data.end
    segments, ops = agentlog.timelines(data.events, data.start, max(end, data.start))
    return segments, ops


def _group_keys(data: Dataset, by: str):
    if by == "queue":
        return lambda c: [c.queue or "(no queue)"]
    if by == "agent":
        return lambda c: [c.agent or "(no agent)"]
    if by == "ivr":
        return lambda c: list(dict.fromkeys(c.ivr_path)) or ["(no ivr)"]
    if by == "trunk":
        return lambda c: [f"span {c.span}" if c.span is not None else "(unknown)"]
    if by == "category":
        return lambda c: [(data.linked_tickets.get(c.id) or {}).get("category") or "(no ticket)"]
    raise ValueError(f"unknown grouping {by!r}; expected one of {', '.join(GROUPINGS)}")


def summary(data: Dataset, settings: Settings, by: str = "queue", queue: str | None = None,
            now: dt.datetime | None = None) -> dict:
    """Call KPIs per queue / agent / IVR menu option / trunk / problem category, and in total."""
    calls = _calls(data, queue)
    segments, _ = _timeline(data, now)
    wrapups = agentlog.wrapup_by_call(segments)
    rows = []
    for key, group in sorted(group_by(calls, _group_keys(data, by)).items()):
        row = {by: key} | call_kpis(group, settings, wrapups)
        if by == "agent" and queue is None:
            row["occupancy"] = agentlog.occupancy(agentlog.state_seconds(segments, data.start, data.end, key))
        rows.append(row)
    total = {by: "total"} | call_kpis(calls, settings, wrapups) | {"outbound": data.outbound}
    if queue is None:
        total["occupancy"] = agentlog.occupancy(agentlog.state_seconds(segments, data.start, data.end))
    total |= {k: v for k, v in ticket_kpis(data.tickets).items() if k in ("tickets", "fcr", "csat")}
    return _frame("summary", data, settings, [by] + CALL_COLUMNS, rows, total)


def intervals(data: Dataset, settings: Settings, interval: str = "60", queue: str | None = None,
              now: dt.datetime | None = None) -> dict:
    """Call KPIs per interval (every interval of the range, empty ones too)."""
    calls = _calls(data, queue)
    segments, _ = _timeline(data, now)
    wrapups = agentlog.wrapup_by_call(segments)
    per_bucket = group_by(calls, lambda c: [bucket_label(c.start, interval, data.tz)])
    rows = []
    for name, start, end in buckets(data.first, data.last, interval, data.tz):
        row = {"interval": name} | call_kpis(per_bucket.get(name, []), settings, wrapups)
        if queue is None:
            row["occupancy"] = agentlog.occupancy(agentlog.state_seconds(segments, start, end))
        rows.append(row)
    total = {"interval": "total"} | call_kpis(calls, settings, wrapups)
    if queue is None:
        total["occupancy"] = agentlog.occupancy(agentlog.state_seconds(segments, data.start, data.end))
    report = _frame("intervals", data, settings, ["interval"] + CALL_COLUMNS, rows, total)
    report["interval"] = interval
    return report


def agents(data: Dataset, settings: Settings, queue: str | None = None, now: dt.datetime | None = None) -> dict:
    """Agent traffic (calls, talk, wrap-up, AHT) and operations (sign-ins, state times, transfers)."""
    calls = [c for c in _calls(data, queue) if c.answered]
    segments, ops = _timeline(data, now)
    wrapups = agentlog.wrapup_by_call(segments)
    per_agent = group_by(calls, lambda c: [c.agent])
    names = sorted(set(per_agent) | set(ops))
    rows = []
    for name in names:
        kpi = call_kpis(per_agent.get(name, []), settings, wrapups)
        secs = agentlog.state_seconds(segments, data.start, data.end, name)
        count = ops.get(name) or agentlog.AgentOps()
        rows.append({"agent": name, "calls": kpi["answered"], "talk_s": kpi["talk_s"], "wrapup_s": kpi["wrapup_s"],
                     "aht_s": kpi["aht_s"], "sign_ins": count.sign_ins, "sign_outs": count.sign_outs,
                     "signed_in_s": sum(secs.values()), "ready_s": secs[agentlog.READY],
                     "on_call_s": secs[agentlog.ON_CALL], "wrapup_total_s": secs[agentlog.WRAPUP],
                     "paused_s": secs[agentlog.PAUSED], "pauses": count.pauses, "transfers": count.transfers,
                     "ring_no_answer": count.ring_no_answer,
                     "occupancy": agentlog.occupancy(secs) if queue is None else None})
    return _frame("agents", data, settings, AGENT_COLUMNS, rows, None)


def abandoned(data: Dataset, settings: Settings, queue: str | None = None) -> dict:
    """Every abandoned call with the caller's number, and whether the caller got through later."""
    calls = _calls(data, queue)
    answered_by_ani = group_by([c for c in calls if c.answered], lambda c: [c.ani])
    rows = []
    for call in calls:
        if not call.abandoned:
            continue
        later = next((c for c in answered_by_ani.get(call.ani, []) if c.start > call.start), None)
        rows.append({"time": local_text(call.start, data.tz), "ani": call.ani, "queue": call.queue,
                     "wait_s": call.wait,
                     "short": call.wait is not None and call.wait < settings.short_abandon_s,
                     "called_back": local_text(later.start, data.tz) if later else None, "id": call.id})
    total = {"abandoned": len(rows), "short": sum(1 for r in rows if r["short"]),
             "to_call_back": len({r["ani"] for r in rows if not r["short"] and not r["called_back"]})}
    return _frame("abandoned", data, settings, ABANDONED_COLUMNS, rows, total)


def categories(data: Dataset, settings: Settings, queue: str | None = None) -> dict:
    """Problem categories of the tickets: counts, resolution, FCR, satisfaction, calls."""
    tickets = group_by(data.tickets, lambda t: [t.get("category") or "(none)"])
    calls = group_by(_calls(data, queue),
                     lambda c: [(data.linked_tickets.get(c.id) or {}).get("category") or "(no ticket)"])
    rows = []
    for name in sorted(set(tickets) | (set(calls) - {"(no ticket)"})):
        group_calls = calls.get(name, [])
        rows.append({"category": name} | ticket_kpis(tickets.get(name, []))
                    | {"calls": len(group_calls), "answered": sum(1 for c in group_calls if c.answered)})
    rows.sort(key=lambda r: (-r["tickets"], r["category"]))
    linked = [c for name, group in calls.items() if name != "(no ticket)" for c in group]
    total = {"category": "total"} | ticket_kpis(data.tickets) | {
        "calls": len(linked), "answered": sum(1 for c in linked if c.answered)}
    return _frame("categories", data, settings, CATEGORY_COLUMNS, rows, total)


def callers(data: Dataset, settings: Settings, queue: str | None = None, limit: int = 20) -> dict:
    """Who called: the numbers with the most calls (ties by number), with answered/abandoned."""
    per_ani = group_by(_calls(data, queue), lambda c: [c.ani])
    ticket_count = group_by(data.tickets, lambda t: [t.get("caller")] if t.get("caller") else [])
    rows = [{"ani": ani, "calls": len(calls), "answered": sum(1 for c in calls if c.answered),
             "abandoned": sum(1 for c in calls if c.abandoned), "tickets": len(ticket_count.get(ani, [])),
             "first": local_text(calls[0].start, data.tz), "last": local_text(calls[-1].start, data.tz)}
            for ani, calls in per_ani.items()]
    rows.sort(key=lambda r: (-r["calls"], r["ani"]))
    total = {"callers": len(rows), "calls": sum(r["calls"] for r in rows)}
    return _frame("callers", data, settings, CALLER_COLUMNS, rows[:limit], total)


REPORTS = {"summary": summary, "intervals": intervals, "agents": agents, "abandoned": abandoned,
           "categories": categories, "callers": callers}
