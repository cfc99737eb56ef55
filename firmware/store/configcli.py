"""`e1desk config ...`, `commit`, `rollback`, `diff`: change the configuration through a candidate.

    config set PATH VALUE     e.g. config set retention.cdr 400, config set spans.1.framing ccs
    config unset PATH         back to the default
    config import FILE.toml   replace the candidate with a TOML file (checked, not applied)
    config export [--rev N]   the running configuration (or a revision) as TOML
    config discard            drop your candidate
    diff [--rev N]            candidate against running (or running against revision N)
    commit [-m MESSAGE]       validate the whole candidate; apply it as a new revision or nothing
    rollback REV              a new revision equal to REV
Every change is audited. Validation errors name the field and the reason (exit status 2).
"""
from __future__ import annotations

import click

from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit, emit_json
from firmware.errors import BadInput


def _config_errors(errors) -> BadInput:
    first = errors[0]
    more = "".join(f"\n{e}" for e in errors[1:])
    return BadInput(first.path, first.reason + more)


@click.group()
def config() -> None:
    """Change the configuration: set/unset on your candidate, then diff and commit."""


@config.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("path")
@click.argument("value")
@with_context(role="operator")
def config_set(cc: CommandContext, path: str, value: str) -> None:
    """Set PATH (section.field...) to VALUE (TOML syntax: 3, true, "text", [1, 2]) in your candidate."""
    from firmware.store.config import ConfigError, parse_value, validate
    try:
        cc.store.config.set(cc.user, path, parse_value(value))
    except ConfigError as exc:
        raise BadInput(exc.path, exc.reason) from None
    section = path.split(".")[0]
    problems = [e for e in validate(cc.store.config.candidate(cc.user)) if e.path.split(".")[0] == section]
    for problem in problems:
        click.echo(f"warning: {problem} (commit will refuse this)", err=True)


@config.command("unset")
@click.argument("path")
@with_context(role="operator")
def config_unset(cc: CommandContext, path: str) -> None:
    """Remove PATH from your candidate (a field goes back to its default)."""
    from firmware.store.config import ConfigError
    try:
        cc.store.config.unset(cc.user, path)
    except ConfigError as exc:
        raise BadInput(exc.path, exc.reason) from None


@config.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_context(role="operator")
def config_import(cc: CommandContext, file) -> None:
    """Load a TOML file as your candidate (then diff and commit)."""
    from firmware.store.config import ConfigError
    try:
        problems = cc.store.config.import_toml(cc.user, file.read())
    except ConfigError as exc:
        raise BadInput(f"{file.name}: {exc.path}", exc.reason) from None
    except UnicodeDecodeError as exc:
        raise BadInput(file.name, f"not UTF-8 text ({exc})") from None
    cc.audit("config.import", f"{file.name} into candidate")
    if problems:
        raise _config_errors(problems)
    click.echo("candidate loaded; check it with diff, apply it with commit")


@config.command("export")
@click.option("--rev", type=int, help="Export an old revision instead of the running one.")
@with_context(role="viewer")
def config_export(cc: CommandContext, rev) -> None:
    """Print the running configuration (or revision REV) as TOML."""
    from firmware.store.config import ConfigError
    try:
        click.echo(cc.store.config.export_toml(rev), nl=False)
    except ConfigError as exc:
        raise BadInput(exc.path, exc.reason) from None
    cc.audit("config.export", f"rev {rev or cc.store.config.running_rev()}")


@config.command("discard")
@with_context(role="operator")
def config_discard(cc: CommandContext) -> None:
    """Drop your candidate."""
    click.echo("candidate discarded" if cc.store.config.discard(cc.user) else "no candidate")


@click.command("diff")
@click.option("--rev", type=int, help="Compare revision REV with the running configuration instead.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def diff(cc: CommandContext, rev, as_json) -> None:
    """What commit would change: your candidate against the running configuration."""
    from firmware.store.config import ConfigError, diff as config_diff
    cfg = cc.store.config
    try:
        old, new = (cfg.revision(rev), cfg.running()) if rev else (cfg.running(), cfg.candidate(cc.user))
    except ConfigError as exc:
        raise BadInput(exc.path, exc.reason) from None
    changes = [{"path": p, "old": a, "new": b} for p, a, b in config_diff(old, new)]
    if as_json:
        return emit_json(changes)
    if not changes:
        click.echo("no changes")
    for c in changes:
        click.echo(f"- {c['path']} = {c['old']!r}" if c["old"] is not None else f"  (new) {c['path']}")
        if c["new"] is not None:
            click.echo(f"+ {c['path']} = {c['new']!r}")


@click.command("commit")
@click.option("-m", "--message", default="", help="Why (kept with the revision).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def commit(cc: CommandContext, message: str, as_json: bool) -> None:
    """Validate your whole candidate and make it the running configuration (or change nothing)."""
    from firmware.store.config import ConfigInvalid
    if not cc.store.config.has_candidate(cc.user):
        raise BadInput("commit", "no candidate: change something first with config set")
    try:
        rev = cc.store.config.commit(cc.user, message, source=cc.source)
    except ConfigInvalid as exc:
        raise _config_errors(exc.errors) from None
    emit({"rev": rev}, as_json)


@click.command("rollback")
@click.argument("rev", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def rollback(cc: CommandContext, rev: int, as_json: bool) -> None:
    """Make revision REV the running configuration again (as a new revision)."""
    from firmware.store.config import ConfigError, ConfigInvalid
    try:
        new = cc.store.config.rollback(cc.user, rev, source=cc.source)
    except ConfigInvalid as exc:
        raise _config_errors(exc.errors) from None
    except ConfigError as exc:
        raise BadInput(exc.path, exc.reason) from None
    emit({"rev": new, "rolled_back_to": rev}, as_json)
