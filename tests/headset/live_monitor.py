"""Run as a script in a fresh process: a real box and rig, a caller put through to an agent,
and `e1desk monitor CALL --whisper` on the live call, the headset being the clocked fake jack
(one microphone block in and one earpiece block out per line block; see fakejack).

Line time: the caller says clip A, then the agent says clip B, then the supervisor whispers
clip C into the microphone; then the caller hangs up. Writes ROOT/live.npz (what the
earpiece played, what the rig's agent phone and caller heard, the clips) and prints the
monitor's JSON figures; the test compares them.
"""
from __future__ import annotations

import faulthandler
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from tests.headset.fakejack import ClockedJack

RATE = 44100                          # the fake device's rate (PortAudio's default for it)
BLOCK = RATE // 50                    # one line block (20 ms) at the device rate
SOUNDS = Path("/usr/share/asterisk/sounds/en_US_f_Allison")


def main(root: Path) -> None:
    faulthandler.dump_traceback_later(150, exit=True)   # a hang shows where, then fails the test
    jack = ClockedJack.make(root, RATE, BLOCK)
    os.environ["HOME"] = str(jack.jack.home)      # ALSA reads ~/.asoundrc when PortAudio starts
    jack.open()
    from click.testing import CliRunner

    from firmware.cli import main as e1desk
    from firmware.console.context import CommandContext
    from firmware.daemon import Box
    from firmware.dsp.g711 import alaw_encode
    from firmware.dsp.resample import resample
    from firmware.dsp.wav import read_wav
    from firmware.headset import jack as headset_jack
    from tests.calls.conftest import BLOCKS_PER_S, Rig

    def clip(name: str) -> np.ndarray:
        wav = read_wav(SOUNDS / f"{name}.wav")
        assert wav.rate == 8000
        return alaw_encode(wav.samples[0])

    def monitor(box, *args: str) -> dict:
        cc = CommandContext(store=box.store, box=box, user="supervisor", role="operator", source="console")
        result = CliRunner().invoke(e1desk, ["monitor", *args, "--json"], obj=cc, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    rig = Rig(root, {}, None)
    try:
        rig.login("8001")
        caller, leg, agent = rig.connected()
        box = Box(rig.engine, rig.store, rig.center)
        started = monitor(box, leg.call_id, "--whisper")
        session = headset_jack.current()
        agent_heard = rig.pbx.capture(agent.ts)
        caller_heard = rig.network.capture(caller.ts)
        said, answered, whispered = clip("hello-world"), clip("goodbye"), clip("demo-thanks")
        stepped = 0

        def talk(seconds: float) -> None:
            nonlocal stepped
            for _ in range(int(seconds * BLOCKS_PER_S)):
                rig.step(1 / BLOCKS_PER_S)
                jack.tick()
                stepped += 1
                # the headset keeps up as it would in real time: at most 10 blocks behind
                deadline = time.monotonic() + 10
                while behind() and time.monotonic() < deadline:
                    session.ended.wait(0.001)

        def behind() -> bool:
            mic_blocks = session.whisper.blocks_made
            return session.blocks < stepped - 10 or mic_blocks < stepped - 4

        rig.network.send_alaw(caller.ts, said)
        talk(said.size / 8000 + 0.4)
        rig.pbx.send_alaw(agent.ts, answered)
        talk(answered.size / 8000 + 0.4)
        whisper_from = sum(row.size for row in agent_heard)
        jack.say(resample(read_wav(SOUNDS / "demo-thanks.wav").samples[0].astype(np.float64), 8000, RATE))
        talk(whispered.size / 8000 + 0.6)
        whisper_to = sum(row.size for row in agent_heard)
        caller.clear()
        rig.run_until(lambda: not rig.center.calls, 10)
        for _ in range(500):                          # the jack's clock runs on while it winds down
            if session.ended.wait(0.01):
                break
            jack.tick()
        figures = session.stats()
        status = monitor(box)
        np.savez(root / "live.npz", played=jack.played(), agent_heard=np.concatenate(agent_heard),
                 caller_heard=np.concatenate(caller_heard), said=said, answered=answered,
                 whispered=whispered, whisper_span=np.array([whisper_from, whisper_to]))
        print(json.dumps({"started": started, "figures": figures, "status": status,
                          "tap_dropped": session._tap.dropped}))
    finally:
        rig.close()
        jack.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
