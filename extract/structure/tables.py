"""Raw table fragments into finished tables.

Readers hand over tables the way the page shows them: one fragment per page, repeated header
rows, a row whose cells run on to the next page, blank cells under a merged cell, and layout
tables that are not data at all (the national header "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" set
in a borderless two-column table). This module undoes all of that, format-independently:

* fragments separated only by page furniture (page numbers) and with the same width are one
  table when the later one follows a page break or starts with the same header; the repeated
  header is dropped;
* after a break, a first row with an empty number cell continues the row above (its cells are
  joined on with one space), unless it is a sub-row of its own (a value in every column the row
  above filled, starting afresh; a merged number cell is the strongest sign) — the same row
  without a break is a *sub-row* of that number and inherits the blank key cells on its left;
* in tables without ruling (text conversions) a blank cell in the unit-like column inherits
  the value above, the trace of a vertically merged cell; no other column is ever filled;
* rows are classified as header, group ("I | LĨNH VỰC GIÁO DỤC") or data;
* layout tables become paragraphs again (left column first), so metadata can read them; so do
  running text caught in a grid and a table of contents set as a table (:mod:`.grids`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extract.blocks import Block, Paragraph, RawCell, RawTable
from extract.markup import collapse, fold
from extract.model import Cell, ExtractionWarning, Provenance, RowKind, Table, TableRow
from extract.structure.columns import ColumnRole, is_group_number, looks_like_row_number, roles_for_header
from extract.structure.continuation import (
    WEAK,
    Evidence,
    align,
    continuation,
    cut_header_joined,
    fill_profile,
    looks_like_labels,
    repeats,
    width,
)
from extract.structure.grids import is_contents_table, is_prose_grid, prose_paragraphs

Item = Paragraph | Table

_FURNITURE = re.compile(r"^[-–—\s]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[-–—\s]*$")
_NATIONAL_MOTTO = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
    "doc lap tu do hanh phuc",
)
_SIGNATURE = re.compile(r"^(noi nhan|(tm|kt|tl|q|tuq)\. |chu tich|pho chu tich|giam doc|nguoi ky)")
_HEADING_LABEL = re.compile(r"^([IVXLC]{1,6}|\d{1,2}(\.\d{1,2}){0,3}|[a-zđ]|[A-Z])[.)]\s+\S")
_GROUP_WORDS = re.compile(r"^(linh vuc|nhom|nganh|khoi|phan|chuong|muc)\b")


# ---------------------------------------------------------------- paragraph helpers


def is_furniture(paragraph: Paragraph) -> bool:
    """Page furniture that may sit between two fragments of one table: page numbers."""
    return bool(_FURNITURE.match(fold(paragraph.text)))


def is_heading(paragraph: Paragraph) -> bool:
    """A short heading line: numbered ("1. Nhóm dữ liệu ...", "III. ..."), bold or all capitals."""
    text = paragraph.text.strip()
    if not text or len(text) > 200 or text.startswith("("):
        return False
    if text.endswith((".", ";", ":", ",")) and not text.endswith("..."):
        return False
    if _HEADING_LABEL.match(text):
        return True
    letters = [char for char in text if char.isalpha()]
    return paragraph.bold or (len(letters) >= 4 and all(char.isupper() for char in letters))


def is_numbered_heading(paragraph: Paragraph) -> bool:
    return is_heading(paragraph) and bool(_HEADING_LABEL.match(paragraph.text.strip()))


def cell_lines(cell: RawCell) -> list[str]:
    return [line.strip() for line in cell.text.split("\n") if line.strip()]


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


# ---------------------------------------------------------------- working rows


@dataclass
class _WorkCell:
    text: str
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    inherited: bool = False
    confidence: float | None = None

    @classmethod
    def of(cls, raw: RawCell, page: int | None) -> _WorkCell:
        return cls(
            text=join_cell_lines(raw.text),
            row_span=raw.row_span,
            col_span=raw.col_span,
            page=raw.page if raw.page is not None else page,
            inherited=raw.inherited,
            confidence=raw.confidence,
        )


@dataclass
class _WorkRow:
    cells: list[_WorkCell]
    page: int | None
    kind: RowKind = RowKind.DATA
    after_break: bool = False  # first row of a fragment that follows a page break

    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]

    def is_empty(self) -> bool:
        return not any(cell.text for cell in self.cells)


@dataclass
class _Group:
    """Fragments being stitched into one table, with the furniture paragraphs seen between them."""

    fragments: list[RawTable] = field(default_factory=list)
    held: list[Paragraph] = field(default_factory=list)
    weak: list[int | None] = field(default_factory=list)  # pages of fragments joined on weak evidence
    misaligned: list[int | None] = field(default_factory=list)  # pages whose columns could not be lined up


# ---------------------------------------------------------------- public entry


def stitch_tables(blocks: Sequence[Block], *, source: str) -> tuple[list[Item], list[ExtractionWarning]]:
    """Turn the reader's blocks into paragraphs and finished tables, in reading order."""
    items: list[Item] = []
    warnings: list[ExtractionWarning] = []
    group: _Group | None = None

    def flush() -> None:
        nonlocal group
        if group is None:
            return
        index = 1 + sum(1 for item in items if isinstance(item, Table))
        _group_warnings(group, index, source, warnings)
        try:
            items.append(
                _build_table(group.fragments, index=index, caption=_caption(items), source=source, warnings=warnings)
            )
        except (ValueError, IndexError, KeyError) as error:  # lenient: one bad table must not sink the file
            first = group.fragments[0]
            warnings.append(
                ExtractionWarning(
                    code="table_unreadable",
                    message=f"Không đọc được bảng ({error}) / the table could not be read ({error})",
                    provenance=Provenance(file=source, page=first.page, line=first.line),
                )
            )
        items.extend(group.held)
        group = None

    for block in blocks:
        if isinstance(block, Paragraph):
            if group is not None and is_furniture(block):
                group.held.append(block)
                continue
            flush()
            items.append(block)
            continue
        if not block.rows or not any(cell.text.strip() for row in block.rows for cell in row):
            continue
        if is_layout_table(block):
            flush()
            items.extend(layout_paragraphs(block))
            continue
        if is_prose_grid(block) or is_contents_table(block, items):
            flush()
            items.extend(prose_paragraphs(block))
            continue
        joined = cut_header_joined(group.fragments, block) if group is not None else None
        if group is not None and joined is not None:
            group.fragments = [joined]
            group.held.clear()  # page furniture between the two halves of the header
            continue
        evidence = continuation(group.fragments, block) if group is not None else None
        if group is not None and evidence is not None:
            _join(group, block, evidence)
            continue
        flush()
        group = _Group(fragments=[block])
    flush()
    return items, warnings


# ---------------------------------------------------------------- layout tables


def is_layout_table(table: RawTable) -> bool:
    """The national header or the signature block set as a table: layout, not data."""
    width = max((len(row) for row in table.rows), default=0)
    if width > 3:  # both layouts are two or three columns wide; a catalog is not folded whole
        return False
    text = fold(" ".join(cell.text for row in table.rows for cell in row))
    text = re.sub(r"\s*[-–—]\s*", " - ", text)
    if any(motto in text for motto in _NATIONAL_MOTTO):
        return True
    if (table.borderless or not table.ruled) and len(table.rows) <= 12:
        lines = [fold(line) for row in table.rows for cell in row for line in cell_lines(cell)]
        numbered = sum(1 for row in table.rows if row and looks_like_row_number(row[0].text))
        return numbered < 2 and any(_SIGNATURE.match(line) for line in lines)
    return False


def layout_paragraphs(table: RawTable) -> list[Paragraph]:
    """Column by column, top to bottom: every line of every cell, merged repeats dropped."""
    paragraphs: list[Paragraph] = []
    width = max((len(row) for row in table.rows), default=0)
    for col in range(width):
        for row in table.rows:
            if col >= len(row):
                continue
            cell = row[col]
            if cell.inherited or (col > 0 and cell.col_span > 1 and row[col - 1].text == cell.text):
                continue
            page = cell.page if cell.page is not None else table.page
            lines = [part for line in cell_lines(cell) for part in split_header_line(line)]
            paragraphs.extend(Paragraph(text=line, page=page, line=table.line, centered=True) for line in lines)
    return paragraphs


# The right column's lines: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc".
# "XÃ HỘI" is part of it: "Cộng Hòa" alone is also the name of communes ("UBND XÃ CỘNG HÒA").
NATIONAL_MOTTO_START = r"CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI|Độc\s+lập\s*[-–]|ĐỘC\s+LẬP\s*[-–]"
# Where the lines of a national-header cell begin, for readers that hand the cell over as one line
# (a cell read whole, a tab in Word, both columns on one PDF line).
_HEADER_LINE_STARTS = re.compile(
    rf"\s+(?=Số\s*:|Số\s+\d|{NATIONAL_MOTTO_START})|(?<=Hạnh phúc)\s+|(?<=HẠNH PHÚC)\s+"
)


def split_header_line(line: str) -> list[str]:
    """A national-header line cut where its parts begin: "ỦY BAN NHÂN DÂN CỘNG HÒA …" → two lines."""
    return [part.strip() for part in _HEADER_LINE_STARTS.split(line) if part.strip()]


# ---------------------------------------------------------------- stitching


def _row_key(row: Sequence[RawCell] | Sequence[_WorkCell]) -> tuple[str, ...]:
    keys = [fold(collapse(cell.text)) for cell in row]
    while keys and not keys[-1]:
        keys.pop()
    return tuple(keys)


def _looks_like_header(row: Sequence[RawCell]) -> bool:
    return looks_like_labels(row)


def _join(group: _Group, fragment: RawTable, evidence: Evidence) -> None:
    """Add ``fragment`` to the open table, its columns lined up with the table's."""
    table_width = width(group.fragments[0])
    if width(fragment) > table_width:
        reference = [row for part in group.fragments for row in part.rows]
        aligned = align(fragment, table_width, fill_profile(reference, table_width))
        if aligned is None:
            group.misaligned.append(fragment.page)
        else:
            fragment = aligned
    if evidence in WEAK:
        group.weak.append(fragment.page)
    group.fragments.append(fragment)
    group.held.clear()  # page numbers between fragments of one table are furniture


def _group_warnings(group: _Group, index: int, source: str, warnings: list[ExtractionWarning]) -> None:
    if group.weak:
        pages = ", ".join(str(page) for page in group.weak)
        warnings.append(
            ExtractionWarning(
                code="table_continuation_uncertain",
                message=f"Bảng {index}: phần ở trang {pages} được nối vào bảng chỉ vì cùng số cột / "
                f"table {index}: the part on page {pages} was joined to it only because it has the same columns",
                provenance=Provenance(file=source, page=group.weak[0], table=index),
            )
        )
    if group.misaligned:
        pages = ", ".join(str(page) for page in group.misaligned)
        warnings.append(
            ExtractionWarning(
                code="table_columns_misaligned",
                message=f"Bảng {index}: không khớp được các cột ở trang {pages} với bảng / "
                f"table {index}: the columns on page {pages} could not be lined up with the table's",
                provenance=Provenance(file=source, page=group.misaligned[0], table=index),
            )
        )


def _header_count(rows: list[_WorkRow]) -> int:
    """Leading header rows: a header-looking first row, plus rows bound to it by merges or numbering."""
    if not rows or not _looks_like_header([RawCell(text=cell.text) for cell in rows[0].cells]):
        return 0
    count = 1
    while count < len(rows) and count < 4 and _continues_header(rows[count], rows[count - 1]):
        count += 1
    return count


def _continues_header(row: _WorkRow, above: _WorkRow) -> bool:
    """A row bound to the header row above it: column numbers, sub-labels, or a lower header level."""
    texts = row.texts()
    # a text rendering of a two-level header: sub-labels under a label whose merge was lost
    if _column_numbers(texts) or _sub_labels(texts, above.texts()):
        return True
    merged_above = any(cell.inherited for cell in row.cells) or any(cell.row_span > 1 for cell in above.cells)
    # a lower header level fills only the columns under a spanning label; a data row under a
    # merged cell fills (nearly) all of its own cells
    own = sum(1 for cell in row.cells if cell.text and not cell.inherited)
    return merged_above and own <= len(row.cells) - 2 and not looks_like_row_number(texts[0])


def _column_numbers(texts: list[str]) -> bool:
    """The row "(1) | (2) | (3)" numbering the columns."""
    numbered = all(re.fullmatch(r"\(?\d{1,2}\)?", text) for text in texts if text)
    return numbered and sum(1 for text in texts if text) >= max(2, len(texts) - 1)


def _sub_labels(texts: list[str], above: list[str]) -> bool:
    """Short labels, the first column blank, at least one under a blank of the row above."""
    filled = [text for text in texts if text]
    return (
        not texts[0]
        and len(filled) >= 2
        and all(len(text.split()) <= 6 for text in filled)
        and any(not over for over, text in zip(above, texts, strict=False) if text)
    )


def _header_labels(rows: list[_WorkRow], width: int) -> list[str]:
    """One label per column, the header rows' texts joined top-down ("Chia sẻ Mức độ")."""
    grid = [[row.cells[col].text if col < len(row.cells) else "" for col in range(width)] for row in rows]
    for level, texts in enumerate(grid[:-1]):
        # an upper label followed by blanks spans the columns that have sub-labels below
        for col in range(1, width):
            if not texts[col] and texts[col - 1] and grid[level + 1][col]:
                texts[col] = texts[col - 1]
    labels: list[str] = []
    for col in range(width):
        parts: list[str] = []
        for texts in grid:
            text = texts[col]
            if not text or re.fullmatch(r"\(?\d{1,2}\)?", text) or text in parts:
                continue
            parts.append(text)
        labels.append(" ".join(parts))
    return labels


def _build_table(
    fragments: list[RawTable], *, index: int, caption: str, source: str, warnings: list[ExtractionWarning]
) -> Table:
    columns = max(width(fragment) for fragment in fragments)
    header_rows, rows = _stitch(fragments, columns)
    labels = _header_labels(header_rows, columns)
    roles = roles_for_header(labels) if header_rows else [ColumnRole.OTHER] * columns
    number_col = _number_column(roles, rows)
    unit_col = roles.index(ColumnRole.UNIT) if ColumnRole.UNIT in roles else None
    unruled = all(not fragment.ruled or fragment.borderless for fragment in fragments)
    title_col = roles.index(ColumnRole.TITLE) if ColumnRole.TITLE in roles else None
    body = _classify(rows, number_col=number_col, title_col=title_col, unit_col=unit_col if unruled else None)

    pages = sorted({page for fragment in fragments for page in [fragment.page, *fragment.pages] if page is not None})
    table_rows = _table_rows([*header_rows, *body])
    if not header_rows:
        warnings.append(
            ExtractionWarning(
                code="table_without_header",
                message=f"Bảng {index}: không nhận ra hàng tiêu đề / table {index}: no header row recognised",
                provenance=Provenance(file=source, page=pages[0] if pages else None, table=index),
            )
        )
    return Table(
        index=index,
        pages=pages,
        caption=caption,
        header=labels,
        rows=table_rows,
        provenance=Provenance(
            file=source,
            page=pages[0] if pages else None,
            table=index,
            line=fragments[0].line,
            raw=" | ".join(labels),
        ),
    )


def _stitch(fragments: list[RawTable], columns: int) -> tuple[list[_WorkRow], list[_WorkRow]]:
    """The header rows of the first fragment, and every fragment's other rows in order, padded to
    ``columns``, without the header repeated at the top of later pages or empty rows."""
    rows: list[_WorkRow] = []
    header_rows: list[_WorkRow] = []
    header_keys: list[tuple[str, ...]] = []
    for number, fragment in enumerate(fragments):
        work = _work_rows(fragment, columns)
        if number == 0:
            count = _header_count(work)
            header_rows = work[:count]
            for row in header_rows:
                row.kind = RowKind.HEADER
            header_keys = [_row_key(row.cells) for row in header_rows]
            work = work[count:]
        else:
            while work and any(repeats(_row_key(work[0].cells), key) for key in header_keys):
                work.pop(0)  # the header repeated at the top of the next page
        work = [row for row in work if not row.is_empty()]
        if work:
            work[0].after_break = number > 0 and fragment.after_break
        rows.extend(work)
    return header_rows, rows


def _work_rows(fragment: RawTable, columns: int) -> list[_WorkRow]:
    return [
        _WorkRow(
            cells=[_WorkCell.of(cell, fragment.page) for cell in row]
            + [_WorkCell(text="", page=fragment.page) for _ in range(columns - len(row))],
            page=fragment.page,
        )
        for row in fragment.rows
    ]


def _table_rows(rows: list[_WorkRow]) -> list[TableRow]:
    table_rows: list[TableRow] = []
    for position, row in enumerate(rows):
        cells = [
            Cell(
                text=cell.text,
                row=position,
                col=col,
                row_span=cell.row_span,
                col_span=cell.col_span,
                page=cell.page,
                inherited=cell.inherited,
                confidence=cell.confidence,
            )
            for col, cell in enumerate(row.cells)
        ]
        table_rows.append(TableRow(index=position + 1, kind=row.kind, cells=cells, page=row.page))
    return table_rows


def _number_column(roles: list[ColumnRole], rows: list[_WorkRow]) -> int | None:
    if ColumnRole.NUMBER in roles:
        return roles.index(ColumnRole.NUMBER)
    firsts = [row.cells[0].text for row in rows if row.cells and row.cells[0].text]
    if firsts and sum(1 for text in firsts if looks_like_row_number(text)) >= 0.6 * len(firsts):
        return 0
    return None


def _capitals(text: str) -> bool:
    """A multi-word line in capitals ("LĨNH VỰC Y TẾ"); a lone acronym ("TTHC") is not a heading."""
    letters = [char for char in text if char.isalpha()]
    return len(text.split()) >= 2 and len(letters) >= 4 and all(char.isupper() for char in letters)


def _is_group_row(row: _WorkRow, number_col: int | None, *, strict: bool = False) -> bool:
    """One piece of content besides the number, and a number that numbers groups (or none).

    ``strict`` (used right after a page break, where a lone piece of text is far more often
    the tail of the row above) accepts only a merged cell or a heading in capitals.
    """
    others = [cell for col, cell in enumerate(row.cells) if col != number_col and cell.text and not cell.inherited]
    distinct = {cell.text for cell in others}
    if len(distinct) != 1:
        return False
    text = next(iter(distinct))
    spans = len(others) > 1 or any(cell.col_span > 1 for cell in others)
    capitals = _capitals(text)
    number = row.cells[number_col].text if number_col is not None else ""
    if number and (is_group_number(number) or number == text):
        return True  # "I | LĨNH VỰC ...", or the whole row one merged cell
    if not number:
        return spans or capitals or (not strict and bool(_GROUP_WORDS.match(fold(text))))
    # "1. | Nhóm dữ liệu dân cư" heads a group; "5 | Dữ liệu A" with the other cells blank is a data row
    return bool(_GROUP_WORDS.match(fold(text))) or (capitals and not number.isdigit())


def _classify(
    rows: list[_WorkRow], *, number_col: int | None, title_col: int | None, unit_col: int | None
) -> list[_WorkRow]:
    """Group rows, continuations after a break (merged away), sub-rows and data rows."""
    out: list[_WorkRow] = []
    previous: _WorkRow | None = None  # the last data row, for continuations and inheritance
    key_col = number_col if number_col is not None else 0  # without a number column, the first one
    for position, row in enumerate(rows):
        following = rows[position + 1] if position + 1 < len(rows) else None
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


def _is_tail(
    row: _WorkRow,
    previous: _WorkRow,
    following: _WorkRow | None,
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
    row: _WorkRow, previous: _WorkRow, *, key_col: int, title_col: int | None, unit_col: int | None
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


def _runs_on(row: _WorkRow, previous: _WorkRow) -> bool:
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
    row: _WorkRow, previous: _WorkRow, following: _WorkRow | None, *, key_col: int, title_col: int | None
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


def _filled_columns(row: _WorkRow, previous: _WorkRow, keys: set[int]) -> tuple[list[int], list[int]]:
    """The columns besides the keys that the row fills itself, and those the row above fills."""
    own = [col for col, cell in enumerate(row.cells) if cell.text and not cell.inherited and col not in keys]
    above = [col for col, cell in enumerate(previous.cells) if cell.text and col not in keys and col < len(row.cells)]
    return own, above


def _key_merged(row: _WorkRow, following: _WorkRow | None, keys: set[int]) -> bool:
    """A key cell merged over the rows below: spanning down, or inherited in the row that follows."""
    if any(row.cells[col].row_span > 1 for col in keys if col < len(row.cells)):
        return True
    return following is not None and any(
        following.cells[col].inherited for col in keys if col < len(following.cells)
    )


def _starts_afresh(text: str) -> bool:
    """A value's first character: a capital, a digit or a list dash, not a wrapped lower-case tail."""
    first = text.lstrip()[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in "-–+•(")


def _append_below(previous: _WorkRow, row: _WorkRow) -> None:
    """A row cut by a page break: each non-empty piece goes on to the end of the cell above."""
    for above, below in zip(previous.cells, row.cells, strict=False):
        if below.text:
            above.text = join_cell_lines(f"{above.text}\n{below.text}")
            above.inherited = False


def _inherit_leading(row: _WorkRow, previous: _WorkRow, title_col: int | None) -> None:
    """A sub-row under a merged number: the blank key cells (those left of its content, and the
    title) take the values above."""
    leading = next((col for col, cell in enumerate(row.cells) if cell.text), len(row.cells))
    keys = set(range(leading)) | ({title_col} if title_col is not None else set())
    for col in sorted(keys):
        cell, above = row.cells[col], previous.cells[col]
        if not cell.text and above.text:
            cell.text = above.text
            cell.inherited = True


def _caption(items: Sequence[Item]) -> str:
    """The nearest heading paragraph above the table, not looking past the previous table."""
    for position, item in enumerate(reversed(items)):
        if isinstance(item, Table) or position >= 8:
            break
        if is_heading(item):
            return item.text
    return ""
