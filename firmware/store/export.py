"""Exports of record tables: ``jsonl``, ``csv`` (header + the table's fields) and ``asterisk``.

``asterisk`` writes the formats existing call-center tools read: for ``cdr`` the column
order of Asterisk's Master.csv (cdr_csv: accountcode, src, dst, dcontext, clid, channel,
dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags,
uniqueid, userfield; no header; text quoted, durations bare), for ``queue_log`` Asterisk's
queue_log lines ``epoch|callid|queue|agent|EVENT|data1|data2...``. Times in exports are UTC.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from firmware.store.schema import TABLES, RecordError, parse_time

EXPORTABLE = tuple(name for name, t in TABLES.items() if t.exportable)
FORMATS = ("csv", "jsonl", "asterisk")
ASTERISK_TABLES = ("cdr", "queue_log")

MASTER_CSV_COLUMNS = ("accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel",
                      "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec",
                      "disposition", "amaflags", "uniqueid", "userfield")
_ASTERISK_DISPOSITION = {"ABANDONED": "NO ANSWER", "VOICEMAIL": "ANSWERED"}


def check_format(table: str, fmt: str) -> None:
    if table not in EXPORTABLE:
        raise RecordError("TABLE", f"{table!r} cannot be exported; expected one of {', '.join(EXPORTABLE)}")
    if fmt not in FORMATS:
        raise RecordError("--format", f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt == "asterisk" and table not in ASTERISK_TABLES:
        raise RecordError("--format", f"asterisk format exists for {' and '.join(ASTERISK_TABLES)} only")


def lines(table: str, fmt: str, records: Iterable[dict]) -> Iterator[str]:
    """The export as text lines (each ending in a newline)."""
    check_format(table, fmt)
    if fmt == "jsonl":
        for rec in records:
            yield json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n"
    elif fmt == "csv":
        columns = ["id", *TABLES[table].fields]
        yield _csv_row(columns)
        for rec in records:
            yield _csv_row([_cell(rec.get(c)) for c in columns])
    elif table == "cdr":
        for rec in records:
            yield _csv_row(master_csv_row(rec), quoting=csv.QUOTE_NONNUMERIC)
    else:
        for rec in records:
            yield queue_log_line(rec) + "\n"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_row(values, quoting=csv.QUOTE_MINIMAL) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=quoting, lineterminator="\n").writerow(values)
    return out.getvalue()


def _asterisk_time(stored: str | None) -> str:
    return parse_time(stored).strftime("%Y-%m-%d %H:%M:%S") if stored else ""


def master_csv_row(rec: dict) -> list:
    ani = rec.get("ani") or ""
    span, ts = rec.get("span"), rec.get("ts")
    queue = rec.get("queue") or ""
    return [
        "",                                                     # accountcode
        ani,                                                    # src
        rec.get("dnis") or "",                                  # dst
        "e1desk",                                               # dcontext
        f'"{ani}" <{ani}>' if ani else "",                      # clid
        f"E1/{span}-{ts}" if span and ts else "",               # channel
        f"Agent/{rec['agent']}" if rec.get("agent") else "",    # dstchannel
        "Queue" if queue else ("IVR" if rec.get("ivr_path") else ""),   # lastapp
        queue or "/".join(rec.get("ivr_path") or []),           # lastdata
        _asterisk_time(rec.get("start")),
        _asterisk_time(rec.get("answer")),
        _asterisk_time(rec.get("end")),
        int(round(rec.get("duration") or 0)),
        int(round(rec.get("billsec") or 0)),
        _ASTERISK_DISPOSITION.get(rec.get("disposition"), rec.get("disposition") or "NO ANSWER"),
        "DOCUMENTATION",
        rec.get("call_id") or rec.get("id", ""),
        rec.get("recording_id") or "",
    ]


def queue_log_line(rec: dict) -> str:
    epoch = int(parse_time(rec["time"]).timestamp())
    fields = [str(epoch), rec.get("call_id") or "NONE", rec.get("queue") or "NONE",
              rec.get("agent") or "NONE", rec["event"], *(_cell(d) for d in rec.get("data") or [])]
    return "|".join(f.replace("|", "/").replace("\n", " ") for f in fields)
