"""The ``acd`` configuration section (queues, seats, reasons) and the check of agent records.

Registered with the store's configuration registry on import (``register()`` does it again
explicitly). A queue's table may leave out any field of ``QUEUE_DEFAULTS``; ``queue_settings``
fills them in. Agents are records of the store's ``agents`` table (agent, name, extension,
skills {skill: level}); ``check_agents`` validates them for the ACD.

Skill levels: 1 (offered first) .. 9 (offered last). A queue offers a call to the ready
agents of the best level holding its skill, and the queue's strategy picks among them.
"""
from __future__ import annotations

import copy
import re

from firmware.store.config import ConfigError, register_section
from firmware.store.sections import check_bool, check_choice, check_int, check_keys, check_number, check_str

STRATEGIES = ("longest_idle", "round_robin", "fewest_calls", "least_talk_time", "ring_all", "linear", "random")
MAX_WAIT_ACTIONS = ("voicemail", "callback")
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
DIGITS = re.compile(r"^[0-9]{1,8}$")

QUEUE_DEFAULTS = {
    "number": "",                     # digits dialled in a transfer feature code (*7601#); "" = none
    "skill": "",                      # skill an agent needs; "" = the queue's name
    "strategy": "longest_idle",
    "priority": 5,                    # caller priority when the entry point gives none (0 highest)
    "ring_timeout_s": 15.0,           # no answer after this: next agent
    "wrapup_s": 10.0,                 # after-call work; the agent can end it early (*5)
    "max_wait_s": 300.0,              # then the max_wait_action; 0 = wait forever
    "max_wait_action": "voicemail",
    "overflow_s": 0.0,                # after this wait move to overflow_to; 0 = never
    "overflow_to": "",
    "announce_position": True,        # position and expected wait, on entry and every announce_every_s
    "announce_every_s": 30.0,         # 0 = only on entry
    "periodic_prompts": ["queue-periodic-announce"],
    "periodic_every_s": 60.0,         # 0 = never
    "moh": "default",                 # music-on-hold class played while waiting
    "service_level_s": 20.0,          # threshold of the service level statistic
    "aht_s": 180.0,                   # handle time assumed until calls have been observed
}

ACD_DEFAULTS = {
    "ports": 16,                      # trunk ports: calls the ACD holds at once (waiting + ringing + talking)
    "seats": 10,                      # agents signed in at once
    "max_misses": 3,                  # consecutive unanswered offers before an agent is paused
    "transfer_ring_s": 20.0,          # a blind transfer not answered within this returns the caller
    "reasons": {"1": "break", "2": "lunch", "3": "meeting", "4": "training", "5": "backoffice"},
    "queues": {
        "product": {"number": "601", "skill": "product", "overflow_s": 60.0, "overflow_to": "general"},
        "outsourced": {"number": "602", "skill": "outsourced", "overflow_s": 60.0, "overflow_to": "general"},
        "general": {"number": "600", "skill": "general", "max_wait_action": "callback"},
    },
}

#: Ten seats for a fresh box, in the agents table's record shape (the lead seeds the table).
DEFAULT_AGENTS = [
    {"agent": f"10{n:02d}", "name": f"Agent {n}", "extension": f"80{n:02d}",
     "skills": {"product": 1 if n <= 5 else 2, "outsourced": 1 if n > 5 else 2, "general": 1}}
    for n in range(1, 11)
]


def queue_settings(queues: dict, name: str) -> dict:
    """One queue's settings with every default filled in."""
    settings = copy.deepcopy(QUEUE_DEFAULTS)
    settings.update(copy.deepcopy(queues[name]))
    settings["skill"] = settings["skill"] or name
    return settings


def validate_acd(section: dict) -> None:
    check_keys(section, ACD_DEFAULTS, "acd")
    for name, value in section.items():
        path = f"acd.{name}"
        if name == "ports":
            check_int(value, path, 1, 480)
        elif name == "seats":
            check_int(value, path, 1, 100)
        elif name == "max_misses":
            check_int(value, path, 1, 100)
        elif name == "transfer_ring_s":
            check_number(value, path, 1, 600)
        elif name == "reasons":
            _check_reasons(value, path)
        elif name == "queues":
            _check_queues(value, path)


def _check_reasons(reasons, path: str) -> None:
    if not isinstance(reasons, dict):
        raise ConfigError(path, "must be a table of reason code -> name")
    for code, label in reasons.items():
        if not re.fullmatch(r"[0-9]{1,2}", code):
            raise ConfigError(f"{path}.{code}", "reason codes are 1 or 2 digits (dialled after *4)")
        check_str(label, f"{path}.{code}", 32)


def _check_queues(queues, path: str) -> None:
    if not isinstance(queues, dict) or not queues:
        raise ConfigError(path, "must be a table with at least one queue")
    numbers: dict[str, str] = {}
    for name, queue in queues.items():
        qpath = f"{path}.{name}"
        if not NAME.match(name):
            raise ConfigError(qpath, "queue names are lower-case letters, digits, - and _, starting with a letter")
        if not isinstance(queue, dict):
            raise ConfigError(qpath, "must be a table")
        check_keys(queue, QUEUE_DEFAULTS, qpath)
        q = queue_settings(queues, name)
        for field, value in queue.items():
            _check_queue_field(field, value, f"{qpath}.{field}")
        if q["overflow_s"] > 0:
            if q["overflow_to"] not in queues:
                raise ConfigError(f"{qpath}.overflow_to", f"no queue named {q['overflow_to']!r}")
            if q["overflow_to"] == name:
                raise ConfigError(f"{qpath}.overflow_to", "a queue cannot overflow to itself")
            if q["max_wait_s"] and q["overflow_s"] >= q["max_wait_s"]:
                raise ConfigError(f"{qpath}.overflow_s", "must be shorter than max_wait_s, or it never happens")
        if q["number"]:
            if q["number"] in numbers:
                raise ConfigError(f"{qpath}.number", f"{q['number']} is already queue {numbers[q['number']]!r}'s number")
            numbers[q["number"]] = name


def _check_queue_field(field: str, value, path: str) -> None:
    if field == "number":
        if value != "" and not DIGITS.match(str(value)):
            raise ConfigError(path, f"expected 1..8 digits, got {value!r}")
    elif field == "skill":
        if value != "" and not NAME.match(str(value)):
            raise ConfigError(path, f"not a skill name: {value!r}")
    elif field == "strategy":
        check_choice(value, path, STRATEGIES)
    elif field == "max_wait_action":
        check_choice(value, path, MAX_WAIT_ACTIONS)
    elif field == "priority":
        check_int(value, path, 0, 9)
    elif field == "announce_position":
        check_bool(value, path)
    elif field == "periodic_prompts":
        if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
            raise ConfigError(path, "expected a list of prompt names")
    elif field in ("moh", "overflow_to"):
        check_str(value, path, 64)
    elif field in ("ring_timeout_s", "aht_s"):
        check_number(value, path, 1, 86400)
    else:
        check_number(value, path, 0, 86400)


def check_agents(records: list[dict], seats_limit: int | None = None) -> list[dict]:
    """Agent records checked for the ACD (ConfigError naming ``agents.ID.field``)."""
    seen: dict[str, str] = {}
    out = []
    for record in records:
        agent = record.get("agent")
        if not isinstance(agent, str) or not agent:
            raise ConfigError("agents.agent", f"every agent needs an id, got {agent!r}")
        path = f"agents.{agent}"
        if agent in seen:
            raise ConfigError(path, "duplicate agent id")
        extension = record.get("extension") or ""
        if not DIGITS.match(extension):
            raise ConfigError(f"{path}.extension", f"expected the phone's 1..8 digit extension, got {extension!r}")
        if extension in seen.values():
            raise ConfigError(f"{path}.extension", f"{extension} is already another agent's extension")
        skills = record.get("skills") or {}
        if not isinstance(skills, dict):
            raise ConfigError(f"{path}.skills", "expected a table of skill -> level")
        for skill, level in skills.items():
            if not NAME.match(skill):
                raise ConfigError(f"{path}.skills.{skill}", "not a skill name")
            check_int(level, f"{path}.skills.{skill}", 1, 9)
        seen[agent] = extension
        out.append({"agent": agent, "name": record.get("name") or agent, "extension": extension,
                    "skills": dict(skills)})
    return out


def register() -> None:
    """Add the ``acd`` section to the store's configuration registry."""
    register_section("acd", ACD_DEFAULTS, validate_acd)


register()
