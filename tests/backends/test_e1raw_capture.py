"""Raw captures written by a running e1raw span decode offline to what the line carried."""
from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from drivers.base import SpanConfig
from drivers.e1raw.span import E1RawSpan, framer_config
from firmware.cli import main
from hil.farend import FarEnd

IDLE = np.full((32, 160), 0xD5, dtype=np.uint8)


def test_captures_of_both_directions_decode(tmp_path):
    config = SpanConfig(span=3, backend="e1raw", address=f"unix:{tmp_path}/s.e1link", crc4=True)
    box = E1RawSpan(config, capture_dir=tmp_path / "cap")
    box.open()
    far = FarEnd(config.address, framer_config(config))
    far.connect()
    box.set_abcd(5, 0b0101)
    far.set_abcd(7, 0b1101)
    for n in range(100):
        far.inject("RAI", 40 <= n < 90)
        far.send_block(IDLE)
        rx = box.read(timeout=5)
        box.write(IDLE[:, :rx.frames])
        far.receive_block()
    far.close()
    box.close()                                   # flushes the capture writers
    runner = CliRunner()
    decoded = {}
    for direction in ("rx", "tx"):
        path = tmp_path / "cap" / f"span3-{direction}.e1"
        assert path.stat().st_size == 100 * 160 * 32
        result = runner.invoke(main, ["e1", "decode", str(path), "--json"])
        assert result.exit_code == 0, result.output
        decoded[direction] = json.loads(result.output)
    rx, tx = decoded["rx"], decoded["tx"]
    assert rx["frames"] == tx["frames"] == 16000
    assert rx["aligned"] and tx["aligned"] and rx["crc4"] and tx["crc4"]
    assert rx["crc4_errors"] == 0 and tx["crc4_errors"] == 0
    assert rx["cas"]["7"] == "1101" and tx["cas"]["5"] == "0101"
    rai = [e["frame"] for e in rx["events"] if e["event"] == "RAI"]
    assert rai and abs(rai[0] - 40 * 160) <= 160, rx["events"]
    assert "RAI" not in rx["alarms"]               # it stopped at block 90
