"""Alarms timed in frames: RED after 2.5 s of LOS/LOF, BLUE after 2.5 s of AIS, YELLOW after 0.5 s of RAI."""
import numpy as np

from firmware.e1.framer import E1Port, E1Receiver, E1Transmitter, FramerConfig
from tests.e1.helpers import names

CONFIG = FramerConfig(crc4=True, signalling="cas")
BLOCK = 160


def feed(rx, tx, frames, events, clock):
    for _ in range(frames // BLOCK):
        block = rx.receive(tx.transmit(np.full((32, BLOCK), 0xD5, np.uint8)))
        events += [(clock[0] + f, n) for f, n in block.events]
        clock[0] += BLOCK


def test_los_by_no_signal_red_after_2_5_s_cleared_5_s_after_signal_returns():
    rx, tx, events, clock = E1Receiver(CONFIG), E1Transmitter(CONFIG), [], [0]
    feed(rx, tx, 1600, events, clock)
    assert rx.alarms.ok
    start = clock[0]
    events += [(start + f, n) for f, n in rx.no_signal(30000)]
    clock[0] += 30000
    assert (start, "LOS") in events and (start, "LOF") in events
    assert (start + 20000, "RED") in events and rx.alarms.red
    back = clock[0]
    feed(rx, tx, 48000, events, clock)
    cleared = [f for f, n in events if n == "LOS cleared"][0]
    assert cleared == back
    lof_cleared = [f for f, n in events if n == "LOF cleared"][-1]
    assert (lof_cleared + 40000, "RED cleared") in events and not rx.alarms.red


def test_red_needs_2_5_s_without_a_break():
    rx, tx, events, clock = E1Receiver(CONFIG), E1Transmitter(CONFIG), [], [0]
    feed(rx, tx, 1600, events, clock)
    for _ in range(5):
        rx.no_signal(19000)
        feed(rx, tx, 1600, events, clock)
    assert not rx.alarms.red and "RED" not in names(events)


def test_los_by_zeros():
    rx, tx = E1Receiver(CONFIG), E1Transmitter(CONFIG)
    rx.receive(tx.transmit(np.full((32, BLOCK), 0xD5, np.uint8)))
    block = rx.receive(np.zeros(32 * BLOCK, np.uint8))
    assert (0, "LOS") in block.events             # 32 zero octets in: the first frame slot
    for _ in range(125):
        block = rx.receive(np.zeros(32 * BLOCK, np.uint8))
    assert rx.alarms.red and "LOS" in rx.alarms.detail


def test_ais_blue_after_2_5_s_and_not_red():
    rx, tx, events, clock = E1Receiver(CONFIG), E1Transmitter(CONFIG), [], [0]
    feed(rx, tx, 1600, events, clock)
    tx.ais = True
    ais_start = clock[0]
    feed(rx, tx, 24000, events, clock)
    ais_at = [f for f, n in events if n == "AIS"][0]
    assert ais_start <= ais_at <= ais_start + 4
    assert (ais_at + 20000, "BLUE") in events and rx.alarms.blue and not rx.alarms.red
    tx.ais = False
    feed(rx, tx, 48000, events, clock)
    assert "AIS cleared" in names(events) and not rx.alarms.blue and "BLUE cleared" in names(events)


def test_rai_yellow_after_0_5_s_and_cleared_0_5_s_after():
    rx, tx, events, clock = E1Receiver(CONFIG), E1Transmitter(CONFIG), [], [0]
    feed(rx, tx, 1600, events, clock)
    tx.force_rai = True
    feed(rx, tx, 8000, events, clock)
    rai_at = [f for f, n in events if n == "RAI"][0]
    assert (rai_at + 4000, "YELLOW") in events and rx.alarms.yellow
    tx.force_rai = False
    feed(rx, tx, 8000, events, clock)
    rai_gone = [f for f, n in events if n == "RAI cleared"][0]
    assert (rai_gone + 4000, "YELLOW cleared") in events and not rx.alarms.yellow


def test_port_sends_rai_while_its_receiver_has_lost_the_line():
    near, far = E1Port(CONFIG), E1Port(CONFIG)
    near.no_signal(160)
    line = near.transmit(np.full((32, BLOCK), 0xD5, np.uint8))
    far_rx = E1Receiver(CONFIG)
    far_rx.receive(line)
    far_rx.receive(near.transmit(np.full((32, BLOCK), 0xD5, np.uint8)))
    assert "RAI" in far_rx.conditions
    near.receive(far.transmit(np.full((32, BLOCK), 0xD5, np.uint8)))   # line back
    near.receive(far.transmit(np.full((32, BLOCK), 0xD5, np.uint8)))
    far_rx.receive(near.transmit(np.full((32, BLOCK), 0xD5, np.uint8)))
    assert "RAI" not in far_rx.conditions


def test_lof_red_after_2_5_s_of_no_frame_alignment():
    rx, tx, events, clock = E1Receiver(CONFIG), E1Transmitter(CONFIG), [], [0]
    feed(rx, tx, 1600, events, clock)
    junk = np.full(32 * BLOCK, 0x55, np.uint8)          # a signal, but no FAS anywhere
    for _ in range(130):
        block = rx.receive(junk)
        events += [(clock[0] + f, n) for f, n in block.events]
        clock[0] += BLOCK
    lof_at = [f for f, n in events if n == "LOF"][0]
    assert (lof_at + 20000, "RED") in events and "LOS" not in rx.conditions and rx.alarms.red
