"""Checks of the ``ivr`` section as a whole tree; every problem names its field path.

``problems(section, queues=None)`` lists every problem found (``ConfigError`` with ``path``
such as "ivr.menus.main.options.3" and a reason such as "no menu named 'sales'");
``validate_ivr(section)`` raises the first (the store's section validator). Besides each
field's type and range it checks that targets exist, that every menu is reachable from
``start`` or a ``dnis`` entry, that no loop runs without waiting for the caller (through
play, lookup and time nodes only), and that spoken variables are ones the call will have.
Given ``queues`` (names of the acd section's queues) it checks queue targets as well.
"""
from __future__ import annotations

import re

from firmware.ivr.config import INPUT_TYPES, KEYS, NODE_DEFAULTS, node_settings, parse_target
from firmware.ivr.schedule import DAYS, check_holiday, minutes
from firmware.store.config import ConfigError

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
SAY = re.compile(r"^say-(digits|number):([a-z][a-z0-9_]*)$")
TOP = ("start", "dnis", "holidays", "menus")
BUILTIN_VARS = {"ani", "dnis"}


def validate_ivr(section: dict) -> None:
    found = problems(section)
    if found:
        raise found[0]


def problems(section: dict, queues=None) -> list[ConfigError]:
    errors: list[ConfigError] = []

    def bad(path: str, reason: str) -> None:
        errors.append(ConfigError(path, reason))

    for key in section:
        if key not in TOP:
            bad(f"ivr.{key}", f"unknown field; expected one of {', '.join(TOP)}")
    menus = section.get("menus")
    if not isinstance(menus, dict) or not menus:
        bad("ivr.menus", "must be a table with at least one menu")
        return errors
    for i, day in enumerate(section.get("holidays", [])):
        try:
            check_holiday(day)
        except ValueError as exc:
            bad(f"ivr.holidays.{i}", str(exc))
    variables = BUILTIN_VARS | {m.get("store") for m in menus.values() if isinstance(m, dict) and m.get("store")}
    edges: dict[str, list[str]] = {}
    for name, node in menus.items():
        path = f"ivr.menus.{name}"
        if not NAME.match(name):
            bad(path, "menu names are lower-case letters, digits, - and _, starting with a letter")
        if not isinstance(node, dict) or node.get("type") not in NODE_DEFAULTS:
            bad(f"{path}.type", f"expected one of {', '.join(NODE_DEFAULTS)}, got "
                                f"{node.get('type') if isinstance(node, dict) else node!r}")
            continue
        edges[name] = _check_node(path, node, menus, variables, queues, bad)

    entries = {}
    start = section.get("start")
    if start not in menus:
        bad("ivr.start", f"no menu named {start!r}")
    else:
        entries["ivr.start"] = start
    dnis = section.get("dnis", {})
    if not isinstance(dnis, dict):
        bad("ivr.dnis", "must be a table of dialled number -> menu")
        dnis = {}
    for number, menu in dnis.items():
        if not number.isdigit():
            bad(f"ivr.dnis.{number}", "dialled numbers are digits")
        if menu not in menus:
            bad(f"ivr.dnis.{number}", f"no menu named {menu!r}")
        else:
            entries[f"ivr.dnis.{number}"] = menu
    _check_graph(menus, edges, set(entries.values()), bad)
    return errors


def _check_node(path, node, menus, variables, queues, bad) -> list[str]:
    """Check one node's fields; returns the menus it can go to."""
    kind = node["type"]
    allowed = set(NODE_DEFAULTS[kind]) | {"type"}
    for key in node:
        if key not in allowed:
            bad(f"{path}.{key}", f"unknown field for a {kind} node; expected one of {', '.join(sorted(allowed))}")
    s = node_settings(node)
    targets: list[tuple[str, object]] = []
    for field in ("prompts", "invalid_prompts", "timeout_prompts", "fail_prompts"):
        if field in s:
            _check_prompts(f"{path}.{field}", s[field], variables, bad)
    for field in ("fail", "next", "found", "not_found", "default"):
        if field in s:
            targets.append((f"{path}.{field}", s[field]))
    if kind in INPUT_TYPES:
        _int(bad, f"{path}.retries", s["retries"], 1, 10)
        _bool(bad, f"{path}.barge_in", s["barge_in"])
        if s["store"] and not re.fullmatch(r"[a-z][a-z0-9_]*", str(s["store"])):
            bad(f"{path}.store", f"variable names are lower-case letters, digits and _, got {s['store']!r}")
    if kind == "menu":
        _num(bad, f"{path}.timeout_s", s["timeout_s"], 0.5, 120)
        options = s["options"]
        if not isinstance(options, dict) or not options:
            bad(f"{path}.options", "a menu needs at least one key -> target")
        else:
            for key, target in options.items():
                if len(key) != 1 or key not in KEYS:
                    bad(f"{path}.options.{key}", "option keys are single keys 0-9, * or #")
                targets.append((f"{path}.options.{key}", target))
    elif kind == "collect":
        _int(bad, f"{path}.min_digits", s["min_digits"], 1, 32)
        _int(bad, f"{path}.max_digits", s["max_digits"], 1, 32)
        if isinstance(s["min_digits"], int) and isinstance(s["max_digits"], int) and s["min_digits"] > s["max_digits"]:
            bad(f"{path}.min_digits", f"{s['min_digits']} is more than max_digits {s['max_digits']}")
        if s["terminator"] not in ("#", "*", ""):
            bad(f"{path}.terminator", f"expected '#', '*' or '' (none), got {s['terminator']!r}")
        _num(bad, f"{path}.first_digit_timeout_s", s["first_digit_timeout_s"], 0.5, 120)
        _num(bad, f"{path}.inter_digit_timeout_s", s["inter_digit_timeout_s"], 0.5, 60)
        if not s["store"]:
            bad(f"{path}.store", "a collect node must name the variable it stores the digits in")
        if s["check"] and not NAME.match(str(s["check"])):
            bad(f"{path}.check", f"not a lookup table name: {s['check']!r}")
    elif kind == "play":
        _bool(bad, f"{path}.barge_in", s["barge_in"])
        if not s["prompts"]:
            bad(f"{path}.prompts", "a play node needs something to play")
    elif kind == "lookup":
        if not NAME.match(str(s["table"])):
            bad(f"{path}.table", f"not a lookup table name: {s['table']!r}")
        if s["key"] not in variables:
            bad(f"{path}.key", f"no variable {s['key']!r} (have {', '.join(sorted(variables))})")
        if s["store"] and not re.fullmatch(r"[a-z][a-z0-9_]*", str(s["store"])):
            bad(f"{path}.store", f"not a variable name: {s['store']!r}")
    elif kind == "time":
        _check_rules(path, s["rules"], targets, bad)
        if s["holiday"]:
            targets.append((f"{path}.holiday", s["holiday"]))
    return [menu for menu in (_target_menu(p, t, menus, queues, bad) for p, t in targets) if menu]


def _check_rules(path, rules, targets, bad) -> None:
    if not isinstance(rules, list) or not rules:
        bad(f"{path}.rules", "a time node needs at least one rule {days, from, to, goto}")
        return
    for i, rule in enumerate(rules):
        rpath = f"{path}.rules.{i}"
        if not isinstance(rule, dict) or set(rule) != {"days", "from", "to", "goto"}:
            bad(rpath, "a rule has exactly: days, from, to, goto")
            continue
        days = rule["days"]
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            bad(f"{rpath}.days", f"expected a list of {', '.join(DAYS)}, got {days!r}")
        try:
            if minutes(rule["from"]) >= minutes(rule["to"]):
                bad(f"{rpath}.to", "must be later than from (split a span over midnight into two rules)")
        except ValueError as exc:
            bad(f"{rpath}.{'from' if not _is_hhmm(rule['from']) else 'to'}", str(exc))
        targets.append((f"{rpath}.goto", rule["goto"]))


def _is_hhmm(text) -> bool:
    try:
        minutes(text)
        return True
    except ValueError:
        return False


def _target_menu(path, target, menus, queues, bad) -> str | None:
    try:
        kind, name, _ = parse_target(target)
    except ValueError as exc:
        bad(path, str(exc))
        return None
    if kind == "menu":
        if name not in menus:
            bad(path, f"no menu named {name!r}")
            return None
        return name
    if kind == "queue" and queues is not None and name not in queues:
        bad(path, f"no queue named {name!r} in acd.queues")
    return None


def _check_prompts(path, prompts, variables, bad) -> None:
    if not isinstance(prompts, list) or not all(isinstance(p, str) and p for p in prompts):
        bad(path, "expected a list of prompt names")
        return
    for i, prompt in enumerate(prompts):
        if prompt.startswith("say-"):
            match = SAY.match(prompt)
            if not match:
                bad(f"{path}.{i}", f"{prompt!r}: expected say-digits:VARIABLE or say-number:VARIABLE")
            elif match.group(2) not in variables:
                bad(f"{path}.{i}", f"no variable {match.group(2)!r} (have {', '.join(sorted(variables))})")


def _check_graph(menus, edges, entries, bad) -> None:
    reached, todo = set(), list(entries)
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(edges.get(name, []))
    for name in menus:
        if name in edges and name not in reached:
            bad(f"ivr.menus.{name}", "unreachable: no path from start or a dnis entry leads here")
    # a loop among nodes that never wait for the caller would spin for ever
    passive = {n for n in edges if menus[n]["type"] not in INPUT_TYPES}
    done: set[str] = set()

    def visit(name: str, stack: list[str]) -> None:
        stack.append(name)
        for nxt in edges[name]:
            if nxt in stack:
                loop = stack[stack.index(nxt):] + [nxt]
                bad(f"ivr.menus.{nxt}", "loop without input: " + " -> ".join(loop))
            elif nxt in passive and nxt not in done:
                visit(nxt, stack)
        stack.pop()
        done.add(name)

    for name in sorted(passive):
        if name not in done:
            visit(name, [])


def _int(bad, path, value, low, high) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        bad(path, f"expected an integer, got {value!r}")
    elif not low <= value <= high:
        bad(path, f"{value} out of range {low}..{high}")


def _num(bad, path, value, low, high) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        bad(path, f"expected a number of seconds, got {value!r}")
    elif not low <= value <= high:
        bad(path, f"{value} out of range {low}..{high}")


def _bool(bad, path, value) -> None:
    if not isinstance(value, bool):
        bad(path, f"expected true or false, got {value!r}")
