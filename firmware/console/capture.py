"""Send what click commands print to the console session that runs them, not to the daemon's stdout.

``install()`` replaces sys.stdout/sys.stderr by proxies that write to a per-thread target
when one is set (``capture()`` in the console thread) and to the original stream otherwise,
so other threads of the daemon are not affected; ``uninstall()`` puts the originals back
once every ``install()`` has been matched.
"""
from __future__ import annotations

import contextlib
import io
import sys
import threading

_local = threading.local()
_lock = threading.Lock()


class _ThreadStream(io.TextIOBase):
    def __init__(self, original, name: str):
        self._original = original
        self._name = name

    def _target(self):
        return getattr(_local, self._name, None) or self._original

    @property
    def encoding(self):
        return "utf-8"

    @property
    def errors(self):
        return "replace"

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        return self._target().write(text)

    def flush(self) -> None:
        target = self._target()
        if hasattr(target, "flush"):
            target.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._original.fileno()


_installs = 0


def install() -> None:
    global _installs
    with _lock:
        _installs += 1
        if not isinstance(sys.stdout, _ThreadStream):
            sys.stdout = _ThreadStream(sys.stdout, "stdout")
        if not isinstance(sys.stderr, _ThreadStream):
            sys.stderr = _ThreadStream(sys.stderr, "stderr")


def uninstall() -> None:
    global _installs
    with _lock:
        _installs = max(0, _installs - 1)
        if _installs == 0:
            for name in ("stdout", "stderr"):
                stream = getattr(sys, name)
                if isinstance(stream, _ThreadStream):
                    setattr(sys, name, stream._original)


@contextlib.contextmanager
def capture():
    """Within the block, this thread's prints go to the returned StringIO (stdout and stderr)."""
    install()
    buffer = io.StringIO()
    _local.stdout = _local.stderr = buffer
    try:
        yield buffer
    finally:
        _local.stdout = _local.stderr = None
        uninstall()
