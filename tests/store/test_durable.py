"""Atomic writes, leftovers, and the text-held TinyDB partitions: same results as TinyDB's own
tables, a failed write never leaving a half-updated cache."""
import json

import pytest
from hypothesis import given, settings, strategies as st

from firmware.store import durable
from tinydb import TinyDB, where
from tinydb.storages import MemoryStorage

from firmware.store.durable import TMP_SUFFIX, CorruptFile, clean_leftovers, read_json, write_atomic
from firmware.store.textdb import TextDB, TextStorage


def test_write_atomic_replaces_content_and_leaves_no_temp(tmp_path):
    path = tmp_path / "x.json"
    write_atomic(path, b'{"a": 1}')
    write_atomic(path, b'{"a": 2}')
    assert json.loads(path.read_bytes()) == {"a": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_failed_rename_keeps_old_content_and_removes_temp(tmp_path, monkeypatch):
    path = tmp_path / "x.json"
    write_atomic(path, b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(durable.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(path, b"new")
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert not list(tmp_path.glob("*" + TMP_SUFFIX))


def test_clean_leftovers_removes_only_temp_files(tmp_path):
    (tmp_path / "db" / "cdr").mkdir(parents=True)
    keep = tmp_path / "db" / "cdr" / "20260101.json"
    keep.write_text("{}")
    tmp = tmp_path / "db" / "cdr" / ("20260101.json" + TMP_SUFFIX)
    tmp.write_text("{half")
    assert clean_leftovers(tmp_path) == [str(tmp)]
    assert keep.exists() and not tmp.exists()


def test_corrupt_file_names_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(b"\x00\xff{not json")
    with pytest.raises(CorruptFile) as err:
        read_json(path)
    assert "bad.json" in str(err.value)


def test_failed_flush_drops_changes_so_reads_come_from_disk(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    db = TextDB(path, storage=TextStorage)
    db.table("t").insert({"v": 1})
    db.storage.flush()
    db.table("t").insert({"v": 2})

    def full_disk(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("firmware.store.textdb.write_atomic", full_disk)
    with pytest.raises(OSError):
        db.storage.flush()
    monkeypatch.undo()
    assert TextDB(path, storage=TextStorage).table("t").all() == [{"v": 1}]
    assert json.loads(path.read_bytes()) == {"t": {"1": {"v": 1}}}


def test_text_storage_rejects_a_file_that_is_not_tinydb(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("[1, 2]")
    with pytest.raises(CorruptFile) as err:
        TextStorage(path).check()
    assert "p.json" in str(err.value) and "TinyDB" in str(err.value)


records = st.dictionaries(st.sampled_from(["a", "b", "k", "n"]),
                          st.one_of(st.integers(), st.text(max_size=8), st.booleans(), st.none(),
                                    st.lists(st.integers(), max_size=3)), max_size=4)
operations = st.lists(st.one_of(
    st.tuples(st.just("insert"), records),
    st.tuples(st.just("update_id"), st.integers(1, 12), records),
    st.tuples(st.just("update_where"), st.integers(0, 3), records),
    st.tuples(st.just("remove_id"), st.integers(1, 12)),
    st.tuples(st.just("remove_where"), st.integers(0, 3)),
    st.tuples(st.just("get"), st.integers(1, 12)),
    st.tuples(st.just("upsert"), st.integers(0, 3), records),
    st.tuples(st.just("flush_reopen"))), min_size=1, max_size=25)


def _apply(table, op):
    kind = op[0]
    if kind == "insert":
        return table.insert(dict(op[1]))
    if kind == "update_id":
        return table.update(dict(op[2]), doc_ids=[op[1]]) if table.contains(doc_id=op[1]) else None
    if kind == "update_where":
        return sorted(table.update(dict(op[2]), where("n") == op[1]))
    if kind == "remove_id":
        return table.remove(doc_ids=[op[1]]) if table.contains(doc_id=op[1]) else None
    if kind == "remove_where":
        return sorted(table.remove(where("n") == op[1]))
    if kind == "get":
        doc = table.get(doc_id=op[1])
        return None if doc is None else (doc.doc_id, dict(doc))
    if kind == "upsert":
        return sorted(table.upsert({**op[2], "n": op[1]}, where("n") == op[1]))
    raise AssertionError(kind)


@settings(max_examples=150, deadline=None)
@given(operations)
def test_text_tables_behave_as_tinydb_tables(tmp_path_factory, ops):
    """Every operation gives TinyDB's own answer, and the file holds TinyDB's own content."""
    path = tmp_path_factory.mktemp("text") / "p.json"
    ours = TextDB(path, storage=TextStorage)
    reference = TinyDB(storage=MemoryStorage)
    for op in ops:
        if op[0] == "flush_reopen":            # both start over from what they hold (new id counters)
            ours.storage.flush()
            ours = TextDB(path, storage=TextStorage)
            data, reference = reference.storage.read(), TinyDB(storage=MemoryStorage)
            reference.storage.write(data or {})
            continue
        assert _apply(ours.table("cdr"), op) == _apply(reference.table("cdr"), op), op
        assert len(ours.table("cdr")) == len(reference.table("cdr"))
    ours.storage.flush()
    expected = {str(doc.doc_id): dict(doc) for doc in reference.table("cdr").all()}
    on_disk = json.loads(path.read_bytes()) if path.exists() else {"cdr": {}}
    assert on_disk.get("cdr", {}) == expected
    assert [dict(d) for d in TextDB(path, storage=TextStorage).table("cdr").all()] == list(expected.values())


def test_in_place_changes_by_tinydb_operations_reach_the_file(tmp_path):
    from tinydb.operations import add, delete
    path = tmp_path / "p.json"
    db = TextDB(path, storage=TextStorage)
    tickets = db.table("tickets")
    doc_id = tickets.insert({"status": "open", "count": 1, "note": "x"})
    tickets.update(add("count", 2), doc_ids=[doc_id])
    tickets.update(delete("note"), doc_ids=[doc_id])
    tickets.update({"status": "closed"}, where("status") == "open")
    db.storage.flush()
    assert json.loads(path.read_bytes()) == {"tickets": {str(doc_id): {"status": "closed", "count": 3}}}


def test_a_partition_is_written_in_pieces_that_make_the_whole_file(tmp_path):
    path = tmp_path / "p.json"
    db = TextDB(path, storage=TextStorage)
    for n in range(600):
        db.table("queue_log").insert({"n": n, "event": "CONNECT"})
    db.table("cdr").insert({"call_id": "x"})
    pieces = list(db.storage.pieces(records=256))
    assert max(len(p) for p in pieces) < 256 * 40               # no piece holds the whole table
    db.storage.flush()
    assert path.read_bytes() == b"".join(pieces)
    assert json.loads(path.read_bytes()) == {"queue_log": {str(n + 1): {"n": n, "event": "CONNECT"}
                                                           for n in range(600)},
                                             "cdr": {"1": {"call_id": "x"}}}
