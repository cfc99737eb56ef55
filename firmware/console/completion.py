"""``?`` help and Tab completion over the click command tree (the console's line editor helper)."""
from __future__ import annotations

import click


class CommandHelper:
    """Walks ``root`` (a click group) along the words typed so far."""

    def __init__(self, root: click.Group, extra: dict[str, str] | None = None,
                 hidden: frozenset[str] = frozenset()):
        self.root = root
        self.extra = dict(extra or {})        # session built-ins: name -> help
        self.hidden = hidden

    def _walk(self, words: list[str]):
        """(command reached, remaining words); None if a word names nothing."""
        command: click.Command = self.root
        ctx = click.Context(self.root, info_name="e1desk")
        for i, word in enumerate(words):
            if not isinstance(command, click.Group):
                return command, words[i:]
            try:
                sub = command.get_command(ctx, word)
            except Exception:                  # a feature module that fails to import
                sub = None
            if sub is None:
                return None, words[i:]
            command = sub
            ctx = click.Context(command, parent=ctx, info_name=word)
        return command, []

    def _choices(self, command: click.Command) -> dict[str, str]:
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            out = {}
            for name in command.list_commands(ctx):
                if command is self.root and name in self.hidden:
                    continue
                try:
                    sub = command.get_command(ctx, name)
                    out[name] = sub.get_short_help_str(60) if sub else ""
                except Exception as exc:
                    out[name] = f"(unavailable: {exc})"
            if command is self.root:
                out.update(self.extra)
            return dict(sorted(out.items()))
        out = {}
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if opt.startswith("--"):
                        out[opt] = (param.help or "").split(".")[0]
            elif isinstance(param, click.Argument):
                out[f"<{param.human_readable_name}>"] = "argument"
        out["--help"] = "show the full help of this command"
        return out

    def complete(self, line: str) -> list[str]:
        words = line.split(" ")
        command, rest = self._walk([w for w in words[:-1] if w])
        if command is None:
            return []
        prefix = words[-1]
        return [c for c in self._choices(command) if c.startswith(prefix) and not c.startswith("<")]

    def help(self, line: str) -> str:
        words = line.split(" ")
        complete_words = [w for w in words[:-1] if w]
        command, rest = self._walk(complete_words)
        if command is None:
            return f"unknown command: {' '.join(complete_words)}"
        prefix = words[-1]
        choices = {k: v for k, v in self._choices(command).items()
                   if k.startswith(prefix) or (k.startswith("<") and not prefix)}
        if not choices:
            return "no match" if prefix else "<cr>"
        width = max(len(k) for k in choices)
        text = "\n".join(f"  {k.ljust(width)}  {v}" for k, v in choices.items())
        if not isinstance(command, click.Group) and not prefix:
            text += "\n  <cr>"
        return text
