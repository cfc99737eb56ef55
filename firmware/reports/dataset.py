"""The records of a report's date range, read through the Store, as plain call/event objects.

How a stored CDR is read (the meaning the reports rely on):
  * only inbound calls (``direction`` "in") are reported; outbound ones are counted apart;
  * a call was *queued* (offered to agents) when its ``queue`` is set;
  * it was *answered* when queued, an ``agent`` is set and its disposition is ANSWERED (or,
    with no disposition, it has an ``answer`` time); ``answer`` is then when the agent answered
    and ``billsec`` (else ``end - answer``) the agent's talk time, hold included, because the
    caller stays connected while on hold;
  * it was *abandoned* when queued, not answered and its disposition is ABANDONED or NO ANSWER
    (the caller hung up before an agent answered);
  * ``wait`` is the time in queue (until the agent answered or the caller hung up); when a CDR
    has none, ``answer - start`` (answered) or ``end - start`` (abandoned) stands in.
Queue-log events and tickets are passed on as they are, with parsed times.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from firmware.reports.intervals import day_span
from firmware.store.schema import parse_time

ABANDON_DISPOSITIONS = ("ABANDONED", "NO ANSWER")


@dataclass
class Call:
    id: str
    call_id: str
    start: dt.datetime                 # UTC
    ani: str
    queue: str | None
    agent: str | None
    span: int | None
    ivr_path: list[str]
    disposition: str | None
    answered: bool
    abandoned: bool
    wait: float | None
    talk: float
    ticket_id: str | None
    end: dt.datetime | None = None

    @property
    def queued(self) -> bool:
        return bool(self.queue)


@dataclass
class QueueEvent:
    time: dt.datetime                  # UTC
    call_id: str
    queue: str
    agent: str
    event: str
    data: list


@dataclass
class Dataset:
    """What one report reads: inbound calls, queue-log events, tickets (each sorted by time)."""

    first: dt.date
    last: dt.date
    tz: dt.tzinfo
    calls: list[Call] = field(default_factory=list)
    events: list[QueueEvent] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)
    linked_tickets: dict[str, dict] = field(default_factory=dict)   # ticket id -> ticket, for calls
    outbound: int = 0
    errors: list[str] = field(default_factory=list)                 # unreadable files skipped

    @property
    def start(self) -> dt.datetime:
        return day_span(self.first, self.last, self.tz)[0]

    @property
    def end(self) -> dt.datetime:
        return day_span(self.first, self.last, self.tz)[1]

    def queues(self) -> set[str]:
        return {c.queue for c in self.calls if c.queue} | {e.queue for e in self.events if e.queue not in ("", "NONE")}


def _seconds(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    return (b - a).total_seconds() if a is not None and b is not None else None


def call_from_cdr(rec: dict) -> Call:
    """A stored CDR as a Call (see the module docstring for what each flag means)."""
    start = parse_time(rec["start"])
    answer = parse_time(rec["answer"]) if rec.get("answer") else None
    end = parse_time(rec["end"]) if rec.get("end") else None
    disposition = rec.get("disposition")
    queue, agent = rec.get("queue") or None, rec.get("agent") or None
    answered = bool(queue and agent and (disposition == "ANSWERED" or (disposition is None and answer)))
    abandoned = bool(queue and not answered and disposition in ABANDON_DISPOSITIONS)
    wait = rec.get("wait")
    if wait is None and answered:
        wait = _seconds(start, answer)
    elif wait is None and abandoned:
        wait = _seconds(start, end)
    talk = 0.0
    if answered:
        talk = rec.get("billsec")
        if talk is None:
            talk = max(0.0, _seconds(answer, end) or 0.0)
    return Call(id=rec["id"], call_id=rec.get("call_id") or rec["id"], start=start,
                ani=rec.get("ani") or "(unknown)", queue=queue, agent=agent, span=rec.get("span"),
                ivr_path=list(rec.get("ivr_path") or []), disposition=disposition,
                answered=answered, abandoned=abandoned, wait=wait, talk=float(talk),
                ticket_id=rec.get("ticket_id") or None, end=end)


def load(store, first: dt.date, last: dt.date, tz: dt.tzinfo) -> Dataset:
    """Read the local days first..last (the UTC day files around them, filtered by time)."""
    data = Dataset(first, last, tz)
    start, end = data.start, data.end
    since, until = start.date().isoformat(), (end - dt.timedelta(microseconds=1)).date().isoformat()

    def inside(stored: str) -> dt.datetime | None:
        when = parse_time(stored)
        return when if start <= when < end else None

    for rec in store.records("cdr", since, until, data.errors):
        if inside(rec["start"]) is None:
            continue
        if rec.get("direction", "in") != "in":
            data.outbound += 1
            continue
        data.calls.append(call_from_cdr(rec))
    for rec in store.records("queue_log", since, until, data.errors):
        when = inside(rec["time"])
        if when is not None:
            data.events.append(QueueEvent(when, rec.get("call_id") or "NONE", rec.get("queue") or "NONE",
                                          rec.get("agent") or "NONE", rec["event"], list(rec.get("data") or [])))
    for rec in store.records("tickets", since, until, data.errors):
        if inside(rec["created"]) is not None:
            data.tickets.append(rec)
    data.calls.sort(key=lambda c: (c.start, c.id))
    data.events.sort(key=lambda e: e.time)
    data.tickets.sort(key=lambda t: t["created"])
    _link_tickets(store, data)
    return data


def _link_tickets(store, data: Dataset) -> None:
    """Ticket of each call: the CDR's ticket_id, else a ticket listing the call in ``calls``."""
    by_id = {t["id"]: t for t in data.tickets}
    by_call = {}
    for ticket in data.tickets:
        for call_id in ticket.get("calls") or []:
            by_call.setdefault(str(call_id), ticket)
    for call in data.calls:
        ticket = None
        if call.ticket_id:
            ticket = by_id.get(call.ticket_id)
            if ticket is None:
                try:
                    ticket = store.get("tickets", call.ticket_id)
                except ValueError:
                    ticket = None
        if ticket is None:
            ticket = by_call.get(call.call_id) or by_call.get(call.id)
        if ticket is not None:
            data.linked_tickets[call.id] = ticket
