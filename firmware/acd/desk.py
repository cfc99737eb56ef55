"""The agent's side of the ACD: sign in/out, ready/not ready, end of call and wrap-up, hold,
consult, blind and attended transfer, three-party conference, and feature codes.

A mixin of ``firmware.acd.engine.Acd`` (it uses the engine's state and helpers); kept apart
so each module stays small. Wrap-up lasts the call's queue's ``wrapup_s`` and ends early on
``end_wrapup``; a not-ready asked for during a call takes effect when wrap-up ends.
"""
from __future__ import annotations

from firmware.acd import features
from firmware.acd.model import Agent, AgentState, Call
from firmware.errors import BadInput, Failure

S = AgentState


class DeskMixin:
    # -- sign in / out, ready / not ready -------------------------------------------------------
    def login(self, agent_id: str, phone: str | None = None) -> None:
        agent = self.agent(agent_id)
        if agent.state is not S.LOGGED_OUT:
            raise BadInput("agent", f"agent {agent_id} is already signed in at {agent.phone}")
        if sum(a.state is not S.LOGGED_OUT for a in self.agents.values()) >= self.settings["seats"]:
            raise Failure(f"all {self.settings['seats']} seats are taken")
        phone = phone or agent.extension
        holder = self.agent_at(phone)
        if holder is not None:
            raise BadInput("phone", f"extension {phone} is in use by agent {holder.agent}")
        agent.phone, agent.login_at, agent.idle_since, agent.misses = phone, self.clock.now, self.clock.now, 0
        self._set_state(agent, S.READY)
        self._log("AGENTLOGIN", None, agent.agent, [phone])
        self.dispatch()

    def logout(self, agent_id: str) -> None:
        agent = self.agent(agent_id)
        if agent.state is S.LOGGED_OUT:
            raise BadInput("agent", f"agent {agent_id} is not signed in")
        if agent.state is S.ON_CALL:
            raise BadInput("agent", f"agent {agent_id} is on a call; sign out after it")
        self._leave_current(agent)
        self._log("AGENTLOGOFF", None, agent.agent, [agent.phone, self._secs(self.clock.now - agent.login_at)])
        agent.phone = ""
        self._set_state(agent, S.LOGGED_OUT)
        self.dispatch()

    def ready(self, agent_id: str) -> None:
        agent = self.agent(agent_id)
        if agent.state is S.WRAP_UP:
            agent.pending_reason = ""
            self.end_wrapup(agent_id)
        elif agent.state is S.NOT_READY:
            agent.misses = 0
            self._set_state(agent, S.READY)
            self._log("UNPAUSE", None, agent.agent, [])
            self.dispatch()
        elif agent.state in (S.ON_CALL, S.RINGING):
            agent.pending_reason = ""
        elif agent.state is S.LOGGED_OUT:
            raise BadInput("agent", f"agent {agent_id} is not signed in")

    def not_ready(self, agent_id: str, reason: str = "busy") -> None:
        agent = self.agent(agent_id)
        if agent.state is S.LOGGED_OUT:
            raise BadInput("agent", f"agent {agent_id} is not signed in")
        if agent.state is S.ON_CALL:
            agent.pending_reason = reason
            return
        self._leave_current(agent)
        if agent.state is not S.NOT_READY or agent.reason != reason:
            self._set_state(agent, S.NOT_READY, reason)
            self._log("PAUSE", None, agent.agent, [reason])
        self.dispatch()

    def _leave_current(self, agent: Agent) -> None:
        """Before a change of state: give back a ringing call, or finish the wrap-up."""
        if agent.state is S.RINGING:
            call = agent.call
            agent.timer.cancel()
            agent.call = None
            call.offered.discard(agent.agent)
            self.listener.cancel_offer(call.call_id, agent.agent, agent.phone)
        elif agent.state is S.WRAP_UP:
            self._count_handle(agent)

    # -- end of call and wrap-up ------------------------------------------------------------------
    def call_ended(self, agent_id: str, by: str = "caller") -> None:
        """The connected call ended; ``by`` says who hung up ("caller" or "agent")."""
        if by not in ("caller", "agent"):
            raise BadInput("by", f"expected caller or agent, got {by!r}")
        agent = self._in_state(agent_id, S.ON_CALL, "is not on a call")
        call = agent.call
        if agent.conference and by == "agent":      # the caller stays with the third party
            self._hand_over(agent, agent.consult, "conference")
            return
        if agent.consult:
            self.listener.end_consult(call.call_id, agent.agent, agent.consult)
        self._log("COMPLETECALLER" if by == "caller" else "COMPLETEAGENT", call, agent.agent,
                  [self._secs(call.answered - call.queue_entered), self._secs(self.clock.now - call.answered),
                   call.orig_position])
        self._release(agent)

    def _release(self, agent: Agent) -> None:
        """The agent's call is over for the agent: count talk time, start wrap-up."""
        call = agent.call
        del self.calls[call.call_id]
        agent.talk_frames += self.clock.now - call.answered
        agent.handled += 1
        agent.call, agent.on_hold, agent.consult, agent.conference = None, False, "", False
        agent.wrap_queue, agent.handle_start = call.queue, call.answered
        wrapup = self._frames(self.queues[call.queue]["wrapup_s"])
        self._set_state(agent, S.WRAP_UP)
        self._log("PAUSE", None, agent.agent, ["wrapup"])     # reports read wrap-up from these
        if wrapup > 0:
            agent.timer = self.clock.call_later(wrapup, lambda: self._wrapup_over(agent))
        else:
            self._wrapup_over(agent)

    def end_wrapup(self, agent_id: str) -> None:
        """The agent ends wrap-up early (or the wrap-up time ran out)."""
        self._wrapup_over(self._in_state(agent_id, S.WRAP_UP, "is not in wrap-up"))

    def _wrapup_over(self, agent: Agent) -> None:
        if agent.state is not S.WRAP_UP:
            return
        self._count_handle(agent)
        self._log("UNPAUSE", None, agent.agent, ["wrapup"])
        agent.idle_since = self.clock.now
        if agent.pending_reason:
            reason, agent.pending_reason = agent.pending_reason, ""
            self._set_state(agent, S.NOT_READY, reason)
            self._log("PAUSE", None, agent.agent, [reason])
        else:
            self._set_state(agent, S.READY)
        self.dispatch()

    def _count_handle(self, agent: Agent) -> None:
        if agent.timer is not None:
            agent.timer.cancel()
        st = self.stats.get(agent.wrap_queue)
        if st is not None:
            st.handle_frames += self.clock.now - agent.handle_start
            st.handled += 1
        agent.wrap_queue = ""

    # -- call control -----------------------------------------------------------------------------
    def _on_call(self, agent_id: str) -> tuple[Agent, Call]:
        agent = self._in_state(agent_id, S.ON_CALL, "is not on a call")
        return agent, agent.call

    def hold(self, agent_id: str) -> bool:
        """Toggle hold of the caller; returns True if the caller is now on hold."""
        agent, call = self._on_call(agent_id)
        if agent.consult:
            raise BadInput("agent", f"agent {agent_id} is consulting {agent.consult}; the caller already holds")
        agent.on_hold = not agent.on_hold
        self.listener.hold(call.call_id, agent.on_hold)
        return agent.on_hold

    def consult(self, agent_id: str, target: str) -> None:
        agent, call = self._on_call(agent_id)
        if agent.consult:
            raise BadInput("agent", f"agent {agent_id} is already consulting {agent.consult}")
        if not target.isdigit():
            raise BadInput("target", f"expected an extension's digits, got {target!r}")
        agent.consult = target
        if not agent.on_hold:
            self.listener.hold(call.call_id, True)
        agent.on_hold = True
        self.listener.consult(call.call_id, agent.agent, agent.phone, target)

    def end_consult(self, agent_id: str) -> None:
        agent, call = self._on_call(agent_id)
        if not agent.consult:
            raise BadInput("agent", f"agent {agent_id} is not consulting anyone")
        self.listener.end_consult(call.call_id, agent.agent, agent.consult)
        agent.consult, agent.conference, agent.on_hold = "", False, False
        self.listener.hold(call.call_id, False)

    def conference(self, agent_id: str) -> None:
        agent, call = self._on_call(agent_id)
        if not agent.consult:
            raise BadInput("agent", f"agent {agent_id} must consult someone first (*8 extension #)")
        agent.conference, agent.on_hold = True, False
        self.listener.conference(call.call_id, agent.agent, agent.consult)

    def transfer(self, agent_id: str, target: str = "") -> None:
        """Blind transfer to ``target`` (extension, queue name or number); with a consultation
        going on and no target, hand the caller to the consulted party (attended transfer)."""
        agent, call = self._on_call(agent_id)
        if not target:
            if not agent.consult:
                raise BadInput("target", "a transfer needs a target unless a consultation is going on")
            self._hand_over(agent, agent.consult, "attended")
            return
        queue = self.queue_named(target)
        if queue is None and not target.isdigit():
            raise BadInput("target", f"no queue or extension {target!r}")
        if agent.consult:
            self.listener.end_consult(call.call_id, agent.agent, agent.consult)
            agent.consult = ""
        if queue is None:
            self._hand_over(agent, target, "blind")
            return
        self._log("TRANSFER", call, agent.agent, [queue, "queue", self._secs(call.answered - call.queue_entered),
                                                  self._secs(self.clock.now - call.answered), call.orig_position])
        if agent.on_hold:
            self.listener.hold(call.call_id, False)
        self._release(agent)
        moved = Call(call.call_id, queue, call.priority, call.data, call.seq, call.entered, self.clock.now)
        self.stats[queue].transferred_in += 1
        self._join(moved)

    def _hand_over(self, agent: Agent, target: str, how: str) -> None:
        call = agent.call
        self._log("TRANSFER", call, agent.agent, [target, how, self._secs(call.answered - call.queue_entered),
                                                  self._secs(self.clock.now - call.answered), call.orig_position])
        if how == "blind":                  # kept until the far end answers, or recalled
            self.handed_over[call.call_id] = call
        if how != "conference":
            self.listener.transfer(call.call_id, agent.agent, target, how == "attended")
        self._release(agent)

    def queue_named(self, name_or_number: str) -> str | None:
        if name_or_number in self.queues:
            return name_or_number
        return next((n for n, q in self.queues.items() if q["number"] and q["number"] == name_or_number), None)

    def agent_at(self, phone: str) -> Agent | None:
        return next((a for a in self.agents.values() if a.state is not S.LOGGED_OUT and a.phone == phone), None)

    # -- feature codes ------------------------------------------------------------------------------
    def feature(self, phone: str, digits: str) -> dict:
        """Run a feature code dialled on extension ``phone``; returns {"action", "agent", ...}."""
        action, argument = features.parse(digits)
        if action == "login":
            agent_id = argument or next((a.agent for a in self.agents.values() if a.extension == phone), "")
            if not agent_id:
                raise BadInput("feature code", f"no agent has extension {phone}; dial *1 then your agent id")
            self.login(agent_id, phone)
            return {"action": action, "agent": agent_id, "phone": phone}
        agent = self.agent_at(phone)
        if agent is None:
            raise BadInput("phone", f"nobody is signed in at extension {phone}")
        result = {"action": action, "agent": agent.agent}
        if action == "not_ready":
            reason = self.settings["reasons"].get(argument, "") if argument else "busy"
            if not reason:
                raise BadInput("feature code", f"unknown reason code {argument!r}; "
                                               f"have {', '.join(sorted(self.settings['reasons']))}")
            self.not_ready(agent.agent, reason)
            result["reason"] = reason
        elif action in ("transfer", "consult"):
            getattr(self, action)(agent.agent, argument)
            result["target"] = argument
        elif action == "complete_transfer":
            self.transfer(agent.agent)
        elif action == "hold":
            result["on_hold"] = self.hold(agent.agent)
        else:
            getattr(self, action)(agent.agent)
        return result
