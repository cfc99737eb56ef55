"""``Store(data_dir)``: the box's records, crash-safe, written off the real-time path.

    with Store("/var/lib/e1desk") as store:
        fut = store.submit("cdr", {...})        # never blocks; fut.result() -> id once durable
        rid = store.insert("tickets", {...})    # blocks until durable, returns the id
        store.update("tickets", rid, {"status": "resolved"})
        store.append("tickets", rid, "follow_ups", {"time": ..., "by": "ann", "note": "..."})
        store.get("tickets", rid)               # -> record dict with "id", or None
        store.search("cdr", since="2026-11-01", until="2026-11-07", where={"ani": "13800138000"})
        store.upsert("users", {"name": "admin", ...})      # keyed (undated) tables
        store.find("users", "admin")
        store.audit("admin", "config.commit", "rev 4", source="console")
        store.config                            # ConfigManager (firmware.store.config)

Blocking calls wait until the change is durable; each has a ``submit_*`` twin returning a
Future at once (submit, submit_update, submit_upsert, submit_remove, submit_purge) for the
real-time engine. Engine records are retried while the disk is full or read-only.
Interrupted calls after a crash: firmware.store.calls.

Tables and fields: firmware.store.schema. Files and partitions: firmware.store.partitions.
The writer thread and what "durable" means: firmware.store.writer. Errors: RecordError
(bad record, names the field), StoreError (could not be made durable), KeyError (no such id).
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Callable, Iterator

from firmware.store.durable import CorruptFile, remove_durably
from firmware.store.partitions import Layout, Reader, split_id
from firmware.store.schema import (UNDATED, RecordError, Table, day_of, now_time, table, to_time,
                                   validate_record)
from firmware.store.writer import Op, StoreError, Writer

log = logging.getLogger(__name__)


def day_bound(value, where: str) -> str:
    """A --from/--to bound (date, datetime, epoch or ISO text) as a YYYYMMDD partition name."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d")
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip()).strftime("%Y%m%d")
        except ValueError:
            raise RecordError(where, f"not a date: {value!r} (expected YYYY-MM-DD)") from None
    return day_of(to_time(value, where))


def _failed(exc: Exception) -> Future:
    future: Future = Future()
    future.set_exception(exc)
    return future


class Store:
    """The database of one data directory. See the module docstring for the interface."""

    def __init__(self, data_dir: Path | str, retry_delay: float = 1.0):
        self.layout = Layout(data_dir)
        self.root = self.layout.root
        self.reader = Reader(self.layout)
        self._writer = Writer(self.layout, retry_delay=retry_delay, on_change=self.reader.bump)
        self._config = None
        self._open_lock = threading.Lock()
        self.opened = False
        self._closed = False

    # -- life cycle -------------------------------------------------------------------------
    def open(self) -> "Store":
        """Clean what an interrupted write left and start the writer. Reads work without it;
        the first write opens the store if nobody did."""
        with self._open_lock:
            if self._closed:
                raise StoreError("this store was closed; open a new Store")
            if not self.opened:
                self._writer.start()
                self.opened = True
        return self

    def _submit(self, op: Op) -> Future:
        if not self.opened and not self._closed:
            self.open()
        return self._writer.submit(op)

    def close(self) -> None:
        """Write what is queued, stop the writer. Writes after this fail with StoreError."""
        with self._open_lock:
            self._closed = True
            if self.opened:
                self._writer.stop()
                self.opened = False

    def __enter__(self) -> "Store":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def config(self):
        if self._config is None:
            from firmware.store.config import ConfigManager
            self._config = ConfigManager(self)
        return self._config

    # -- writes ---------------------------------------------------------------------------
    def submit(self, table_name: str, record: dict, retry: bool = True) -> Future:
        """Queue an insert and return at once; the Future gives the id once durable.

        Never blocks and never raises: a bad record or a closed store fails the Future (and
        is logged). Write failures (disk full, read-only) are retried until the store is
        closed, unless ``retry`` is False: then the Future fails with StoreError at once.
        """
        try:
            spec, clean, part = self._prepare_insert(table_name, record)
        except RecordError as exc:
            log.error("record rejected: %s", exc)
            return _failed(exc)
        return self._submit(Op(spec, part, self._inserter(spec, part, clean), retry=retry))

    def insert(self, table_name: str, record: dict, timeout: float | None = None) -> str:
        """Insert a record; return its id once it is durable on disk."""
        spec, clean, part = self._prepare_insert(table_name, record)
        return self._wait(self._submit(Op(spec, part, self._inserter(spec, part, clean))), timeout)

    def update(self, table_name: str, rid: str, changes: dict, timeout: float | None = None) -> None:
        """Change some fields of a record (validated); KeyError if there is no such record."""
        self._wait(self.submit_update(table_name, rid, changes, _raise=True), timeout)

    def submit_update(self, table_name: str, rid: str, changes: dict, _raise: bool = False) -> Future:
        """Queue an update without waiting; the Future resolves once it is durable."""
        try:
            spec = table(table_name)
            clean = validate_record(spec, changes, partial=True)
            if spec.dated and spec.time_field in clean:
                raise RecordError(f"{spec.name}.{spec.time_field}", "cannot be changed (it places the record)")
            if spec.key and spec.key in clean:
                raise RecordError(f"{spec.name}.{spec.key}", "cannot be changed (it names the record)")
            part, doc_id = self._split(spec, rid)
        except RecordError as exc:
            if _raise:
                raise
            return _failed(exc)

        def apply(tdb):
            if not tdb.contains(doc_id=doc_id):
                raise KeyError(f"no {spec.name} record {rid}")
            tdb.update(clean, doc_ids=[doc_id])
        return self._submit(Op(spec, part, apply))

    def append(self, table_name: str, rid: str, field: str, item, timeout: float | None = None) -> None:
        """Append ``item`` to a list field of a record, atomically with respect to other writes."""
        spec = table(table_name)
        if spec.fields.get(field) is None or spec.fields[field].kind != "list":
            raise RecordError(f"{spec.name}.{field}", "not a list field")
        part, doc_id = self._split(spec, rid)

        def apply(tdb):
            doc = tdb.get(doc_id=doc_id)
            if doc is None:
                raise KeyError(f"no {spec.name} record {rid}")
            tdb.update({field: list(doc.get(field) or []) + [item]}, doc_ids=[doc_id])
        self._wait(self._submit(Op(spec, part, apply)), timeout)

    def upsert(self, table_name: str, record: dict, timeout: float | None = None) -> str:
        """Insert or replace the record of a keyed table by its key; returns its id."""
        return self._wait(self.submit_upsert(table_name, record, _raise=True), timeout)

    def submit_upsert(self, table_name: str, record: dict, _raise: bool = False) -> Future:
        """``upsert`` without waiting (the engine's way); the Future gives the id once durable."""
        try:
            spec = table(table_name)
            if not spec.key:
                raise RecordError(spec.name, "not a keyed table")
            clean = validate_record(spec, record)
        except RecordError as exc:
            if _raise:
                raise
            return _failed(exc)
        key = clean[spec.key]

        def apply(tdb):
            for doc in tdb.all():
                if doc.get(spec.key) == key:
                    tdb.update(clean, doc_ids=[doc.doc_id])
                    return str(doc.doc_id)
            return str(tdb.insert(clean))
        return self._submit(Op(spec, UNDATED, apply, retry=not _raise))

    def submit_remove(self, table_name: str, key: str) -> Future:
        """Remove the record of a keyed table by its key, without waiting (True if there was one)."""
        spec = table(table_name)

        def apply(tdb):
            return bool(tdb.remove(lambda doc: doc.get(spec.key) == key))
        return self._submit(Op(spec, UNDATED, apply, retry=True))

    def delete(self, table_name: str, rid: str, timeout: float | None = None) -> None:
        spec = table(table_name)
        part, doc_id = self._split(spec, rid)

        def apply(tdb):
            if not tdb.contains(doc_id=doc_id):
                raise KeyError(f"no {spec.name} record {rid}")
            tdb.remove(doc_ids=[doc_id])
        self._wait(self._submit(Op(spec, part, apply)), timeout)

    def audit(self, user: str, action: str, detail: str = "", source: str = "host") -> Future:
        """Append to the audit log (who, when, what); returns the Future of the write.

        A write failure fails the Future at once (no retry), so a person waiting on it is told.
        """
        return self.submit("audit", {"time": now_time(), "user": user or "?", "source": source,
                                     "action": action, "detail": detail}, retry=False)

    def purge_before(self, table_name: str, day: str, on_record: Callable[[dict], None] | None = None,
                     timeout: float | None = None) -> int:
        """Delete the whole days of a dated table before ``day`` (YYYYMMDD); returns records removed.

        ``on_record`` is called for each removed record first (e.g. to delete its file).
        """
        return self._wait(self.submit_purge(table_name, day, on_record), timeout)

    def submit_purge(self, table_name: str, day: str, on_record: Callable[[dict], None] | None = None) -> Future:
        """``purge_before`` without waiting: the Future gives the number of records removed."""
        spec = table(table_name)
        if not spec.dated:
            raise RecordError(spec.name, "only dated tables are purged by age")

        def apply(writer: Writer) -> int:
            removed = 0
            for part in self.layout.partitions(spec, last=None):
                if part >= day:
                    break
                path = self.layout.partition_path(spec, part)
                try:
                    records = self.reader.partition(spec, part)
                except CorruptFile:
                    records = {}                  # expired and unreadable: nothing to keep
                if on_record:
                    for rec in records.values():
                        on_record(rec)
                remove_durably(path)
                writer.forget(path)
                removed += len(records)
            return removed
        return self._submit(Op(None, None, apply))

    # -- reads ------------------------------------------------------------------------------
    def get(self, table_name: str, rid: str) -> dict | None:
        spec = table(table_name)
        part, _ = self._split(spec, rid)
        return self.reader.partition(spec, part).get(str(rid))

    def find(self, table_name: str, key: str) -> dict | None:
        """The record of a keyed table whose key field equals ``key``."""
        spec = table(table_name)
        for rec in self.reader.partition(spec, UNDATED).values():
            if rec.get(spec.key) == key:
                return rec
        return None

    def records(self, table_name: str, since=None, until=None, errors: list | None = None) -> Iterator[dict]:
        """All records of a table, oldest day first, optionally within days since..until."""
        spec = table(table_name)
        first = day_bound(since, "from") if since is not None else None
        last = day_bound(until, "to") if until is not None else None
        for _, recs in self.reader.iter_partitions(spec, first, last, errors):
            yield from recs.values()

    def search(self, table_name: str, since=None, until=None, where: dict | Callable | None = None,
               limit: int | None = None, errors: list | None = None) -> list[dict]:
        """Records matching ``where`` (field -> value equality, or a predicate)."""
        if isinstance(where, dict):
            spec = table(table_name)
            for name in where:
                if name not in spec.fields and name != "id":
                    raise RecordError(f"{spec.name}.{name}", "unknown field")
            items = tuple(where.items())

            def match(rec):
                return all(rec.get(k) == v for k, v in items)
        else:
            match = where or (lambda rec: True)
        found = []
        for rec in self.records(table_name, since, until, errors):
            if match(rec):
                found.append(rec)
                if limit is not None and len(found) >= limit:
                    break
        return found

    # -- helpers ----------------------------------------------------------------------------
    def _prepare_insert(self, table_name: str, record: dict) -> tuple[Table, dict, str]:
        spec = table(table_name)
        clean = validate_record(spec, record)
        part = day_of(clean[spec.time_field]) if spec.dated else UNDATED
        return spec, clean, part

    @staticmethod
    def _inserter(spec: Table, part: str, clean: dict):
        def apply(tdb):
            if spec.key and tdb.contains(lambda d: d.get(spec.key) == clean[spec.key]):
                raise RecordError(f"{spec.name}.{spec.key}", f"{clean[spec.key]!r} already exists")
            doc_id = tdb.insert(clean)
            return f"{part}-{doc_id}" if spec.dated else str(doc_id)
        return apply

    @staticmethod
    def _split(spec: Table, rid: str) -> tuple[str, int]:
        try:
            return split_id(spec, rid)
        except ValueError as exc:
            raise RecordError(f"{spec.name}.id", str(exc)) from None

    @staticmethod
    def _wait(future: Future, timeout: float | None):
        return future.result(timeout)
