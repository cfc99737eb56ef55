"""Calls up at a crash get an interrupted CDR at the next start, exactly once."""
import os
import signal
import subprocess
import sys
import textwrap

from firmware.store import Store
from firmware.store.calls import call_down, call_up, recover_interrupted


def test_calls_up_at_a_kill_get_interrupted_cdrs(tmp_path):
    data = tmp_path / "data"
    script = textwrap.dedent(f"""
        import sys
        from firmware.store import Store
        from firmware.store.calls import call_up, call_down
        st = Store({str(data)!r}).open()
        call_up(st, {{"call_id": "up-1", "span": 1, "ts": 3, "ani": "123", "start": 1_800_000_000}}).result()
        call_up(st, {{"call_id": "up-2", "span": 1, "ts": 4, "ani": "456", "start": 1_800_000_010,
                     "answer": 1_800_000_020, "agent": "a01"}}).result()
        call_up(st, {{"call_id": "done", "span": 1, "ts": 5, "start": 1_800_000_000}}).result()
        st.submit("cdr", {{"call_id": "done", "start": 1_800_000_000, "end": 1_800_000_060}})
        call_down(st, "done").result()
        print("ready", flush=True)
        sys.stdin.read()
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(data) as st:
        ids = recover_interrupted(st)
        cdrs = {st.get("cdr", i)["call_id"]: st.get("cdr", i) for i in ids}
        assert set(cdrs) == {"up-1", "up-2"}
        assert all(c["interrupted"] for c in cdrs.values())
        assert (cdrs["up-1"]["disposition"], cdrs["up-2"]["disposition"]) == ("FAILED", "ANSWERED")
        assert cdrs["up-2"]["agent"] == "a01"
        assert list(st.records("active_calls")) == []
        assert recover_interrupted(st) == []                      # once only


def test_a_final_cdr_already_written_is_not_doubled(store):
    call_up(store, {"call_id": "c9", "start": 1_800_000_000}).result()
    store.insert("cdr", {"call_id": "c9", "start": 1_800_000_000, "end": 1_800_000_090})
    assert recover_interrupted(store) == []                       # died between CDR and call_down
    assert [c["call_id"] for c in store.records("cdr")] == ["c9"]
