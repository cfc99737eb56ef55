"""Threshold alarms over a live snapshot: service level, long waits, spans in alarm, disk space.

``check(snapshot, thresholds, disk)`` is a pure function: the alarms active in one snapshot
(engine / ACD ``snapshot()`` dict, see wallboard.py for the fields read). ``AlarmLog`` keeps
the active set between snapshots and writes each raise and clear to the log once, so the
console can show the active ones and the log keeps their history.

    service level    a queue's SL today below its target, once at least ``sl_min_calls`` calls
                     left the queue (a single slow call at 8:00 is not an alarm)
    long wait        a queue's longest waiting caller has waited over ``longest_wait_s``
    span             a span with any alarm (RED/YELLOW/BLUE, LOS, AIS ...) or no cable
    disk             free space of the data directory below ``disk_free_min`` of its size
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field

from firmware.reports.wallboard import entries, queue_view

log = logging.getLogger("e1desk.alarms")


@dataclass(frozen=True)
class Thresholds:
    sl_target: float = 0.80
    sl_min_calls: int = 5
    longest_wait_s: float = 60.0
    disk_free_min: float = 0.10
    queue_sl_targets: dict = field(default_factory=dict)     # queue -> its own SL target

    @classmethod
    def from_config(cls, section: dict | None) -> "Thresholds":
        alarms = dict((section or {}).get("alarms") or {})
        known = {k: alarms[k] for k in ("sl_target", "sl_min_calls", "longest_wait_s", "disk_free_min",
                                         "queue_sl_targets") if k in alarms}
        return cls(**known)


@dataclass(frozen=True)
class Alarm:
    key: str                           # stable identity: "sl:support", "wait:support", "span:1", "disk"
    message: str


def check(snapshot: dict, thresholds: Thresholds, disk: dict | None = None) -> list[Alarm]:
    """The alarms active in a snapshot; ``disk`` is {"total": bytes, "free": bytes} or None."""
    alarms: list[Alarm] = []
    for q in map(queue_view, entries(snapshot.get("queues"), "queue")):
        target = thresholds.queue_sl_targets.get(q["queue"], thresholds.sl_target)
        if q["sl"] is not None and q["left"] >= thresholds.sl_min_calls and q["sl"] < target:
            alarms.append(Alarm(f"sl:{q['queue']}", f"queue {q['queue']}: service level {q['sl']:.1%} "
                                                    f"below target {target:.0%}"))
        if q["longest_wait_s"] is not None and q["longest_wait_s"] > thresholds.longest_wait_s:
            alarms.append(Alarm(f"wait:{q['queue']}", f"queue {q['queue']}: a caller has waited "
                                                      f"{q['longest_wait_s']:.0f} s (limit {thresholds.longest_wait_s:g} s)"))
    for span in snapshot.get("spans") or []:
        names = list(span.get("alarms") or [])
        if span.get("connected") is False and "no cable" not in names:
            names.append("no cable")
        if names:
            alarms.append(Alarm(f"span:{span.get('span')}", f"span {span.get('span')}: {', '.join(names)}"))
    if disk and disk.get("total"):
        free = disk["free"] / disk["total"]
        if free < thresholds.disk_free_min:
            alarms.append(Alarm("disk", f"disk nearly full: {free:.1%} free "
                                        f"({disk['free'] // 2**20} MiB; limit {thresholds.disk_free_min:.0%})"))
    return alarms


def disk_usage(path) -> dict | None:
    """{"total", "free"} bytes of the file system holding ``path`` (None if it cannot be read)."""
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None
    return {"total": usage.total, "free": usage.free}


class AlarmLog:
    """The active alarms between snapshots; each raise and clear is logged once."""

    def __init__(self, logger: logging.Logger = log):
        self.active: dict[str, Alarm] = {}
        self.logger = logger

    def update(self, alarms: list[Alarm]) -> tuple[list[Alarm], list[Alarm]]:
        """Take the alarms of a new snapshot; returns (raised, cleared) since the last one."""
        now = {a.key: a for a in alarms}
        raised = [a for k, a in now.items() if k not in self.active]
        cleared = [a for k, a in self.active.items() if k not in now]
        for alarm in raised:
            self.logger.warning("ALARM %s", alarm.message)
        for alarm in cleared:
            self.logger.info("CLEARED %s", alarm.message)
        self.active = now
        return raised, cleared
