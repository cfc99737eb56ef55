"""The box has one headset jack: at most one listen-in session runs on it at a time.

``start`` begins a session on a call and returns it (the console command returns at once and
the headset keeps playing until the call ends or ``stop``); ``current`` is the session now
(None when idle or when the last one has ended); ``stop`` ends it and returns its figures.
Prompt recording and playback ask ``busy()`` first so they never fight a listen-in for the
device.
"""
from __future__ import annotations

import threading

from firmware.errors import Failure
from firmware.headset.listen import ListenIn

_lock = threading.Lock()
_session: ListenIn | None = None


def current() -> ListenIn | None:
    session = _session
    return session if session is not None and not session.ended.is_set() else None


def busy() -> str | None:
    """Why the jack cannot be used now (None when it is free)."""
    session = current()
    return f"the headset is monitoring call {session.call_id} (stop it with `monitor --stop`)" if session else None


def start(center, call_id: str, headset, whisper: bool = False) -> ListenIn:
    global _session
    with _lock:
        reason = busy()
        if reason:
            raise Failure(reason)
        _session = ListenIn(center, call_id, headset, whisper=whisper).start()
        return _session


def stop() -> dict | None:
    """Stop the running session (if any); the figures of the last session, None if never."""
    session = _session
    if session is None:
        return None
    session.stop()
    return session.stats()


def last() -> ListenIn | None:
    return _session
