"""The software E1 framer (G.704/G.706): configuration, and a port = transmitter + receiver.

    from firmware.e1.framer import FramerConfig, E1Port
    port = E1Port(FramerConfig(crc4=True, signalling="cas"))
    rx = port.receive(octets)      # any octet alignment, len a multiple of 32 -> drivers.base.RxBlock
    line = port.transmit(voice)    # uint8 (32, n) -> n * 32 framed octets

A port wires its halves as a real framer does: while its receiver is in LOS, LOF or AIS the
transmitter sends the A bit (remote alarm, G.704/G.706), and every errored CRC-4
sub-multiframe the receiver finds is answered with one E bit = 0. ``E1Transmitter`` and
``E1Receiver`` also work alone (the rig uses them to inject faults). Event names are listed
in ``firmware.e1.receiver``; alarm timing in ``firmware.e1.alarms``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from drivers.base import RxBlock
from firmware.e1.receiver import E1Receiver
from firmware.e1.transmitter import E1Transmitter

SIGNALLING = ("cas", "ccs", "none")
RAI_CAUSES = frozenset({"LOS", "LOF", "AIS"})     # receiver states answered with the A bit

__all__ = ["FramerConfig", "E1Port", "E1Transmitter", "E1Receiver"]


@dataclass(frozen=True)
class FramerConfig:
    """How a span is framed: CRC-4 multiframe or not, TS16 use, CAS idle bits and debounce."""

    crc4: bool = False
    signalling: str = "cas"            # "cas" (PCM30 + CAS) | "ccs" (HDLC on dchan) | "none" (PCM31)
    dchan: int = 16                    # D-channel timeslot for "ccs"
    cas_idle: int = 0b1001             # ABCD sent where a channel's bits are 0000
    cas_debounce_frames: int = 16      # a new ABCD value must hold this many frames

    def __post_init__(self) -> None:
        if self.signalling not in SIGNALLING:
            raise ValueError(f"signalling: {self.signalling!r} is not one of {', '.join(SIGNALLING)}")
        if not 1 <= int(self.dchan) <= 31:
            raise ValueError(f"dchan: {self.dchan} is not a timeslot 1..31")
        if not 1 <= int(self.cas_idle) <= 15:
            raise ValueError(f"cas_idle: {self.cas_idle} is not an ABCD value 0001..1111")
        if int(self.cas_debounce_frames) < 0:
            raise ValueError(f"cas_debounce_frames: {self.cas_debounce_frames} is negative")


class E1Port:
    """One side of an E1 line: a transmitter and a receiver, wired together."""

    def __init__(self, config: FramerConfig | None = None) -> None:
        self.config = config or FramerConfig()
        self.tx = E1Transmitter(self.config)
        self.rx = E1Receiver(self.config)

    def receive(self, octets) -> RxBlock:
        block = self.rx.receive(octets)
        self._wire()
        return block

    def no_signal(self, frames: int) -> list[tuple[int, str]]:
        events = self.rx.no_signal(frames)
        self._wire()
        return events

    def transmit(self, voice: np.ndarray) -> np.ndarray:
        return self.tx.transmit(voice)

    def _wire(self) -> None:
        self.tx.auto_rai = self.rx.has_condition(RAI_CAUSES)
        if self.rx.ebits_to_send:
            self.tx.ebits_pending += self.rx.take_ebits()
