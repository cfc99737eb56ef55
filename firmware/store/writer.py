"""The store's writer thread: every change to the database goes through it, off the real-time path.

Callers put an ``Op`` on an unbounded queue (never blocking) and get a Future. The thread
takes all the ops waiting (group commit), applies them to the TinyDB partitions they touch
(in memory), then makes each touched partition durable with one atomic write, and only then
resolves the ops' futures: a resolved future means the change is on disk. If a partition's
write fails (disk full, read-only, I/O error) its cached state is dropped and only the ops
that touched it fail; ops marked ``retry`` (the engine's records) are kept and retried every
``retry_delay`` seconds instead, so a full disk that is cleared later loses nothing.

Writes are serialised between processes by an flock on ``db/.lock``; a partition whose file
changed under us (another process wrote it) is re-read before it is modified. A partition
file that no longer parses (damaged outside the store) is moved aside as ``*.corrupt`` (kept
for forensics and reported by ``db check``) and a new file is started, so the box keeps
recording calls.
"""
from __future__ import annotations

import errno
import fcntl
import logging
import os
import queue
import threading
from time import monotonic
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from firmware.store.durable import CorruptFile, clean_leftovers, fsync_dir
from firmware.store.partitions import Layout, file_identity
from firmware.store.schema import TABLES, Table
from firmware.store.textdb import TextDB, TextStorage

log = logging.getLogger(__name__)

MAX_BATCH = 512
#: partitions kept open between batches: today's file of every table, plus a few older days.
#: Fewer than the tables a call writes (cdr, queue_log, tickets, recordings, active_calls, ...)
#: made every batch re-read and re-index whole day files (store writer CPU -45% at 16).
OPEN_PARTITIONS = len(TABLES) + 4
#: a partition not written for this long is closed (yesterday's, once its last calls are done):
#: memory holds the records of the days still being written, not of every day since start
IDLE_CLOSE_S = 60.0


QUARANTINE_SUFFIX = ".corrupt"


def quarantine(path: Path, exc: CorruptFile) -> Path:
    """Move an unreadable partition aside (kept for forensics, reported by ``db check``)."""
    target = path.with_name(path.name + QUARANTINE_SUFFIX)
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}{QUARANTINE_SUFFIX}{n}")
    os.replace(path, target)
    fsync_dir(path.parent)
    log.error("%s; moved aside to %s and started a new file", exc, target.name)
    return target


class StoreError(Exception):
    """A change could not be made durable (the message says which file and why)."""


def describe_oserror(exc: OSError, path: Path | str) -> str:
    reasons = {errno.ENOSPC: "disk full", errno.EROFS: "read-only file system",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.EDQUOT: "disk quota exceeded", errno.EIO: "I/O error"}
    return f"cannot write {path}: {reasons.get(exc.errno, exc.strerror or str(exc))}"


@dataclass
class Op:
    """One change: ``apply(partition_db)`` runs in the writer thread against partition ``key``."""

    spec: Table | None
    partition: str | None
    apply: Callable[[Any], Any]
    future: Future = field(default_factory=Future)
    retry: bool = False


class Partition:
    """One open TinyDB partition file with its deferred durable storage."""

    def __init__(self, path: Path):
        self.path = path
        self.db = TextDB(path, storage=TextStorage)
        self.identity = file_identity(path)
        self.used = monotonic()               # last batch that wrote it

    @property
    def storage(self) -> TextStorage:
        return self.db.storage

    def flush(self) -> None:
        self.storage.flush()
        self.identity = file_identity(self.path)


class Writer:
    """The thread that owns all open partitions and performs every write."""

    def __init__(self, layout: Layout, retry_delay: float = 1.0, on_change: Callable[[Path], None] = lambda p: None):
        self.layout = layout
        self.on_change = on_change                # told of every file written or removed
        self.retry_delay = retry_delay
        self.queue: queue.SimpleQueue[Op | None] = queue.SimpleQueue()
        self._open: OrderedDict[Path, Partition] = OrderedDict()
        self._pending_retry: list[Op] = []
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._lock_fd: int | None = None

    # -- life cycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the thread. A data directory that cannot be written (read-only, full) does not
        stop the box: every write then fails (or is kept for retry) until it can be written."""
        try:
            self._acquire()
            try:
                for leftover in clean_leftovers(self.layout.db):
                    log.info("removed leftover of an interrupted write: %s", leftover)
            finally:
                self._release()
        except OSError as exc:
            log.error("%s; records will fail or wait until it is fixed",
                      describe_oserror(exc, exc.filename or self.layout.db))
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.queue.put(None)
            self._thread.join()
        for op in self._pending_retry:
            op.future.set_exception(StoreError("store closed before the record could be written"))
        self._pending_retry.clear()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def submit(self, op: Op) -> Future:
        if not self._thread.is_alive():
            op.future.set_exception(StoreError("the store is closed"))
        else:
            self.queue.put(op)
        return op.future

    # -- the thread -----------------------------------------------------------------------
    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch: list[Op] = []
            try:
                item = self.queue.get(timeout=self.retry_delay if self._pending_retry else None)
                stopping = item is None
                if item is not None:
                    batch.append(item)
            except queue.Empty:
                pass
            while len(batch) < MAX_BATCH and not stopping:
                try:
                    item = self.queue.get_nowait()
                except queue.Empty:
                    break
                stopping = item is None
                if item is not None:
                    batch.append(item)
            batch, self._pending_retry = self._pending_retry + batch, []
            if batch:
                try:
                    self._process(batch)
                except BaseException as exc:        # never leave a caller waiting forever
                    log.exception("store writer failed")
                    self._open.clear()
                    for op in batch:
                        if not op.future.done():
                            op.future.set_exception(StoreError(f"store writer failed: {exc}"))
        self._open.clear()

    def _acquire(self) -> None:
        """Take the inter-process write lock (opening it now if the directory was not writable)."""
        if self._lock_fd is None:
            self.layout.db.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.layout.db / ".lock", os.O_RDWR | os.O_CREAT, 0o640)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)

    def _release(self) -> None:
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _process(self, batch: list[Op]) -> None:
        done: dict[Path, tuple[Partition, list[tuple[Op, Any]]]] = {}
        no_partition: list[tuple[Op, Any]] = []
        try:
            self._acquire()
        except OSError as exc:
            error = StoreError(describe_oserror(exc, exc.filename or self.layout.db))
            for op in batch:
                self._fail_or_retry(op, error)
            return
        try:
            for op in batch:
                try:
                    if op.spec is None:                       # whole-store op (purge, ...)
                        no_partition.append((op, op.apply(self)))
                        continue
                    part = self._partition(op.spec, op.partition)
                    result = op.apply(part.db.table(op.spec.name))
                    done.setdefault(part.path, (part, []))[1].append((op, result))
                except OSError as exc:
                    self._fail_or_retry(op, StoreError(describe_oserror(exc, exc.filename or self.layout.db)))
                except Exception as exc:          # a bad change (missing id, ...): only this op fails
                    op.future.set_exception(exc)
            for path, (part, results) in done.items():
                try:
                    self.on_change(path)          # before and after: a reader between them re-reads
                    part.flush()
                    self.on_change(path)
                except OSError as exc:
                    self._drop(path)
                    error = StoreError(describe_oserror(exc, path))
                    for op, _ in results:
                        self._fail_or_retry(op, error)
                    continue
                for op, result in results:
                    op.future.set_result(result)
            while len(self._open) > OPEN_PARTITIONS:     # only between batches: a batch keeps its own
                self._open.popitem(last=False)
            idle_since = monotonic() - IDLE_CLOSE_S
            while self._open and next(iter(self._open.values())).used < idle_since:
                self._open.popitem(last=False)           # least recently used first
        finally:
            self._release()
        for op, result in no_partition:
            op.future.set_result(result)

    def _fail_or_retry(self, op: Op, error: StoreError) -> None:
        if op.retry and len(self._pending_retry) < 100_000:
            if not self._pending_retry:
                log.error("%s; will retry every %.0f s", error, self.retry_delay)
            self._pending_retry.append(op)
        else:
            op.future.set_exception(error)

    # -- partitions -----------------------------------------------------------------------
    def _partition(self, spec: Table, name: str) -> Partition:
        path = self.layout.partition_path(spec, name)
        part = self._open.get(path)
        if part is not None and part.identity != file_identity(path):
            self._drop(path)                      # another process wrote it: re-read
            part = None
        if part is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = Partition(path)
            try:
                part.storage.check()              # find corruption now, not mid-update
            except CorruptFile as exc:
                quarantine(path, exc)
                part = Partition(path)
            self._open[path] = part
        self._open.move_to_end(path)
        part.used = monotonic()
        return part

    def _drop(self, path: Path) -> None:
        part = self._open.pop(path, None)
        if part is not None:
            part.storage.discard()

    def forget(self, path: Path) -> None:
        """Called from whole-store ops that delete or replace a partition file."""
        self._drop(path)
        self.on_change(path)
