"""The time buckets of a report: 15/30/60-minute intervals, days, ISO weeks, months.

Records are stored in UTC; a manager reads reports in the help desk's local time, so a
report has a time zone (``parse_tz``: "UTC", a fixed offset such as "+08:00", or an IANA
name such as "Asia/Shanghai"). A report covers whole local days ``first..last``; buckets are
labelled by their local start ("2026-11-22 08:15", "2026-11-22", "2026-W47", "2026-11").
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

INTERVALS = ("15", "30", "60", "day", "week", "month")
_OFFSET = re.compile(r"^([+-])(\d{1,2}):?(\d{2})$")


def parse_tz(text: str) -> dt.tzinfo:
    """A time zone from "UTC", "+08:00" / "-0530", or an IANA name; ValueError naming the problem."""
    text = (text or "UTC").strip()
    if text.upper() in ("UTC", "Z"):
        return dt.timezone.utc
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.groups()
        if int(hours) > 14 or int(minutes) > 59:
            raise ValueError(f"offset {text!r} out of range (-14:00..+14:00)")
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {text!r} (use UTC, +08:00 or a name like Asia/Shanghai)") from None


def day_span(first: dt.date, last: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """UTC start (inclusive) and end (exclusive) of the local days first..last."""
    start = dt.datetime.combine(first, dt.time(), tz).astimezone(dt.timezone.utc)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.timezone.utc)
    return start, end


def bucket_start(local: dt.datetime, interval: str) -> dt.datetime:
    """Start of the bucket holding a local (aware) time."""
    if interval in ("15", "30", "60"):
        size = int(interval)
        return local.replace(minute=local.minute - local.minute % size, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "day":
        return day
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    raise ValueError(f"unknown interval {interval!r}; expected one of {', '.join(INTERVALS)}")


def label(start: dt.datetime, interval: str) -> str:
    """How a bucket is named in tables, CSV and charts."""
    if interval in ("15", "30", "60"):
        return start.strftime("%Y-%m-%d %H:%M")
    if interval == "day":
        return start.strftime("%Y-%m-%d")
    if interval == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.strftime("%Y-%m")


def bucket_label(when_utc: dt.datetime, interval: str, tz: dt.tzinfo) -> str:
    """Label of the bucket that holds a UTC time."""
    return label(bucket_start(when_utc.astimezone(tz), interval), interval)


def buckets(first: dt.date, last: dt.date, interval: str, tz: dt.tzinfo) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """Every bucket of the local days first..last, in order: (label, UTC start, UTC end).

    Minute buckets step in UTC (so a daylight-saving change gives no gap or overlap); week and
    month buckets are clipped to the report's days.
    """
    span_start, span_end = day_span(first, last, tz)
    out: list[tuple[str, dt.datetime, dt.datetime]] = []
    if interval in ("15", "30", "60"):
        step = dt.timedelta(minutes=int(interval))
        at = span_start
        while at < span_end:
            out.append((label(at.astimezone(tz), interval), at, min(at + step, span_end)))
            at += step
        return out
    day = first
    while day <= last:
        local_start = bucket_start(dt.datetime.combine(day, dt.time(), tz), interval)
        if interval == "day":
            next_day = day + dt.timedelta(days=1)
        elif interval == "week":
            next_day = local_start.date() + dt.timedelta(days=7)
        else:
            month = local_start.date()
            next_day = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        start, end = day_span(day, min(next_day - dt.timedelta(days=1), last), tz)
        out.append((label(local_start, interval), start, end))
        day = next_day
    return out
