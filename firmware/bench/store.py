"""`e1desk bench store`: call-record write latency with a year of records kept, and a month's query.

Seeds a data directory with ``--days`` days of ``--per-day`` call records (written straight
into the day files, as the store would have left them), then measures with the real Store:
- insert latency: ``insert()`` from call to durable (fsync'd) on a day already holding
  ``--per-day`` records, the worst case of a busy day; p50/p99/max over ``--inserts``;
- submit cost: what the real-time engine pays per record (``submit()`` returns at once);
- a month's query: the last 30 days of CDRs read by a fresh Store (all records, and those
  of one caller), median of ``--runs`` runs.
Targets (design.md section 5): insert p99 <= 30 ms, month query <= 1 s.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import click

from firmware.console.render import emit


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def seed(root: Path, days: int, per_day: int, today: dt.date) -> int:
    """Write ``days`` day files of ``per_day`` CDRs ending with ``today``; returns records written."""
    from firmware.store.durable import dump_json, write_atomic
    from firmware.store.stress import synthetic_cdr
    rng = random.Random(7)
    base = dt.datetime.combine(today, dt.time(1, 0), dt.timezone.utc)
    template = {"cdr": {str(i + 1): synthetic_cdr(i, rng, base, 0) for i in range(per_day)}}
    text = dump_json(template).decode()
    stamp = today.isoformat()
    directory = root / "db" / "cdr"
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(days):
        day = today - dt.timedelta(days=n)
        write_atomic(directory / f"{day:%Y%m%d}.json", text.replace(stamp, day.isoformat()).encode())
    return days * per_day


@click.command("store")
@click.option("--days", type=click.IntRange(1, 3660), default=365, show_default=True, help="Days of records kept.")
@click.option("--per-day", type=click.IntRange(1, 100000), default=2000, show_default=True, help="Calls per day.")
@click.option("--inserts", type=click.IntRange(10, 100000), default=500, show_default=True,
              help="Inserts measured.")
@click.option("--runs", type=click.IntRange(1, 50), default=5, show_default=True, help="Runs of the month query.")
@click.option("--data", type=click.Path(file_okay=False), help="Keep the seeded directory here (default: a temp dir).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def store(days, per_day, inserts, runs, data, as_json) -> None:
    """Measure CDR insert latency (p50/p99/max) with a year kept, and a month's query time."""
    from firmware.store import Store
    from firmware.store.stress import synthetic_cdr
    root = Path(data) if data else Path(tempfile.mkdtemp(prefix="e1desk-bench-store-"))
    try:
        today = dt.datetime.now(dt.timezone.utc).date()
        t0 = time.perf_counter()
        kept = seed(root, days, per_day, today)
        seed_s = time.perf_counter() - t0
        rng = random.Random(11)
        now = dt.datetime.now(dt.timezone.utc)
        latencies, submit_costs = [], []
        with Store(root) as st:
            for i in range(inserts):
                rec = synthetic_cdr(per_day + i, rng, now, 0)
                t = time.perf_counter()
                st.insert("cdr", rec)
                latencies.append((time.perf_counter() - t) * 1000)
            futures = []
            for i in range(inserts):
                rec = synthetic_cdr(per_day + inserts + i, rng, now, 0)
                t = time.perf_counter()
                futures.append(st.submit("cdr", rec))
                submit_costs.append((time.perf_counter() - t) * 1000)
            for fut in futures:
                fut.result()
        first = today - dt.timedelta(days=min(days, 30) - 1)
        query_all, query_ani, found = [], [], 0
        for _ in range(runs):
            with Store(root) as st:                      # fresh store: no cached days
                t = time.perf_counter()
                found = len(st.search("cdr", since=first, until=today))
                query_all.append(time.perf_counter() - t)
            with Store(root) as st:
                t = time.perf_counter()
                st.search("cdr", since=first, until=today, where={"ani": "13800130042"})
                query_ani.append(time.perf_counter() - t)
        result = {
            "records_kept": kept + 2 * inserts, "days": days, "per_day": per_day, "seed_s": round(seed_s, 2),
            "insert_ms": {"p50": round(_percentile(latencies, 0.5), 3), "p99": round(_percentile(latencies, 0.99), 3),
                          "max": round(max(latencies), 3), "n": inserts},
            "submit_ms": {"p50": round(_percentile(submit_costs, 0.5), 4),
                          "p99": round(_percentile(submit_costs, 0.99), 4), "max": round(max(submit_costs), 4)},
            "month_query_s": {"median": round(statistics.median(query_all), 4), "records": found, "runs": runs},
            "month_query_by_caller_s": {"median": round(statistics.median(query_ani), 4)},
            "targets": {"insert_p99_ms": 30, "month_query_s": 1.0},
        }
        result["pass"] = (result["insert_ms"]["p99"] <= 30 and result["month_query_s"]["median"] <= 1.0)
    finally:
        if not data:
            shutil.rmtree(root, ignore_errors=True)
    if as_json:
        click.echo(json.dumps(result))
    else:
        emit(result, False)
