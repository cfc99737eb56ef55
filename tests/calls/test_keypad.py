"""SpanKeypad: DTMF only on the listening timeslots, reported at the same block as a
receiver watching all 32 timeslots, mapped back to the right timeslot."""
from __future__ import annotations

import numpy as np

from firmware.calls.keypad import SpanKeypad
from firmware.dsp.dtmf import DtmfReceiver, dtmf_signal
from firmware.dsp.g711 import alaw_decode_float, alaw_encode

BLOCK = 160
SILENCE = alaw_encode(np.zeros(1))[0]


def line(keys_at: dict[int, tuple[str, int]], blocks: int) -> np.ndarray:
    """A-law (32, blocks * 160): on each timeslot given, ``keys`` dialled from sample ``at``."""
    voice = np.full((32, blocks * BLOCK), SILENCE, np.uint8)
    for ts, (keys, at) in keys_at.items():
        tone = alaw_encode(np.round(dtmf_signal(keys)).astype(np.int16))
        voice[ts, at:at + tone.size] = tone[:voice.shape[1] - at]
    return voice


def starts(process, voice: np.ndarray) -> list[tuple[int, int, str]]:
    """(block, timeslot, key) of every key start, feeding ``voice`` block by block."""
    found = []
    for b in range(voice.shape[1] // BLOCK):
        found += [(b, ts, key) for ts, key in process(voice[:, b * BLOCK:(b + 1) * BLOCK])]
    return found


def test_keys_on_listening_slots_come_at_the_same_block_as_a_full_receiver():
    voice = line({7: ("5#", 333), 20: ("90", 1000), 9: ("1", 200)}, blocks=40)
    full = DtmfReceiver(32)
    reference = starts(lambda v: [(e.channel, e.signal) for e in full.process(alaw_decode_float(v))
                                  if e.kind == "start"], voice)
    assert {ts for _, ts, _ in reference} == {7, 9, 20}

    keypad = SpanKeypad()
    keypad.listen({20: "agent", 7: "caller"})
    assert keypad.receiver.channels == 2 and sorted(keypad.slots) == [7, 20]
    got = starts(keypad.process, voice)
    assert got == [r for r in reference if r[1] != 9]      # timeslot 9 does not listen
    assert [key for _, ts, key in got if ts == 7] == ["5", "#"]


def test_rows_follow_the_listening_set_and_a_new_owner_starts_fresh():
    keypad = SpanKeypad()
    assert keypad.process(line({}, 1)) == []              # nobody listens: nothing to do
    first, second = object(), object()
    keypad.listen({4: first, 11: first})
    held = line({4: ("7", 0), 11: ("3", 0)}, blocks=4)    # one 70 ms key on each
    assert sorted(ts for _, ts, _ in starts(keypad.process, held[:, :3 * BLOCK])) == [4, 11]

    keypad.listen({11: second, 25: first})                # 4 leaves, 11 changes hands, 25 joins
    assert keypad.receiver.channels == 2 and sorted(keypad.slots) == [11, 25]
    again = line({11: ("3", 0), 25: ("D", 0)}, blocks=6)
    got = starts(keypad.process, again)
    assert sorted((ts, key) for _, ts, key in got) == [(11, "3"), (25, "D")]

    keypad.listen({11: second, 25: first})                # unchanged: the rows keep their state
    assert keypad.receiver.channels == 2
    keypad.listen({})
    assert keypad.receiver.channels == 0 and keypad.process(again[:, :BLOCK]) == []
