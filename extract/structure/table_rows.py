"""The rows of a stitched table: working cells, and each row's kind (group, data, or the tail of the
row above cut by a page break), with the blank key and unit cells a merged cell left.

Split from :mod:`.tables`, which stitches the fragments and builds the finished table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.blocks import RawCell
from extract.markup import collapse, fold
from extract.model import RowKind
from extract.structure.columns import is_group_number

_GROUP_WORDS = re.compile(r"^(linh vuc|nhom|nganh|khoi|phan|chuong|muc)\b")

# A subtotal printed on a group's row ("I | Cơ sở hạ tầng | | | 5997", "2,700", "24.500"): an amount, no content.
_AMOUNT = re.compile(r"^\d[\d.,\s]*$")

# A group heading numbered inside its own text when the table has no number column ("I. Ứng dụng CNTT").
_ROMAN_HEADING = re.compile(r"^[IVXLC]{1,6}\.\s+\S")

# A total row's label: "Tổng cộng", "Tổng số", "Tổng", "Cộng", "Tổng cộng (I+II)"; a scan's "Tông" folds the same.
_TOTAL_LABEL = re.compile(r"^(tong cong|tong so|tong|cong)(\s*\([^()]*\))?\s*[:.]?$")
# What a total row holds besides its label: sums, and the dashes or crosses of a column without one.
_TOTAL_FILLER = re.compile(r"^(\d[\d.,\s]*%?|[-–—x×*]+)$")

_WRAPPED_AT_DASH = re.compile(r"(?<=\w[-–])\n(?=\w)")


# A code name in capitals with underscores ("TONG_VON_DAU_T" / "U_USD") has no space to wrap at:
# the layout cut it inside the word.
_IDENTIFIER_END = re.compile(r"[A-Z0-9]*_[A-Z0-9_]*$")
_IDENTIFIER_START = re.compile(r"[A-Z0-9_]+(?=\s|$)")


def _glue_identifiers(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    out = [lines[0]]
    for line in lines[1:]:
        if _IDENTIFIER_END.search(out[-1]) and _IDENTIFIER_START.match(line):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def join_cell_lines(text: str) -> str:
    """The lines of a wrapped cell joined by one space, as printed.

    A line broken right after a dash glued to a word ("Phòng VH–" / "XH") was wrapped inside
    that word by the layout, so it is joined without a space; "Sở Lao động -" / "Thương binh"
    keeps its space. So is a code name with underscores cut across lines ("MA_SO_" / "THUE").
    """
    stripped = text.strip()
    if "\n" not in stripped:
        return collapse(stripped)
    if "_" in stripped:
        stripped = _glue_identifiers(stripped)
    return collapse(_WRAPPED_AT_DASH.sub("", stripped))


@dataclass
class WorkCell:
    text: str
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    inherited: bool = False
    confidence: float | None = None
    paragraphs: tuple[str, ...] = ()  # a Word cell's lines (RawCell.paragraphs); ``text`` joins them

    @classmethod
    def of(cls, raw: RawCell, page: int | None) -> WorkCell:
        return cls(
            text=join_cell_lines(raw.text),
            row_span=raw.row_span,
            col_span=raw.col_span,
            page=raw.page if raw.page is not None else page,
            inherited=raw.inherited,
            confidence=raw.confidence,
            paragraphs=raw.paragraphs,
        )

    def lines_kept(self) -> str:
        """The text with a Word cell's paragraphs one a line ("Sở Tài chính\nSở Nội vụ\nUBND các huyện"), for the
        columns whose readers split units at line breaks; the text itself when the cell has one paragraph, or when
        a rule has since rewritten the text (a row joined across a page break, a value inherited from above)."""
        if len(self.paragraphs) < 2 or collapse(" ".join(self.paragraphs)) != self.text:
            return self.text
        return "\n".join(self.paragraphs)


@dataclass
class WorkRow:
    cells: list[WorkCell]
    page: int | None
    kind: RowKind = RowKind.DATA
    after_break: bool = False  # first row of a fragment that follows a page break
    banner: bool = False  # a title printed inside the table above its header: kept, but labels nothing

    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]

    def is_empty(self) -> bool:
        return not any(cell.text for cell in self.cells)

    def is_copy(self) -> bool:
        """Every filled cell is a merged cell's repeat from above: a grid line cut through the row
        above (a scan's tall row read as two), so the row prints nothing of its own."""
        filled = [cell for cell in self.cells if cell.text]
        return bool(filled) and all(cell.inherited for cell in filled)


def _capitals(text: str) -> bool:
    """A multi-word line in capitals ("LĨNH VỰC Y TẾ"); a lone acronym ("TTHC") is not a heading."""
    letters = [char for char in text if char.isalpha()]
    return len(text.split()) >= 2 and len(letters) >= 4 and all(char.isupper() for char in letters)


def _is_group_row(row: WorkRow, number_col: int | None, *, strict: bool = False) -> bool:
    """One piece of content besides the number, and a number that numbers groups (or none).

    ``strict`` (used right after a page break, where a lone piece of text is far more often
    the tail of the row above) accepts only a merged cell or a heading in capitals.
    """
    others = [cell for col, cell in enumerate(row.cells) if col != number_col and cell.text and not cell.inherited]
    number = row.cells[number_col].text if number_col is not None else ""
    if _heads_with_subtotals(others, number):
        others = [cell for cell in others if not _AMOUNT.match(cell.text)]
    distinct = {cell.text for cell in others}
    if len(distinct) != 1:
        return False
    text = next(iter(distinct))
    spans = len(others) > 1 or any(cell.col_span > 1 for cell in others)
    capitals = _capitals(text)
    if number and (is_group_number(number) or number == text):
        return True  # "I | LĨNH VỰC ...", or the whole row one merged cell
    if not number:
        return spans or capitals or (not strict and bool(_GROUP_WORDS.match(fold(text))))
    # "1. | Nhóm dữ liệu dân cư" heads a group; "5 | Dữ liệu A" with the other cells blank is a data row
    return bool(_GROUP_WORDS.match(fold(text))) or (capitals and not number.isdigit())


def _heads_with_subtotals(others: list[WorkCell], number: str) -> bool:
    """A plan's cost table prints each group's sum on the group's row; the sums are no content.

    Only a row that announces itself as a group (a roman or capital-letter number, a text
    opening "II. …" when there is no number column, or one heading merged over the number column
    and the text beside it) may shed its amounts, so that a data row "5 | Dữ liệu A | 12" keeps its
    figure and stays data.
    """
    texts = [cell.text for cell in others if not _AMOUNT.match(cell.text)]
    if not texts or len(texts) == len(others):
        return False
    if number and set(texts) == {number}:
        return True  # "Đào tạo, hướng dẫn sử dụng … | 5,200,000": a data row never merges its text over its number
    heading = number or texts[0]
    return is_group_number(heading) or bool(_ROMAN_HEADING.match(heading))


def classify_rows(
    rows: list[WorkRow], *, number_col: int | None, title_col: int | None, unit_col: int | None
) -> list[WorkRow]:
    """Group rows, continuations after a break (merged away), sub-rows and data rows."""
    out: list[WorkRow] = []
    previous: WorkRow | None = None  # the last data row, for continuations and inheritance
    key_col = number_col if number_col is not None else 0  # without a number column, the first one
    for position, row in enumerate(rows):
        following = rows[position + 1] if position + 1 < len(rows) else None
        if _is_total_row(row):
            # before the tail test: a total's blank number would otherwise join it to the row above
            row.kind = RowKind.TOTAL
            out.append(row)
            previous = None
            continue
        if previous is not None and _is_tail(
            row, previous, following, number_col=number_col, key_col=key_col, title_col=title_col
        ):
            _append_below(previous, row)
            continue
        if _is_group_row(row, number_col):
            row.kind = RowKind.GROUP
            out.append(row)
            previous = None
            continue
        row.kind = RowKind.DATA
        if previous is not None:
            _inherit_from_above(row, previous, key_col=key_col, title_col=title_col, unit_col=unit_col)
        out.append(row)
        previous = row
    return out


def _is_total_row(row: WorkRow) -> bool:
    """The column sums under one label ("Tổng cộng", "Cộng"), in whichever cells the label is merged over.

    Only a row whose every other own cell is a figure or a dash: "Cộng đồng dân cư" or "Tổng hợp số
    liệu" is content, and so is "Tổng cộng: 25 nhiệm vụ".
    """
    own = [cell.text for cell in row.cells if cell.text and not cell.inherited]
    labels = {text for text in own if not _TOTAL_FILLER.match(text)}
    return len(labels) == 1 and bool(_TOTAL_LABEL.match(fold(next(iter(labels)))))


def _is_tail(
    row: WorkRow,
    previous: WorkRow,
    following: WorkRow | None,
    *,
    number_col: int | None,
    key_col: int,
    title_col: int | None,
) -> bool:
    """The first row after a page break, with a blank number, that carries on the data row above."""
    key = row.cells[key_col] if row.cells else None
    blank_number = key is not None and not key.text and not key.inherited
    return (
        row.after_break
        and blank_number
        and not _is_group_row(row, number_col, strict=True)
        and _runs_on(row, previous)
        and not _sub_row_after_break(row, previous, following, key_col=key_col, title_col=title_col)
    )


def _inherit_from_above(
    row: WorkRow, previous: WorkRow, *, key_col: int, title_col: int | None, unit_col: int | None
) -> None:
    """A data row's blank number (and the cells it keys) and blank unit take the values above."""
    key = row.cells[key_col] if row.cells else None
    # an inherited number cell can still be blank: the merged cell's text was on the page before
    if key is not None and not key.text:
        _inherit_leading(row, previous, title_col)
    if unit_col is not None:
        cell = row.cells[unit_col]
        above = previous.cells[unit_col]
        if not cell.text and above.text:
            cell.text = above.text
            cell.inherited = True


_FINISHED = re.compile(r"[.;:!?)\]”\"'»]$|\d$")


def _runs_on(row: WorkRow, previous: WorkRow) -> bool:
    """The row's text carries on the cells above: a piece starting in lower case or with a
    continuation mark, or a cell above left unfinished (no closing stop, date or number).

    A row of a ruled table that starts a page under merged cells ("" | "" | "" | "Thông tư số
    33/2017/…" | "Hiệu lực …") begins every piece afresh below finished cells: a row of its own.
    """
    for above, below in zip(previous.cells, row.cells, strict=False):
        text = below.text.strip()
        if not text or below.inherited:
            continue
        if text[0].islower() or text[0] in ",;.)":
            return True
        if not above.text.strip() or not _FINISHED.search(above.text.strip()):
            return True
    return False


def _sub_row_after_break(
    row: WorkRow, previous: WorkRow, following: WorkRow | None, *, key_col: int, title_col: int | None
) -> bool:
    """A first row after a break with a blank number that is a sub-row of its own, not a tail.

    A row cut by the break continues only the cells that were still running, and a wrapped tail
    mostly starts in lower case; a sub-row under a merged number has its own value in every
    column the row above filled (description, unit, frequency), each starting afresh. A number
    cell merged over the rows below (``row_span`` > 1, or ``inherited`` cells under it) says the
    number covers several rows, which makes a sub-row likely; without that sign the title must
    be blank as well and every value must start afresh.
    """
    keys = {key_col} | ({title_col} if title_col is not None else set())
    own, above = _filled_columns(row, previous, keys)
    fresh = sum(1 for col in own if _starts_afresh(row.cells[col].text))
    merged = _key_merged(row, following, keys)
    # under merged cells on its left (number, name, …) a row of a list of sub-items fills only the
    # columns right of them, each piece starting afresh: it is the next sub-item, not a tail
    leading = min(own, default=len(row.cells))
    if merged and own and leading > key_col + 1 and fresh == len(own):
        return True
    if len(own) < 2 or any(col not in own for col in above):
        return False
    if merged:
        return 2 * fresh >= len(own)
    title_blank = title_col is None or not row.cells[title_col].text
    return title_blank and fresh == len(own)


def _filled_columns(row: WorkRow, previous: WorkRow, keys: set[int]) -> tuple[list[int], list[int]]:
    """The columns besides the keys that the row fills itself, and those the row above fills."""
    own = [col for col, cell in enumerate(row.cells) if cell.text and not cell.inherited and col not in keys]
    above = [col for col, cell in enumerate(previous.cells) if cell.text and col not in keys and col < len(row.cells)]
    return own, above


def _key_merged(row: WorkRow, following: WorkRow | None, keys: set[int]) -> bool:
    """A key cell merged over the rows below: spanning down, or inherited in the row that follows."""
    if any(row.cells[col].row_span > 1 for col in keys if col < len(row.cells)):
        return True
    return following is not None and any(following.cells[col].inherited for col in keys if col < len(following.cells))


def _starts_afresh(text: str) -> bool:
    """A value's first character: a capital, a digit or a list dash, not a wrapped lower-case tail."""
    first = text.lstrip()[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "-–+•(")


def _append_below(previous: WorkRow, row: WorkRow) -> None:
    """A row cut by a page break: each non-empty piece goes on to the end of the cell above."""
    for above, below in zip(previous.cells, row.cells, strict=False):
        if below.text:
            above.text = join_cell_lines(f"{above.text}\n{below.text}")
            above.inherited = False


def _inherit_leading(row: WorkRow, previous: WorkRow, title_col: int | None) -> None:
    """A sub-row under a merged number: the blank key cells (those left of its content, and the
    title) take the values above."""
    leading = next((col for col, cell in enumerate(row.cells) if cell.text), len(row.cells))
    keys = set(range(leading)) | ({title_col} if title_col is not None else set())
    for col in sorted(keys):
        cell, above = row.cells[col], previous.cells[col]
        if not cell.text and above.text:
            cell.text = above.text
            cell.inherited = True
