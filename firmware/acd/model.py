"""The ACD's state objects: agents (with their state machine's states), queued calls, queues.

Times are line-clock frames (8000 per second). Agent states:

    logged_out -> ready <-> not_ready(reason)
    ready -> ringing -> on_call -> wrap_up -> ready   (ringing -> ready on no answer,
                                                       -> not_ready("no-answer") after N misses)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class AgentState(str, Enum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    NOT_READY = "not_ready"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"


@dataclass
class Agent:
    agent: str
    name: str
    extension: str                     # configured phone; the login extension replaces it
    skills: dict[str, int]
    order: int                         # position in the agent list (linear / round robin order)
    state: AgentState = AgentState.LOGGED_OUT
    reason: str = ""                   # not-ready reason
    since: int = 0                     # frame of the last state change
    idle_since: int = 0                # frame the agent last finished a call (or signed in)
    login_at: int = 0
    phone: str = ""                    # extension signed in at
    call: "Call | None" = None         # offered or connected call
    misses: int = 0                    # consecutive unanswered offers
    calls: dict[str, int] = field(default_factory=dict)     # queue -> calls answered today
    talk_frames: int = 0               # talk time today
    handled: int = 0                   # calls handled today
    on_hold: bool = False
    consult: str = ""                  # extension being consulted (attended transfer / conference)
    conference: bool = False
    pending_reason: str = ""           # not-ready asked for during a call: applied after wrap-up
    wrap_queue: str = ""               # queue of the call being wrapped up
    handle_start: int = 0              # frame the call being wrapped up was answered
    timer: Any = None                  # wrap-up or ring timer

    def level(self, skill: str) -> int | None:
        return self.skills.get(skill)


@dataclass
class Call:
    call_id: str
    queue: str
    priority: int
    data: dict
    seq: int                           # arrival order (ties between equal priorities)
    entered: int                       # frame the call first entered any queue
    queue_entered: int                 # frame it entered its current queue
    orig_position: int = 0
    offered: set[str] = field(default_factory=set)      # agents ringing now
    tried: set[str] = field(default_factory=set)        # agents that missed it
    ring_started: int = 0
    agent: str = ""                    # connected agent
    answered: int = 0                  # frame connected
    timers: list = field(default_factory=list)

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()


@dataclass
class QueueStats:
    """Counters of one queue since the last ``reset_stats`` (the day's figures)."""

    entered: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    timed_out: int = 0
    overflowed: int = 0
    transferred_in: int = 0
    recalled: int = 0                  # blind transfers that failed and came back to the queue
    wait_frames_answered: int = 0
    handle_frames: int = 0             # talk + wrap-up of completed calls
    handled: int = 0

    def service_level(self) -> float | None:
        """Answered within the threshold / calls that left the queue (answered, abandoned, timed out)."""
        left = self.answered + self.abandoned + self.timed_out
        return self.answered_in_sl / left if left else None
