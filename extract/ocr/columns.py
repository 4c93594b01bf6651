"""Code columns ("G01", "H57", "K57"): repaired only from the column's own pattern, else flagged.

A table of agency or dataset codes prints one shape down a whole column — a letter prefix and a
fixed number of digits. No dictionary knows the codes, but the column does: a cell whose digits came
back as their look-alikes ("G2I", "GI6") spells a code of the column's shape once those glyphs are
read as digits, and a speck read beside the code ("_ò__G20", "– G35") is not part of it. Anything
else that breaks the pattern is left as read and flagged for a reviewer, never guessed.

A table too short to show a pattern of its own (a one-row replacement table, "57 | HĐND thành phố
Huế | K57") takes the digit count of the code column at the same place in a table of the same
width on its page, with whatever letter prefix its own cell prints: its look-alikes are repaired
and what still breaks the shape is flagged the same way.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from extract.ocr.cells import CellReading
from extract.ocr.postcorrect import Correction

_CODE = re.compile(r"^([A-ZĐ]{1,3})(\d{1,5})$")
_DIGIT_GLYPHS = str.maketrans({"I": "1", "l": "1", "|": "1", "!": "1", "O": "0", "o": "0", "$": "5", "S": "5"})
MIN_CODES = 3  # cells of one shape that make a code column
MIN_SHARE = 0.4  # of the column's non-empty cells (a badly read column has many broken codes)


@dataclasses.dataclass(frozen=True, slots=True)
class CodeShape:
    prefixes: frozenset[str]  # empty: any prefix of capitals (a shape taken from a sibling table)
    digits: int

    def fits(self, text: str) -> bool:
        match = _CODE.match(text)
        return (
            match is not None
            and (not self.prefixes or match.group(1) in self.prefixes)
            and len(match.group(2)) == self.digits
        )


# The key of a page's code columns: (number of columns of the table, column).
PageCodes = Mapping[tuple[int, int], int]


def code_columns(
    readings: Sequence[CellReading], siblings: Mapping[int, int] | None = None
) -> dict[int, tuple[CodeShape, list[int]]]:
    """Columns most of whose cells are one code shape: column -> (shape, reading indices).

    ``siblings`` (column -> digit count) are the code columns of the page's other tables of this
    width: a column too short to show a pattern takes that shape when every cell of it is code-like."""
    columns: dict[int, list[int]] = {}
    for index, reading in enumerate(readings):
        if reading.text.strip() and reading.cell.col_span == 1:
            columns.setdefault(reading.cell.col, []).append(index)
    found = {}
    for col, indices in columns.items():
        inherited = (siblings or {}).get(col)
        if inherited is not None and len(indices) < MIN_CODES:
            if all(_code_like(readings[index].text, inherited) for index in indices):
                found[col] = (CodeShape(frozenset(), inherited), indices)
            continue
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


def page_codes(tables: Sequence[Sequence[CellReading]]) -> dict[tuple[int, int], int]:
    """The code columns of a page's tables as (table width, column) -> digit count; a width whose
    tables disagree on a column's digit count gives that column no shape."""
    found: dict[tuple[int, int], set[int]] = {}
    for readings in tables:
        width = max((reading.cell.col + reading.cell.col_span for reading in readings), default=0)
        for col, (shape, _) in code_columns(readings).items():
            found.setdefault((width, col), set()).add(shape.digits)
    return {key: next(iter(digits)) for key, digits in found.items() if len(digits) == 1}


def siblings_of(readings: Sequence[CellReading], codes: PageCodes | None) -> dict[int, int]:
    """The page's code columns for a table of this one's width: column -> digit count."""
    if not codes:
        return {}
    width = max((reading.cell.col + reading.cell.col_span for reading in readings), default=0)
    return {col: digits for (cols, col), digits in codes.items() if cols == width}


def _code_like(text: str, digits: int) -> bool:
    """One token, capitals then about ``digits`` digits or their look-alikes ("K$7", "H57"), nothing
    a word: a short table's cell in a sibling's code column that may be taken for a code."""
    kept = [token for token in re.split(r"[\s_]+", text.strip()) if token and not _speck(token)]
    if len(kept) != 1:
        return False
    token = kept[0].strip(".,;:-–—'`\"")
    match = re.match(r"^[A-ZĐ]{1,3}", token)
    if match is None:
        return False
    rest = token[match.end() :]
    return 0 < len(rest) <= digits + 1 and any(char.isdigit() for char in rest)


def repair_codes(
    readings: list[CellReading], page: int, siblings: Mapping[int, int] | None = None
) -> tuple[list[CellReading], list[Correction]]:
    result = list(readings)
    corrections: list[Correction] = []
    for shape, indices in code_columns(readings, siblings).values():
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
    if not shape.prefixes:
        # A sibling's shape: the prefix is this cell's own capitals, read with each length that leaves
        # a code of the shape ("KS7": "K" + "57", never "KS" + "7"); two readings are a guess.
        spelt_all = {token[:n] + token[n:].translate(_DIGIT_GLYPHS) for n in range(1, 4) if token[:n].isupper()}
        fitting = [spelt for spelt in spelt_all if shape.fits(spelt)]
        return fitting[0] if len(fitting) == 1 else None
    for prefix in sorted(shape.prefixes, key=len, reverse=True):
        if token.startswith(prefix):
            spelt = prefix + token[len(prefix) :].translate(_DIGIT_GLYPHS)
            if shape.fits(spelt):
                return spelt
    return None


def _speck(token: str) -> bool:
    return len(token) <= 2 and not any(char.isdigit() or ("A" <= char <= "Z") for char in token)


def off_pattern(readings: list[CellReading], siblings: Mapping[int, int] | None = None) -> list[int]:
    """Readings of code columns that still do not fit their column's shape (a header, words in
    lower case, is no code)."""
    flagged = []
    for shape, indices in code_columns(readings, siblings).values():
        for index in indices:
            text = readings[index].text.strip()
            if not shape.fits(text) and _HEADER.search(text) is None:
                flagged.append(index)
    return flagged


_HEADER = re.compile(r"[^\W\d_A-ZĐ]{2,}", re.UNICODE)
