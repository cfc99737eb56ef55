"""A short soak (a quarter of an hour of line time, a fault every 1.5 min on average): every
channel idle at the end, a CDR for every call the box took, the box's RSS within its margin."""
from __future__ import annotations

import pytest


@pytest.mark.rig_job("soak")
def test_short_soak_leaves_the_box_clean(rig_jobs):
    code, doc = rig_jobs.result("soak")
    print(doc)
    failed = [c for c in doc["checks"] if not c["ok"]]
    assert not failed and code == 0 and doc["passed"]
    assert {c["kind"] for c in doc["checks"]} == {"channels_idle", "cdr_every_call", "box_alive", "memory"}
    assert doc["calls"] > 50 and doc["faults"] >= 4 and doc["cdrs"] >= doc["answered_by_box"]
    assert doc["sim_s"] >= 0.25 * 3600
