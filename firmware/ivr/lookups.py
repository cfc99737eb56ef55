"""Database lookups the IVR makes (validate a product card, find a caller), behind one method.

``find(table, key) -> dict | None``: the record of ``key`` in ``table``, or None. The store
backs it on the box; ``MemoryLookups`` holds tables in memory for tests and demonstrations.
"""
from __future__ import annotations


class Lookups:
    def find(self, table: str, key: str) -> dict | None:
        """The record of ``key`` in ``table`` (None when there is none)."""
        raise NotImplementedError


class MemoryLookups(Lookups):
    """Tables as {table: {key: record}}; e.g. ``MemoryLookups({"cards": {"880012": {...}}})``."""

    def __init__(self, tables: dict[str, dict[str, dict]] | None = None):
        self.tables = {name: dict(rows) for name, rows in (tables or {}).items()}

    def find(self, table: str, key: str) -> dict | None:
        return self.tables.get(table, {}).get(key)
