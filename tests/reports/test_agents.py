"""Agent timelines from a hand-written queue log: state times, wrap-up in AHT, occupancy."""
from __future__ import annotations

import datetime as dt

import pytest

from firmware.reports import agentlog, dataset, reports
from firmware.reports.kpis import Settings
from firmware.store import Store
from tests.reports.conftest import DAY1, iso, utc

UTC = dt.timezone.utc
LATER = dt.datetime(2030, 1, 1, tzinfo=UTC)


def ev(hh, mm, ss, event, agent, call_id="NONE", queue="NONE", data=()):
    return {"time": iso(utc(DAY1, hh, mm, ss)), "event": event, "agent": agent, "call_id": call_id,
            "queue": queue, "data": list(data)}


QUEUE_LOG = [
    ev(8, 0, 0, "AGENTLOGIN", "2001", data=["8001"]),
    ev(8, 5, 0, "CONNECT", "2001", "x1", "product", [12, "x1", 3]),
    ev(8, 10, 0, "COMPLETECALLER", "2001", "x1", "product", [12, 300, 1]),
    ev(8, 10, 0, "PAUSE", "2001", data=["wrapup"]),
    ev(8, 10, 30, "UNPAUSE", "2001", data=["wrapup"]),
    ev(8, 20, 0, "PAUSE", "2001", data=["lunch"]),
    ev(9, 0, 0, "UNPAUSE", "2001", data=["lunch"]),
    ev(9, 5, 0, "RINGNOANSWER", "2001", "x3", "product", [15000]),
    ev(9, 10, 0, "CONNECT", "2001", "x2", "product", [5, "x2", 2]),
    ev(9, 12, 0, "TRANSFER", "2001", "x2", "product", ["7601", "default", 5, 120, 1]),
    ev(9, 12, 0, "PAUSE", "2001", data=["wrap-up"]),
    ev(9, 13, 0, "AGENTLOGOFF", "2001", data=["8001", 4380]),
    ev(7, 30, 0, "AGENTLOGOFF", "2002", data=["8002", 27000]),        # signed in since before the day
    ev(17, 0, 0, "AGENTLOGIN", "2002", data=["8002"]),
    ev(17, 10, 0, "CONNECT", "2002", "y1", "general", [20, "y1", 1]),
    ev(17, 20, 0, "COMPLETEAGENT", "2002", "y1", "general", [20, 600, 1]),
]


def cdr(call_id, agent, queue, answer, wait, talk):
    return {"call_id": call_id, "start": iso(answer - dt.timedelta(seconds=wait)), "answer": iso(answer),
            "end": iso(answer + dt.timedelta(seconds=talk)), "billsec": float(talk), "wait": float(wait),
            "queue": queue, "agent": agent, "disposition": "ANSWERED", "ani": "555"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("agents")) as store:
        for rec in QUEUE_LOG:
            store.insert("queue_log", rec)
        store.insert("cdr", cdr("x1", "2001", "product", utc(DAY1, 8, 5), 12, 300))
        store.insert("cdr", cdr("x2", "2001", "product", utc(DAY1, 9, 10), 5, 120))
        store.insert("cdr", cdr("y1", "2002", "general", utc(DAY1, 17, 10), 20, 600))
        yield dataset.load(store, DAY1, DAY1, UTC)


def test_agent_state_times_and_operations(data):
    rows = {r["agent"]: r for r in reports.agents(data, Settings(), now=LATER)["rows"]}
    a = rows["2001"]
    assert (a["sign_ins"], a["sign_outs"], a["pauses"], a["transfers"], a["ring_no_answer"]) == (1, 1, 1, 1, 1)
    assert a["ready_s"] == 300 + 570 + 600
    assert a["on_call_s"] == 300 + 120
    assert a["wrapup_total_s"] == 30 + 60
    assert a["paused_s"] == 2400
    assert a["signed_in_s"] == 4380
    assert a["occupancy"] == pytest.approx((420 + 90) / 4380)
    assert a["calls"] == 2
    assert a["aht_s"] == pytest.approx((300 + 30 + 120 + 60) / 2)
    b = rows["2002"]
    assert (b["sign_ins"], b["sign_outs"]) == (1, 1)
    assert b["ready_s"] == 7.5 * 3600 + 600 + (24 - 17 - 20 / 60) * 3600
    assert b["on_call_s"] == 600
    assert b["occupancy"] == pytest.approx(600 / b["signed_in_s"])


def test_wrapup_counts_in_the_queue_aht(data):
    report = reports.summary(data, Settings(), by="queue", now=LATER)
    rows = {r["queue"]: r for r in report["rows"]}
    assert rows["product"]["aht_s"] == pytest.approx(255.0)
    assert rows["product"]["wrapup_s"] == pytest.approx(45.0)
    assert rows["general"]["aht_s"] == pytest.approx(600.0)
    signed_in = 4380 + 7.5 * 3600 + 7 * 3600
    assert report["total"]["occupancy"] == pytest.approx((420 + 90 + 600) / signed_in)


def test_interval_occupancy_clips_states_to_the_interval(data):
    rows = {r["interval"]: r for r in reports.intervals(data, Settings(), interval="60", now=LATER)["rows"]}
    assert rows["2026-11-20 08:00"]["occupancy"] == pytest.approx((300 + 30) / 3600)
    assert rows["2026-11-20 07:00"]["occupancy"] == pytest.approx(0.0)      # 2002 signed in, ready
    assert rows["2026-11-20 09:00"]["occupancy"] == pytest.approx((120 + 60) / (13 * 60))
    assert rows["2026-11-20 12:00"]["occupancy"] is None                     # nobody signed in


def test_now_ends_the_open_states():
    events = [dataset.QueueEvent(utc(DAY1, 8, 0), "NONE", "NONE", "a", "AGENTLOGIN", []),
              dataset.QueueEvent(utc(DAY1, 8, 5), "c", "q", "a", "CONNECT", [])]
    start, end = utc(DAY1, 0, 0), utc(DAY1, 8, 7)
    segments, _ = agentlog.timelines(events, start, end)
    seconds = agentlog.state_seconds(segments, start, end)
    assert seconds[agentlog.READY] == 300 and seconds[agentlog.ON_CALL] == 120
    assert agentlog.occupancy(seconds) == pytest.approx(120 / 420)
