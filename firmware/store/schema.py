"""The record tables: their fields, how each is partitioned, and record validation.

Every table is a set of TinyDB files. Dated tables (``Table.time_field`` set) have one file
per UTC day of that field, so a write rewrites at most one day of records; the others
(agents, users, active_calls, candidates) are small and live in one file. A record's id says where it
lives: ``"YYYYMMDD-N"`` for dated tables, ``"N"`` otherwise.

Times are stored as fixed-width UTC ISO strings (``2026-11-22T07:33:57.000Z``), so they sort
and compare as text; ``to_time`` accepts a datetime, epoch seconds or an ISO string.
``validate_record`` names the field and the reason for every problem (unknown fields too).
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
UNDATED = "all"                                   # partition name of undated tables

DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION", "ABANDONED", "VOICEMAIL")
TIERS = ("first_line", "second_line", "expert")
TICKET_STATUSES = ("open", "in_progress", "resolved", "closed")
ROLES = ("viewer", "operator", "admin")
QUEUE_EVENTS = ("ENTERQUEUE", "CONNECT", "COMPLETECALLER", "COMPLETEAGENT", "ABANDON",
                "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "RINGNOANSWER", "TRANSFER",
                "AGENTLOGIN", "AGENTLOGOFF", "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE",
                "QUEUESTART", "CONFIGRELOAD", "TRANSFERRECALL")


class RecordError(ValueError):
    """A record does not fit its table; ``where`` is the field path."""

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


def to_time(value, where: str = "time") -> str:
    """Normalise a time to the stored form; RecordError naming ``where`` if it is not one."""
    if isinstance(value, bool):
        raise RecordError(where, f"expected a time, got {value!r}")
    if isinstance(value, (int, float)):
        try:
            value = dt.datetime.fromtimestamp(value, dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise RecordError(where, f"time {value!r} out of range") from None
    elif isinstance(value, str):
        text = value.strip().replace(" ", "T", 1)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise RecordError(where, f"not a time: {value!r} (expected ISO 8601, e.g. 2026-11-22T08:30:00Z)") from None
    if not isinstance(value, dt.datetime):
        raise RecordError(where, f"expected a time, got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    value = value.astimezone(dt.timezone.utc)
    return value.strftime(TIME_FORMAT) + f".{value.microsecond // 1000:03d}Z"


def now_time() -> str:
    return to_time(dt.datetime.now(dt.timezone.utc))


def parse_time(stored: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stored[:-1] + "+00:00")


def day_of(stored_time: str) -> str:
    """Partition name of a stored time: its UTC day as YYYYMMDD."""
    return stored_time[0:4] + stored_time[5:7] + stored_time[8:10]


# -- field kinds ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    kind: str                     # str int float bool time list dict choice
    required: bool = False
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    nullable: bool = True
    max_len: int = 4096


def _check(name: str, spec: Field, value):
    if value is None:
        if spec.required or not spec.nullable:
            raise RecordError(name, "is required")
        return None
    kind = spec.kind
    if kind == "time":
        return to_time(value, name)
    if kind == "bool":
        if not isinstance(value, bool):
            raise RecordError(name, f"expected true/false, got {value!r}")
        return value
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind == "int" and not float(value).is_integer()):
            raise RecordError(name, f"expected {'an integer' if kind == 'int' else 'a number'}, got {value!r}")
        value = int(value) if kind == "int" else float(value)
        if value != value or (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
            raise RecordError(name, f"{value!r} out of range {spec.low}..{spec.high}")
        return value
    if kind in ("str", "choice"):
        if not isinstance(value, str):
            raise RecordError(name, f"expected text, got {value!r}")
        if len(value) > spec.max_len:
            raise RecordError(name, f"too long ({len(value)} > {spec.max_len} characters)")
        if kind == "choice" and value not in spec.choices:
            raise RecordError(name, f"unknown value {value!r}; expected one of {', '.join(spec.choices)}")
        return value
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            raise RecordError(name, f"expected a list, got {value!r}")
        return list(value)
    if kind == "dict":
        if not isinstance(value, dict):
            raise RecordError(name, f"expected a mapping, got {value!r}")
        return dict(value)
    raise AssertionError(kind)


S, I, F, B, T, L, D = (Field("str"), Field("int"), Field("float", low=0), Field("bool"),
                       Field("time"), Field("list"), Field("dict"))


@dataclass(frozen=True)
class Table:
    name: str
    fields: dict[str, Field]
    time_field: str | None = None          # dated tables: one file per UTC day of this field
    key: str | None = None                 # undated tables: a unique natural key
    exportable: bool = False
    defaults: dict = field(default_factory=dict)

    @property
    def dated(self) -> bool:
        return self.time_field is not None


TABLES: dict[str, Table] = {t.name: t for t in [
    Table("cdr", {
        "call_id": Field("str", required=True, max_len=64),
        "span": Field("int", low=1, high=64), "ts": Field("int", low=1, high=31),
        "direction": Field("choice", choices=("in", "out")),
        "ani": Field("str", max_len=32), "dnis": Field("str", max_len=32), "category": S,
        "start": Field("time", required=True), "answer": T, "end": T,
        "duration": F, "billsec": F,
        "disposition": Field("choice", choices=DISPOSITIONS),
        "ivr_path": L, "queue": S, "agent": S, "wait": F, "recording_id": S,
        "interrupted": B, "ticket_id": S, "satisfaction": Field("int", low=1, high=5),
        "transfer_recalled": Field("int", low=0, high=99),
    }, time_field="start", exportable=True,
        defaults={"direction": "in", "interrupted": False, "ivr_path": []}),
    Table("queue_log", {
        "time": Field("time", required=True), "call_id": Field("str", max_len=64),
        "queue": Field("str", max_len=64), "agent": Field("str", max_len=64),
        "event": Field("choice", required=True, choices=QUEUE_EVENTS), "data": L,
    }, time_field="time", exportable=True, defaults={"data": [], "call_id": "NONE",
                                                     "queue": "NONE", "agent": "NONE"}),
    Table("tickets", {
        "created": Field("time", required=True), "updated": T,
        "caller": Field("str", max_len=64), "category": Field("str", max_len=64),
        "description": Field("str", max_len=8192),
        "tier": Field("choice", choices=TIERS), "status": Field("choice", choices=TICKET_STATUSES),
        "agent": S, "follow_ups": L, "satisfaction": Field("int", low=1, high=5),
        "calls": L, "recordings": L,
    }, time_field="created", exportable=True,
        defaults={"tier": "first_line", "status": "open", "follow_ups": [], "calls": [], "recordings": []}),
    Table("recordings", {
        "created": Field("time", required=True), "call_id": S,
        "path": Field("str", required=True), "duration": F, "size": Field("int", low=0),
        "format": S, "sha256": S, "agent": S, "ani": S, "end": T,
    }, time_field="created", exportable=True),
    Table("voicemail", {
        "created": Field("time", required=True), "mailbox": S, "caller": S,
        "path": Field("str", required=True), "duration": F, "heard": B, "call_id": S,
    }, time_field="created", exportable=True, defaults={"heard": False}),
    Table("audit", {
        "time": Field("time", required=True), "user": Field("str", required=True),
        "source": S, "action": Field("str", required=True), "detail": S,
    }, time_field="time", exportable=True),
    Table("config", {
        "time": Field("time", required=True), "rev": Field("int", required=True, low=1),
        "user": Field("str", required=True), "message": S, "config": Field("dict", required=True),
        "changes": L, "kind": Field("choice", choices=("commit", "rollback", "import", "initial")),
    }, time_field="time"),
    Table("agents", {
        "agent": Field("str", required=True, max_len=32), "name": S, "skills": D,
        "groups": L, "tier": Field("choice", choices=TIERS), "extension": S,
    }, key="agent", defaults={"skills": {}, "groups": [], "tier": "first_line"}),
    Table("users", {
        "name": Field("str", required=True, max_len=32), "role": Field("choice", required=True, choices=ROLES),
        "hash": S, "failures": Field("int", low=0), "locked_until": Field("float", low=0),
        "changed": T,
    }, key="name", defaults={"failures": 0, "locked_until": 0.0}),
    Table("active_calls", {
        "call_id": Field("str", required=True, max_len=64), "span": Field("int", low=1, high=64),
        "ts": Field("int", low=1, high=31), "direction": Field("choice", choices=("in", "out")),
        "ani": Field("str", max_len=32), "dnis": Field("str", max_len=32), "category": S,
        "start": Field("time", required=True), "answer": T, "ivr_path": L, "queue": S, "agent": S,
        "recording_id": S, "ticket_id": S,
    }, key="call_id"),
    Table("cards", {
        "card": Field("str", required=True, max_len=32), "product": S, "customer": S,
        "warranty_until": T, "notes": Field("str", max_len=4096),
    }, key="card", exportable=True),
    Table("candidates", {
        "user": Field("str", required=True), "base_rev": Field("int", low=0), "config": D,
    }, key="user"),
]}


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise RecordError("table", f"unknown table {name!r}; expected one of {', '.join(TABLES)}") from None


def validate_record(spec: Table, record: dict, partial: bool = False) -> dict:
    """Checked, normalised copy of ``record`` (``partial`` for updates: no required fields)."""
    if not isinstance(record, dict):
        raise RecordError(spec.name, f"a record must be a mapping, got {type(record).__name__}")
    unknown = [k for k in record if k not in spec.fields and k != "id"]
    if unknown:
        raise RecordError(f"{spec.name}.{unknown[0]}", "unknown field")
    out = {} if partial else copy.deepcopy(spec.defaults)
    for name, value in record.items():
        if name == "id":
            continue
        out[name] = _check(f"{spec.name}.{name}", spec.fields[name], value)
    if not partial:
        for name, f in spec.fields.items():
            if f.required and out.get(name) is None:
                raise RecordError(f"{spec.name}.{name}", "is required")
    return out
