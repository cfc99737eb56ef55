"""The IVR's actions on the box: play prompts on the caller's timeslot, route the call."""
from __future__ import annotations

from firmware.ivr.session import IvrActions


class IvrBridge(IvrActions):
    def __init__(self, center, leg):
        self.center, self.leg = center, leg

    def play(self, prompts: list[str], barge_in: bool) -> None:
        session = self.leg.ivr
        self.center.play(self.leg, prompts, then=lambda: session.prompt_done() if self.leg.ivr is session else None)

    def stop_playback(self) -> None:
        self.center.stop_playing(self.leg)

    def route(self, kind: str, target: str, data: dict) -> None:
        self.center.ivr_route(self.leg, kind, target, data)
