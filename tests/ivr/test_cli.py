"""`e1desk ivr check / try`, and menus edited through the store's candidate and commit."""
from __future__ import annotations

import importlib
import json

import pytest
from click.testing import CliRunner

from firmware.ivr.cli import ivr
from firmware.store import Store
from firmware.store.config import ConfigInvalid

BAD_MENU = """
[ivr]
start = "main"
[ivr.menus.main]
type = "menu"
prompts = ["hello"]
options = { "1" = "menu:sales", "2" = "queue:nowhere" }
"""


def run(*args, data):
    return CliRunner().invoke(ivr, [*args, "--data", str(data)])


def test_check_a_file_lists_every_problem_and_exits_2(tmp_path):
    menu = tmp_path / "menu.toml"
    menu.write_text(BAD_MENU)
    result = run("check", str(menu), "--json", data=tmp_path / "d")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["errors"] == [
        {"path": "ivr.menus.main.options.1", "reason": "no menu named 'sales'"},
        {"path": "ivr.menus.main.options.2", "reason": "no queue named 'nowhere' in acd.queues"}]
    (tmp_path / "broken.toml").write_text("[ivr\n")
    result = run("check", str(tmp_path / "broken.toml"), data=tmp_path / "d")
    assert result.exit_code == 2 and "not TOML" in result.output


def test_check_the_running_configuration(tmp_path):
    result = run("check", "--json", data=tmp_path / "d")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "menus": 2, "errors": []}


def test_try_walks_the_default_product_card_flow(tmp_path):
    result = run("try", "1880012#", "--valid", "cards:880012", "--json", data=tmp_path / "d")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["route"]["kind"] == "queue" and doc["route"]["target"] == "product"
    assert doc["inputs"] == {"service": "1", "card_number": "880012"}
    result = run("try", "1x", "--json", data=tmp_path / "d")
    assert result.exit_code == 2 and "'x' is not a key" in result.output


def test_menu_edit_is_validated_on_commit_and_nothing_applied(tmp_path):
    for module in ("firmware.acd.config", "firmware.ivr.config"):    # register their sections
        importlib.import_module(module)
    with Store(tmp_path / "d").open() as store:
        cfg = store.config
        cfg.set("tech", "ivr.menus.main.options.3", "menu:sales")
        with pytest.raises(ConfigInvalid) as info:
            cfg.commit("tech", "add sales")
        assert [(e.path, e.reason) for e in info.value.errors] == [
            ("ivr.menus.main.options.3", "no menu named 'sales'")]
        assert "3" not in cfg.running()["ivr"]["menus"]["main"]["options"]
        cfg.set("tech", "ivr.menus.sales", {"type": "play", "prompts": ["ivr/sales"], "next": "queue:general"})
        cfg.commit("tech", "add sales")
        assert cfg.running()["ivr"]["menus"]["main"]["options"]["3"] == "menu:sales"
