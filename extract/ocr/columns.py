"""Code columns ("G01", "H57", "K57"): repaired only from the column's own pattern, else flagged.

A table of agency or dataset codes prints one shape down a whole column — a letter prefix and a
fixed number of digits. No dictionary knows the codes, but the column does: a cell whose digits came
back as their look-alikes ("G2I", "GI6") spells a code of the column's shape once those glyphs are
read as digits, and a speck read beside the code ("_ò__G20", "– G35") is not part of it. Anything
else that breaks the pattern is left as read and flagged for a reviewer, never guessed.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from extract.ocr.cells import CellReading
from extract.ocr.postcorrect import Correction

_CODE = re.compile(r"^([A-ZĐ]{1,3})(\d{1,5})$")
_DIGIT_GLYPHS = str.maketrans({"I": "1", "l": "1", "|": "1", "!": "1", "O": "0", "o": "0", "$": "5", "S": "5"})
MIN_CODES = 3  # cells of one shape that make a code column
MIN_SHARE = 0.4  # of the column's non-empty cells (a badly read column has many broken codes)


@dataclasses.dataclass(frozen=True, slots=True)
class CodeShape:
    prefixes: frozenset[str]
    digits: int

    def fits(self, text: str) -> bool:
        match = _CODE.match(text)
        return match is not None and match.group(1) in self.prefixes and len(match.group(2)) == self.digits


def code_columns(readings: list[CellReading]) -> dict[int, tuple[CodeShape, list[int]]]:
    """Columns most of whose cells are one code shape: column -> (shape, reading indices)."""
    columns: dict[int, list[int]] = {}
    for index, reading in enumerate(readings):
        if reading.text.strip() and reading.cell.col_span == 1:
            columns.setdefault(reading.cell.col, []).append(index)
    found = {}
    for col, indices in columns.items():
        shapes: Counter[tuple[str, int]] = Counter()
        for index in indices:
            match = _CODE.match(readings[index].text.strip())
            if match is not None:
                shapes[(match.group(1), len(match.group(2)))] += 1
        if not shapes:
            continue
        digits = Counter({n: 0 for _, n in shapes})
        for (_, n), count in shapes.items():
            digits[n] += count
        width, count = digits.most_common(1)[0]
        if count < MIN_CODES or count < MIN_SHARE * len(indices):
            continue
        prefixes = frozenset(prefix for (prefix, n) in shapes if n == width)
        found[col] = (CodeShape(prefixes, width), indices)
    return found


def repair_codes(readings: list[CellReading], page: int) -> tuple[list[CellReading], list[Correction]]:
    result = list(readings)
    corrections: list[Correction] = []
    for shape, indices in code_columns(readings).values():
        for index in indices:
            text = readings[index].text.strip()
            if shape.fits(text):
                continue
            fixed = _as_code(text, shape)
            if fixed is None:
                continue
            result[index] = dataclasses.replace(readings[index], text=fixed)
            corrections.append(Correction(page, readings[index].text, fixed, f"cột mã {text}", "code"))
    return result, corrections


def _as_code(text: str, shape: CodeShape) -> str | None:
    """The one token of the column's shape, once specks beside it are dropped and digit look-alikes
    after the prefix are read as digits; None when that does not give exactly one code."""
    tokens = [token for token in re.split(r"[\s_]+", text) if token]
    # A speck is a token of at most two characters with no letter or digit of a code in it.
    kept = [token for token in tokens if not _speck(token)]
    if len(kept) != 1:
        return None
    token = kept[0].strip(".,;:-–—'`\"")
    for prefix in sorted(shape.prefixes, key=len, reverse=True):
        if token.startswith(prefix):
            spelt = prefix + token[len(prefix) :].translate(_DIGIT_GLYPHS)
            if shape.fits(spelt):
                return spelt
    return None


def _speck(token: str) -> bool:
    return len(token) <= 2 and not any(char.isdigit() or ("A" <= char <= "Z") for char in token)


def off_pattern(readings: list[CellReading]) -> list[int]:
    """Readings of code columns that still do not fit their column's shape (a header, words in
    lower case, is no code)."""
    flagged = []
    for shape, indices in code_columns(readings).values():
        for index in indices:
            text = readings[index].text.strip()
            if not shape.fits(text) and _HEADER.search(text) is None:
                flagged.append(index)
    return flagged


_HEADER = re.compile(r"[^\W\d_A-ZĐ]{2,}", re.UNICODE)
