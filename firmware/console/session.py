"""One console session: first-boot password, login, the command shell, the pager, idle logout.

Transport-free: ``Session(store, box, write, clock)`` is fed bytes (``feed``) and called
regularly (``tick``); it writes bytes back with ``write``. Time comes from ``clock`` so that
back-off, lockout and idle logout are testable without waiting. Back-off never blocks a
thread: while it lasts, typed bytes are discarded and the next prompt comes when it ends.

Commands run the ``e1desk`` click tree with a CommandContext (store, box, user, role) as
``ctx.obj``; their output is captured, turned into CRLF lines and paged. Built-ins: exit,
logout, help, terminal length N, terminal color on|off, passwd, user passwd NAME [--role R].
"""
from __future__ import annotations

import logging
import shlex
import time
from typing import Callable

import click

from firmware.console.auth import Accounts, PasswordError
from firmware.console.capture import capture
from firmware.console.completion import CommandHelper
from firmware.console.context import CommandContext
from firmware.console.lineedit import LineEditor
from firmware.store import StoreError

log = logging.getLogger(__name__)

REFUSED = {"run": "the daemon is already running", "bench": "benchmarks would disturb the running box"}
BUILTINS = {"exit": "log out", "logout": "log out", "help": "how to use this console",
            "terminal": "terminal length N | terminal color on|off", "passwd": "change your password"}
RED, RESET = "\x1b[31m", "\x1b[0m"
HELP = """Type a command; ? shows what may come next, Tab completes, Ctrl-C abandons the line,
arrows or Ctrl-P/Ctrl-N recall history. Examples:
  show spans | show channels | show calls | show queues | show agents | show alarms
  show config | config set retention.cdr 400 | diff | commit -m "why" | rollback 3
  records search cdr --ani 13800138000 --days 7 | records stats calls-per-day --days 30
  user list | user passwd NAME --role operator | logout"""


class Session:
    def __init__(self, store, box, write: Callable[[bytes], None], clock: Callable[[], float] = time.time,
                 root: click.Group | None = None):
        from firmware.cli import main
        self.store = store
        self.box = box
        self._write = write
        self.clock = clock
        self.root = root or main
        self.accounts = Accounts(store, clock)
        self.editor = LineEditor(write, CommandHelper(self.root, BUILTINS, hidden=frozenset(REFUSED)))
        self.state = "new"
        self.user: str | None = None
        self.role: str | None = None
        self.blocked_until = 0.0
        self.last_input = clock()
        self.settings = {"page_lines": self._console("page_lines"), "color": self._console("color")}
        self._pending: dict = {}
        self._pager_lines: list[str] = []
        self.closed = False

    # -- plumbing ---------------------------------------------------------------------------
    def _console(self, key: str):
        return self.store.config.section("console").get(key)

    def write_text(self, text: str) -> None:
        self._write(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "replace"))

    def _error(self, text: str) -> None:
        if self.settings["color"]:
            text = f"{RED}{text}{RESET}"
        self.write_text(text + "\n")

    def start(self) -> None:
        self.write_text(f"\n{self._console('banner')}\n")
        self._login_prompt()

    def _login_prompt(self) -> None:
        self.user = self.role = None
        self.idle_timeout_s = self._console("idle_timeout_s")
        if self.accounts.needs_first_password():
            self.write_text("First boot: set the admin password.\n")
            self._ask("first_new", "New admin password: ", secret=True)
        else:
            self._ask("login_user", "login: ")

    def _ask(self, state: str, prompt: str, secret: bool = False) -> None:
        self.state = state
        self.editor.start(prompt, secret=secret)

    def _shell_prompt(self) -> None:
        mark = "*" if self.accounts.store.find("candidates", self.user) else ""
        self._ask("shell", f"{self.user}@e1desk{mark}{'#' if self.role == 'admin' else '>'} ")

    # -- input ------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        if self.closed or not data:
            return
        now = self.clock()
        if now < self.blocked_until:
            return                                   # back-off: typed-ahead input is dropped
        self.last_input = now
        while data and not self.closed:
            if self.state == "pager":
                data = self._pager_key(data)
                continue
            event, data = self.editor.feed(data)
            if event is not None:
                try:
                    self._event(event)
                except Exception as exc:             # whatever happens, the console stays usable
                    log.exception("console session error")
                    self._error(f"error: {exc}")
                    self._pending.clear()
                    self._shell_prompt() if self.user else self._login_prompt()
            if self.clock() < self.blocked_until:
                return

    def tick(self) -> None:
        """Call regularly: ends back-off with a new prompt, logs out idle sessions."""
        if self.closed:
            return
        now = self.clock()
        if self.state == "backoff" and now >= self.blocked_until:
            self._login_prompt()
        if self.user and now - self.last_input > self.idle_timeout_s:
            self.store.audit(self.user, "logout", "idle timeout", source="console").result()
            self.write_text("\nidle timeout: logged out\n")
            self._login_prompt()
            self.last_input = now

    def _event(self, event: tuple) -> None:
        kind = event[0]
        if kind == "interrupt":
            self._pending.clear()
            if self.user:
                self._shell_prompt()
            else:
                self._login_prompt()
            return
        if kind == "eof":
            if self.user:
                self._logout()
            else:
                self._login_prompt()
            return
        getattr(self, f"_on_{self.state}")(event[1])

    # -- first boot and login -------------------------------------------------------------------
    def _on_first_new(self, text: str) -> None:
        self._pending["password"] = text
        self._ask("first_repeat", "Repeat: ", secret=True)

    def _on_first_repeat(self, text: str) -> None:
        password = self._pending.pop("password", None)
        if text != password:
            self._error("The passwords differ; try again.")
            return self._login_prompt()
        try:
            self.accounts.set_password("admin", password, role="admin", by="admin (first boot)",
                                       source="console")
        except (PasswordError, StoreError) as exc:
            self._error(str(exc))
            return self._login_prompt()
        self.write_text("Admin password set. Log in.\n")
        self._login_prompt()

    def _on_login_user(self, text: str) -> None:
        name = text.strip()
        if not name:
            return self._ask("login_user", "login: ")
        self._pending["name"] = name
        self._ask("login_password", "Password: ", secret=True)

    def _on_login_password(self, text: str) -> None:
        name = self._pending.pop("name", "")
        result = self.accounts.login(name, text)
        if result.ok:
            self.user, self.role = name, result.role
            self.write_text(f"Welcome {name} ({self.role}). Type help or ? for help.\n")
            return self._shell_prompt()
        self.blocked_until = self.clock() + result.wait_s     # before the message: it may be acted on at once
        self.state = "backoff"
        self._error(result.message)
        if result.wait_s <= 0:
            self._login_prompt()

    def _on_backoff(self, text: str) -> None:          # unreachable: input is dropped meanwhile
        pass

    def _logout(self) -> None:
        self.store.audit(self.user, "logout", "", source="console").result()
        self.write_text("logged out\n")
        self._login_prompt()

    # -- password changes ---------------------------------------------------------------------
    def _on_pw_current(self, text: str) -> None:
        if not self.accounts.login(self.user, text).ok:
            self._error("wrong password")
            return self._shell_prompt()
        self._ask("pw_new", "New password: ", secret=True)

    def _on_pw_new(self, text: str) -> None:
        self._pending["password"] = text
        self._ask("pw_repeat", "Repeat: ", secret=True)

    def _on_pw_repeat(self, text: str) -> None:
        password = self._pending.pop("password", None)
        target, role = self._pending.pop("target", self.user), self._pending.pop("role", None)
        if text != password:
            self._error("The passwords differ; nothing changed.")
        else:
            try:
                self.accounts.set_password(target, password, role=role, by=self.user, source="console")
                self.write_text(f"password of {target} set\n")
            except (PasswordError, StoreError) as exc:
                self._error(str(exc))
        self._shell_prompt()

    def _start_user_passwd(self, args: list[str]) -> None:
        if self.role != "admin":
            self._error("user passwd: needs role admin")
            return self._shell_prompt()
        role = None
        if "--role" in args:
            i = args.index("--role")
            role = args[i + 1] if i + 1 < len(args) else ""
            args = args[:i] + args[i + 2:]
        if len(args) != 1:
            self._error("usage: user passwd NAME [--role viewer|operator|admin]")
            return self._shell_prompt()
        self._pending.update(target=args[0], role=role)
        self._ask("pw_new", f"New password for {args[0]}: ", secret=True)

    # -- the shell ------------------------------------------------------------------------------
    def _on_shell(self, line: str) -> None:
        try:
            args = shlex.split(line)
        except ValueError as exc:
            self._error(f"error: {exc}")
            return self._shell_prompt()
        if not args:
            return self._shell_prompt()
        name = args[0]
        if name in ("exit", "logout", "quit"):
            return self._logout()
        if name == "help":
            self.write_text(HELP + "\n")
        elif name == "terminal":
            self._terminal(args[1:])
        elif name == "passwd":
            return self._ask("pw_current", "Current password: ", secret=True)
        elif args[:2] == ["user", "passwd"] and "--help" not in args:
            return self._start_user_passwd(args[2:])
        elif name in REFUSED:
            self._error(f"{name}: not on the console ({REFUSED[name]})")
        else:
            output, failed = self.run_command(args)
            if failed:
                output = f"{RED}{output}{RESET}" if self.settings["color"] and output else output
            if self._page(output):
                return
        self._shell_prompt()

    def run_command(self, args: list[str]) -> tuple[str, bool]:
        """Run one command of the tree as the logged-in user; returns (output, failed)."""
        cc = CommandContext(store=self.store, box=self.box, user=self.user, role=self.role,
                            source="console", settings=self.settings)
        failed = False
        with capture() as out:
            try:
                self.root.main(args=args, prog_name="e1desk", obj=cc, standalone_mode=False)
            except click.exceptions.Exit as exc:
                failed = bool(exc.exit_code)
            except click.ClickException as exc:
                exc.show()
                failed = True
            except click.Abort:
                click.echo("aborted", err=True)
                failed = True
            except StoreError as exc:                  # disk full, read-only, ...: say so plainly
                click.echo(f"Error: {exc}", err=True)
                failed = True
            except Exception as exc:                   # a command bug must not kill the console
                log.exception("console command %r failed", args)
                click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
                failed = True
        return out.getvalue(), failed

    def _terminal(self, args: list[str]) -> None:
        if len(args) == 2 and args[0] == "length" and args[1].isdigit():
            self.settings["page_lines"] = int(args[1])
        elif len(args) == 2 and args[0] in ("color", "colour") and args[1] in ("on", "off"):
            self.settings["color"] = args[1] == "on"
        else:
            self._error("usage: terminal length N (0 = no paging) | terminal color on|off")

    # -- pager ------------------------------------------------------------------------------------
    def _page(self, output: str) -> bool:
        """Show output a page at a time; True if the pager now waits for a key."""
        lines = output.splitlines()
        page = self.settings["page_lines"] or 0
        if page <= 1 or len(lines) < page:
            self.write_text(output if output.endswith("\n") or not output else output + "\n")
            return False
        self.write_text("\n".join(lines[:page - 1]) + "\n")
        self._pager_lines = lines[page - 1:]
        self.state = "pager"
        self.write_text("--More--")
        return True

    def _pager_key(self, data: bytes) -> bytes:
        key, rest = data[:1], data[1:]
        if key == b"\n" and getattr(self, "_pager_cr", False):
            self._pager_cr = False
            return rest                                  # LF of a CRLF
        self._pager_cr = key == b"\r"
        if key in (b"q", b"Q", b"\x03"):
            count = 0
        elif key == b" ":
            count = max(1, (self.settings["page_lines"] or 24) - 1)
        elif key in (b"\r", b"\n"):
            count = 1
        else:
            return rest
        self._write(b"\r        \r")
        shown, self._pager_lines = self._pager_lines[:count], self._pager_lines[count:]
        if shown:
            self.write_text("\n".join(shown) + "\n")
        if self._pager_lines and count:
            self.write_text("--More--")
            return rest
        self._pager_lines = []
        if key == b"\r":
            self.editor.expect_lf()
        self._shell_prompt()
        return rest
