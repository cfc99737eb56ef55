"""The rig on the box's lines: the network on span 1, the office PBX and agents' phones on span 2.

    rig = Rig(box)                     # box: hil.box.BoxProcess, already started
    rig.connect()
    rig.add_phone(PhoneSpec("8001")); rig.login_all()
    rig.add_caller(CallerSpec("alice", "13800138000", dtmf=[(0.5, "0")]))
    rig.at(30.0, lambda: rig.fault(1, "LOS", 5.0))
    rig.run_until(lambda: rig.all_done(), 120)

The lines come from a transport (hil.lines: e1link by default, the DAHDI emulation, a DAHDI
card); the box's board profile must be of the transport's kind.

Time is the rig's own line time: one block (20 ms) per step, counted from the rig's start;
in fast mode (lock step) it runs as fast as the box answers, in real time it keeps one
block per 20 ms. Faults change what the rig sends on a line (hil.farend), or what the rig's
people do (phones stop answering), or the box's process (kill -9, then restart).
"""
from __future__ import annotations

import heapq
import itertools
from typing import Callable

import numpy as np

from board.profile import load_profile
from firmware.signaling import R2Options
from hil.actors import BLOCKS_PER_S, Caller, CallerSpec, Phone, PhoneSpec
from hil.farend import FAULTS as LINE_FAULTS
from hil.lines import RigLine, Transport, make_transport
from hil.r2 import R2FarEnd, step_all

FEATURE_NUMBER = "90000"
RIG_FAULTS = ("ABCD", "NO_ANSWER", "KILL")
ALL_FAULTS = LINE_FAULTS + RIG_FAULTS


class Rig:
    def __init__(self, box, realtime: bool = False, seed: int = 1, keep_audio: bool = True,
                 on_progress: Callable[[str], None] | None = None, transport: Transport | None = None):
        self.box = box
        self.realtime = realtime
        self.transport = transport or make_transport("e1link", realtime)
        self.rng = np.random.default_rng(seed)
        self.keep_audio = keep_audio
        self.say = on_progress or (lambda text: None)
        self.options = R2Options.from_mapping({"variant": "china", "max_ani": 12})
        self.block = 0
        self.callers: list[Caller] = []
        self.active: list[Caller] = []
        self.by_ani: dict[str, Caller] = {}
        self.phones: dict[str, Phone] = {}
        self.features: list[tuple[object, str]] = []     # (call, keys) of feature calls in progress
        self.feature_results: list[tuple[str, str, str]] = []   # (extension, keys, how it ended)
        self.no_answer = False
        self.kills = 0
        self.network: R2FarEnd | None = None
        self.pbx: R2FarEnd | None = None
        self._timeline: list = []
        self._order = itertools.count()

    @property
    def now(self) -> float:
        return self.block / BLOCKS_PER_S

    # -- lines -----------------------------------------------------------------------------
    def connect(self) -> None:
        profile = load_profile(self.box.board).with_runtime_dir(self.box.run_dir)
        lines = self.transport.connect(profile)
        if not {1, 2} <= set(lines):
            for line in lines.values():
                line.close()
            raise ValueError(f"board {profile.name}: the {self.transport.name} transport needs spans 1 and 2 of "
                             f"its kind (found {sorted(lines) or 'none'})")
        self.network = R2FarEnd(lines[1], self.options, number=1, decide=lambda call: "busy")
        self.pbx = R2FarEnd(lines[2], self.options, number=2, decide=self._pbx_decide,
                            answer_after_ms=self._pbx_ring)

    def disconnect(self) -> None:
        for end in (self.network, self.pbx):
            if end is not None:
                end.far.close()
        self.network = self.pbx = None

    def line(self, span: int) -> RigLine:
        return (self.network if span == 1 else self.pbx).far

    # -- people ----------------------------------------------------------------------------
    def add_phone(self, spec: PhoneSpec) -> Phone:
        phone = self.phones[spec.extension] = Phone(spec, self.rng)
        return phone

    def add_caller(self, spec: CallerSpec) -> Caller:
        caller = Caller(spec, keep_audio=self.keep_audio)
        self.callers.append(caller)
        self.active.append(caller)
        return caller

    def feature(self, extension: str, keys: str) -> None:
        """An agent's phone calls the feature number and keys ``keys`` (e.g. *1# to log in)."""
        call = self.pbx.call(FEATURE_NUMBER, ani=extension)
        self.features.append((call, keys))

    def login_all(self, within_s: float = 20.0) -> None:
        for ext, phone in self.phones.items():
            if phone.spec.login:
                self.feature(ext, "*1#")
        self.run_until(lambda: not self.features, within_s, what="agents' logins")

    # -- time ------------------------------------------------------------------------------
    def at(self, seconds: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._timeline, (seconds, next(self._order), action))

    def step(self) -> None:
        while self._timeline and self._timeline[0][0] <= self.now:
            _, _, action = heapq.heappop(self._timeline)
            action()
        step_all([self.network, self.pbx])
        self.block += 1
        now = self.now
        voice = self.network.last_rx.voice
        for caller in self.active:
            if caller.call is not None and caller.state in ("dialing", "in_call"):
                caller.hear(voice[caller.call.ts])
            caller.tick(now, self.network)
            if caller.state == "in_call" and caller.spec.ani not in self.by_ani:
                self.by_ani[caller.spec.ani] = caller
        if any(c.done for c in self.active):
            for caller in [c for c in self.active if c.done]:
                if self.by_ani.get(caller.spec.ani) is caller:
                    del self.by_ani[caller.spec.ani]
            self.active = [c for c in self.active if not c.done]
        for phone in self.phones.values():
            phone.tick(now, self)
        self._features()
        if self.block % (10 * BLOCKS_PER_S) == 0:       # forget ended calls of the rig's R2 sides
            for end in (self.network, self.pbx):
                end.calls = [c for c in end.calls if c.state != "ended"]

    def run_until(self, done: Callable[[], bool], max_s: float, what: str = "") -> None:
        end = self.block + int(max_s * BLOCKS_PER_S)
        while not done():
            if self.block >= end:
                raise TimeoutError(f"{what or 'condition'} not reached within {max_s} s of line time")
            self.step()

    def run_for(self, seconds: float) -> None:
        for _ in range(int(seconds * BLOCKS_PER_S)):
            self.step()

    def all_done(self) -> bool:
        return not self.active and not self.features and not self._timeline

    # -- faults ----------------------------------------------------------------------------
    def fault(self, span: int, kind: str, duration: float | None = None, **params) -> None:
        """Start a fault now; line faults with a duration end by themselves."""
        self.say(f"{self.now:8.2f}s fault {kind} on span {span}" + (f" for {duration} s" if duration else ""))
        if kind == "KILL":
            return self._kill(params.get("restart", True), params.get("relogin", True))
        if kind == "NO_ANSWER":
            self.no_answer = True
            if duration:
                self.at(self.now + duration, lambda: setattr(self, "no_answer", False))
            return
        if kind == "ABCD":
            ts, bits = params["ts"], params["bits"]
            self.line(span).set_abcd(ts, bits)
            end = self.network if span == 1 else self.pbx
            self.at(self.now + (duration or 0.1), lambda: end.far.set_abcd(ts, int(end.line.tx_abcd[ts])))
            return
        far = self.line(span)
        far.inject(kind, True, ber=params.get("ber"))
        if duration and kind != "SLIP":
            self.at(self.now + duration, lambda: self._clear_fault(span, kind))

    def _clear_fault(self, span: int, kind: str) -> None:
        self.say(f"{self.now:8.2f}s fault {kind} on span {span} cleared")
        if self.network is not None:
            self.line(span).inject(kind, False)

    def _kill(self, restart: bool, relogin: bool) -> None:
        self.kills += 1
        self.box.kill()
        self.disconnect()
        for caller in self.active:
            caller.line_lost(self.now)
        self.active = [c for c in self.active if not c.done]
        self.by_ani.clear()
        for phone in self.phones.values():
            phone.line_lost()
        self.features.clear()
        if not restart:
            raise RuntimeError("the box was killed and not restarted: the rig has no line left")
        self.box.start()
        self.connect()
        self.say(f"{self.now:8.2f}s box restarted (pid {self.box.pid})")
        if relogin:
            for ext, phone in self.phones.items():
                if phone.spec.login:
                    self.feature(ext, "*1#")

    # -- the PBX's answers to the box ------------------------------------------------------------
    def _pbx_decide(self, call) -> str:
        phone = self.phones.get(call.dnis)
        if phone is None:
            return "unallocated"
        caller = self.by_ani.get(call.ani)
        if caller is not None:
            caller.agent_calls.append(call)
        return phone.decide(call)

    def _pbx_ring(self, call) -> float | None:
        if self.no_answer:
            return None
        return self.phones[call.dnis].ring_ms(call)

    def _features(self) -> None:
        if not self.features:
            return
        left = []
        for call, keys in self.features:
            if call.state == "answered" and keys:
                self.pbx.send_dtmf(call, keys)
                left.append((call, ""))
            elif call.state == "ended":
                self.feature_results.append((call.ani, keys, call.cause))
            else:
                left.append((call, keys))
        self.features = left
