"""The rig's R2 far ends on its lines (hil.lines): the network on span 1, the office PBX on span 2.

    network = R2FarEnd(FarEnd(addr1), R2Options.from_mapping({"variant": "china"}))
    pbx = PbxFarEnd(FarEnd(addr2), options, extensions={"8001": Extension(ring_ms=3000)})
    call = network.call("1234", ani="13800138000", category="national")
    step_all([network, pbx])          # one block on every line, in lock step (fast mode)
    network.send_dtmf(call, "12#")    # after answer
    call.clear()

The rig runs the same signalling library as the box (firmware.signaling) on its side of
the line; it sees the box only through the E1 line it drives (a hil.lines.RigLine: the rig's
framer over e1link, or a DAHDI span).
The independent proof of the box's signalling is the OpenR2 interop test (tests/peers).
Timers are the line's: ring times count frames of the rig's own line.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drivers.memory import MemorySpan
from firmware.dsp.dtmf import dtmf_signal
from firmware.dsp.g711 import alaw_encode
from firmware.signaling import Call, R2Options, R2Span
from hil.lines import RigLine

IDLE_ALAW = 0xD5


class _LineSide(MemorySpan):
    """The rig's end of the line as a Span, so R2Span can set its ABCD bits on FarEnd."""

    def __init__(self, far: RigLine, number: int):
        super().__init__(number, far.address)
        self.far = far
        for ts in range(1, 32):
            if ts != 16:
                far.set_abcd(ts, int(self.tx_abcd[ts]))

    def set_abcd(self, timeslot: int, bits: int) -> None:
        super().set_abcd(timeslot, bits)
        self.far.set_abcd(timeslot, bits)


class R2FarEnd:
    """One rig line with R2 signalling: places calls, answers or refuses the box's calls,
    plays DTMF after answer, clears. ``decide(call) -> "accept" | cause | None`` and
    ``answer_after_ms(call) -> ms | None`` say what to do with the box's calls."""

    def __init__(self, far: RigLine, options: R2Options, number: int = 1, decide=None, answer_after_ms=None):
        self.far = far
        self.line = _LineSide(far, number)
        self.r2 = R2Span(self.line, options, self._event)
        self.decide = decide or (lambda call: "accept")
        self.answer_after_ms = answer_after_ms or (lambda call: 0)
        self.calls: list[Call] = []
        self._tx = np.full((32, 160), IDLE_ALAW, np.uint8)
        self._audio: dict[int, np.ndarray] = {}           # ts -> samples still to play
        self._answer_at: dict[int, tuple[int, Call]] = {}  # ts -> (frame, call)
        self._raw: dict[int, np.ndarray] = {}             # ts -> A-law octets still to send
        self.captures: dict[int, list[np.ndarray]] = {}   # ts -> received rows, for listeners
        self.last_rx = None                               # the last RxBlock from the box

    # -- actions ------------------------------------------------------------------------
    def call(self, dnis: str, ani: str = "", category: str = "national", ts: int | None = None) -> Call:
        call = self.r2.place_call(dnis, ani, category, ts)
        self.calls.append(call)
        return call

    def send_dtmf(self, call: Call, digits: str, on_ms: float = 80, off_ms: float = 80) -> None:
        if call.state != "answered":
            raise ValueError("send_dtmf: the call is not answered")
        self._audio[call.ts] = np.concatenate([self._audio.get(call.ts, np.zeros(0)), dtmf_signal(digits, on_ms, off_ms)])

    def send_alaw(self, ts: int, octets) -> None:
        """Queue raw A-law octets for timeslot ``ts``, sent as they are after any DTMF."""
        octets = np.asarray(octets, np.uint8)
        self._raw[ts] = np.concatenate([self._raw.get(ts, octets[:0]), octets])

    def capture(self, ts: int) -> list[np.ndarray]:
        """Start keeping every row received on ``ts``; returns the list that fills up."""
        return self.captures.setdefault(ts, [])

    # -- line ----------------------------------------------------------------------------
    def send(self) -> None:
        self.far.send_block(self._tx)

    def receive(self) -> None:
        rx = self.far.receive_block()
        tx = np.full((32, rx.frames), IDLE_ALAW, np.uint8)
        self.last_rx = rx
        for ts, rows in self.captures.items():
            rows.append(rx.voice[ts].copy())
        self.r2.process(rx, tx)
        self._play(tx)
        self._due_answers()
        self._tx = tx

    def step(self) -> None:
        self.send()
        self.receive()

    def _play(self, tx: np.ndarray) -> None:
        frames = tx.shape[1]
        for ts in list(self._audio):
            samples = self._audio[ts]
            chunk = np.zeros(frames)
            chunk[:min(frames, samples.size)] = samples[:frames]
            tx[ts] = alaw_encode(chunk)
            self._audio[ts] = samples[frames:]
            if not self._audio[ts].size:
                del self._audio[ts]
        for ts in list(self._raw):
            octets = self._raw[ts]
            n = min(frames, octets.size)
            tx[ts, :n] = octets[:n]
            self._raw[ts] = octets[n:]
            if not self._raw[ts].size:
                del self._raw[ts]

    def _due_answers(self) -> None:
        for ts, (frame, call) in list(self._answer_at.items()):
            if self.r2.now >= frame:
                del self._answer_at[ts]
                if call.state == "accepted":
                    call.answer()

    def _event(self, event: str, call: Call) -> None:
        if call not in self.calls:
            self.calls.append(call)
        if event == "offered":
            choice = self.decide(call)
            if choice == "accept":
                call.accept()
            elif choice is not None:
                call.reject(choice)
        elif event == "accepted" and call.direction == "in":
            delay = self.answer_after_ms(call)
            if delay is not None:
                self._answer_at[call.ts] = (self.r2.now + int(delay * 8), call)


@dataclass
class Extension:
    """An agent phone behind the office PBX: rings ``ring_ms`` then answers, or is busy."""

    ring_ms: float = 2000.0
    busy: bool = False


class PbxFarEnd(R2FarEnd):
    """The office PBX on span 2: the box's calls to extension numbers ring the agent phones;
    unknown numbers are unallocated, busy phones refuse busy."""

    def __init__(self, far: RigLine, options: R2Options, extensions: dict[str, Extension], number: int = 2):
        self.extensions = extensions
        super().__init__(far, options, number, decide=self._decide, answer_after_ms=self._ring)

    def _decide(self, call: Call) -> str:
        phone = self.extensions.get(call.dnis)
        if phone is None:
            return "unallocated"
        return "busy" if phone.busy else "accept"

    def _ring(self, call: Call) -> float:
        return self.extensions[call.dnis].ring_ms


def step_all(ends: list[R2FarEnd], blocks: int = 1) -> None:
    """Lock step: send a block on every line, then take every answer."""
    for _ in range(blocks):
        for end in ends:
            end.send()
        for end in ends:
            end.receive()
