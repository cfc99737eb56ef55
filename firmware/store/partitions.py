"""Where records live on disk, and how to read them without touching the writer's state.

Layout under the data directory::

    db/<table>/<YYYYMMDD>.json     dated tables, one TinyDB file per UTC day
    db/<table>/all.json            undated tables (agents, users, candidates)
    db/.lock                       flock taken by a writer around each batch

Readers parse the durable files directly (they are replaced atomically, so a reader sees a
whole old or a whole new day, never a mix); a small cache spares re-parsing a day that has
not changed. An entry is valid while the file's identity (inode, mtime, size) is the same
and, for writes of this process, while the writer has not bumped the file's generation
(inode numbers are reused and mtimes are coarse, so identity alone can miss a rewrite).
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Iterator

from firmware.store.durable import CorruptFile, TMP_SUFFIX, read_json
from firmware.store.schema import UNDATED, Table


def file_identity(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def record_id(spec: Table, partition: str, doc_id: int | str) -> str:
    return f"{partition}-{doc_id}" if spec.dated else str(doc_id)


def split_id(spec: Table, rid: str) -> tuple[str, int]:
    """(partition, doc id) of a record id; ValueError if it is not one of this table's ids."""
    rid = str(rid)
    if spec.dated:
        part, _, num = rid.partition("-")
        if len(part) != 8 or not part.isdigit() or not num.isdigit():
            raise ValueError(f"not a {spec.name} id: {rid!r} (expected YYYYMMDD-N)")
        return part, int(num)
    if not rid.isdigit():
        raise ValueError(f"not a {spec.name} id: {rid!r} (expected a number)")
    return UNDATED, int(rid)


class Layout:
    """Paths of a data directory, and partition listing."""

    def __init__(self, data_dir: Path | str):
        self.root = Path(data_dir)
        self.db = self.root / "db"

    def table_dir(self, spec: Table) -> Path:
        return self.db / spec.name

    def partition_path(self, spec: Table, partition: str) -> Path:
        return self.table_dir(spec) / f"{partition}.json"

    def partitions(self, spec: Table, first: str | None = None, last: str | None = None) -> list[str]:
        """Partition names of a table, oldest first, optionally limited to days first..last."""
        directory = self.table_dir(spec)
        if not directory.is_dir():
            return []
        names = sorted(p.name[:-5] for p in directory.iterdir()
                       if p.name.endswith(".json") and not p.name.endswith(TMP_SUFFIX))
        if spec.dated:
            names = [n for n in names if len(n) == 8 and n.isdigit()]
            if first:
                names = [n for n in names if n >= first]
            if last:
                names = [n for n in names if n <= last]
        else:
            names = [n for n in names if n == UNDATED]
        return names


class Reader:
    """Reads durable partitions into {record id: record} with a small identity-keyed cache."""

    def __init__(self, layout: Layout, cache_size: int = 8):
        self.layout = layout
        self.cache_size = cache_size
        self._cache: OrderedDict[Path, tuple[tuple, int, dict]] = OrderedDict()
        self._generation: dict[Path, int] = {}
        self._lock = threading.Lock()

    def bump(self, path: Path) -> None:
        """The writer changed ``path``: cached content of it is stale."""
        with self._lock:
            self._generation[path] = self._generation.get(path, 0) + 1
            self._cache.pop(path, None)

    def partition(self, spec: Table, partition: str) -> dict[str, dict]:
        """Records of one partition (ids included); {} if absent; CorruptFile if unreadable."""
        path = self.layout.partition_path(spec, partition)
        with self._lock:
            generation = self._generation.get(path, 0)
        ident = file_identity(path)
        if ident is None:
            return {}
        with self._lock:
            hit = self._cache.get(path)
            if hit and hit[0] == ident and hit[1] == generation:
                self._cache.move_to_end(path)
                return hit[2]
        data = read_json(path)
        if data is None:
            return {}
        if not isinstance(data, dict) or not isinstance(data.get(spec.name, {}), dict):
            raise CorruptFile(path, "not a TinyDB document of table " + spec.name)
        records = {}
        for doc_id, doc in data.get(spec.name, {}).items():
            rid = record_id(spec, partition, doc_id)
            records[rid] = dict(doc, id=rid) if isinstance(doc, dict) else {"id": rid, "_bad": doc}
        with self._lock:
            self._cache[path] = (ident, generation, records)
            self._cache.move_to_end(path)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return records

    def iter_partitions(self, spec: Table, first: str | None = None, last: str | None = None,
                        errors: list | None = None) -> Iterator[tuple[str, dict[str, dict]]]:
        """(partition, records) oldest first; unreadable files go to ``errors`` if given, else raise."""
        for part in self.layout.partitions(spec, first, last):
            try:
                yield part, self.partition(spec, part)
            except CorruptFile as exc:
                if errors is None:
                    raise
                errors.append(str(exc))
