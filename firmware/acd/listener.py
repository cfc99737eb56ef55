"""What the ACD asks the call layer to do: the listener interface (every method a no-op here).

The call layer subclasses ``AcdListener`` and overrides what it handles. Calls into a
listener happen after the ACD's state is updated; a listener may call back into the Acd
(e.g. answer an offer at once), though queueing the reaction for the next block is usual.
"""
from __future__ import annotations


class AcdListener:
    # -- the caller's leg ------------------------------------------------------------------
    def music(self, call_id: str, moh_class: str) -> None:
        """Play music on hold to the waiting caller (between announcements too)."""

    def announce(self, call_id: str, prompts: list[str]) -> None:
        """Play these prompts to the waiting caller, then return to music."""

    def overflow(self, call_id: str, to_queue: str) -> None:
        """The call moved to another queue after waiting (informational)."""

    def timeout(self, call_id: str, action: str, queue: str, data: dict) -> None:
        """Max wait reached: send the caller to "voicemail" or take a "callback" request."""

    # -- the agent's leg -------------------------------------------------------------------
    def offer(self, call_id: str, agent: str, extension: str, data: dict) -> None:
        """Ring ``extension`` (span 2) for this call; ``data`` is the screen pop."""

    def cancel_offer(self, call_id: str, agent: str, extension: str) -> None:
        """Stop ringing that extension (answered elsewhere, caller gone, timeout)."""

    def connect(self, call_id: str, agent: str, extension: str) -> None:
        """Bridge the caller to the agent who answered."""

    def hold(self, call_id: str, on: bool) -> None:
        """Put the caller on hold (music) or take them back."""

    def consult(self, call_id: str, agent: str, extension: str, target: str) -> None:
        """The agent calls ``target`` while the caller holds (attended transfer / conference)."""

    def end_consult(self, call_id: str, agent: str, target: str) -> None:
        """Drop the consultation leg; the agent is back with the caller."""

    def transfer(self, call_id: str, agent: str, target: str, attended: bool) -> None:
        """Hand the caller to extension ``target`` and release the agent's leg."""

    def conference(self, call_id: str, agent: str, target: str) -> None:
        """Join caller, agent and the consulted party in a three-party conference."""

    def agent_state(self, agent: str, state: str, reason: str) -> None:
        """An agent's state changed (phone indication, wallboard)."""

    # -- records ---------------------------------------------------------------------------
    def queue_log(self, event: str, call_id: str, queue: str, agent: str, data: list) -> None:
        """One queue_log record (Asterisk vocabulary; the call layer adds the wall time)."""
