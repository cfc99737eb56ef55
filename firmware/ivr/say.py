"""Numbers and digit strings as lists of prompt names (the prompt set's ``digits/`` files).

English composition over the usual prompt set: ``digits/0`` .. ``digits/20``, the tens
``digits/30`` .. ``digits/90``, ``digits/hundred``, ``digits/thousand``, ``digits/million``,
``digits/minus``, ``digits/star``, ``digits/pound``. ``say_number(125)`` is
``["digits/1", "digits/hundred", "digits/20", "digits/5"]``.
"""
from __future__ import annotations

_KEYS = {"*": "digits/star", "#": "digits/pound"}


def say_digits(text: str) -> list[str]:
    """Each key of ``text`` (0-9, *, #) as its own prompt."""
    out = []
    for key in str(text):
        if key.isdigit():
            out.append(f"digits/{key}")
        elif key in _KEYS:
            out.append(_KEYS[key])
        else:
            raise ValueError(f"cannot say {key!r}: only 0-9, * and #")
    return out


def say_number(n: int) -> list[str]:
    """An integer as a spoken number."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"say_number needs an integer, got {n!r}")
    if n < 0:
        return ["digits/minus"] + say_number(-n)
    if n == 0:
        return ["digits/0"]
    out: list[str] = []
    for scale, word in ((1_000_000, "million"), (1000, "thousand")):
        if n >= scale:
            out += say_number(n // scale) + [f"digits/{word}"]
            n %= scale
    if n >= 100:
        out += [f"digits/{n // 100}", "digits/hundred"]
        n %= 100
    if n > 20:
        out.append(f"digits/{n - n % 10}")
        n %= 10
    if n:
        out.append(f"digits/{n}")
    return out
