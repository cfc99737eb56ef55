"""Fixtures of the DSP tests: the spandsp peer (skipped with a reason when absent), the talk-off
corpus, and a side-by-side table of our receivers against spandsp printed after the run."""
from __future__ import annotations

import pytest

#: (suite, case, ours "right/total", spandsp "right/total" or reason) rows for the summary.
COMPARISON: list[tuple[str, str, str, str]] = []


@pytest.fixture(scope="session")
def spandsp_peer():
    from firmware.dsp.peers import spandsp
    try:
        spandsp.load()
    except spandsp.PeerUnavailable as exc:
        pytest.skip(str(exc))
    return spandsp


def pytest_terminal_summary(terminalreporter):
    if not COMPARISON:
        return
    write = terminalreporter.write_line
    terminalreporter.section("DSP receivers side by side: ours vs spandsp 0.0.6 (channels right / total)")
    width = max(len(case) for _, case, _, _ in COMPARISON)
    for suite, case, ours, peer in COMPARISON:
        write(f"{suite:8s} {case:{width}s}  ours {ours:>7s}   spandsp {peer:>7s}")
