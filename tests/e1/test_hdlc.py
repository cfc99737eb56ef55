"""HDLC on the D-channel: flags, zero-bit stuffing, FCS, aborts, across block boundaries."""
import numpy as np
from hypothesis import given, settings, strategies as st

from firmware.e1.framer import E1Port, FramerConfig
from firmware.e1.hdlc import HdlcReceiver, HdlcTransmitter, crc16_x25, fcs, stuff

tricky = st.lists(st.sampled_from([0x7E, 0x7D, 0xFF, 0x00, 0x3F, 0xFC]) | st.integers(0, 255), min_size=1, max_size=80)


def test_fcs_check_value_and_residue():
    assert crc16_x25(b"123456789") ^ 0xFFFF == 0x906E
    data = b"\x02\x01\x7f"
    assert crc16_x25(data + fcs(data)) == 0xF0B8


def test_stuffing_inserts_after_five_ones():
    bits = np.array([1] * 12 + [0, 1, 1, 1, 1, 1], np.uint8)
    assert stuff(bits).tolist() == [1] * 5 + [0] + [1] * 5 + [0] + [1, 1, 0] + [1] * 5 + [0]


@settings(max_examples=40, deadline=None)
@given(frames=st.lists(tricky.map(bytes), min_size=1, max_size=6), sizes=st.lists(st.integers(1, 50), min_size=1, max_size=6))
def test_round_trip_across_any_block_boundaries(frames, sizes):
    tx, rx = HdlcTransmitter(), HdlcReceiver()
    for frame in frames:
        tx.send(frame)
    got, k = [], 0
    while tx.busy or k < 3:
        got += rx.feed(tx.octets(sizes[k % len(sizes)]))
        k += 1
    got += rx.feed(tx.octets(4))
    assert got == [(f, True) for f in frames]
    assert rx.fcs_errors == 0 and rx.aborts == 0


def test_bad_fcs_is_reported_not_delivered_and_abort_drops_a_frame():
    tx, rx = HdlcTransmitter(), HdlcReceiver()
    tx.send(b"good one")
    octets = tx.octets(20)
    rx.feed(octets[:4])
    assert rx.feed(octets[4:]) == [(b"good one", True)]
    tx.send(b"will be corrupted")
    bad = tx.octets(30)
    bad[5] ^= 0x01
    result = rx.feed(bad)
    assert result and not result[0][1] and rx.fcs_errors == 1
    tx.send(b"aborted frame")
    cut = tx.octets(8)
    rx.feed(np.concatenate([cut, np.full(2, 0xFF, np.uint8), np.full(4, 0x7E, np.uint8)]))
    assert rx.aborts == 1 and rx.frames_ok == 1
    tx = HdlcTransmitter()                               # the cut frame's rest is never sent
    tx.send(b"after abort")
    assert rx.feed(tx.octets(20)) == [(b"after abort", True)]


def test_idle_flags_cost_nothing_and_give_nothing():
    rx = HdlcReceiver()
    rx.feed(np.full(3, 0x7E, np.uint8))
    assert rx.feed(np.full(160, 0x7E, np.uint8)) == [] and rx.short_frames == 0


def test_through_the_framer_on_a_chosen_dchan():
    config = FramerConfig(signalling="ccs", dchan=16, crc4=True)
    near, far = E1Port(config), E1Port(config)
    sent = [bytes([0x00, 0x01, 0x7E, 0x7D, 0xFF, i]) * (i + 1) for i in range(8)]
    got = []
    for k in range(30):
        if 5 <= k < 5 + len(sent):
            near.tx.send_hdlc(sent[k - 5])
        got += far.receive(near.transmit(np.full((32, 37), 0xD5, np.uint8))).hdlc
    assert got == sent
