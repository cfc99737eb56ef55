"""Calls that were up when the box died get a CDR marked ``interrupted`` at the next start.

The engine (off its real-time path, never waiting):
    call_up(store, {"call_id", "span", "ts", "ani", "dnis", "start", ...})   when a call is set up
    call_up(store, {... "answer": t, "agent": ...})                          as it progresses
    store.submit("cdr", final_cdr); call_down(store, call_id)               when it ends
At start, before the engine runs: ``recover_interrupted(store)`` writes one interrupted CDR
per call still marked up and clears the marks. The writer applies changes in order, so a
call's final CDR is never behind its call_down; if the box dies between the two, the CDR
already there is found and no second one is written.
"""
from __future__ import annotations

from concurrent.futures import Future

from firmware.store.schema import day_of


def call_up(store, call: dict) -> Future:
    return store.submit_upsert("active_calls", call)


def call_down(store, call_id: str) -> Future:
    return store.submit_remove("active_calls", call_id)


def recover_interrupted(store, user: str = "daemon") -> list[str]:
    """Write interrupted CDRs for the calls left up by a crash; returns their CDR ids."""
    written = []
    for call in list(store.records("active_calls")):
        call_id = call["call_id"]
        already = store.search("cdr", since=_date(call["start"]), where={"call_id": call_id}, limit=1)
        if not already:
            cdr = {k: v for k, v in call.items() if k not in ("id",)}
            cdr.update(interrupted=True, end=None, disposition="ANSWERED" if call.get("answer") else "FAILED")
            written.append(store.insert("cdr", cdr))
        call_down(store, call_id).result()
    if written:
        store.audit(user, "calls.interrupted", f"{len(written)} calls were up at the last stop: "
                    + ", ".join(written), source="daemon").result()
    return written


def _date(stored_time: str) -> str:
    day = day_of(stored_time)
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"

