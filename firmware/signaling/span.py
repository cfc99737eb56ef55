"""R2Span: the MFC/R2 block handler of one CAS span (engine handler, or driven by the rig).

Per received block, vectorised where it matters:
  1. alarms: entering or leaving alarm blocks or unblocks every channel towards the far end;
  2. ABCD: one numpy compare finds the channels whose AB bits differ from the debounced
     state; a change must persist ``debounce`` (Q.421 recognition time) before the
     channel's line state machine sees it; shorter glitches are logged and dropped;
  3. MF: the DSP core's MfReceiver runs only on the channels in the register phase, one
     receiver per direction over just those rows (A-law decoded by table lookup);
  4. timers: one deadline per channel, in line frames, compared in one go;
  5. MF out: MfSender tones are encoded into the rows of the channels in register phase.
Per-call Python runs only in the state machines (channel.py, register.py).

Time is this span's own line: ``now`` counts the frames received on it. Nothing here
blocks, touches disk or the console; traces are kept in memory (bounded).
"""
from __future__ import annotations

from collections import deque

import numpy as np

from drivers.base import RxBlock, Span
from firmware.dsp.g711 import ALAW_TO_FLOAT
from firmware.dsp.mf import MfReceiver, MfSender
from firmware.signaling.calls import Call, Listener
from firmware.signaling.channel import R2Channel
from firmware.signaling.line import IDLE
from firmware.signaling.options import FRAMES_PER_MS, R2Options
from firmware.signaling.register import ForwardRegister

NEVER = np.iinfo(np.int64).max
NO_PENDING = 0xFF
DIRECTIONS = ("forward", "backward")


class NoChannel(RuntimeError):
    """No idle, unblocked channel is free for an outgoing call."""


class R2Span:
    def __init__(self, span: Span, options: R2Options, listener: Listener | None = None,
                 history: int = 256):
        self.span = span
        self.number = span.config.span
        self.options = options
        self.listener = listener
        self.timeslots = np.array(span.config.voice_timeslots(), dtype=np.intp)
        self.now = 0
        self.in_alarm = False
        self.stats = {"calls_in": 0, "calls_out": 0, "protocol_errors": 0, "glitches": 0}
        self._debounce = options.frames("debounce")
        self._stable = np.full(32, IDLE, np.uint8)
        self._pending = np.full(32, NO_PENDING, np.uint8)
        self._pending_since = np.zeros(32, np.int64)
        self._deadline = np.full(32, NEVER, np.int64)
        self._next_deadline = NEVER                 # earliest armed deadline (a block's one check)
        self._timer_name: list[str | None] = [None] * 32
        self._quiet_line: bytes | None = None       # last ABCD block, when it left nothing pending
        self._senders = {d: MfSender(32, d) for d in DIRECTIONS}
        self._owned: dict[str, list[int]] = {d: [] for d in DIRECTIONS}   # rows whose audio is ours
        self._receivers = {d: MfReceiver(0, d) for d in DIRECTIONS}
        self._listening: dict[str, list[int]] = {d: [] for d in DIRECTIONS}
        self.history: deque[Call] = deque(maxlen=history)
        self.log: deque[tuple[int, int, str]] = deque(maxlen=1000)       # (frame, ts, text) outside calls
        self.channels = {int(ts): R2Channel(self, int(ts)) for ts in self.timeslots}
        for ts in self.channels:
            self.send_ab(ts, IDLE)

    def reconfigured(self) -> None:
        """Options were replaced (console): pick up the ones read per block."""
        self._debounce = self.options.frames("debounce")

    # -- engine handler -----------------------------------------------------------------
    def __call__(self, span_number: int, rx: RxBlock, tx_voice: np.ndarray) -> None:
        if span_number == self.number:
            self.process(rx, tx_voice)

    def process(self, rx: RxBlock, tx_voice: np.ndarray) -> None:
        self.now += rx.frames
        if rx.alarms.ok == self.in_alarm:          # the alarm state changes (rare): say why
            self.set_alarm(not rx.alarms.ok, ",".join(rx.alarms.names()))
        ab = (rx.abcd >> 2) & 0b11
        if self.in_alarm:
            self._line_during_alarm(ab)
        else:
            self._line(ab)
        self._receive_tones(rx.voice)
        self._fire_timers()
        self._send_tones(tx_voice, rx.frames)

    def set_alarm(self, active: bool, why: str = "") -> None:
        """Span alarm on or off (from each block, or from a watchdog when no block comes)."""
        if active == self.in_alarm:
            return
        self.in_alarm = active
        self._quiet_line = None
        self.log.append((self.now, 0, f"span alarm raised: {why}" if active else "span alarm cleared"))
        for channel in self.channels.values():
            channel.on_alarm(active)

    def _line(self, ab: np.ndarray) -> None:
        raw = ab.tobytes()
        if raw == self._quiet_line:             # as last block, and nothing was pending then
            return
        self._quiet_line = None
        self._line_changes(ab)
        if not (self._pending[self.timeslots] != NO_PENDING).any():
            self._quiet_line = raw

    def _line_changes(self, ab: np.ndarray) -> None:
        ts = self.timeslots
        current, stable, pending = ab[ts], self._stable[ts], self._pending[ts]
        differs = current != stable
        if not differs.any() and not (pending != NO_PENDING).any():
            return
        glitched = ~differs & (pending != NO_PENDING)
        for t in ts[glitched]:
            self.stats["glitches"] += 1
            self.channel_log(int(t), f"ABCD glitch {int(self._pending[t]):02b} shorter than the debounce: ignored")
        self._pending[ts[~differs]] = NO_PENDING
        persisted = differs & (current == pending) & (self.now - self._pending_since[ts] >= self._debounce)
        if self._debounce == 0:
            persisted = differs
        fresh = differs & ~persisted & (current != pending)
        self._pending[ts[fresh]] = current[fresh]
        self._pending_since[ts[fresh]] = self.now
        for t in ts[persisted]:
            t = int(t)
            self._stable[t] = ab[t]
            self._pending[t] = NO_PENDING
            self.channels[t].on_line(int(ab[t]))

    def _line_during_alarm(self, ab: np.ndarray) -> None:
        ts = self.timeslots
        changed = ts[ab[ts] != self._stable[ts]]
        for t in changed:
            t = int(t)
            what = "seizure" if ab[t] == 0 else "ABCD change"
            self.channel_log(t, f"{what} ({int(ab[t]):02b}) during span alarm: ignored")
            self._stable[t] = ab[t]
            self.channels[t].rx = int(ab[t])
        self._pending[ts] = NO_PENDING

    def _receive_tones(self, voice: np.ndarray) -> None:
        for direction in DIRECTIONS:
            rows = self._listening[direction]
            if not rows:
                continue
            order = list(rows)
            events = self._receivers[direction].process(ALAW_TO_FLOAT.take(voice[order]))
            for event in events:
                ts = order[event.channel]
                if ts in self._listening[direction]:
                    self.channels[ts].on_tone(int(event.signal), event.kind == "start")

    def _fire_timers(self) -> None:
        if self.now < self._next_deadline:
            return
        due = np.flatnonzero(self._deadline <= self.now)
        for t in due:
            t = int(t)
            if self._deadline[t] > self.now:
                continue                          # re-armed by an earlier callback
            name = self._timer_name[t]
            self._deadline[t], self._timer_name[t] = NEVER, None
            self.channels[t].on_timer(name)
        self._next_deadline = int(self._deadline.min())

    def _send_tones(self, tx_voice: np.ndarray, frames: int) -> None:
        for direction in DIRECTIONS:
            rows = self._owned[direction]
            if not rows:
                continue
            tx_voice[rows] = self._senders[direction].generate_alaw(frames, rows)

    # -- what channels ask of the span ---------------------------------------------------
    def send_ab(self, ts: int, ab: int) -> None:
        self.span.set_abcd(ts, (ab << 2) | self.options.variant.cd_bits)

    def tone(self, ts: int, direction: str, signal: int, pulse: bool = False) -> None:
        sender = self._senders[direction]
        if not signal:
            sender.stop(ts)
        elif pulse:
            sender.pulse(ts, signal, self.options.frames("pulse") / FRAMES_PER_MS)
        else:
            sender.start(ts, signal)

    def listen(self, ts: int, direction: str | None) -> None:
        """Start MF reception on ``ts`` in ``direction`` (and own its audio), or stop (None)."""
        for d in DIRECTIONS:
            rows = self._listening[d]
            if ts in rows:
                index = rows.index(ts)
                self._receivers[d].remove([index])
                rows.pop(index)
        for d in DIRECTIONS:
            self._senders[d].stop(ts)
            if ts in self._owned[d]:
                self._owned[d].remove(ts)
        if direction is None:
            return
        receiver = self._receivers[direction]
        rows = self._listening[direction]
        rows.append(ts)
        receiver.resize(len(rows))
        receiver.reset(len(rows) - 1)
        self._owned["backward" if direction == "forward" else "forward"].append(ts)

    def set_timer(self, ts: int, name: str | None) -> None:
        if name is None:
            self._deadline[ts], self._timer_name[ts] = NEVER, None
        else:
            self._deadline[ts], self._timer_name[ts] = self.now + self.options.frames(name), name
            self._next_deadline = min(self._next_deadline, int(self._deadline[ts]))

    def emit(self, event: str, call: Call) -> None:
        call.events.append(event)
        if self.listener is not None:
            try:
                self.listener(event, call)
            except Exception as exc:           # the call logic's bug must not stop signalling
                call.trace.append((self.now, f"listener error on {event}: {exc!r}"))

    def archive(self, call: Call) -> None:
        call.pack_trace()
        self.history.append(call)

    def channel_log(self, ts: int, text: str) -> None:
        self.log.append((self.now, ts, text))

    def count(self, what: str) -> None:
        self.stats[what] += 1

    # -- API for the call layer and the console -------------------------------------------
    def place_call(self, dnis: str, ani: str = "", category: str | None = None, ts: int | None = None) -> Call:
        """Seize a free channel and call ``dnis``; progress comes as listener events."""
        reg = ForwardRegister(self.options.variant, dnis, ani, category or self.options.category)
        if ts is None:
            order = list(self.channels) if self.options.hunt == "low" else list(reversed(list(self.channels)))
            ts = next((t for t in order if self._free(t)), None)
            if ts is None:
                raise NoChannel(f"span {self.number}: no idle, unblocked channel for an outgoing call")
        elif ts not in self.channels or not self._free(ts):
            raise NoChannel(f"span {self.number}: TS{ts} is not an idle, unblocked voice channel")
        call = Call(self.number, ts, "out", dnis=dnis, ani=ani, category=category or self.options.category)
        self.stats["calls_out"] += 1
        self.channels[ts].start_call(call, reg)
        return call

    def _free(self, ts: int) -> bool:
        channel = self.channels[ts]
        return channel.state == "idle" and not channel.far_blocked and self._stable[ts] == IDLE

    def block(self, ts: int) -> None:
        self.channels[ts].block()

    def unblock(self, ts: int) -> None:
        self.channels[ts].unblock()

    def idle_channels(self) -> list[int]:
        return [ts for ts in self.channels if self._free(ts)]

    def all_idle(self) -> bool:
        """Every channel idle, sending idle, with no call, tone or timer (tests, shutdown)."""
        return all(c.state == "idle" and c.call is None and self.span.tx_abcd[t] >> 2 == IDLE
                   for t, c in self.channels.items()) and not any(self._listening.values()) \
            and bool((self._deadline == NEVER).all())

    def active_calls(self) -> list[Call]:
        return [c.call for c in self.channels.values() if c.call is not None]

    def traces(self, ts: int | None = None, last: int = 20) -> list[dict]:
        calls = [c for c in list(self.history) + self.active_calls() if ts is None or c.ts == ts]
        calls.sort(key=lambda c: c.seized_at)
        return [c.as_dict() for c in calls[-last:]]

    def snapshot(self) -> dict:
        return {"span": self.number, "variant": self.options.variant.name, "alarm": self.in_alarm,
                "now": self.now, "stats": dict(self.stats),
                "channels": [{"ts": t, "state": c.state, "rx": f"{c.rx:02b}",
                              "tx": f"{int(self.span.tx_abcd[t]):04b}", "far_blocked": c.far_blocked,
                              "call": c.call.as_dict(with_trace=False) if c.call else None}
                             for t, c in self.channels.items()],
                "log": [{"frame": f, "ts": t, "text": x} for f, t, x in list(self.log)[-50:]]}
