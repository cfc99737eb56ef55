"""The outgoing (forward) half of an R2 channel: seizure, register signals sent in answer to
the far end's requests, group B result, answer, and the end of the call with clear-forward.
A mixin of R2Channel (channel.py), which provides the helpers it uses."""
from __future__ import annotations

from firmware.signaling.calls import Call
from firmware.signaling.line import ANSWER, CLEAR_BACK, CLEAR_FORWARD, IDLE, SEIZE, SEIZE_ACK
from firmware.signaling.register import ForwardRegister


class OutgoingSide:
    def _outgoing_line(self, ab: int) -> None:
        state = self.state
        if state == "out_seizing":
            if ab == SEIZE_ACK:
                self._seize_acknowledged()
            elif ab == SEIZE:
                self._glare()
            elif ab == ANSWER:
                self._fail("protocol_error", "answer before seize acknowledge")
        elif ab == ANSWER:
            if state == "out_register":
                self.early_answer = True
                self.log("answer received before the end of the register phase")
            elif state == "out_accepted":
                self._answered()
        elif ab == CLEAR_BACK and state == "out_answered":
            self._fail("clear_back", "far end cleared back", event="cleared")
        elif ab == IDLE:
            self._fail("protocol_error", "far end went idle during the call")
        elif ab == SEIZE:
            self._fail("forced_release", "far end forced release")

    def start_call(self, call: Call, reg: ForwardRegister) -> None:
        self.call, self.reg = call, reg
        call._channel = self
        call.seized_at = self.port.now
        self._goto("out_seizing")
        self._send(SEIZE)
        self._timer("seize_ack")

    def _seize_acknowledged(self) -> None:
        self._goto("out_register")
        self.port.listen(self.ts, "backward")
        self._tone(self.reg.first())
        self._timer("fwd_signal")

    def _glare(self) -> None:
        if self.opts.glare == "keep":
            self.log("dual seizure: keeping our seizure, the far end yields")
            return
        self.log("dual seizure: yielding, taking the incoming call")
        self._end("failed", "glare")
        self.port.archive(self.call)
        self.call, self.reg = None, None
        self._timer(None)
        self._incoming_seize()

    def _forward_tone(self, signal: int, start: bool) -> None:
        """A backward signal started or ended (we are the forward end)."""
        if start:
            self.tone_in = signal
            self.log(f"MF rx backward {signal} on")
            if self.tone_out:
                self._tone(0)
            self._timer("compelled")
            return
        self.tone_in = 0
        self.log(f"MF rx backward {signal} off")
        action = self.reg.on_backward(signal)
        kind = action[0]
        if kind == "send":
            self._tone(action[1])
            self._timer("fwd_signal")
        elif kind == "wait":
            self.log("out of digits: waiting for the far end to time out")
            self._timer("fwd_signal")
        elif kind == "accepted":
            self._register_off()
            call = self.call
            call.result, call.accepted_at, call.state = action[1], self.port.now, "accepted"
            self._goto("out_accepted")
            self.port.emit("accepted", call)
            if self.early_answer or self.rx == ANSWER:
                self._answered()
            else:
                self._timer("answer")
        elif kind == "failed":
            self.call.result = action[1]
            self._fail(action[1], f"far end refused: {action[1]}")
        else:
            self._fail("protocol_error", action[1])

    def _answered(self) -> None:
        self._timer(None)
        self.call.answered_at, self.call.state = self.port.now, "answered"
        self._goto("out_answered")
        self.port.emit("answered", self.call)

    def _fail(self, cause: str, why: str, event: str = "failed") -> None:
        """Outgoing call over: say why, send clear-forward, wait for the release guard."""
        self.log(why)
        if self.call is not None and self.call.state == "answered":
            event = "cleared"
        self._end(event, cause)
        self._register_off()
        self._goto("out_release")
        self._send(CLEAR_FORWARD)
        if self.rx == IDLE:
            self._to_idle()
        else:
            self._timer("release")

