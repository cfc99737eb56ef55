"""The call center: R2 calls in and out, the IVR, the ACD, the switch, players, recorders, records.

One ``CallCenter`` per box, registered with the engine as its block handler. Per received
block of a span it runs, in this order: the switch keeps the received frames; DTMF detection
on the span's timeslots that listen for keys (firmware.calls.keypad); the players and the switch fill
the transmit block; the recorders take copies; then the R2 handler (firmware.signaling,
registered right after) reads line signals and MF tones and writes its own MF tones. Call events from R2, the IVR and the ACD change the
calls' phases here; records go to the store through ``submit`` (never blocking).

A call from the trunk is answered at once and walks the IVR; a route to a queue hands it to
the ACD, whose offers become R2 calls to the agents' extensions on the office-PBX span;
when one answers, caller and agent are switched together and the call is recorded (from the
box's answer, following the caller's timeslot). When the agent hangs up first, the caller is
asked for a satisfaction score (1-5). At the end the CDR, the recording's index entry and
the ticket are written; while a call is up it is marked in the store's active_calls table,
so a crash leaves an interrupted CDR at the next start. Calls from the PBX span carry
agents' feature codes (DTMF after the box answers, ended by # or a pause); agents on a call
dial them too (hold, consult, transfer, conference: firmware.calls.transfers; **1 / **2
pause and resume the call's recording). Voicemail is firmware.calls.voicemail, the
conference mixer firmware.calls.conference, listen-in and whisper firmware.calls.tap.
"""
from __future__ import annotations

import itertools
import logging
from pathlib import Path

import numpy as np

from drivers.base import RxBlock
from firmware.acd.features import CODES
from firmware.calls.conference import Conferences
from firmware.calls.keypad import SpanKeypad
from firmware.calls.legs import AgentLeg, CallerLeg, WallClock
from firmware.calls.player import Players
from firmware.calls.prompts import PromptLibrary, music_on_hold
from firmware.calls.recorder import Recorders
from firmware.calls.switch import Switch
from firmware.calls.tap import Listening, Tap
from firmware.calls.transfers import Transfers
from firmware.calls.voicemail import Voicemail
from firmware.clock import FRAME_RATE
from firmware.reports.wallboard import entries
from firmware.store.calls import call_down, call_up

log = logging.getLogger("e1desk.calls")

SURVEY_PROMPTS = ["ivr/survey"]
SURVEY_THANKS = ["ivr/survey-thanks"]
#: spoken texts of the call center's own prompts (the IVR's are in firmware.ivr.config)
PROMPT_TEXTS = {
    "ivr/survey": "Please rate the service you received, from 1, poor, to 5, excellent.",
    "ivr/survey-thanks": "Thank you for your rating. Goodbye.",
}
FEATURE_OK, FEATURE_BAD = ["agent-loginok"], ["invalid"]
SURVEY_TIMEOUT_S = 8.0
FEATURE_TIMEOUT_S = 4.0
RECORDING_PAUSE, RECORDING_RESUME = "**1", "**2"    # agents' codes during a call (not ACD codes)
CALLBACK_PROMPTS = ["vm-nobodyavail", "goodbye"]
#: callers' phases in which their keys mean something (see ``_digit``)
LISTENING_PHASES = frozenset({"ivr", "survey", "voicemail", "feature"})


class CallCenter:
    def __init__(self, engine, store, sections: dict, prompts: PromptLibrary, data_dir: Path,
                 wall: WallClock | None = None, lookups=None):
        from firmware.acd.engine import Acd
        from firmware.calls.acdbridge import AcdBridge
        from firmware.signaling.box import attach

        self.engine, self.store, self.prompts = engine, store, prompts
        self.clock = engine.clock
        self.wall = wall or WallClock()
        self.data_dir = Path(data_dir)
        self.sections = sections
        self.lookups = lookups
        spans = sorted(engine.slots)
        self.switch = Switch(spans)
        self.players = {s: Players() for s in spans}
        self.recorders = Recorders()
        self.keypads = {s: SpanKeypad() for s in spans}
        engine.add_handler(self.on_block)            # before R2: its MF tones overwrite the rows
        self.r2sig = attach(engine, self._r2_event)  # it owns, after players and switch filled them
        self.r2 = self.r2sig.spans
        self.pbx = [n for n in self.r2 if engine.slots[n].span.config.role == "pbx"]
        self.trunks = [n for n in self.r2 if n not in self.pbx]
        self.calls: dict[str, CallerLeg] = {}
        self.by_endpoint: dict[tuple[int, int], CallerLeg] = {}
        self.span_legs: dict[int, dict[int, CallerLeg]] = {s: {} for s in spans}    # span -> ts -> leg
        self.agent_legs: dict[int, tuple[CallerLeg, AgentLeg]] = {}    # id(r2call) -> legs
        self.acd = Acd(sections.get("acd", {}), self.clock, AcdBridge(self), agents=sections.get("agents", []))
        self.transfers = Transfers(self)
        self.conferences = Conferences()
        self.voicemail = Voicemail(self, sections.get("voicemail"))
        self.listening = Listening()
        self._moh = music_on_hold()
        self._ids = itertools.count(1)
        self.finished = 0

    # -- per block (the real-time path) -------------------------------------------------------
    def on_block(self, span: int, rx: RxBlock, tx: np.ndarray) -> None:
        self.switch.receive(span, rx.voice)
        if self.conferences.rooms:
            self.conferences.receive(span, rx.voice)
        keypad = self.keypads[span]
        keypad.listen(self._listening(span))
        for ts, key in keypad.process(rx.voice):
            self._digit(span, ts, key)
        self.players[span].fill(tx)
        self.switch.fill(span, tx)
        if self.conferences.rooms:
            self.conferences.fill(span, tx)
        if self.listening:
            self.listening.block(span, rx.voice, tx, self.calls)
        self.recorders.block(span, rx.voice, tx)
        if self.voicemail.active:
            self.voicemail.block(span, rx.voice)

    def _listening(self, span: int) -> dict[int, object]:
        """Timeslot -> owning leg, for the span's timeslots whose keys ``_digit`` acts on:
        callers in a listening phase, and agents on a call (their feature codes); the ACD's
        calls to agents are all placed on the first PBX span (``offer``)."""
        wanted = {ts: leg for ts, leg in self.span_legs[span].items() if leg.phase in LISTENING_PHASES}
        if self.pbx and span == self.pbx[0]:
            for _, agent_leg in self.agent_legs.values():
                if agent_leg.answered and agent_leg.role == "agent":
                    wanted.setdefault(agent_leg.r2call.ts, agent_leg)
        return wanted

    # -- listen-in and whisper (the headset jack; see firmware.calls.tap) -----------------------
    def tap(self, call_id: str) -> Tap:
        """A stream of the call's two directions at the caller's timeslot, block by block."""
        if call_id not in self.calls:
            raise KeyError(f"no call {call_id!r} in progress")
        return self.listening.tap(call_id)

    def whisper(self, call_id: str, source) -> None:
        """Mix ``source()`` (A-law blocks, None to stop) into what the call's agent hears."""
        if call_id not in self.calls:
            raise KeyError(f"no call {call_id!r} in progress")
        self.listening.whisper(call_id, source)

    # -- R2 events ----------------------------------------------------------------------------
    def _r2_event(self, event: str, call) -> None:
        span = call.span
        legs = self.agent_legs.get(id(call))
        if legs is not None:
            self._agent_leg_event(event, call, *legs)
        elif event == "offered":
            self._offered(span, call)
        elif event == "accepted" and (span, call.ts) in self.by_endpoint:
            self._accepted(self.by_endpoint[(span, call.ts)])
        elif event == "answered" and (span, call.ts) in self.by_endpoint:
            self.by_endpoint[(span, call.ts)].answer = self.clock.now
        elif event in ("cleared", "failed"):
            leg = self.by_endpoint.get((span, call.ts))
            if leg is not None and leg.r2call is call:
                self._caller_gone(leg, call.cause or event)

    def _offered(self, span: int, call) -> None:
        call_id = f"{self.wall.epoch:%Y%m%d%H%M%S}-{next(self._ids)}"
        leg = CallerLeg(call_id, span, call.ts, call, call.ani, call.dnis, call.category, self.clock.now)
        self.calls[call_id] = leg
        self.by_endpoint[leg.endpoint] = leg
        self.span_legs[span][call.ts] = leg
        call.accept(charge=True)
        call.answer()
        self._mark_up(leg)
        self._start_recording(leg)

    def _accepted(self, leg: CallerLeg) -> None:
        """The R2 register phase is over (the row is no longer the MF sender's): the caller's
        audio starts now, so no prompt begins under the last backward signal."""
        if leg.span in self.pbx:
            leg.phase = "feature"              # an agent's phone calling in with a feature code
            self._arm(leg, FEATURE_TIMEOUT_S, lambda: self._feature_done(leg))
            self.voicemail.dial_tone(leg)      # stutter if the agent has messages waiting
        else:
            self._start_ivr(leg)

    # -- the IVR ------------------------------------------------------------------------------
    def _start_ivr(self, leg: CallerLeg) -> None:
        from firmware.calls.ivrbridge import IvrBridge
        from firmware.ivr.lookups import MemoryLookups
        from firmware.ivr.session import IvrSession
        context = {"call_id": leg.call_id, "ani": leg.ani, "dnis": leg.dnis}
        leg.ivr = IvrSession(self.sections["ivr"], context, self.clock, self.lookups or MemoryLookups(),
                             IvrBridge(self, leg), wall_time=lambda: self.wall.at(self.clock.now))
        leg.ivr.start()

    def ivr_route(self, leg: CallerLeg, kind: str, target: str, data: dict) -> None:
        leg.ivr_path = list(data.get("ivr_path", []))
        leg.inputs = {k: v for k, v in data.items() if k not in ("ivr_path", "ani", "dnis", "priority")}
        leg.ivr = None
        if kind == "queue":
            leg.phase, leg.queue, leg.queued_at = "queued", target, self.clock.now
            screen = {"ani": leg.ani, "dnis": leg.dnis, **leg.inputs}
            if self.acd.enqueue(leg.call_id, target, data.get("priority"), screen) == 0:
                leg.disposition = "CONGESTION"
                self.hang_up(leg)
        elif kind == "voicemail":
            self.voicemail.start(leg, target)
        elif kind == "extension":
            self.transfers.ring_extension(leg, target)
        else:
            self.hang_up(leg)

    # -- playing to a caller --------------------------------------------------------------
    def play(self, leg: CallerLeg, prompts: list[str], then=None) -> None:
        self.players[leg.span].play(leg.ts, self.prompts.sequence(prompts), on_done=then)

    def music(self, leg: CallerLeg) -> None:
        self.players[leg.span].play(leg.ts, [self._moh], loop=True)

    def stop_playing(self, leg: CallerLeg) -> None:
        self.players[leg.span].stop(leg.ts)

    # -- digits -------------------------------------------------------------------------------
    def _digit(self, span: int, ts: int, key: str) -> None:
        leg = self.by_endpoint.get((span, ts))
        if leg is None:
            self._agent_digit(span, ts, key)
        elif leg.phase == "ivr" and leg.ivr is not None:
            leg.ivr.digit(key)
        elif leg.phase == "survey" and key in "12345":
            leg.satisfaction = int(key)
            self._cancel(leg)
            self.play(leg, SURVEY_THANKS, then=lambda: self.hang_up(leg))
            leg.phase = "ending"
        elif leg.phase == "voicemail":
            self.voicemail.key(leg, key)
        elif leg.phase == "feature":
            if key == "#":
                self._feature_done(leg)
            else:
                self.stop_playing(leg)         # the dial tone ends at the first key
                leg.digits += key
                self._arm(leg, FEATURE_TIMEOUT_S, lambda: self._feature_done(leg))

    def _agent_digit(self, span: int, ts: int, key: str) -> None:
        """A key from an agent's phone during a call: collect feature codes (they start with *)."""
        caller = next((c for c, a in self.agent_legs.values() if a.answered and a.role == "agent"
                       and (span, ts) == a.endpoint), None)
        if caller is not None:
            caller.digits = (caller.digits + key) if (caller.digits or key == "*") else ""
            if self._feature_complete(caller.digits):
                self._agent_feature(caller)

    @staticmethod
    def _feature_complete(digits: str) -> bool:
        """A code dialled during a call is complete at its # or, for codes without a number
        after them, at its second key (*6, *9, *0, *#...); **1 / **2 at their third."""
        if len(digits) < 2:
            return False
        if digits.endswith("#") or len(digits) >= 12:
            return True
        if digits[1] == "*":
            return len(digits) == 3
        return CODES.get(digits[1], ("", ""))[1] == "none"

    def _feature_done(self, leg: CallerLeg) -> None:
        self._cancel(leg)
        if self.voicemail.listen(leg):         # *98#: the agent hears his voicemail messages
            return
        from firmware.errors import BadInput
        try:
            result = self.acd.feature(leg.ani, leg.digits)
            log.info("feature %s from %s: %s", leg.digits, leg.ani, result)
            prompts = FEATURE_OK
        except (BadInput, ValueError) as exc:
            log.info("feature %s from %s refused: %s", leg.digits, leg.ani, exc)
            prompts = FEATURE_BAD
        leg.phase = "ending"
        self.play(leg, prompts, then=lambda: self.hang_up(leg))

    def _agent_feature(self, caller: CallerLeg) -> None:
        digits, caller.digits = caller.digits, ""
        if digits.rstrip("#") in (RECORDING_PAUSE, RECORDING_RESUME):
            self.recorders.pause(caller.call_id, digits.rstrip("#") == RECORDING_PAUSE)
            return
        try:
            self.acd.feature(caller.agent_leg.extension, digits)
        except Exception as exc:                # a wrong code must not hurt the call
            log.info("feature %s during call %s refused: %s", digits, caller.call_id, exc)

    # -- agents' legs -------------------------------------------------------------------------
    def offer(self, leg: CallerLeg, agent: str, extension: str) -> None:
        span = self.pbx[0] if self.pbx else None
        if span is None:
            self.acd.ring_failed(agent)
            return
        try:
            r2call = self.r2[span].place_call(extension, ani=leg.ani)
        except Exception as exc:                # no free channel towards the PBX
            log.warning("call %s: cannot ring %s: %s", leg.call_id, extension, exc)
            self.acd.ring_failed(agent)
            return
        agent_leg = AgentLeg(agent, extension, r2call, role="agent")
        leg.agent_leg, leg.phase = agent_leg, "ringing"
        self.agent_legs[id(r2call)] = (leg, agent_leg)

    def cancel_offer(self, leg: CallerLeg) -> None:
        agent_leg = leg.agent_leg
        if agent_leg is not None and not agent_leg.answered:
            leg.agent_leg = None
            self.agent_legs.pop(id(agent_leg.r2call), None)
            agent_leg.r2call.clear()
        if leg.phase == "ringing":
            leg.phase = "queued"

    def connect(self, leg: CallerLeg, agent: str) -> None:
        agent_leg = leg.agent_leg
        leg.agent, leg.agent_answer, leg.phase = agent, self.clock.now, "connected"
        self.stop_playing(leg)
        self.switch.connect(leg.endpoint, agent_leg.endpoint)
        self._mark_up(leg)
        if self.store is not None:
            leg.ticket = self.store.submit("tickets", {
                "created": self.wall.at(self.clock.now), "caller": leg.ani, "status": "open",
                "tier": "first_line", "agent": agent, "category": leg.queue,
                "description": " ".join(f"{k}={v}" for k, v in leg.inputs.items()),
                "calls": [leg.call_id]})

    def _agent_leg_event(self, event: str, r2call, leg: CallerLeg, agent_leg: AgentLeg) -> None:
        if agent_leg.role != "agent":
            self.transfers.event(event, r2call, leg, agent_leg)
        elif event == "answered":
            agent_leg.answered = True
            self.acd.ring_answered(agent_leg.agent)
        elif event in ("failed", "cleared"):
            self.agent_legs.pop(id(r2call), None)
            if leg.agent_leg is agent_leg:
                leg.agent_leg = None
            if not agent_leg.answered:
                self.acd.ring_failed(agent_leg.agent)
            elif leg.phase == "connected" and leg.conference:     # the caller stays with the third party
                self.acd.call_ended(agent_leg.agent, by="agent")
                self.transfers.agent_left_conference(leg)
            elif leg.phase == "connected":       # the agent hung up first: survey for the caller
                self.switch.disconnect(leg.endpoint)
                self.acd.call_ended(agent_leg.agent, by="agent")
                self.stop_playing(leg)
                leg.phase = "survey"
                self.play(leg, SURVEY_PROMPTS)
                self._arm(leg, SURVEY_TIMEOUT_S + 5, lambda: self.hang_up(leg))

    # -- the end of a call ----------------------------------------------------------------------
    def hang_up(self, leg: CallerLeg) -> None:
        """The box clears the caller (polite end after a prompt, IVR hang-up, survey done)."""
        if leg.phase != "gone":
            leg.r2call.clear()

    def _caller_gone(self, leg: CallerLeg, cause: str) -> None:
        phase, leg.phase = leg.phase, "gone"
        leg.end = self.clock.now
        self._cancel(leg)
        self.stop_playing(leg)
        if leg.ivr is not None:
            leg.ivr.hangup()
            leg.ivr = None
        if phase in ("queued", "ringing"):
            self.acd.abandon(leg.call_id)
            leg.disposition = leg.disposition or "ABANDONED"
        if phase == "voicemail":
            self.voicemail.finish(leg, "caller hung up", caller_gone=True)
        if phase == "connected":
            self.switch.disconnect(leg.endpoint)
            agent_leg = leg.agent_leg
            self.acd.call_ended(leg.agent, by="caller")
            if agent_leg is not None:
                self.transfers.drop(agent_leg)
                leg.agent_leg = None
        self.transfers.release(leg)
        self._finish(leg)

    def _finish(self, leg: CallerLeg) -> None:
        self.by_endpoint.pop(leg.endpoint, None)
        self.span_legs[leg.span].pop(leg.ts, None)
        self.calls.pop(leg.call_id, None)
        rec = self.recorders.stop(leg.call_id)
        self.listening.call_ended(leg.call_id)
        self.finished += 1
        if self.store is None:
            return
        if rec is not None:
            leg.recording = leg.call_id
            self.store.submit("recordings", {"created": self.wall.at(leg.start), "call_id": leg.call_id,
                                             "path": str(rec.path), "duration": rec.frames / FRAME_RATE,
                                             "agent": leg.agent, "ani": leg.ani})
        cdr = leg.cdr(self.wall)
        cdr.update(self.transfers.cdr_fields(leg.call_id))
        ticket = leg.ticket
        if ticket is not None and ticket.done() and ticket.exception() is None:
            cdr["ticket_id"] = ticket.result()
            if leg.satisfaction is not None:
                self.store.submit_update("tickets", ticket.result(), {"satisfaction": leg.satisfaction})
        if leg.satisfaction is not None:
            cdr["satisfaction"] = leg.satisfaction
        self.store.submit("cdr", cdr)
        call_down(self.store, leg.call_id)         # after the CDR: the writer keeps the order

    # -- helpers ------------------------------------------------------------------------------
    def _mark_up(self, leg: CallerLeg) -> None:
        if self.store is not None:
            call_up(self.store, leg.active_record(self.wall))

    def requeue(self, leg: CallerLeg) -> None:
        """The agent sent the caller back to a queue: release the agent's phone, wait again."""
        self.switch.disconnect(leg.endpoint)
        self.transfers.release(leg)              # consult legs and conference, if any
        self.transfers.drop(leg.agent_leg)
        leg.agent_leg, leg.phase = None, "queued"

    def callback_request(self, leg: CallerLeg) -> None:
        """Max wait reached with "callback": a callback ticket, then a polite goodbye."""
        leg.disposition = "NO ANSWER"
        if self.store is not None:
            self.store.submit("tickets", {
                "created": self.wall.at(self.clock.now), "caller": leg.ani, "status": "open",
                "category": "callback", "calls": [leg.call_id],
                "description": f"callback requested after waiting in queue {leg.queue}"})
        leg.phase = "ending"
        self.play(leg, CALLBACK_PROMPTS, then=lambda: self.hang_up(leg))

    def _start_recording(self, leg: CallerLeg) -> None:
        path = self.data_dir / "recordings" / f"{self.wall.at(leg.start):%Y%m%d}" / f"{leg.call_id}.wav"
        self.recorders.start(leg.call_id, path, leg.span, leg.ts, self.clock.now, ani=leg.ani)

    def _arm(self, leg: CallerLeg, seconds: float, action) -> None:
        self._cancel(leg)
        leg.timer = self.clock.call_later(int(seconds * FRAME_RATE), action)

    @staticmethod
    def _cancel(leg: CallerLeg) -> None:
        if leg.timer is not None:
            leg.timer.cancel()
            leg.timer = None

    def leg(self, call_id: str) -> CallerLeg | None:
        return self.calls.get(call_id)

    def snapshot(self) -> dict:
        calls = [{"call_id": c.call_id, "span": c.span, "ts": c.ts, "ani": c.ani, "dnis": c.dnis,
                  "phase": c.phase, "queue": c.queue, "agent": c.agent,
                  "seconds": round((self.clock.now - c.start) / FRAME_RATE, 1)} for c in self.calls.values()]
        acd = self.acd.snapshot()
        # the console's tables and the wallboard take lists of rows; the ACD keys them by name
        return {"calls": calls, "queues": entries(acd.get("queues"), "queue"),
                "agents": entries(acd.get("agents"), "agent"), "acd_calls": acd.get("acd_calls", [])}

    def close(self) -> None:
        self.recorders.close()
