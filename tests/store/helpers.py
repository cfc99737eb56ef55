"""Records for the store tests."""
import datetime as dt


def cdr(start, **fields):
    """A call record starting at ``start`` (a datetime) with the given fields."""
    rec = {"call_id": fields.pop("call_id", f"c-{start.timestamp():.0f}"), "span": 1, "ts": 5,
           "ani": "13800138000", "dnis": "10086", "start": start,
           "end": start + dt.timedelta(seconds=60), "duration": 60.0, "disposition": "ANSWERED"}
    rec.update(fields)
    return rec
