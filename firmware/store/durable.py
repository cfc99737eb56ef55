"""Crash-safe files: the one way the store puts bytes on disk (firmware.store.textdb uses it).

``write_atomic(path, data)`` writes to a temporary file in the same directory, fsyncs it,
renames it over ``path`` (atomic on POSIX) and fsyncs the directory, so after a power cut
the file holds either the old or the new content, never a mix. Temporary files that a crash
left behind end in ``TMP_SUFFIX`` and are removed by ``clean_leftovers`` at open.

``read_json`` parses a file; one that exists but does not parse raises ``CorruptFile``
naming the file.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

TMP_SUFFIX = ".tmp~"


class CorruptFile(Exception):
    """A store file exists but cannot be read as what it should be."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def fsync_dir(directory: Path | str) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``data`` (bytes, or pieces of it written in turn) durably: temp
    file, fsync, rename, fsync directory."""
    path = Path(path)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        for piece in ((data,) if isinstance(data, (bytes, bytearray, memoryview)) else data):
            view = memoryview(piece)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    fsync_dir(path.parent)


def remove_durably(path: Path | str) -> None:
    """Delete a file and make the deletion survive a power cut."""
    path = Path(path)
    path.unlink(missing_ok=True)
    fsync_dir(path.parent)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def clean_leftovers(root: Path | str) -> list[str]:
    """Remove the temporary files an interrupted write left under ``root``; return their paths."""
    removed = []
    for tmp in Path(root).rglob("*" + TMP_SUFFIX):
        _unlink_quietly(tmp)
        removed.append(str(tmp))
    return removed


def read_json(path: Path | str):
    """Parse a JSON file; None if it does not exist; CorruptFile if it does not parse."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptFile(path, f"not valid JSON ({exc})") from None


def dump_json(data) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode("ascii")
