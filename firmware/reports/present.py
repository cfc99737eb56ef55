"""How a report dict (reports.py) is shown: a terminal table with ASCII charts, CSV, chart data.

Terminal tables show the columns a manager reads first (``--wide`` shows all); CSV and JSON
always carry every column with raw numbers (fractions as 0..1, times in seconds).
"""
from __future__ import annotations

import csv
import io
from collections import Counter

from firmware.console.render import table_text
from firmware.reports import charts
from firmware.reports.wallboard import duration

FRACTIONS = {"sl", "sl_abandon", "answer_rate", "abandon_rate", "occupancy", "fcr", "csat"}
TOTAL_TIMES = {"signed_in_s", "ready_s", "on_call_s", "wrapup_total_s", "paused_s"}
NARROW = {
    "summary": ["calls", "offered", "answered", "abandoned", "short_abandoned", "sl", "sl_abandon", "asa_s", "aht_s",
                "occupancy"],
    "intervals": ["offered", "answered", "abandoned", "sl", "sl_abandon", "asa_s", "aht_s", "occupancy"],
    "agents": ["agent", "calls", "aht_s", "sign_ins", "signed_in_s", "on_call_s", "wrapup_total_s", "paused_s",
               "transfers", "occupancy"],
}


def cell(column: str, value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column in FRACTIONS:
        return f"{value:.1%}"
    if column in TOTAL_TIMES:
        return duration(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def table_columns(report: dict, wide: bool) -> list[str]:
    columns = report["columns"]
    narrow = NARROW.get(report["report"])
    if wide or not narrow:
        return columns
    return [columns[0]] + [c for c in narrow if c != columns[0]] if columns[0] not in narrow else narrow


def text(report: dict, wide: bool = False, sl_target: float | None = None) -> str:
    """The report as a terminal screen: heading, table, total line, ASCII charts."""
    columns = table_columns(report, wide)
    settings = report["settings"]
    lines = [f"{report['report']} {report['from']}..{report['to']} ({report['tz']}); SL within "
             f"{settings['sl_threshold_s']:g} s, short abandon < {settings['short_abandon_s']:g} s"]
    rows = [{c: cell(c, row.get(c)) for c in columns} for row in report["rows"]]
    total = report.get("total")
    if total and columns[0] in total:
        rows.append({c: cell(c, total.get(c)) for c in columns})
    lines.append(table_text(rows, columns))
    if total and columns[0] not in total:
        lines.append("total: " + ", ".join(f"{k} {cell(k, v)}" for k, v in total.items()))
    elif total:
        extra = {k: v for k, v in total.items() if k not in columns}
        if extra:
            lines.append("also: " + ", ".join(f"{k} {cell(k, v)}" for k, v in extra.items()))
    chart = chart_data(report)
    if chart and report["report"] in ("summary", "intervals"):
        title, labels, series, line = chart
        lines += ["", charts.stacked_bars(title, labels, [(n, c, v) for (n, v), c in zip(series, "#x.")])]
        if line:
            lines += ["", charts.percent_bars(line[0], labels, line[1], sl_target)]
    for skipped in report.get("skipped_files") or []:
        lines.append(f"warning: skipped unreadable {skipped}")
    return "\n".join(lines)


def csv_text(report: dict, bom: bool = False) -> str:
    """Every column, a header line, the total row last (where the report has one); CRLF lines."""
    out = io.StringIO()
    columns = report["columns"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in report["rows"]:
        writer.writerow({c: _raw(row.get(c)) for c in columns})
    total = report.get("total")
    if total and columns[0] in total:
        writer.writerow({c: _raw(total.get(c)) for c in columns})
    return ("\ufeff" if bom else "") + out.getvalue()


def _raw(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return value


def _short_labels(labels: list[str]) -> list[str]:
    """Interval labels without the date when every label is on the same day."""
    if labels and all(len(l) == 16 for l in labels) and len({l[:10] for l in labels}) == 1:
        return [l[11:] for l in labels]
    return labels


def chart_data(report: dict):
    """(title, labels, [(series name, values)], (line name, fractions) or None) of a report."""
    rows, name = report["rows"], report["report"]
    if not rows:
        return None
    if name in ("summary", "intervals", "callers"):
        key = report["columns"][0]
        labels = [str(r[key]) for r in rows]
        if name == "intervals":
            labels = _short_labels(labels)
        answered = [r["answered"] for r in rows]
        abandoned = [r["abandoned"] for r in rows]
        other = [r["calls"] - r["answered"] - r["abandoned"] for r in rows]
        what = {"summary": f"calls per {key}", "intervals": "calls per interval", "callers": "calls per caller"}[name]
        line = ("service level", [r["sl"] for r in rows]) if name != "callers" else None
        return what, labels, [("answered", answered), ("abandoned", abandoned), ("other", other)], line
    if name == "agents":
        return ("calls per agent", [r["agent"] for r in rows], [("calls", [r["calls"] for r in rows])], None)
    if name == "categories":
        return ("tickets per category", [r["category"] for r in rows],
                [("resolved", [r["resolved"] for r in rows]), ("open", [r["open"] for r in rows])], None)
    if name == "abandoned":
        hours = sorted({r["time"][11:13] for r in rows})
        long_, short = Counter(), Counter()
        for r in rows:
            (short if r["short"] else long_)[r["time"][11:13]] += 1
        return ("abandoned calls per hour", [f"{h}:00" for h in hours],
                [("abandoned", [long_[h] for h in hours]), ("short", [short[h] for h in hours])], None)
    return None
