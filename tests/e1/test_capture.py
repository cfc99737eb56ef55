"""CaptureWriter: appends blocks in order from a thread; drops (and counts) rather than block."""
import threading

import numpy as np

from firmware.e1.capture import CaptureWriter


def test_blocks_are_appended_in_order(tmp_path):
    path = tmp_path / "cap.e1"
    blocks = [np.full(64, k, np.uint8) for k in range(20)]
    with CaptureWriter(path) as writer:
        for block in blocks:
            assert writer.write(block)
    assert path.read_bytes() == b"".join(b.tobytes() for b in blocks)
    assert writer.written_octets == 20 * 64 and writer.dropped_blocks == 0


def test_a_stuck_disk_makes_blocks_drop_not_wait(tmp_path):
    path = tmp_path / "slow.e1"
    writer = CaptureWriter(path, max_blocks=4)
    gate = threading.Event()
    entered = threading.Event()
    real_write = writer._file.write

    def stuck_write(data):
        entered.set()
        gate.wait()
        return real_write(data)

    writer._file.write = stuck_write
    writer.write(b"A" * 32)                 # taken by the thread, which then blocks
    assert entered.wait(10)
    accepted = [writer.write(bytes([66 + k]) * 32) for k in range(10)]
    assert accepted.count(True) == 4 and writer.dropped_blocks == 6 and writer.dropped_octets == 6 * 32
    gate.set()
    writer.close()
    assert path.read_bytes() == b"A" * 32 + b"".join(bytes([66 + k]) * 32 for k in range(4))
