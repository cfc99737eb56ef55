"""`e1desk e1 decode --json` on generated captures; `e1desk e1 gen`; bad files exit 2."""
import json

from click.testing import CliRunner

from firmware.cli import main
from firmware.e1.framer import FramerConfig
from firmware.e1.synth import synth_stream

KEYS = {"frames", "aligned", "align_offset", "crc4", "crc4_errors", "fas_errors", "ebit_errors", "alarms", "events", "cas"}


def decode(path):
    result = CliRunner().invoke(main, ["e1", "decode", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_gen_then_decode_with_offset_and_abcd(tmp_path):
    path = tmp_path / "line.e1"
    result = CliRunner().invoke(main, ["e1", "gen", str(path), "--frames", "4000", "--offset", "13",
                                       "--abcd", "1=0001", "--abcd", "17=1101", "--json"])
    assert result.exit_code == 0, result.output
    out = decode(path)
    assert set(out) == KEYS
    assert out["frames"] == (4000 * 32 + 13) // 32 and out["aligned"] and out["align_offset"] == 13
    assert out["crc4"] is False and out["crc4_errors"] == 0 and out["alarms"] == []
    assert out["cas"]["1"] == "0001" and out["cas"]["17"] == "1101" and out["cas"]["2"] == "1001"
    assert "16" not in out["cas"] and len(out["cas"]) == 30
    assert any(e["event"] == "frame alignment" and e["frame"] <= 4 for e in out["events"])
    assert any(e["event"] == "CRC-4 off (non-CRC-4 far end)" for e in out["events"])


def test_decode_crc4_capture_with_injected_errors(tmp_path):
    config = FramerConfig(crc4=True, signalling="cas")
    stream = synth_stream(8000, config, offset=21, seed=11)
    hits = [21 + 256 * k + 40 for k in range(100, 500, 25)]        # 16 errored SMFs
    stream[hits] ^= 0x02
    path = tmp_path / "crc.e1"
    path.write_bytes(stream.tobytes())
    out = decode(path)
    assert out["crc4"] is True and out["crc4_errors"] == len(hits)
    assert out["align_offset"] == 21 and out["fas_errors"] == 0 and out["ebit_errors"] == 0


def test_decode_ais_capture_reports_ais_and_blue_event(tmp_path):
    path = tmp_path / "ais.e1"
    CliRunner().invoke(main, ["e1", "gen", str(path), "--ais", "--frames", "24000"])
    out = decode(path)
    assert out["aligned"] is False and out["align_offset"] is None
    assert "AIS" in out["alarms"] and any(e["event"] == "BLUE" for e in out["events"])


def test_decode_any_length_and_readable_summary(tmp_path):
    path = tmp_path / "odd.e1"
    path.write_bytes(synth_stream(300, FramerConfig(), seed=2).tobytes() + b"\x01\x02\x03")
    assert decode(path)["frames"] == 300
    text = CliRunner().invoke(main, ["e1", "decode", str(path)])
    assert text.exit_code == 0 and "align_offset" in text.output and "frame alignment" in text.output


def test_bad_files_exit_2_naming_the_file(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["e1", "decode", str(tmp_path / "nope.e1"), "--json"])
    assert missing.exit_code == 2 and "nope.e1" in missing.output and "no such file" in missing.output
    tiny = tmp_path / "tiny.e1"
    tiny.write_bytes(b"\x00" * 5)
    short = runner.invoke(main, ["e1", "decode", str(tiny)])
    assert short.exit_code == 2 and "tiny.e1" in short.output
    bad = runner.invoke(main, ["e1", "gen", str(tmp_path / "x.e1"), "--abcd", "16=0001"])
    assert bad.exit_code == 2 and "abcd" in bad.output
    bad = runner.invoke(main, ["e1", "gen", str(tmp_path / "x.e1"), "--abcd", "nonsense"])
    assert bad.exit_code == 2 and "TS=BITS" in bad.output
