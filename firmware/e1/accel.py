"""Optional C helper for the framer's steady path (built by cffi from firmware/e1/_build.py).

``available()`` says whether the compiled module is importable; without it everything runs
in numpy with the same results. Set E1DESK_NO_ACCEL=1 to force the numpy path; ``disabled()``
does the same for objects created inside it (the benchmark measures both in one run).
"""
from __future__ import annotations

import contextlib
import os

try:
    if os.environ.get("E1DESK_NO_ACCEL"):
        raise ImportError("disabled by E1DESK_NO_ACCEL")
    from firmware.e1._e1accel import ffi, lib   # type: ignore[import-not-found]
except ImportError:
    ffi = lib = None

_enabled = True


def available() -> bool:
    """Whether framer objects created now use the C helper (each decides once, when created)."""
    return lib is not None and _enabled


@contextlib.contextmanager
def disabled():
    """Framer objects created inside run on the numpy path for their whole life."""
    global _enabled
    saved, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = saved
