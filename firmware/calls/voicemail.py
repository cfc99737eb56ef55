"""Voicemail on the box: a caller leaves a message in a box (one per queue, one per agent).

``Voicemail.start(leg, box)`` plays the box's greeting ("vm/greeting-BOX" if the box's own
prompt exists, else the standard "vm-intro"), a beep, then records what the caller says
(received on the caller's timeslot) until the caller presses #, hangs up, stays silent for
``silence_s`` after speaking (or ``silence_s`` without a word at all: no message), or
``max_s`` is reached. Trailing silence is cut. A kept message (at least ``min_s``) becomes
a mono A-law WAV written by the recorders' writer thread and an entry of the store's
voicemail table (``heard`` false): a box's message-waiting state is its count of unheard
messages (``message_waiting``). Silence comes from firmware.dsp.activity, run per span
only while that span has a caller leaving a message.

The box keeps the unheard counts in memory (``unheard()``, read on the real-time path, e.g.
for an agent's stutter dial tone: ``dial_tone``, firmware.calls.mwi): loaded from the store at
start, counted up as messages are saved, and read again from the store by ``refresh()``,
which the ACD's snapshot calls (console threads only), so messages marked heard from the
console count at the next snapshot.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from firmware.calls.mwi import LISTEN_CODE, DialTones, MessagePlayback
from firmware.clock import FRAME_RATE
from firmware.dsp.activity import ActivityDetector
from firmware.dsp.g711 import alaw_decode_float
from firmware.store.config import ConfigError, register_section
from firmware.store.sections import check_keys, check_number

VOICEMAIL_DEFAULTS = {"max_s": 120.0, "silence_s": 5.0, "min_s": 1.0}
GREETING, BEEP, SAVED, GOODBYE = "vm-intro", "beep", "vm-msgsaved", "vm-goodbye"


def validate_voicemail(section: dict) -> None:
    check_keys(section, VOICEMAIL_DEFAULTS, "voicemail")
    for name, value in section.items():
        check_number(value, f"voicemail.{name}", 0.5, 3600)
    merged = {**VOICEMAIL_DEFAULTS, **section}
    if merged["min_s"] >= merged["max_s"]:
        raise ConfigError("voicemail.min_s", "must be shorter than max_s")


register_section("voicemail", VOICEMAIL_DEFAULTS, validate_voicemail)


def message_waiting(store, boxes=()) -> dict[str, int]:
    """Unheard messages per box (every box named in ``boxes`` appears, with 0 if none)."""
    counts = {box: 0 for box in boxes}
    for record in store.records("voicemail"):
        if not record.get("heard"):
            counts[record["mailbox"]] = counts.get(record["mailbox"], 0) + 1
    return counts


@dataclass(eq=False)
class _Message:
    leg: object
    box: str
    recording: bool = False
    chunks: list = field(default_factory=list)
    frames: int = 0
    spoke: bool = False


class Voicemail:
    def __init__(self, center, settings: dict | None = None):
        self.center = center
        self.settings = {**VOICEMAIL_DEFAULTS, **(settings or {})}
        validate_voicemail(self.settings)
        self.active: dict[tuple[int, int], _Message] = {}
        self._detectors: dict[int, ActivityDetector] = {}
        self._unheard: dict[str, int] = message_waiting(center.store) if center.store is not None else {}
        self._tones = DialTones()
        self._playback = MessagePlayback(self)
        center.acd.unheard_messages = self.refresh

    # -- message waiting ------------------------------------------------------------------------
    def unheard(self) -> dict[str, int]:
        """Unheard messages per box, from memory (no disk access)."""
        return self._unheard

    def refresh(self) -> dict[str, int]:
        """Unheard messages per box read from the store (not on the real-time path)."""
        if self.center.store is not None:
            self._unheard = message_waiting(self.center.store)
        return self._unheard

    def heard(self, box: str, count: int) -> None:
        """``count`` of the box's messages were heard on the agent's phone."""
        self._unheard = {**self._unheard, box: max(0, self._unheard.get(box, 0) - count)}

    def listen(self, leg) -> bool:
        """A feature call dialled LISTEN_CODE: play the agent's messages (False if it is
        another code, or no agent has this phone)."""
        box = self.agent_of_phone(leg.ani)
        if leg.digits.rstrip("#") != LISTEN_CODE or not box or self.center.store is None:
            return False
        self._playback.start(leg, box)
        return True

    def agent_of_phone(self, phone: str) -> str:
        """The agent signed in at ``phone``, else the agent whose configured extension it is."""
        acd = self.center.acd
        agent = acd.agent_at(phone) or next((a for a in acd.agents.values() if a.extension == phone), None)
        return agent.agent if agent is not None else ""

    def dial_tone(self, leg) -> None:
        """An agent's phone called the feature number: stutter dial tone if the agent's box has
        unheard messages, else the steady one, until the first key (``stop_playing``)."""
        box = self.agent_of_phone(leg.ani)
        waiting = self._unheard.get(box, 0) > 0 if box else False
        self._tones.play(self.center.players[leg.span], leg.ts, waiting,
                         still_wanted=lambda: leg.phase == "feature" and not leg.digits)

    def boxes(self) -> list[str]:
        """Every box: one per queue, one per agent."""
        return sorted(self.center.acd.queues) + sorted(self.center.acd.agents)

    def start(self, leg, box: str) -> None:
        center = self.center
        if box not in self.boxes():
            center.play(leg, ["ss-noservice", GOODBYE], then=lambda: center.hang_up(leg))
            leg.phase = "ending"
            return
        leg.phase, leg.disposition = "voicemail", "VOICEMAIL"
        message = self.active[leg.endpoint] = _Message(leg, box)
        own = f"vm/greeting-{box}"
        greeting = own if center.prompts.path_of(own) is not None else GREETING
        center.play(leg, [greeting, BEEP], then=lambda: self._record(message))

    def _record(self, message: _Message) -> None:
        if self.active.get(message.leg.endpoint) is not message:
            return
        message.recording = True
        span, ts = message.leg.endpoint
        detector = self._detectors.setdefault(span, ActivityDetector(32))
        detector.reset(ts)

    # -- per block (real-time path: copies, and one activity pass per span with messages) ----
    def block(self, span: int, voice: np.ndarray) -> None:
        recording = [m for (s, _), m in self.active.items() if s == span and m.recording]
        if not recording:
            return
        detector = self._detectors[span]
        detector.process(alaw_decode_float(voice))
        silence = self.settings["silence_s"] * 1000
        for message in recording:
            ts = message.leg.ts
            message.chunks.append(voice[ts].copy())
            message.frames += voice.shape[1]
            message.spoke |= bool(detector.active[ts])
            if message.frames >= self.settings["max_s"] * FRAME_RATE:
                self.finish(message.leg, "max length")
            elif detector.silent_ms[ts] >= silence:
                self.finish(message.leg, "silence")

    def key(self, leg, key: str) -> None:
        if key == "#":
            self.finish(leg, "#")

    # -- the end of a message ---------------------------------------------------------------
    def finish(self, leg, why: str, caller_gone: bool = False) -> None:
        """End the message (``why`` for the log); save it if it is long enough."""
        message = self.active.pop(leg.endpoint, None)
        if message is None:
            return
        center = self.center
        saved = self._save(message)
        if caller_gone:
            return
        leg.phase = "ending"
        center.play(leg, [SAVED, GOODBYE] if saved else [GOODBYE], then=lambda: center.hang_up(leg))

    def _save(self, message: _Message) -> bool:
        if not message.spoke or not message.chunks:
            return False
        audio = np.concatenate(message.chunks)
        span, ts = message.leg.endpoint
        detector = self._detectors.get(span)
        if detector is not None:
            audio = audio[: max(0, audio.size - int(detector.silent_ms[ts]) * FRAME_RATE // 1000)]
        if audio.size < self.settings["min_s"] * FRAME_RATE:
            return False
        center, leg = self.center, message.leg
        created = center.wall.at(center.clock.now)
        path = center.data_dir / "voicemail" / message.box / f"{leg.call_id}.wav"
        center.recorders.write_file(path, audio)
        if center.store is not None:
            center.store.submit("voicemail", {"created": created, "mailbox": message.box, "caller": leg.ani,
                                              "path": str(path), "duration": audio.size / FRAME_RATE,
                                              "heard": False, "call_id": leg.call_id})
        self._unheard = {**self._unheard, message.box: self._unheard.get(message.box, 0) + 1}
        return True
