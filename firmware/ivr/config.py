"""The ``ivr`` configuration section: menus as data, their defaults, and call targets.

Section::

    start = "main"                  # first menu of every call
    dnis = {"95105" = "main"}       # optional first menu per dialled number
    holidays = ["2026-10-01", "01-01"]
    [menus.NAME]                    # one node per menu, by "type":
      menu     prompts, options {key: target}, timeout_s, retries, invalid_prompts,
               timeout_prompts, fail_prompts, fail, store, barge_in
      collect  prompts, min_digits, max_digits, terminator, first_digit_timeout_s,
               inter_digit_timeout_s, store, check (lookup table), retries, invalid_prompts,
               timeout_prompts, fail_prompts, fail, next, barge_in
      play     prompts, next, barge_in
      lookup   table, key (variable), store, found, not_found
      time     rules [{days, from, to, goto}], holiday, default

Targets: "menu:NAME", "queue:NAME" or "queue:NAME:PRIORITY" (0..9), "voicemail:BOX",
"extension:DIGITS", "hangup". Prompts are names of the prompt set, or "say-digits:VAR" /
"say-number:VAR" to speak a variable (ani, dnis, or one a node stored). ``retries`` counts
attempts: after that many invalid or missing entries the caller hears ``fail_prompts`` and
goes to ``fail`` (a polite hang-up by default).
"""
from __future__ import annotations

import copy

from firmware.store.config import register_section

KEYS = "0123456789*#"
TARGET_KINDS = ("menu", "queue", "voicemail", "extension", "hangup")

_INPUT_COMMON = {
    "prompts": [], "retries": 3, "invalid_prompts": ["pm-invalid-option"],
    "timeout_prompts": ["ivr/no-input"], "fail_prompts": ["ivr/too-many-attempts", "goodbye"],
    "fail": "hangup", "store": "", "barge_in": True,
}
NODE_DEFAULTS = {
    "menu": {**_INPUT_COMMON, "options": {}, "timeout_s": 5.0},
    "collect": {**_INPUT_COMMON, "min_digits": 1, "max_digits": 16, "terminator": "#",
                "first_digit_timeout_s": 8.0, "inter_digit_timeout_s": 4.0, "check": "", "next": "hangup"},
    "play": {"prompts": [], "next": "hangup", "barge_in": False},
    "lookup": {"table": "", "key": "ani", "store": "", "found": "hangup", "not_found": "hangup"},
    "time": {"rules": [], "holiday": "", "default": "hangup"},
}
INPUT_TYPES = ("menu", "collect")            # nodes that wait for the caller

IVR_DEFAULTS = {
    "start": "main",
    "dnis": {},
    "holidays": [],
    "menus": {
        "main": {
            "type": "menu", "prompts": ["ivr/welcome", "ivr/main-menu"], "store": "service",
            "options": {"1": "menu:product_card", "2": "queue:outsourced", "0": "queue:general"},
        },
        "product_card": {
            "type": "collect", "prompts": ["ivr/enter-card"], "min_digits": 6, "max_digits": 12,
            "terminator": "#", "store": "card_number", "check": "cards",
            "invalid_prompts": ["ivr/card-invalid"], "fail_prompts": ["ivr/card-refused", "goodbye"],
            "next": "queue:product",
        },
    },
}

#: What the default menu's own prompts say (for the board's prompt synthesis); the other
#: names (pm-invalid-option, goodbye, digits/N, queue-*) are in the usual core prompt set.
PROMPT_TEXTS = {
    "ivr/welcome": "Welcome to the help desk.",
    "ivr/main-menu": "For product service, press 1. For outsourced service, press 2. For an agent, press 0.",
    "ivr/enter-card": "Please enter your product card number, then press the pound key.",
    "ivr/card-invalid": "That card number is not valid. Please enter it again.",
    "ivr/card-refused": "Sorry, the card number was not accepted after three attempts.",
    "ivr/no-input": "We did not receive your entry.",
    "ivr/too-many-attempts": "Sorry, we could not understand your choice.",
}


def node_settings(node: dict) -> dict:
    """A menu node with every default of its type filled in."""
    settings = copy.deepcopy(NODE_DEFAULTS[node["type"]])
    settings.update(copy.deepcopy(node))
    return settings


def parse_target(target: str) -> tuple[str, str, int | None]:
    """(kind, name, priority) of a target string; ValueError saying why if it is not one."""
    if not isinstance(target, str):
        raise ValueError(f"expected a target such as 'menu:main' or 'queue:product', got {target!r}")
    if target == "hangup":
        return "hangup", "", None
    kind, sep, rest = target.partition(":")
    if not sep or kind not in TARGET_KINDS or kind == "hangup" or not rest:
        raise ValueError(f"{target!r} is not a target; expected menu:NAME, queue:NAME[:PRIORITY], "
                         "voicemail:BOX, extension:DIGITS or hangup")
    priority = None
    if kind == "queue" and ":" in rest:
        rest, _, prio = rest.partition(":")
        if not (prio.isdigit() and len(prio) == 1):
            raise ValueError(f"{target!r}: the priority after the queue is 0 (highest) .. 9 (lowest)")
        priority = int(prio)
    if kind == "extension" and not rest.isdigit():
        raise ValueError(f"{target!r}: an extension is digits")
    return kind, rest, priority


def _validate(section: dict) -> None:
    from firmware.ivr.validate import validate_ivr     # imported late: it imports this module
    validate_ivr(section)


def register() -> None:
    """Add the ``ivr`` section to the store's configuration registry."""
    register_section("ivr", IVR_DEFAULTS, _validate)


register()
