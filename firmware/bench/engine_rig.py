"""The far ends of `e1desk bench engine`: a busy help desk played from outside the box.

Four e1link lines to the bench-4e1 board, driven with the rig's own R2 stack (hil.r2):

- spans 1-2, the carrier: one caller per channel, over and over. A caller seizes, is
  answered by the box's IVR, hears the menu, keys "0" (general queue) or "2" (outsourced
  queue), waits with music on hold, talks with an agent (speech both ways) for a while, and
  hangs up; a short idle gap later the channel is seized again.
- span 3, the office PBX: the agents' phones. The box's offers ring an extension, which
  answers after ``ring_ms`` and talks until the caller hangs up.
- span 4, the office PBX: the agents sign in from here first (90000, then *1#); afterwards
  office phones that are not agents' keep it busy with feature-code calls the box refuses
  (answer, DTMF, a prompt, a polite clear), the only calls the box takes from a PBX span.

Everything the load decides counts frames of the rig's own line (span 1's far end).
"""
from __future__ import annotations

import glob
import itertools
import random

import numpy as np

from firmware.signaling import R2Options
from firmware.signaling.span import NoChannel
from hil.farend import FarEnd
from hil.r2 import Extension, PbxFarEnd, R2FarEnd

RATE = 8000
BLOCK = 160
SPEECH_DIR = "/usr/share/asterisk/sounds"
FEATURE_NUMBER = "90000"
HELP_DESK = "95105"


def speech_alaw(seconds: float = 60.0) -> np.ndarray:
    """About ``seconds`` of real speech (Asterisk prompts) as A-law, or shaped noise without them."""
    from firmware.calls.prompts import to_alaw
    from firmware.dsp.g711 import alaw_encode

    parts, total = [], 0
    for path in sorted(glob.glob(f"{SPEECH_DIR}/en*/*.wav")):
        parts.append(to_alaw(path))
        total += parts[-1].size
        if total >= seconds * RATE:
            return np.concatenate(parts)
    rng = np.random.default_rng(7)
    n = int(seconds * RATE)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * np.arange(n) / RATE)   # syllable-rate swell
    return alaw_encode((2000 * envelope * rng.standard_normal(n)).astype(np.int16))


class _Talking:
    """Mixin for the rig's R2 ends: channels in ``talk`` send speech (vectorised per block)."""

    speech: np.ndarray

    def _play(self, tx: np.ndarray) -> None:
        super()._play(tx)
        if self.talk:
            rows = np.fromiter(self.talk.keys(), np.intp, len(self.talk))
            starts = np.fromiter(self.talk.values(), np.intp, len(self.talk))
            tx[rows] = self.speech[(starts[:, None] + np.arange(tx.shape[1])) % self.speech.size]
            for ts in self.talk:
                self.talk[ts] = (self.talk[ts] + tx.shape[1]) % self.speech.size


class TalkingNetwork(_Talking, R2FarEnd):
    def __init__(self, *args, speech: np.ndarray, **kwargs):
        super().__init__(*args, **kwargs)
        self.speech, self.talk = speech, {}


class TalkingPbx(_Talking, PbxFarEnd):
    def __init__(self, *args, speech: np.ndarray, **kwargs):
        super().__init__(*args, **kwargs)
        self.speech, self.talk = speech, {}


class _Slot:
    """One carrier channel's caller (or one span-4 phone): its current call and timers."""

    def __init__(self, end, ts: int, next_at: int):
        self.end, self.ts = end, ts
        self.call = None
        self.next_at = next_at          # seize at this frame (idle) / key or clear at it (in call)
        self.keyed = False
        self.talk_until: int | None = None


class HelpDeskLoad:
    """The four lines and the callers, agents and office phones on them.

    ``step()`` runs one block on every line in lock step (fast mode) or, with
    ``realtime=True`` far ends, one block per 20 ms of host time."""

    def __init__(self, addresses: dict[int, str], framer_configs: dict, agents: int = 30,
                 channels: int = 30, talk_s: tuple[float, float] = (20.0, 40.0), ring_ms: float = 1000.0,
                 realtime: bool = False, seed: int = 1, timeout: float = 30.0):
        self.rng = random.Random(seed)
        self.talk_s = talk_s
        speech = speech_alaw()
        options = R2Options.from_mapping({"variant": "china", "max_ani": 12, "max_dnis": 5})
        self.lines = {n: FarEnd(addresses[n], framer_configs[n], realtime=realtime, timeout=timeout)
                      for n in (1, 2, 3, 4)}
        self.extensions = [f"8{n:03d}" for n in range(1, agents + 1)]
        phones = {e: Extension(ring_ms=ring_ms) for e in self.extensions}
        self.network = [TalkingNetwork(self.lines[n], options, number=n, speech=speech) for n in (1, 2)]
        self.agents_pbx = TalkingPbx(self.lines[3], options, phones, number=3, speech=speech)
        self.office = TalkingPbx(self.lines[4], options, {}, number=4, speech=speech)
        self.ends = [*self.network, self.agents_pbx, self.office]
        voice = [ts for ts in range(1, 32) if ts != 16][:channels]
        self.callers = [_Slot(end, ts, 0) for end in self.network for ts in voice]
        self.phones = [_Slot(self.office, ts, 0) for ts in voice]
        self._anis = itertools.count(1)
        self.by_ani: dict[str, _Slot] = {}
        self.logins: dict[str, object] = {}
        self._keyed: set[str] = set()
        self._agent_calls: dict[int, object] = {}    # ts on span 3 -> the agent call talking there
        self.all_in = False
        self.stats = {"calls": 0, "talks": 0, "feature_calls": 0, "failed": 0}

    # -- life cycle ---------------------------------------------------------------------
    def connect(self, wait: float = 30.0) -> None:
        for line in self.lines.values():
            line.connect(wait)

    def close(self) -> None:
        for line in self.lines.values():
            line.close()

    @property
    def now(self) -> int:
        return self.network[0].r2.now

    def step(self) -> None:
        for end in self.ends:
            end.send()
        for end in self.ends:
            end.receive()
        self._drive()

    # -- agents -------------------------------------------------------------------------
    def sign_in_agents(self) -> None:
        """Every agent dials the feature number from span 4 and keys *1# (login)."""
        for extension in self.extensions:
            if extension not in self.logins:
                try:
                    self.logins[extension] = self.office.call(FEATURE_NUMBER, ani=extension)
                except NoChannel:
                    return                      # span 4 is full: the rest sign in later

    def signed_in(self) -> int:
        """Agents whose login call went through (answered, code keyed, cleared by the box)."""
        return sum(1 for c in self.logins.values() if c.state == "ended" and c.answered_at is not None)

    def _all_signed_in(self) -> bool:
        if not self.all_in:
            self.all_in = self.signed_in() == len(self.extensions)
        return self.all_in

    # -- the per-block decisions ------------------------------------------------------------
    def _drive(self) -> None:
        now = self.now
        if not self._all_signed_in():
            self._logins()
            return
        self._pick_up_talks(now)
        for slot in self.callers:
            self._caller(slot, now)
        for slot in self.phones:
            self._office_phone(slot, now)
        for end in self.ends:                        # keep the rig's call lists short
            if len(end.calls) > 200:
                end.calls[:] = [c for c in end.calls if c.state != "ended"]

    def _logins(self) -> None:
        for extension, call in list(self.logins.items()):
            if call.state == "answered" and extension not in self._keyed:
                self.office.send_dtmf(call, "*1#")
                self._keyed.add(extension)
            elif call.state == "ended" and call.answered_at is None:
                del self.logins[extension]          # refused or failed: try again
                self._keyed.discard(extension)
        if len(self.logins) < len(self.extensions):
            self.sign_in_agents()

    def _caller(self, slot: _Slot, now: int) -> None:
        call = slot.call
        if call is None:
            if now >= slot.next_at:
                ani = f"139{next(self._anis):08d}"
                try:
                    slot.call = slot.end.call(HELP_DESK, ani=ani, category="national", ts=slot.ts)
                except NoChannel:
                    slot.next_at = now + BLOCK * 10
                    return
                self.by_ani[ani] = slot
                slot.keyed, slot.talk_until = False, None
                self.stats["calls"] += 1
            return
        if call.state == "ended":
            self._hung_up(slot, now)
        elif call.state == "answered":
            if not slot.keyed and now - call.answered_at >= self._frames(self.rng.uniform(1.5, 3.0)):
                slot.end.send_dtmf(call, self.rng.choice("02"))
                slot.keyed = True
            elif slot.talk_until is not None and now >= slot.talk_until:
                call.clear()

    def _pick_up_talks(self, now: int) -> None:
        """Agent phones that answered since the last block start talking with their caller."""
        talking = self._agent_calls
        for call in self.agents_pbx.calls:
            if call.state == "answered" and talking.get(call.ts) is not call:
                slot = self.by_ani.get(call.ani)
                if slot is None or slot.call is None:
                    continue
                talking[call.ts] = call
                self.agents_pbx.talk[call.ts] = self.rng.randrange(self.agents_pbx.speech.size)
                slot.end.talk[slot.ts] = self.rng.randrange(slot.end.speech.size)
                slot.talk_until = now + self._frames(self.rng.uniform(*self.talk_s))
                self.stats["talks"] += 1
            elif call.state == "ended" and talking.get(call.ts) is call:
                del talking[call.ts]
                self.agents_pbx.talk.pop(call.ts, None)

    def _hung_up(self, slot: _Slot, now: int) -> None:
        call = slot.call
        if call.answered_at is None:
            self.stats["failed"] += 1
        self.by_ani.pop(call.ani, None)
        slot.end.talk.pop(slot.ts, None)
        slot.end._audio.pop(slot.ts, None)
        slot.call = None
        slot.next_at = now + self._frames(self.rng.uniform(0.5, 2.0))

    def _office_phone(self, slot: _Slot, now: int) -> None:
        call = slot.call
        if call is None:
            if now >= slot.next_at:
                try:
                    slot.call = self.office.call(FEATURE_NUMBER, ani=f"9{slot.ts:03d}", ts=slot.ts)
                    slot.keyed = False
                    self.stats["feature_calls"] += 1
                except NoChannel:
                    slot.next_at = now + BLOCK * 10
        elif call.state == "answered" and not slot.keyed and now - call.answered_at >= self._frames(0.5):
            self.office.send_dtmf(call, "*99#")     # *9 takes no digits: refused, prompt, clear
            slot.keyed = True
        elif call.state == "ended":
            self.office._audio.pop(slot.ts, None)
            slot.call = None
            slot.next_at = now + self._frames(self.rng.uniform(0.5, 2.0))

    @staticmethod
    def _frames(seconds: float) -> int:
        return int(seconds * RATE)

    def busy_channels(self) -> dict[int, int]:
        """Channels with a call up (not idle) on each line, as the rig sees them."""
        return {end.r2.number: sum(1 for c in end.calls if c.state != "ended") for end in self.ends}
