"""What the box knows about each call in progress, and the records it becomes at the end.

A ``CallerLeg`` is a call that came in on a trunk span (or an agent's call from the office
PBX): its R2 call, where it is in the call center (``phase``), the agent, consult and
transfer legs it is bridged to, what the IVR collected, the recording, the ticket. ``cdr()`` turns it into the store's
CDR record; times are wall times computed from line frames (``WallClock``), so a simulated
day in fast mode gets the same timestamps as a real one would.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from firmware.clock import FRAME_RATE

PHASES = ("ivr", "queued", "ringing", "connected", "transferred", "survey", "voicemail", "feature", "ending")


class WallClock:
    """Wall time of a line frame: the host's time at start-up plus the line time since."""

    def __init__(self, epoch: dt.datetime | None = None):
        self.epoch = epoch or dt.datetime.now(dt.timezone.utc)

    def at(self, frame: int) -> dt.datetime:
        return self.epoch + dt.timedelta(seconds=frame / FRAME_RATE)


@dataclass(eq=False)
class AgentLeg:
    """A call the box placed on the office-PBX span: to an agent offered the caller ("agent"),
    to a party an agent consults ("consult"), or to where the caller was transferred ("transfer")."""

    agent: str
    extension: str
    r2call: object
    answered: bool = False
    role: str = "agent"

    @property
    def endpoint(self) -> tuple[int, int]:
        return (self.r2call.span, self.r2call.ts)


@dataclass(eq=False)
class CallerLeg:
    call_id: str
    span: int
    ts: int
    r2call: object
    ani: str
    dnis: str
    category: str
    start: int                              # line frame of the seizure
    phase: str = "ivr"
    answer: int | None = None               # the box answered (IVR) at this frame
    agent_answer: int | None = None         # an agent answered at this frame
    end: int | None = None
    ivr: object | None = None
    ivr_path: list[str] = field(default_factory=list)
    inputs: dict = field(default_factory=dict)
    queue: str = ""
    agent: str = ""
    agent_leg: AgentLeg | None = None
    consult_leg: AgentLeg | None = None     # the party the agent consults (caller holds)
    far_leg: AgentLeg | None = None         # the party the caller was transferred to
    conference: bool = False
    queued_at: int | None = None
    recording: str = ""
    recording_path: str = ""
    ticket: object | None = None            # Future of the ticket id
    satisfaction: int | None = None
    disposition: str = ""
    digits: str = ""                        # keys collected outside the IVR (features, survey)
    timer: object | None = None

    @property
    def endpoint(self) -> tuple[int, int]:
        return (self.span, self.ts)

    def active_record(self, wall: WallClock) -> dict:
        """The store's active_calls record (firmware.store.calls): what a crash would leave."""
        record = {"call_id": self.call_id, "span": self.span, "ts": self.ts, "direction": "in",
                  "ani": self.ani, "dnis": self.dnis, "category": self.category,
                  "start": wall.at(self.start), "ivr_path": list(self.ivr_path), "queue": self.queue,
                  "agent": self.agent}
        if self.agent_answer is not None:
            record["answer"] = wall.at(self.agent_answer)
        return record

    def cdr(self, wall: WallClock, interrupted: bool = False) -> dict:
        end = self.end if self.end is not None else self.start
        record = {
            "call_id": self.call_id, "span": self.span, "ts": self.ts, "direction": "in",
            "ani": self.ani, "dnis": self.dnis, "category": self.category,
            "start": wall.at(self.start), "end": wall.at(end),
            "duration": round((end - self.start) / FRAME_RATE, 3),
            "disposition": self.disposition or ("ANSWERED" if self.agent_answer is not None else "NO ANSWER"),
            "ivr_path": list(self.ivr_path), "queue": self.queue, "agent": self.agent,
            "interrupted": interrupted,
        }
        # the CDR's answer and billsec are the agent's (reports read them so); IVR-only calls
        # that ended in the IVR keep the box's answer
        answered = self.agent_answer if self.agent_answer is not None else self.answer
        if answered is not None:
            record["answer"] = wall.at(answered)
            record["billsec"] = round((end - answered) / FRAME_RATE, 3)
        if self.queued_at is not None:
            until = self.agent_answer if self.agent_answer is not None else end
            record["wait"] = round((until - self.queued_at) / FRAME_RATE, 3)
        if self.recording:
            record["recording_id"] = self.recording
        return record
