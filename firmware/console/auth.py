"""Console accounts: salted scrypt password hashes, back-off and lockout, roles.

Accounts are records of the ``users`` table (name, role, hash, failures, locked_until).
``Accounts(store, clock)``:
    needs_first_password()             True until the admin account has a password (first boot)
    set_password(name, password, role=None, by="host")   creates the account if needed
    login(name, password) -> LoginResult(ok, role, wait_s, locked, message)
After a failed login the caller must wait ``backoff_s * 2**(failures-1)`` seconds (capped at
``backoff_max_s``) before the next try; after ``max_failures`` failures in a row the account
is locked for ``lockout_s``. All of these come from the ``console`` configuration section.
``clock`` (seconds, default time.time) is injectable so tests need not wait.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
from dataclasses import dataclass
from typing import Callable

from firmware.store.durable import CorruptFile
from firmware.store.schema import ROLES, now_time

SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
log = logging.getLogger(__name__)


class PasswordError(ValueError):
    """A new password is not acceptable (the message says why)."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        test = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                              dklen=len(digest) // 2, maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(test.hex(), digest)


_DUMMY_HASH = None


@dataclass
class LoginResult:
    ok: bool
    role: str | None = None
    wait_s: float = 0.0          # back-off before the next attempt
    locked: bool = False
    message: str = ""


class Accounts:
    """Console accounts of one store (see module docstring)."""

    def __init__(self, store, clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock

    def _policy(self) -> dict:
        return self.store.config.section("console") | {"min_password_length":
                                                       self.store.config.section("users").get("min_password_length", 8)}

    def _find(self, name: str) -> dict | None:
        """The account, or None; an unreadable users file counts as no accounts (it is logged,
        and setting the admin password again starts a new file, the old one kept aside)."""
        try:
            return self.store.find("users", name)
        except CorruptFile as exc:
            log.error("accounts unreadable: %s", exc)
            return None

    def needs_first_password(self) -> bool:
        admin = self._find("admin")
        return admin is None or not admin.get("hash")

    def users(self) -> list[dict]:
        return [{k: v for k, v in u.items() if k != "hash"} | {"password": bool(u.get("hash"))}
                for u in self.store.records("users")]

    def set_password(self, name: str, password: str, role: str | None = None, by: str = "host",
                     source: str = "host") -> None:
        if not name or not name.isprintable() or " " in name or len(name) > 32:
            raise PasswordError(f"user name {name!r}: 1..32 printable characters without spaces")
        minimum = self._policy()["min_password_length"]
        if len(password) < minimum:
            raise PasswordError(f"password too short (at least {minimum} characters)")
        if password.strip() != password or not password.isprintable():
            raise PasswordError("password: no leading/trailing spaces or control characters")
        existing = self._find(name) or {}
        role = role or existing.get("role") or ("admin" if name == "admin" else "viewer")
        if role not in ROLES:
            raise PasswordError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        self.store.upsert("users", {"name": name, "role": role, "hash": hash_password(password),
                                    "failures": 0, "locked_until": 0.0, "changed": now_time()})
        self.store.audit(by, "user.password", f"{name} (role {role})", source=source).result()

    def set_role(self, name: str, role: str, by: str, source: str = "host") -> None:
        user = self.store.find("users", name)
        if user is None:
            raise PasswordError(f"no user {name!r}")
        if role not in ROLES:
            raise PasswordError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        self.store.update("users", user["id"], {"role": role})
        self.store.audit(by, "user.role", f"{name} -> {role}", source=source).result()

    def unlock(self, name: str, by: str, source: str = "host") -> None:
        user = self.store.find("users", name)
        if user is None:
            raise PasswordError(f"no user {name!r}")
        self.store.update("users", user["id"], {"failures": 0, "locked_until": 0.0})
        self.store.audit(by, "user.unlock", name, source=source).result()

    def delete(self, name: str, by: str, source: str = "host") -> None:
        user = self.store.find("users", name)
        if user is None:
            raise PasswordError(f"no user {name!r}")
        if name == "admin":
            raise PasswordError("the admin account cannot be deleted")
        self.store.delete("users", user["id"])
        self.store.audit(by, "user.delete", name, source=source).result()

    def _note(self, write) -> None:
        """Login bookkeeping (failure counter, audit) must not lock people out of a box whose
        disk is full or read-only: a failed write is logged and the login goes on."""
        try:
            write()
        except Exception as exc:
            log.error("login bookkeeping not written: %s", exc)

    def login(self, name: str, password: str, source: str = "console") -> LoginResult:
        global _DUMMY_HASH
        policy = self._policy()
        now = self.clock()
        user = self._find(name) if name else None
        if user is None or not user.get("hash"):
            _DUMMY_HASH = _DUMMY_HASH or hash_password("not a password")
            verify_password(password, _DUMMY_HASH)         # same cost as a real check
            self._note(lambda: self.store.audit(name or "?", "login.failed", "unknown user", source=source).result())
            return LoginResult(False, wait_s=float(policy["backoff_s"]), message="Login incorrect")
        if user.get("locked_until", 0) > now:
            left = int(user["locked_until"] - now + 0.999)
            return LoginResult(False, locked=True, wait_s=float(policy["backoff_s"]),
                               message=f"Account locked after too many failed logins; try again in {left} s")
        if verify_password(password, user["hash"]):
            if user.get("failures"):
                self._note(lambda: self.store.update("users", user["id"], {"failures": 0, "locked_until": 0.0}))
            self._note(lambda: self.store.audit(name, "login", "ok", source=source).result())
            return LoginResult(True, role=user["role"], message="")
        failures = int(user.get("failures", 0)) + 1
        changes = {"failures": failures}
        locked = failures >= policy["max_failures"]
        if locked:
            changes = {"failures": 0, "locked_until": now + policy["lockout_s"]}
        self._note(lambda: self.store.update("users", user["id"], changes))
        self._note(lambda: self.store.audit(name, "login.failed", "locked" if locked else f"failure {failures}",
                                            source=source).result())
        wait = min(float(policy["backoff_s"]) * 2 ** (failures - 1), float(policy["backoff_max_s"]))
        message = ("Login incorrect; account locked for %d s" % policy["lockout_s"]) if locked else "Login incorrect"
        return LoginResult(False, wait_s=wait, locked=locked, message=message)
