"""A 5x7 pixel bitmap font for chart labels in PNG files (digits, A-Z, common punctuation).

Each glyph is 7 rows, top first; a row is 5 bits, bit 4 = leftmost pixel. Lower case is drawn
as upper case; any other character is drawn as '?'. Glyphs drawn for this project.
"""
from __future__ import annotations

import numpy as np

WIDTH, HEIGHT, ADVANCE = 5, 7, 6

_ROWS = {
    "0": "0E11131519110E", "1": "040C040404040E", "2": "0E11010204081F", "3": "1F02040201110E",
    "4": "02060A121F0202", "5": "1F101E0101110E", "6": "0608101E11110E", "7": "1F010204080808",
    "8": "0E11110E11110E", "9": "0E11110F01020C",
    "A": "0E11111F111111", "B": "1E11111E11111E", "C": "0E11101010110E", "D": "1C12111111121C",
    "E": "1F10101E10101F", "F": "1F10101E101010", "G": "0E11101711110F", "H": "1111111F111111",
    "I": "0E04040404040E", "J": "0702020202120C", "K": "11121418141211", "L": "1010101010101F",
    "M": "111B1515111111", "N": "11111915131111", "O": "0E11111111110E", "P": "1E11111E101010",
    "Q": "0E11111115120D", "R": "1E11111E141211", "S": "0F10100E01011E", "T": "1F040404040404",
    "U": "1111111111110E", "V": "11111111110A04", "W": "1111111515150A", "X": "11110A040A1111",
    "Y": "1111110A040404", "Z": "1F01020408101F",
    " ": "00000000000000", ".": "00000000000C0C", ",": "00000000000C04", ":": "000C0C000C0C00",
    "-": "0000001F000000", "+": "0004041F040400", "/": "01010204081010", "%": "18190204081303",
    "(": "02040808080402", ")": "08040202020408", "_": "0000000000001F", "=": "00001F001F0000",
    "#": "0A0A1F0A1F0A0A", "?": "0E110102040004", "|": "04040404040404", "<": "02040810080402",
    ">": "08040201020408", "'": "04040800000000",
}


def _bitmap(hex_rows: str) -> np.ndarray:
    rows = bytes.fromhex(hex_rows)
    return np.array([[(row >> (WIDTH - 1 - col)) & 1 for col in range(WIDTH)] for row in rows], dtype=bool)


GLYPHS = {char: _bitmap(rows) for char, rows in _ROWS.items()}


def glyph(char: str) -> np.ndarray:
    """The (7, 5) boolean bitmap of a character."""
    return GLYPHS.get(char.upper(), GLYPHS["?"])


def text_width(text: str, scale: int = 1) -> int:
    return max(0, len(text) * ADVANCE - 1) * scale
