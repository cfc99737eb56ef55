"""Channel range strings as DAHDI's system.conf writes them: "1-15,17-31" <-> [1..15, 17..31]."""
from __future__ import annotations


def parse_ranges(text: str, low: int = 1, high: int = 31) -> list[int]:
    """Parse "1-15,17,20-31" into a sorted list; ValueError names the bad part."""
    result: set[int] = set()
    for part in str(text).replace(" ", "").split(","):
        if not part:
            raise ValueError(f"empty item in range list {text!r}")
        first, sep, last = part.partition("-")
        try:
            a = int(first)
            b = int(last) if sep else a
        except ValueError:
            raise ValueError(f"{part!r} is not a number or a range like 1-15") from None
        if a > b:
            raise ValueError(f"range {part!r} runs backwards")
        if a < low or b > high:
            raise ValueError(f"{part!r} is outside {low}..{high}")
        result.update(range(a, b + 1))
    return sorted(result)


def format_ranges(values: list[int] | tuple[int, ...]) -> str:
    """The inverse of parse_ranges: [1, 2, 3, 5] -> "1-3,5"."""
    items: list[str] = []
    values = sorted(set(values))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        items.append(str(values[i]) if i == j else f"{values[i]}-{values[j]}")
        i = j + 1
    return ",".join(items)
