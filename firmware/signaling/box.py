"""R2Signalling: every R2 span of a running box behind one engine handler.

    r2 = attach(engine, listener, overrides={1: {"max_dnis": 6}})   # after engine.open()
    box.r2 = r2                       # the console's `e1desk r2 ...` commands look here

Spans whose profile protocol is r2-* get an R2Span with that variant; ``overrides`` holds
per-span settings (the same mapping as a profile's r2 table, validated by R2Options).
"""
from __future__ import annotations

from firmware.signaling.calls import Listener
from firmware.signaling.options import OptionsError, R2Options
from firmware.signaling.span import R2Span
from firmware.signaling.variants import PROTOCOLS


class R2Signalling:
    def __init__(self, spans: dict[int, R2Span]):
        self.spans = spans

    def __call__(self, span_number, rx, tx_voice) -> None:
        r2 = self.spans.get(span_number)
        if r2 is not None:
            r2.process(rx, tx_voice)

    def span(self, number: int) -> R2Span:
        if number not in self.spans:
            raise KeyError(f"span {number} runs no R2 signalling (R2 spans: {sorted(self.spans) or 'none'})")
        return self.spans[number]

    def reconfigure(self, number: int, changes: dict) -> R2Options:
        """Apply validated setting changes to a span; calls already up keep their old timers."""
        r2 = self.span(number)
        if "variant" in changes and changes["variant"] != r2.options.variant.name:
            raise OptionsError(f"span {number} r2.variant", "comes from the board profile's protocol; change it there")
        current = r2.options.as_dict()
        merged = {k: current[k] for k in ("variant", "max_dnis", "max_ani", "glare", "hunt", "category")}
        merged["ani_first"] = current["ani_first"]
        merged["timers_ms"] = dict(r2.options.timers_ms) | changes.pop("timers_ms", {})
        merged |= changes
        options = R2Options.from_mapping(merged, where=f"span {number} r2")
        r2.options = options
        r2.reconfigured()
        return options


#: a span that delivered no block for this many frames of the box's clock is in alarm
SILENT_FRAMES = 8000
WATCH_EVERY = 800


def attach(engine, listener: Listener | None = None, overrides: dict[int, dict] | None = None) -> R2Signalling:
    """Create an R2Span for every r2-* span of the engine's profile, register the handler,
    and watch for spans that stop delivering blocks (cable pulled): their calls are
    cleared and channels blocked as for any span alarm. Settings: the profile's ``r2``
    table of the span (when the profile carries one), then ``overrides``."""
    overrides = overrides or {}
    spans = {}
    for config in engine.profile.spans:
        if config.protocol in PROTOCOLS and config.framing == "cas":
            raw = ({"variant": PROTOCOLS[config.protocol]} | dict(getattr(config, "r2", None) or {})
                   | overrides.get(config.span, {}))
            options = R2Options.from_mapping(raw, where=f"span {config.span} r2")
            spans[config.span] = R2Span(engine.slots[config.span].span, options, listener)
    signalling = R2Signalling(spans)
    engine.add_handler(signalling)

    def watch() -> None:
        for number, r2 in spans.items():
            slot = engine.slots[number]
            if not slot.span.connected or engine.clock.now - slot.last_rx >= SILENT_FRAMES:
                r2.set_alarm(True, "no signal from the span")
        engine.clock.call_later(WATCH_EVERY, watch)

    engine.clock.call_later(WATCH_EVERY, watch)
    return signalling
