"""Back-to-back tests, one class run over every backend present (see conftest.LINKS).

The far end sends, the box's span receives (and the other way round); what arrives is
compared with what was sent. Time counts blocks of 160 frames (20 ms of line time), never the
host clock: alarm debounce times are checked to the block.
"""
from __future__ import annotations

import numpy as np
import pytest

BLOCK = 160
BLOCKS_PER_SECOND = 50
IDLE = 0xD5


def idle(frames: int = BLOCK) -> np.ndarray:
    return np.full((32, frames), IDLE, dtype=np.uint8)


def run_blocks(link, count: int, frames: int = BLOCK):
    """Step ``count`` idle blocks; returns the last (box_rx, far_rx)."""
    last = (None, None)
    for _ in range(count):
        last = link.step(idle(frames), idle(frames))
    return last


def voice_slots(link) -> list[int]:
    return link.box.config.voice_timeslots()


def needs(link, *capabilities: str) -> None:
    missing = [c for c in capabilities if c not in link.capabilities]
    if missing:
        pytest.skip(f"{link.name} cannot do {', '.join(missing)}")


def find_delay(sent: np.ndarray, received: np.ndarray, slots: list[int], max_delay: int = 3) -> int | None:
    """The fixed delay (frames) at which ``received`` equals ``sent`` on every slot, or None."""
    for delay in range(max_delay + 1):
        if np.array_equal(received[slots, delay:], sent[slots, :sent.shape[1] - delay]):
            return delay
    return None


class TestBackToBack:
    def test_voice_arrives_bit_exact_both_ways(self, link):
        rng = np.random.default_rng(7)
        run_blocks(link, 30)                     # alignment (and CRC-4 multiframe) first
        slots = voice_slots(link)
        far_sent, box_sent, box_got, far_got = [], [], [], []
        for _ in range(10):
            far_v = rng.integers(0, 256, (32, BLOCK), dtype=np.uint8)
            box_v = rng.integers(0, 256, (32, BLOCK), dtype=np.uint8)
            box_rx, far_rx = link.step(box_v, far_v)
            far_sent.append(far_v)
            box_sent.append(box_v)
            box_got.append(box_rx.voice)
            far_got.append(far_rx.voice)
        most = getattr(link, "max_delay", 3)
        forward = find_delay(np.hstack(far_sent), np.hstack(box_got), slots, most)
        backward = find_delay(np.hstack(box_sent), np.hstack(far_got), slots, most)
        assert forward is not None, "far end -> box: voice not bit-exact at any fixed delay"
        assert backward is not None, "box -> far end: voice not bit-exact at any fixed delay"

    def test_abcd_bits_arrive_both_ways(self, link):
        needs(link, "cas")
        run_blocks(link, 10)
        slots = voice_slots(link)
        codes = [c for c in range(1, 16)]
        for i, ts in enumerate(slots):
            link.far.set_abcd(ts, codes[i % 15])
            link.box.set_abcd(ts, codes[(i + 7) % 15])
        box_rx, far_rx = run_blocks(link, 5)
        assert [int(box_rx.abcd[ts]) for ts in slots] == [codes[i % 15] for i in range(len(slots))]
        assert [int(far_rx.abcd[ts]) for ts in slots] == [codes[(i + 7) % 15] for i in range(len(slots))]

    def test_abcd_glitch_shorter_than_debounce_is_not_reported(self, link):
        needs(link, "cas", "fine_steps")
        run_blocks(link, 10)
        link.far.set_abcd(1, 0b1001)
        box_rx, _ = run_blocks(link, 3)
        assert box_rx.abcd[1] == 0b1001
        link.far.set_abcd(1, 0b0001)             # a glitch of one CAS multiframe (2 ms)
        seen = []
        for _ in range(2):
            box_rx, _ = link.step(idle(8), idle(8))
            seen.append(int(box_rx.abcd[1]))
        link.far.set_abcd(1, 0b1001)
        for _ in range(20):
            box_rx, _ = link.step(idle(8), idle(8))
            seen.append(int(box_rx.abcd[1]))
        assert seen == [0b1001] * len(seen), f"glitch leaked through: {seen}"
        link.far.set_abcd(1, 0b0001)             # a real change: held for 20 ms
        box_rx, _ = run_blocks(link, 2)
        assert box_rx.abcd[1] == 0b0001

    def test_hdlc_frames_arrive_intact_both_ways(self, link):
        needs(link, "hdlc")
        run_blocks(link, 30)
        rng = np.random.default_rng(3)
        # frames full of flag, escape and all-ones octets, which stuffing must protect
        far_frames = [bytes(rng.choice([0x7E, 0x7D, 0xFF, 0x00, 0x3F], size=n).astype(np.uint8))
                      + bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in (3, 17, 64, 260)]
        box_frames = [bytes(rng.integers(0, 256, n, dtype=np.uint8)) for n in (4, 100)]
        for frame in far_frames:
            link.far.send_hdlc(frame)
        for frame in box_frames:
            link.box.send_hdlc(frame)
        got_box, got_far = [], []
        for _ in range(40):
            box_rx, far_rx = link.step(idle(), idle())
            got_box += box_rx.hdlc
            got_far += far_rx.hdlc
        assert got_box == far_frames
        assert got_far == box_frames

    # -- alarms: raised and cleared with the debounce times of real cards ------------------
    @staticmethod
    def _raw(link, condition: str) -> None:
        """Backends that report raw conditions (not only colours) show them at once."""
        if "raw_alarms" in link.capabilities:
            assert condition in link.box.alarms().detail

    def _blocks_until(self, link, predicate, limit: int) -> int | None:
        for n in range(1, limit + 1):
            run_blocks(link, 1)
            if predicate(link.box.alarms()):
                return n
        return None

    def _raise(self, link, fault: str, condition: str, colour: str, seconds: float, lead: int) -> None:
        """Inject ``fault``; the raw condition shows within ``lead`` blocks and the colour is raised
        after ``seconds`` of line time, to the block (within +-0.1 s)."""
        run_blocks(link, 30)
        assert link.box.alarms().ok
        link.far.inject(fault, True)
        run_blocks(link, lead)
        self._raw(link, condition)
        n = self._blocks_until(link, lambda a: getattr(a, colour), int(2 * seconds * BLOCKS_PER_SECOND) + 50)
        assert n is not None and (seconds - 0.1) * BLOCKS_PER_SECOND <= n + lead <= (seconds + 0.1) * BLOCKS_PER_SECOND, n

    def _clear(self, link, fault: str, colour: str) -> None:
        """Stop ``fault``: the colour and every raw condition clear."""
        link.far.inject(fault, False)
        n = self._blocks_until(link, lambda a: not getattr(a, colour) and not a.detail, 30 * BLOCKS_PER_SECOND)
        assert n is not None, f"{colour.upper()} never cleared after {fault} stopped"

    def test_los_gives_red_after_2_5_s_and_rai_to_the_far_end(self, link):
        needs(link, "LOS")
        self._raise(link, "LOS", "LOS", "red", 2.5, lead=2)
        far_sees_rai = False
        for _ in range(BLOCKS_PER_SECOND):     # raw RAI at once, or YELLOW after its 0.5 s
            _, far_rx = link.step(idle(), idle())
            if "RAI" in far_rx.alarms.detail or far_rx.alarms.yellow:
                far_sees_rai = True
                break
        assert far_sees_rai, "the box must send RAI while it has lost the signal"
        self._clear(link, "LOS", "red")

    def test_unplugged_cable_is_los(self, link):
        needs(link, "unplug")
        run_blocks(link, 30)
        link.unplug()
        n = self._blocks_until(link, lambda a: a.red, 200)
        assert "LOS" in link.box.alarms().detail
        assert n is not None and 2.4 * BLOCKS_PER_SECOND <= n <= 2.6 * BLOCKS_PER_SECOND, n
        link.plug()
        n = self._blocks_until(link, lambda a: not a.red and not a.detail, 30 * BLOCKS_PER_SECOND)
        assert n is not None, "RED never cleared after the cable was plugged back"

    @pytest.mark.parametrize("fault, condition, colour, seconds, lead", [
        ("AIS", "AIS", "blue", 2.5, 2),          # AIS -> BLUE after 2.5 s
        ("RAI", "RAI", "yellow", 0.5, 1),        # remote alarm -> YELLOW after 0.5 s
        ("FAS", "LOF", "red", 2.5, 2),           # lost frame alignment -> LOF, RED after 2.5 s
    ])
    def test_alarm_raised_after_its_debounce_and_cleared(self, link, fault, condition, colour, seconds, lead):
        needs(link, fault)
        self._raise(link, fault, condition, colour, seconds, lead)
        self._clear(link, fault, colour)

    def test_crc4_errors_are_counted_and_reported_back_in_e_bits(self, link):
        needs(link, "CRC")
        run_blocks(link, 60)
        before = link.box.counters().crc4_errors
        link.far.inject("CRC", True)
        _, far_rx = run_blocks(link, 10)
        link.far.inject("CRC", False)
        errors = link.box.counters().crc4_errors - before
        assert 10 * 20 * 0.9 <= errors <= 10 * 20, errors       # 20 sub-multiframes per block
        _, far_rx = run_blocks(link, 3)
        assert far_rx.counters.ebit_errors > 0, "the far end got no E bits for the CRC errors"
        assert link.box.alarms().ok and not link.box.alarms().detail

    def test_slip_is_counted_and_alignment_kept(self, link):
        needs(link, "SLIP", "crc4")
        run_blocks(link, 60)
        before = link.box.counters().slips
        link.far.inject("SLIP", True)
        run_blocks(link, 60)
        assert link.box.counters().slips == before + 1
        assert "LOF" not in link.box.alarms().detail and not link.box.alarms().red

    def test_garbage_on_the_line_gives_lof_never_a_crash(self, link):
        needs(link, "NOISE")
        run_blocks(link, 30)
        link.far.inject("NOISE", True)
        run_blocks(link, 5)
        self._raw(link, "LOF")
        n = self._blocks_until(link, lambda a: a.red, 200)
        assert n is not None
        self._clear(link, "NOISE", "red")
