"""The Store: records in day files, durable acknowledgements, bad records, full disk, corruption."""
import datetime as dt
import errno
import logging
import os
import threading

import pytest

from firmware.store import RecordError, Store, StoreError
from firmware.store import writer as writer_mod
from firmware.store.check import check
from tests.store.helpers import cdr


def test_insert_get_update_append(store, now):
    rid = store.insert("cdr", cdr(now))
    assert rid == now.strftime("%Y%m%d") + "-1"
    assert store.get("cdr", rid)["ani"] == "13800138000"
    tid = store.insert("tickets", {"created": now, "caller": "13800138000", "category": "printer",
                                   "description": "paper jam"})
    store.update("tickets", tid, {"status": "in_progress", "tier": "second_line"})
    store.append("tickets", tid, "follow_ups", {"by": "ann", "note": "replaced roller"})
    ticket = store.get("tickets", tid)
    assert (ticket["status"], ticket["tier"]) == ("in_progress", "second_line")
    assert ticket["follow_ups"] == [{"by": "ann", "note": "replaced roller"}]


def test_records_survive_reopen(tmp_path, now):
    with Store(tmp_path) as st:
        ids = [st.insert("cdr", cdr(now + dt.timedelta(minutes=i), call_id=f"c{i}")) for i in range(5)]
    with Store(tmp_path) as st:
        assert [st.get("cdr", i)["call_id"] for i in ids] == [f"c{i}" for i in range(5)]


def test_submit_returns_future_resolving_to_durable_id(store, now):
    futures = [store.submit("cdr", cdr(now, call_id=f"s{i}")) for i in range(50)]
    ids = [f.result(timeout=10) for f in futures]
    assert len(set(ids)) == 50
    fresh = Store(store.root)                  # reads the files, not the writer's memory
    assert {r["id"] for r in fresh.records("cdr")} == set(ids)


def test_a_write_touches_only_its_day(store, now):
    for days in range(5):
        store.insert("cdr", cdr(now - dt.timedelta(days=days)))
    files = sorted((store.root / "db" / "cdr").iterdir())
    assert len(files) == 5
    before = {f.name: os.stat(f).st_ino for f in files}
    store.insert("cdr", cdr(now))
    after = {f.name: os.stat(f).st_ino for f in sorted((store.root / "db" / "cdr").iterdir())}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == [now.strftime("%Y%m%d") + ".json"]


def test_partitions_nobody_writes_any_more_are_closed(store, now, monkeypatch):
    """Yesterday's day file leaves the writer's memory once nothing writes it; today's stays."""
    clock = [1000.0]
    monkeypatch.setattr(writer_mod, "monotonic", lambda: clock[0])
    yesterday = now - dt.timedelta(days=1)
    rid = store.insert("cdr", cdr(yesterday))
    store.insert("cdr", cdr(now))
    open_days = lambda: sorted(p.name for p in store._writer._open)        # noqa: E731
    assert open_days() == sorted([yesterday.strftime("%Y%m%d") + ".json", now.strftime("%Y%m%d") + ".json"])
    clock[0] += writer_mod.IDLE_CLOSE_S / 2
    store.insert("cdr", cdr(now))
    clock[0] += writer_mod.IDLE_CLOSE_S / 2 + 1
    store.insert("cdr", cdr(now))
    assert open_days() == [now.strftime("%Y%m%d") + ".json"]
    store.update("cdr", rid, {"disposition": "ANSWERED"})            # reopened when written again
    assert store.get("cdr", rid)["disposition"] == "ANSWERED"


@pytest.mark.parametrize("record, where", [
    ({"call_id": "x", "start": "yesterday-ish"}, "cdr.start"),
    ({"call_id": "x", "start": 1_800_000_000, "colour": "red"}, "cdr.colour"),
    ({"call_id": "x", "start": 1_800_000_000, "ts": 32}, "cdr.ts"),
    ({"call_id": "x", "start": 1_800_000_000, "disposition": "MAYBE"}, "cdr.disposition"),
    ({"start": 1_800_000_000}, "cdr.call_id"),
    ({"call_id": "x", "start": 1_800_000_000, "duration": -1}, "cdr.duration"),
])
def test_bad_records_name_the_field(store, record, where):
    with pytest.raises(RecordError) as err:
        store.insert("cdr", record)
    assert err.value.where == where
    assert check(store.root)["counts"]["cdr"] == 0


def test_submit_of_bad_record_fails_the_future_without_raising(store):
    fut = store.submit("cdr", {"call_id": "x"})
    assert isinstance(fut.exception(timeout=1), RecordError)


def test_unknown_table_and_bad_ids(store):
    with pytest.raises(RecordError, match="unknown table"):
        store.insert("calls", {})
    with pytest.raises(RecordError, match="expected YYYYMMDD-N"):
        store.get("cdr", "../../etc/passwd")
    with pytest.raises(KeyError):
        store.update("cdr", "20260101-99", {"agent": "a1"})


def test_keyed_tables_upsert_and_refuse_duplicates(store):
    first = store.upsert("agents", {"agent": "a01", "name": "Ann", "skills": {"support": 1}})
    again = store.upsert("agents", {"agent": "a01", "name": "Ann Lee", "skills": {"support": 2}})
    assert first == again and store.find("agents", "a01")["name"] == "Ann Lee"
    with pytest.raises(RecordError, match="already exists"):
        store.insert("agents", {"agent": "a01"})


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "disk full"), (errno.EROFS, "read-only")])
def test_full_or_readonly_disk_is_a_clear_error_and_loses_nothing_acknowledged(store, now, monkeypatch, code, words):
    kept = store.insert("cdr", cdr(now, call_id="kept"))
    original = writer_mod.Partition.flush

    def failing(self):
        self.storage.discard()
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(writer_mod.Partition, "flush", failing)
    with pytest.raises(StoreError, match=words):
        store.insert("cdr", cdr(now, call_id="lost"))
    monkeypatch.setattr(writer_mod.Partition, "flush", original)
    assert store.get("cdr", kept)["call_id"] == "kept"
    rid = store.insert("cdr", cdr(now, call_id="after"))       # the store keeps working
    assert store.get("cdr", rid)["call_id"] == "after"
    assert [r["call_id"] for r in store.records("cdr")] == ["kept", "after"]


def test_engine_records_are_retried_until_the_disk_has_room(store, now, monkeypatch):
    original = writer_mod.Partition.flush
    failures = threading.Semaphore(0)

    def failing(self):
        self.storage.discard()
        failures.release()
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(writer_mod.Partition, "flush", failing)
    fut = store.submit("cdr", cdr(now, call_id="queued"))
    assert failures.acquire(timeout=5) and failures.acquire(timeout=5)   # tried, and retried
    assert not fut.done()
    monkeypatch.setattr(writer_mod.Partition, "flush", original)          # room again
    rid = fut.result(timeout=10)
    assert store.get("cdr", rid)["call_id"] == "queued"


def test_corrupted_day_is_reported_and_set_aside_without_stopping_writes(store, now):
    rid = store.insert("cdr", cdr(now))
    day_file = store.root / "db" / "cdr" / (now.strftime("%Y%m%d") + ".json")
    other = store.insert("cdr", cdr(now - dt.timedelta(days=1), call_id="yesterday"))
    store.close()
    day_file.write_bytes(b'{"cdr": {"1": {"call_id": "x", "sta')   # torn by something outside the store
    report = check(store.root)
    assert not report["ok"] and any(day_file.name in e for e in report["errors"])
    with Store(store.root) as st:
        errors = []
        assert [r["call_id"] for r in st.records("cdr", errors=errors)] == ["yesterday"]
        assert errors and day_file.name in errors[0]
        new = st.insert("cdr", cdr(now, call_id="today"))
        assert st.get("cdr", new)["call_id"] == "today"
        assert st.get("cdr", other)["call_id"] == "yesterday"
    report = check(store.root)
    assert any("moved aside" in e for e in report["errors"])          # still visible to the operator
    assert list((store.root / "db" / "cdr").glob("*.corrupt"))
    assert rid  # the torn day's records are kept in the .corrupt file for forensics


def test_two_stores_on_one_directory_lose_no_writes(tmp_path, now):
    with Store(tmp_path) as a, Store(tmp_path) as b:
        ids = []
        for i in range(10):
            ids.append((a if i % 2 else b).insert("cdr", cdr(now, call_id=f"c{i}")))
        assert len(set(ids)) == 10
    with Store(tmp_path) as st:
        assert sorted(r["call_id"] for r in st.records("cdr")) == sorted(f"c{i}" for i in range(10))


def test_search_by_days_and_fields(store, now):
    for days in range(10):
        store.insert("cdr", cdr(now - dt.timedelta(days=days), ani="111" if days % 2 else "222"))
    week = (now - dt.timedelta(days=6)).date()
    found = store.search("cdr", since=week, until=now.date(), where={"ani": "111"})
    assert len(found) == 3 and {r["ani"] for r in found} == {"111"}
    with pytest.raises(RecordError, match="unknown field"):
        store.search("cdr", where={"colour": "red"})


def test_purge_before_drops_whole_days(store, now):
    for days in range(4):
        store.insert("cdr", cdr(now - dt.timedelta(days=days)))
    cutoff = (now - dt.timedelta(days=1)).strftime("%Y%m%d")
    assert store.purge_before("cdr", cutoff) == 2
    assert len(list(store.records("cdr"))) == 2
    assert check(store.root)["ok"]


def test_first_write_opens_and_closed_store_fails_futures_instead_of_hanging(tmp_path, now):
    st = Store(tmp_path)                       # not opened: the first write opens it
    rid = st.submit("cdr", cdr(now)).result(timeout=10)
    st.close()
    assert Store(tmp_path).get("cdr", rid) is not None
    fut = st.submit("cdr", cdr(now))
    with pytest.raises(StoreError, match="closed"):
        fut.result(timeout=1)


def test_reads_see_every_acknowledged_update_at_once(store):
    """Same-size rewrites within one timestamp tick can reuse an inode: reads must still be fresh."""
    rid = store.upsert("users", {"name": "olga", "role": "operator"})
    for n in range(1, 150):
        store.update("users", rid, {"failures": n % 10})
        assert store.find("users", "olga")["failures"] == n % 10


def test_read_only_data_directory_opens_and_says_why_writes_fail(tmp_path, now, monkeypatch):
    data = tmp_path / "data"
    with Store(data) as st:
        kept = st.insert("cdr", cdr(now, call_id="kept"))
    real_open = os.open

    def read_only_open(path, flags, *args):
        if str(path).startswith(str(data)) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)
    retried = threading.Event()

    class RetryWatch(logging.Handler):
        def emit(self, record):
            if "will retry" in record.getMessage():
                retried.set()
    watch = RetryWatch()
    logging.getLogger("firmware.store.writer").addHandler(watch)
    monkeypatch.setattr(os, "open", read_only_open)
    try:
        with Store(data) as st:                     # the box starts anyway
            with pytest.raises(StoreError, match="read-only file system"):
                st.insert("tickets", {"created": now})
            assert st.get("cdr", kept)["call_id"] == "kept"       # reading still works
            pending = st.submit("cdr", cdr(now, call_id="waits"))  # the engine's record waits for a fix
            assert retried.wait(10) and not pending.done()
            monkeypatch.setattr(os, "open", real_open)             # remounted read-write
            assert st.get("cdr", pending.result(timeout=10))["call_id"] == "waits"
    finally:
        logging.getLogger("firmware.store.writer").removeHandler(watch)
