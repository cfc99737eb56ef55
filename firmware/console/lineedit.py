"""A line editor for a plain serial terminal: bytes in, echo and completed lines out.

Handles: printable ASCII (echoed, or not in secret mode), backspace as 0x08 or 0x7f,
end of line as CR, LF or CRLF, Ctrl-C (abandon the line), Ctrl-U (erase it), Ctrl-D on an
empty line (end of session), history (arrow up/down as ESC [ A / ESC [ B or ESC O A/B, and
Ctrl-P / Ctrl-N), ``?`` (help on the words typed so far) and Tab (completion) through a
``helper`` object. Everything else (other control bytes, unknown escape sequences, bytes
>= 0x80) is ignored with at most one bell per chunk. Lines longer than ``max_len`` are
refused character by character with a bell. Redrawing uses only backspace and space, so it
works on a dumb terminal.
"""
from __future__ import annotations

from typing import Callable, Protocol

BEL, BS, DEL, CR, LF, ESC, TAB = 0x07, 0x08, 0x7F, 0x0D, 0x0A, 0x1B, 0x09
CTRL_C, CTRL_D, CTRL_N, CTRL_P, CTRL_U = 0x03, 0x04, 0x0E, 0x10, 0x15


class Helper(Protocol):
    def complete(self, line: str) -> list[str]: ...       # candidate words for the last word
    def help(self, line: str) -> str: ...                 # what may come next, as text


class LineEditor:
    """``feed(data)`` -> (event or None, unconsumed bytes). Events: ("line", text), ("interrupt",),
    ("eof",). It stops after the first event so the caller can change mode (e.g. to a no-echo
    password prompt) before the bytes that follow are echoed."""

    def __init__(self, write: Callable[[bytes], None], helper: Helper | None = None,
                 max_len: int = 512, history_size: int = 50):
        self.write = write
        self.helper = helper
        self.max_len = max_len
        self.history: list[str] = []
        self.history_size = history_size
        self.buffer = ""
        self.prompt = ""
        self.secret = False
        self._hist_pos: int | None = None
        self._after_cr = False
        self._esc: str | None = None          # None, or the escape sequence collected so far

    def start(self, prompt: str, secret: bool = False) -> None:
        """Show a prompt and begin a new line."""
        self.prompt, self.secret, self.buffer, self._hist_pos = prompt, secret, "", None
        self.write(prompt.encode())

    def expect_lf(self) -> None:
        """The last byte the caller consumed was a CR: a following LF belongs to it."""
        self._after_cr = True

    def feed(self, data: bytes) -> tuple[tuple | None, bytes]:
        events: list[tuple] = []
        belled = False
        for index, byte in enumerate(data):
            if events:
                return events[0], data[index:]
            if self._esc is not None:
                self._escape(byte)
                continue
            after_cr, self._after_cr = self._after_cr, False
            if byte in (CR, LF):
                if byte == LF and after_cr:
                    continue                   # the LF of a CRLF
                self._after_cr = byte == CR
                line = self.buffer
                self.write(b"\r\n")
                if line.strip() and not self.secret:
                    if not self.history or self.history[-1] != line:
                        self.history = (self.history + [line])[-self.history_size:]
                self.buffer, self._hist_pos = "", None
                events.append(("line", line))
            elif byte in (BS, DEL):
                if self.buffer:
                    self.buffer = self.buffer[:-1]
                    if not self.secret:
                        self.write(b"\b \b")
            elif byte == CTRL_C:
                self.buffer, self._hist_pos = "", None
                self.write(b"^C\r\n")
                events.append(("interrupt",))
            elif byte == CTRL_D and not self.buffer:
                self.write(b"\r\n")
                events.append(("eof",))
            elif byte == CTRL_U:
                self._replace("")
            elif byte in (CTRL_P, CTRL_N):
                self._history_step(-1 if byte == CTRL_P else 1)
            elif byte == ESC:
                self._esc = ""
            elif byte == TAB and not self.secret:
                self._complete()
            elif byte == ord("?") and not self.secret and self.helper is not None:
                self._help()
            elif 0x20 <= byte < 0x7F:
                if len(self.buffer) >= self.max_len:
                    if not belled:
                        self.write(bytes([BEL]))
                        belled = True
                    continue
                self.buffer += chr(byte)
                if not self.secret:
                    self.write(bytes([byte]))
            elif not belled:
                self.write(bytes([BEL]))       # garbage: ignored, one bell per chunk
                belled = True
        return (events[0] if events else None), b""

    # -- helpers ------------------------------------------------------------------------------
    def _escape(self, byte: int) -> None:
        seq = self._esc + chr(byte) if byte < 0x80 else None
        if seq is None or len(seq) > 8:
            self._esc = None
            return
        if seq in ("[", "O") or (seq[0] == "[" and 0x30 <= byte <= 0x3F):
            self._esc = seq                    # keep collecting (parameters)
            return
        self._esc = None
        if seq in ("[A", "OA"):
            self._history_step(-1)
        elif seq in ("[B", "OB"):
            self._history_step(1)

    def _replace(self, text: str) -> None:
        if not self.secret:
            n = len(self.buffer)
            self.write(b"\b" * n + b" " * n + b"\b" * n + text.encode())
        self.buffer = text

    def _history_step(self, step: int) -> None:
        if self.secret or not self.history:
            return
        pos = len(self.history) if self._hist_pos is None else self._hist_pos
        pos = max(0, min(len(self.history), pos + step))
        self._hist_pos = pos
        self._replace(self.history[pos] if pos < len(self.history) else "")

    def _redisplay(self) -> None:
        self.write((self.prompt + self.buffer).encode())

    def _complete(self) -> None:
        if self.helper is None:
            return
        words = self.helper.complete(self.buffer)
        last = self.buffer.split(" ")[-1]
        if len(words) == 1:
            addition = words[0][len(last):] + " "
            if len(self.buffer) + len(addition) <= self.max_len:
                self.buffer += addition
                self.write(addition.encode())
        elif words:
            common = _common_prefix(words)
            if len(common) > len(last):
                self.buffer += common[len(last):]
                self.write(common[len(last):].encode())
            else:
                self.write(b"\r\n" + "  ".join(words).encode() + b"\r\n")
                self._redisplay()
        else:
            self.write(bytes([BEL]))

    def _help(self) -> None:
        text = self.helper.help(self.buffer)
        self.write(b"?\r\n" + text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "replace") + b"\r\n")
        self._redisplay()


def _common_prefix(words: list[str]) -> str:
    first, last = min(words), max(words)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]
