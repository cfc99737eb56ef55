"""Exports (csv, jsonl, Asterisk Master.csv and queue_log) and the db/records commands."""
import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from firmware.cli import main
from firmware.store import Store
from firmware.store.export import MASTER_CSV_COLUMNS, lines
from tests.store.helpers import cdr


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


@pytest.fixture
def filled(tmp_path, now):
    data = tmp_path / "data"
    with Store(data) as st:
        for days in range(3):
            st.insert("cdr", cdr(now - dt.timedelta(days=days), call_id=f"call-{days}", queue="support",
                                 agent="a01", answer=now - dt.timedelta(days=days) + dt.timedelta(seconds=5),
                                 billsec=55.0, ani=f"13{days}"))
        st.insert("queue_log", {"time": now, "call_id": "call-0", "queue": "support", "agent": "a01",
                                "event": "CONNECT", "data": [5, "call-0.1", 2]})
        st.insert("tickets", {"created": now, "caller": "130", "category": "printer", "status": "open"})
        st.insert("tickets", {"created": now, "caller": "131", "category": "network", "status": "closed"})
    return data


def test_master_csv_column_order_and_quoting(now):
    rec = cdr(now, call_id="u1", queue="support", agent="a01", billsec=55.0, span=2, ts=17)
    from firmware.store.schema import TABLES, validate_record
    row = next(csv.reader(io.StringIO(next(lines("cdr", "asterisk", [validate_record(TABLES["cdr"], rec)])))))
    assert len(row) == len(MASTER_CSV_COLUMNS) == 18
    fields = dict(zip(MASTER_CSV_COLUMNS, row))
    assert fields["src"] == "13800138000" and fields["dst"] == "10086"
    assert fields["channel"] == "E1/2-17" and fields["dstchannel"] == "Agent/a01"
    assert fields["start"] == now.strftime("%Y-%m-%d %H:%M:%S")
    assert (fields["duration"], fields["billsec"], fields["disposition"]) == ("60", "55", "ANSWERED")
    assert fields["uniqueid"] == "u1"
    raw = next(lines("cdr", "asterisk", [validate_record(TABLES["cdr"], rec)]))
    assert ',60,55,"ANSWERED"' in raw                    # durations bare, text quoted, as cdr_csv writes


def test_queue_log_export_is_asterisk_format(filled):
    result = run("records", "export", "queue_log", "--data", filled, "--format", "asterisk")
    assert result.exit_code == 0, result.output
    epoch, callid, queue, agent, event, *data = result.output.strip().split("|")
    assert (callid, queue, agent, event, data) == ("call-0", "support", "a01", "CONNECT", ["5", "call-0.1", "2"])
    assert abs(int(epoch) - dt.datetime.now(dt.timezone.utc).timestamp()) < 86400


def test_export_csv_and_jsonl_with_date_range_is_audited(filled, now):
    today = now.date().isoformat()
    result = run("records", "export", "cdr", "--data", filled, "--from", today, "--to", today, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert result.exit_code == 0 and [r["call_id"] for r in rows] == ["call-0"]
    result = run("records", "export", "tickets", "--data", filled, "--format", "jsonl")
    assert sorted(json.loads(l)["category"] for l in result.output.splitlines()) == ["network", "printer"]
    with Store(filled) as st:
        exports = [r for r in st.records("audit") if r["action"] == "records.export"]
    assert len(exports) == 2 and "cdr" in exports[0]["detail"]


@pytest.mark.parametrize("args, where", [
    (["records", "export", "calls", "--format", "csv"], "TABLE"),
    (["records", "export", "cdr", "--format", "xml"], "--format"),
    (["records", "export", "cdr", "--from", "2026-13-01", "--format", "csv"], "--from"),
    (["records", "export", "tickets", "--format", "asterisk"], "--format"),
    (["records", "search", "cdr", "--where", "colour=red"], "cdr.colour"),
])
def test_bad_export_and_search_input_exits_2_naming_the_field(filled, args, where):
    result = run(*args, "--data", filled)
    assert result.exit_code == 2 and where in result.output, result.output


def test_search_and_stats_answer_the_help_desk(filled):
    result = run("records", "search", "cdr", "--ani", "131", "--days", "7", "--json", "--data", filled)
    assert [r["call_id"] for r in json.loads(result.output)] == ["call-1"]
    result = run("records", "search", "tickets", "--status", "open", "--category", "printer", "--json",
                 "--data", filled)
    assert [r["caller"] for r in json.loads(result.output)] == ["130"]
    per_day = json.loads(run("records", "stats", "calls-per-day", "--json", "--data", filled).output)
    assert [d["calls"] for d in per_day] == [1, 1, 1]
    cats = json.loads(run("records", "stats", "categories", "--json", "--data", filled).output)
    assert {c["category"]: c["open"] for c in cats} == {"printer": 1, "network": 0}


def test_db_check_json_contract(filled):
    result = run("db", "check", "--data", filled, "--json")
    doc = json.loads(result.output)
    assert result.exit_code == 0 and doc["ok"] is True and doc["errors"] == []
    assert doc["counts"]["cdr"] == 3 and doc["counts"]["tickets"] == 2
    (filled / "db" / "cdr" / "stray.txt").write_text("x")
    result = run("db", "check", "--data", filled, "--json")
    doc = json.loads(result.output)
    assert result.exit_code == 1 and not doc["ok"] and "stray.txt" in doc["errors"][0]


def test_db_stress_prints_only_durable_ids(tmp_path):
    data = tmp_path / "data"
    out = subprocess.run([sys.executable, "-m", "firmware.cli", "db", "stress", "--data", str(data),
                          "--records", "200"], capture_output=True, text=True, timeout=120, check=True).stdout
    ids = out.split()
    assert len(ids) == len(set(ids)) == 200
    with Store(data) as st:
        assert all(st.get("cdr", rid) is not None for rid in ids)


def test_config_commands_on_the_host(tmp_path):
    data = tmp_path / "data"
    assert run("config", "set", "retention.cdr", "400", "--data", data).exit_code == 0
    assert "+ retention.cdr = 400" in run("diff", "--data", data).output
    assert json.loads(run("commit", "-m", "less", "--json", "--data", data).output) == {"rev": 1}
    run("config", "set", "console.max_failures", "0", "--data", data)
    bad = run("commit", "--data", data)
    assert bad.exit_code == 2 and "console.max_failures: 0 out of range 1..100" in bad.output
    assert json.loads(run("rollback", "1", "--json", "--data", data).output)["rev"] == 2
    toml = run("config", "export", "--data", data).output
    assert "cdr = 400" in toml


def test_user_passwd_on_host_for_first_boot(tmp_path):
    data = tmp_path / "data"
    result = run("user", "passwd", "admin", "--password-stdin", "--data", data, input="s3cret-pass\n")
    assert result.exit_code == 0, result.output
    short = run("user", "passwd", "bob", "--password-stdin", "--data", data, input="abc\n")
    assert short.exit_code == 2 and "too short" in short.output
    with Store(data) as st:
        admin = st.find("users", "admin")
        assert admin["role"] == "admin" and admin["hash"].startswith("scrypt$") and "s3cret" not in admin["hash"]


def test_show_on_host_says_there_is_no_live_box(tmp_path):
    result = run("show", "spans", "--data", tmp_path / "data")
    assert result.exit_code == 1 and "no live box" in result.output
