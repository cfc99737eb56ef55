"""G.706 frame alignment: hunt at any offset, loss after 3 errored FAS, FAS/NFAS/FAS recovery."""
import numpy as np

from firmware.e1.framer import E1Receiver, E1Transmitter, FramerConfig
from tests.e1.helpers import names, run_receiver

CONFIG = FramerConfig(crc4=False, signalling="none")


def idle_line(frames, config=CONFIG):
    tx = E1Transmitter(config)
    return tx.transmit(np.full((32, frames), 0x55, np.uint8))   # no FAS look-alikes in the payload


def test_alignment_found_at_every_offset():
    for offset in range(32):
        stream = np.concatenate([np.full(offset, 0x55, np.uint8), idle_line(64)])
        rx, _, events, _ = run_receiver(stream, CONFIG)
        assert rx.align_offset == offset
        assert ("frame alignment" in names(events)) and "LOF" not in rx.conditions


def corrupt_fas(stream, fas_frames):
    out = stream.copy()
    for f in fas_frames:
        out[f * 32] ^= 0x01                  # bit 8 of the FAS word
    return out


def test_two_errored_fas_keep_alignment_three_lose_it():
    stream = idle_line(400)
    rx, _, events, _ = run_receiver(corrupt_fas(stream, [100, 102]), CONFIG)
    assert rx.counters.fas_errors == 2 and "LOF" not in names(events)
    rx, _, events, _ = run_receiver(corrupt_fas(stream, [100, 102, 104]), CONFIG)
    assert rx.counters.fas_errors == 3
    assert (104, "LOF") in events
    # the true alignment is found again at once (next FAS, NFAS, FAS)
    assert [e for e in events if e[1] == "LOF cleared"][-1][0] in range(105, 112)


def test_non_consecutive_errors_never_lose():
    stream = idle_line(800)
    rx, _, events, _ = run_receiver(corrupt_fas(stream, list(range(100, 700, 6))), CONFIG)
    assert rx.counters.fas_errors == 100 and "LOF" not in names(events)


def test_recovery_needs_nfas_bit2_between_two_fas():
    """A FAS look-alike whose next frame has bit 2 = 0 is passed over."""
    stream = idle_line(64)
    fake = np.full(96, 0x55, np.uint8)
    fake[0] = 0x1B           # FAS-like
    fake[32] = 0x00          # bit 2 = 0: not an NFAS
    fake[64] = 0x1B          # FAS-like again
    rx = E1Receiver(CONFIG)
    rx.receive(np.concatenate([fake, stream[:32 * 61]]))
    assert rx.align_offset == 96 % 32 and rx._pos % 32 == 0
    fake[32] = 0x40          # now bit 2 = 1: fake alignment accepted at offset 0 of the fake
    rx = E1Receiver(CONFIG)
    block = rx.receive(np.concatenate([fake, stream[:32 * 61]]))
    assert (2, "frame alignment") in block.events


def test_voice_is_idle_while_unaligned():
    rx = E1Receiver(CONFIG)
    block = rx.receive(np.full(32 * 10, 0x55, np.uint8))
    assert (block.voice == 0xD5).all() and "LOF" in block.alarms.detail


def fas_emulator_line(frames, config, emulate_frames):
    """Idle line whose TS5 imitates FAS/NFAS for the first ``emulate_frames`` frames."""
    voice = np.full((32, frames), 0x55, np.uint8)
    voice[5, 0:emulate_frames:2] = 0x1B
    voice[5, 1:emulate_frames:2] = 0x40
    return E1Transmitter(config).transmit(voice)


def test_false_alignment_on_a_payload_emulator_is_left_for_the_true_one():
    stream = fas_emulator_line(400, CONFIG, emulate_frames=20)[1:]      # the emulator comes first
    rx, _, events, _ = run_receiver(stream, CONFIG)
    assert rx.align_offset == 31 and rx.counters.fas_errors == 3
    assert names(events).count("frame alignment") == 2 and names(events).count("LOF") == 1


def test_crc4_rejects_a_persistent_emulator_within_8_ms():
    config = FramerConfig(crc4=True, signalling="none")
    stream = fas_emulator_line(800, config, emulate_frames=800)[1:]
    rx, _, events, _ = run_receiver(stream, config)
    assert rx.align_offset == 31 and rx.crc4_active
    found = [f for f, n in events if n == "CRC-4 multiframe alignment"][0]
    assert found <= 64 + 32 and "LOF" not in names(events)
