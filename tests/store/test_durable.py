"""Atomic writes, leftovers, and a failed write never leaving a half-updated cache."""
import json

import pytest
from hypothesis import given, settings, strategies as st

from firmware.store import durable
from firmware.store.durable import (TMP_SUFFIX, CorruptFile, DurableJSONStorage, FragmentCache,
                                    clean_leftovers, read_json, write_atomic)


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


def test_failed_flush_drops_cache_so_reads_come_from_disk(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    storage = DurableJSONStorage(path)
    storage.write({"t": {"1": {"v": 1}}})
    storage.flush()
    data = storage.read()
    data["t"]["2"] = {"v": 2}                  # TinyDB mutates what read() returned
    storage.write(data)

    def full_disk(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(durable, "write_atomic", full_disk)
    with pytest.raises(OSError):
        storage.flush()
    monkeypatch.undo()
    assert storage.read() == {"t": {"1": {"v": 1}}}


records = st.dictionaries(st.text(max_size=6), st.one_of(st.integers(), st.text(max_size=8), st.booleans(),
                                                          st.none(), st.lists(st.integers(), max_size=3)),
                          max_size=5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.integers(1, 30).map(str), records, max_size=8), min_size=1, max_size=4))
def test_fragment_cache_writes_what_json_writes(versions):
    cache = FragmentCache()
    for docs in versions:                      # successive states of one table, cache reused
        assert json.loads(cache.dumps({"cdr": docs})) == {"cdr": docs}


def test_fragment_cache_sees_in_place_changes():
    cache = FragmentCache()
    doc = {"status": "open", "follow_ups": []}
    data = {"tickets": {"1": doc}}
    cache.dumps(data)
    doc["follow_ups"].append({"note": "called back"})
    doc["status"] = "closed"
    assert json.loads(cache.dumps(data)) == {"tickets": {"1": {"status": "closed",
                                                                "follow_ups": [{"note": "called back"}]}}}
