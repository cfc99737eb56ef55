"""Links for the back-to-back tests: a box span joined to a far end, one block at a time.

A link has ``box`` (the drivers.base.Span under test, opened), ``far`` (the far end: has
``set_abcd``, ``send_hdlc`` and ``inject(fault, on)`` for the faults in ``capabilities``) and
``step(box_voice, far_voice) -> (box_rx, far_rx)`` that carries one block each way.
Capabilities: "cas", "hdlc", "crc4", "LOS", "AIS", "RAI", "CRC", "FAS", "SLIP", "NOISE", "fine_steps"
(blocks of any frame count), "unplug", "raw_alarms" (raw LOS/LOF/AIS/RAI conditions reported
at once, not only the debounced colours). ``max_delay`` (frames, default 3) bounds how late
voice may arrive back to back.
"""
from __future__ import annotations

import numpy as np

from drivers.base import RxBlock, SpanConfig
from drivers.e1raw.span import E1RawSpan, framer_config
from hil.farend import FarEnd


def merge_blocks(blocks: list[RxBlock]) -> RxBlock:
    """Several reads that answered one far-end block, as one block."""
    if len(blocks) == 1:
        return blocks[0]
    last = blocks[-1]
    return RxBlock(frames=sum(b.frames for b in blocks), voice=np.concatenate([b.voice for b in blocks], axis=1),
                   abcd=last.abcd, hdlc=[f for b in blocks for f in b.hdlc], alarms=last.alarms,
                   counters=last.counters, events=[e for b in blocks for e in b.events])


class E1RawLink:
    """The box's e1raw span listening on a UNIX socket; the rig's FarEnd connected to it."""

    def __init__(self, tmp_path, framing: str = "cas", crc4: bool = False):
        self.name = f"e1raw-{framing}{'-crc4' if crc4 else ''}"
        config = SpanConfig(span=1, backend="e1raw", address=f"unix:{tmp_path}/span1.e1link",
                            framing=framing, crc4=crc4, cas_debounce_ms=4.0)
        self.box = E1RawSpan(config)
        self.box.open()
        self.far = FarEnd(config.address, framer_config(config), timeout=5.0)
        self.far.connect()
        self.capabilities = {"LOS", "AIS", "RAI", "FAS", "SLIP", "NOISE", "fine_steps", "unplug", "raw_alarms"}
        self.capabilities.add("cas" if framing == "cas" else "hdlc" if framing == "ccs" else "clear")
        if crc4:
            self.capabilities |= {"crc4", "CRC"}

    def step(self, box_voice: np.ndarray, far_voice: np.ndarray) -> tuple[RxBlock | None, RxBlock | None]:
        """One block each way; (None, None) while the cable is pulled (line-clock time passes)."""
        frames = far_voice.shape[1]
        if self.far.sock is None:
            self.box.idle(frames)
            return None, None
        self.far.send_block(far_voice)
        blocks, done = [], 0
        while done < frames:
            rx = self.box.read(timeout=5.0)
            assert rx is not None, "the box's span received nothing from a connected far end"
            self.box.write(box_voice[:, done:done + rx.frames])
            done += rx.frames
            blocks.append(rx)
        return merge_blocks(blocks), self.far.receive_block()

    def unplug(self) -> None:
        self.far.disconnect()

    def plug(self) -> None:
        self.far.connect()

    def close(self) -> None:
        self.far.close()
        self.box.close()
