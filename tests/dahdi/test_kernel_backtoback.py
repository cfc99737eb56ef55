"""The back-to-back test class over a real DAHDI kernel (two loc spans), inside the VM only.

hil/vm/dahdi-vm-check boots the VM and runs `pytest -m vm`; elsewhere these skip. The
kernel's line runs in real time, so voice may lag by up to ``link.max_delay`` frames, by a
fixed amount per channel.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

import tests.backends.test_backtoback as b2b
from tests.backends.links_dahdi import dahdi_kernel_link

pytestmark = [pytest.mark.vm,
              pytest.mark.skipif(os.environ.get("E1DESK_DAHDI_KERNEL") != "1",
                                 reason="needs the DAHDI kernel VM (hil/vm/dahdi-vm-check)")]


@pytest.fixture
def link(tmp_path):
    made = dahdi_kernel_link(tmp_path)
    yield made
    made.close()


class TestKernelBackToBack(b2b.TestBackToBack):
    def test_channels_and_status_come_from_the_kernel(self, link):
        assert link.box.channels == {ts: ts for ts in range(1, 32)}
        assert link.far.span.channels == {ts: 31 + ts for ts in range(1, 32)}
        b2b.run_blocks(link, 10)
        assert link.box.alarms().ok and link.far.span.alarms().ok
        assert link.box.counters().frames == 10 * b2b.BLOCK

    def test_voice_arrives_bit_exact_both_ways(self, link):
        rng = np.random.default_rng(7)
        b2b.run_blocks(link, 30)
        slots = b2b.voice_slots(link)
        far_sent, box_sent, box_got, far_got = [], [], [], []
        for _ in range(10):
            far_v = rng.integers(0, 256, (32, b2b.BLOCK), dtype=np.uint8)
            box_v = rng.integers(0, 256, (32, b2b.BLOCK), dtype=np.uint8)
            box_rx, far_rx = link.step(box_v, far_v)
            far_sent.append(far_v)
            box_sent.append(box_v)
            box_got.append(box_rx.voice)
            far_got.append(far_rx.voice)
        for _ in range(link.max_delay // b2b.BLOCK + 1):      # let the last blocks arrive
            box_rx, far_rx = link.step(b2b.idle(), b2b.idle())
            box_got.append(box_rx.voice)
            far_got.append(far_rx.voice)
        forward = lags(np.hstack(far_sent), np.hstack(box_got), slots, link.max_delay)
        backward = lags(np.hstack(box_sent), np.hstack(far_got), slots, link.max_delay)
        slipped = (f"(box: {link.box.missed_blocks} blocks missed, {link.box.dropped_writes} writes dropped;"
                   f" far: {link.far.span.missed_blocks} missed, {link.far.span.dropped_writes} dropped)")
        assert None not in forward.values(), f"far end -> box: lag per timeslot {forward} {slipped}"
        assert None not in backward.values(), f"box -> far end: lag per timeslot {backward} {slipped}"


def lags(sent: np.ndarray, received: np.ndarray, slots: list[int], max_delay: int) -> dict[int, int | None]:
    """Per timeslot, the delay (frames) at which all of ``sent`` appears in ``received``.

    A real-time line starts each channel's transmission on the chunk after its first write,
    so the delay is fixed per channel but may differ between channels by a chunk or two.
    """
    n = sent.shape[1]
    found: dict[int, int | None] = {}
    for ts in slots:
        found[ts] = next((d for d in range(min(max_delay, received.shape[1] - n) + 1)
                          if np.array_equal(received[ts, d:d + n], sent[ts])), None)
    return found
