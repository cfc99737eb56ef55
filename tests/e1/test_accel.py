"""The C helper and the numpy path give identical results (both run here when C is built)."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from firmware.e1 import accel
from firmware.e1.crc4 import crc4_smf
from firmware.e1.framer import E1Receiver, E1Transmitter, FramerConfig
from firmware.e1.synth import synth_stream
from tests.e1.helpers import run_receiver

pytestmark = pytest.mark.skipif(not accel.available(), reason="C helper not built")


def test_crc4_smfs_in_c_matches_numpy():
    smfs = np.random.default_rng(3).integers(0, 256, (40, 256), dtype=np.uint8)
    out = np.zeros(40, np.uint8)
    accel.lib.e1_crc4_smfs(accel.ffi.from_buffer(smfs), 40, accel.ffi.from_buffer(out))
    assert np.array_equal(out, crc4_smf(smfs))


@settings(max_examples=20, deadline=None)
@given(sizes=st.lists(st.integers(1, 170), min_size=1, max_size=6), crc4=st.booleans(),
       signalling=st.sampled_from(["cas", "ccs", "none"]), seed=st.integers(0, 2**31), ebits=st.integers(0, 5))
def test_transmitter_c_equals_numpy(sizes, crc4, signalling, seed, ebits):
    config = FramerConfig(crc4=crc4, signalling=signalling)
    fast = E1Transmitter(config)
    with accel.disabled():
        slow = E1Transmitter(config)
    assert fast._accel and not slow._accel
    rng = np.random.default_rng(seed)
    for tx in (fast, slow):
        tx.ebits_pending = ebits
        tx.abcd[3] = 0b0101
        if signalling == "ccs":
            tx.send_hdlc(b"\x7e\x7d\xff hello")
    for size in sizes * 2:
        voice = rng.integers(0, 256, (32, size), dtype=np.uint8)
        assert np.array_equal(fast.transmit(voice), slow.transmit(voice))
    assert fast.ebits_pending == slow.ebits_pending


@settings(max_examples=10, deadline=None)
@given(config=st.builds(FramerConfig, crc4=st.booleans(), signalling=st.sampled_from(["cas", "ccs", "none"])),
       offset=st.integers(0, 31), ber=st.sampled_from([0.0, 1e-4]), seed=st.integers(0, 2**31))
def test_receiver_c_equals_numpy(config, offset, ber, seed):
    stream = synth_stream(2400, config, offset=offset, ber=ber, seed=seed)
    fast = run_receiver(stream, config, 160, rx=E1Receiver(config))
    with accel.disabled():
        slow_rx = E1Receiver(config)
    slow = run_receiver(stream, config, 160, rx=slow_rx)
    assert np.array_equal(fast[1], slow[1]) and fast[2] == slow[2]
    assert fast[0].counters.as_dict() == slow[0].counters.as_dict()
