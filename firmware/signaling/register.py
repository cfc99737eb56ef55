"""MFC/R2 register signalling (Q.441 compelled sequences) as two small state machines.

No I/O here: the channel (channel.py) feeds received signals in and plays what comes out.

BackwardRegister (the incoming side): each forward signal is answered with a group A
request (``("send", n)``) until the DNIS, the category and the ANI are in; then it asks
for the change to group B, takes the group II category and says ``("offer",)``: the call
logic picks the group B result. Order: with ``ani_first``, the first DNIS digit, then the
category, the ANI, the rest of the DNIS (China No.1, OpenR2); otherwise DNIS, category,
ANI. A variant without an end-of-DNIS signal ends the DNIS by timeout: ``on_timeout``
then returns ``("pulse", n)`` to resume with a pulsed request.

ForwardRegister (the outgoing side): acts on each backward signal once the far end has
stopped it, and answers with the next forward signal (``("send", n)``), nothing
(``("wait",)``: out of DNIS in a variant without I-15), or ends the register phase with
``("accepted", result)`` / ``("failed", result)``. Meaning rule for signals with two
meanings: a "next ANI" request counts as such only once the category was sent and until
the ANI is finished; otherwise the other meaning applies.

Errors (a signal that means nothing at this point) come out as ``("error", reason)``.
"""
from __future__ import annotations

from firmware.signaling.variants import ACCEPTS, SIGNAL_DIGITS, Variant, digit_signal


class BackwardRegister:
    def __init__(self, variant: Variant, max_dnis: int, max_ani: int, ani_first: bool):
        self.variant, self.max_dnis, self.max_ani, self.ani_first = variant, max_dnis, max_ani, ani_first
        self.dnis = ""
        self.ani = ""
        self.category: int | None = None        # group II signal received in group A
        self.category_b: int | None = None      # group II signal received after change to B
        self.ani_restricted = False
        self.dnis_done = False
        self.category_done = False
        self.ani_done = max_ani == 0 or "next_ani" not in variant.requests
        self._ani_full = False                  # ANI ended by max_ani: an end-of-ANI may still come
        self.expect = "dnis"                    # dnis | category | ani | group_ii | done

    def _request(self, meaning: str) -> tuple:
        self.expect = {"category": "category", "next_ani": "ani", "next_dnis": "dnis",
                       "change_to_b": "group_ii"}[meaning]
        return ("send", self.variant.requests[meaning])

    def _next(self) -> tuple:
        if not self.category_done and (self.dnis_done or (self.ani_first and self.dnis)):
            return self._request("category")
        if self.category_done and not self.ani_done and (self.dnis_done or self.ani_first):
            return self._request("next_ani")
        if not self.dnis_done:
            return self._request("next_dnis")
        return self._request("change_to_b")

    def on_forward(self, signal: int) -> tuple:
        v = self.variant
        if self.expect == "dnis":
            if signal in SIGNAL_DIGITS:
                self.dnis += SIGNAL_DIGITS[signal]
                self.dnis_done = len(self.dnis) >= self.max_dnis
                return self._next()
            if signal == v.end_of_dnis and self.dnis:
                self.dnis_done = True
                return self._next()
            if signal == v.end_of_ani and self._ani_full:
                # the ANI filled max_ani and the far end still ends it: take that as the end
                self._ani_full = False
                return self._next()
            return ("error", f"I-{signal} is neither a digit nor end of DNIS")
        if self.expect == "category":
            self.category, self.category_done = signal, True
            return self._next()
        if self.expect == "ani":
            if signal in SIGNAL_DIGITS:
                self.ani += SIGNAL_DIGITS[signal]
                self.ani_done = self._ani_full = len(self.ani) >= self.max_ani
                return self._next()
            if signal in (v.end_of_ani, v.ani_restricted) and signal is not None:
                self.ani_restricted = signal == v.ani_restricted and signal != v.end_of_ani
                self.ani_done = True
                return self._next()
            return ("error", f"I-{signal} is neither an ANI digit nor end of ANI")
        if self.expect == "group_ii":
            self.category_b = signal
            self.expect = "done"
            return ("offer",)
        return ("error", f"forward signal {signal} after the end of the register phase")

    def on_timeout(self) -> tuple:
        """No forward signal came in time after our last request."""
        if self.expect == "dnis" and self.dnis and self.variant.end_of_dnis is None:
            self.dnis_done = True
            return ("pulse", self._next()[1])
        if self.expect == "ani" and self.variant.end_of_ani is None:
            self.ani_done = True
            return ("pulse", self._next()[1])
        return ("error", f"no forward signal while waiting for {self.expect}")

    def result_signal(self, result: str) -> int:
        if result not in self.variant.results:
            raise ValueError(f"result: {result!r} has no group B signal in the {self.variant.name} variant "
                             f"({', '.join(self.variant.results)})")
        return self.variant.results[result]

    @property
    def calling_category(self) -> str:
        signal = self.category_b if self.category_b is not None else self.category
        return self.variant.category_name(signal) if signal is not None else "unknown"


class ForwardRegister:
    def __init__(self, variant: Variant, dnis: str, ani: str, category: str):
        for where, digits in (("dnis", dnis), ("ani", ani)):
            for d in digits:
                digit_signal(d)                      # ValueError naming the bad digit
        if not dnis:
            raise ValueError("dnis: at least one digit is needed")
        self.variant, self.dnis, self.ani = variant, dnis, ani
        self.category_signal = variant.category_signal(category)
        self.dnis_sent = 0
        self.ani_sent = 0
        self.category_sent = False
        self.ani_done = False
        self.group = "I"

    def first(self) -> int:
        self.dnis_sent = 1
        return digit_signal(self.dnis[0])

    def _dnis(self) -> tuple:
        if self.dnis_sent < len(self.dnis):
            self.dnis_sent += 1
            return ("send", digit_signal(self.dnis[self.dnis_sent - 1]))
        if self.variant.end_of_dnis is not None:
            return ("send", self.variant.end_of_dnis)
        return ("wait",)

    def _ani(self) -> tuple:
        if self.ani_sent < len(self.ani):
            self.ani_sent += 1
            return ("send", digit_signal(self.ani[self.ani_sent - 1]))
        self.ani_done = True
        end = self.variant.ani_restricted if not self.ani and self.variant.ani_restricted else self.variant.end_of_ani
        return ("send", end) if end is not None else ("wait",)

    def on_backward(self, signal: int) -> tuple:
        v = self.variant
        if self.group == "II":
            result = v.result_of(signal)
            if result is None:
                return ("error", f"B-{signal} means nothing in the {v.name} variant")
            return ("accepted" if result in ACCEPTS else "failed", result)
        meanings = v.request_meanings(signal)
        if "next_ani" in meanings and self.category_sent and not self.ani_done:
            return self._ani()
        if "next_dnis" in meanings:
            return self._dnis()
        if "category" in meanings:
            self.category_sent = True
            return ("send", self.category_signal)
        if "change_to_b" in meanings:
            self.group = "II"
            return ("send", self.category_signal)
        if "accept" in meanings:
            return ("accepted", "accept_charge")
        if "congestion" in meanings:
            return ("failed", "congestion")
        for back in (1, 2, 3):
            if f"dnis_minus_{back}" in meanings:
                index = self.dnis_sent - 1 - back
                if index < 0:
                    return ("error", f"A-{signal} asks for a digit before the first")
                self.dnis_sent = index + 1
                return ("send", digit_signal(self.dnis[index]))
        return ("error", f"A-{signal} means nothing in the {v.name} variant")
