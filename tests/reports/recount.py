"""Plain recounts of report figures straight from raw stored records (the tests' reference)."""
from __future__ import annotations

import datetime as dt


def t(stored: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))


def inbound(cdrs):
    return [r for r in cdrs if r.get("direction", "in") == "in"]


def wait_of(rec) -> float:
    if rec.get("wait") is not None:
        return rec["wait"]
    until = rec.get("answer") if rec.get("disposition") == "ANSWERED" else rec.get("end")
    return (t(until) - t(rec["start"])).total_seconds()


def recount(cdrs, threshold=15.0, short_s=5.0, wrapups=None) -> dict:
    wrapups = wrapups or {}
    calls = inbound(cdrs)
    offered = [r for r in calls if r.get("queue")]
    answered = [r for r in offered if r.get("agent") and r.get("disposition") == "ANSWERED"]
    abandoned = [r for r in offered if r.get("disposition") in ("ABANDONED", "NO ANSWER")]
    short = [r for r in abandoned if wait_of(r) < short_s]
    in_sl = [r for r in answered if wait_of(r) <= threshold]
    out = {"calls": len(calls), "offered": len(offered), "answered": len(answered),
           "abandoned": len(abandoned), "short_abandoned": len(short), "answered_in_sl": len(in_sl)}
    out["sl"] = len(in_sl) / len(answered) if answered else None
    denominator = len(answered) + len(abandoned) - len(short)
    out["sl_abandon"] = len(in_sl) / denominator if denominator else None
    out["asa_s"] = sum(wait_of(r) for r in answered) / len(answered) if answered else None
    handle = sum(r["billsec"] + wrapups.get(r["call_id"], 0.0) for r in answered)
    out["aht_s"] = handle / len(answered) if answered else None
    return out


def assert_matches(row: dict, expected: dict) -> None:
    for key, value in expected.items():
        if value is None or isinstance(value, int):
            assert row[key] == value, (key, row[key], value)
        else:
            assert abs(row[key] - value) < 1e-9, (key, row[key], value)
