"""Backup and restore verified by checksums; retention purges old days and their audio files."""
import datetime as dt
import io
import json
import tarfile

import pytest
from click.testing import CliRunner

from firmware.cli import main
from firmware.store import Store
from firmware.store.backup import BackupError, backup, restore, verify
from firmware.store.check import check
from firmware.store.retention import RetentionJob, purge_expired
from tests.store.helpers import cdr


def test_backup_restore_round_trip_with_progress(tmp_path, now):
    data = tmp_path / "data"
    with Store(data) as st:
        ids = [st.insert("cdr", cdr(now - dt.timedelta(days=d))) for d in range(3)]
        st.insert("recordings", {"created": now, "path": "recordings/a.wav", "call_id": "c"})
    (data / "recordings").mkdir()
    (data / "recordings" / "a.wav").write_bytes(b"RIFF" + bytes(100))
    seen = []
    summary = backup(data, tmp_path / "box.tgz", progress=lambda done, total: seen.append((done, total)))
    assert summary["files"] == 5 and seen[-1] == (5, 5)
    with Store(data) as st:                                 # changes after the backup ...
        st.insert("cdr", cdr(now, call_id="later"))
    result = restore(tmp_path / "box.tgz", data)            # ... are rolled back, the old dir kept
    assert result["files"] == 5 and result["previous"].endswith("before-restore-1")
    with Store(data) as st:
        assert sorted(r["id"] for r in st.records("cdr")) == sorted(ids)
    assert (data / "recordings" / "a.wav").read_bytes()[:4] == b"RIFF"
    assert check(data)["ok"]


def test_damaged_archive_is_refused_and_data_untouched(tmp_path, now):
    data = tmp_path / "data"
    with Store(data) as st:
        st.insert("cdr", cdr(now))
    backup(data, tmp_path / "box.tgz")
    members = {}
    with tarfile.open(tmp_path / "box.tgz") as tar:
        for m in tar.getmembers():
            members[m.name] = tar.extractfile(m).read()
    name = next(n for n in members if n.startswith("db/cdr/"))
    members[name] = members[name].replace(b"13800138000", b"13800138001")   # a flipped digit
    bad = io.BytesIO()
    with tarfile.open(fileobj=bad, mode="w:gz") as tar:
        for n, blob in members.items():
            info = tarfile.TarInfo(n)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    (tmp_path / "bad.tgz").write_bytes(bad.getvalue())
    with pytest.raises(BackupError, match="checksum mismatch"):
        restore(tmp_path / "bad.tgz", data)
    (tmp_path / "junk.tgz").write_bytes(b"\x00garbage")
    with pytest.raises(BackupError, match="not a readable backup"):
        verify(tmp_path / "junk.tgz")
    with Store(data) as st:
        assert [r["ani"] for r in st.records("cdr")] == ["13800138000"]
    assert not (tmp_path / "data.restoring").exists()


def test_backup_and_restore_commands(tmp_path, now):
    data = tmp_path / "data"
    with Store(data) as st:
        st.insert("cdr", cdr(now))
    runner = CliRunner()
    result = runner.invoke(main, ["db", "backup", str(tmp_path / "b.tgz"), "--json", "--data", str(data)])
    assert result.exit_code == 0 and json.loads(result.output.splitlines()[-1])["files"] == 1
    result = runner.invoke(main, ["db", "restore", str(tmp_path / "nope.tgz"), "--data", str(data)])
    assert result.exit_code == 2 and "nope.tgz" in result.output
    result = runner.invoke(main, ["db", "restore", str(tmp_path / "b.tgz"), "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    with Store(data) as st:
        actions = [r["action"] for r in st.records("audit")]
    assert "db.restore" in actions


def test_retention_purges_old_days_and_their_recordings(store, now):
    store.config.set("ann", "retention.cdr", 30)
    store.config.set("ann", "retention.recordings", 7)
    store.config.commit("ann")
    (store.root / "recordings").mkdir()
    for days in (0, 6, 7, 40):
        day = now - dt.timedelta(days=days)
        store.insert("cdr", cdr(day))
        path = store.root / "recordings" / f"r{days}.wav"
        path.write_bytes(b"x")
        store.insert("recordings", {"created": day, "path": f"recordings/r{days}.wav"})
    store.insert("recordings", {"created": now - dt.timedelta(days=50), "path": "/etc/hostname"})
    removed = purge_expired(store, now=now)
    assert removed["cdr"] == 1 and removed["recordings"] == 3
    assert sorted(p.name for p in (store.root / "recordings").iterdir()) == ["r0.wav", "r6.wav"]
    assert len(list(store.records("cdr"))) == 3
    assert any(r["action"] == "retention.purge" for r in store.records("audit"))


def test_retention_job_runs_in_background(store, now):
    store.insert("cdr", cdr(now - dt.timedelta(days=1000)))
    job = RetentionJob(store, interval=3600).start()
    job.stop()                                   # stop waits for the first round to finish
    assert job.last_result["cdr"] == 1
