"""Write a configuration (nested dicts of plain values) as TOML; Python's tomllib reads it back.

Only what configurations hold: tables, strings, integers, floats, booleans, arrays (of
values or of tables). ``None`` has no TOML form and is refused with the key's path.
"""
from __future__ import annotations

import json
import math
import re

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(config: dict) -> str:
    lines: list[str] = []
    _table(config, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _is_table(value) -> bool:
    return isinstance(value, dict)


def _is_table_array(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(table: dict, path: list[str], lines: list[str]) -> None:
    for name, value in table.items():
        if not isinstance(name, str):
            raise ValueError(f"{'.'.join(path + [str(name)])}: keys must be text")
        if not _is_table(value) and not _is_table_array(value):
            lines.append(f"{_key(name)} = {_value(value, path + [name])}")
    for name, value in table.items():
        sub = path + [name]
        header = ".".join(_key(p) for p in sub)
        if _is_table(value):
            lines.append("")
            lines.append(f"[{header}]")
            _table(value, sub, lines)
        elif _is_table_array(value):
            for item in value:
                lines.append("")
                lines.append(f"[[{header}]]")
                _table(item, sub, lines)


def _value(value, path: list[str]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v, path) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v, path + [k])}" for k, v in value.items()) + "}"
    raise ValueError(f"{'.'.join(path)}: {type(value).__name__} has no TOML form")
