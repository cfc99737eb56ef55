"""`e1desk voicemail ...`: the voicemail boxes from the console (list, status, listen, delete, export).

Boxes are one per queue and one per agent; messages are entries of the store's voicemail
table (ids like 20261122-3) with their A-law WAV files. ``listen`` marks a message heard
(which clears the box's message-waiting state once all are heard) and prints where its audio
is; ``export`` writes a copy (A-law as recorded, or 16-bit PCM for ordinary players).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import click

from firmware.calls.voicemail import message_waiting
from firmware.console.context import CommandContext, with_context
from firmware.console.render import emit
from firmware.errors import BadInput, Failure

COLUMNS = ["id", "created", "mailbox", "caller", "duration", "heard", "call_id"]


def _message(cc: CommandContext, rid: str) -> dict:
    try:
        record = cc.store.get("voicemail", rid)
    except (KeyError, ValueError):
        record = None
    if record is None:
        raise BadInput("ID", f"no voicemail message {rid!r} (see `e1desk voicemail list`)")
    return record


def _audio(record: dict) -> Path:
    path = Path(record["path"])
    if not path.is_file():
        raise Failure(f"message {record['id']}: its audio {path} is missing")
    return path


@click.group()
def voicemail() -> None:
    """Voicemail boxes (one per queue, one per agent): list, status, listen, delete, export."""


@voicemail.command("list")
@click.option("--box", default=None, help="Only this box (a queue name or an agent id).")
@click.option("--unheard", is_flag=True, help="Only messages not heard yet.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def vm_list(cc: CommandContext, box: str | None, unheard: bool, as_json: bool) -> None:
    """List messages, newest first."""
    rows = [r for r in cc.store.records("voicemail")
            if (box is None or r.get("mailbox") == box) and not (unheard and r.get("heard"))]
    rows.sort(key=lambda r: r["created"], reverse=True)
    emit({"messages": rows} if as_json else [{c: r.get(c) for c in COLUMNS} for r in rows], as_json, COLUMNS)


@voicemail.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="viewer")
def vm_status(cc: CommandContext, as_json: bool) -> None:
    """Message-waiting state: unheard messages per box."""
    counts = message_waiting(cc.store)
    boxes = {box: {"unheard": n, "waiting": n > 0} for box, n in sorted(counts.items())}
    emit({"boxes": boxes} if as_json else [{"box": b, **v} for b, v in boxes.items()], as_json,
         ["box", "unheard", "waiting"])


@voicemail.command("listen")
@click.argument("rid", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def vm_listen(cc: CommandContext, rid: str, as_json: bool) -> None:
    """Mark a message heard and show it (caller, length, where its audio is)."""
    record = _message(cc, rid)
    _audio(record)
    cc.store.update("voicemail", rid, {"heard": True})
    cc.audit("voicemail.listen", f"{rid} box {record.get('mailbox')}")
    emit({**record, "heard": True}, as_json)


@voicemail.command("delete")
@click.argument("rid", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def vm_delete(cc: CommandContext, rid: str, as_json: bool) -> None:
    """Delete a message and its audio."""
    record = _message(cc, rid)
    cc.store.delete("voicemail", rid)
    Path(record["path"]).unlink(missing_ok=True)
    cc.audit("voicemail.delete", f"{rid} box {record.get('mailbox')}")
    emit({"deleted": rid}, as_json)


@voicemail.command("export")
@click.argument("rid", metavar="ID")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@click.option("--format", "fmt", type=click.Choice(["alaw", "pcm16"]), default="alaw", show_default=True,
              help="alaw: the file as recorded; pcm16: 16-bit linear WAV.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@with_context(role="operator")
def vm_export(cc: CommandContext, rid: str, target: str, fmt: str, as_json: bool) -> None:
    """Write a copy of a message's audio to TARGET."""
    record = _message(cc, rid)
    source = _audio(record)
    try:
        if fmt == "alaw":
            shutil.copyfile(source, target)
        else:
            from firmware.dsp.wav import read_wav, write_wav
            write_wav(target, read_wav(source).samples, encoding="pcm16")
    except OSError as exc:
        raise Failure(f"cannot write {target}: {exc.strerror or exc}") from None
    cc.audit("voicemail.export", f"{rid} -> {target}")
    emit({"exported": rid, "path": str(target), "format": fmt}, as_json)
