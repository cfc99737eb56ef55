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
"""
from __future__ import annotations

import logging

from firmware.calls.legs import AgentLeg
from firmware.errors import BadInput

log = logging.getLogger("e1desk.calls")
NO_SERVICE = ["ss-noservice", "goodbye"]


class Transfers:
    def __init__(self, center):
        self.center = center

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
        if far is None:
            self._no_service(leg)
        elif far.answered:
            self._join(leg, far)
        else:
            center.music(leg)

    def ring_extension(self, leg, extension: str) -> None:
        """The IVR sends the caller to an extension: a blind transfer without an agent."""
        leg.far_leg, leg.phase = self._ring(leg, extension, leg.ani, "transfer"), "transferred"
        if leg.far_leg is None:
            self._no_service(leg)
        else:
            self.center.music(leg)

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
        self._close_room(leg)
        for name in ("consult_leg", "far_leg"):
            self.drop(getattr(leg, name))
            setattr(leg, name, None)

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
