"""Time-of-day and holiday matching for the IVR's ``time`` nodes.

A rule is ``{"days": ["mon", "tue", ...], "from": "08:30", "to": "17:30", "goto": target}``:
it matches on those weekdays from ``from`` (inclusive) to ``to`` (exclusive), both "HH:MM"
with from < to (a span over midnight is two rules). Holidays are "YYYY-MM-DD" (that day) or
"MM-DD" (that day every year).
"""
from __future__ import annotations

import datetime as dt
import re

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$")


def minutes(hhmm: str) -> int:
    """"HH:MM" as minutes after midnight; ValueError if it is not one (24:00 allowed)."""
    if not isinstance(hhmm, str) or not _HHMM.match(hhmm):
        raise ValueError(f"expected HH:MM (00:00 .. 24:00), got {hhmm!r}")
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def check_holiday(text: str) -> None:
    """ValueError unless ``text`` is YYYY-MM-DD or MM-DD."""
    try:
        if isinstance(text, str) and len(text) == 5:
            dt.date.fromisoformat("2024-" + text)       # a leap year accepts 02-29
        else:
            dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"expected YYYY-MM-DD or MM-DD, got {text!r}") from None


def is_holiday(when: dt.datetime, holidays: list[str]) -> bool:
    day = when.date().isoformat()
    return day in holidays or day[5:] in holidays


def rule_matches(rule: dict, when: dt.datetime) -> bool:
    now = when.hour * 60 + when.minute
    return DAYS[when.weekday()] in rule["days"] and minutes(rule["from"]) <= now < minutes(rule["to"])
