"""The people the rig plays: callers on the network span, agents' phones behind the office PBX.

Both are driven once per block by the rig (``tick(now)``, ``now`` in seconds of the rig's own
line time) and only act on their R2 calls (firmware.signaling's Call, run by hil.r2 on the
rig's side of the line) and on DTMF they send. What they observed is kept for the
expectations: when the box answered, when an agent answered, who cleared, what they heard.

Durations are ``Duration`` samplers: a number (constant), {"exp" = mean},
{"uniform" = [low, high]} or {"normal" = [mean, sd]} (seconds, never below 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BLOCKS_PER_S = 50


class Duration:
    """A random duration in seconds, from its scenario spelling (see module docstring)."""

    KINDS = ("exp", "uniform", "normal")

    def __init__(self, spec, where: str = "duration"):
        self.spec = spec
        if isinstance(spec, bool):
            raise ValueError(f"{where}: expected seconds or a distribution table, got {spec!r}")
        if isinstance(spec, (int, float)):
            if spec < 0:
                raise ValueError(f"{where}: a duration cannot be negative ({spec})")
            self.kind, self.args = "const", (float(spec),)
            return
        if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in self.KINDS:
            raise ValueError(f"{where}: expected seconds, {{exp = MEAN}}, {{uniform = [LOW, HIGH]}} "
                             f"or {{normal = [MEAN, SD]}}, got {spec!r}")
        self.kind, value = next(iter(spec.items()))
        args = value if isinstance(value, list) else [value]
        if not all(isinstance(a, (int, float)) and not isinstance(a, bool) and a >= 0 for a in args) \
                or len(args) != (1 if self.kind == "exp" else 2):
            raise ValueError(f"{where}.{self.kind}: wrong parameters {value!r}")
        self.args = tuple(float(a) for a in args)

    @property
    def mean(self) -> float:
        if self.kind == "uniform":
            return sum(self.args) / 2
        return self.args[0]

    def sample(self, rng: np.random.Generator) -> float:
        if self.kind == "const":
            return self.args[0]
        if self.kind == "exp":
            return float(rng.exponential(self.args[0]))
        if self.kind == "uniform":
            return float(rng.uniform(*self.args))
        return max(0.0, float(rng.normal(*self.args)))


@dataclass
class CallerSpec:
    name: str
    ani: str
    dnis: str = "95105"
    category: str = "national"
    at: float = 1.0                              # seconds of rig time when the caller dials
    dtmf: list[tuple[float, str]] = field(default_factory=list)   # (seconds after the box answers, keys)
    patience: float | None = None                # after its last keys, hang up if no agent by then
    hangup_after: float | None = None            # hang up this long after the box answered, whatever
    talk_hangup: float | None = None             # hang up this long after an agent answered
    survey: str = ""                             # key pressed when asked for a rating ("" = hang up)


class Caller:
    """One caller: dials, keys its script, waits, talks, rates or hangs up; hears everything."""

    def __init__(self, spec: CallerSpec, keep_audio: bool = True):
        self.spec = spec
        self.call = None
        self.state = "waiting"               # waiting, dialing, in_call, done, blocked
        self.placed_at = self.answered_at = self.queued_at = None
        self.connected_at = self.agent_left_at = self.ended_at = None
        self.ended_by = ""                   # caller, box, line
        self.agent_calls: list = []          # the box's calls to agents' phones carrying our ANI
        self.agent_ext = ""
        self.keep_audio = keep_audio
        self.audio: list[np.ndarray] = []
        self.audio_start: float | None = None
        self._script = sorted(spec.dtmf)
        self._survey_done = False

    # -- what the rig calls ----------------------------------------------------------------
    def tick(self, now: float, network) -> None:
        if self.state == "waiting" and now >= self.spec.at:
            try:
                self.call = network.call(self.spec.dnis, ani=self.spec.ani, category=self.spec.category)
            except Exception:                    # no idle channel towards the box
                self.state, self.ended_at, self.ended_by = "blocked", now, "blocked"
                return
            self.state, self.placed_at = "dialing", now
            self.audio_start = now
            return
        if self.state not in ("dialing", "in_call"):
            return
        call = self.call
        if call.state == "ended":
            self._ended(now, "caller" if self.ended_by == "caller" else "box")
            return
        if self.state == "dialing" and call.state == "answered":
            self.state, self.answered_at = "in_call", now
            if not self._script:
                self.queued_at = now
        if self.state != "in_call":
            return
        since_answer = now - self.answered_at
        while self._script and since_answer >= self._script[0][0]:
            _, keys = self._script.pop(0)
            network.send_dtmf(call, keys)
            if not self._script:
                self.queued_at = now
        self._watch_agents(now)
        if self.connected_at is None and self.queued_at is not None and self.spec.patience is not None \
                and now - self.queued_at >= self.spec.patience:
            return self.hang_up(now)
        if self.spec.hangup_after is not None and since_answer >= self.spec.hangup_after:
            return self.hang_up(now)
        if self.connected_at is not None and self.spec.talk_hangup is not None \
                and now - self.connected_at >= self.spec.talk_hangup:
            return self.hang_up(now)
        if self.agent_left_at is not None and not self._survey_done and now - self.agent_left_at >= 1.0:
            self._survey_done = True
            if self.spec.survey:
                network.send_dtmf(call, self.spec.survey)
            else:
                self.hang_up(now)

    def hear(self, voice_row: np.ndarray) -> None:
        if self.keep_audio and self.state in ("dialing", "in_call"):
            self.audio.append(voice_row.copy())

    def hang_up(self, now: float) -> None:
        if self.call is not None and self.call.state != "ended":
            self.ended_by = "caller"
            self.call.clear()

    def line_lost(self, now: float) -> None:
        """The box went away (killed): the call is gone whatever its state."""
        if self.state in ("dialing", "in_call"):
            self._ended(now, "line")

    # -- helpers ------------------------------------------------------------------------------
    def _watch_agents(self, now: float) -> None:
        for call in self.agent_calls:
            if self.connected_at is None and call.state == "answered":
                self.connected_at, self.agent_ext = now, call.dnis
            if call.state == "ended" and call.dnis == self.agent_ext and self.connected_at is not None \
                    and self.agent_left_at is None:
                self.agent_left_at = now

    def _ended(self, now: float, by: str) -> None:
        self.state, self.ended_at = "done", now
        self.ended_by = self.ended_by or by
        if by == "line":
            self.ended_by = "line"

    @property
    def done(self) -> bool:
        return self.state in ("done", "blocked")

    @property
    def wait_s(self) -> float | None:
        """Seconds from the caller's last keys (joining the queue) to an agent's answer."""
        if self.queued_at is None or self.connected_at is None:
            return None
        return self.connected_at - self.queued_at

    def heard(self) -> np.ndarray:
        """Everything heard since the caller seized the line, as A-law codes."""
        return np.concatenate(self.audio) if self.audio else np.zeros(0, np.uint8)


@dataclass
class PhoneSpec:
    extension: str
    ring: Duration = field(default_factory=lambda: Duration(1.0))
    talk: Duration = field(default_factory=lambda: Duration(30.0))
    wrapup: Duration | None = None               # then dial *5# (end wrap-up); None = leave it to the box
    miss: float = 0.0                            # probability of not answering an offered call
    login: bool = True


class Phone:
    """An agent's phone: rings, is answered (or missed), the agent talks and hangs up."""

    def __init__(self, spec: PhoneSpec, rng: np.random.Generator):
        self.spec = spec
        self.rng = rng
        self.active: list = []                    # the box's calls to this phone, not ended yet
        self.offered = 0
        self.missed = 0
        self.anis: list[str] = []                 # the ANI each offered call carried
        self.handled: list[tuple[float, float]] = []    # (answered, ended) of answered calls
        self._talk: dict[int, tuple[float, float]] = {}  # id(call) -> (answered, agent hangs up at)
        self._wrapup_at: float | None = None

    def decide(self, call) -> str:
        if self.active:
            return "busy"
        self.active.append(call)
        self.offered += 1
        self.anis.append(call.ani)
        return "accept"

    def ring_ms(self, call) -> float | None:
        if self.spec.miss > 0 and self.rng.random() < self.spec.miss:
            self.missed += 1
            return None                           # rings until the box gives up
        return self.spec.ring.sample(self.rng) * 1000.0

    def tick(self, now: float, rig) -> None:
        for call in list(self.active):
            key = id(call)
            if call.state == "answered" and key not in self._talk:
                self._talk[key] = (now, now + self.spec.talk.sample(self.rng))
            if call.state == "ended":
                self.active.remove(call)
                talk = self._talk.pop(key, None)
                if talk is not None:
                    self.handled.append((talk[0], now))
                    if self.spec.wrapup is not None:
                        self._wrapup_at = now + self.spec.wrapup.sample(self.rng)
            elif key in self._talk and now >= self._talk[key][1]:
                call.clear()
        if self._wrapup_at is not None and now >= self._wrapup_at:
            self._wrapup_at = None
            rig.feature(self.spec.extension, "*5#")

    def line_lost(self) -> None:
        self.active.clear()
        self._talk.clear()
