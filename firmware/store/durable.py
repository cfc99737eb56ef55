"""Crash-safe files: the one way the store puts bytes on disk, and a TinyDB storage using it.

``write_atomic(path, data)`` writes to a temporary file in the same directory, fsyncs it,
renames it over ``path`` (atomic on POSIX) and fsyncs the directory, so after a power cut
the file holds either the old or the new content, never a mix. Temporary files that a crash
left behind end in ``TMP_SUFFIX`` and are removed by ``clean_leftovers`` at open.

``DurableJSONStorage`` is a TinyDB storage over one JSON file that keeps the last durable
content in memory. If a write fails (disk full, read-only, I/O error) the cache is dropped,
so the next read comes from disk again: a failed write never leaves a half-updated cache.
A file that exists but does not parse raises ``CorruptFile`` naming the file.
"""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

from tinydb.storages import Storage

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


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` durably (temp file, fsync, rename, fsync directory)."""
    path = Path(path)
    tmp = path.with_name(path.name + TMP_SUFFIX)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        view = memoryview(data)
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


def _json_key(key: str) -> str:
    return f'"{key}"' if key.isdigit() else json.dumps(key)


class FragmentCache:
    """Serialises a TinyDB document re-encoding only the records that changed since last time.

    Each record's JSON text is kept with a private copy of the record; a record equal to its
    copy reuses its text. Correct whatever changed the records (no change tracking needed),
    and makes a write's CPU cost that of the changed records plus one join.
    """

    def __init__(self):
        self._tables: dict[str, dict[str, tuple[dict, str]]] = {}   # table -> id -> (copy, text)

    def dumps(self, data: dict) -> bytes:
        parts = []
        for name, docs in data.items():
            old = self._tables.get(name, {})
            new = {}
            items = []
            for doc_id, doc in docs.items():
                hit = old.get(doc_id)
                if hit is None or hit[0] != doc:
                    hit = (copy.deepcopy(doc), f"{_json_key(doc_id)}:{json.dumps(doc, separators=(',', ':'))}")
                new[doc_id] = hit
                items.append(hit[1])
            self._tables[name] = new
            parts.append(f"{_json_key(name)}:{{{','.join(items)}}}")
        return ("{" + ",".join(parts) + "}").encode("ascii")


class DurableJSONStorage(Storage):
    """TinyDB storage: one JSON file, written with ``write_atomic``, cached in memory.

    Writes are deferred so that several TinyDB operations make one durable write: ``write``
    only updates the cache and ``flush()`` puts it on disk, or on error drops the cache (and
    the caller drops its TinyDB object, whose id counter may have moved), so the next read
    comes from the durable file.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._cache: dict | None = None
        self._dirty = False
        self._fragments = FragmentCache()

    def read(self):
        if self._cache is None:
            data = read_json(self.path)
            if data is not None and not (isinstance(data, dict)
                                         and all(isinstance(t, dict) for t in data.values())):
                raise CorruptFile(self.path, "not a TinyDB document (expected an object of tables)")
            self._cache = data if data is not None else {}
        return self._cache

    def write(self, data) -> None:
        self._cache = data
        self._dirty = True

    def flush(self) -> None:
        """Make deferred writes durable; on failure forget them (the cache reloads from disk)."""
        if not self._dirty:
            return
        try:
            write_atomic(self.path, self._fragments.dumps(self._cache))
        except BaseException:
            self.discard()
            raise
        self._dirty = False

    def discard(self) -> None:
        """Forget un-flushed changes: the next read comes from the durable file."""
        self._cache = None
        self._dirty = False

    def close(self) -> None:
        self._cache = None
