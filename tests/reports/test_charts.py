"""ASCII charts and PNG charts: sizes proportional to the values, valid PNG files."""
from __future__ import annotations

import struct
import zlib

import numpy as np

from firmware.reports import charts, png


def read_png(blob: bytes) -> np.ndarray:
    """A minimal independent PNG reader for the tests: checks every CRC, 8-bit RGB, filter 0."""
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(blob):
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        data = blob[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", blob[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks.append((kind, data))
        pos += 12 + length
    assert [k for k, _ in chunks][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour, interlace) == (8, 2, 0)
    raw = zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT"))
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, 1 + width * 3)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, 3)


def colour_run(pixels: np.ndarray, x: int, colour) -> int:
    return int((pixels[:, x] == np.array(colour, dtype=np.uint8)).all(axis=1).sum())


def test_png_bars_are_proportional_and_stacked(tmp_path):
    path = tmp_path / "chart.png"
    geometry = png.bar_chart(path, "calls per hour", ["08:00", "09:00", "10:00"],
                             [("answered", [10, 5, 0]), ("abandoned", [2, 0, 4])], width=600, height=300)
    pixels = read_png(path.read_bytes())
    assert pixels.shape == (300, 600, 3)
    left, top, plot_w, plot_h = geometry["plot"]
    assert geometry["ymax"] == 20                               # 12 rounded up to 1-2-5 steps
    per_unit = plot_h / geometry["ymax"]
    heights = [[colour_run(pixels, x0 + 1, c) for c in png.COLOURS[:2]] for x0, _, _ in geometry["bars"]]
    for (answered, abandoned), (want_a, want_b) in zip(heights, [(10, 2), (5, 0), (0, 4)]):
        assert abs(answered - want_a * per_unit) <= 1
        assert abs(abandoned - want_b * per_unit) <= 1
    assert (pixels[:top, :] == 0).all(axis=2).sum() > 50         # the title is drawn in black


def test_png_line_of_fractions(tmp_path):
    path = tmp_path / "sl.png"
    png.bar_chart(path, "sl", ["a", "b"], [("calls", [3, 4])], line=("service level", [0.5, None], 0.8))
    pixels = read_png(path.read_bytes())
    middle = pixels.shape[1] // 2
    assert sum(colour_run(pixels, x, png.LINE_COLOUR) for x in range(middle, middle + 12)) >= 6   # dashed target
    assert png.nice_top(0) == 1 and png.nice_top(7) == 10 and png.nice_top(0.3) == 0.5 and png.nice_top(101) == 200


def test_ascii_stacked_bars_scale_to_the_largest():
    text = charts.stacked_bars("calls", ["08", "09", "10"], [("answered", "#", [20, 10, 0]),
                                                            ("abandoned", "x", [5, 0, 1])], width=50)
    lines = text.splitlines()
    assert lines[0].startswith("calls (# answered, x abandoned)")
    bar = [line.split("|")[1] for line in lines[1:]]
    assert bar[0].count("#") == 40 and bar[0].count("x") == 10
    assert bar[1].count("#") == 20 and bar[1].count("x") == 0
    assert bar[2].count("x") == 2 and lines[3].endswith(" 1")
    assert all(ord(ch) < 128 for ch in text)


def test_ascii_percent_bars_mark_the_target_and_missing_values():
    text = charts.percent_bars("sl", ["a", "b"], [0.5, None], target=0.8, width=20)
    a, b = text.splitlines()[1:]
    assert a.split("|")[1].count("=") == 10 and a.index("|", a.index("|") + 1) == a.index("|") + 16
    assert a.endswith("50.0%") and b.endswith("-")
