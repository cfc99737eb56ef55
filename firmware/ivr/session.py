"""One caller's walk through the IVR menus, driven by events and the line clock.

    session = IvrSession(ivr_section, {"call_id": ..., "ani": ..., "dnis": ...}, clock, lookups, actions)
    session.start()
    session.digit("1") / session.prompt_done() / session.hangup()   # from the call layer

``actions`` (an ``IvrActions``) is how the session acts on the call: ``play(prompts,
barge_in)`` (the call layer calls ``prompt_done()`` when the list has played; not after
``stop_playback()``), ``stop_playback()``, and ``route(kind, target, data)`` once, when the
call leaves the IVR: kind "queue" | "voicemail" | "extension" | "hangup"; ``data`` holds ani,
dnis, the collected inputs (card_number ...), ``ivr_path`` and for queues ``priority``.

Input nodes (menu, collect) play their prompts; with barge-in a key stops the prompt and
counts. Then a menu waits ``timeout_s`` for one key; a collect waits
``first_digit_timeout_s`` for the first digit and ``inter_digit_timeout_s`` between digits,
and ends on the terminator, at ``max_digits``, or on the inter-digit timeout. A wrong or
missing entry plays ``invalid_prompts`` / ``timeout_prompts`` and the node's prompts again;
after ``retries`` attempts the caller hears ``fail_prompts`` and goes to ``fail``.
``path`` lists the menus visited and the final target (for the CDR); ``inputs`` the entries.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from firmware.clock import LineClock
from firmware.ivr import schedule
from firmware.ivr.config import INPUT_TYPES, KEYS, node_settings, parse_target
from firmware.ivr.lookups import Lookups
from firmware.ivr.say import say_digits, say_number

MAX_PASSIVE_STEPS = 100          # belt and braces: validation already refuses such loops


class IvrActions:
    """What the call layer does for a session (override all three)."""

    def play(self, prompts: list[str], barge_in: bool) -> None:
        raise NotImplementedError

    def stop_playback(self) -> None:
        raise NotImplementedError

    def route(self, kind: str, target: str, data: dict) -> None:
        raise NotImplementedError


class IvrSession:
    def __init__(self, ivr: dict, context: dict, clock: LineClock, lookups: Lookups, actions: IvrActions,
                 wall_time: Callable[[], dt.datetime] = dt.datetime.now):
        self.ivr, self.clock, self.lookups, self.actions, self.wall_time = ivr, clock, lookups, actions, wall_time
        self.context = {"ani": context.get("ani", ""), "dnis": context.get("dnis", "")}
        self.call_id = context.get("call_id", "")
        self.path: list[str] = []
        self.inputs: dict[str, object] = {}
        self.done = False
        self.node: dict | None = None
        self.name = ""
        self.phase = "idle"          # prompting | waiting | closing | idle
        self.attempts = 0
        self.buffer = ""
        self._timer = None
        self._steps = 0
        self._after_prompt: Callable[[], None] | None = None

    # -- events from the call layer --------------------------------------------------------
    def start(self) -> None:
        first = self.ivr.get("dnis", {}).get(self.context["dnis"]) or self.ivr["start"]
        self._goto(f"menu:{first}")

    def digit(self, key: str) -> None:
        if self.done or self.node is None:
            return
        if self.phase == "prompting" and self.node.get("barge_in"):
            self.actions.stop_playback()
            self._listen()
        if self.phase == "waiting":
            self._cancel_timer()
            if self.node["type"] == "menu":
                self._menu_key(key)
            elif self.node["type"] == "collect":
                self._collect_key(key)
        elif self.phase == "passing" and self.node.get("barge_in"):      # a play node with barge-in
            self.actions.stop_playback()
            self._after_prompt = None
            self._goto(self.node["next"], carry=key)

    def prompt_done(self) -> None:
        if self.done or self._after_prompt is None:
            return
        then, self._after_prompt = self._after_prompt, None
        then()

    def hangup(self) -> None:
        """The caller hung up: stop everything (no route is sent)."""
        self._cancel_timer()
        self.done = True
        self.phase = "idle"
        self.path.append("caller-hangup")

    # -- moving between nodes ----------------------------------------------------------------
    def _goto(self, target: str, carry: str = "") -> None:
        kind, name, priority = parse_target(target)
        if kind != "menu":
            self._route(kind, name, priority)
            return
        self._steps += 1
        if self._steps > MAX_PASSIVE_STEPS:
            self._route("hangup", "", None)
            return
        self.name, self.node = name, node_settings(self.ivr["menus"][name])
        self.path.append(name)
        self.attempts, self.buffer = 0, ""
        kind = self.node["type"]
        if kind in INPUT_TYPES:
            self._steps = 0
            if carry and self.node["barge_in"]:
                self._listen()
                self.digit(carry)
            else:
                self._prompt(self.node["prompts"])
        elif kind == "play":
            self.phase = "passing"
            self._play(self.node["prompts"], self.node["barge_in"], lambda: self._goto(self.node["next"]))
        elif kind == "lookup":
            record = self._find(self.node["table"], str(self._variable(self.node["key"])))
            if record is not None and self.node["store"]:
                self.inputs[self.node["store"]] = record
            self._goto(self.node["found"] if record is not None else self.node["not_found"])
        elif kind == "time":
            self._goto(self._time_target(self.node))

    def _route(self, kind: str, target: str, priority: int | None) -> None:
        self._cancel_timer()
        self.done, self.phase = True, "idle"
        self.path.append(f"{kind}:{target}" if target else kind)
        data = {**self.context, **self.inputs, "ivr_path": list(self.path)}
        if kind == "queue" and priority is not None:
            data["priority"] = priority
        self.actions.route(kind, target, data)

    def _time_target(self, node: dict) -> str:
        when = self.wall_time()
        if node["holiday"] and schedule.is_holiday(when, self.ivr.get("holidays", [])):
            return node["holiday"]
        for rule in node["rules"]:
            if schedule.rule_matches(rule, when):
                return rule["goto"]
        return node["default"]

    def _find(self, table: str, key: str) -> dict | None:
        try:
            return self.lookups.find(table, key)
        except Exception:          # a failing database must not drop the call: treat as not found
            self.path.append(f"lookup-failed:{table}")
            return None

    # -- prompts and input ---------------------------------------------------------------------
    def _play(self, prompts: list[str], barge_in: bool, then: Callable[[], None]) -> None:
        spoken = self._expand(prompts)
        if not spoken:
            then()
            return
        self._after_prompt = then
        self.actions.play(spoken, barge_in)

    def _prompt(self, prompts: list[str]) -> None:
        """Play an input node's prompts (barge-in as configured), then wait for keys."""
        self.phase, self.buffer = "prompting", ""
        self._play(prompts, self.node["barge_in"], self._listen)

    def _listen(self) -> None:
        self._after_prompt = None
        self.phase = "waiting"
        first = self.node["timeout_s"] if self.node["type"] == "menu" else self.node["first_digit_timeout_s"]
        self._start_timer(first)

    def _menu_key(self, key: str) -> None:
        target = self.node["options"].get(key)
        if target is None:
            self._retry(self.node["invalid_prompts"])
            return
        if self.node["store"]:
            self.inputs[self.node["store"]] = key
        self._goto(target)

    def _collect_key(self, key: str) -> None:
        node = self.node
        if node["terminator"] and key == node["terminator"]:
            self._collected()
            return
        self.buffer += key
        if len(self.buffer) >= node["max_digits"]:
            self._collected()
        else:
            self._start_timer(node["inter_digit_timeout_s"])

    def _collected(self) -> None:
        node, entry = self.node, self.buffer
        if not entry:
            self._retry(node["timeout_prompts"])
            return
        valid = len(entry) >= node["min_digits"] and entry.isdigit()
        if valid and node["check"]:
            valid = self._find(node["check"], entry) is not None
        if not valid:
            self._retry(node["invalid_prompts"])
            return
        self.inputs[node["store"]] = entry
        self._goto(node["next"])

    def _timed_out(self) -> None:
        self._timer = None
        if self.done or self.phase != "waiting":
            return
        if self.node["type"] == "collect" and self.buffer:
            self._collected()                  # the inter-digit timeout ends the entry
        else:
            self._retry(self.node["timeout_prompts"])

    def _retry(self, prompts: list[str]) -> None:
        self.attempts += 1
        self._cancel_timer()
        if self.attempts >= self.node["retries"]:
            self.phase = "closing"
            self.path.append(f"{self.name}:failed")
            self._play(self.node["fail_prompts"], False, lambda: self._goto(self.node["fail"]))
        else:
            self._prompt(list(prompts) + list(self.node["prompts"]))

    # -- helpers ----------------------------------------------------------------------------------
    def _variable(self, name: str):
        return self.inputs.get(name, self.context.get(name, ""))

    def _expand(self, prompts: list[str]) -> list[str]:
        out: list[str] = []
        for prompt in prompts:
            if prompt.startswith("say-digits:"):
                out += say_digits("".join(k for k in str(self._variable(prompt[11:])) if k in KEYS))
            elif prompt.startswith("say-number:"):
                value = str(self._variable(prompt[11:]))
                out += say_number(int(value)) if value.isdigit() else []
            else:
                out.append(prompt)
        return out

    def _start_timer(self, seconds: float) -> None:
        self._cancel_timer()
        self._timer = self.clock.call_later(LineClock.frames(seconds), self._timed_out)

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
