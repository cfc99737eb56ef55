"""Offline analysis of a raw one-direction E1 stream (the `e1desk e1 decode` contract).

The receiver runs with CRC-4 on (a far end without CRC-4 is recognised after 400 ms, G.706
Annex B) and CAS on (ABCD bits are reported only if a CAS multiframe was found), so nothing
about the far end needs to be known. Trailing octets short of a whole frame are ignored.
"aligned" means frame alignment was found at some point and "align_offset" is the octet
offset of the frame boundaries of the latest alignment (a false start on FAS look-alikes in
the payload is replaced by the true one); "alarms" are the raw conditions active at the end.
"""
from __future__ import annotations

import numpy as np

from drivers.base import CONDITIONS
from firmware.e1.framer import FramerConfig
from firmware.e1.receiver import E1Receiver

BLOCK_OCTETS = 160 * 32


def decode_stream(octets, signalling: str = "cas") -> dict:
    """The contract's JSON document for ``octets`` (bytes or uint8 array of any length)."""
    data = np.frombuffer(bytes(octets), np.uint8) if not isinstance(octets, np.ndarray) else octets
    frames = data.size // 32
    rx = E1Receiver(FramerConfig(crc4=True, signalling=signalling))
    events: list[dict] = []
    for start in range(0, frames * 32, BLOCK_OCTETS):
        block = rx.receive(data[start:min(start + BLOCK_OCTETS, frames * 32)])
        first = start // 32
        events.extend({"frame": first + frame, "event": name} for frame, name in block.events)
    counters = rx.counters
    cas_found = signalling == "cas" and rx.cas_found
    abcd = rx.abcd
    return {
        "frames": frames,
        "aligned": rx.align_offset is not None,
        "align_offset": rx.align_offset,
        "crc4": rx.crc4_found,
        "crc4_errors": counters.crc4_errors,
        "fas_errors": counters.fas_errors,
        "ebit_errors": counters.ebit_errors,
        "alarms": [name for name in CONDITIONS if name in rx.conditions],
        "events": events,
        "cas": {str(ts): f"{int(abcd[ts]):04b}" for ts in range(1, 32) if ts != 16} if cas_found else {},
    }
