"""Streaming behaviour of the two-tone receivers: block-size independence, sample-accurate
edges, per-channel clocks, channels added / removed / reset between blocks, and bad input
(silence, clipping, DC, full-scale noise, random A-law bytes) without exceptions or digits."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from firmware.dsp import g711
from firmware.dsp.dtmf import KEYS, DtmfReceiver, detect_digits, dtmf_signal
from firmware.dsp.mf import MfReceiver, mf_signal
from firmware.dsp.synth import white_noise

SIGNAL = np.concatenate([np.zeros(333), dtmf_signal("159#", 60, 60)])          # 4 digits
EDGES = [(333 + i * 960, 333 + i * 960 + 480) for i in range(4)]


def _feed(receiver, x, sizes):
    events, i, k = [], 0, 0
    while i < x.shape[1]:
        n = sizes[k % len(sizes)]
        events += receiver.process(x[:, i:i + n])
        i, k = i + n, k + 1
    return events + receiver.process(np.zeros((x.shape[0], 1000), np.float32))


def _ends(events):
    return [(e.channel, e.signal, e.start, e.sample) for e in events if e.kind == "end"]


def test_edges_are_sample_accurate():
    found = detect_digits(SIGNAL)[0]
    assert [d for d, _, _ in found] == list("159#")
    for (_, start, end), (true_start, true_end) in zip(found, EDGES):
        assert abs(start - true_start) <= 8 and abs(end - true_end) <= 8


@pytest.mark.parametrize("sizes", [[1], [7, 160, 3], [8000], [160], [41, 999]])
def test_any_block_length_gives_the_same_events(sizes):
    x = SIGNAL[None].astype(np.float32)
    reference = _ends(_feed(DtmfReceiver(1), x, [160]))
    assert len(reference) == 4
    assert _ends(_feed(DtmfReceiver(1), x, sizes)) == reference


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=700), min_size=1, max_size=8))
def test_random_block_partitions(sizes):
    x = SIGNAL[None].astype(np.float32)
    assert [(d, s) for _, d, s, _ in _ends(_feed(DtmfReceiver(1), x, sizes))] == \
           [(d, s) for _, d, s, _ in _ends(_feed(DtmfReceiver(1), x, [160]))]


def test_start_is_reported_before_end_and_only_once():
    receiver = DtmfReceiver(1)
    events = _feed(receiver, SIGNAL[None].astype(np.float32), [160])
    kinds = [(e.signal, e.kind) for e in events]
    assert kinds == [(d, k) for d in "159#" for k in ("start", "end")]


def test_channels_added_removed_and_reset_between_blocks():
    receiver = DtmfReceiver(2)
    tone = dtmf_signal("7", 80, 0).astype(np.float32)               # 640 samples
    events = receiver.process(np.zeros((2, 800), np.float32))
    receiver.resize(3)                                               # channel 2 joins: own time 0
    x = np.zeros((3, 480), np.float32)
    x[0, 0:480] = tone[:480]
    x[2, 160:480] = tone[:320]
    events += receiver.process(x)
    receiver.remove([1])                                             # channel 2 becomes channel 1
    y = np.zeros((2, 1600), np.float32)
    y[0, 0:160] = tone[480:]
    y[1, 0:320] = tone[320:]
    events += receiver.process(y)
    ends = _ends(events)
    assert [(c, d) for c, d, _, _ in ends] == [(0, "7"), (1, "7")]
    (_, _, start0, end0), (_, _, start1, end1) = ends
    assert abs(start0 - 800) <= 8 and abs(end0 - 1440) <= 8          # channel 0's clock
    assert abs(start1 - 160) <= 8 and abs(end1 - 800) <= 8           # the added channel's clock
    receiver.reset(0)
    late = receiver.process(np.tile(dtmf_signal("3", 80, 80).astype(np.float32), (2, 1)))
    late += receiver.process(np.zeros((2, 800), np.float32))
    starts = {e.channel: e.start for e in late if e.kind == "end"}
    assert abs(starts[0]) <= 8                                       # reset: clock back to 0
    assert abs(starts[1] - 2080) <= 8                                # the other kept counting


def test_reset_mid_digit_reports_nothing_for_the_old_call():
    receiver = DtmfReceiver(1)
    tone = dtmf_signal("9", 100, 0).astype(np.float32)[None]
    receiver.process(tone[:, :600])
    receiver.reset(0)
    events = receiver.process(np.zeros((1, 1600), np.float32))
    assert events == []


def _bad_inputs(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    t = np.arange(n)
    square = np.where(np.sin(2 * np.pi * 697 * t / 8000) >= 0, 32767, -32768)
    return {
        "silence": np.zeros(n),
        "clipping square wave": square,
        "DC": np.full(n, 20000.0),
        "full-scale noise": np.clip(rng.normal(0, 20000, n), -32768, 32767),
        "random A-law bytes": g711.alaw_decode(rng.integers(0, 256, n, dtype=np.uint8)).astype(np.float64),
        "clipped speech-like bursts": np.clip(white_noise(n, 0, seed=3) * (t // 800 % 2), -32768, 32767),
    }


@pytest.mark.parametrize("receiver_class", [DtmfReceiver, lambda c: MfReceiver(c, "forward"),
                                            lambda c: MfReceiver(c, "backward")])
def test_bad_input_gives_no_exception_and_no_signals(receiver_class):
    inputs = _bad_inputs(16000)
    x = np.stack(list(inputs.values())).astype(np.float32)
    receiver = receiver_class(x.shape[0])
    events = _feed(receiver, x, [1, 160, 8000, 37])
    assert events == [], [(list(inputs)[e.channel], e.signal) for e in events]
    receiver.process(np.zeros((x.shape[0], 0), np.float32))       # empty block is fine
    assert receiver.process(x.astype(np.int16)[:, :160]) == []     # int16 input too


def test_state_recovers_after_bad_input():
    x = np.concatenate([_bad_inputs(8000)["full-scale noise"], np.zeros(800), dtmf_signal("4", 60, 60)])
    assert [d for d, _, _ in detect_digits(x)[0]] == ["4"]


def test_wrong_shape_is_a_clear_error():
    with pytest.raises(ValueError, match=r"\(2, n\)"):
        DtmfReceiver(2).process(np.zeros((3, 160), np.float32))


def test_zero_channels():
    receiver = DtmfReceiver(0)
    assert receiver.process(np.zeros((0, 160), np.float32)) == []
    receiver.resize(1)
    assert receiver.process(np.zeros((1, 160), np.float32)) == []


def test_mf_streaming_block_independence():
    x = np.concatenate([np.zeros(123), mf_signal([3, 11], "forward", 80, 80)])[None].astype(np.float32)
    one = [(e.signal, e.start, e.sample) for e in _feed(MfReceiver(1, "forward"), x, [160]) if e.kind == "end"]
    other = [(e.signal, e.start, e.sample) for e in _feed(MfReceiver(1, "forward"), x, [13, 500]) if e.kind == "end"]
    assert [s for s, _, _ in one] == [3, 11] and one == other


def test_many_channels_each_keep_their_digits():
    rng = np.random.default_rng(5)
    keys = ["".join(rng.choice(list(KEYS), 5)) for _ in range(40)]
    signals = [dtmf_signal(k, 50, 60, level_dbm0=float(rng.uniform(-25, -5))) for k in keys]
    x = np.zeros((40, max(s.shape[0] for s in signals) + 400))
    for i, s in enumerate(signals):
        x[i, 100 + i:100 + i + s.shape[0]] = s
    found = detect_digits(g711.alaw_decode(g711.alaw_encode(x)))
    assert ["".join(d for d, _, _ in f) for f in found] == keys


def test_dtmf_sender_dials_per_channel():
    from firmware.dsp.dtmf import DtmfSender
    sender = DtmfSender(3)
    sender.dial(1, "12")
    sender.dial(1, "3")                                   # queued after the first keys
    sender.dial(2, "#")
    blocks = [sender.generate(160) for _ in range(25)]
    assert not sender.busy(1) and not sender.busy(2)
    x = np.concatenate(blocks, axis=1)
    assert np.all(x[0] == 0)
    found = detect_digits(x)
    assert ["".join(d for d, _, _ in f) for f in found] == ["", "123", "#"]
    assert abs(found[1][1][1] - 1120) <= 8                # 70 ms on + 70 ms off per key
    with pytest.raises(ValueError, match="out of range"):
        sender.dial(3, "1")


def test_dc_offset_does_not_mask_signals():
    for dc in (-3000, 1000, 10000):
        x = np.concatenate([np.zeros(400), dtmf_signal(KEYS, 60, 60, level_dbm0=-20, twist_db=0)]) + dc
        assert "".join(d for d, _, _ in detect_digits(x)[0]) == KEYS
        y = np.concatenate([np.zeros(400), mf_signal(range(1, 16), "forward", level_dbm0=-25)]) + dc
        from firmware.dsp.mf import detect_signals
        assert [s for s, _, _ in detect_signals(y, "forward")[0]] == list(range(1, 16))
