"""Per-span R2 settings: variant, digit counts, timers, glare and hunting policy.

Built from a plain mapping (a board profile's ``[span.r2]`` table, or console input) by
``R2Options.from_mapping``, which names the field and the reason of every problem and
returns nothing half-built. Timers are given in milliseconds and kept in line frames
(8 per ms): every R2 timer counts frames of the line, never the host clock.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from firmware.signaling.variants import VARIANTS, Variant, get_variant

FRAMES_PER_MS = 8

#: timer name -> (default ms, what it bounds)
TIMERS = {
    "seize_ack": (5000, "forward: seize sent, waiting for seize acknowledge"),
    "fwd_signal": (15000, "forward: a register signal sent, waiting for the backward answer"),
    "back_cycle": (5000, "backward: waiting for the next forward signal (end of DNIS when the variant has no I-15)"),
    "compelled": (15000, "either side: a signal sent, waiting for the far end to stop its own"),
    "decision": (4000, "backward: call offered, waiting for the call logic to accept or reject"),
    "answer": (60000, "forward: call accepted, waiting for answer"),
    "release": (10000, "forward: clear-forward sent, waiting for the release guard (idle)"),
    "clear_forward": (60000, "backward: clear-back or rejection sent, waiting for clear-forward"),
    "release_guard": (100, "backward: clear-forward received, then idle is sent after this"),
    "answer_delay": (100, "backward: after the last register signal, answer no sooner than this"),
    "pulse": (150, "backward: length of a pulsed signal (resuming after a timeout)"),
    "debounce": (20, "a received AB change must persist this long (Q.421 recognition time)"),
}


class OptionsError(ValueError):
    """A bad R2 setting: names the field and the reason."""

    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class R2Options:
    variant: Variant
    max_dnis: int = 4                 # DNIS digits to collect (fewer if the far end ends them)
    max_ani: int = 10                 # ANI digits to ask for (0 = do not ask for ANI)
    ani_first: bool | None = None     # None = the variant's default
    glare: str = "yield"              # "yield": drop our seizure, take the incoming call; "keep"
    hunt: str = "low"                 # outgoing channel choice: "low" or "high" timeslots first
    category: str = "national"        # default calling party category of outgoing calls
    timers_ms: tuple[tuple[str, int], ...] = ()

    # -- reading ---------------------------------------------------------------------------
    def frames(self, timer: str) -> int:
        return dict(self.timers_ms).get(timer, TIMERS[timer][0]) * FRAMES_PER_MS

    @property
    def asks_ani_first(self) -> bool:
        return self.variant.ani_first if self.ani_first is None else self.ani_first

    def as_dict(self) -> dict:
        return {"variant": self.variant.name, "max_dnis": self.max_dnis, "max_ani": self.max_ani,
                "ani_first": self.asks_ani_first, "glare": self.glare, "hunt": self.hunt,
                "category": self.category,
                "timers_ms": {name: self.frames(name) // FRAMES_PER_MS for name in TIMERS}}

    # -- building --------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, raw: dict, where: str = "r2", default_variant: str = "itu") -> "R2Options":
        """Validate a mapping such as {"variant": "china", "max_dnis": 6, "timers_ms": {...}}."""
        if not isinstance(raw, dict):
            raise OptionsError(where, "must be a table")
        known = {f.name for f in fields(cls)}
        for key in raw:
            if key not in known:
                raise OptionsError(f"{where}.{key}", f"unknown setting (expected one of {', '.join(sorted(known))})")
        try:
            variant = get_variant(raw.get("variant", default_variant))
        except ValueError:
            raise OptionsError(f"{where}.variant", f"{raw.get('variant')!r} is not one of {', '.join(VARIANTS)}") from None
        values: dict = {"variant": variant}
        for key, low, high in (("max_dnis", 1, 40), ("max_ani", 0, 40)):
            if key in raw:
                value = raw[key]
                if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                    raise OptionsError(f"{where}.{key}", f"{value!r} is not a whole number in {low}..{high}")
                values[key] = value
        if "ani_first" in raw:
            if not isinstance(raw["ani_first"], bool):
                raise OptionsError(f"{where}.ani_first", f"{raw['ani_first']!r} is not true or false")
            values["ani_first"] = raw["ani_first"]
        for key, choices in (("glare", ("yield", "keep")), ("hunt", ("low", "high"))):
            if key in raw:
                if raw[key] not in choices:
                    raise OptionsError(f"{where}.{key}", f"{raw[key]!r} is not one of {', '.join(choices)}")
                values[key] = raw[key]
        if "category" in raw:
            if raw["category"] not in variant.categories.values():
                raise OptionsError(f"{where}.category", f"{raw['category']!r} is not a {variant.name} category "
                                   f"({', '.join(variant.categories.values())})")
            values["category"] = raw["category"]
        timers = raw.get("timers_ms", {})
        if not isinstance(timers, dict):
            raise OptionsError(f"{where}.timers_ms", "must be a table of timer = milliseconds")
        checked = []
        for name, value in timers.items():
            if name not in TIMERS:
                raise OptionsError(f"{where}.timers_ms.{name}", f"unknown timer (expected one of {', '.join(TIMERS)})")
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 600000:
                raise OptionsError(f"{where}.timers_ms.{name}", f"{value!r} is not a whole number of ms in 0..600000")
            checked.append((name, value))
        values["timers_ms"] = tuple(checked)
        return cls(**values)

    def with_timers(self, **timers_ms: int) -> "R2Options":
        """A copy with some timers changed (validated like from_mapping)."""
        merged = dict(self.timers_ms) | timers_ms
        raw = {"variant": self.variant.name, "timers_ms": merged}
        checked = R2Options.from_mapping(raw).timers_ms
        return replace(self, timers_ms=checked)
