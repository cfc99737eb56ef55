"""ASCII charts for a plain serial terminal: horizontal bars, one line per interval or group.

    calls per interval (# answered, x abandoned, . other)
    08:00 |#######xx.                       10
    08:15 |###                               3

Only printable ASCII; widths are fixed so a 80-column terminal shows them whole.
"""
from __future__ import annotations

import math


def _cells(value: float, scale: float, width: int) -> int:
    return min(width, int(round(value * scale))) if value > 0 else 0


def stacked_bars(title: str, labels: list[str], series: list[tuple[str, str, list[float]]],
                 width: int = 50) -> str:
    """Bars made of one character per series (name, char, values), stacked left to right."""
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    top = max(totals, default=0)
    scale = width / top if top > 0 else 0.0
    legend = ", ".join(f"{char} {name}" for name, char, _ in series)
    pad = max((len(label) for label in labels), default=0)
    lines = [f"{title} ({legend})"]
    for i, label in enumerate(labels):
        # round the running total, so stacked pieces add up to the bar of the whole
        bar, done = "", 0
        running = 0.0
        for _, char, values in series:
            running += values[i]
            upto = _cells(running, scale, width)
            bar += char * (upto - done)
            done = upto
        lines.append(f"{label.rjust(pad)} |{bar.ljust(width)} {_number(totals[i])}")
    return "\n".join(lines)


def percent_bars(title: str, labels: list[str], values: list[float | None], target: float | None = None,
                 width: int = 50) -> str:
    """Bars of fractions 0..1 on a 0..100% scale; '-' where there is no value; '|' marks the target."""
    pad = max((len(label) for label in labels), default=0)
    mark = _cells(target, width, width) if target is not None else None
    head = f"{title} (0..100%" + (f", | = target {target:.0%})" if target is not None else ")")
    lines = [head]
    for label, value in zip(labels, values):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            lines.append(f"{label.rjust(pad)} |{'-'.ljust(width)}   -")
            continue
        row = list("=" * _cells(value, width, width) + " " * width)[:width]
        if mark is not None and 0 < mark <= width:
            row[mark - 1] = "|"
        lines.append(f"{label.rjust(pad)} |{''.join(row)} {value:5.1%}")
    return "\n".join(lines)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
