"""Raw E1 alarm conditions and the debounced DAHDI colours, timed in line frames (8000/s).

Raw conditions (names as in ``e1desk e1 decode``): LOS (no signal), LOF (no frame alignment),
AIS (all ones received), RAI (remote alarm indication: A bit set), LMFA (loss of the TS16 CAS
multiframe). The receiver reports each change with the frame time it happened.

Colours (DAHDI's grouping, what ``drivers.base.SpanAlarms`` carries):
  RED    = LOS, LOF or LMFA present, and no AIS (AIS explains the loss: the far end says so)
  BLUE   = AIS present
  YELLOW = RAI present
A colour is raised after its input has been present continuously for 2.5 s (RED, BLUE) or
0.5 s (YELLOW), as DAHDI's E1 drivers debounce them, and cleared after its input has been
absent continuously for 5 s (RED, BLUE: DAHDI_ALARMSETTLE_TIME, the "recovering" period of
DAHDI's drivers) or 0.5 s (YELLOW). Times are counted in frames, never on the host clock.
While a colour is not yet raised, a gap in its input shorter than ``BRIDGE_FRAMES`` does not
restart the 2.5 s: random data on a line (no frame alignment) aligns falsely for a frame or
two now and then, and a real card still goes RED on it (the defect is integrated, as
ANSI T1.231 integrates LOF into RED).

Events: "LOS", "LOS cleared", ... for conditions; "RED", "RED cleared", ... for colours.
"""
from __future__ import annotations

from drivers.base import CONDITIONS, FRAME_RATE, SpanAlarms

SET_FRAMES = {"RED": int(2.5 * FRAME_RATE), "BLUE": int(2.5 * FRAME_RATE), "YELLOW": int(0.5 * FRAME_RATE)}
CLEAR_FRAMES = {"RED": 5 * FRAME_RATE, "BLUE": 5 * FRAME_RATE, "YELLOW": int(0.5 * FRAME_RATE)}
COLOURS = ("RED", "YELLOW", "BLUE")
BRIDGE_FRAMES = int(0.1 * FRAME_RATE)


def colour_inputs(conditions: set[str]) -> dict[str, bool]:
    """Which colours the raw conditions ask for right now."""
    ais = "AIS" in conditions
    return {
        "RED": bool(conditions & {"LOS", "LOF", "LMFA"}) and not ais,
        "BLUE": ais,
        "YELLOW": "RAI" in conditions,
    }


class AlarmTracker:
    """Holds the raw conditions and debounces the colours; events are (frame time, name)."""

    def __init__(self, initial: set[str] | None = None, now: int = 0) -> None:
        self.conditions: set[str] = set(initial or ())
        self.colours = {name: False for name in COLOURS}
        inputs = colour_inputs(self.conditions)
        self._since = {name: now for name in COLOURS}        # frame time the input last changed
        self._gone = {name: None for name in COLOURS}         # frame time a pre-raise run paused
        self._input = inputs
        self.now = now
        self._snapshot: SpanAlarms | None = None

    def advance(self, now: int, events: list[tuple[int, str]]) -> None:
        """Let line time run to frame ``now``, raising/clearing colours whose time came."""
        if self._input == self.colours:
            self.now = max(self.now, now)
            return
        self._snapshot = None
        for name in COLOURS:
            wanted = self._input[name]
            if wanted != self.colours[name]:
                limit = SET_FRAMES[name] if wanted else CLEAR_FRAMES[name]
                due = self._since[name] + limit
                if due <= now:
                    self.colours[name] = wanted
                    events.append((due, name if wanted else f"{name} cleared"))
        self.now = max(self.now, now)

    def set(self, condition: str, present: bool, now: int, events: list[tuple[int, str]]) -> None:
        """Record that raw ``condition`` became present/absent at frame ``now``."""
        if condition not in CONDITIONS:
            raise ValueError(f"alarm condition: unknown name {condition!r}")
        if (condition in self.conditions) == present:
            return
        self.advance(now, events)
        self._snapshot = None
        if present:
            self.conditions.add(condition)
        else:
            self.conditions.discard(condition)
        events.append((now, condition if present else f"{condition} cleared"))
        inputs = colour_inputs(self.conditions)
        for name in COLOURS:
            if inputs[name] == self._input[name]:
                continue
            self._input[name] = inputs[name]
            if self.colours[name]:
                self._since[name] = now                        # raised: the clear time starts
            elif not inputs[name]:
                self._gone[name] = now                         # not raised yet: the run pauses
            else:
                gone = self._gone[name]
                if gone is None or now - gone >= BRIDGE_FRAMES:
                    self._since[name] = now                    # a new run (a short gap continues it)
                self._gone[name] = None

    def snapshot(self) -> SpanAlarms:
        """The state now (the same object until something changes: treat it as read-only)."""
        if self._snapshot is None:
            self._snapshot = SpanAlarms(red=self.colours["RED"], yellow=self.colours["YELLOW"],
                                        blue=self.colours["BLUE"], detail=frozenset(self.conditions))
        return self._snapshot
