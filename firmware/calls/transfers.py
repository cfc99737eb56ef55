"""Consultation, blind and attended transfer, and three-party conference on the box.

The ACD decides (firmware.acd.desk, from the agent's feature codes) and tells the call
layer through its listener; this module does it with R2 calls on the office-PBX span, the
switch and the conference mixer:

    consult      the caller holds (music); a "consult" leg rings ``target``; once it answers
                 the agent and the consulted party are switched together
    end_consult  the consult leg is cleared; the ACD then takes the caller off hold
    transfer     attended: the caller is switched to the consult leg, the agent's phone is
                 cleared; blind: a "transfer" leg rings ``target`` (the caller hears music
                 until it answers), the agent's phone is cleared at once
    conference   caller, agent and consulted party in one conference room (each hears the
                 other two); when the agent hangs up the caller stays with the third party

A transferred caller is in phase "transferred" with ``leg.far_leg`` the party it talks to;
when either side clears, the other is cleared. An IVR route to an extension is a blind
transfer without an agent.

Recall: a blind transfer (or IVR route) whose leg is refused (busy, congestion, no free
channel) or not answered within ``acd.transfer_ring_s`` does not lose the caller. A call
the ACD handed over goes back to its queue at the head (``Acd.recall``) and hears
RECALL_PROMPTS, then music; an IVR caller goes to the voicemail box of the agent at that
extension, if any, else to the IVR's operator queue (``operator_queue``). The queue log gets
RECALL_EVENT [target, "recall", reason, ring seconds, destination] and the CDR
``transfer_recalled`` (how many times).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from firmware.calls.legs import AgentLeg
from firmware.clock import FRAME_RATE
from firmware.errors import BadInput

log = logging.getLogger("e1desk.calls")
NO_SERVICE = ["ss-noservice", "goodbye"]
RECALL_PROMPTS = ["vm-nobodyavail", "queue-thankyou"]    # "nobody is available... thank you for your patience"
TRANSFER_RING_DEFAULT_S = 20.0
RECALL_EVENT = "TRANSFERRECALL"
RECALL_CDR_FIELD = "transfer_recalled"


@dataclass
class _Ringing:
    """A blind transfer's leg ringing: where, since when (line frame)."""
    target: str
    since: int


class Transfers:
    def __init__(self, center):
        self.center = center
        self.ringing: dict[str, _Ringing] = {}      # call id -> its blind transfer still ringing
        self.recalls: dict[str, int] = {}           # call id -> recalls so far (for the CDR)
        self.ring_s = center.acd.settings.get("transfer_ring_s", TRANSFER_RING_DEFAULT_S)

    # -- placing and dropping legs --------------------------------------------------------------
    def _ring(self, leg, target: str, ani: str, role: str) -> AgentLeg | None:
        center = self.center
        if not center.pbx:
            return None
        try:
            r2call = center.r2[center.pbx[0]].place_call(target, ani=ani)
        except Exception as exc:                 # no free channel towards the PBX
            log.warning("call %s: cannot ring %s: %s", leg.call_id, target, exc)
            return None
        other = AgentLeg("", target, r2call, role=role)
        center.agent_legs[id(r2call)] = (leg, other)
        return other

    def drop(self, other: AgentLeg | None) -> None:
        """Clear a leg the box placed and take it out of the switch."""
        if other is None:
            return
        center = self.center
        center.agent_legs.pop(id(other.r2call), None)
        center.switch.disconnect(other.endpoint)
        other.r2call.clear()

    def _close_room(self, leg) -> None:
        self.center.conferences.close(leg.call_id)

    # -- what the ACD asks for ------------------------------------------------------------------
    def consult(self, leg, agent: str, extension: str, target: str) -> None:
        leg.consult_leg = self._ring(leg, target, extension, "consult")
        if leg.consult_leg is None:
            self._end_consult_in_acd(leg)

    def end_consult(self, leg) -> None:
        self._close_room(leg)
        self.drop(leg.consult_leg)
        leg.consult_leg = None

    def transfer(self, leg, target: str, attended: bool) -> None:
        center = self.center
        self._close_room(leg)
        if leg.agent_leg is not None:
            agent_leg, leg.agent_leg = leg.agent_leg, None
            self.drop(agent_leg)
        if attended and leg.consult_leg is not None:
            far, leg.consult_leg = leg.consult_leg, None
            far.role = "transfer"
        else:
            self.drop(leg.consult_leg)
            leg.consult_leg = None
            far = self._ring(leg, target, leg.ani, "transfer")
        leg.far_leg, leg.phase = far, "transferred"
        center.switch.disconnect(leg.endpoint)
        if far is not None and far.answered:
            self._join(leg, far)
        else:
            self._wait_for_answer(leg, target)

    def ring_extension(self, leg, extension: str) -> None:
        """The IVR sends the caller to an extension: a blind transfer without an agent."""
        leg.far_leg, leg.phase = self._ring(leg, extension, leg.ani, "transfer"), "transferred"
        self._wait_for_answer(leg, extension)

    def _wait_for_answer(self, leg, target: str) -> None:
        """Music while the transfer leg rings, recall at ``transfer_ring_s``; a leg that could
        not even be placed is recalled at the next block (not inside the ACD's own call)."""
        center = self.center
        self.ringing[leg.call_id] = _Ringing(target, center.clock.now)
        center.music(leg)
        delay = int(self.ring_s * FRAME_RATE) if leg.far_leg is not None else 1
        why = "no_answer" if leg.far_leg is not None else "no_channel"
        center._arm(leg, delay / FRAME_RATE, lambda: self._recall(leg, why))

    def conference(self, leg) -> None:
        center = self.center
        agent, consult = leg.agent_leg, leg.consult_leg
        if agent is None or consult is None:
            return
        for endpoint in (leg.endpoint, agent.endpoint, consult.endpoint):
            center.switch.disconnect(endpoint)
        center.stop_playing(leg)
        center.conferences.open(leg.call_id, [leg.endpoint, agent.endpoint, consult.endpoint])
        leg.conference = True

    # -- events of the legs placed here ---------------------------------------------------------
    def event(self, event: str, r2call, leg, other: AgentLeg) -> None:
        center = self.center
        if event == "answered":
            other.answered = True
            if other.role == "consult" and leg.agent_leg is not None and not leg.conference:
                center.switch.connect(leg.agent_leg.endpoint, other.endpoint)
            elif other.role == "transfer" and leg.far_leg is other:
                self._answered(leg)
                self._join(leg, other)
            return
        if event not in ("failed", "cleared"):
            return
        center.agent_legs.pop(id(r2call), None)
        center.switch.disconnect(other.endpoint)
        if other.role == "consult" and leg.consult_leg is other:
            leg.consult_leg = None
            self._close_room(leg)
            leg.conference = False
            self._end_consult_in_acd(leg)
        elif other.role == "transfer" and leg.far_leg is other:
            leg.far_leg = None
            if other.answered:
                center.hang_up(leg)
            elif leg.call_id in self.ringing:
                self._recall(leg, r2call.cause or event)
            else:
                self._no_service(leg)

    def agent_left_conference(self, leg) -> None:
        """The agent hung up during a conference: the caller stays with the third party."""
        self._close_room(leg)
        far, leg.consult_leg, leg.conference = leg.consult_leg, None, False
        if far is None:
            return
        far.role, leg.far_leg, leg.phase = "transfer", far, "transferred"
        self._join(leg, far)

    def release(self, leg) -> None:
        """Drop the consult and transfer legs and the conference the box holds for the call."""
        self._answered(leg)
        self._close_room(leg)
        for name in ("consult_leg", "far_leg"):
            self.drop(getattr(leg, name))
            setattr(leg, name, None)

    # -- recall -----------------------------------------------------------------------------------
    def _answered(self, leg) -> None:
        """The transfer is settled (answered, or the caller left): nothing to recall."""
        if self.ringing.pop(leg.call_id, None) is not None:
            self.center._cancel(leg)
            self.center.acd.settle_transfer(leg.call_id)

    def _recall(self, leg, reason: str) -> None:
        """The transfer leg was refused or not answered: give the caller back (module doc)."""
        center = self.center
        ringing = self.ringing.pop(leg.call_id, None)
        if ringing is None or leg.phase != "transferred":
            return
        center._cancel(leg)
        far, leg.far_leg = leg.far_leg, None
        self.drop(far)
        center.stop_playing(leg)
        self.recalls[leg.call_id] = self.recalls.get(leg.call_id, 0) + 1
        ring_s = round((center.clock.now - ringing.since) / FRAME_RATE)
        data = [ringing.target, "recall", reason, ring_s]
        log.info("call %s: transfer to %s failed (%s): recall", leg.call_id, ringing.target, reason)
        leg.phase = "queued"                     # before the ACD's music and offers reach it
        if center.acd.recall(leg.call_id, RECALL_EVENT, data):
            center.acd.listener.announce(leg.call_id, RECALL_PROMPTS)
            return
        box = center.voicemail.agent_of_phone(ringing.target)
        destination = f"voicemail:{box}" if box else f"queue:{self.operator_queue()}"
        center.acd.listener.queue_log(RECALL_EVENT, leg.call_id, "NONE", "NONE", data + [destination])
        if box:
            center.voicemail.start(leg, box)
        else:
            center.ivr_route(leg, "queue", self.operator_queue(), {"ivr_path": leg.ivr_path, **leg.inputs})

    def operator_queue(self) -> str:
        """Where an IVR caller goes whose extension cannot take the call: the queue of the first
        menu's "0" (the operator key), else "general", else the first queue."""
        acd, ivr = self.center.acd, self.center.sections.get("ivr") or {}
        start = (ivr.get("menus") or {}).get(ivr.get("start", ""), {})
        zero = str((start.get("options") or {}).get("0", ""))
        named = zero.split(":")[1] if zero.startswith("queue:") else ""
        for queue in (named, "general"):
            if queue in acd.queues:
                return queue
        return next(iter(acd.queues))

    def cdr_fields(self, call_id: str) -> dict:
        """The call's recall count for its CDR (and forget it: the call is over)."""
        count = self.recalls.pop(call_id, 0)
        return {RECALL_CDR_FIELD: count} if count else {}

    # -- helpers --------------------------------------------------------------------------------
    def _join(self, leg, far: AgentLeg) -> None:
        self.center.stop_playing(leg)
        self.center.switch.connect(leg.endpoint, far.endpoint)

    def _no_service(self, leg) -> None:
        leg.phase = "ending"
        self.center.play(leg, NO_SERVICE, then=lambda: self.center.hang_up(leg))

    def _end_consult_in_acd(self, leg) -> None:
        try:
            self.center.acd.end_consult(leg.agent)
        except BadInput as exc:                 # the ACD already moved on (call ended, transferred)
            log.info("call %s: end of consultation not needed: %s", leg.call_id, exc)
