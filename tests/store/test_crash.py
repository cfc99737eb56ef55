"""kill -9 the writer at random moments (>= 100 times) while it inserts, updates and purges.

After each kill: `db check` passes and every record the writer acknowledged (printed) is
there, with every acknowledged update. The moment of the kill is chosen by how many
acknowledgements to wait for (0 = right after start, during start-up and the first writes).
"""
import json
import os
import random
import signal
import subprocess
import sys

from firmware.store import Store
from firmware.store.check import check

KILLS = 110


def _stress(data, seed):
    return subprocess.Popen([sys.executable, "-m", "firmware.cli", "db", "stress", "--data", str(data),
                             "--records", "1000000", "--mix", "--seed", str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def test_kill_9_loses_nothing_acknowledged(tmp_path):
    data = tmp_path / "data"
    rng = random.Random(20261122)
    acked, updated = set(), set()
    purges = 0
    for kill in range(KILLS):
        proc = _stress(data, seed=kill)
        wait_for = rng.choice([0, 0, 1, 3, 10, 30, 60, 120])
        lines = []
        while len(lines) < wait_for:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        lines += proc.stdout.readlines()          # printed before the kill: acknowledged too
        proc.stdout.close()
        for line in lines:
            word = line.split()
            if len(word) == 1:
                acked.add(word[0])
            elif word[0] == "update":
                updated.add(word[1])
            elif word[0] == "purge":
                purges += 1
        report = check(data)
        assert report["ok"], f"kill {kill}: {json.dumps(report['errors'][:5])}"
        present = Store(data)                      # read-only use: the files as they are
        missing = [rid for rid in acked if present.get("cdr", rid) is None]
        assert not missing, f"kill {kill}: acknowledged records missing: {missing[:5]}"
        lost = [rid for rid in updated if not present.get("cdr", rid)["interrupted"]]
        assert not lost, f"kill {kill}: acknowledged updates missing: {lost[:5]}"
    assert len(acked) > 1000 and updated and purges     # the three kinds of write were all in flight
    with Store(data):                              # opening cleans what the kills left half-written
        pass
    assert check(data)["leftovers"] == []
    print(f"\n{KILLS} kills: {len(acked)} acknowledged inserts, {len(updated)} updates, {purges} purges verified")
