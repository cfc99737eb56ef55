"""`e1desk report ...`: historical reports (tables, CSV, JSON, PNG charts) and the live wallboard.

    e1desk report summary    --data DIR --from D --to D [--by queue|agent|ivr|trunk|category]
    e1desk report intervals  ... [--interval 15|30|60|day|week|month]
    e1desk report agents | abandoned | categories | callers  ...
        common: [--queue Q] [--tz TZ] [--sl-threshold S] [--short-abandon S]
                [--format table|csv|json | --json] [--png FILE] [--output FILE] [--wide] [--bom]
    e1desk report wallboard [--once] [--refresh S] [--json]     (the running box, on its console)
    e1desk report alarms [--json]

Days are local days of --tz (default: the ``reports`` configuration's tz, else UTC); --from
and --to default to today. Bad options exit 2 naming the option (firmware.errors.BadInput).
"""
from __future__ import annotations

import datetime as dt
import importlib
import json
import time

import click

from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit_json
from firmware.errors import BadInput, Failure
from firmware.reports.intervals import INTERVALS, parse_tz

FORMATS = ("table", "csv", "json")
PERSONAL = ("abandoned", "callers")     # list callers' numbers: every read is audited


def _day(value: str | None, option: str, today: dt.date) -> dt.date:
    if value is None:
        return today
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(option, f"not a date: {value!r} (expected YYYY-MM-DD)") from None


def _known_queues(store) -> set[str]:
    """Queues named in the running configuration (the ACD's section, when it is registered)."""
    try:
        importlib.import_module("firmware.acd.config")     # registers the acd section and its queues
    except ImportError:
        pass
    from firmware.reports.config import section_of
    return set(section_of(store, "acd").get("queues") or {})


def report_options(fn):
    """The options every historical report takes."""
    options = [
        click.option("--from", "since", metavar="D", help="First local day, YYYY-MM-DD (default today)."),
        click.option("--to", "until", metavar="D", help="Last local day, YYYY-MM-DD (default today)."),
        click.option("--queue", help="Only this queue's calls."),
        click.option("--tz", help="Time zone: UTC, +08:00 or Asia/Shanghai (default: configuration)."),
        click.option("--sl-threshold", type=float, help="Service level threshold in seconds (default 15)."),
        click.option("--short-abandon", type=float, help="Short-abandon threshold in seconds (default 5)."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                     help="Terminal table with charts, CSV (spreadsheets) or one JSON document."),
        click.option("--json", "as_json", is_flag=True, help="Same as --format json."),
        click.option("--png", "png_path", type=click.Path(dir_okay=False), help="Also write a PNG chart here."),
        click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write CSV/JSON/table to a file."),
        click.option("--wide", is_flag=True, help="Table: show every column."),
        click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte order mark (Excel)."),
        with_context(role="viewer"),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def run_report(cc: CommandContext, name: str, opts: dict, **extra) -> None:
    """Validate the common options, compute the report, print / export it."""
    from firmware.reports import config, dataset, present
    from firmware.reports.kpis import Settings
    from firmware.reports.reports import REPORTS
    conf = config.section(cc.store)
    try:
        tz = parse_tz(opts["tz"] or conf["tz"])
    except ValueError as exc:
        raise BadInput("--tz", str(exc)) from None
    today = dt.datetime.now(tz).date()
    first, last = _day(opts["since"], "--from", today), _day(opts["until"], "--to", today)
    if first > last:
        raise BadInput("--from", f"{first} is after --to {last}")
    if (last - first).days > 3660:
        raise BadInput("--to", "a report covers at most 10 years")
    settings = Settings(_seconds(opts["sl_threshold"], conf["sl_threshold_s"], "--sl-threshold"),
                        _seconds(opts["short_abandon"], conf["short_abandon_s"], "--short-abandon"))
    data = dataset.load(cc.store, first, last, tz)
    queue = opts["queue"]
    if queue is not None:
        known = data.queues() | _known_queues(cc.store)
        if queue not in known:
            raise BadInput("--queue", f"unknown queue {queue!r}; known: {', '.join(sorted(known)) or 'none'}")
    kwargs = dict(extra)
    if name in ("summary", "intervals", "agents"):
        kwargs["now"] = dt.datetime.now(dt.timezone.utc)
    report = REPORTS[name](data, settings, queue=queue, **kwargs)
    fmt = "json" if opts["as_json"] else opts["fmt"]
    if fmt == "json":
        body = json.dumps(report, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    elif fmt == "csv":
        body = present.csv_text(report, bom=opts["bom"])
    else:
        body = present.text(report, wide=opts["wide"], sl_target=conf["alarms"]["sl_target"]) + "\n"
    if opts["png_path"]:
        _write_png(report, opts["png_path"], conf["alarms"]["sl_target"])
    if opts["output"]:
        from firmware.store.durable import write_atomic
        try:
            write_atomic(opts["output"], body.encode("utf-8"))
        except OSError as exc:
            raise Failure(f"cannot write {opts['output']}: {exc.strerror or exc}") from None
    else:
        click.echo(body, nl=False)
    if opts["output"] or opts["png_path"] or fmt == "csv" or name in PERSONAL:
        where = "".join(f" -> {path}" for path in (opts["output"], opts["png_path"]) if path)
        cc.audit("report.export", f"{name} {first}..{last} {fmt}{where}")


def _seconds(value, default, option: str) -> float:
    value = default if value is None else value
    if not 0 <= value <= 3600:
        raise BadInput(option, f"{value:g} out of range 0..3600 seconds")
    return float(value)


def _write_png(report: dict, path: str, sl_target: float) -> None:
    from firmware.reports import png, present
    chart = present.chart_data(report)
    if chart is None:
        raise BadInput("--png", "nothing to chart: the report has no rows")
    title, labels, series, line = chart
    try:
        png.bar_chart(path, f"{title}  {report['from']}..{report['to']}", labels, series,
                      (line[0], line[1], sl_target) if line else None)
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from None


@click.group()
def report() -> None:
    """Reports: live wallboard and alarms, historical KPIs per interval, queue, agent, category."""


def _command(name: str, doc: str, *extra_options):
    """A report command: the common options, plus ``extra_options`` whose values ``fn`` turns
    into the report function's keyword arguments."""
    def build(fn):
        def command(cc, since, until, queue, tz, sl_threshold, short_abandon, fmt, as_json, png_path, output,
                    wide, bom, **extra):
            opts = dict(since=since, until=until, queue=queue, tz=tz, sl_threshold=sl_threshold,
                        short_abandon=short_abandon, fmt=fmt, as_json=as_json, png_path=png_path,
                        output=output, wide=wide, bom=bom)
            run_report(cc, name, opts, **fn(**extra))
        command.__name__ = fn.__name__
        for option in reversed(extra_options):
            command = option(command)
        return report.command(name, help=doc)(report_options(command))
    return build


@_command("summary", "Offered, answered, abandoned, service level, ASA, AHT, occupancy per group.",
          click.option("--by", type=click.Choice(["queue", "agent", "ivr", "trunk", "category"]),
                       default="queue", show_default=True, help="Group by queue, agent, IVR menu option, "
                                                                "trunk (span) or problem category."))
def summary(by: str) -> dict:
    return {"by": by}


@_command("intervals", "The KPIs per 15/30/60-minute interval, day, week or month, with charts.",
          click.option("--interval", type=click.Choice(INTERVALS), default="60", show_default=True,
                       help="Minutes (15, 30, 60), day, week or month."))
def intervals(interval: str) -> dict:
    return {"interval": interval}


@_command("agents", "Agent traffic (calls, talk, wrap-up, AHT) and operations (sign-ins, state times).")
def agents() -> dict:
    return {}


@_command("abandoned", "Abandoned calls with the callers' numbers (for callbacks).")
def abandoned() -> dict:
    return {}


@_command("categories", "Problem categories: tickets, resolved, first-call resolution, satisfaction.")
def categories() -> dict:
    return {}


@_command("callers", "Who called: the numbers with the most calls.",
          click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True,
                       help="How many numbers to list."))
def callers(limit: int) -> dict:
    return {"limit": limit}


# -- live -----------------------------------------------------------------------------------------
def _live(cc: CommandContext):
    from firmware.reports import alarms, config
    snapshot = cc.snapshot()
    thresholds = alarms.Thresholds.from_config(config.section(cc.store))
    active = alarms.check(snapshot, thresholds, alarms.disk_usage(cc.store.root))
    return snapshot, active


@report.command("wallboard")
@click.option("--once", is_flag=True, help="Print one screen and stop.")
@click.option("--refresh", type=click.FloatRange(1, 3600), default=5.0, show_default=True,
              help="Seconds between screens.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: queues, agents, spans, alarms.")
@with_context(role="viewer")
def wallboard(cc: CommandContext, once: bool, refresh: float, as_json: bool) -> None:
    """Live queues, agents, spans and alarms of the running box, refreshed until Ctrl-C."""
    from firmware.reports import alarms as alarm_mod
    from firmware.reports import wallboard as board
    log = alarm_mod.AlarmLog()
    while True:
        snapshot, active = _live(cc)
        log.update(active)
        if as_json:
            frames = (snapshot.get("clock") or {}).get("frames")
            emit_json({"queues": [board.queue_view(q) for q in board.entries(snapshot.get("queues"), "queue")],
                       "agents": [board.agent_view(a, frames)
                                  for a in board.entries(snapshot.get("agents"), "agent")],
                       "spans": snapshot.get("spans") or [], "alarms": [a.message for a in active]})
        else:
            now = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
            click.echo(board.render(snapshot, active, now=now))
        if once or as_json:
            return
        try:
            time.sleep(refresh)            # console pacing only; nothing here is timed by tests
        except KeyboardInterrupt:
            return
        click.echo("-" * 79)


@report.command("alarms")
@click.option("--json", "as_json", is_flag=True, help="One JSON document: {\"alarms\": [...]}.")
@with_context(role="viewer")
def alarms_command(cc: CommandContext, as_json: bool) -> None:
    """Alarms active now: service level below target, long waits, spans in alarm, disk space."""
    _, active = _live(cc)
    if as_json:
        emit_json({"alarms": [{"key": a.key, "message": a.message} for a in active]})
    else:
        click.echo("\n".join(a.message for a in active) or "no alarms")
