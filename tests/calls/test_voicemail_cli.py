"""`e1desk voicemail`: list, message-waiting status, listen, export and delete from the console
tree (run here on the host shell against a data directory)."""
from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from firmware.calls.recorder import alaw_wav_header
from firmware.cli import main
from firmware.dsp.g711 import alaw_encode
from firmware.dsp.wav import read_wav
from firmware.store import Store


def run(*args, ok: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == ok, result.output
    return result


def test_voicemail_commands(tmp_path):
    data = tmp_path / "data"
    audio = alaw_encode(3000 * np.sin(2 * np.pi * 440 * np.arange(8000) / 8000))
    path = data / "voicemail" / "general" / "c1.wav"
    path.parent.mkdir(parents=True)
    path.write_bytes(alaw_wav_header(audio.size, channels=1) + audio.tobytes())
    with Store(data) as store:
        rid = store.insert("voicemail", {"created": "2026-11-22T08:00:00Z", "mailbox": "general",
                                         "caller": "13800138000", "path": str(path), "duration": 1.0,
                                         "call_id": "c1"})
        store.insert("voicemail", {"created": "2026-11-22T09:00:00Z", "mailbox": "1001", "caller": "8005",
                                   "path": str(tmp_path / "gone.wav"), "duration": 2.0, "heard": True})
    d = ["--data", str(data)]
    listed = json.loads(run("voicemail", "list", "--box", "general", "--json", *d).output)["messages"]
    assert [m["id"] for m in listed] == [rid]
    status = json.loads(run("voicemail", "status", "--json", *d).output)["boxes"]
    assert status == {"general": {"unheard": 1, "waiting": True}}
    heard = json.loads(run("voicemail", "listen", rid, "--json", *d).output)
    assert heard["heard"] is True and heard["caller"] == "13800138000"
    assert json.loads(run("voicemail", "status", "--json", *d).output)["boxes"] == {}
    out = tmp_path / "out.wav"
    run("voicemail", "export", rid, str(out), "--format", "pcm16", *d)
    wav = read_wav(out)
    assert wav.rate == 8000 and wav.samples.shape == (1, 8000) and np.abs(wav.samples).max() > 2500
    bad = run("voicemail", "listen", "20261122-99", *d, ok=2)
    assert "no voicemail message" in bad.output
    run("voicemail", "delete", rid, *d)
    assert not path.exists()
    assert json.loads(run("voicemail", "list", "--json", *d).output)["messages"][0]["mailbox"] == "1001"
    with Store(data) as store:
        actions = [r["action"] for r in store.records("audit")]
    assert {"voicemail.listen", "voicemail.export", "voicemail.delete"} <= set(actions)
