"""`e1desk ticket ...` and `e1desk agent ...`: the help desk's event records and the agent list.

Tickets follow the closed loop problem -> solution -> follow-up -> close, with escalation
first line -> second line -> expert; each change is a follow-up entry and an audit record.
Agents are records of the ``agents`` table (id, name, extension, skills {skill: level}),
checked by the ACD's rules (firmware.acd.config.check_agents) before they are stored.
"""
from __future__ import annotations

import click

from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit
from firmware.errors import BadInput
from firmware.store.schema import TICKET_STATUSES, TIERS, RecordError, now_time


def _bad(exc) -> BadInput:
    if isinstance(exc, RecordError):
        return BadInput(exc.where, exc.reason)
    return BadInput("ID", str(exc).strip("'\""))


@click.group()
def ticket() -> None:
    """Tickets: open, note, status, escalate, rate, link, show."""


@ticket.command("open")
@click.option("--caller", required=True, help="Caller's number or name.")
@click.option("--category", required=True, help="Kind of problem.")
@click.option("--description", default="", help="What the caller reports.")
@click.option("--call", "calls", multiple=True, help="Call id this ticket belongs to (repeatable).")
@click.option("--tier", type=click.Choice(TIERS), default="first_line", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def ticket_open(cc: CommandContext, caller, category, description, calls, tier, as_json) -> None:
    """Open a ticket; prints its number."""
    record = {"created": now_time(), "updated": now_time(), "caller": caller, "category": category,
              "description": description, "tier": tier, "status": "open", "agent": cc.user,
              "calls": list(calls)}
    try:
        rid = cc.store.insert("tickets", record)
    except RecordError as exc:
        raise _bad(exc) from None
    cc.audit("ticket.open", f"{rid} {category}")
    emit({"ticket": rid}, as_json)


def _change(cc: CommandContext, rid: str, changes: dict, note: str) -> None:
    try:
        if cc.store.get("tickets", rid) is None:
            raise BadInput("ID", f"no ticket {rid}")
        cc.store.update("tickets", rid, changes | {"updated": now_time()})
        cc.store.append("tickets", rid, "follow_ups", {"time": now_time(), "by": cc.user, "note": note})
    except (RecordError, KeyError) as exc:
        raise _bad(exc) from None
    cc.audit("ticket.update", f"{rid}: {note}")


@ticket.command("note")
@click.argument("rid", metavar="ID")
@click.argument("text")
@with_context(role="operator")
def ticket_note(cc: CommandContext, rid: str, text: str) -> None:
    """Add a follow-up note (what was done, what the caller said)."""
    _change(cc, rid, {}, text)


@ticket.command("status")
@click.argument("rid", metavar="ID")
@click.argument("status", type=click.Choice(TICKET_STATUSES))
@click.option("--note", default="", help="Why (kept as a follow-up).")
@with_context(role="operator")
def ticket_status(cc: CommandContext, rid: str, status: str, note: str) -> None:
    """Move a ticket to open, in_progress, resolved or closed."""
    _change(cc, rid, {"status": status}, f"status {status}" + (f": {note}" if note else ""))


@ticket.command("escalate")
@click.argument("rid", metavar="ID")
@click.option("--note", default="", help="Why (kept as a follow-up).")
@with_context(role="operator")
def ticket_escalate(cc: CommandContext, rid: str, note: str) -> None:
    """Raise a ticket one tier: first line -> second line -> expert."""
    current = cc.store.get("tickets", rid) if _is_id(rid) else None
    if current is None:
        raise BadInput("ID", f"no ticket {rid}")
    tier = current.get("tier") or "first_line"
    if tier == TIERS[-1]:
        raise BadInput("tier", f"ticket {rid} is already with the {tier}")
    new = TIERS[TIERS.index(tier) + 1]
    _change(cc, rid, {"tier": new}, f"escalated to {new}" + (f": {note}" if note else ""))


@ticket.command("rate")
@click.argument("rid", metavar="ID")
@click.argument("score", type=click.IntRange(1, 5))
@with_context(role="operator")
def ticket_rate(cc: CommandContext, rid: str, score: int) -> None:
    """Record the caller's satisfaction score (1..5)."""
    _change(cc, rid, {"satisfaction": score}, f"satisfaction {score}")


@ticket.command("link")
@click.argument("rid", metavar="ID")
@click.option("--call", "calls", multiple=True, help="Call id (repeatable).")
@click.option("--recording", "recordings", multiple=True, help="Recording id (repeatable).")
@with_context(role="operator")
def ticket_link(cc: CommandContext, rid: str, calls, recordings) -> None:
    """Link calls and recordings to a ticket."""
    current = cc.store.get("tickets", rid) if _is_id(rid) else None
    if current is None:
        raise BadInput("ID", f"no ticket {rid}")
    changes = {"calls": sorted(set(current.get("calls") or []) | set(calls)),
               "recordings": sorted(set(current.get("recordings") or []) | set(recordings))}
    _change(cc, rid, changes, "linked " + " ".join([*calls, *recordings]))


@ticket.command("show")
@click.argument("rid", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def ticket_show(cc: CommandContext, rid: str, as_json: bool) -> None:
    """Show a ticket with its follow-ups."""
    current = cc.store.get("tickets", rid) if _is_id(rid) else None
    if current is None:
        raise BadInput("ID", f"no ticket {rid}")
    if as_json:
        return emit(current, True)
    emit({k: v for k, v in current.items() if k != "follow_ups"}, False)
    for follow in current.get("follow_ups") or []:
        click.echo(f"  {follow.get('time', '')}  {follow.get('by', '')}: {follow.get('note', '')}")


def _is_id(rid: str) -> bool:
    part, _, num = rid.partition("-")
    return len(part) == 8 and part.isdigit() and num.isdigit()


# -- agents -------------------------------------------------------------------------------------
@click.group()
def agent() -> None:
    """Agents: id, name, phone extension and skills (as the ACD uses them)."""


def _skills(values) -> dict:
    skills = {}
    for item in values:
        name, sep, level = item.partition("=")
        if not sep or not level.isdigit():
            raise BadInput("--skill", f"expected SKILL=LEVEL (1 best .. 9), got {item!r}")
        skills[name] = int(level)
    return skills


@agent.command("set")
@click.argument("agent_id", metavar="ID")
@click.option("--name", help="Display name.")
@click.option("--extension", help="The agent phone's extension (digits).")
@click.option("--skill", "skills", multiple=True, metavar="SKILL=LEVEL", help="Skill and level (repeatable).")
@click.option("--tier", type=click.Choice(TIERS))
@with_context(role="operator")
def agent_set(cc: CommandContext, agent_id, name, extension, skills, tier) -> None:
    """Create or change an agent (given fields only; skills replace the old ones)."""
    from firmware.store.config import ConfigError
    current = dict(cc.store.find("agents", agent_id) or {"agent": agent_id})
    current.pop("id", None)
    for key, value in (("name", name), ("extension", extension), ("tier", tier)):
        if value is not None:
            current[key] = value
    if skills:
        current["skills"] = _skills(skills)
    others = [a for a in cc.store.records("agents") if a.get("agent") != agent_id]
    try:
        from firmware.acd.config import check_agents
        check_agents(others + [current])
    except ImportError:
        pass
    except ConfigError as exc:
        raise BadInput(exc.path, exc.reason) from None
    try:
        cc.store.upsert("agents", current)
    except RecordError as exc:
        raise _bad(exc) from None
    cc.audit("agent.set", f"{agent_id}: " + ", ".join(f"{k}={v}" for k, v in current.items() if k != "agent"))
    click.echo(f"agent {agent_id} saved")


@agent.command("del")
@click.argument("agent_id", metavar="ID")
@with_context(role="operator")
def agent_del(cc: CommandContext, agent_id) -> None:
    """Remove an agent."""
    current = cc.store.find("agents", agent_id)
    if current is None:
        raise BadInput("ID", f"no agent {agent_id}")
    cc.store.delete("agents", current["id"])
    cc.audit("agent.delete", agent_id)
    click.echo(f"agent {agent_id} removed")


@agent.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def agent_list(cc: CommandContext, as_json: bool) -> None:
    """The agents and their skills."""
    rows = sorted(cc.store.records("agents"), key=lambda a: a.get("agent", ""))
    emit(rows, as_json, ["agent", "name", "extension", "tier", "skills"])


# -- product cards (what the IVR's card check looks up) ------------------------------------------
@click.group()
def cards() -> None:
    """Product cards: the numbers callers enter in the IVR's product-card menu."""


@cards.command("add")
@click.argument("number")
@click.option("--product", default="", help="Product the card belongs to.")
@click.option("--customer", default="", help="Customer or owner.")
@click.option("--warranty-until", default=None, help="End of warranty (ISO date).")
@with_context(role="operator")
def cards_add(cc: CommandContext, number, product, customer, warranty_until) -> None:
    """Add or change one card."""
    if not number.isdigit():
        raise BadInput("NUMBER", f"{number!r}: a card number is digits only (callers key it in)")
    record = {"card": number, "product": product, "customer": customer}
    if warranty_until:
        record["warranty_until"] = warranty_until
    try:
        cc.store.upsert("cards", record)
    except RecordError as exc:
        raise _bad(exc) from None
    cc.audit("cards.add", number)
    click.echo(f"card {number} saved")


@cards.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, exists=True))
@with_context(role="operator")
def cards_import(cc: CommandContext, csv_file) -> None:
    """Import cards from a CSV with a header: card[,product,customer,warranty_until,notes]."""
    import csv
    with open(csv_file, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows or "card" not in rows[0]:
        raise BadInput(csv_file, "needs a header line with a 'card' column")
    for line, row in enumerate(rows, 2):
        if not (row.get("card") or "").isdigit():
            raise BadInput(f"{csv_file}:{line}", f"card {row.get('card')!r} is not digits; nothing imported")
    for row in rows:
        try:
            cc.store.upsert("cards", {k: v for k, v in row.items() if v not in (None, "")})
        except RecordError as exc:
            raise _bad(exc) from None
    cc.audit("cards.import", f"{len(rows)} cards from {csv_file}")
    click.echo(f"{len(rows)} cards imported")


@cards.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def cards_list(cc: CommandContext, as_json: bool) -> None:
    """All cards."""
    rows = [{k: v for k, v in r.items() if k != "id"} for r in cc.store.records("cards")]
    if as_json:
        return emit({"cards": rows}, True)
    for r in rows:
        click.echo(f"{r['card']:<16} {r.get('product', ''):<20} {r.get('customer', '')}")
