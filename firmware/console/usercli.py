"""`e1desk user ...`: console accounts. `user passwd admin --data DIR` sets the admin password
at first boot from the host shell (prompting without echo, or reading it from stdin).
On the console, `user passwd` and `passwd` prompt without echo in the session itself.
"""
from __future__ import annotations

import sys

import click

from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit
from firmware.errors import BadInput
from firmware.store.schema import ROLES


@click.group()
def user() -> None:
    """Console accounts: passwords, roles (viewer, operator, admin), unlock, delete."""


def _accounts(cc: CommandContext):
    from firmware.console.auth import Accounts
    return Accounts(cc.store)


@user.command("passwd")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), help="Role of a new account (or a new role).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@with_context(role="admin")
def user_passwd(cc: CommandContext, name: str, role, password_stdin: bool) -> None:
    """Set NAME's password, creating the account if needed (first boot: user passwd admin)."""
    from firmware.console.auth import PasswordError
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"New password for {name}", hide_input=True, confirmation_prompt=True,
                                err=True)
    try:
        _accounts(cc).set_password(name, password, role=role, by=cc.user, source=cc.source)
    except PasswordError as exc:
        raise BadInput("password", str(exc)) from None
    click.echo(f"password of {name} set")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def user_list(cc: CommandContext, as_json: bool) -> None:
    """Accounts and roles."""
    emit(_accounts(cc).users(), as_json, ["name", "role", "password", "failures", "changed"])


def _account_change(action: str):
    def run(cc: CommandContext, name: str, *args) -> None:
        from firmware.console.auth import PasswordError
        try:
            getattr(_accounts(cc), action)(name, *args, by=cc.user, source=cc.source)
        except PasswordError as exc:
            raise BadInput("NAME", str(exc)) from None
        click.echo("done")
    return run


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@with_context(role="admin")
def user_role(cc: CommandContext, name: str, role: str) -> None:
    """Change NAME's role."""
    _account_change("set_role")(cc, name, role)


@user.command("unlock")
@click.argument("name")
@with_context(role="admin")
def user_unlock(cc: CommandContext, name: str) -> None:
    """Clear NAME's failed logins and lockout."""
    _account_change("unlock")(cc, name)


@user.command("del")
@click.argument("name")
@with_context(role="admin")
def user_del(cc: CommandContext, name: str) -> None:
    """Delete NAME's account (not admin)."""
    _account_change("delete")(cc, name)
