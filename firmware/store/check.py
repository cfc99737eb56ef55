"""``db check``: read every file of a data directory and say whether the database is sound.

Read-only and safe to run beside a running daemon. Problems that make the check fail
(``errors``): unreadable or mis-shaped files, records that do not fit their table, records
filed under the wrong day, quarantined corrupt files, stray files. Temporary files left by an
interrupted write are not errors (the store removes them at open); they are listed apart.
"""
from __future__ import annotations

from pathlib import Path

from firmware.store.durable import TMP_SUFFIX, CorruptFile, read_json
from firmware.store.partitions import Layout
from firmware.store.schema import TABLES, UNDATED, RecordError, day_of, validate_record
from firmware.store.writer import QUARANTINE_SUFFIX

MAX_ERRORS = 200


def check(data_dir: Path | str) -> dict:
    """{"ok": bool, "counts": {table: N}, "errors": [...], "leftovers": [...]}."""
    layout = Layout(data_dir)
    errors: list[str] = []
    leftovers: list[str] = []
    counts = {name: 0 for name in TABLES}
    if not layout.root.is_dir():
        return {"ok": False, "counts": counts, "errors": [f"{layout.root}: no such data directory"],
                "leftovers": []}
    if layout.db.is_dir():
        for entry in sorted(layout.db.iterdir()):
            if entry.name == ".lock":
                continue
            if entry.name not in TABLES or not entry.is_dir():
                errors.append(f"{entry}: unexpected file (not a table directory)")
    for name, spec in TABLES.items():
        directory = layout.table_dir(spec)
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.name.endswith(TMP_SUFFIX):
                leftovers.append(str(path))
                continue
            if QUARANTINE_SUFFIX in path.name:
                errors.append(f"{path}: corrupt file moved aside by the store; its records are not readable")
                continue
            part = path.name[:-5] if path.name.endswith(".json") else None
            valid_name = part is not None and ((spec.dated and len(part) == 8 and part.isdigit())
                                               or (not spec.dated and part == UNDATED))
            if not valid_name:
                errors.append(f"{path}: unexpected file in table {name}")
                continue
            counts[name] += _check_partition(path, spec, part, errors)
    if len(errors) > MAX_ERRORS:
        errors = errors[:MAX_ERRORS] + [f"... and {len(errors) - MAX_ERRORS} more errors"]
    return {"ok": not errors, "counts": counts, "errors": errors, "leftovers": leftovers}


def _check_partition(path: Path, spec, part: str, errors: list[str]) -> int:
    try:
        data = read_json(path)
    except CorruptFile as exc:
        errors.append(str(exc))
        return 0
    if not isinstance(data, dict) or set(data) - {spec.name} or not isinstance(data.get(spec.name, {}), dict):
        errors.append(f"{path}: not a TinyDB document holding only table {spec.name}")
        return 0
    docs = data.get(spec.name, {})
    keys = set()
    for doc_id, doc in docs.items():
        where = f"{path}: record {doc_id}"
        if not doc_id.isdigit():
            errors.append(f"{where}: id is not a number")
            continue
        try:
            clean = validate_record(spec, doc)
        except RecordError as exc:
            errors.append(f"{where}: {exc}")
            continue
        if spec.dated and day_of(clean[spec.time_field]) != part:
            errors.append(f"{where}: {spec.time_field} {clean[spec.time_field]} is not in day {part}")
        if spec.key:
            if clean[spec.key] in keys:
                errors.append(f"{where}: duplicate {spec.key} {clean[spec.key]!r}")
            keys.add(clean[spec.key])
    return len(docs)
