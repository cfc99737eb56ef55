"""The rig over the userspace DAHDI emulation (hil.lines, --transport dahdi-emu): the shipped
scenarios pass as they do over e1link, audio crosses the box octet for octet both ways with no
under- or overrun on any channel, and faults the emulation cannot make fail by name."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from board.profile import load_profile
from hil.actors import CallerSpec, Duration, PhoneSpec
from hil.box import BoxProcess
from hil.lines import DahdiEmuTransport, UnsupportedFault, make_transport
from hil.rig import Rig
from hil.runner import run_scenario
from hil.scenario import find_scenario, load_scenario
from tests.calls.audio import find_pattern


def _no_compiler() -> bool:
    return not (os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc"))


pytestmark = pytest.mark.skipif(_no_compiler(), reason="no C compiler (cc) to build the DAHDI emulation shim")


def _report(result: dict) -> str:
    return "\n".join(f"{'ok  ' if e['ok'] else 'FAIL'} {e['expect']}: {e['detail']}" for e in result["expectations"])


@pytest.mark.parametrize("name", ["basic-call", "los-during-calls"])
def test_shipped_scenario_passes_over_the_dahdi_emulation(name):
    result = run_scenario(load_scenario(find_scenario(name)), transport="dahdi-emu")
    print(f"{name} over dahdi-emu: {result['line_s']} s line time in {result['wall_s']} s\n{_report(result)}")
    assert result["transport"] == "dahdi-emu"
    assert result["passed"], _report(result)
    assert len(result["expectations"]) > 5 and result["callers"]


def test_audio_crosses_the_box_octet_for_octet_both_ways(tmp_path):
    rng = np.random.default_rng(7)
    with DahdiEmuTransport() as transport:
        box = BoxProcess(tmp_path, board=transport.board, env=transport.box_env())
        rig = None
        try:
            box.prepare()
            box.start()
            rig = Rig(box, transport=transport)
            rig.connect()
            rig.add_phone(PhoneSpec("8001", talk=Duration(60)))
            rig.login_all()
            caller = rig.add_caller(CallerSpec("bob", "13900139000", at=rig.now + 0.5, dtmf=[(2.5, "0")]))
            rig.run_until(lambda: caller.connected_at is not None, 20, what="bob talking to 8001")
            rig.run_for(0.5)
            agent_call = caller.agent_calls[-1]
            for sender, send_ts, receiver, receive_ts in ((rig.network, caller.call.ts, rig.pbx, agent_call.ts),
                                                          (rig.pbx, agent_call.ts, rig.network, caller.call.ts)):
                pattern = rng.integers(0, 256, 4000, dtype=np.uint8)
                rows = receiver.capture(receive_ts)
                sender.send_alaw(send_ts, pattern)
                rig.run_for(1.0)
                received = np.concatenate(rows)
                receiver.captures.pop(receive_ts)
                assert find_pattern(received, pattern) is not None, f"pattern lost from TS{send_ts} to TS{receive_ts}"
            stats = _channel_stats(transport, box.board)
        finally:
            if rig is not None:
                rig.disconnect()
            box.stop()
    for channo, (underruns, overruns) in stats.items():
        assert (underruns, overruns) == (0, 0), f"emulated channel {channo}: {underruns} underruns, {overruns} overruns"


def _channel_stats(transport: DahdiEmuTransport, board: str) -> dict[int, tuple[int, int]]:
    """(underruns, overruns) of every voice channel of the box's spans and of the rig's partners."""
    out = {}
    for span in load_profile(board).spans:
        kernel = int(span.address.split(":")[1])
        for number in (kernel, kernel + 1):
            for ts in span.voice_timeslots():
                channo = (number - 1) * 31 + ts
                stats = transport.emu.channel_stats(channo)
                out[channo] = (stats["underruns"], stats["overruns"])
    return out


def test_a_fault_the_emulation_cannot_make_fails_the_scenario_by_name():
    result = run_scenario(load_scenario(find_scenario("line-glitches")), transport="dahdi-emu")
    assert not result["passed"]
    detail = result["expectations"][0]["detail"]
    assert "BER" in detail and "dahdi-emu" in detail, detail
    assert result["box_starts"] == 0                   # refused before the box boots


def test_transports_name_what_they_cannot_do():
    assert "SLIP" in make_transport("e1link").faults
    with pytest.raises(UnsupportedFault, match="fault SLIP .* dahdi-emu"):
        make_transport("dahdi-emu").check_faults(["LOS", "SLIP"])
    with pytest.raises(UnsupportedFault, match="fault LOS .* dahdi transport .*no line fault"):
        make_transport("dahdi").check_faults(["LOS"])
    make_transport("dahdi-emu").check_faults(["LOS", "AIS", "RAI", "FAS", "CRC", "NOISE", "KILL", "NO_ANSWER"])
    with pytest.raises(ValueError, match="transport: 'pigeon'"):
        make_transport("pigeon")


def test_cli_reports_the_transport_and_rejects_bad_spans():
    cmd = [sys.executable, "-m", "hil.cli", "run", "line-glitches", "--transport", "dahdi-emu", "--json"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    assert doc["transport"] == "dahdi-emu" and doc["passed"] is False
    bad = subprocess.run([*cmd[:-1], "--rig-spans", "3,x"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--rig-spans 3,x" in bad.stderr
