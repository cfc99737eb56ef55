"""The line editor, byte by byte, as a plain serial terminal sends them."""
import pytest

from firmware.console.lineedit import LineEditor


class Helper:
    def complete(self, line):
        return [w for w in ("show", "shutdown-not", "records") if w.startswith(line.split(" ")[-1])]

    def help(self, line):
        return "show  records"


@pytest.fixture
def ed():
    out = bytearray()
    editor = LineEditor(out.extend, Helper(), max_len=20)
    editor.out = out
    editor.start("> ")
    return editor


def feed_all(editor, data):
    events = []
    while data:
        event, data = editor.feed(data)
        if event:
            events.append(event)
    return events


@pytest.mark.parametrize("ending", [b"\r", b"\n", b"\r\n"])
def test_line_endings(ed, ending):
    assert feed_all(ed, b"show" + ending + b"x" + ending) == [("line", "show"), ("line", "x")]


def test_crlf_split_across_reads_is_one_line(ed):
    assert feed_all(ed, b"ab\r") == [("line", "ab")]
    assert feed_all(ed, b"\ncd\r") == [("line", "cd")]


@pytest.mark.parametrize("backspace", [b"\x08", b"\x7f"])
def test_backspace_both_codes(ed, backspace):
    assert feed_all(ed, b"shox" + backspace + b"w\r") == [("line", "show")]
    assert b"\b \b" in ed.out


def test_echo_and_no_echo(ed):
    feed_all(ed, b"hello\r")
    assert b"hello" in ed.out
    ed.out.clear()
    ed.start("Password: ", secret=True)
    assert feed_all(ed, b"s3cret\x7f\r") == [("line", "s3cre")]
    assert b"s3cre" not in ed.out and b"*" not in ed.out


def test_ctrl_c_abandons_line(ed):
    assert feed_all(ed, b"rm everything\x03show\r") == [("interrupt",), ("line", "show")]


def test_history_with_arrows_and_ctrl_p(ed):
    feed_all(ed, b"one\rtwo\r")
    assert feed_all(ed, b"\x1b[A\x1b[A\r") == [("line", "one")]
    assert feed_all(ed, b"\x10\r") == [("line", "one")]
    assert feed_all(ed, b"\x10\x10\x0e\r") == [("line", "one")]     # up up down
    assert feed_all(ed, b"\x1bOA\r") == [("line", "one")]             # application-mode arrows


def test_garbage_and_unknown_escapes_are_ignored(ed):
    assert feed_all(ed, bytes(range(0x80, 0x100)) + b"\x1b[12;5~\x00\x01sh\x1b[Cow\r") == [("line", "show")]
    assert ed.out.count(b"\x07") <= 2


def test_long_lines_are_cut_with_a_bell(ed):
    assert feed_all(ed, b"x" * 500 + b"\r") == [("line", "x" * 20)]
    assert b"\x07" in ed.out


def test_tab_completes_and_question_mark_helps(ed):
    assert feed_all(ed, b"rec\t\r") == [("line", "records ")]
    ed.out.clear()
    feed_all(ed, b"sh\t")
    assert ed.buffer == "sh"                                          # ambiguous: lists both
    assert b"show  shutdown-not" in ed.out
    ed.out.clear()
    feed_all(ed, b"?")
    assert b"show  records" in ed.out and ed.out.endswith(b"> sh")
