"""The receiver never raises on line input; the steady path and the frame walk agree; slips."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from firmware.e1.framer import E1Port, E1Receiver, FramerConfig
from firmware.e1.synth import synth_stream
from tests.e1.helpers import names, run_receiver

configs = st.builds(FramerConfig, crc4=st.booleans(), signalling=st.sampled_from(["cas", "ccs", "none"]))


@settings(max_examples=60, deadline=None)
@given(config=configs, data=st.binary(min_size=0, max_size=3000), sizes=st.lists(st.integers(0, 40), min_size=1, max_size=8))
def test_random_bytes_never_raise(config, data, sizes):
    rx = E1Receiver(config)
    arr = np.frombuffer(data, np.uint8)
    pos, k = 0, 0
    while pos < arr.size:
        take = sizes[k % len(sizes)] * 32
        k += 1
        chunk = arr[pos:pos + take]
        pos += max(take, 1)
        if chunk.size % 32:
            with pytest.raises(ValueError):
                rx.receive(chunk)
            continue
        block = rx.receive(chunk)
        assert block.frames == chunk.size // 32 and block.voice.shape == (32, block.frames)
        if k % 3 == 0:
            rx.no_signal(sizes[0] + 1)


@settings(max_examples=25, deadline=None)
@given(config=configs, offset=st.integers(0, 31), ber=st.sampled_from([0.0, 1e-4, 1e-3, 1e-2, 0.1]),
       seed=st.integers(0, 2**31))
def test_framed_lines_with_errors_never_raise(config, offset, ber, seed):
    stream = synth_stream(1200, config, offset=offset, ber=ber, seed=seed)
    rx, voice, _, _ = run_receiver(stream, config, 160)
    assert voice.shape == (32, stream.size // 32)


@settings(max_examples=15, deadline=None)
@given(config=configs, offset=st.integers(0, 31), ber=st.sampled_from([0.0, 1e-4, 1e-3]), seed=st.integers(0, 2**31))
def test_steady_path_and_frame_walk_agree(config, offset, ber, seed):
    """Blocks of 160 frames take the vectorised path; blocks of 5 frames always walk."""
    stream = synth_stream(2400, config, offset=offset, ber=ber, seed=seed,
                          hdlc=[bytes(range(k, k + 30)) for k in range(0, 200, 20)] if config.signalling == "ccs" else ())
    big = run_receiver(stream, config, 160)
    small = run_receiver(stream, config, 5)
    assert np.array_equal(big[1], small[1])
    assert big[0].counters.as_dict() == small[0].counters.as_dict()
    assert big[2] == small[2] and big[3] == small[3]
    assert np.array_equal(big[0].abcd, small[0].abcd)


def test_receive_rejects_partial_frames_with_a_clear_message():
    with pytest.raises(ValueError, match="not a whole number of 32-octet frames"):
        E1Receiver(FramerConfig()).receive(bytes(33))


def test_config_errors_name_the_field():
    with pytest.raises(ValueError, match="signalling"):
        FramerConfig(signalling="r2")
    with pytest.raises(ValueError, match="dchan"):
        FramerConfig(dchan=0)
    with pytest.raises(ValueError, match="transmit voice"):
        E1Port(FramerConfig()).transmit(np.zeros((31, 4), np.uint8))


@pytest.mark.parametrize("signalling", ["cas", "none"])
def test_two_frames_deleted_upstream_count_one_slip_without_lof(signalling):
    config = FramerConfig(crc4=True, signalling=signalling)
    stream = synth_stream(4000, config, seed=9, idle_voice=True)
    cut = 2000 * 32 + 64 * 5                            # not on a multiframe boundary
    slipped = np.concatenate([stream[:cut], stream[cut + 64:]])
    rx, _, events, _ = run_receiver(slipped, config)
    assert rx.counters.slips == 1 and "slip" in names(events)
    assert "LOF" not in names(events) and rx.crc4_active
