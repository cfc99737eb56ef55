"""The ACD: queues of waiting calls, agents and their states, distribution, timers, statistics.

``Acd(config, clock, listener, agents)`` takes the ``acd`` configuration section, the line
clock (every time here is in its frames), an ``AcdListener`` and the agent records (store's
``agents`` table shape). Inputs from the call layer:

    enqueue(call_id, queue, priority=None, data=None) -> position (0: no free port)
    abandon(call_id)                      caller hung up while waiting or ringing
    ring_answered(agent) / ring_failed(agent)   the offered extension answered / did not (busy)
    call_ended(agent, by="caller"|"agent")
    login(agent, phone=None), logout, ready, not_ready(reason), end_wrapup
    hold, consult, end_consult, transfer, conference, feature(phone, digits)  (firmware.acd.desk)
    recall(call_id, event, data) / settle_transfer(call_id)   a blind transfer failed / was answered

Waiting calls are served in order of priority (0 first), then arrival, across all queues; a
ready agent qualifies for a queue by holding its skill, best level first, and the queue's
strategy (firmware.acd.strategies) picks among the agents of that level. An offer not
answered within ``ring_timeout_s`` (or failed) goes to the next agent; an agent missing
``max_misses`` offers in a row is paused (not ready, reason "no-answer").
Outputs go to the listener (firmware.acd.listener); ``snapshot()`` gives live statistics,
``screen_pop(agent)`` the calling data, ``reset_stats()`` starts a new day.

A blind transfer's call is kept (``handed_over``) until the far end answers
(``settle_transfer``) or the transfer fails: ``recall`` puts it back in its queue at the head
(priority 0, its original arrival order and first entry time, so its wait and the service
level count from when it first queued; the queue's ``recalled`` counter counts it).
``unheard_messages`` is a hook the call layer sets: agent id -> unheard voicemail messages.

Queue-log events (Asterisk's queue_log vocabulary; times in whole seconds, hold time counted
in the current queue; the service level counts the wait since the call first queued):

    ENTERQUEUE       ["", ani]
    CONNECT          [holdtime, "", ringtime]
    COMPLETECALLER   [holdtime, calltime, origposition]     (COMPLETEAGENT alike)
    ABANDON          [position, origposition, waittime]     (EXITWITHTIMEOUT alike, also on overflow)
    RINGNOANSWER     [ringtime in ms]
    TRANSFER         [target, "queue"|"blind"|"attended"|"conference", holdtime, calltime, origposition]
    TRANSFERRECALL   [target, "recall", reason (busy, no_answer...), ringtime, "queue:NAME"|"voicemail:BOX"]
                     (firmware.calls.transfers; TRANSFER with the same data while the store lacks it)
    AGENTLOGIN [phone]   AGENTLOGOFF [phone, logintime]   PAUSE [reason]   UNPAUSE []
"""
from __future__ import annotations

import random
from typing import Callable

from firmware.acd import announce, strategies
from firmware.acd.config import ACD_DEFAULTS, check_agents, queue_settings, validate_acd
from firmware.acd.desk import DeskMixin
from firmware.acd.listener import AcdListener
from firmware.acd.model import Agent, AgentState, Call, QueueStats
from firmware.clock import FRAME_RATE, LineClock
from firmware.errors import BadInput

S = AgentState


class Acd(DeskMixin):
    def __init__(self, config: dict, clock: LineClock, listener: AcdListener | None = None,
                 agents: list[dict] = (), seed: int = 0):
        settings = {**ACD_DEFAULTS, **config}
        validate_acd(settings)
        self.settings = settings
        self.clock = clock
        self.listener = listener or AcdListener()
        self.queues = {name: queue_settings(settings["queues"], name) for name in settings["queues"]}
        self.stats = {name: QueueStats() for name in self.queues}
        self.agents = {rec["agent"]: Agent(rec["agent"], rec["name"], rec["extension"], rec["skills"], order=i)
                       for i, rec in enumerate(check_agents(list(agents)))}
        self.calls: dict[str, Call] = {}
        self.handed_over: dict[str, Call] = {}      # blind transfers still ringing (firmware.acd.desk)
        self.unheard_messages: Callable[[], dict[str, int]] = dict
        self.rr_memory: dict[str, int] = {}
        self.rng = random.Random(seed)
        self._seq = 0
        self._dispatching = False
        self._again = False

    # -- helpers ----------------------------------------------------------------------------
    def _frames(self, seconds: float) -> int:
        return LineClock.frames(seconds)

    def _secs(self, frames: int) -> int:
        return int(round(frames / FRAME_RATE))

    def agent(self, agent_id: str) -> Agent:
        try:
            return self.agents[agent_id]
        except KeyError:
            raise BadInput("agent", f"no agent {agent_id!r}") from None

    def _log(self, event: str, call: Call | None = None, agent: str = "NONE", data: list = ()) -> None:
        self.listener.queue_log(event, call.call_id if call else "NONE", call.queue if call else "NONE",
                                agent, list(data))

    def _set_state(self, agent: Agent, state: AgentState, reason: str = "") -> None:
        agent.state, agent.reason, agent.since = state, reason, self.clock.now
        self.listener.agent_state(agent.agent, state.value, reason)

    def _waiting(self, queue: str | None = None) -> list[Call]:
        calls = [c for c in self.calls.values() if not c.agent and (queue is None or c.queue == queue)]
        return sorted(calls, key=lambda c: (c.priority, c.seq))

    def position(self, call_id: str) -> int:
        call = self.calls[call_id]
        return 1 + sum(1 for c in self._waiting(call.queue) if (c.priority, c.seq) < (call.priority, call.seq))

    def staffed(self, queue: str) -> list[Agent]:
        """Agents serving ``queue`` now: signed in, holding its skill, not in not-ready."""
        skill = self.queues[queue]["skill"]
        return [a for a in self.agents.values() if skill in a.skills
                and a.state not in (S.LOGGED_OUT, S.NOT_READY)]

    # -- caller side ------------------------------------------------------------------------
    def enqueue(self, call_id: str, queue: str, priority: int | None = None, data: dict | None = None) -> int:
        """A call joins ``queue``; returns its position, or 0 if every port is taken."""
        if queue not in self.queues:
            raise BadInput("queue", f"no queue named {queue!r}; have {', '.join(self.queues)}")
        if call_id in self.calls:
            raise BadInput("call_id", f"call {call_id!r} is already in the ACD")
        if priority is None:
            priority = self.queues[queue]["priority"]
        if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 9:
            raise BadInput("priority", f"expected 0 (highest) .. 9 (lowest), got {priority!r}")
        if len(self.calls) >= self.settings["ports"]:
            return 0
        self._seq += 1
        now = self.clock.now
        call = Call(call_id, queue, priority, dict(data or {}), self._seq, entered=now, queue_entered=now)
        self._join(call)
        return call.orig_position

    def _join(self, call: Call) -> None:
        """Put ``call`` in its queue (new, overflowed or transferred), log, start its timers."""
        q = self.queues[call.queue]
        call.queue_entered = self.clock.now
        self.calls[call.call_id] = call
        call.orig_position = self.position(call.call_id)
        self.stats[call.queue].entered += 1
        self._log("ENTERQUEUE", call, data=["", call.data.get("ani", "")])
        self.listener.music(call.call_id, q["moh"])
        for delay, fn in ((q["max_wait_s"], self._max_wait), (q["overflow_s"], self._overflow)):
            if delay > 0:
                call.timers.append(self.clock.call_later(self._frames(delay), lambda c=call, f=fn: f(c)))
        if q["periodic_every_s"] > 0 and q["periodic_prompts"]:
            self._every(call, q["periodic_every_s"], lambda c: self.listener.announce(c.call_id, list(q["periodic_prompts"])))
        self.dispatch()
        if call.call_id in self.calls and not call.agent and not call.offered and q["announce_position"]:
            self._announce(call)
            if q["announce_every_s"] > 0:
                self._every(call, q["announce_every_s"], self._announce)

    def _every(self, call: Call, seconds: float, fn: Callable[[Call], None]) -> None:
        """Run ``fn(call)`` every ``seconds`` while the call waits (skipped while it rings)."""
        def fire():
            call.timers.remove(timer[0])
            if call.call_id in self.calls and not call.agent:
                if not call.offered:
                    fn(call)
                arm()

        def arm():
            timer[:] = [self.clock.call_later(self._frames(seconds), fire)]
            call.timers.append(timer[0])

        timer: list = []
        arm()

    def expected_wait_s(self, call_id: str) -> float | None:
        call = self.calls[call_id]
        st, q = self.stats[call.queue], self.queues[call.queue]
        aht = announce.handle_time_s(st.handle_frames, st.handled, q["aht_s"], FRAME_RATE)
        return announce.expected_wait_s(self.position(call_id), len(self.staffed(call.queue)), aht)

    def _announce(self, call: Call) -> None:
        self.listener.announce(call.call_id, announce.prompts(self.position(call.call_id),
                                                               self.expected_wait_s(call.call_id)))

    def _leave_queue(self, call: Call) -> tuple[int, int]:
        """Take a waiting call out (offers cancelled); returns (position, wait seconds)."""
        position = self.position(call.call_id)
        self._withdraw_offers(call)
        call.cancel_timers()
        del self.calls[call.call_id]
        return position, self._secs(self.clock.now - call.queue_entered)

    def abandon(self, call_id: str) -> None:
        """The caller hung up while waiting (or while an agent's phone was ringing)."""
        call = self._waiting_call(call_id)
        position, waited = self._leave_queue(call)
        self.stats[call.queue].abandoned += 1
        self._log("ABANDON", call, data=[position, call.orig_position, waited])
        self.dispatch()

    def _waiting_call(self, call_id: str) -> Call:
        call = self.calls.get(call_id)
        if call is None:
            raise BadInput("call_id", f"no call {call_id!r} in the ACD")
        if call.agent:
            raise BadInput("call_id", f"call {call_id!r} is connected to agent {call.agent}, not waiting")
        return call

    def _max_wait(self, call: Call) -> None:
        if self.calls.get(call.call_id) is not call or call.agent:
            return
        position, waited = self._leave_queue(call)
        self.stats[call.queue].timed_out += 1
        self._log("EXITWITHTIMEOUT", call, data=[position, call.orig_position, waited])
        self.listener.timeout(call.call_id, self.queues[call.queue]["max_wait_action"], call.queue, self.screen_data(call))
        self.dispatch()

    def _overflow(self, call: Call) -> None:
        if self.calls.get(call.call_id) is not call or call.agent:
            return
        position, waited = self._leave_queue(call)
        self.stats[call.queue].overflowed += 1
        self._log("EXITWITHTIMEOUT", call, data=[position, call.orig_position, waited])
        target = self.queues[call.queue]["overflow_to"]
        self.listener.overflow(call.call_id, target)
        call.queue, call.tried = target, set()
        self._join(call)

    # -- blind transfers that fail ----------------------------------------------------------------
    def recall(self, call_id: str, event: str, data: list) -> bool:
        """The blind transfer of ``call_id`` failed (busy, unanswered...): log ``event`` with
        ``data``, and the call joins its queue again at the head. False if the ACD did not hand
        this call over."""
        call = self.handed_over.pop(call_id, None)
        if call is None:
            return False
        self._log(event, call, "NONE", list(data) + [f"queue:{call.queue}"])
        self.stats[call.queue].recalled += 1
        back = Call(call.call_id, call.queue, 0, call.data, call.seq, call.entered, self.clock.now)
        self._join(back)
        return True

    def settle_transfer(self, call_id: str) -> None:
        """The blind transfer was answered, or the caller left: nothing to recall any more."""
        self.handed_over.pop(call_id, None)

    # -- distribution -------------------------------------------------------------------------
    def dispatch(self) -> None:
        """Offer waiting calls to ready agents until no more match (safe to re-enter)."""
        if self._dispatching:
            self._again = True
            return
        self._dispatching = True
        try:
            while True:
                self._again = False
                if not self._offer_next() and not self._again:
                    break
        finally:
            self._dispatching = False

    def _offer_next(self) -> bool:
        ready = [a for a in self.agents.values() if a.state is S.READY]
        if not ready:
            return False
        for call in self._waiting():
            if call.offered:
                continue
            skill = self.queues[call.queue]["skill"]
            able = [a for a in ready if skill in a.skills]
            fresh = [a for a in able if a.agent not in call.tried]
            if able and not fresh:            # everyone missed it once: start over
                call.tried.clear()
                fresh = able
            if not fresh:
                continue
            best = min(a.skills[skill] for a in fresh)
            level = [a for a in fresh if a.skills[skill] == best]
            chosen = strategies.pick(self.queues[call.queue]["strategy"], call.queue, level, self.rr_memory, self.rng)
            self._ring(call, chosen)
            return True
        return False

    def _ring(self, call: Call, agents: list[Agent]) -> None:
        call.ring_started = self.clock.now
        timeout = self._frames(self.queues[call.queue]["ring_timeout_s"])
        for agent in agents:
            call.offered.add(agent.agent)
            agent.call = call
            self._set_state(agent, S.RINGING)
            agent.timer = self.clock.call_later(timeout, lambda a=agent, c=call: self._ring_timeout(a, c))
        data = self.screen_data(call)
        for agent in agents:
            if agent.call is call and agent.state is S.RINGING:     # a listener may answer at once
                self.listener.offer(call.call_id, agent.agent, agent.phone or agent.extension, data)

    def _ring_timeout(self, agent: Agent, call: Call) -> None:
        if agent.state is S.RINGING and agent.call is call:
            self._missed(agent)

    def _withdraw_offers(self, call: Call, keep: str = "") -> None:
        """Stop ringing every agent offered ``call`` but ``keep``; they are ready again."""
        for agent_id in sorted(call.offered - {keep}):
            agent = self.agents[agent_id]
            agent.timer.cancel()
            agent.call = None
            self.listener.cancel_offer(call.call_id, agent_id, agent.phone or agent.extension)
            self._set_state(agent, S.READY)
        call.offered &= {keep}

    def _missed(self, agent: Agent) -> None:
        call = agent.call
        agent.timer.cancel()
        agent.call = None
        call.offered.discard(agent.agent)
        call.tried.add(agent.agent)
        self.listener.cancel_offer(call.call_id, agent.agent, agent.phone or agent.extension)
        self._log("RINGNOANSWER", call, agent.agent, [(self.clock.now - call.ring_started) * 1000 // FRAME_RATE])
        agent.misses += 1
        if agent.misses >= self.settings["max_misses"]:
            self._set_state(agent, S.NOT_READY, "no-answer")
            self._log("PAUSE", None, agent.agent, ["no-answer"])
        else:
            self._set_state(agent, S.READY)
        self.dispatch()

    def ring_answered(self, agent_id: str) -> None:
        agent = self._in_state(agent_id, S.RINGING, "is not ringing")
        call = agent.call
        agent.timer.cancel()
        self._withdraw_offers(call, keep=agent.agent)
        call.offered.clear()
        call.cancel_timers()
        call.agent, call.answered = agent.agent, self.clock.now
        agent.misses = 0
        agent.calls[call.queue] = agent.calls.get(call.queue, 0) + 1
        self._set_state(agent, S.ON_CALL)
        wait = self.clock.now - call.entered
        st = self.stats[call.queue]
        st.answered += 1
        st.wait_frames_answered += wait
        if wait <= self._frames(self.queues[call.queue]["service_level_s"]):
            st.answered_in_sl += 1
        self._log("CONNECT", call, agent.agent, [self._secs(self.clock.now - call.queue_entered), "",
                                                 self._secs(self.clock.now - call.ring_started)])
        self.listener.connect(call.call_id, agent.agent, agent.phone or agent.extension)
        self.dispatch()

    def ring_failed(self, agent_id: str) -> None:
        """The offered extension was busy or could not be reached: next agent."""
        self._missed(self._in_state(agent_id, S.RINGING, "is not ringing"))

    def _in_state(self, agent_id: str, state: AgentState, what: str) -> Agent:
        agent = self.agent(agent_id)
        if agent.state is not state:
            raise BadInput("agent", f"agent {agent_id} {what} (state {agent.state.value})")
        return agent

    # -- statistics ---------------------------------------------------------------------------
    def screen_data(self, call: Call) -> dict:
        """The calling data shown to the agent (screen pop): ANI, DNIS, IVR inputs, queue, wait."""
        return {**call.data, "call_id": call.call_id, "queue": call.queue, "priority": call.priority,
                "wait_s": round((self.clock.now - call.entered) / FRAME_RATE, 1)}

    def screen_pop(self, agent_id: str) -> dict | None:
        """The calling data of the call ringing at or connected to this agent (None if idle),
        with the agent's count of unheard voicemail messages."""
        agent = self.agent(agent_id)
        if agent.call is None:
            return None
        return {**self.screen_data(agent.call), "messages_waiting": self.unheard_messages().get(agent_id, 0)}

    def reset_stats(self) -> None:
        """Start a new day of statistics (the caller decides when the day starts)."""
        self.stats = {name: QueueStats() for name in self.queues}
        for agent in self.agents.values():
            agent.calls, agent.talk_frames, agent.handled = {}, 0, 0

    def snapshot(self) -> dict:
        from firmware.acd.snapshot import snapshot
        return snapshot(self)
