"""`e1desk report ...` on the host shell: JSON, CSV, tables, PNG, and bad options (exit 2)."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from firmware.cli import main
from firmware.console.context import CommandContext
from firmware.store import Store
from tests.reports.recount import inbound, recount
from tests.reports.test_charts import read_png
from tests.reports.test_live import snapshot

RANGE = ["--from", "2026-11-20", "--to", "2026-11-21"]


def run(desk, *args):
    return CliRunner().invoke(main, ["report", *args, "--data", desk.root])


def test_summary_json_agrees_with_recount(desk):
    result = run(desk, "summary", *RANGE, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["report"] == "summary" and doc["settings"] == {"sl_threshold_s": 15.0, "short_abandon_s": 5.0}
    rows = {r["queue"]: r for r in doc["rows"]}
    for queue in ("product", "general"):
        expected = recount([r for r in desk.raw["cdr"] if r.get("queue") == queue])
        for key in ("offered", "answered", "abandoned", "short_abandoned"):
            assert rows[queue][key] == expected[key]
        assert rows[queue]["sl"] == pytest.approx(expected["sl"])
        assert rows[queue]["asa_s"] == pytest.approx(expected["asa_s"])


def test_summary_csv_opens_as_a_table(desk):
    result = run(desk, "summary", *RANGE, "--by", "trunk", "--format", "csv", "--sl-threshold", "20")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["trunk"] for r in rows] == ["span 1", "span 3", "total"]
    cdrs = inbound(desk.raw["cdr"])
    for row in rows:
        mine = cdrs if row["trunk"] == "total" else [r for r in cdrs if f"span {r['span']}" == row["trunk"]]
        expected = recount(mine, threshold=20.0)
        assert int(row["answered"]) == expected["answered"] and int(row["offered"]) == expected["offered"]
        assert float(row["sl"]) == pytest.approx(expected["sl"], abs=1e-4)
        assert row["occupancy"] == ""                    # no agent timeline in this data: empty, not 0


def test_intervals_table_has_ascii_charts_and_png(desk, tmp_path):
    png_path = tmp_path / "intervals.png"
    result = run(desk, "intervals", "--from", "2026-11-20", "--to", "2026-11-20", "--interval", "30",
                 "--png", str(png_path))
    assert result.exit_code == 0, result.output
    assert "calls per interval (# answered, x abandoned, . other)" in result.output
    assert "service level (0..100%, | = target 80%)" in result.output
    lines = result.output.splitlines()
    assert sum(1 for line in lines if line.startswith("2026-11-20 ")) == 48
    assert read_png(png_path.read_bytes()).shape == (420, 900, 3)


def test_export_to_file_is_audited(desk, tmp_path):
    out = tmp_path / "abandoned.csv"
    result = run(desk, "abandoned", *RANGE, "--format", "csv", "--output", str(out), "--bom")
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")              # RFC 4180 line ends for spreadsheets
    text = raw.decode("utf-8")
    assert text.startswith("\ufefftime,ani,queue,wait_s,short,called_back,id")
    expected = sum(1 for r in inbound(desk.raw["cdr"]) if r.get("disposition") in ("ABANDONED", "NO ANSWER"))
    assert len(text.strip().splitlines()) == 1 + expected
    audit = Store(desk.root).search("audit", where={"action": "report.export"})
    assert any(str(out) in a["detail"] for a in audit)


@pytest.mark.parametrize("name", ["agents", "categories", "callers", "abandoned"])
def test_other_reports_print_tables_and_json(desk, name):
    table = run(desk, name, *RANGE)
    assert table.exit_code == 0, table.output
    doc = json.loads(run(desk, name, *RANGE, "--json").output)
    assert doc["report"] == name and doc["rows"]
    first_column = doc["columns"][0]
    assert first_column.upper() in table.output.splitlines()[1]


@pytest.mark.parametrize("args,option", [
    (["summary", "--from", "2026-11-22", "--to", "2026-11-21"], "--from"),
    (["summary", "--from", "2026-13-01"], "--from"),
    (["summary", *RANGE, "--queue", "sales"], "--queue"),
    (["intervals", *RANGE, "--interval", "45"], "--interval"),
    (["summary", *RANGE, "--tz", "Mars/Olympus"], "--tz"),
    (["summary", *RANGE, "--sl-threshold", "-1"], "--sl-threshold"),
    (["summary", *RANGE, "--format", "xls"], "--format"),
    (["summary", *RANGE, "--by", "colour"], "--by"),
])
def test_bad_options_exit_2_naming_the_option(desk, args, option):
    result = run(desk, *args)
    assert result.exit_code == 2, result.output
    assert option in result.output


def test_unknown_queue_lists_the_known_ones(desk):
    result = run(desk, "summary", *RANGE, "--queue", "sales")
    assert "unknown queue 'sales'" in result.output and "general" in result.output and "product" in result.output
    known = run(desk, "summary", *RANGE, "--queue", "product", "--json")
    assert known.exit_code == 0 and all(r["queue"] == "product" for r in json.loads(known.output)["rows"])


def test_wallboard_needs_the_live_box(desk):
    result = run(desk, "wallboard", "--once")
    assert result.exit_code == 1 and "no live box" in result.output


class Box:
    """The console's view of a running box: only what the wallboard reads (its snapshot)."""

    def __init__(self, snap):
        self.snap = snap

    def snapshot(self):
        return self.snap


def test_wallboard_and_alarms_on_the_console(desk):
    cc = CommandContext(store=Store(desk.root), box=Box(snapshot(longest=75)), user="ann", role="viewer",
                        source="console")
    screen = CliRunner().invoke(main, ["report", "wallboard", "--once"], obj=cc)
    assert screen.exit_code == 0, screen.output
    assert "QUEUES" in screen.output and "! queue product: a caller has waited 75 s" in screen.output
    doc = json.loads(CliRunner().invoke(main, ["report", "wallboard", "--json"], obj=cc).output)
    assert doc["queues"][0]["longest_wait_s"] == 75 and doc["agents"][0]["time"] == "1:15"
    alarms = json.loads(CliRunner().invoke(main, ["report", "alarms", "--json"], obj=cc).output)
    assert [a["key"] for a in alarms["alarms"]] == ["wait:product"]


def test_every_report_command_has_help():
    result = CliRunner().invoke(main, ["report", "--help"])
    for name in ("summary", "intervals", "agents", "abandoned", "categories", "callers", "wallboard", "alarms"):
        assert name in result.output
        sub = CliRunner().invoke(main, ["report", name, "--help"])
        assert sub.exit_code == 0 and "--json" in sub.output


def test_lists_of_callers_numbers_are_audited_even_on_screen(desk):
    before = len(Store(desk.root).search("audit", where={"action": "report.export"}))
    assert run(desk, "callers", *RANGE).exit_code == 0
    assert run(desk, "summary", *RANGE).exit_code == 0               # aggregate figures on screen: not
    audit = Store(desk.root).search("audit", where={"action": "report.export"})
    assert len(audit) == before + 1 and audit[-1]["detail"].startswith("callers 2026-11-20..2026-11-21 table")
