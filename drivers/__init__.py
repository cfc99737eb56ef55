"""Card backends behind one Span interface (drivers.base), found by name in a lazy registry.

    from drivers import open_span, SpanConfig
    span = open_span(SpanConfig(span=1, backend="e1raw", address="unix:/tmp/span1"))

Add a backend by writing a Span subclass and one line in BACKENDS.
"""
from __future__ import annotations

import importlib

from drivers.base import RxBlock, Span, SpanAlarms, SpanConfig, SpanCounters

# backend name -> "module:class"; imported only when a span of that kind is made.
BACKENDS = {
    "e1raw": "drivers.e1raw.span:E1RawSpan",
    "dahdi": "drivers.dahdi.span:DahdiSpan",
}


class UnknownBackend(KeyError):
    pass


def backend_class(name: str) -> type[Span]:
    """The Span class registered under ``name``."""
    try:
        module_name, attr = BACKENDS[name].split(":")
    except KeyError:
        raise UnknownBackend(f"unknown backend {name!r}; known: {', '.join(sorted(BACKENDS))}") from None
    return getattr(importlib.import_module(module_name), attr)


def make_span(config: SpanConfig) -> Span:
    """A Span for ``config``, not yet opened."""
    return backend_class(config.backend)(config)


def open_span(config: SpanConfig) -> Span:
    """A Span for ``config``, opened."""
    span = make_span(config)
    span.open()
    return span


__all__ = ["BACKENDS", "RxBlock", "Span", "SpanAlarms", "SpanConfig", "SpanCounters",
           "UnknownBackend", "backend_class", "make_span", "open_span"]
