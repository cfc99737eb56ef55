"""The IVR's card check on the box reads the store's cards table, held in memory."""
from __future__ import annotations

import json

from click.testing import CliRunner

from firmware.calls.lookups import StoreLookups, tables_used
from firmware.cli import main
from firmware.ivr.config import IVR_DEFAULTS
from firmware.store import Store


def test_cards_added_on_the_cli_are_found_after_refresh(tmp_path):
    data = tmp_path / "data"
    runner = CliRunner()
    assert runner.invoke(main, ["cards", "add", "880012345678", "--product", "router", "--data", str(data)]).exit_code == 0
    bad = runner.invoke(main, ["cards", "add", "88-00", "--data", str(data)])
    assert bad.exit_code == 2 and "digits only" in bad.output
    assert "cards" in tables_used(IVR_DEFAULTS)
    store = Store(data)
    store.open()
    try:
        lookups = StoreLookups(store, tables_used(IVR_DEFAULTS))
        assert lookups.find("cards", "880012345678")["product"] == "router"
        assert lookups.find("cards", "999") is None
        store.upsert("cards", {"card": "999000", "product": "switch"})
        assert lookups.find("cards", "999000") is None          # not before a refresh
        lookups.refresh()
        assert lookups.find("cards", "999000")["product"] == "switch"
    finally:
        store.close()
    listed = runner.invoke(main, ["cards", "list", "--json", "--data", str(data)])
    assert {c["card"] for c in json.loads(listed.output)["cards"]} == {"880012345678", "999000"}
