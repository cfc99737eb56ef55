"""``db stress``: write synthetic call records and print each id once it is durable.

Used by the crash test (kill -9 at random moments, then every printed id must be there).
With ``mix`` it also updates acknowledged records (``update ID`` printed once durable),
inserts records of long-expired days and purges them (``purge N``), so that inserts,
updates and purges are all in flight when the process dies.
"""
from __future__ import annotations

import collections
import datetime as dt
import random
from typing import Callable

from firmware.store.schema import to_time

WINDOW = 64            # records in flight at once (the writer commits them in groups)


def synthetic_cdr(i: int, rng: random.Random, now: dt.datetime, days_back: int) -> dict:
    start = now - dt.timedelta(days=days_back, seconds=rng.randrange(0, 3600))
    wait = rng.uniform(0, 60)
    talk = rng.uniform(20, 600)
    answered = rng.random() < 0.9
    return {
        "call_id": f"stress-{i}", "span": 1, "ts": 1 + i % 30 + (i % 30 >= 15),
        "ani": f"1380013{rng.randrange(10000):04d}", "dnis": "10086", "category": "1",
        "start": to_time(start), "answer": to_time(start + dt.timedelta(seconds=wait)) if answered else None,
        "end": to_time(start + dt.timedelta(seconds=wait + (talk if answered else 0))),
        "duration": round(wait + (talk if answered else 0), 3), "billsec": round(talk, 3) if answered else 0.0,
        "disposition": "ANSWERED" if answered else "ABANDONED", "ivr_path": ["main", str(1 + i % 3)],
        "queue": "support", "agent": f"a{1 + i % 10:02d}" if answered else None, "wait": round(wait, 3),
    }


def run_stress(store, records: int, emit: Callable[[str], None], mix: bool = False, seed: int = 1) -> int:
    """Insert ``records`` CDRs (plus the mix); ``emit`` is called with each line to print."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.timezone.utc)
    inflight: collections.deque = collections.deque()
    acked: list[str] = []

    def settle(limit: int) -> None:
        while len(inflight) > limit:
            kind, fut = inflight.popleft()
            result = fut.result()
            if kind == "insert":
                acked.append(result)
                emit(result)
            elif kind.startswith("update "):
                emit(kind)
            elif kind == "purge":
                emit(f"purge {result}")

    for i in range(records):
        inflight.append(("insert", store.submit("cdr", synthetic_cdr(i, rng, now, i % 7))))
        if mix and acked and i % 5 == 4:
            rid = rng.choice(acked)
            inflight.append((f"update {rid}", store.submit_update("cdr", rid, {"interrupted": True})))
        if mix and i % 20 == 10:
            old = synthetic_cdr(i, rng, now, 1000 + i % 3)
            inflight.append(("old", store.submit("cdr", old)))
        if mix and i % 50 == 49:
            cutoff = (now - dt.timedelta(days=900)).strftime("%Y%m%d")
            inflight.append(("purge", store.submit_purge("cdr", cutoff)))
        settle(WINDOW)
    settle(0)
    return len(acked)
