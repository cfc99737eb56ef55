"""Retention: records and recordings older than the configured days are purged, by a
background job (``RetentionJob``) or on demand (``purge_expired``).

Whole days are dropped at once (a day is one file per table), so a purge costs one file
deletion per expired day. For ``recordings`` and ``voicemail`` the audio files the records
point to are deleted first (only files inside the data directory are ever touched).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)

PURGED_TABLES = ("cdr", "queue_log", "tickets", "recordings", "voicemail", "audit")
FILE_TABLES = ("recordings", "voicemail")


def cutoff_day(days: int, now: dt.datetime | None = None) -> str:
    """The first day (YYYYMMDD) kept when keeping ``days`` days up to and including today."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return (now.date() - dt.timedelta(days=days - 1)).strftime("%Y%m%d")


def purge_expired(store, now: dt.datetime | None = None, user: str = "retention") -> dict[str, int]:
    """Purge every table per the running ``retention`` section; returns records removed per table."""
    retention = store.config.section("retention")
    removed = {}
    for name in PURGED_TABLES:
        days = int(retention.get(name, 0))
        if days <= 0:
            continue
        on_record = _file_deleter(store.root) if name in FILE_TABLES else None
        removed[name] = store.purge_before(name, cutoff_day(days, now), on_record=on_record)
    total = sum(removed.values())
    if total:
        store.audit(user, "retention.purge", ", ".join(f"{t}={n}" for t, n in removed.items() if n),
                    source="daemon").result()
    return removed


def _file_deleter(root: Path):
    root = Path(root).resolve()

    def delete(rec: dict) -> None:
        path = rec.get("path")
        if not path:
            return
        target = (root / path).resolve()
        if root not in target.parents:
            log.warning("retention: not deleting %s (outside the data directory)", target)
            return
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("retention: cannot delete %s: %s", target, exc)
    return delete


class RetentionJob:
    """A thread running ``purge_expired`` every ``retention.purge_interval_s`` seconds."""

    def __init__(self, store, interval: float | None = None):
        self.store = store
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)
        self.last_result: dict | None = None

    def start(self) -> "RetentionJob":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.last_result = purge_expired(self.store)
            except Exception as exc:           # keep the job alive; the next round retries
                log.error("retention purge failed: %s", exc)
            interval = self.interval or self.store.config.section("retention").get("purge_interval_s", 3600)
            self._stop.wait(interval)
