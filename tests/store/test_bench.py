"""`e1desk bench store` runs and reports its figures (their size is judged by running it, not here)."""
import json

from click.testing import CliRunner

from firmware.cli import main


def test_bench_store_reports_latency_and_query(tmp_path):
    result = CliRunner().invoke(main, ["bench", "store", "--days", "3", "--per-day", "50", "--inserts", "20",
                                       "--runs", "1", "--data", str(tmp_path / "b"), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["records_kept"] == 3 * 50 + 2 * 20
    assert 0 < doc["insert_ms"]["p50"] <= doc["insert_ms"]["p99"] <= doc["insert_ms"]["max"]
    assert doc["month_query_s"]["records"] == 3 * 50 + 2 * 20
    assert doc["targets"] == {"insert_p99_ms": 30, "month_query_s": 1.0}
