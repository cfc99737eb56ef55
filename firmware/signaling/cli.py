"""`e1desk r2 ...`: MFC/R2 variant tables, per-call signalling traces, channel states, settings.

`r2 variants` works anywhere; `r2 trace`, `r2 channels` and `r2 set` read or change the
running box (serial console), whose R2 spans are ``box.r2`` (an R2Signalling, box.py).
"""
from __future__ import annotations

import json

import click

from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit, emit_json
from firmware.errors import BadInput, Failure
from firmware.signaling.calls import format_trace
from firmware.signaling.options import TIMERS, OptionsError
from firmware.signaling.variants import VARIANTS, get_variant


def live_r2(cc: CommandContext):
    r2 = getattr(cc.box, "r2", None) if cc.box is not None else None
    if r2 is None:
        raise Failure("no live R2 signalling here: use this on the serial console of a running box "
                      "with r2-china / r2-itu spans")
    return r2


def _span(r2, number: int | None):
    if number is None:
        return list(r2.spans.values())
    try:
        return [r2.span(number)]
    except KeyError as exc:
        raise BadInput("--span", str(exc.args[0])) from None


@click.group()
def r2() -> None:
    """MFC/R2 signalling: variant tables, call traces, channel states, per-span settings."""


@r2.command("variants")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
def variants(name: str | None, as_json: bool) -> None:
    """Show the signal meanings of the R2 variants (or of NAME: itu, china, brazil)."""
    try:
        chosen = [get_variant(name)] if name else list(VARIANTS.values())
    except ValueError as exc:
        raise BadInput("NAME", str(exc)) from None
    tables = [v.describe() for v in chosen]
    if as_json:
        emit_json(tables if not name else tables[0])
        return
    for table in tables:
        click.echo(f"{table['name']}: {table['description']} (CD bits {table['cd_bits']})")
        for group in ("group_a", "group_b", "group_ii"):
            click.echo(f"  {group}: " + ", ".join(f"{k}={v}" for k, v in table[group].items()))
        click.echo(f"  end_of_dnis={table['end_of_dnis']} end_of_ani={table['end_of_ani']} "
                   f"ani_first={table['ani_first']}")


@r2.command("trace")
@click.option("--span", "span", type=int, default=None, help="Only this span.")
@click.option("--ts", type=click.IntRange(1, 31), default=None, help="Only this timeslot.")
@click.option("--last", type=click.IntRange(1, 256), default=5, show_default=True, help="Calls to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
@with_context(role="viewer")
def trace(cc: CommandContext, span: int | None, ts: int | None, last: int, as_json: bool) -> None:
    """Show the signalling trace of the last calls (ABCD and MF in and out, states, timers)."""
    calls = []
    for r2span in _span(live_r2(cc), span):
        calls += r2span.traces(ts=ts, last=last)
    calls = sorted(calls, key=lambda c: c["seized_at"])[-last:]
    if as_json:
        emit_json({"calls": calls})
        return
    click.echo("\n\n".join(format_trace(c) for c in calls) if calls else "(no calls)")


@r2.command("channels")
@click.option("--span", "span", type=int, default=None, help="Only this span.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
@with_context(role="viewer")
def channels(cc: CommandContext, span: int | None, as_json: bool) -> None:
    """Show every R2 channel: line state, ABCD in and out, blocking, the call on it."""
    rows = []
    for r2span in _span(live_r2(cc), span):
        snap = r2span.snapshot()
        for c in snap["channels"]:
            call = c["call"] or {}
            rows.append({"span": snap["span"], "ts": c["ts"], "state": c["state"], "rx": c["rx"],
                         "tx": c["tx"], "far_blocked": c["far_blocked"], "dnis": call.get("dnis"),
                         "ani": call.get("ani")})
    emit(rows, as_json, ["span", "ts", "state", "rx", "tx", "far_blocked", "dnis", "ani"])


@r2.command("set")
@click.option("--span", "span", type=int, required=True, help="The R2 span to change.")
@click.argument("settings", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON document on stdout.")
@with_context(role="operator")
def set_options(cc: CommandContext, span: int, settings: tuple[str, ...], as_json: bool) -> None:
    """Change R2 settings of a span: max_dnis=6 max_ani=0 ani_first=false glare=keep
    hunt=high category=national timer.seize_ack=3000 (ms). New calls use them."""
    changes: dict = {}
    for item in settings:
        key, sep, text = item.partition("=")
        if not sep:
            raise BadInput(item, "expected key=value")
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = text
        if key.startswith("timer."):
            name = key[len("timer."):]
            if name not in TIMERS:
                raise BadInput(key, f"unknown timer (expected one of {', '.join(TIMERS)})")
            changes.setdefault("timers_ms", {})[name] = value
        else:
            changes[key] = value
    r2signalling = live_r2(cc)
    _span(r2signalling, span)
    try:
        options = r2signalling.reconfigure(span, changes)
    except OptionsError as exc:
        raise BadInput(exc.where, exc.reason) from None
    cc.audit("r2 set", f"span {span}: {' '.join(settings)}")
    emit(options.as_dict(), as_json)
