"""What a command of the e1desk tree runs against: the store, the live box (if any), who asks.

On the serial console the session builds a ``CommandContext`` (store and box of the running
daemon, the logged-in user and role) and passes it as click's ``ctx.obj``. On the host shell
there is no ``ctx.obj``: ``@with_context`` opens the store of ``--data DIR`` for the length
of the command, with the shell user as an admin and no live box (commands that need the live
box then say so). ``@with_context(role="operator")`` refuses users below that role.
"""
from __future__ import annotations

import functools
import getpass
import os
from dataclasses import dataclass, field
from typing import Any

import click

from firmware.errors import BadInput, Failure

ROLE_RANK = {"viewer": 0, "operator": 1, "admin": 2}
DEFAULT_DATA = os.environ.get("E1DESK_DATA", "/var/lib/e1desk")


@dataclass
class CommandContext:
    store: Any
    box: Any = None
    user: str = "host"
    role: str = "admin"
    source: str = "host"               # "host" or "console"
    settings: dict = field(default_factory=dict)   # per-session terminal settings (console)

    @property
    def on_console(self) -> bool:
        return self.source == "console"

    def allowed(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def require(self, role: str, what: str) -> None:
        if not self.allowed(role):
            raise Failure(f"{what}: needs role {role} (you are {self.user}, {self.role})")

    def snapshot(self) -> dict:
        """The live box's state; Failure if there is no running daemon behind this command."""
        snap = self.box.snapshot() if self.box is not None and hasattr(self.box, "snapshot") else None
        if not snap:
            raise Failure("no live box here: this shows the running daemon's state; "
                          "use it on the serial console of the box")
        return snap

    def audit(self, action: str, detail: str = "") -> None:
        """Record a change or export (waits until it is durable)."""
        self.store.audit(self.user, action, detail, source=self.source).result()


def _open_host_context(data: str) -> CommandContext:
    from firmware.store import Store, StoreError
    try:
        store = Store(data).open()
    except StoreError as exc:
        raise Failure(str(exc)) from None
    click.get_current_context().call_on_close(store.close)
    return CommandContext(store=store, user=f"{getpass.getuser()}@host", role="admin", source="host")


def with_context(role: str = "viewer", what: str | None = None):
    """Decorator: adds ``--data DIR`` and passes the CommandContext as the first argument."""
    def decorate(fn):
        @click.option("--data", "data", default=DEFAULT_DATA, show_default=True, metavar="DIR",
                      help="Data directory of the box (ignored on the console).")
        @functools.wraps(fn)
        def wrapper(*args, data: str, **kwargs):
            ctx = click.get_current_context()
            cc = ctx.find_object(CommandContext)
            if cc is None:
                cc = _open_host_context(data)
                ctx.obj = cc
            cc.require(role, what or ctx.command_path.replace("e1desk ", "", 1))
            return fn(cc, *args, **kwargs)
        return wrapper
    return decorate


def host_only(cc: CommandContext, what: str) -> None:
    if cc.on_console:
        raise BadInput(what, "only on the host shell (it would stop or disturb the running box)")
