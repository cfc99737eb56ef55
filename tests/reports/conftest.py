"""Records with known values, written through the Store, for the report tests.

``desk`` holds two UTC days (2026-11-20 and -21) of seeded random inbound calls, some
outbound ones, tickets linked to calls (by the CDR's ticket_id or the ticket's calls list)
and a queue log for agent timelines. The tests recount every figure from ``desk.raw``.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pytest

from firmware.store import Store

DAY1, DAY2 = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
AGENTS = ["1001", "1002", "1003", "1004"]
ANIS = [f"1380013{n:04d}" for n in range(15)]
PATHS = [["main"], ["main", "main:1"], ["main", "main:2", "card"], []]
CATEGORIES = ["printer", "network", "account"]


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def utc(day: dt.date, hour: int, minute: int, second: float = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), dt.timezone.utc) + dt.timedelta(seconds=second)


@dataclass
class Desk:
    root: str
    store: Store
    raw: dict = field(default_factory=lambda: {"cdr": [], "queue_log": [], "tickets": []})


def random_calls(rng: random.Random, n: int) -> list[dict]:
    """Inbound CDRs: IVR-only, answered, abandoned (short and long), voicemail."""
    calls = []
    for i in range(n):
        day = DAY1 if i % 2 == 0 else DAY2
        start = utc(day, rng.randrange(7, 19), rng.randrange(60), rng.randrange(60))
        rec = {"call_id": f"call-{i}", "start": iso(start), "ani": rng.choice(ANIS), "dnis": "6000",
               "span": rng.choice([1, 3]), "ts": rng.randrange(1, 31), "ivr_path": rng.choice(PATHS)}
        roll = rng.random()
        if roll < 0.15:                                   # served by the IVR, never queued
            end = start + dt.timedelta(seconds=rng.uniform(10, 90))
            rec |= {"answer": iso(start), "end": iso(end), "disposition": "ANSWERED"}
        else:
            rec["queue"] = rng.choice(["product", "general"])
            ivr = rng.uniform(0, 30)
            if roll < 0.70:
                wait = round(rng.uniform(0, 40), 1)
                talk = round(rng.uniform(30, 400), 1)
                answer = start + dt.timedelta(seconds=ivr + wait)
                end = answer + dt.timedelta(seconds=talk)
                rec |= {"agent": rng.choice(AGENTS), "answer": iso(answer), "end": iso(end),
                        "billsec": talk, "disposition": "ANSWERED", "wait": wait}
                if i % 17 == 0:                           # no wait recorded: answer - start stands in
                    del rec["wait"]
            elif roll < 0.90:
                wait = round(rng.choice([rng.uniform(0, 5), rng.uniform(5, 90)]), 1)
                end = start + dt.timedelta(seconds=ivr + wait)
                rec |= {"end": iso(end), "disposition": rng.choice(["ABANDONED", "NO ANSWER"]), "wait": wait}
            else:
                wait = round(rng.uniform(60, 120), 1)
                end = start + dt.timedelta(seconds=ivr + wait + 20)
                rec |= {"end": iso(end), "disposition": "VOICEMAIL", "wait": wait}
        calls.append(rec)
    return calls


def write(desk: Desk, table: str, rec: dict) -> str:
    rid = desk.store.insert(table, rec)
    desk.raw[table].append(desk.store.get(table, rid))
    return rid


@pytest.fixture(scope="session")
def desk(tmp_path_factory) -> Desk:
    root = tmp_path_factory.mktemp("desk")
    rng = random.Random(7)
    with Store(root) as store:
        d = Desk(str(root), store)
        for n, rec in enumerate(random_calls(rng, 240)):
            ticket_id = None
            if rec.get("agent") and n % 3 == 0:
                calls = [rec["call_id"]] + ([f"call-{n + 1000}"] if n % 4 == 0 else [])
                ticket = {"created": rec["answer"], "caller": rec["ani"], "category": CATEGORIES[(n // 3) % 3],
                          "status": ["open", "resolved", "closed", "in_progress"][n % 4 if n % 5 else 1],
                          "satisfaction": rng.choice([None, 2, 3, 4, 5, 5]), "calls": calls, "agent": rec["agent"]}
                ticket_id = write(d, "tickets", ticket)
            if ticket_id and n % 2 == 0:
                rec["ticket_id"] = ticket_id
            write(d, "cdr", rec)
        for n in range(5):                                # outbound calls are not inbound traffic
            start = utc(DAY1, 10, n)
            write(d, "cdr", {"call_id": f"out-{n}", "start": iso(start), "direction": "out", "ani": "6000",
                             "dnis": ANIS[n], "answer": iso(start), "end": iso(start + dt.timedelta(seconds=60)),
                             "disposition": "ANSWERED", "queue": "product", "agent": "1001", "billsec": 60.0})
        yield d
