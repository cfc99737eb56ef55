"""Errors shared by the whole box, and how the CLI turns them into exit codes."""
from __future__ import annotations

import click


class BadInput(click.ClickException):
    """Bad input from a user or a file: exit status 2, message names the field and reason."""

    exit_code = 2

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class Failure(click.ClickException):
    """The command could not do its job although the input was fine: exit status 1."""

    exit_code = 1
