"""TinyDB partitions whose records live in memory as their JSON text, parsed only when used.

The store writer keeps today's partition of every table open. Held as TinyDB's parsed
documents (plus a copy to see what changed) a record costs ~10 times its JSON size, and a busy
day's records grew the box's memory all day. Here a partition keeps one compact JSON string
per record: the file is written by joining them, a record is parsed when an operation reads
it, and re-encoded only if the operation touched it.

- ``TextStorage``: a TinyDB storage over one JSON file (TinyDB's usual layout, written with
  ``write_atomic``) holding ``{table: {doc id: JSON text}}``. Writes are deferred: ``flush()``
  makes them durable, or on failure forgets them (``discard``: the next read comes from disk).
- ``TextTable``: TinyDB's Table with its two storage primitives replaced. ``_read_table``
  returns a read-only mapping that parses a record on access; ``_update_table`` hands TinyDB's
  updater a mapping that parses what it reads, and afterwards re-encodes what it read or set
  (TinyDB changes records in place) and drops what it removed. Every Table method keeps its
  TinyDB behaviour; one-record operations (insert, get/update/remove by id) touch one record.
- ``TextDB``: TinyDB with that table class.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping
from itertools import islice
from pathlib import Path

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from firmware.store.durable import CorruptFile, read_json, write_atomic


PIECE_RECORDS = 256


def encode(doc) -> str:
    return json.dumps(doc, separators=(",", ":"))


def _key(doc_id: str) -> str:
    return f'"{doc_id}"' if doc_id.isdigit() else json.dumps(doc_id)


class TextStorage(Storage):
    """One partition file as ``{table: {doc id: JSON text}}`` in memory; deferred durable writes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._tables: dict[str, dict[str, str]] | None = None
        self._dirty = False

    # -- what TextTable uses ----------------------------------------------------------------
    def texts(self, table: str) -> dict[str, str]:
        """The live ``{doc id: text}`` of a table (created empty if absent)."""
        return self._load().setdefault(table, {})

    def changed(self) -> None:
        self._dirty = True

    def check(self) -> None:
        """Load the file now (CorruptFile if it does not parse), not in the middle of an update."""
        self._load()

    # -- TinyDB's Storage interface (whole-database reads and writes: rare paths) -------------
    def read(self):
        return {name: {doc_id: json.loads(text) for doc_id, text in docs.items()}
                for name, docs in self._load().items()}

    def write(self, data) -> None:
        self._tables = {name: {str(doc_id): encode(doc) for doc_id, doc in docs.items()}
                        for name, docs in data.items()}
        self._dirty = True

    # -- durability -------------------------------------------------------------------------
    def flush(self) -> None:
        """Make deferred writes durable; on failure forget them (the next read is from disk)."""
        if not self._dirty:
            return
        try:
            write_atomic(self.path, self.pieces())
        except BaseException:
            self.discard()
            raise
        self._dirty = False

    def dumps(self) -> bytes:
        return b"".join(self.pieces())

    def pieces(self, records: int = PIECE_RECORDS):
        """The file's bytes in pieces of ``records`` records: no copy of a whole day in memory
        at once (a busy day's file is megabytes; whole-file strings fragment the heap)."""
        yield b"{"
        for n, (name, docs) in enumerate(self._load().items()):
            yield f"{',' if n else ''}{json.dumps(name)}:{{".encode("ascii")
            items, sep = iter(docs.items()), ""
            while chunk := ",".join(f"{_key(i)}:{t}" for i, t in islice(items, records)):
                yield (sep + chunk).encode("ascii")
                sep = ","
            yield b"}"
        yield b"}"

    def discard(self) -> None:
        """Forget un-flushed changes: the next read comes from the durable file."""
        self._tables = None
        self._dirty = False

    def close(self) -> None:
        self._tables = None

    def _load(self) -> dict[str, dict[str, str]]:
        if self._tables is None:
            data = read_json(self.path)
            if data is None:
                data = {}
            if not (isinstance(data, dict) and all(isinstance(t, dict) for t in data.values())):
                raise CorruptFile(self.path, "not a TinyDB document (expected an object of tables)")
            self._tables = {name: {str(i): encode(doc) for i, doc in docs.items()} for name, docs in data.items()}
        return self._tables


class _Parsed(Mapping):
    """Read-only ``{str id: record}`` over a table's texts, parsing on access."""

    def __init__(self, texts: dict[str, str]):
        self._texts = texts

    def __getitem__(self, doc_id: str):
        return json.loads(self._texts[doc_id])

    def __iter__(self):
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._texts


class _Editing(MutableMapping):
    """``{int id: record}`` for one TinyDB updater: parses what is read, remembers what changes."""

    def __init__(self, texts: dict[str, str]):
        self._texts = texts
        self.touched: dict[int, dict] = {}       # read or set: re-encoded after the updater
        self.removed: set[int] = set()

    def __getitem__(self, doc_id: int):
        doc = self.touched.get(doc_id)
        if doc is None:
            if doc_id in self.removed:
                raise KeyError(doc_id)
            doc = self.touched[doc_id] = json.loads(self._texts[str(doc_id)])
        return doc

    def __setitem__(self, doc_id: int, doc) -> None:
        self.removed.discard(doc_id)
        self.touched[doc_id] = doc

    def __delitem__(self, doc_id: int) -> None:
        if doc_id not in self:
            raise KeyError(doc_id)
        self.touched.pop(doc_id, None)
        self.removed.add(doc_id)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self.touched or (doc_id not in self.removed and str(doc_id) in self._texts)

    def __iter__(self):
        seen = set()
        for key in self._texts:
            doc_id = int(key)
            if doc_id not in self.removed:
                seen.add(doc_id)
                yield doc_id
        for doc_id in self.touched:
            if doc_id not in seen:
                yield doc_id

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def apply(self) -> None:
        for doc_id in self.removed:
            self._texts.pop(str(doc_id), None)
        for doc_id, doc in self.touched.items():
            self._texts[str(doc_id)] = encode(doc)


class TextTable(Table):
    """TinyDB's Table over a TextStorage: records parsed on access, re-encoded when touched."""

    def _read_table(self):
        return _Parsed(self._storage.texts(self.name))

    def _update_table(self, updater) -> None:
        editing = _Editing(self._storage.texts(self.name))
        updater(editing)
        editing.apply()
        self.clear_cache()
        self._storage.changed()


class TextDB(TinyDB):
    table_class = TextTable
