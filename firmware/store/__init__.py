"""Records and configuration of the box in TinyDB, crash-safe.

``Store(data_dir)`` (firmware.store.store) is the entry point for records; ``store.config``
(firmware.store.config) for configuration, where each feature adds its section with
``register_section(name, defaults, validate)``.
"""
from firmware.store.config import register_section
from firmware.store.schema import RecordError
from firmware.store.store import Store
from firmware.store.writer import StoreError

__all__ = ["Store", "StoreError", "RecordError", "register_section"]
