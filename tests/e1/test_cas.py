"""TS16 CAS: multiframe alignment and its loss, ABCD placement, debounce of glitches."""
import numpy as np

from firmware.e1.framer import E1Receiver, E1Transmitter, FramerConfig
from tests.e1.helpers import names, run_receiver

CAS = FramerConfig(crc4=False, signalling="cas", cas_debounce_frames=16)


def line(tx, frames):
    return tx.transmit(np.full((32, frames), 0xD5, np.uint8))


def test_abcd_of_tsn_high_nibble_and_tsn16_low_nibble():
    tx = E1Transmitter(CAS)
    tx.abcd[3] = 0b0001
    tx.abcd[19] = 0b1110
    stream = line(tx, 64)
    assert stream[3 * 32 + 16] == 0b0001_1110            # frame 3 of the multiframe
    assert stream[16] & 0xF0 == 0 and stream[16] == 0b0000_1011   # frame 0: 0000xyxx, x = 1
    rx, _, events, _ = run_receiver(stream, CAS)
    assert rx.abcd[3] == 0b0001 and rx.abcd[19] == 0b1110 and rx.abcd[1] == CAS.cas_idle
    assert "CAS multiframe alignment" in names(events)


def test_a_glitch_shorter_than_the_debounce_is_not_reported():
    tx = E1Transmitter(CAS)
    rx = E1Receiver(CAS)
    rx.receive(line(tx, 160))
    assert rx.abcd[5] == 0b1001
    tx.abcd[5] = 0b0001
    glitch = rx.receive(line(tx, 16))                      # one multiframe only
    tx.abcd[5] = 0b1001
    rx.receive(line(tx, 160))
    assert glitch.abcd[5] == 0b1001 and rx.abcd[5] == 0b1001
    tx.abcd[5] = 0b0001
    seen = [rx.receive(line(tx, 8)).abcd[5] for _ in range(6)]   # 48 frames
    assert seen[-1] == 0b0001 and seen[0] == 0b1001


def test_debounce_zero_reports_at_once():
    config = FramerConfig(signalling="cas", cas_debounce_frames=0)
    tx = E1Transmitter(config)
    rx = E1Receiver(config)
    rx.receive(line(tx, 160))
    tx.abcd[7] = 0b0011
    assert rx.receive(line(tx, 16)).abcd[7] == 0b0011


def test_two_errored_mfas_lose_the_multiframe_one_does_not():
    tx = E1Transmitter(CAS)
    stream = line(tx, 320)
    one = stream.copy()
    one[64 * 32 + 16] |= 0x80                             # frame 64 is multiframe frame 0
    rx, _, events, _ = run_receiver(one, CAS)
    assert "LMFA" not in names(events)
    two = one.copy()
    two[80 * 32 + 16] |= 0x80
    rx, _, events, _ = run_receiver(two, CAS)
    assert (80, "LMFA") in events
    assert (96, "LMFA cleared") in events                 # recovered at the next good MFAS


def test_all_zero_ts16_loses_the_multiframe():
    tx = E1Transmitter(CAS)
    stream = line(tx, 320)
    for f in range(100, 140):
        stream[f * 32 + 16] = 0
    rx, _, events, _ = run_receiver(stream, CAS)
    lost = [f for f, n in events if n == "LMFA"]
    assert lost and 100 + 15 <= lost[0] <= 100 + 16
    assert rx.abcd[1] == 0b1001                          # zeros never became a reported ABCD


def test_remote_multiframe_alarm_y_bit():
    tx = E1Transmitter(CAS)
    tx.remote_mf_alarm = True
    rx, _, events, _ = run_receiver(line(tx, 64), CAS)
    assert rx.remote_mf_alarm and "remote MF alarm" in names(events)
