"""Message waiting on the agents' phones: the dial tone an agent's feature call hears.

R2 lines carry no message-waiting message, so the box does what PBXs do for analogue
phones: when an agent's phone calls the feature number, it hears a *stutter* dial tone
while the agent's own voicemail box has unheard messages, the plain dial tone otherwise,
until the first key. Only the agent's own box counts (a queue's box is shared by every
agent of the queue; stuttering at all of them for one message would teach them to ignore it).

Tones follow the box's national call-progress table (firmware.dsp.progress "cn", design.md
section 4): dial tone 450 Hz at -10 dBm0, continuous. The stutter is the same tone keyed
100 ms on / 100 ms off for the first 1.5 s, then steady (the usual message-waiting stutter
cadence, as in Telcordia GR-506's stutter dial tone; the ITU-T E.180 table's 425 Hz is one
``country`` argument away).

The agent hears his messages by dialling LISTEN_CODE (*98#, the usual PBX voicemail code;
*7 is the transfer code here) on a feature call: "you have N new messages", each unheard
message newest first after a beep, then goodbye; played to the end, they are marked heard.
The records and WAV files are read by a helper thread (``MessagePlayback``), never on the
real-time path; the engine's clock polls for the result once per block.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from firmware.dsp.g711 import alaw_encode
from firmware.dsp.progress import COUNTRIES, Tone, progress_tone
from firmware.dsp.synth import to_int16

log = logging.getLogger("e1desk.calls")
LISTEN_CODE = "*98"
POLL_S = 0.02                # one block
STUTTER_CADENCE = (0.1, 0.1)
STUTTER_S = 1.5
STEADY_LOOP_S = 1.0          # a whole number of cycles of 450 Hz (and of 425 Hz): loops seamlessly
STEADY_AFTER_STUTTER_S = 10.0    # longer than the feature call's wait for a key; then a loop


def _alaw(samples: np.ndarray) -> np.ndarray:
    return alaw_encode(to_int16(samples))


class DialTones:
    """The steady and the stutter dial tone of one country's table, made once (A-law)."""

    def __init__(self, country: str = "cn"):
        dial = COUNTRIES[country]["dial"]
        stutter = {"stutter": Tone(dial.freqs, dial.level_dbm0, STUTTER_CADENCE)}
        self.steady = _alaw(progress_tone("dial", STEADY_LOOP_S, country))
        # the stutter and its steady part in one buffer: a player's end leaves a block idle,
        # which would be heard as one more gap before the steady part
        self.stutter = np.concatenate([_alaw(progress_tone("stutter", STUTTER_S, stutter)),
                                       np.tile(self.steady, int(STEADY_AFTER_STUTTER_S / STEADY_LOOP_S))])

    def play(self, players, ts: int, waiting: bool, still_wanted) -> None:
        """Dial tone on ``ts`` (stutter first if ``waiting``) until the caller's first key stops
        it; ``still_wanted()`` is asked before the steady part follows the stutter."""
        def steady() -> None:
            if still_wanted():
                players.play(ts, [self.steady], loop=True)
        if waiting:
            players.play(ts, [self.stutter], on_done=steady)
        else:
            players.play(ts, [self.steady], loop=True)


class MessagePlayback:
    """An agent hears his unheard messages on a feature call (LISTEN_CODE), then they are heard."""

    def __init__(self, voicemail):
        self.voicemail = voicemail

    def start(self, leg, box: str) -> None:
        center = self.voicemail.center
        leg.phase = "ending"
        loaded: Future = Future()
        threading.Thread(target=self._load, args=(box, loaded), name="vm-playback", daemon=True).start()

        def poll() -> None:
            if not loaded.done():
                center._arm(leg, POLL_S, poll)
            elif loaded.exception() is not None:
                log.warning("voicemail %s: cannot play the messages: %s", box, loaded.exception())
                center.play(leg, ["vm-goodbye"], then=lambda: center.hang_up(leg))
            else:
                self._play(leg, box, *loaded.result())
        center._arm(leg, POLL_S, poll)

    def _load(self, box: str, loaded: Future) -> None:
        """(record ids, audio segments) of the box's unheard messages, newest first (helper thread)."""
        from firmware.calls.prompts import to_alaw
        try:
            center = self.voicemail.center
            records = sorted((r for r in center.store.records("voicemail")
                              if r.get("mailbox") == box and not r.get("heard")),
                             key=lambda r: r["created"], reverse=True)
            n = len(records)
            names = (["vm-youhave", "vm-no", "vm-messages"] if not n else
                     ["vm-youhave", f"digits/{min(n, 20)}", "vm-INBOX", "vm-message" if n == 1 else "vm-messages"])
            segments = center.prompts.sequence(names)
            for record in records:
                segments += [center.prompts.get("beep"), to_alaw(Path(record["path"]))]
            segments += center.prompts.sequence(["vm-goodbye"])
            loaded.set_result(([r["id"] for r in records], segments))
        except Exception as exc:                 # a missing file must not hurt the call
            loaded.set_exception(exc)

    def _play(self, leg, box: str, ids: list[str], segments: list[np.ndarray]) -> None:
        center = self.voicemail.center

        def done() -> None:
            for rid in ids:
                center.store.submit_update("voicemail", rid, {"heard": True})
            self.voicemail.heard(box, len(ids))
            center.hang_up(leg)
        center.players[leg.span].play(leg.ts, segments, on_done=done)
