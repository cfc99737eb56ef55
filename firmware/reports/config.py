"""The ``reports`` configuration section: KPI thresholds, time zone, alarm thresholds.

    [reports]
    sl_threshold_s = 15        # service level: answered within this many seconds
    short_abandon_s = 5        # abandoned sooner than this is a short abandon
    tz = "UTC"                 # time zone of reports: UTC, +08:00, Asia/Shanghai
    [reports.alarms]
    sl_target = 0.8            # alarm when a queue's service level today falls below
    sl_min_calls = 5           # ... once this many calls have left the queue
    longest_wait_s = 60        # alarm when a caller has waited longer
    disk_free_min = 0.1        # alarm when less than this share of the disk is free

``register()`` adds the section to the store's configuration registry (importing this module
does it once); report commands take their defaults from the running configuration.
"""
from __future__ import annotations

import logging

from firmware.reports.intervals import parse_tz
from firmware.store.config import ConfigError, register_section
from firmware.store.durable import CorruptFile
from firmware.store.sections import check_int, check_keys, check_number, check_str

log = logging.getLogger(__name__)

ALARMS = {"sl_target": 0.8, "sl_min_calls": 5, "longest_wait_s": 60.0, "disk_free_min": 0.1,
          "queue_sl_targets": {}}
REPORTS = {"sl_threshold_s": 15.0, "short_abandon_s": 5.0, "tz": "UTC", "alarms": ALARMS}


def validate_reports(section: dict) -> None:
    check_keys(section, REPORTS, "reports")
    for name in ("sl_threshold_s", "short_abandon_s"):
        if name in section:
            check_number(section[name], f"reports.{name}", 0, 3600)
    if "tz" in section:
        check_str(section["tz"], "reports.tz", 64)
        try:
            parse_tz(section["tz"])
        except ValueError as exc:
            raise ConfigError("reports.tz", str(exc)) from None
    alarms = section.get("alarms", {})
    if not isinstance(alarms, dict):
        raise ConfigError("reports.alarms", f"expected a table, got {alarms!r}")
    check_keys(alarms, ALARMS, "reports.alarms")
    limits = {"sl_target": (0, 1), "longest_wait_s": (0, 86400), "disk_free_min": (0, 1)}
    for name, (low, high) in limits.items():
        if name in alarms:
            check_number(alarms[name], f"reports.alarms.{name}", low, high)
    if "sl_min_calls" in alarms:
        check_int(alarms["sl_min_calls"], "reports.alarms.sl_min_calls", 0, 100000)
    targets = alarms.get("queue_sl_targets", {})
    if not isinstance(targets, dict):
        raise ConfigError("reports.alarms.queue_sl_targets", f"expected a table, got {targets!r}")
    for queue, target in targets.items():
        check_number(target, f"reports.alarms.queue_sl_targets.{queue}", 0, 1)


def register() -> None:
    register_section("reports", REPORTS, validate_reports)


def section_of(store, name: str) -> dict:
    """A section of the running configuration ({} when unreadable: a report still runs)."""
    try:
        return store.config.section(name)
    except (CorruptFile, ValueError, OSError) as exc:
        log.warning("configuration unreadable, using defaults: %s", exc)
        return {}


def section(store) -> dict:
    """The running ``reports`` section, with defaults for anything missing."""
    found = section_of(store, "reports")
    return {**REPORTS, **found, "alarms": {**ALARMS, **(found.get("alarms") or {})}}


register()
