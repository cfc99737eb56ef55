"""Output of commands: one JSON document (``--json``) or plain text tables for a terminal."""
from __future__ import annotations

import json

import click


def emit_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str))


def _text(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ",".join(_text(v) for v in value) or "-"
    if isinstance(value, dict):
        return " ".join(f"{k}={_text(v)}" for k, v in value.items()) or "-"
    return str(value)


def table_text(rows: list[dict], columns: list[str], max_width: int = 40) -> str:
    """Rows as an aligned text table with a header line (plain ASCII, no colour)."""
    if not rows:
        return "(none)"
    cells = [[_text(r.get(c))[:max_width] for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.upper().ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def emit(obj, as_json: bool, columns: list[str] | None = None) -> None:
    """``obj`` as JSON, or as a table (list of dicts) / key: value lines (dict) / text."""
    if as_json:
        emit_json(obj)
    elif isinstance(obj, list):
        click.echo(table_text(obj, columns or (list(obj[0]) if obj else [])))
    elif isinstance(obj, dict):
        width = max((len(k) for k in obj), default=0)
        for key, value in obj.items():
            click.echo(f"{key.ljust(width)}  {_text(value)}")
    else:
        click.echo(str(obj))
