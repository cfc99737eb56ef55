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


def _lock_step(sw, a, b):
    """One block on span 1 then span 2; what span 2 transmits."""
    sw.receive(1, a)
    sw.fill(1, np.zeros((32, 160), np.uint8))
    sw.receive(2, b)
    tx2 = np.zeros((32, 160), np.uint8)
    sw.fill(2, tx2)
    return tx2


def test_a_new_connection_after_the_last_one_ended_starts_afresh_without_a_slip():
    """Span pairs whose connections all end and later start again (a lull between calls): the
    new call reads at the target delay, not from where the old one stopped (a false slip)."""
    sw = Switch([1, 2])
    sw.connect((1, 5), (2, 7))
    for a, b in zip(blocks(4, 10), blocks(5, 10)):
        _lock_step(sw, a, b)
    sw.disconnect((1, 5))
    for a, b in zip(blocks(6, 100), blocks(7, 100)):        # 2 s with no call between the spans
        _lock_step(sw, a, b)
    sw.connect((1, 9), (2, 3))
    sent, got = [], []
    for a, b in zip(blocks(8, 20), blocks(9, 20)):
        got.append(_lock_step(sw, a, b)[3])
        sent.append(a[9])
    assert sw.slips == {}
    sent, got = np.concatenate(sent), np.concatenate(got)
    assert np.array_equal(got[TARGET_DELAY:], sent[:len(sent) - TARGET_DELAY])


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
