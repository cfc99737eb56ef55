"""DahdiSpan over the emulation: channels from the kernel, alarms as DAHDI reports them,
bad input, and a far end in another process (LD_PRELOAD)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from drivers.base import SpanConfig
from drivers.dahdi.emu import EmulatedDahdi
from drivers.dahdi.span import DahdiError, DahdiSpan, parse_address, use_emulation_if_asked
from tests.backends.links_dahdi import DahdiEmuLink

BLOCK = 160
IDLE = np.full((32, BLOCK), 0xD5, dtype=np.uint8)


def config(span: int) -> SpanConfig:
    return SpanConfig(span=span, backend="dahdi", address=f"dahdi:{span}")


@pytest.fixture
def link(tmp_path):
    made = DahdiEmuLink(tmp_path)
    yield made
    made.close()


def blocks_until(link, predicate, limit: int, side: str = "box"):
    """Blocks stepped until ``predicate(rx)`` holds for that side's RxBlock, and the block."""
    for n in range(1, limit + 1):
        box_rx, far_rx = link.step(IDLE, IDLE)
        rx = box_rx if side == "box" else far_rx
        if predicate(rx):
            return n, rx
    return None, None


def test_address_must_be_dahdi_n():
    assert parse_address("dahdi:3") == 3
    for bad in ("dahdi:", "dahdi:0", "unix:/tmp/x", "dahdi:x", "dahdi:129"):
        with pytest.raises(ValueError, match="address"):
            parse_address(bad)


def test_channels_come_from_the_kernel(tmp_path):
    with EmulatedDahdi(spans=4, layout="cas", speed=0, directory=str(tmp_path)):
        use_emulation_if_asked()
        with DahdiSpan(config(3)) as span:
            assert span.channels == {ts: 62 + ts for ts in range(1, 32) if ts != 16}
            with pytest.raises(NotImplementedError, match="D-channel"):
                span.send_hdlc(b"\x02\x01")


def test_missing_span_is_a_clear_error(stepped):
    with pytest.raises(DahdiError, match="span 5"):
        DahdiSpan(config(5)).open()


def test_no_dahdi_at_all_names_the_device(monkeypatch):
    if os.path.exists("/dev/dahdi/ctl"):
        pytest.skip("this machine has a real DAHDI stack")
    monkeypatch.delenv("E1DESK_DAHDI_EMU", raising=False)
    with pytest.raises(DahdiError, match="/dev/dahdi/ctl"):
        DahdiSpan(config(1)).open()


def test_write_checks_the_block_shape(link):
    with pytest.raises(ValueError, match="voice"):
        link.box.write(np.zeros((32, 80), dtype=np.uint8))
    with pytest.raises(ValueError, match="voice"):
        link.box.write(np.zeros((32, BLOCK), dtype=np.int16))


def test_many_bit_changes_in_one_block_end_on_the_last(link):
    for bits in (0b0001, 0b0011, 0b0111, 0b1101):
        link.far.set_abcd(7, bits)
        link.far.span.read(timeout=0)                   # each flushes the far end's bits
    box_rx, _ = link.step(IDLE, IDLE)
    assert box_rx.abcd[7] == 0b1101


def test_los_raises_red_after_2_5_s_then_yellow_at_the_far_end(link):
    for _ in range(5):
        link.step(IDLE, IDLE)
    link.far.inject("LOS", True)
    box_rx, _ = link.step(IDLE, IDLE)
    assert "LOS" in box_rx.alarms.detail and not box_rx.alarms.red       # raw LOS at once
    n, rx = blocks_until(link, lambda rx: rx.alarms.red, 200)
    assert n is not None and n + 1 == 125, n                            # 2.5 s = 125 blocks
    assert (0, "RED") in rx.events
    n, rx = blocks_until(link, lambda rx: rx.alarms.yellow, 100, side="far")
    assert n == 25 and "RAI" in rx.alarms.detail, n                     # RAI seen 0.5 s later
    link.far.inject("LOS", False)
    n, rx = blocks_until(link, lambda rx: not rx.alarms.red, 400)
    assert n == 250 and (0, "RED cleared") in rx.events, n               # 5 s settle
    n, rx = blocks_until(link, lambda rx: not rx.alarms.yellow, 100, side="far")
    assert n == 25, n


def test_ais_raises_blue_after_2_5_s(link):
    link.far.inject("AIS", True)
    box_rx, _ = link.step(IDLE, IDLE)
    assert (box_rx.voice[1] == 0xFF).all()                              # all ones on the line
    n, rx = blocks_until(link, lambda rx: rx.alarms.blue, 200)
    assert n is not None and n + 1 == 125 and "AIS" in rx.alarms.detail, n
    assert not rx.alarms.red


def test_rai_raises_yellow_after_0_5_s(link):
    link.far.inject("RAI", True)
    n, rx = blocks_until(link, lambda rx: rx.alarms.yellow, 100)
    assert n == 25 and rx.alarms.detail == frozenset({"RAI"}), n


def test_a_far_end_in_another_process_reaches_the_box(tmp_path):
    """The child uses plain os.open/fcntl.ioctl/os.write: only LD_PRELOAD makes them DAHDI."""
    from drivers.dahdi._dahdi import lib
    with EmulatedDahdi(spans=2, speed=1.0, directory=str(tmp_path)) as emu:
        use_emulation_if_asked()
        with DahdiSpan(config(1)) as box:
            child = textwrap.dedent(f"""
                import fcntl, os, struct
                fd = os.open("/dev/dahdi/channel", os.O_RDWR)
                fcntl.ioctl(fd, {lib.DAHDI_SPECIFY}, struct.pack("i", 36))     # span 2, TS5
                fcntl.ioctl(fd, {lib.DAHDI_SETTXBITS}, struct.pack("i", 0b0011))
                d = os.open("/dev/dahdi/chan/002/016", os.O_RDWR)              # its D-channel
                os.write(d, b"\\x02\\x01\\x03hello" + b"\\0\\0")
                print("sent", flush=True)
            """)
            done = subprocess.run([sys.executable, "-c", child], env=emu.env(base=dict(os.environ)),
                                  capture_output=True, text=True, timeout=30)
            assert done.returncode == 0 and done.stdout == "sent\n", done.stderr
            frames, bits = [], None
            for _ in range(10):                                 # 10 blocks of line time
                rx = box.read(timeout=1.0)
                assert rx is not None
                box.write(IDLE)
                frames += rx.hdlc
                bits = int(rx.abcd[5])
            assert bits == 0b0011
            assert frames == [b"\x02\x01\x03hello"]


def _pattern(seed: int) -> np.ndarray:
    voice = np.random.default_rng(seed).integers(0, 256, (32, BLOCK), dtype=np.uint8)
    voice[[0, 16]] = 0xD5
    return voice


def test_backlog_of_a_slow_start_is_discarded_so_the_delay_stays_one_block(link):
    """The daemon opens its spans, then boots for a while before its first read: what the line
    queued meanwhile is flushed (Engine.run calls discard_backlog), not read as stale blocks."""
    for _ in range(3):
        link.step(IDLE, IDLE)
    for seed in range(4):                         # the far end talks while the box is busy booting
        link.far.span.write(_pattern(seed))
        link.emu.step(BLOCK)
        assert link.far.span.read(timeout=5.0) is not None
    link.box.discard_backlog()
    fresh = _pattern(99)
    box_rx, _ = link.step(IDLE, fresh)
    ts = [t for t in range(1, 32) if t != 16]
    assert np.array_equal(box_rx.voice[ts], fresh[ts])     # the block just sent, not the oldest queued
    stale = [_pattern(seed)[ts] for seed in range(4)]
    assert not any(np.array_equal(box_rx.voice[ts], old) for old in stale)
