"""The spandsp peer says clearly why it is unavailable; fuzzing the receivers with random
A-law bytes, block lengths and channel changes never raises and never finds a signal."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from firmware.dsp import g711
from firmware.dsp.dtmf import DtmfReceiver
from firmware.dsp.mf import MfReceiver
from firmware.dsp.peers import spandsp


def test_peer_unavailable_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(spandsp, "_module", None)
    monkeypatch.setattr(spandsp, "HEADER_DIRS", (str(tmp_path),))
    with pytest.raises(spandsp.PeerUnavailable, match="libspandsp-dev"):
        spandsp.load()


def test_peer_builds_into_the_cache_dir(spandsp_peer):
    assert list((spandsp_peer.cache_dir() / "peers").glob("_spandsp_peer_*.so"))


def test_peer_rejects_wrong_shapes(spandsp_peer):
    bank = spandsp_peer.SpandspBank("dtmf", 2)
    with pytest.raises(ValueError, match=r"\(2, n\)"):
        bank.process(np.zeros((3, 10), np.int16))
    bank.close()


operations = st.lists(st.one_of(
    st.tuples(st.just("block"), st.integers(0, 8000), st.integers(0, 2**31 - 1)),
    st.tuples(st.just("resize"), st.integers(0, 6), st.just(0)),
    st.tuples(st.just("remove"), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("reset"), st.integers(0, 5), st.just(0)),
), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None)
@given(operations)
def test_fuzz_random_bytes_and_channel_changes(ops):
    receivers = [DtmfReceiver(3), MfReceiver(3, "forward"), MfReceiver(3, "backward")]
    for receiver in receivers:
        for op, value, seed in ops:
            channels = receiver.channels
            if op == "block":
                codes = np.random.default_rng(seed).integers(0, 256, (channels, value), dtype=np.uint8)
                assert receiver.process(g711.alaw_decode_float(codes)) == []
            elif op == "resize":
                receiver.resize(value)
            elif op == "remove" and value < channels:
                receiver.remove([value])
            elif op == "reset" and value < channels:
                receiver.reset(value)
            assert receiver.bank.channels == receiver.tracker.channels == receiver._memory.shape[0]
