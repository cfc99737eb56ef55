"""`e1desk db ...` (check, stress, backup, restore, purge) and `e1desk records ...` (export,
search, stats, show): the database's commands, on the host shell and the serial console.

Contract (design.md section 3): ``records export TABLE --data DIR [--from D] [--to D]
--format csv|jsonl``; ``db stress --data DIR --records N`` prints ids only once durable;
``db check --data DIR --json`` -> {"ok", "counts", "errors"}. Exports are audited.
"""
from __future__ import annotations

import datetime as dt
import sys

import click

from firmware.console.context import DEFAULT_DATA, CommandContext, host_only, with_context
from firmware.console.render import emit, emit_json
from firmware.errors import BadInput, Failure


def _bad(exc) -> BadInput:
    where = getattr(exc, "where", None) or getattr(exc, "path", None) or "input"
    reason = getattr(exc, "reason", None) or str(exc)
    return BadInput(where, reason)


@click.group()
def db() -> None:
    """The records database: integrity check, stress writer, backup and restore, purge."""


@db.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--data", "data", default=DEFAULT_DATA, show_default=True, metavar="DIR",
              help="Data directory of the box.")
@click.pass_context
def db_check(ctx: click.Context, as_json: bool, data: str) -> None:
    """Read every database file and report problems (read-only; exit 1 if not ok)."""
    from firmware.store.check import check
    cc = ctx.find_object(CommandContext)
    result = check(cc.store.root if cc else data)
    if as_json:
        emit_json({k: result[k] for k in ("ok", "counts", "errors")} | {"leftovers": result["leftovers"]})
    else:
        click.echo("ok" if result["ok"] else "NOT OK")
        emit(result["counts"], False)
        for error in result["errors"]:
            click.echo(f"error: {error}")
    if not result["ok"]:
        ctx.exit(1)


@db.command("stress")
@click.option("--records", "records", type=click.IntRange(0, 10_000_000), required=True,
              help="How many call records to write.")
@click.option("--mix", is_flag=True, help="Also update and purge while inserting (crash tests).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed of the synthetic calls.")
@with_context(role="admin")
def db_stress(cc: CommandContext, records: int, mix: bool, seed: int) -> None:
    """Write synthetic call records; print each id (flushed) once it is durable on disk."""
    from firmware.store.stress import run_stress
    host_only(cc, "db stress")

    def out(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    run_stress(cc.store, records, out, mix=mix, seed=seed)


@db.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="admin")
def db_backup(cc: CommandContext, archive: str, as_json: bool) -> None:
    """Write the whole data directory to one archive file (with SHA-256 checksums)."""
    from firmware.store.backup import BackupError, backup
    try:
        with click.progressbar(length=1, label="backup", file=sys.stderr) as bar:
            result = backup(cc.store.root, archive, progress=_progress(bar))
    except (BackupError, OSError) as exc:
        raise Failure(f"backup failed: {exc}") from None
    cc.audit("db.backup", f"{archive}: {result['files']} files")
    emit(result | {"archive": archive}, as_json)


@db.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--data", "data", default=DEFAULT_DATA, show_default=True, metavar="DIR",
              help="Data directory to replace (the box must be stopped).")
@click.pass_context
def db_restore(ctx: click.Context, archive: str, as_json: bool, data: str) -> None:
    """Verify an archive's checksums, then replace the data directory with it (host only)."""
    from firmware.store.backup import BackupError, restore
    if ctx.find_object(CommandContext) is not None:
        raise BadInput("db restore", "only on the host shell, with the box stopped")
    try:
        with click.progressbar(length=1, label="restore", file=sys.stderr) as bar:
            result = restore(archive, data, progress=_progress(bar))
    except BackupError as exc:
        raise BadInput("ARCHIVE", str(exc)) from None
    except OSError as exc:
        raise Failure(f"restore failed: {exc}") from None
    from firmware.store import Store
    with Store(data) as store:
        store.audit("host", "db.restore", f"from {archive}").result()
    emit(result, as_json)


def _progress(bar):
    def update(done: int, total: int) -> None:
        bar.length = total
        bar.update(done - bar.pos)
    return update


@db.command("purge")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="admin")
def db_purge(cc: CommandContext, as_json: bool) -> None:
    """Purge records and recordings older than the configured retention now."""
    from firmware.store.retention import purge_expired
    result = purge_expired(cc.store, user=cc.user)
    emit(result, as_json)


# -- records ------------------------------------------------------------------------------------
@click.group()
def records() -> None:
    """Call records, queue log, tickets, recordings, voicemail, audit: export, search, statistics."""


def _day(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadInput(where, f"not a date: {value!r} (expected YYYY-MM-DD)") from None


def _range(since, until, days) -> tuple[str | None, str | None]:
    since, until = _day(since, "--from"), _day(until, "--to")
    if days is not None:
        today = dt.datetime.now(dt.timezone.utc).date()
        since = since or (today - dt.timedelta(days=days - 1)).isoformat()
    if since and until and since > until:
        raise BadInput("--from", f"{since} is after --to {until}")
    return since, until


@records.command("export")
@click.argument("table_name", metavar="TABLE")
@click.option("--from", "since", metavar="D", help="First day (YYYY-MM-DD, UTC).")
@click.option("--to", "until", metavar="D", help="Last day (YYYY-MM-DD, UTC).")
@click.option("--format", "fmt", default="jsonl", show_default=True,
              help="csv (header + fields), jsonl, or asterisk (Master.csv / queue_log).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
@with_context(role="operator")
def records_export(cc: CommandContext, table_name, since, until, fmt, output) -> None:
    """Export a table: cdr, queue_log, tickets, recordings, voicemail, audit."""
    from firmware.store import export
    from firmware.store.durable import write_atomic
    if table_name == "audit":
        cc.require("admin", "records export audit")
    since, until = _range(since, until, None)
    try:
        export.check_format(table_name, fmt)
        errors: list[str] = []
        lines = export.lines(table_name, fmt, cc.store.records(table_name, since, until, errors))
        count = 0
        if output:
            text = "".join(lines)
            count = text.count("\n")
            write_atomic(output, text.encode("utf-8"))
        else:
            for line in lines:
                click.echo(line, nl=False)
                count += 1
    except (ValueError, KeyError) as exc:
        raise _bad(exc) from None
    except BrokenPipeError:
        pass                                  # the reader (e.g. head) stopped reading
    except OSError as exc:
        raise Failure(f"cannot write {output}: {exc.strerror or exc}") from None
    cc.audit("records.export", f"{table_name} {since or '-'}..{until or '-'} {fmt}"
             + (f" -> {output}" if output else ""))
    for error in errors:
        click.echo(f"warning: skipped unreadable {error}", err=True)


SEARCH_COLUMNS = {
    "cdr": ["id", "start", "ani", "dnis", "disposition", "queue", "agent", "duration"],
    "tickets": ["id", "created", "caller", "category", "tier", "status", "agent"],
    "queue_log": ["id", "time", "call_id", "queue", "agent", "event"],
    "recordings": ["id", "created", "call_id", "path", "duration"],
    "voicemail": ["id", "created", "mailbox", "caller", "heard"],
    "audit": ["id", "time", "user", "source", "action", "detail"],
}


@records.command("search")
@click.argument("table_name", metavar="TABLE")
@click.option("--from", "since", metavar="D", help="First day (YYYY-MM-DD).")
@click.option("--to", "until", metavar="D", help="Last day (YYYY-MM-DD).")
@click.option("--days", type=click.IntRange(1, 3660), help="Only the last N days (7 = last week).")
@click.option("--ani", help="Calls from this number (cdr).")
@click.option("--category", help="Category (cdr, tickets).")
@click.option("--status", help="Ticket status: open, in_progress, resolved, closed.")
@click.option("--where", "where", multiple=True, metavar="FIELD=VALUE", help="Any field equal to a value.")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def records_search(cc, table_name, since, until, days, ani, category, status, where, limit, as_json) -> None:
    """Find records, e.g. calls from a number last week, or open tickets of a category."""
    from firmware.store.config import parse_value
    from firmware.store.export import EXPORTABLE
    if table_name not in EXPORTABLE:
        raise BadInput("TABLE", f"unknown table {table_name!r}; expected one of {', '.join(EXPORTABLE)}")
    since, until = _range(since, until, days)
    match = {}
    for name, value in (("ani", ani), ("category", category), ("status", status)):
        if value is not None:
            match[name] = value
    for item in where:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise BadInput("--where", f"expected FIELD=VALUE, got {item!r}")
        parsed = parse_value(value)
        match[name] = value if isinstance(parsed, (dict, list)) else parsed
    try:
        found = cc.store.search(table_name, since, until, where=match, limit=limit)
    except ValueError as exc:
        raise _bad(exc) from None
    emit(found, as_json, SEARCH_COLUMNS.get(table_name))


@records.command("stats")
@click.argument("question", type=click.Choice(["calls-per-day", "callers", "categories"]))
@click.option("--from", "since", metavar="D", help="First day (YYYY-MM-DD).")
@click.option("--to", "until", metavar="D", help="Last day (YYYY-MM-DD).")
@click.option("--days", type=click.IntRange(1, 3660), help="Only the last N days.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def records_stats(cc, question, since, until, days, as_json) -> None:
    """Answer: how many calls a day, who called, which kinds of problem."""
    from firmware.store.stats import STATS
    since, until = _range(since, until, days)
    emit(STATS[question](cc.store, since, until), as_json)


@records.command("show")
@click.argument("table_name", metavar="TABLE")
@click.argument("rid", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def records_show(cc, table_name, rid, as_json) -> None:
    """Show one record by its id."""
    try:
        rec = cc.store.get(table_name, rid)
    except ValueError as exc:
        raise _bad(exc) from None
    if rec is None:
        raise BadInput("ID", f"no {table_name} record {rid}")
    emit(rec, as_json)
