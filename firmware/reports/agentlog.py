"""Agent timelines from the queue log: who was signed in when, and in which state.

Events (Asterisk queue_log vocabulary, firmware/store/schema.py) move an agent between states:

    AGENTLOGIN -> ready         AGENTLOGOFF -> logged out
    CONNECT -> on_call          COMPLETECALLER / COMPLETEAGENT / TRANSFER -> ready
    PAUSE(reason) -> paused     PAUSE with a wrap-up reason ("wrapup", "wrap-up", "acw") -> wrapup
    UNPAUSE -> ready            RINGNOANSWER counts a missed offer (no state change)

The state before an agent's first event of the range is inferred from that event (an agent
whose first event is AGENTLOGOFF was signed in since the start of the range; one whose first
is COMPLETECALLER was on a call). The last state lasts until the end of the range (or until
``until``, e.g. now, if earlier). A wrap-up that starts after a call's COMPLETE*/TRANSFER
belongs to that call (its wrap-up time counts in the AHT of the call's queue).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from firmware.reports.dataset import QueueEvent

LOGGED_OUT, READY, ON_CALL, WRAPUP, PAUSED = "logged_out", "ready", "on_call", "wrapup", "paused"
SIGNED_IN_STATES = (READY, ON_CALL, WRAPUP, PAUSED)
HANDLING_STATES = (ON_CALL, WRAPUP)
WRAPUP_REASONS = ("wrapup", "wrap-up", "wrap_up", "acw")
CALL_END_EVENTS = ("COMPLETECALLER", "COMPLETEAGENT", "TRANSFER")


@dataclass
class Segment:
    agent: str
    state: str
    start: dt.datetime
    end: dt.datetime
    call_id: str | None = None         # the call of an on_call / wrapup segment, if known

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def overlap(self, start: dt.datetime, end: dt.datetime) -> float:
        return max(0.0, (min(self.end, end) - max(self.start, start)).total_seconds())


@dataclass
class AgentOps:
    """Counts of one agent's operations over the range."""

    sign_ins: int = 0
    sign_outs: int = 0
    pauses: int = 0
    transfers: int = 0
    ring_no_answer: int = 0


def is_wrapup(event: QueueEvent) -> bool:
    return event.event == "PAUSE" and bool(event.data) and str(event.data[0]).strip().lower() in WRAPUP_REASONS


def _next_state(event: QueueEvent) -> str | None:
    name = event.event
    if name == "AGENTLOGIN":
        return READY
    if name == "AGENTLOGOFF":
        return LOGGED_OUT
    if name == "CONNECT":
        return ON_CALL
    if name in CALL_END_EVENTS or name == "UNPAUSE":
        return READY
    if name == "PAUSE":
        return WRAPUP if is_wrapup(event) else PAUSED
    return None


def _state_before(event: QueueEvent) -> str:
    """What an agent was doing before its first event of the range."""
    name = event.event
    if name == "AGENTLOGIN":
        return LOGGED_OUT
    if name in CALL_END_EVENTS:
        return ON_CALL
    if name == "UNPAUSE":
        return PAUSED
    return READY


def timelines(events: list[QueueEvent], start: dt.datetime, end: dt.datetime) -> tuple[list[Segment], dict[str, AgentOps]]:
    """State segments of every agent over start..end, and each agent's operation counts."""
    by_agent: dict[str, list[QueueEvent]] = defaultdict(list)
    for event in events:
        if event.agent and event.agent != "NONE":
            by_agent[event.agent].append(event)
    segments: list[Segment] = []
    ops: dict[str, AgentOps] = {}
    for agent, evs in sorted(by_agent.items()):
        count = ops.setdefault(agent, AgentOps())
        state, since, call_id, last_call = _state_before(evs[0]), start, None, None
        for event in evs:
            _count(count, event)
            new = _next_state(event)
            if new is None:
                continue
            when = min(max(event.time, start), end)
            if state != LOGGED_OUT and when > since:
                segments.append(Segment(agent, state, since, when, call_id))
            if event.event == "CONNECT":
                last_call = event.call_id
                call_id = event.call_id
            elif event.event in CALL_END_EVENTS:
                last_call = event.call_id if event.call_id != "NONE" else last_call
                call_id = None
            elif new == WRAPUP:
                call_id = last_call
            else:
                call_id = None
            state, since = new, when
        if state != LOGGED_OUT and end > since:
            segments.append(Segment(agent, state, since, end, call_id))
    return segments, ops


def _count(count: AgentOps, event: QueueEvent) -> None:
    name = event.event
    if name == "AGENTLOGIN":
        count.sign_ins += 1
    elif name == "AGENTLOGOFF":
        count.sign_outs += 1
    elif name == "PAUSE" and not is_wrapup(event):
        count.pauses += 1
    elif name == "TRANSFER":
        count.transfers += 1
    elif name == "RINGNOANSWER":
        count.ring_no_answer += 1


def state_seconds(segments: list[Segment], start: dt.datetime, end: dt.datetime,
                  agent: str | None = None) -> dict[str, float]:
    """Seconds spent in each state within start..end (one agent, or all agents summed)."""
    out = {state: 0.0 for state in SIGNED_IN_STATES}
    for seg in segments:
        if agent is None or seg.agent == agent:
            out[seg.state] += seg.overlap(start, end)
    return out


def occupancy(seconds: dict[str, float]) -> float | None:
    """Handle time (on call + wrap-up) / signed-in time; None when nobody was signed in."""
    signed_in = sum(seconds[s] for s in SIGNED_IN_STATES)
    return sum(seconds[s] for s in HANDLING_STATES) / signed_in if signed_in > 0 else None


def wrapup_by_call(segments: list[Segment]) -> dict[str, float]:
    """Wrap-up seconds per call id (only wrap-ups that follow a known call)."""
    out: dict[str, float] = defaultdict(float)
    for seg in segments:
        if seg.state == WRAPUP and seg.call_id:
            out[seg.call_id] += seg.seconds
    return dict(out)
