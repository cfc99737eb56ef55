"""The IVR's database lookups on the box: keyed store tables, held in memory.

The tables the IVR menus look into (a collect node's ``check``, a lookup node's ``table``) are
read from the store when the call center starts and again by ``refresh()`` off the real-time
path (the daemon's status thread); a lookup during a call is a dict access, never disk.
"""
from __future__ import annotations

from firmware.ivr.lookups import Lookups


def tables_used(ivr: dict) -> set[str]:
    """The store tables an IVR section looks into."""
    used = set()
    for node in (ivr.get("menus") or {}).values():
        for key in ("check", "table"):
            if node.get(key):
                used.add(node[key])
    return used


class StoreLookups(Lookups):
    def __init__(self, store, tables: set[str]):
        self.store = store
        self.tables = sorted(tables)
        self._data: dict[str, dict[str, dict]] = {}
        self.refresh()

    def refresh(self) -> None:
        from firmware.store.schema import table
        data = {}
        for name in self.tables:
            try:
                key = table(name).key
            except Exception:                      # not a store table: nothing to find there
                data[name] = {}
                continue
            data[name] = {str(rec.get(key)): rec for rec in self.store.records(name) if rec.get(key) is not None}
        self._data = data                          # one assignment: readers see old or new, whole

    def find(self, table: str, key: str) -> dict | None:
        return self._data.get(table, {}).get(str(key))
