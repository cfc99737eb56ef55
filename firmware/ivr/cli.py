"""`e1desk ivr check` and `e1desk ivr try`: check menus and walk through them offline.

    ivr check [FILE.toml]     the whole tree (and its queue targets against acd.queues);
                              FILE holds an [ivr] table (and optionally [acd]); no FILE: the
                              running configuration of --data
    ivr try KEYS [FILE.toml]  one simulated call: every prompt is taken as played to the end,
                              then the next key of KEYS is pressed; "." lets the wait run out.
                              --valid TABLE:KEY makes a lookup succeed (cards:880012).
"""
from __future__ import annotations

import datetime as dt
import importlib
import tomllib

import click

from firmware.console.context import with_context
from firmware.console.render import emit, emit_json
from firmware.errors import BadInput


@click.group()
def ivr() -> None:
    """Voice menus: check the tree, try a call through it."""


def _load(cc, path: str | None) -> tuple[dict, dict]:
    """(ivr section, acd queues) from a TOML file or the running configuration."""
    for module in ("firmware.acd.config", "firmware.ivr.config"):    # register their sections
        importlib.import_module(module)
    if path is None:
        running = cc.store.config.running()
        return running.get("ivr", {}), running.get("acd", {}).get("queues", {})
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as exc:
        raise BadInput("FILE", f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput("FILE", f"{path}: not TOML: {exc}") from None
    section = doc.get("ivr", doc)
    from firmware.acd.config import ACD_DEFAULTS
    return section, doc.get("acd", {}).get("queues", ACD_DEFAULTS["queues"])


@ivr.command("check")
@click.argument("path", metavar="[FILE.toml]", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def check(cc, path, as_json) -> None:
    """Check the menu tree; every problem names its field path (exit status 2 if any)."""
    from firmware.ivr.validate import problems
    section, queues = _load(cc, path)
    errors = problems(section, queues=set(queues)) if isinstance(section, dict) else []
    result = {"ok": not errors, "menus": len(section.get("menus", {})) if isinstance(section, dict) else 0,
              "errors": [{"path": e.path, "reason": e.reason} for e in errors]}
    if as_json:
        emit_json(result)
    elif errors:
        for e in errors:
            click.echo(f"{e.path}: {e.reason}")
    else:
        click.echo(f"ok: {result['menus']} menus")
    if errors:
        raise click.exceptions.Exit(2)


@ivr.command("try")
@click.argument("keys")
@click.argument("path", metavar="[FILE.toml]", required=False)
@click.option("--ani", default="13800138000", show_default=True, help="Caller's number.")
@click.option("--dnis", default="", help="Dialled number (chooses the first menu by ivr.dnis).")
@click.option("--at", "at", metavar="TIME", help="Wall time for time-of-day routing (ISO, default now).")
@click.option("--valid", multiple=True, metavar="TABLE:KEY", help="A record a lookup will find.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def try_call(cc, keys, path, ani, dnis, at, valid, as_json) -> None:
    """Walk one call through the menus with KEYS ("." = no key until the timeout)."""
    from firmware.clock import LineClock
    from firmware.ivr.lookups import MemoryLookups
    from firmware.ivr.session import IvrActions, IvrSession
    from firmware.ivr.validate import problems
    section, _ = _load(cc, path)
    errors = problems(section)
    if errors:
        raise BadInput(errors[0].path, errors[0].reason)
    when = _when(at)
    tables: dict[str, dict] = {}
    for item in valid:
        table, sep, key = item.partition(":")
        if not sep or not table or not key:
            raise BadInput("--valid", f"expected TABLE:KEY, got {item!r}")
        tables.setdefault(table, {})[key] = {"key": key}
    bad = [k for k in keys if k not in "0123456789*#."]
    if bad:
        raise BadInput("KEYS", f"{bad[0]!r} is not a key (0-9, *, #, or . to wait)")

    class Log(IvrActions):
        def __init__(self):
            self.played, self.routed = [], []

        def play(self, prompts, barge_in):
            self.played.append(prompts)

        def stop_playback(self):
            self.played.append(["(stopped)"])

        def route(self, kind, target, data):
            self.routed.append({"kind": kind, "target": target, "data": data})

    clock = LineClock({1: 1}, host_time=lambda: 0.0)
    clock.span_state(1, True)
    log = Log()
    session = IvrSession(section, {"call_id": "try", "ani": ani, "dnis": dnis}, clock,
                         MemoryLookups(tables), log, wall_time=lambda: when)
    session.start()
    for key in keys + "." * 40:                 # then wait until the session ends
        if session.done:
            break
        session.prompt_done()
        if key == ".":
            clock.frames_received(1, LineClock.frames(121))
            clock.run_due()
        else:
            session.digit(key)
    result = {"played": log.played, "path": session.path, "inputs": session.inputs,
              "route": log.routed[0] if log.routed else None}
    emit(result, as_json)


def _when(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now()
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadInput("--at", f"not a time: {text!r} (expected e.g. 2026-11-23T10:00)") from None
