"""The ACD's listener on the box: turns what the ACD asks for into calls, tones and records."""
from __future__ import annotations

from firmware.acd.listener import AcdListener


class AcdBridge(AcdListener):
    def __init__(self, center):
        self.center = center

    def _leg(self, call_id: str):
        return self.center.leg(call_id)

    def music(self, call_id: str, moh_class: str) -> None:
        leg = self._leg(call_id)
        if leg is not None and leg.phase == "connected":     # an agent transferred it to a queue
            self.center.requeue(leg)
        if leg is not None and leg.phase in ("queued", "ringing"):
            self.center.music(leg)

    def announce(self, call_id: str, prompts: list[str]) -> None:
        leg = self._leg(call_id)
        if leg is not None and leg.phase in ("queued", "ringing"):
            self.center.play(leg, prompts, then=lambda: self.music(call_id, "default"))

    def timeout(self, call_id: str, action: str, queue: str, data: dict) -> None:
        leg = self._leg(call_id)
        if leg is None:
            return
        self.center.stop_playing(leg)
        if action == "voicemail":
            self.center.voicemail.start(leg, queue)      # the queue's box
        else:
            self.center.callback_request(leg)

    def offer(self, call_id: str, agent: str, extension: str, data: dict) -> None:
        leg = self._leg(call_id)
        if leg is None:
            self.center.acd.ring_failed(agent)
        else:
            self.center.offer(leg, agent, extension)

    def cancel_offer(self, call_id: str, agent: str, extension: str) -> None:
        leg = self._leg(call_id)
        if leg is not None:
            self.center.cancel_offer(leg)

    def connect(self, call_id: str, agent: str, extension: str) -> None:
        leg = self._leg(call_id)
        if leg is not None and leg.agent_leg is not None:
            self.center.connect(leg, agent)

    def hold(self, call_id: str, on: bool) -> None:
        leg = self._leg(call_id)
        if leg is None:
            return
        if on:
            self.center.switch.disconnect(leg.endpoint)
            self.center.music(leg)
        elif leg.agent_leg is not None:
            self.center.stop_playing(leg)
            self.center.switch.connect(leg.endpoint, leg.agent_leg.endpoint)

    def consult(self, call_id: str, agent: str, extension: str, target: str) -> None:
        leg = self._leg(call_id)
        if leg is not None:
            self.center.transfers.consult(leg, agent, extension, target)

    def end_consult(self, call_id: str, agent: str, target: str) -> None:
        leg = self._leg(call_id)
        if leg is not None:
            self.center.transfers.end_consult(leg)

    def transfer(self, call_id: str, agent: str, target: str, attended: bool) -> None:
        leg = self._leg(call_id)
        if leg is not None:
            self.center.transfers.transfer(leg, target, attended)

    def conference(self, call_id: str, agent: str, target: str) -> None:
        leg = self._leg(call_id)
        if leg is not None:
            self.center.transfers.conference(leg)

    def queue_log(self, event: str, call_id: str, queue: str, agent: str, data: list) -> None:
        store = self.center.store
        if store is not None:
            store.submit("queue_log", {"time": self.center.wall.at(self.center.clock.now), "call_id": call_id,
                                       "queue": queue, "agent": agent, "event": event,
                                       "data": [str(d) for d in data]})
