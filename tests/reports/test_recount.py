"""Every report figure agrees with a plain recount from the raw records in the store."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from firmware.reports import dataset, reports
from firmware.reports.intervals import parse_tz
from firmware.reports.kpis import Settings
from tests.reports.conftest import DAY1, DAY2
from tests.reports.recount import assert_matches, inbound, recount, t, wait_of

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def data(desk):
    return dataset.load(desk.store, DAY1, DAY2, UTC)


def test_dataset_reads_every_inbound_call_once(desk, data):
    assert sorted(c.call_id for c in data.calls) == sorted(r["call_id"] for r in inbound(desk.raw["cdr"]))
    assert data.outbound == 5
    assert len(data.tickets) == len(desk.raw["tickets"]) > 20


@pytest.mark.parametrize("threshold,short_s", [(15.0, 5.0), (20.0, 10.0), (0.0, 0.0)])
def test_summary_by_queue_agrees_with_recount(desk, data, threshold, short_s):
    report = reports.summary(data, Settings(threshold, short_s), by="queue")
    rows = {r["queue"]: r for r in report["rows"]}
    cdrs = desk.raw["cdr"]
    for queue in ("product", "general"):
        assert_matches(rows[queue], recount([r for r in cdrs if r.get("queue") == queue], threshold, short_s))
    assert_matches(report["total"], recount(cdrs, threshold, short_s))
    assert rows["(no queue)"]["calls"] == sum(1 for r in inbound(cdrs) if not r.get("queue"))
    assert report["total"]["ivr_only"] == rows["(no queue)"]["calls"]
    assert report["total"]["outbound"] == 5
    # the data set has every kind of call, so the figures are not trivially 0 or 1
    if short_s:
        assert 0 < report["total"]["short_abandoned"] < report["total"]["abandoned"]
    if threshold:
        assert 0 < report["total"]["sl_abandon"] < report["total"]["sl"] < 1


def test_summary_by_agent_trunk_ivr_category(desk, data):
    cdrs = inbound(desk.raw["cdr"])
    settings = Settings()
    by_agent = {r["agent"]: r for r in reports.summary(data, settings, by="agent")["rows"]}
    for agent in {r["agent"] for r in cdrs if r.get("agent")}:
        assert_matches(by_agent[agent], recount([r for r in cdrs if r.get("agent") == agent]))
    by_trunk = {r["trunk"]: r for r in reports.summary(data, settings, by="trunk")["rows"]}
    assert set(by_trunk) == {"span 1", "span 3"}
    for span in (1, 3):
        assert_matches(by_trunk[f"span {span}"], recount([r for r in cdrs if r["span"] == span]))
    by_ivr = {r["ivr"]: r for r in reports.summary(data, settings, by="ivr")["rows"]}
    for option in ("main", "main:1", "main:2", "card"):
        assert_matches(by_ivr[option], recount([r for r in cdrs if option in r["ivr_path"]]))
    assert by_ivr["(no ivr)"]["calls"] == sum(1 for r in cdrs if not r["ivr_path"])
    tickets = {tk["id"]: tk for tk in desk.raw["tickets"]}
    by_call = {c: tk for tk in desk.raw["tickets"] for c in tk["calls"]}

    def category(rec):
        ticket = tickets.get(rec.get("ticket_id")) or by_call.get(rec["call_id"])
        return ticket["category"] if ticket else "(no ticket)"
    by_category = {r["category"]: r for r in reports.summary(data, settings, by="category")["rows"]}
    for name in ("printer", "network", "account", "(no ticket)"):
        assert_matches(by_category[name], recount([r for r in cdrs if category(r) == name]))


@pytest.mark.parametrize("interval", ["15", "60", "day"])
def test_intervals_agree_with_recount(desk, data, interval):
    report = reports.intervals(data, Settings(), interval=interval)
    cdrs = inbound(desk.raw["cdr"])
    expected_rows = {"15": 2 * 96, "60": 2 * 24, "day": 2}[interval]
    assert len(report["rows"]) == expected_rows
    for row in report["rows"]:
        start = dt.datetime.fromisoformat(row["interval"]).replace(tzinfo=UTC)
        size = dt.timedelta(days=1) if interval == "day" else dt.timedelta(minutes=int(interval))
        mine = [r for r in cdrs if start <= t(r["start"]) < start + size]
        assert_matches(row, recount(mine))
    assert sum(r["calls"] for r in report["rows"]) == len(cdrs)


def test_intervals_in_local_time_move_calls_across_days(desk):
    tz = parse_tz("+08:00")
    data = dataset.load(desk.store, DAY2, DAY2, tz)      # 2026-11-20T16:00Z .. 2026-11-21T16:00Z
    report = reports.intervals(data, Settings(), interval="60")
    first = dt.datetime(2026, 11, 20, 16, tzinfo=UTC)
    cdrs = [r for r in inbound(desk.raw["cdr"]) if first <= t(r["start"]) < first + dt.timedelta(days=1)]
    assert len(cdrs) > 0
    assert report["total"]["calls"] == len(cdrs)
    assert report["rows"][0]["interval"] == "2026-11-21 00:00"
    for row in report["rows"]:
        local = dt.datetime.fromisoformat(row["interval"]).replace(tzinfo=tz)
        mine = [r for r in cdrs if local <= t(r["start"]) < local + dt.timedelta(hours=1)]
        assert_matches(row, recount(mine))


def test_queue_filter_keeps_that_queue_only(desk, data):
    report = reports.intervals(data, Settings(), interval="day", queue="general")
    assert_matches(report["total"], recount([r for r in desk.raw["cdr"] if r.get("queue") == "general"]))
    assert report["total"]["occupancy"] is None


def test_abandoned_list_names_every_abandoned_caller(desk, data):
    report = reports.abandoned(data, Settings())
    cdrs = inbound(desk.raw["cdr"])
    expected = sorted((r["start"][:19].replace("T", " "), r["ani"], r["queue"])
                      for r in cdrs if r.get("queue") and r.get("disposition") in ("ABANDONED", "NO ANSWER"))
    assert sorted((r["time"], r["ani"], r["queue"]) for r in report["rows"]) == expected
    for row in report["rows"]:
        rec = next(r for r in cdrs if r["id"] == row["id"])
        assert row["wait_s"] == wait_of(rec)
        assert row["short"] == (wait_of(rec) < 5.0)
        later = sorted(r["start"] for r in cdrs if r["ani"] == rec["ani"] and r.get("agent")
                       and r.get("disposition") == "ANSWERED" and r["start"] > rec["start"])
        assert row["called_back"] == (later[0][:19].replace("T", " ") if later else None)
    assert report["total"]["abandoned"] == len(expected)


def test_callers_are_counted_per_number(desk, data):
    report = reports.callers(data, Settings(), limit=5)
    counts = Counter(r["ani"] for r in inbound(desk.raw["cdr"]))
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert [(r["ani"], r["calls"]) for r in report["rows"]] == top
    for row in report["rows"]:
        assert row["tickets"] == sum(1 for tk in desk.raw["tickets"] if tk["caller"] == row["ani"])
    assert report["total"] == {"callers": len(counts), "calls": sum(counts.values())}


def test_categories_fcr_and_satisfaction(desk, data):
    report = reports.categories(data, Settings())
    rows = {r["category"]: r for r in report["rows"]}
    for name in ("printer", "network", "account"):
        tickets = [tk for tk in desk.raw["tickets"] if tk["category"] == name]
        resolved = [tk for tk in tickets if tk["status"] in ("resolved", "closed")]
        one_call = [tk for tk in resolved if len(tk["calls"]) == 1]
        scores = [tk["satisfaction"] for tk in tickets if tk["satisfaction"] is not None]
        row = rows[name]
        assert row["tickets"] == len(tickets)
        assert row["resolved"] == len(resolved)
        assert row["open"] == len(tickets) - len(resolved)
        assert row["fcr"] == (len(one_call) / len(resolved) if resolved else None)
        assert row["csat"] == (sum(1 for s in scores if s >= 4) / len(scores) if scores else None)
        assert row["satisfaction"] == (sum(scores) / len(scores) if scores else None)
        # calls linked to this category's tickets (by ticket_id or by the ticket's calls list)
        ids = {tk["id"] for tk in tickets}
        linked_calls = {c for tk in tickets for c in tk["calls"]}
        linked = [r for r in inbound(desk.raw["cdr"]) if r.get("ticket_id") in ids or r["call_id"] in linked_calls]
        assert row["calls"] == len(linked) > 0
    total = report["total"]
    assert total["tickets"] == len(desk.raw["tickets"])
    assert 0 < total["fcr"] < 1 and 0 < total["csat"] < 1
