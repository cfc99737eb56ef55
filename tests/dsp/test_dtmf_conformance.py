"""Q.24 / Mitel-procedure DTMF conformance: ours must pass every case; spandsp is run on the
same audio and its score printed beside ours (the summary at the end of the run)."""
import pytest

from tests.dsp import conformance
from tests.dsp.conftest import COMPARISON

CASES = conformance.cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_ours_passes(case):
    found = conformance.ours(case)
    right, total = conformance.score(found, case.expected)
    COMPARISON.append(("dtmf", case.name, f"{right}/{total}", _peer_score(case)))
    wrong = [(f, e) for f, e in zip(found, case.expected) if f != e]
    assert right == total, f"{case.name}: found/expected {wrong[:5]}"


def _peer_score(case) -> str:
    from firmware.dsp.peers import spandsp
    try:
        spandsp.load()
    except spandsp.PeerUnavailable:
        return "n/a"
    right, total = conformance.score(conformance.spandsp(case), case.expected)
    return f"{right}/{total}"


def test_spandsp_peer_runs_and_decodes_plain_digits(spandsp_peer):
    """The side-by-side column means something: spandsp decodes the plain case fully."""
    case = CASES[0]
    assert conformance.score(conformance.spandsp(case), case.expected) == (16, 16)


def test_twist_beyond_limits_rejected():
    from firmware.dsp.dtmf import KEYS, detect_digits
    import numpy as np
    from firmware.dsp.synth import bursts, ms
    from firmware.dsp.dtmf import key_frequencies
    signals = []
    for key in KEYS:
        low, high = key_frequencies(key)
        signals.append(bursts([((), (), 400), ((low, high), (-4, -16), ms(60)), ((), (), 800)]))   # 12 dB normal
        signals.append(bursts([((), (), 400), ((low, high), (-16, -8), ms(60)), ((), (), 800)]))   # 8 dB reverse
    found = detect_digits(np.stack(signals))
    assert all(not f for f in found)
