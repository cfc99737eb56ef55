"""Configuration as numbered revisions in the database, changed through a validated candidate.

Each feature registers its section once, at import::

    register_section("queues", {"support": {...}}, validate_queues)

``validate(section_dict)`` raises ``ConfigError("queues.support.strategy", "unknown strategy
'fastest'; expected one of ...")`` (use the helpers in firmware.store.sections).

``store.config`` (a ``ConfigManager``):
    running() / running_rev()        the committed configuration (defaults merged in) and its number
    candidate(user)                  that user's working copy (kept in the database until committed)
    set(user, "a.b.c", value) / unset(user, "a.b.c") / load(user, dict) / discard(user)
    validate(config) -> [ConfigError] every problem, each naming the field path
    commit(user, message) -> rev     validates the whole candidate; on any error applies nothing
    rollback(user, rev) -> rev       a new revision equal to an old one
    diff(a, b) -> [(path, old, new)], revisions(), revision(rev)
    export_toml(rev=None) / import_toml(user, text)   TOML text <-> candidate
Every change is written to the audit log. ``on_commit`` callbacks get the new running config.
"""
from __future__ import annotations

import copy
import logging
import threading
import tomllib
from dataclasses import dataclass
from typing import Any, Callable

from firmware.store import tomlwrite
from firmware.store.schema import now_time


class ConfigError(ValueError):
    """One problem in a configuration: ``path`` is the field ("queues.support.strategy")."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ConfigInvalid(ValueError):
    """A candidate failed validation; nothing was applied. ``errors`` lists every problem."""

    def __init__(self, errors: list[ConfigError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass(frozen=True)
class Section:
    name: str
    defaults: dict
    validate: Callable[[dict], None] | None


SECTIONS: dict[str, Section] = {}


def register_section(name: str, defaults: dict, validate: Callable[[dict], None] | None = None) -> None:
    """Add (or replace) a configuration section with its defaults and validator."""
    SECTIONS[name] = Section(name, copy.deepcopy(defaults), validate)


def defaults() -> dict:
    _load_builtin_sections()
    return {name: copy.deepcopy(s.defaults) for name, s in SECTIONS.items()}


# Modules that register a section when imported. Add a feature's module here, in one line,
# so its section is known whichever command runs (host shell, console, daemon).
SECTION_MODULES = [
    "firmware.store.sections",        # spans, users, retention, console
    "firmware.acd.config",            # acd
    "firmware.ivr.config",            # ivr
    "firmware.reports.config",        # reports
    "firmware.calls.voicemail",       # voicemail
]
_loaded = False


def _load_builtin_sections() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib
    for name in SECTION_MODULES:
        try:
            importlib.import_module(name)
        except ImportError as exc:        # a feature not installed: its section is unknown
            logging.getLogger(__name__).warning("configuration section module %s: %s", name, exc)


def merged(base: dict, over: dict) -> dict:
    """``base`` with ``over`` laid on top (dicts merged key by key, other values replaced)."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def validate(config: Any) -> list[ConfigError]:
    """Every problem of a whole configuration (empty list = valid)."""
    _load_builtin_sections()
    if not isinstance(config, dict):
        return [ConfigError("config", "must be a table of sections")]
    errors = []
    for name, value in config.items():
        section = SECTIONS.get(name)
        if section is None:
            errors.append(ConfigError(name, f"unknown section; expected one of {', '.join(sorted(SECTIONS))}"))
            continue
        if not isinstance(value, dict):
            errors.append(ConfigError(name, "must be a table"))
            continue
        if section.validate:
            try:
                section.validate(value)
            except ConfigError as exc:
                errors.append(exc)
            except Exception as exc:   # a validator bug must not let bad config through
                errors.append(ConfigError(name, f"validator failed: {exc}"))
    return errors


def diff(old: dict, new: dict, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(path, old value, new value) for every leaf that differs; None stands for absent."""
    out = []
    for key in sorted(set(old) | set(new), key=str):
        path = f"{prefix}{key}"
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(diff(a, b, path + "."))
        elif a != b:
            out.append((path, a, b))
    return out


def parse_value(text: str):
    """A value typed on a command line: TOML syntax (3, true, "x", [1, 2]) or else plain text."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _split_path(path: str) -> list[str]:
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise ConfigError(path or "path", "expected a dotted path such as retention.cdr")
    return parts


class ConfigManager:
    """Revisions and candidates of one Store (see the module docstring)."""

    def __init__(self, store):
        self.store = store
        self.on_commit: list[Callable[[dict], None]] = []
        self._lock = threading.Lock()

    # -- committed ------------------------------------------------------------------------
    def revisions(self) -> list[dict]:
        """Committed revisions, oldest first (an unreadable day of them is logged and skipped)."""
        errors: list[str] = []
        revs = sorted(self.store.records("config", errors=errors), key=lambda r: r["rev"])
        for error in errors:
            logging.getLogger(__name__).error("configuration revisions unreadable: %s", error)
        return revs

    def running_rev(self) -> int:
        revs = self.revisions()
        return revs[-1]["rev"] if revs else 0

    def revision(self, rev: int) -> dict:
        for r in self.revisions():
            if r["rev"] == rev:
                return merged(defaults(), r["config"])
        raise ConfigError("rev", f"no revision {rev} (have {self.running_rev()} revisions)")

    def running(self) -> dict:
        revs = self.revisions()
        return merged(defaults(), revs[-1]["config"] if revs else {})

    def section(self, name: str) -> dict:
        return self.running().get(name, {})

    # -- candidate ------------------------------------------------------------------------
    def candidate(self, user: str) -> dict:
        rec = self.store.find("candidates", user)
        return merged(defaults(), rec["config"]) if rec else self.running()

    def has_candidate(self, user: str) -> bool:
        return self.store.find("candidates", user) is not None

    def _save_candidate(self, user: str, config: dict) -> None:
        self.store.upsert("candidates", {"user": user, "base_rev": self.running_rev(), "config": config})

    def set(self, user: str, path: str, value) -> None:
        parts = _split_path(path)
        _load_builtin_sections()
        if parts[0] not in SECTIONS:
            raise ConfigError(parts[0], f"unknown section; expected one of {', '.join(sorted(SECTIONS))}")
        if len(parts) < 2:
            raise ConfigError(path, "set a field of the section, e.g. retention.cdr")
        config = self.candidate(user)
        node = config
        for i, part in enumerate(parts[:-1]):
            nxt = node.setdefault(part, {})
            if not isinstance(nxt, dict):
                raise ConfigError(".".join(parts[:i + 1]), "is a value, not a table")
            node = nxt
        node[parts[-1]] = value
        self._save_candidate(user, config)

    def unset(self, user: str, path: str) -> None:
        """Remove a field from the candidate (a section's field goes back to its default)."""
        parts = _split_path(path)
        config = self.candidate(user)
        node = config
        for part in parts[:-1]:
            node = node.get(part)
            if not isinstance(node, dict):
                raise ConfigError(path, "no such field")
        if parts[-1] not in node:
            raise ConfigError(path, "no such field")
        del node[parts[-1]]
        default = defaults()
        for part in parts[:-1]:
            default = default.get(part, {}) if isinstance(default, dict) else {}
        if isinstance(default, dict) and parts[-1] in default:
            node[parts[-1]] = copy.deepcopy(default[parts[-1]])
        self._save_candidate(user, config)

    def load(self, user: str, config: dict) -> list[ConfigError]:
        """Replace the candidate with ``config`` (over the defaults); returns its problems."""
        self._save_candidate(user, merged(defaults(), config))
        return validate(self.candidate(user))

    def discard(self, user: str) -> bool:
        rec = self.store.find("candidates", user)
        if rec:
            self.store.delete("candidates", rec["id"])
        return rec is not None

    # -- commit / rollback --------------------------------------------------------------------
    def commit(self, user: str, message: str = "", source: str = "host") -> int:
        return self._new_revision(user, self.candidate(user), message, "commit", source, drop_candidate=True)

    def rollback(self, user: str, rev: int, source: str = "host") -> int:
        return self._new_revision(user, self.revision(rev), f"rollback to {rev}", "rollback", source)

    def _new_revision(self, user, config, message, kind, source, drop_candidate=False) -> int:
        errors = validate(config)
        if errors:
            raise ConfigInvalid(errors)
        with self._lock:
            before = self.running()
            changes = diff(before, config)
            rev = self.running_rev() + 1
            self.store.insert("config", {"time": now_time(), "rev": rev, "user": user, "message": message,
                                         "config": config, "changes": [c[0] for c in changes], "kind": kind})
        if drop_candidate:
            self.discard(user)
        self.store.audit(user, f"config.{kind}", f"rev {rev}: " + (", ".join(c[0] for c in changes) or "no changes"),
                         source=source).result()
        for callback in list(self.on_commit):
            callback(config)
        return rev

    # -- TOML -------------------------------------------------------------------------------
    def export_toml(self, rev: int | None = None) -> str:
        return tomlwrite.dumps(self.running() if rev is None else self.revision(rev))

    def import_toml(self, user: str, text: str) -> list[ConfigError]:
        """Parse TOML into the user's candidate; returns the candidate's problems (none applied)."""
        try:
            config = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("toml", str(exc)) from None
        return self.load(user, config)
