"""PNG charts for managers, drawn with numpy and written with zlib: no plotting library.

Why no dependency: the box is an embedded board; matplotlib (with its font, image and GUI
stack) is tens of megabytes for a few bar charts, and Pillow would still leave the charting
to us. A PNG is a signature and three chunk types (IHDR, IDAT, IEND), each a length, a type,
data and a CRC-32 (PNG spec, ISO/IEC 15948); pixels are rows of RGB bytes, each row prefixed
by its filter type (0 = none), deflated with zlib. Labels use the 5x7 font in font.py.

``bar_chart(path, title, labels, series, line=None)`` draws stacked bars per label (e.g.
answered and abandoned calls per interval), optionally with a line of fractions 0..1 on a
right-hand percent axis (e.g. service level per interval, with its target dashed).
"""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

import numpy as np

from firmware.reports import font

WHITE, BLACK, GREY, LIGHT = (255, 255, 255), (0, 0, 0), (128, 128, 128), (225, 225, 225)
COLOURS = [(31, 119, 180), (214, 39, 40), (255, 127, 14), (44, 160, 44), (148, 103, 189)]
LINE_COLOUR = (44, 160, 44)


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of an RGB image, uint8 (height, width, 3)."""
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError("pixels: expected uint8 (height, width, 3)")
    height, width, _ = pixels.shape
    raw = np.zeros((height, 1 + width * 3), dtype=np.uint8)      # filter byte 0 before each row
    raw[:, 1:] = pixels.reshape(height, width * 3)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)   # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)) + chunk(b"IEND", b""))


class Canvas:
    """An RGB pixel array with the few drawing operations charts need."""

    def __init__(self, width: int, height: int):
        self.pixels = np.full((height, width, 3), 255, dtype=np.uint8)
        self.height, self.width = height, width

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour) -> None:
        """Fill x0..x1-1, y0..y1-1 (clipped)."""
        x0, x1 = max(0, min(x0, x1)), min(self.width, max(x0, x1))
        y0, y1 = max(0, min(y0, y1)), min(self.height, max(y0, y1))
        if x0 < x1 and y0 < y1:
            self.pixels[y0:y1, x0:x1] = colour

    def line(self, x0: float, y0: float, x1: float, y1: float, colour, thick: int = 1, dash: int = 0) -> None:
        steps = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        xs = np.rint(np.linspace(x0, x1, steps)).astype(int)
        ys = np.rint(np.linspace(y0, y1, steps)).astype(int)
        if dash:
            keep = (np.arange(steps) // dash) % 2 == 0
            xs, ys = xs[keep], ys[keep]
        for dy in range(thick):
            for dx in range(thick):
                x, y = xs + dx - thick // 2, ys + dy - thick // 2
                ok = (x >= 0) & (x < self.width) & (y >= 0) & (y < self.height)
                self.pixels[y[ok], x[ok]] = colour

    def text(self, x: int, y: int, text: str, colour=BLACK, scale: int = 1) -> None:
        for i, char in enumerate(text):
            bitmap = np.kron(font.glyph(char), np.ones((scale, scale), dtype=bool))
            gx = x + i * font.ADVANCE * scale
            h, w = bitmap.shape
            if gx >= self.width or y >= self.height or gx + w <= 0 or y + h <= 0:
                continue
            sub = bitmap[max(0, -y):min(h, self.height - y), max(0, -gx):min(w, self.width - gx)]
            region = self.pixels[max(0, y):max(0, y) + sub.shape[0], max(0, gx):max(0, gx) + sub.shape[1]]
            region[sub] = colour

    def save(self, path: str | Path) -> None:
        Path(path).write_bytes(encode_png(self.pixels))


def nice_top(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k at or above ``value`` (1 for nothing to show)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def bar_chart(path: str | Path, title: str, labels: list[str], series: list[tuple[str, list[float]]],
              line: tuple[str, list[float | None], float | None] | None = None,
              width: int = 900, height: int = 420) -> dict:
    """Write a stacked bar chart (+ optional percent line); returns the plot geometry (for tests)."""
    canvas = Canvas(width, height)
    left, right, top, bottom = 56, 56 if line else 16, 40, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(labels))
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    ymax = nice_top(max(totals, default=0))
    canvas.text(left, 8, title, BLACK, 2)
    legend_x = left
    for k, (name, _) in enumerate(series):
        canvas.rect(legend_x, 26, legend_x + 8, 34, COLOURS[k % len(COLOURS)])
        canvas.text(legend_x + 12, 27, name)
        legend_x += 24 + font.text_width(name)
    if line:
        canvas.rect(legend_x, 29, legend_x + 10, 31, LINE_COLOUR)
        canvas.text(legend_x + 14, 27, line[0])
    for tick in range(6):                                  # grid and left axis labels
        y = top + plot_h - round(plot_h * tick / 5)
        canvas.rect(left, y, left + plot_w, y + 1, LIGHT)
        value = ymax * tick / 5
        text = f"{value:g}" if value < 1e5 else f"{value:.0e}"
        canvas.text(left - 6 - font.text_width(text), y - 3, text, GREY)
        if line:
            canvas.text(left + plot_w + 6, y - 3, f"{tick * 20}%", GREY)
    slot = plot_w / n
    bar_w = max(1, int(slot * 0.7))
    bars = []
    for i in range(len(labels)):
        x0 = left + int(i * slot + (slot - bar_w) / 2)
        base = top + plot_h
        running = 0.0
        for k, (_, values) in enumerate(series):
            y_low = top + plot_h - round(plot_h * running / ymax)
            running += values[i]
            y_high = top + plot_h - round(plot_h * running / ymax)
            canvas.rect(x0, y_high, x0 + bar_w, y_low, COLOURS[k % len(COLOURS)])
        bars.append((x0, x0 + bar_w, base))
    every = max(1, math.ceil(n * (font.text_width(max(labels, key=len, default="")) + 8) / plot_w))
    for i in range(0, len(labels), every):
        centre = left + int(i * slot + slot / 2)
        canvas.text(centre - font.text_width(labels[i]) // 2, top + plot_h + 8, labels[i])
    if line:
        name, fractions, target = line
        points = [(left + i * slot + slot / 2, top + plot_h - plot_h * f)
                  for i, f in enumerate(fractions) if f is not None]
        for (xa, ya), (xb, yb) in zip(points, points[1:]):
            canvas.line(xa, ya, xb, yb, LINE_COLOUR, thick=2)
        for x, y in points:
            canvas.rect(int(x) - 2, int(y) - 2, int(x) + 3, int(y) + 3, LINE_COLOUR)
        if target is not None:
            y = top + plot_h - plot_h * target
            canvas.line(left, y, left + plot_w, y, LINE_COLOUR, dash=6)
    canvas.rect(left, top, left + 1, top + plot_h + 1, BLACK)               # axes
    canvas.rect(left, top + plot_h, left + plot_w, top + plot_h + 1, BLACK)
    canvas.save(path)
    return {"plot": (left, top, plot_w, plot_h), "ymax": ymax, "bars": bars}
