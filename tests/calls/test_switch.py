"""The time-slot switch: bit-exact copies within and across spans, slips counted."""
from __future__ import annotations

import numpy as np
import pytest

from firmware.calls.switch import RING_FRAMES, TARGET_DELAY, Switch


def blocks(seed, count, n=160):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (32, n), dtype=np.uint8) for _ in range(count)]


def test_same_span_connection_is_immediate_and_bit_exact():
    sw = Switch([1])
    sw.connect((1, 3), (1, 20))
    for block in blocks(1, 5):
        sw.receive(1, block)
        tx = np.full((32, 160), 0xD5, np.uint8)
        sw.fill(1, tx)
        assert np.array_equal(tx[20], block[3]) and np.array_equal(tx[3], block[20])
        assert np.all(tx[5] == 0xD5)


def test_cross_span_stream_is_bit_exact_at_a_fixed_delay_in_lock_step():
    sw = Switch([1, 2])
    sw.connect((1, 5), (2, 7))
    sent, got = [], []
    for a, b in zip(blocks(2, 30), blocks(3, 30)):
        sw.receive(1, a)
        tx1 = np.zeros((32, 160), np.uint8)
        sw.fill(1, tx1)
        sw.receive(2, b)
        tx2 = np.zeros((32, 160), np.uint8)
        sw.fill(2, tx2)
        sent.append(a[5])
        got.append(tx2[7])
    sent, got = np.concatenate(sent), np.concatenate(got)
    delays = [d for d in range(0, 4 * TARGET_DELAY) if np.array_equal(got[d:], sent[:len(sent) - d])]
    assert len(delays) == 1, "the stream must arrive whole at one fixed delay"
    assert sw.slips == {}


def test_clock_difference_gives_counted_slips_not_garbage():
    sw = Switch([1, 2])
    sw.connect_oneway((1, 1), (2, 1))
    for i in range(400):                # span 2 reads 161 frames for every 160 span 1 writes
        sw.receive(1, np.full((32, 160), i % 256, np.uint8))
        tx = np.zeros((32, 161), np.uint8)
        sw.fill(2, tx)
    assert sw.slips[(1, 2)] >= 1
    assert RING_FRAMES > TARGET_DELAY


def test_disconnect_stops_both_directions_and_bad_endpoints_are_refused():
    sw = Switch([1, 2])
    sw.connect((1, 2), (2, 2))
    sw.disconnect((1, 2))
    assert sw.source == {}
    with pytest.raises(ValueError):
        sw.connect((3, 1), (1, 1))
