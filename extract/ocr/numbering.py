"""Numbered columns of a table: row numbers and group numerals repaired from the column's sequence.

A lone number in an STT cell is what a scan misreads most ("5" as "3", "6" as "G", a "1" lost
beside the rule) and no dictionary helps; the sequence does. Every change is a :class:`Correction`.
"""

from __future__ import annotations

import dataclasses
import re

from rapidfuzz.distance import Levenshtein

from extract.ocr.cells import CellReading
from extract.ocr.postcorrect import Correction
from extract.textforms import roman_value

_NUMBER = re.compile(r"^(\d{1,4})(\.?)$")


def renumber(readings: list[CellReading], page: int) -> tuple[list[CellReading], list[Correction]]:
    """A row number that breaks an otherwise consecutive column ("53", "34", "55") is the number its
    neighbours call for when its glyphs spell it ("II" for 11) or the recogniser was unsure and one
    glyph is off ("5" as "3", "6" as "G", a "1" lost beside the rule). A value that follows either
    neighbour is never changed, nor one read with confidence: those are flagged instead
    (:func:`out_of_sequence`)."""
    corrections: list[Correction] = []
    result = list(readings)
    # A group row's label ("I", "II") is no row number, whatever the scan made of it.
    for indices in numbered_columns(readings).values():
        values = [_number(readings[i].text) for i in indices]
        for position, index in enumerate(indices):
            expected = _expected_number(values, position)
            text = readings[index].text
            if expected is None or values[position] == expected or "\n" in text:
                continue
            if _fits_a_neighbour(values, position):
                continue  # a value that follows one neighbour is kept: the neighbour may be the slip
            core = text.rstrip(".")
            confidence = readings[index].confidence
            sure = confidence is not None and confidence >= SURE_NUMBER
            # Either every glyph is a digit's look-alike spelling the number ("II" for 11, "l8"), or
            # the recogniser was unsure and one glyph is off. A digit must be there for the second:
            # a group's roman numeral ("V") sits in the same column.
            spelt = _as_digits(core) == str(expected)
            near = (
                any(char.isdigit() for char in core)
                and Levenshtein.distance(core, str(expected)) == 1
                and not sure
            )
            if not (spelt or near):
                continue
            fixed = str(expected) + text[len(core) :]
            values[position] = expected
            result[index] = dataclasses.replace(readings[index], text=fixed)
            context = " ".join(str(value) for value in values[max(0, position - 2) : position + 3] if value)
            corrections.append(Correction(page, text, fixed, context, "number"))
    return result, corrections


# A row number read at least this sure is what the page prints, whatever its neighbours say.
SURE_NUMBER = 0.9
# Glyphs a scan makes of digits in a number column.
_DIGIT_GLYPHS = str.maketrans({"I": "1", "l": "1", "|": "1", "]": "1", "[": "1", "O": "0", "o": "0", "D": "0"})


def _as_digits(text: str) -> str:
    return text.translate(_DIGIT_GLYPHS)


def _fits_a_neighbour(values: list[int | None], position: int) -> bool:
    value = values[position]
    if value is None:
        return False
    before = values[position - 1] if position >= 1 else None
    after = values[position + 1] if position + 1 < len(values) else None
    return (before is not None and value == before + 1) or (after is not None and value == after - 1)


def numbered_columns(readings: list[CellReading]) -> dict[int, list[int]]:
    """Columns counting 1, 2, 3 (three steps or more, over half their numbers): column -> reading
    indices top to bottom, group-row labels left out."""
    by_position = {(reading.cell.row, reading.cell.col): reading for reading in readings}
    columns: dict[int, list[int]] = {}
    for index, reading in enumerate(readings):
        cell = reading.cell
        if reading.text and cell.col_span == 1 and not _spanned_right(by_position, cell.row, cell.col):
            columns.setdefault(cell.col, []).append(index)
    found = {}
    for col, indices in columns.items():
        indices.sort(key=lambda i: readings[i].cell.row)
        values = [_number(readings[i].text) for i in indices]
        steps = sum(1 for a, b in zip(values, values[1:], strict=False) if a is not None and b == a + 1)
        if steps >= 3 and steps >= 0.5 * sum(v is not None for v in values):
            found[col] = indices
    return found


def out_of_sequence(readings: list[CellReading]) -> list[int]:
    """Readings of numbered columns that fit neither neighbour (what renumber could not settle)."""
    flagged = []
    for indices in numbered_columns(readings).values():
        values = [_number(readings[i].text) for i in indices]
        for position, index in enumerate(indices):
            if len(indices) < 2 or _fits_a_neighbour(values, position):
                continue
            before = values[position - 1] if position >= 1 else None
            after = values[position + 1] if position + 1 < len(values) else None
            if values[position] is None:
                # Text where a number belongs ("h" for 5), between numbers or closing the column.
                if before is not None and (after is not None or position + 1 == len(values)):
                    flagged.append(index)
            elif before is not None or after is not None:
                flagged.append(index)
    return flagged


def _number(text: str) -> int | None:
    match = _NUMBER.match(text)
    return int(match.group(1)) if match is not None else None


def _expected_number(values: list[int | None], position: int) -> int | None:
    """The number both neighbours agree on, or, at the column's end, the one two neighbours on the
    same side call for."""
    before = values[position - 1] if position >= 1 else None
    after = values[position + 1] if position + 1 < len(values) else None
    if before is not None and after is not None:
        return before + 1 if after == before + 2 else None
    if before is None and after is not None and position + 2 < len(values) and values[position + 2] == after + 1:
        return after - 1 if after > 1 else None
    if after is None and before is not None and position >= 2 and values[position - 2] == before - 1:
        return before + 1
    return None


# Glyphs a scan makes of roman numerals' strokes: each stands for the numeral letters it covers.
_ROMAN_GLYPHS = {"I": "I", "1": "I", "l": "I", "|": "I", "!": "I", "[": "I", "]": "I", "T": "I", "H": "II"}
_ROMAN_GLYPHS |= {"V": "V", "v": "V", "X": "X", "x": "X"}


def regroup(readings: list[CellReading], page: int) -> tuple[list[CellReading], list[Correction]]:
    """Group numerals of a numbered column read as look-alikes ("1" for I, "H" for II, "1X" for IX).

    A group row's label sits in the number column while its title spans the columns to its right;
    when the column's other rows count 1, 2, 3 … the group labels are roman numerals, so a label
    made only of glyphs a roman numeral's strokes give is the numeral they spell, provided it
    follows the previous group's numeral on the page (when there is one)."""
    by_position = {(reading.cell.row, reading.cell.col): reading for reading in readings}
    result = list(readings)
    corrections: list[Correction] = []
    columns: dict[int, list[int]] = {}
    for index, reading in enumerate(readings):
        if reading.text and reading.cell.col_span == 1:
            columns.setdefault(reading.cell.col, []).append(index)
    for col, indices in columns.items():
        indices.sort(key=lambda i: readings[i].cell.row)
        groups = [i for i in indices if _spanned_right(by_position, readings[i].cell.row, col)]
        rows = [_number(readings[i].text) for i in indices if i not in groups]
        steps = sum(1 for a, b in zip(rows, rows[1:], strict=False) if a is not None and b == a + 1)
        if steps < 2 or not groups:
            continue
        _renumber_groups(readings, groups, page, result, corrections)
    return result, corrections


def _renumber_groups(
    readings: list[CellReading], groups: list[int], page: int, result: list[CellReading], corrections: list[Correction]
) -> None:
    """The group labels of one column (indices in reading order) read as the roman numerals their
    glyphs spell, each following the one before; ``result`` and ``corrections`` get the changes."""
    previous: int | None = None
    for index in groups:
        text = readings[index].text
        core, mark = text.rstrip("."), text[len(text.rstrip(".")) :]
        numeral = "".join(_ROMAN_GLYPHS.get(char, "?") for char in core)
        value = roman_value(numeral, below=40)
        if value is None or (previous is not None and value != previous + 1):
            previous = roman_value(core, below=40)
            continue
        previous = value
        if numeral != core:
            result[index] = dataclasses.replace(readings[index], text=numeral + mark)
            corrections.append(Correction(page, text, numeral + mark, f"nhóm {numeral}", "group_numeral"))


def _spanned_right(by_position: dict[tuple[int, int], CellReading], row: int, col: int) -> bool:
    """The cell right of (row, col) spans two or more columns: a group row's title."""
    right = by_position.get((row, col + 1))
    return right is not None and right.cell.col_span >= 2 and bool(right.text)
