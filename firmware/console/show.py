"""`e1desk show ...`: the live box (spans, channels, calls, queues, agents, alarms, clock) from
``box.snapshot()``, and stored state (config, revisions, log, users) from the store.
Every show command takes ``--json``.
"""
from __future__ import annotations

import click

from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit, emit_json, table_text

SNAPSHOT_COLUMNS = {
    "channels": ["span", "ts", "state", "abcd_rx", "abcd_tx"],
    "calls": ["call_id", "span", "ts", "state", "ani", "dnis", "queue", "agent", "seconds"],
    "queues": ["queue", "waiting", "longest_wait_s", "agents_free", "agents_busy", "offered", "answered",
               "abandoned", "service_level"],
    "agents": ["agent", "state", "queue", "call_id", "since_s", "calls"],
    "alarms": ["time", "source", "alarm", "severity"],
}


@click.group()
def show() -> None:
    """Show the live box (spans, channels, calls, queues, agents, alarms) and stored state."""


@show.command("spans")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def show_spans(cc: CommandContext, as_json: bool) -> None:
    """Spans with alarms, error counters, connection and timing source."""
    snap = cc.snapshot()
    spans = snap.get("spans", [])
    if as_json:
        return emit_json({"clock": snap.get("clock"), "spans": spans})
    clock = snap.get("clock") or {}
    if clock:
        click.echo(f"clock: {clock.get('source')}  frames {clock.get('frames')}  {clock.get('seconds', 0):.1f} s")
    rows = [{"span": s.get("span"), "name": s.get("name"), "backend": s.get("backend"),
             "connected": s.get("connected"), "timing": s.get("timing"),
             "alarms": s.get("alarms") or ["OK"], **(s.get("counters") or {})} for s in spans]
    counters = sorted({k for s in spans for k in (s.get("counters") or {})})
    click.echo(table_text(rows, ["span", "name", "backend", "connected", "timing", "alarms", *counters]))


def _snapshot_command(name: str, help_text: str):
    @show.command(name, help=help_text)
    @click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
    @with_context(role="viewer")
    def command(cc: CommandContext, as_json: bool) -> None:
        rows = cc.snapshot().get(name, [])
        if as_json:
            return emit_json(rows)
        columns = SNAPSHOT_COLUMNS[name]
        extra = sorted({k for r in rows for k in r} - set(columns))
        click.echo(table_text(rows, columns + extra))
    return command


_snapshot_command("channels", "Channels (span, timeslot) with their state and ABCD bits.")
_snapshot_command("calls", "Calls in progress.")
_snapshot_command("queues", "Queues: waiting callers, free agents, today's counts.")
_snapshot_command("agents", "Agents and their states.")
_snapshot_command("alarms", "Active alarms of spans, queues and the box.")


@show.command("config")
@click.argument("section", required=False)
@click.option("--candidate", is_flag=True, help="Show your candidate instead of the running config.")
@click.option("--rev", type=int, help="Show an old revision.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def show_config(cc: CommandContext, section, candidate, rev, as_json) -> None:
    """The running configuration (as TOML), a section of it, a candidate or an old revision."""
    from firmware.store import tomlwrite
    from firmware.store.config import ConfigError
    from firmware.errors import BadInput
    cfg = cc.store.config
    try:
        config = cfg.candidate(cc.user) if candidate else (cfg.revision(rev) if rev else cfg.running())
    except ConfigError as exc:
        raise BadInput(exc.path, exc.reason) from None
    if section:
        if section not in config:
            raise BadInput("SECTION", f"unknown section {section!r}; expected one of {', '.join(sorted(config))}")
        config = {section: config[section]}
    if as_json:
        return emit_json(config)
    click.echo(tomlwrite.dumps(config).rstrip())


@show.command("revisions")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def show_revisions(cc: CommandContext, as_json: bool) -> None:
    """Configuration revisions: number, when, who, what changed."""
    rows = [{"rev": r["rev"], "time": r["time"], "user": r["user"], "kind": r.get("kind"),
             "message": r.get("message"), "changes": r.get("changes")} for r in cc.store.config.revisions()]
    emit(rows, as_json, ["rev", "time", "user", "kind", "message", "changes"])


@show.command("log")
@click.option("--lines", "-n", type=click.IntRange(1, 10000), default=30, show_default=True)
@click.option("--days", type=click.IntRange(1, 3660), default=7, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def show_log(cc: CommandContext, lines: int, days: int, as_json: bool) -> None:
    """The audit log: logins, changes and exports (newest last)."""
    import datetime as dt
    since = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=days - 1)
    rows = list(cc.store.records("audit", since=since))[-lines:]
    emit(rows, as_json, ["time", "user", "source", "action", "detail"])


@show.command("users")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def show_users(cc: CommandContext, as_json: bool) -> None:
    """Console accounts and roles (never the password hashes)."""
    from firmware.console.auth import Accounts
    emit(Accounts(cc.store).users(), as_json, ["name", "role", "password", "failures", "changed"])
