"""Whether a table fragment continues the open table, on what evidence, and how its columns line up.

A table that runs over pages reaches the stitcher as one fragment per page. Many documents repeat
the header on every page, which makes the decision easy; many do not (a list of legal documents
printed from Word: 52 pages, one header on page 1). The fragment at the top of the next page then
continues the open table when, with nothing but page furniture in between, it has the table's
columns and its first row carries on the table:

* its number cell continues the last number (``19`` after ``18``, ``II.`` after ``I.``, ``1`` after a
  group row, ``2.3`` after ``2.2``) — :attr:`Evidence.NUMBERING`;
* the reader carried a merged cell over the break (inherited cells) — :attr:`Evidence.MERGE`;
* its number cell is blank: the row above was cut by the break — :attr:`Evidence.TAIL`;
* in a table without numbers, its cells start like the cells above them in the same columns
  ("Chuỗi ký tự | String" under "Chuỗi ký tự | String") — :attr:`Evidence.PROFILE`;
* nothing but the same column count — :attr:`Evidence.WIDTH`, weak: the stitcher warns.

A first row that reads as a header (labels, no number, no dates or document numbers) different
from the open table's header starts a new table; a data row is never taken for a header just
because it starts a page.

A fragment one or two columns wider than the table (a reader split a column at a stray rule) is
lined up by dropping columns that are blank in every row, choosing those whose removal best
matches which columns the table fills.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum
from itertools import combinations

from extract.blocks import RawCell, RawTable
from extract.markup import collapse, fold
from extract.structure.columns import is_group_number, looks_like_row_number
from extract.textforms import roman_value


class Evidence(StrEnum):
    HEADER = "header"
    NUMBERING = "numbering"
    MERGE = "merge"
    TAIL = "tail"
    PROFILE = "profile"
    WIDTH = "width"


WEAK = frozenset({Evidence.WIDTH})

# Signs that a cell holds data, not a column label: a date or a document number ("24/2014/TT-BTNMT"),
# or a sentence's end.
_DATA_SIGNS = re.compile(r"\d{1,4}\s*/\s*\d{2,4}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4}|[.;]$")
# A header may name the period its figures cover ("Năm 2025 (tính từ 01/7/2025 đến 31/7/2025)", a
# statistics annex of Bộ Nội vụ): in a row opened by "STT", a date bounding a period is part of a label.
_NUMBER_LABEL = re.compile(r"(stt|tt|so tt|so thu tu)")
_PERIOD = re.compile(r"\b(tu|den|tinh den|tinh tu)\b")
_LABEL_WORDS_MAX = 20
_LABEL_WORDS_MEAN = 10.0
_MAX_EXTRA_COLUMNS = 2


def width(table: RawTable) -> int:
    return max((len(row) for row in table.rows), default=0)


def looks_like_labels(row: Sequence[RawCell]) -> bool:
    """A header row: most cells filled with short labels, no row number, no data in any cell."""
    texts = [collapse(cell.text) for cell in row]
    filled = [text for text in texts if text]
    if len(filled) < max(2, len(texts) // 2):
        return False
    if looks_like_row_number(texts[0]) or any(text.isdigit() for text in filled):
        return False
    distinct = list(dict.fromkeys(filled))
    words = [len(text.split()) for text in distinct]
    if max(words) > _LABEL_WORDS_MAX or sum(words) / len(words) > _LABEL_WORDS_MEAN:
        return False
    numbered = bool(_NUMBER_LABEL.fullmatch(fold(texts[0]).strip(" .")))
    return not any(
        _DATA_SIGNS.search(text) and not (numbered and _PERIOD.search(fold(text)) and not text.endswith((".", ";")))
        for text in distinct
    )


def row_key(row: Sequence[RawCell]) -> tuple[str, ...]:
    keys = [fold(collapse(cell.text)) for cell in row]
    while keys and not keys[-1]:
        keys.pop()
    return tuple(keys)


def repeats(row: tuple[str, ...], header: tuple[str, ...]) -> bool:
    """``row`` is ``header`` printed again: cell by cell equal, blank (a label merged down), or one the
    start of the other (a reader glued the tail of a merged cell running over the break to a label)."""
    if row == header:
        return True
    if not row or len(row) > len(header):
        return False
    equal = 0
    for mine, theirs in zip(row, header, strict=False):
        if mine == theirs:
            equal += bool(mine)
        elif mine and theirs and not (mine.startswith(f"{theirs} ") or theirs.startswith(f"{mine} ")):
            return False
    return equal >= 2


def continuation(fragments: Sequence[RawTable], fragment: RawTable) -> Evidence | None:
    """How ``fragment`` continues the open table made of ``fragments``, or None when it starts a new one."""
    first = fragments[0]
    table_width, new_width = width(first), width(fragment)
    opening = fragment.rows[0]
    if new_width == table_width and repeats(row_key(opening), row_key(first.rows[0])):
        return Evidence.HEADER
    if not fragment.after_break:
        return None
    if new_width > table_width and len(blank_columns(fragment.rows)) < new_width - table_width:
        return None
    if new_width > table_width + _MAX_EXTRA_COLUMNS:
        return None
    number = collapse(opening[0].text) if opening else ""
    if looks_like_labels(opening) and looks_like_labels(first.rows[0]) and number:
        return None  # a header of its own: a new table, even right after a break
    if any(cell.inherited for cell in opening):
        return Evidence.MERGE
    if not number:
        if looks_like_labels(opening) and looks_like_labels(first.rows[0]) and not _has_numbers(fragments):
            return None  # a header whose first column is blank, in a table that is not numbered
        return Evidence.TAIL
    if number_follows(_last_numbers(fragments), number):
        return Evidence.NUMBERING
    if not _has_numbers(fragments) and _same_profile(fragments, opening):
        return Evidence.PROFILE
    return Evidence.WIDTH


def _first_word(text: str) -> str:
    words = fold(collapse(text)).split()
    return words[0] if words else ""


def _same_profile(fragments: Sequence[RawTable], row: Sequence[RawCell]) -> bool:
    """At least two of the row's cells, and half of them, start with a word seen at the top of that column."""
    seen: dict[int, set[str]] = {}
    for fragment in fragments:
        for above in fragment.rows[1:]:
            for col, cell in enumerate(above):
                seen.setdefault(col, set()).add(_first_word(cell.text))
    filled = [(col, _first_word(cell.text)) for col, cell in enumerate(row) if cell.text.strip()]
    matches = sum(1 for col, word in filled if word in seen.get(col, set()))
    return matches >= 2 and 2 * matches >= len(filled)


def _has_numbers(fragments: Sequence[RawTable]) -> bool:
    return any(row and looks_like_row_number(row[0].text) for fragment in fragments for row in fragment.rows)


def _last_numbers(fragments: Sequence[RawTable]) -> tuple[str, str]:
    """The last row number and the last group number seen in the open table's first column."""
    last_row = last_group = ""
    for fragment in fragments:
        for row in fragment.rows:
            text = collapse(row[0].text) if row else ""
            if not looks_like_row_number(text):
                continue
            if is_group_number(text):
                last_group, last_row = text, ""
            else:
                last_row = text
    return last_row, last_group


def _parts(number: str) -> list[int] | None:
    pieces = number.strip().rstrip(".").split(".")
    return [int(piece) for piece in pieces] if all(piece.isdigit() for piece in pieces) else None


def number_follows(last: tuple[str, str], number: str) -> bool:
    """``number`` comes right after the table's last row number, or opens the next group or its first row."""
    last_row, last_group = last
    if is_group_number(number):
        previous, current = roman_value(last_group.rstrip(".")), roman_value(number.strip().rstrip("."))
        if previous is not None and current is not None:
            return current == previous + 1
        return bool(last_group) and ord(number.strip()[0]) == ord(last_group.strip()[0]) + 1
    new = _parts(number)
    if new is None:
        return False
    if not last_row:
        return new[-1] == 1  # the first row under a group heading
    old = _parts(last_row)
    if old is None:
        return False
    if new == old:
        return True  # a merged number cell printed again on the next page
    if len(new) == len(old):
        return new[:-1] == old[:-1] and new[-1] == old[-1] + 1
    if len(new) == len(old) + 1:
        return new[:-1] == old and new[-1] == 1  # "2.1" under "2"
    return len(new) < len(old) and new[:-1] == old[: len(new) - 1] and new[-1] == old[len(new) - 1] + 1


# ---------------------------------------------------------------- lining up a wider fragment


def _spans_copy(row: Sequence[RawCell], col: int) -> bool:
    """The cell repeats a horizontally merged neighbour: it carries no text of its own."""
    cell = row[col]
    neighbours = [row[other] for other in (col - 1, col + 1) if 0 <= other < len(row)]
    return cell.col_span > 1 or any(other.text == cell.text for other in neighbours)


def blank_columns(rows: Sequence[Sequence[RawCell]]) -> list[int]:
    """Columns with no text of their own in any row (blank, or a copy of a merged neighbour)."""
    table_width = max((len(row) for row in rows), default=0)
    return [
        col
        for col in range(table_width)
        if all(col >= len(row) or not row[col].text.strip() or _spans_copy(row, col) for row in rows)
    ]


def fill_profile(rows: Sequence[Sequence[RawCell]], table_width: int) -> list[float]:
    """Per column, the share of data rows (rows with more than one distinct text) that fill it."""
    counted = [row for row in rows if len({cell.text for cell in row if cell.text.strip()}) > 1]
    if not counted:
        return [0.5] * table_width
    return [
        sum(1 for row in counted if col < len(row) and row[col].text.strip()) / len(counted)
        for col in range(table_width)
    ]


def _respan(row: list[RawCell]) -> list[RawCell]:
    """Horizontal spans recounted after a column was dropped from under them."""
    out = list(row)
    start = 0
    while start < len(out):
        end = start + 1
        if out[start].col_span > 1:
            while end < len(out) and out[end].col_span > 1 and out[end].text == out[start].text:
                end += 1
            for col in range(start, end):
                out[col] = replace(out[col], col_span=end - start)
        start = end
    return out


def align(fragment: RawTable, table_width: int, profile: Sequence[float]) -> RawTable | None:
    """``fragment`` with its surplus blank columns dropped, or None when it cannot be lined up."""
    extra = width(fragment) - table_width
    if extra <= 0:
        return fragment
    candidates = blank_columns(fragment.rows)
    if len(candidates) < extra:
        return None
    best: tuple[float, tuple[int, ...]] | None = None
    for dropped in combinations(candidates, extra):
        kept = [col for col in range(width(fragment)) if col not in dropped]
        score = 0.0
        for row in fragment.rows:
            if len({cell.text for cell in row if cell.text.strip()}) <= 1:
                continue  # a group row spans everything: it says nothing about columns
            for position, col in enumerate(kept):
                filled = col < len(row) and bool(row[col].text.strip())
                score += profile[position] if filled else 1.0 - profile[position]
        if best is None or score > best[0]:
            best = (score, dropped)
    assert best is not None
    rows = [_respan([cell for col, cell in enumerate(row) if col not in best[1]]) for row in fragment.rows]
    return RawTable(
        rows=rows,
        page=fragment.page,
        line=fragment.line,
        ruled=fragment.ruled,
        after_break=fragment.after_break,
        borderless=fragment.borderless,
        pages=list(fragment.pages),
    )


# ---------------------------------------------------------------- a header cut by a page break


def cut_header_joined(fragments: Sequence[RawTable], fragment: RawTable) -> RawTable | None:
    """The table whose two-level header a page break cut in two, or None.

    A header whose cells are two rows tall, printed at the foot of a page, is cut through: the page
    above keeps the labels set high in their cells ("Ký hiệu trường dữ liệu", the spanning "Kiểu dữ
    liệu"), the next page the ones set low ("Trường dữ liệu", the sub-labels "Tiếng việt | Tiếng anh"),
    each with blanks where the other has text. Read apart they are a one-row phantom table and a
    table whose header lacks half its labels. They are one header when the open table is that single
    label row, the next page opens with a label row, both have blanks, and once the upper row is
    widened to the lower's columns (a spanning label repeated over the columns it spans) every column
    is labelled by one of the two, and both only under a spanning label (a two-level header)."""
    if len(fragments) != 1 or len(fragments[0].rows) != 1 or not fragment.after_break or not fragment.rows:
        return None
    upper, lower = list(fragments[0].rows[0]), list(fragment.rows[0])
    if not (looks_like_labels(upper) and looks_like_labels(lower)):
        return None
    if all(cell.text.strip() for cell in upper) or all(cell.text.strip() for cell in lower):
        return None  # a complete label row is a header of its own, not half of one
    extra = len(lower) - len(upper)
    if not 0 <= extra <= _MAX_EXTRA_COLUMNS:
        return None
    widened = next(
        (row for row in _widenings(upper, extra) if _halves_of_one_header(row, lower)),
        None,
    )
    if widened is None:
        return None
    top: list[RawCell] = []
    bottom: list[RawCell] = []
    for high, low in zip(widened, lower, strict=True):
        if high.text.strip() and low.text.strip():
            top.append(high)
            bottom.append(low)
        else:  # one cell two rows tall, its label on one side of the cut
            text = high.text if high.text.strip() else low.text
            top.append(replace(high, text=text, row_span=2, col_span=1))
            bottom.append(replace(low, text=text, inherited=True))
    return RawTable(
        rows=[top, bottom, *fragment.rows[1:]],
        page=fragments[0].page,
        line=fragments[0].line,
        ruled=fragment.ruled,
        after_break=fragments[0].after_break,
        borderless=fragment.borderless,
        pages=sorted({*fragments[0].pages, *fragment.pages}),
    )


def _widenings(row: list[RawCell], extra: int) -> list[list[RawCell]]:
    """``row`` made ``extra`` columns wider: a label spanned over one more column (a label printed
    above the columns it heads) first, a blank column inserted last."""
    if extra == 0:
        return [row]
    out: list[list[RawCell]] = []
    for col in sorted(range(len(row)), key=lambda col: not row[col].text.strip()):
        cell = row[col]
        if cell.text.strip():
            first = col
            while first > 0 and row[first - 1].col_span > 1 and row[first - 1].text == cell.text:
                first -= 1  # the columns the label already spans
            spanned = replace(cell, col_span=col + 2 - first)
            wider = row[:first] + [spanned] * (col + 2 - first) + row[col + 1 :]
        else:
            wider = row[: col + 1] + [RawCell(text="", page=cell.page)] + row[col + 1 :]
        out.extend(_widenings(wider, extra - 1))
    return out


def _halves_of_one_header(upper: list[RawCell], lower: list[RawCell]) -> bool:
    for high, low in zip(upper, lower, strict=True):
        filled_high, filled_low = bool(high.text.strip()), bool(low.text.strip())
        if not (filled_high or filled_low):
            return False  # a column no label heads
        if filled_high and filled_low and high.col_span < 2:
            return False  # two labels over one column are two rows of labels, not one cut header
    return True
