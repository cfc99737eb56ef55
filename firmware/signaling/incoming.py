"""The incoming (backward) half of an R2 channel: seizure acknowledged, register signals
answered with group A requests, the call offered to the call logic, its group B decision
sent, answer. A mixin of R2Channel (channel.py), which provides the helpers it uses."""
from __future__ import annotations

from firmware.signaling.calls import Call
from firmware.signaling.line import ANSWER, SEIZE_ACK
from firmware.signaling.register import BackwardRegister


class IncomingSide:
    def _incoming_seize(self) -> None:
        o = self.opts
        self.call = Call(self.port.number, self.ts, "in", seized_at=self.port.now, _channel=self)
        self.reg = BackwardRegister(o.variant, o.max_dnis, o.max_ani, o.asks_ani_first)
        self.log("seized by the far end (ABCD rx 00)")
        self._goto("in_register")
        self._send(SEIZE_ACK)
        self.port.listen(self.ts, "forward")
        self._timer("back_cycle")

    def _clear_forward_received(self) -> None:
        answered = self.state == "in_answered"
        self._register_off()
        self._end("cleared" if answered else "failed", "clear_forward" if answered else "abandoned")
        self._goto("release_guard")
        self._timer("release_guard")

    def _backward_tone(self, signal: int, start: bool) -> None:
        """A forward signal started or ended (we are the backward end)."""
        if start:
            self.tone_in = signal
            self.log(f"MF rx forward {signal} on")
            if self.tone_out:
                self._protocol_error("forward signal changed before our answer ended")
                return
            if self.clear_wanted and "congestion" in self.opts.variant.requests:
                self.final = "congestion"
                self._tone(self.opts.variant.requests["congestion"])
                self._timer("compelled")
                return
            action = self.reg.on_forward(signal)
            if action[0] == "send":
                self.log(f"next: asking for {self.reg.expect.replace('_', ' ')}")
                self._tone(action[1])
                self._timer("compelled")
            elif action[0] == "offer":
                self._offer()
            else:
                self._protocol_error(action[1])
            return
        self.tone_in = 0
        self.log(f"MF rx forward {signal} off")
        if self.state == "in_offered":
            self._protocol_error("forward signal ended before our decision")
            return
        if not self.tone_out:
            self._protocol_error("forward signal ended without our answer")
            return
        self._tone(0)
        if self.final is None:
            self._timer("back_cycle")
            return
        self._register_off()
        if self.final in ("accept_charge", "accept_free"):
            self.call.accepted_at = self.port.now
            self.call.state = "accepted"
            self._goto("in_accepted")
            self.port.emit("accepted", self.call)
            self._timer("answer_delay")
        else:
            self._end("failed", self.final)
            self._goto("in_rejected")
            self._timer("clear_forward")

    def _offer(self) -> None:
        call, reg = self.call, self.reg
        call.dnis, call.ani, call.category = reg.dnis, reg.ani, reg.calling_category
        call.state = "offered"
        self._goto("in_offered")
        self.log(f"offered: dnis={reg.dnis} ani={reg.ani or '-'} category={call.category}")
        self._timer("decision")
        self.port.emit("offered", call)

    def decide(self, call: Call, result: str) -> None:
        if call is not self.call or self.state != "in_offered":
            self.log(f"decision {result} ignored: the call is no longer offered")
            return
        signal = self.reg.result_signal(result)
        self.final = call.result = result
        self._goto("in_register")
        self._tone(signal)
        self._timer("compelled")

    def answer(self, call: Call) -> None:
        if call is not self.call or call.direction != "in" or call.state == "ended":
            raise ValueError("answer: only an incoming call that is up can be answered")
        self.answer_wanted = True
        if self.state == "in_accepted" and self.answer_ready:
            self._send_answer()

    def _send_answer(self) -> None:
        self._send(ANSWER)
        self.call.answered_at, self.call.state = self.port.now, "answered"
        self._goto("in_answered")
        self.port.emit("answered", self.call)

