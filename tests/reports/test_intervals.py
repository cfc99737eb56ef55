"""Report buckets: sizes, labels, time zones, daylight-saving days, weeks and months."""
from __future__ import annotations

import datetime as dt

import pytest

from firmware.reports.intervals import bucket_label, buckets, parse_tz

UTC = dt.timezone.utc


def test_parse_tz_accepts_offsets_and_names_and_rejects_the_rest():
    assert parse_tz("UTC") is UTC
    assert parse_tz("+08:00").utcoffset(None) == dt.timedelta(hours=8)
    assert parse_tz("-0530").utcoffset(None) == -dt.timedelta(hours=5, minutes=30)
    assert str(parse_tz("Asia/Shanghai")) == "Asia/Shanghai"
    for bad in ("+25:00", "Mars/Olympus", "8"):
        with pytest.raises(ValueError, match="time zone|offset"):
            parse_tz(bad)


@pytest.mark.parametrize("interval,count,last", [("15", 96, "2026-11-22 23:45"), ("30", 48, "2026-11-22 23:30"),
                                                 ("60", 24, "2026-11-22 23:00")])
def test_minute_buckets_cover_the_day_without_gaps(interval, count, last):
    day = dt.date(2026, 11, 22)
    out = buckets(day, day, interval, UTC)
    assert len(out) == count and out[-1][0] == last
    assert all(a[2] == b[1] for a, b in zip(out, out[1:]))
    assert out[0][1] == dt.datetime(2026, 11, 22, tzinfo=UTC) and out[-1][2] == dt.datetime(2026, 11, 23, tzinfo=UTC)


def test_daylight_saving_day_has_23_hours():
    tz = parse_tz("Europe/Berlin")
    day = dt.date(2026, 3, 29)                      # clocks go from 02:00 to 03:00
    out = buckets(day, day, "60", tz)
    assert len(out) == 23
    assert "2026-03-29 02:00" not in [label for label, _, _ in out]
    assert sum((end - start).total_seconds() for _, start, end in out) == 23 * 3600


def test_weeks_and_months_are_clipped_to_the_range():
    weeks = buckets(dt.date(2026, 11, 20), dt.date(2026, 12, 2), "week", UTC)
    assert [w[0] for w in weeks] == ["2026-W47", "2026-W48", "2026-W49"]
    assert weeks[0][1] == dt.datetime(2026, 11, 20, tzinfo=UTC)          # a Friday: clipped
    assert weeks[1][1] == dt.datetime(2026, 11, 23, tzinfo=UTC)          # the Monday after
    assert weeks[-1][2] == dt.datetime(2026, 12, 3, tzinfo=UTC)
    months = buckets(dt.date(2026, 11, 20), dt.date(2027, 1, 5), "month", UTC)
    assert [m[0] for m in months] == ["2026-11", "2026-12", "2027-01"]
    assert months[1][1:] == (dt.datetime(2026, 12, 1, tzinfo=UTC), dt.datetime(2027, 1, 1, tzinfo=UTC))


def test_bucket_label_uses_local_time():
    when = dt.datetime(2026, 11, 21, 23, 50, tzinfo=UTC)
    assert bucket_label(when, "15", UTC) == "2026-11-21 23:45"
    assert bucket_label(when, "60", parse_tz("+08:00")) == "2026-11-22 07:00"
    assert bucket_label(when, "day", parse_tz("+08:00")) == "2026-11-22"
    assert bucket_label(when, "week", UTC) == "2026-W47"
