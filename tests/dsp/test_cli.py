"""`e1desk dsp ...` contract (design.md section 3) and the bench's JSON shape."""
import json

import pytest
from click.testing import CliRunner

from firmware.cli import main
from firmware.dsp.resample import resample
from firmware.dsp.wav import read_wav, write_wav


def run(*args):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output, result.stderr if hasattr(result, "stderr") else ""


@pytest.mark.parametrize("encoding", ["alaw", "ulaw", "pcm16"])
def test_tone_then_dtmf_round_trip(tmp_path, encoding):
    path = str(tmp_path / "digits.wav")
    code, out, _ = run("dsp", "tone", path, "--dtmf", "0123456789*#ABCD", "--on-ms", "60", "--off-ms", "60",
                       "--encoding", encoding, "--json")
    assert code == 0 and json.loads(out)["encoding"] == encoding
    code, out, _ = run("dsp", "dtmf", path, "--json")
    assert code == 0
    digits = json.loads(out)["digits"]
    assert "".join(d["digit"] for d in digits) == "0123456789*#ABCD"
    assert digits[1]["start_ms"] == pytest.approx(120.0, abs=1.0)
    assert digits[1]["end_ms"] == pytest.approx(180.0, abs=1.0)


def test_other_sample_rates_are_resampled(tmp_path):
    path = str(tmp_path / "d.wav")
    run("dsp", "tone", path, "--dtmf", "42", "--encoding", "pcm16")
    audio = read_wav(path)
    write_wav(tmp_path / "d22k.wav", resample(audio.samples[0], 8000, 22050), 22050, "pcm16")
    code, out, _ = run("dsp", "dtmf", str(tmp_path / "d22k.wav"), "--json")
    assert code == 0 and [d["digit"] for d in json.loads(out)["digits"]] == ["4", "2"]


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_tone_then_mf_round_trip(tmp_path, direction):
    path = str(tmp_path / "mf.wav")
    assert run("dsp", "tone", path, "--mf", "1,7,15", "--direction", direction)[0] == 0
    code, out, _ = run("dsp", "mf", path, "--direction", direction, "--json")
    signals = json.loads(out)["signals"]
    assert code == 0 and [s["signal"] for s in signals] == [1, 7, 15]
    assert signals[0]["end_ms"] - signals[0]["start_ms"] == pytest.approx(100, abs=3)


def test_progress_and_level(tmp_path):
    path = str(tmp_path / "busy.wav")
    run("dsp", "tone", path, "--progress", "busy", "--seconds", "3")
    code, out, _ = run("dsp", "progress", path, "--json")
    assert code == 0 and json.loads(out)["final"] == "busy"
    code, out, _ = run("dsp", "level", path, "--json")
    assert code == 0 and json.loads(out)["level_dbm0"] == pytest.approx(-13.0, abs=0.5)


@pytest.mark.parametrize("args,field", [
    (("dsp", "tone", "{tmp}/x.wav", "--dtmf", "12X"), "--dtmf"),
    (("dsp", "tone", "{tmp}/x.wav", "--mf", "1,99"), "--mf"),
    (("dsp", "tone", "{tmp}/x.wav", "--mf", "a,b"), "--mf"),
    (("dsp", "tone", "{tmp}/x.wav"), "tone"),
    (("dsp", "tone", "{tmp}/x.wav", "--progress", "busy", "--country", "xx"), "--country"),
    (("dsp", "dtmf", "{tmp}/junk.wav"), "FILE"),
    (("dsp", "dtmf", "{tmp}/junk.wav", "--channel", "3"), "FILE"),
])
def test_bad_input_exit_2_names_the_field(tmp_path, args, field):
    (tmp_path / "junk.wav").write_bytes(b"not a wav at all")
    result = CliRunner().invoke(main, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert field in result.output


def test_help_on_every_command():
    for command in ("dtmf", "mf", "tone", "progress", "level"):
        code, out, _ = run("dsp", command, "--help")
        assert code == 0 and "--json" in out


def test_bench_json_shape_and_accuracy(spandsp_peer):
    """Not a timing test: the bench runs, reports both receivers, and both find the digits."""
    from firmware.bench.dsp import measure
    document = measure(channel_counts=(6,), seconds=1.0, runs=1)
    entry = document["results"]["6"]
    assert entry["ours"]["digits_found"] == entry["digits_sent"] > 0
    assert entry["spandsp"]["digits_found"] > 0 and entry["ratio"] > 0
    assert "latency_120" not in document                          # measured only at 120 channels


def test_bench_command_validates_options():
    result = CliRunner().invoke(main, ["bench", "dsp", "--runs", "0"])
    assert result.exit_code == 2
