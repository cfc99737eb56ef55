"""One CAS channel's R2 call control: Q.421 line states, their timers, the register phase.

Line signals, AB bits as (forward, backward) (design.md section 4): idle 10/10, seized
00/10, seize acknowledge 00/11, answered 00/01, clear-back 00/11, clear-forward 10/xx,
blocked 10/11; the release guard is the backward end returning to 10 after clear-forward.
C and D bits come from the variant. A channel works both ways: it is the forward end of
the calls it places and the backward end of the calls it receives.

States: idle, blocked (by us), alarm (span alarm: blocked towards the far end),
incoming: in_register, in_offered, in_accepted, in_answered, in_clear_back, in_rejected,
release_guard; outgoing: out_seizing, out_register, out_accepted, out_answered,
out_release. Every state that waits for the far end has a timer (options.TIMERS).

The incoming (backward) half lives in incoming.py, the outgoing (forward) half in
outgoing.py; this module holds the state, the helpers both use, and the dispatch of line
signals, tones, timers, clearing, alarms and blocking. The channel never touches numpy or
the line itself: the span (span.py) feeds it debounced AB changes, MF tone starts/ends and
timer expiries, and does what it asks (``port``).
"""
from __future__ import annotations

from firmware.signaling.calls import Call
from firmware.signaling.incoming import IncomingSide
from firmware.signaling.line import (ANSWER, BLOCKED, BWD_NAMES, CLEAR_BACK, CLEAR_FORWARD, FWD_NAMES, IDLE,
                                     INCOMING, OUTGOING, SEIZE)
from firmware.signaling.outgoing import OutgoingSide
from firmware.signaling.register import BackwardRegister, ForwardRegister


class R2Channel(IncomingSide, OutgoingSide):
    def __init__(self, port, ts: int):
        self.port, self.ts = port, ts
        self.state = "idle"
        self.rx = IDLE                   # last debounced AB received
        self.far_blocked = False
        self.block_wanted = False        # block when the current call is over
        self.call: Call | None = None
        self.reg: BackwardRegister | ForwardRegister | None = None
        self.tone_out = 0                # register signal we are sending (0 = none)
        self.tone_in = 0                 # register signal the far end is sending
        self.final: str | None = None    # group B result we are sending (backward side)
        self.answer_wanted = False
        self.answer_ready = False
        self.early_answer = False
        self.clear_wanted = False

    # -- helpers ------------------------------------------------------------------------
    @property
    def opts(self):
        return self.port.options

    def log(self, text: str) -> None:
        if self.call is not None:
            self.call.trace.append((self.port.now, text))
        else:
            self.port.channel_log(self.ts, text)

    def _goto(self, state: str) -> None:
        if state != self.state:
            self.log(f"state {self.state} -> {state}")
            self.state = state

    def _send(self, ab: int) -> None:
        names = BWD_NAMES if self.state.startswith("in_") or self.state in ("release_guard", "blocked", "alarm") else FWD_NAMES
        self.log(f"ABCD tx {ab:02b}{self.opts.variant.cd_bits:02b} ({names.get(ab, '?')})")
        self.port.send_ab(self.ts, ab)

    def _tone(self, signal: int, pulse: bool = False) -> None:
        direction = "forward" if self.call is not None and self.call.direction == "out" else "backward"
        if signal:
            self.log(f"MF tx {direction} {signal}{' (pulse)' if pulse else ''} on")
        elif self.tone_out:
            self.log(f"MF tx {direction} {self.tone_out} off")
        self.tone_out = 0 if pulse else signal
        self.port.tone(self.ts, direction, signal, pulse)

    def _timer(self, name: str | None) -> None:
        self.port.set_timer(self.ts, name)

    def _register_off(self) -> None:
        if self.tone_out:
            self._tone(0)
        self.port.listen(self.ts, None)
        self.tone_in = 0

    def _end(self, event: str, cause: str) -> None:
        call = self.call
        if call is None or call.state == "ended":
            return
        call.state, call.cause, call.ended_at = "ended", cause, self.port.now
        self.log(f"call ended: {event} ({cause})")
        self.port.emit(event, call)

    def _to_idle(self) -> None:
        self._timer(None)
        self._register_off()
        if self.call is not None:
            self._end("failed", "local")
            self.port.archive(self.call)
        self.call, self.reg, self.final = None, None, None
        self.answer_wanted = self.answer_ready = self.early_answer = self.clear_wanted = False
        self._goto("idle")
        self._send(IDLE)                 # the release guard; blocking waits until it is seen
        self.far_blocked = self.rx == BLOCKED
        if self.block_wanted:
            self._timer("release_guard")
        elif self.rx == SEIZE:
            self._incoming_seize()

    # -- line signals ---------------------------------------------------------------------
    def on_line(self, ab: int) -> None:
        self.rx = ab
        state = self.state
        names = FWD_NAMES if state in ("idle", "blocked", "release_guard") or state.startswith("in_") else BWD_NAMES
        self.log(f"ABCD rx {ab:02b} ({names.get(ab, '?')})")
        if state == "idle":
            if ab == SEIZE:
                self._incoming_seize()
            elif ab == BLOCKED:
                self.far_blocked = True
                self.log("blocked by the far end")
            elif ab == IDLE and self.far_blocked:
                self.far_blocked = False
                self.log("unblocked by the far end")
            elif ab == ANSWER:
                self.log("illegal ABCD on an idle channel: ignored")
        elif state == "blocked":
            if ab == SEIZE:
                self.log("seizure of a channel we block: ignored")
            self.far_blocked = ab == BLOCKED
        elif state in INCOMING:
            if ab == CLEAR_FORWARD:
                self._clear_forward_received()
            elif ab != SEIZE:
                self._protocol_error(f"forward end sent illegal AB {ab:02b}")
        elif state in ("in_clear_back", "in_rejected"):
            if ab == CLEAR_FORWARD:
                self._timer(None)
                self._goto("release_guard")
                self._timer("release_guard")
        elif state == "release_guard":
            if ab == SEIZE:
                self.log("seized during the release guard: taken after it")
        elif state in OUTGOING:
            self._outgoing_line(ab)
        elif state == "out_release" and ab == IDLE:
            self.log("release guard received")
            self._to_idle()

    # -- both directions ------------------------------------------------------------------
    def on_tone(self, signal: int, start: bool) -> None:
        if self.state in ("in_register", "in_offered"):
            self._backward_tone(signal, start)
        elif self.state == "out_register":
            self._forward_tone(signal, start)

    def clear(self, call: Call) -> None:
        if call is not self.call or call.state == "ended" and self.state not in OUTGOING:
            return
        self.log("clear requested by the call logic")
        if self.state in OUTGOING:
            self._fail("local", "cleared by us", event="cleared")
        elif self.state == "in_offered":
            self.decide(call, "congestion")
        elif self.state == "in_register":
            self.clear_wanted = True
        elif self.state == "in_answered" and self.port.now - call.answered_at < self.opts.frames("answer_delay"):
            self.clear_wanted = True             # let the answer be seen before clearing back
            self._timer("answer_delay")
        elif self.state in ("in_accepted", "in_answered"):
            self._timer(None)
            self._end("cleared", "local")
            self._goto("in_clear_back")
            self._send(CLEAR_BACK)
            self._timer("clear_forward")

    def _protocol_error(self, reason: str) -> None:
        self.log(f"protocol error: {reason}")
        self.port.count("protocol_errors")
        if self.state in OUTGOING:
            self._fail("protocol_error", reason)
            return
        if self.state in ("in_register", "in_offered") and self.tone_in and "congestion" in self.opts.variant.requests \
                and not self.tone_out:
            self.final = self.call.result = "congestion"
            self._goto("in_register")
            self._tone(self.opts.variant.requests["congestion"])
            self._timer("compelled")
            return
        self._register_off()
        self._end("cleared" if self.state == "in_answered" else "failed", "protocol_error")
        self._goto("in_clear_back")
        self._send(CLEAR_BACK)
        self._timer("clear_forward")

    def on_timer(self, name: str) -> None:
        self.log(f"timer {name} expired")
        if name == "back_cycle":
            action = self.reg.on_timeout()
            if action[0] == "pulse":
                self._tone(action[1], pulse=True)
                self._timer("back_cycle")
            else:
                self._protocol_error(action[1])
        elif name == "compelled":
            self._protocol_error("the far end did not answer our signal")
        elif name == "decision":
            self.log("no decision from the call logic: congestion")
            self.decide(self.call, "congestion")
        elif name == "answer_delay" and self.state == "in_answered" and self.clear_wanted:
            self.clear(self.call)
        elif name == "answer_delay":
            self.answer_ready = True
            if self.answer_wanted:
                self._send_answer()
        elif name in ("seize_ack", "fwd_signal"):
            self._fail("timeout", f"no answer from the far end ({name})")
        elif name == "answer":
            self._fail("no_answer", "not answered in time")
        elif name == "release":
            self.log("no release guard from the far end: channel held until it goes idle")
        elif name == "clear_forward":
            self.log("no clear-forward from the far end: channel held until it clears")
        elif name == "release_guard" and self.state == "idle":
            self.block_wanted = False
            self.block()
        elif name == "release_guard":
            self._to_idle()

    # -- span-wide conditions -------------------------------------------------------------
    def on_alarm(self, active: bool) -> None:
        if active:
            self.log("span alarm: call cleared, channel blocked towards the far end")
            if self.call is not None:
                self._end("cleared" if self.call.state == "answered" else "failed", "alarm")
                self.port.archive(self.call)
            self._timer(None)
            self._register_off()
            self.call, self.reg, self.final = None, None, None
            self._goto("alarm")
            self._send(BLOCKED)
        elif self.state == "alarm":
            self.log("span alarm cleared: channel unblocked")
            self._goto("idle")
            self._send(IDLE)
            self.far_blocked = self.rx == BLOCKED

    def block(self) -> None:
        if self.state == "idle":
            self._goto("blocked")
            self._send(BLOCKED)
        elif self.state not in ("blocked", "alarm"):
            self.block_wanted = True

    def unblock(self) -> None:
        self.block_wanted = False
        if self.state == "blocked":
            self._goto("idle")
            self._send(IDLE)
            if self.rx == SEIZE:
                self._incoming_seize()
