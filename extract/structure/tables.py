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
from extract.structure.columns import ColumnRole, looks_like_row_number, roles_for_header
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
from extract.structure.table_rows import WorkCell, WorkRow, classify_rows
from extract.structure.table_rows import join_cell_lines as join_cell_lines  # re-exported: tests import it from here
from extract.structure.tasks import task_columns
from extract.structure.unique_codes import duplicate_code_warnings

Item = Paragraph | Table

_FURNITURE = re.compile(r"^[-–—\s]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[-–—\s]*$")
_NATIONAL_MOTTO = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
    "doc lap tu do hanh phuc",
)
# A borderless grid whose lines open so is the letter's layout, not data: the signing block ("KT. GIÁM ĐỐC",
# a form's "ĐẠI DIỆN BÊN NHẬN (Ký, ghi rõ họ tên)", "NGƯỜI LẬP BIỂU", "Phê duyệt (Người quản lý)") and the
# addressees set beside their label ("Kính gửi: | - Bộ …; - Sở …").
_SIGNATURE = re.compile(
    r"^(noi nhan|(tm|kt|tl|q|tuq)\. |chu tich|pho chu tich|giam doc|nguoi ky"
    r"|kinh gui\b|dai dien (ben|co quan|don vi)\b|nguoi lap\b|phe duyet \()"
)
_HEADING_LABEL = re.compile(r"^([IVXLC]{1,6}|\d{1,2}(\.\d{1,2}){0,3}|[a-zđ]|[A-Z])[.)]\s+\S")


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
        if is_received_stamp(block):
            flush()
            warnings.append(_received_stamp_warning(block, source))
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


_HEADER_GRID_WIDTH = 4
_HEADER_GRID_ROWS = 4
_PARTY_MOTTO = re.compile(r"ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM")


def is_layout_table(table: RawTable) -> bool:
    """The national header or the signature block set as a table: layout, not data."""
    width = max((len(row) for row in table.rows), default=0)
    text = fold(" ".join(cell.text for row in table.rows for cell in row))
    # An OCR may read one dash of the motto as two ("Độc lập –- Tự do - Hạnh phúc", TB 1144/TB-ĐHTĐ 2025, a scan).
    text = re.sub(r"(?:\s*[-–—])+\s*", " - ", text)
    motto = any(motto in text for motto in _NATIONAL_MOTTO)
    # A Party document's header prints "ĐẢNG CỘNG SẢN VIỆT NAM" where the State's prints its motto (Nghị quyết
    # of Tỉnh ủy Đồng Tháp, 2026, a borderless Word table): in capitals, in a grid of a few rows.
    if _PARTY_MOTTO.search(" ".join(cell.text for row in table.rows for cell in row)):
        motto = motto or len(table.rows) <= _HEADER_GRID_ROWS
    # A header grid of a few rows may be four columns wide (a spacer column, a subject line spanning three:
    # CV giao 3653/VPCP, Lâm Đồng 2026); a catalog is many rows and is not folded whole.
    if motto and width == _HEADER_GRID_WIDTH and len(table.rows) <= _HEADER_GRID_ROWS:
        return True
    if width > 3:  # both layouts are two or three columns wide; a catalog is not folded whole
        return False
    if motto:
        return True
    if (table.borderless or not table.ruled) and len(table.rows) <= 12:
        lines = [fold(line) for row in table.rows for cell in row for line in cell_lines(cell)]
        numbered = sum(1 for row in table.rows if row and looks_like_row_number(row[0].text))
        return numbered < 2 and any(_SIGNATURE.match(line) for line in lines)
    return False


# The registry's "received" box stamped on an incoming copy ("CÔNG VĂN ĐẾN / Số: … Ngày: … Chuyển: …",
# "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ / ĐẾN …"): the recipient's mark, not the document's.
_RECEIVED_FIELDS = re.compile(r"(?<![^\W\d_])(?:ngay|so|gio|chuyen|luu ho so)(?![^\W\d_])")
_STAMP_ROWS = 4
_STAMP_LINE = re.compile(r"^\s*(?:(?:CV|CÔNG\s+VĂN)\s+)?[ĐD][ẾÉEỀ]N(?![^\W\d_])(?!\s+NĂM)")


def is_received_stamp(table: RawTable) -> bool:
    """A small box on the first page reading "ĐẾN" with its fields (Số, Ngày, Giờ, Chuyển)."""
    width = max((len(row) for row in table.rows), default=0)
    if width > 3 or len(table.rows) > _STAMP_ROWS or (table.page or 1) != 1:
        return False
    raw = " ".join(cell.text for row in table.rows for cell in row)
    # A line opening with "ĐẾN" in capitals ("CV ĐẾN", "CÔNG VĂN ĐẾN"), as stamped; "từ ngày … đến ngày …"
    # in a small table of the text is lower case, and "ĐẾN NĂM 2030" ends a title.
    opens = any(_STAMP_LINE.match(line) for row in table.rows for cell in row for line in cell.text.splitlines())
    # Its fields are handwritten and often read as noise ("ĐẾN Nzà..c1.Lb|.202 5"): a field word or a digit.
    return opens and (bool(_RECEIVED_FIELDS.search(fold(raw))) or any(char.isdigit() for char in raw))


def _received_stamp_warning(table: RawTable, source: str) -> ExtractionWarning:
    text = " / ".join(dict.fromkeys(" ".join(cell.text.split()) for row in table.rows for cell in row if cell.text))
    return ExtractionWarning(
        code="received_stamp_skipped",
        message=f"Bỏ qua dấu «đến» của nơi nhận (không phải bảng của văn bản): «{text[:80]}» / skipped a "
        "'received' box stamp, not a table of the document",
        provenance=Provenance(file=source, page=table.page, line=table.line),
    )


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
# A Party document's right column opens with "ĐẢNG CỘNG SẢN VIỆT NAM".
NATIONAL_MOTTO_START = (
    r"CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI|Độc\s+lập\s*[-–]|ĐỘC\s+LẬP\s*[-–]|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
)
# Where the lines of a national-header cell begin, for readers that hand the cell over as one line
# (a cell read whole, a tab in Word, both columns on one PDF line; an OCR line that runs on from the motto's first
# line into the left column's second, "… CHỦ NGHĨA VIỆT NAM SỞ THÔNG TIN VÀ TRUYỀN THÔNG Độc lập …"). A Party
# header's left column sets a star between the committee and its number ("TỈNH UỶ ĐỒNG THÁP / * / Số 15-NQ/TU").
_HEADER_LINE_STARTS = re.compile(
    rf"\s+(?=Số\s*:|Số\s+\d|{NATIONAL_MOTTO_START})|(?<=Hạnh phúc)\s+|(?<=HẠNH PHÚC)\s+"
    r"|(?<=SẢN VIỆT NAM)\s+|(?<=NGHĨA VIỆT NAM)\s+|\s+\*\s+"
)


def split_header_line(line: str) -> list[str]:
    """A national-header line cut where its parts begin: "ỦY BAN NHÂN DÂN CỘNG HÒA …" → two lines."""
    return [part.strip() for part in _HEADER_LINE_STARTS.split(line) if part.strip()]


# ---------------------------------------------------------------- stitching


def _row_key(row: Sequence[RawCell] | Sequence[WorkCell]) -> tuple[str, ...]:
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


def _banner_count(rows: list[WorkRow]) -> int:
    """A title row above the header inside the table's frame ("DANH MỤC CƠ SỞ DỮ LIỆU …" merged over
    every column, or a scan's letterhead caught in the grid): 1 when the row below it is the header.

    Without this the title became the header of every column and the real header a data row, so no
    column was recognised and a catalog lost its entries.
    """
    if len(rows) < 2 or len(rows[0].cells) < 2 or not _header_count(rows[1:]):
        return 0
    texts = {cell.text for cell in rows[0].cells if cell.text}
    merged = len(texts) == 1
    return 1 if merged or not _looks_like_header([RawCell(text=cell.text) for cell in rows[0].cells]) else 0


def _header_count(rows: list[WorkRow]) -> int:
    """Leading header rows: a header-looking first row, plus rows bound to it by merges or numbering."""
    if not rows or not _looks_like_header([RawCell(text=cell.text) for cell in rows[0].cells]):
        return 0
    count = 1
    while count < len(rows) and count < 4 and _continues_header(rows[count], rows[count - 1]):
        count += 1
    return count


def _continues_header(row: WorkRow, above: WorkRow) -> bool:
    """A row bound to the header row above it: column numbers, sub-labels, or a lower header level."""
    texts = row.texts()
    # a text rendering of a two-level header: sub-labels under a label whose merge was lost
    if _column_numbers(texts) or _sub_labels(texts, above.texts()):
        return True
    merged_above = any(cell.inherited for cell in row.cells) or any(cell.row_span > 1 for cell in above.cells)
    # a lower header level fills only the columns under a spanning label; a data row under a
    # merged cell fills (nearly) all of its own cells
    own_cols = [col for col, cell in enumerate(row.cells) if cell.text and not cell.inherited]
    under_span = own_cols and all(col < len(above.cells) and above.cells[col].col_span > 1 for col in own_cols)
    if merged_above and under_span and not any(char.isdigit() for col in own_cols for char in texts[col]):
        # a narrow table's lower level ("Điểm góc" merged down, "X (m) | Y (m)" under "Tọa độ …"): a data row
        # does not sit under a label spanning columns with the header's merged cells beside it
        return True
    return merged_above and len(own_cols) <= len(row.cells) - 2 and not looks_like_row_number(texts[0])


# A column's index in the row numbering the columns: "(1)", "7", a report's letters for its text columns
# ("A", "B") and the formulas of its computed ones ("7=3/2", "(4)=(2)x(3)"; a scan may drop the index: "=4/1").
_COLUMN_INDEX = re.compile(r"\(?(?:\d{1,2}|[A-Z])\)?(?:\s*=\s*[\d()+\-–x×*/:.,\s]+)?|=\s*[\d()+\-–x×*/:.,\s]+")


def _column_numbers(texts: list[str]) -> bool:
    """The row "(1) | (2) | (3)" numbering the columns, or "A | B | 1 | 2 | 3=2/1" in a report's table.

    Letters alone ("A | B | C") are not enough: at least one column is numbered.
    """
    filled = [text for text in texts if text]
    numbered = all(_COLUMN_INDEX.fullmatch(text) for text in filled) and any(
        char.isdigit() for text in filled for char in text
    )
    return numbered and len(filled) >= max(2, len(texts) - 1)


def _sub_labels(texts: list[str], above: list[str]) -> bool:
    """Short labels, the first column blank, at least one under a blank of the row above."""
    filled = [text for text in texts if text]
    return (
        not texts[0]
        and len(filled) >= 2
        and all(len(text.split()) <= 6 for text in filled)
        and any(not over for over, text in zip(above, texts, strict=False) if text)
    )


def _header_labels(rows: list[WorkRow], width: int) -> list[str]:
    """One label per column, the header rows' texts joined top-down ("Chia sẻ Mức độ")."""
    grid = [[row.cells[col].text if col < len(row.cells) else "" for col in range(width)] for row in rows]
    # the row numbering the columns labels nothing: "Chỉ tiêu", not "Chỉ tiêu B"
    grid = [texts for texts in grid if not _column_numbers(texts)] or grid
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
    labels = _header_labels([row for row in header_rows if not row.banner], columns)
    roles = roles_for_header(labels) if header_rows else [ColumnRole.OTHER] * columns
    number_col = _number_column(roles, rows)
    unit_col = roles.index(ColumnRole.UNIT) if ColumnRole.UNIT in roles else None
    unruled = all(not fragment.ruled or fragment.borderless for fragment in fragments)
    title_col = roles.index(ColumnRole.TITLE) if ColumnRole.TITLE in roles else None
    body = classify_rows(rows, number_col=number_col, title_col=title_col, unit_col=unit_col if unruled else None)

    pages = sorted({page for fragment in fragments for page in [fragment.page, *fragment.pages] if page is not None})
    table_rows = _table_rows([*header_rows, *body], lines_kept=_unit_columns(labels) if header_rows else set())
    if not header_rows:
        warnings.append(
            ExtractionWarning(
                code="table_without_header",
                message=f"Bảng {index}: không nhận ra hàng tiêu đề / table {index}: no header row recognised",
                provenance=Provenance(file=source, page=pages[0] if pages else None, table=index),
            )
        )
    table = Table(
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
    # Checked on the stitched table: a code's twin may be on another page.
    warnings.extend(duplicate_code_warnings(table, source))
    return table


def _stitch(fragments: list[RawTable], columns: int) -> tuple[list[WorkRow], list[WorkRow]]:
    """The header rows of the first fragment, and every fragment's other rows in order, padded to
    ``columns``, without the header repeated at the top of later pages or empty rows."""
    rows: list[WorkRow] = []
    header_rows: list[WorkRow] = []
    header_keys: list[tuple[str, ...]] = []
    for number, fragment in enumerate(fragments):
        work = _work_rows(fragment, columns)
        if number == 0:
            lead = _banner_count(work)
            count = lead + _header_count(work[lead:])
            header_rows = work[:count]
            for row in header_rows[:lead]:
                row.banner = True
            for row in header_rows:
                row.kind = RowKind.HEADER
            header_keys = [_row_key(row.cells) for row in header_rows]
            work = work[count:]
        else:
            while work and any(repeats(_row_key(work[0].cells), key) for key in header_keys):
                work.pop(0)  # the header repeated at the top of the next page
        work = [row for row in work if not row.is_empty() and not row.is_copy()]
        if work:
            work[0].after_break = number > 0 and fragment.after_break
        rows.extend(work)
    return header_rows, rows


def _work_rows(fragment: RawTable, columns: int) -> list[WorkRow]:
    return [
        WorkRow(
            cells=[WorkCell.of(cell, fragment.page) for cell in row]
            + [WorkCell(text="", page=fragment.page) for _ in range(columns - len(row))],
            page=fragment.page,
        )
        for row in fragment.rows
    ]


def _unit_columns(labels: list[str]) -> set[int]:
    """A task table's lead and partner columns: there a Word cell's paragraphs are units, one a line, and the task
    reader splits them at the breaks; every other cell's paragraphs are joined by one space, as printed."""
    columns = task_columns(labels)
    return {col for col in (columns.lead, columns.partner) if col is not None} if columns else set()


def _table_rows(rows: list[WorkRow], *, lines_kept: set[int]) -> list[TableRow]:
    table_rows: list[TableRow] = []
    for position, row in enumerate(rows):
        kept = lines_kept if row.kind is not RowKind.HEADER else set()
        cells = [
            Cell(
                text=cell.lines_kept() if col in kept else cell.text,
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


def _number_column(roles: list[ColumnRole], rows: list[WorkRow]) -> int | None:
    if ColumnRole.NUMBER in roles:
        return roles.index(ColumnRole.NUMBER)
    firsts = [row.cells[0].text for row in rows if row.cells and row.cells[0].text]
    if firsts and sum(1 for text in firsts if looks_like_row_number(text)) >= 0.6 * len(firsts):
        return 0
    return None


def _caption(items: Sequence[Item]) -> str:
    """The nearest heading paragraph above the table, not looking past the previous table."""
    for position, item in enumerate(reversed(items)):
        if isinstance(item, Table) or position >= 8:
            break
        if is_heading(item):
            return item.text
    return ""
