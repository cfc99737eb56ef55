"""An in-memory PCM30 line between two R2Spans for fast, deterministic tests.

Each side is a MemorySpan (a drivers.base.Span with no transport); ``Wire.step()`` carries
one 160-frame block each way: what a side sent in the previous block (voice rows and ABCD)
is what the other side receives now, the one-block delay of a real line. ``alarm`` makes
a side see a span alarm; ``override[ts]`` replaces the ABCD a side receives (glitches).
"""
from __future__ import annotations

import numpy as np

from drivers.base import RxBlock, SpanAlarms
from drivers.memory import MemorySpan
from firmware.signaling import R2Options, R2Span

BLOCK = 160
IDLE_ALAW = 0xD5


class Wire:
    def __init__(self, box_options: R2Options, far_options: R2Options, box_listener=None, far_listener=None):
        self.box_span, self.far_span = MemorySpan(1), MemorySpan(2)
        self.box = R2Span(self.box_span, box_options, box_listener)
        self.far = R2Span(self.far_span, far_options, far_listener)
        self.sides = [(self.box, self.box_span), (self.far, self.far_span)]
        self.voice = [np.full((32, BLOCK), IDLE_ALAW, np.uint8) for _ in range(2)]
        self.alarm = [SpanAlarms(), SpanAlarms()]
        self.override: list[dict[int, int]] = [{}, {}]
        self.blocks = 0

    def step(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            sent = [(self.voice[i], self.sides[i][1].tx_abcd.copy()) for i in range(2)]
            for i, (r2, _) in enumerate(self.sides):
                voice, abcd = sent[1 - i]
                abcd = abcd.copy()
                for ts, bits in self.override[i].items():
                    abcd[ts] = bits
                rx = RxBlock(frames=BLOCK, voice=voice, abcd=abcd, alarms=self.alarm[i])
                tx = np.full((32, BLOCK), IDLE_ALAW, np.uint8)
                r2.process(rx, tx)
                self.voice[i] = tx
            self.blocks += 1

    def run_until(self, predicate, max_blocks: int = 2000) -> int:
        for n in range(max_blocks):
            if predicate():
                return n
            self.step()
        raise AssertionError(f"condition not reached within {max_blocks} blocks")

    def settle(self, max_blocks: int = 3000, hold: int = 5) -> None:
        """Run until both sides are idle and stay so for ``hold`` blocks (the line caught up)."""
        quiet = 0
        for _ in range(max_blocks):
            quiet = quiet + 1 if self.box.all_idle() and self.far.all_idle() else 0
            if quiet > hold:
                return
            self.step()
        raise AssertionError(f"not idle within {max_blocks} blocks")


class RawWire:
    """The box's R2Span against a scripted far end that sets ABCD and plays tones directly
    (no state machine): for bad input and random far-end behaviour."""

    def __init__(self, box_options: R2Options, box_listener=None):
        from firmware.dsp.mf import MfSender
        self.box_span = MemorySpan(1)
        self.box = R2Span(self.box_span, box_options, box_listener)
        self.abcd = np.full(32, 0b1001, np.uint8)           # what the far end sends
        self.senders = {d: MfSender(32, d) for d in ("forward", "backward")}
        self.extra = np.zeros((32, BLOCK), np.float32)      # arbitrary audio added per block
        self.alarm = SpanAlarms()
        self.box_voice = np.full((32, BLOCK), IDLE_ALAW, np.uint8)
        self.blocks = 0

    def set_ab(self, ts: int, ab: int) -> None:
        self.abcd[ts] = (ab << 2) | (self.box.options.variant.cd_bits)

    def tone(self, ts: int, direction: str, signal: int) -> None:
        for d, sender in self.senders.items():
            sender.stop(ts)
        if signal:
            self.senders[direction].start(ts, signal)

    def step(self, blocks: int = 1) -> None:
        from firmware.dsp.g711 import alaw_encode
        for _ in range(blocks):
            audio = self.senders["forward"].generate(BLOCK) + self.senders["backward"].generate(BLOCK) + self.extra
            rx = RxBlock(frames=BLOCK, voice=alaw_encode(audio), abcd=self.abcd.copy(), alarms=self.alarm)
            tx = np.full((32, BLOCK), IDLE_ALAW, np.uint8)
            self.box.process(rx, tx)
            self.box_voice = tx
            self.blocks += 1

    def run_until(self, predicate, max_blocks: int = 2000) -> int:
        for n in range(max_blocks):
            if predicate():
                return n
            self.step()
        raise AssertionError(f"condition not reached within {max_blocks} blocks")

    def go_idle(self) -> None:
        """The far end stops everything: idle ABCD, silence."""
        for ts in range(1, 32):
            self.set_ab(ts, 0b10)
            self.tone(ts, "forward", 0)
        self.extra[:] = 0
        self.alarm = SpanAlarms()
