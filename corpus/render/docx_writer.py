"""Write a parsed seed as a DOCX that looks like what a provincial office would send.

A4, Times New Roman 13 pt, the national header as a borderless two-column table, real Word
tables (repeating header row, merged cells, bold group rows), inline styles from the markup
residue. The ZIP is written with fixed timestamps so that the same seed gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from corpus.render.catalog import SeedSpec
from corpus.render.markup import MarkupState, Run, parse_runs, plain_text
from corpus.render.numbering import (
    ListState,
    add_outline_list,
    apply_numbering,
    automatic_label,
    is_section_end,
)
from corpus.render.seed import NationalHeader, SeedCell, SeedDocument, SeedRow, SeedTable

FONT_NAME = "Times New Roman"
BODY_SIZE = Pt(13)
TABLE_SIZE = Pt(12)
PAGE_WIDTH = Cm(21.0)
PAGE_HEIGHT = Cm(29.7)
MARGIN_LEFT = Cm(3.0)
MARGIN_RIGHT = Cm(2.0)
MARGIN_TOP_BOTTOM = Cm(2.0)
TEXT_WIDTH_CM = 21.0 - 3.0 - 2.0
MIN_COLUMN_CM = 1.0
CM_PER_CHAR = 0.21  # one 12 pt Times character, generously
CELL_PADDING_CM = 0.4
FIXED_TIME = datetime(2024, 1, 1, tzinfo=UTC)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)

_TITLE_KEYWORD = re.compile(r"^(KẾ HOẠCH|QUYẾT ĐỊNH:?|DANH MỤC|PHỤ LỤC)$")
_NOT_A_TITLE = re.compile(r"^(Căn cứ|Thực hiện|Theo đề nghị)")
_TITLE_FOLLOWERS = 3
_TITLE_MAX_CHARS = 100


def render_docx(document: SeedDocument, spec: SeedSpec, target: Path) -> None:
    docx = Document()
    _setup_page_and_styles(docx)
    _write_national_header(docx, document.header)
    _write_body(docx, document, spec)
    docx.core_properties.author = "danhmuc corpus renderer"
    docx.core_properties.last_modified_by = "danhmuc corpus renderer"
    docx.core_properties.created = FIXED_TIME
    docx.core_properties.modified = FIXED_TIME
    docx.core_properties.revision = 1
    buffer = io.BytesIO()
    docx.save(buffer)
    target.write_bytes(normalise_zip(buffer.getvalue()))


def normalise_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed member timestamps (python-docx stamps the wall clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as sink:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            sink.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --- page and styles ---------------------------------------------------------------------


def _setup_page_and_styles(docx: DocxDocument) -> None:
    section = docx.sections[0]
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.left_margin = MARGIN_LEFT
    section.right_margin = MARGIN_RIGHT
    section.top_margin = MARGIN_TOP_BOTTOM
    section.bottom_margin = MARGIN_TOP_BOTTOM
    normal = docx.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = BODY_SIZE
    r_pr = normal.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        r_pr.append(r_fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), FONT_NAME)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1


# --- national header ---------------------------------------------------------------------


def _write_national_header(docx: DocxDocument, header: NationalHeader) -> None:
    table = docx.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_borders(table, "nil")
    _set_column_widths(table, [6.5, TEXT_WIDTH_CM - 6.5 + 1.0])
    left, right = table.rows[0].cells
    for position, line in enumerate(header.issuer_lines):
        _cell_line(left, line, bold=position == len(header.issuer_lines) - 1, first=position == 0)
    if header.number_line:
        _cell_line(left, header.number_line, first=False, size=BODY_SIZE)
    _cell_line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, first=True, size=Pt(12))
    _cell_line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, first=False)
    if header.place_date_line:
        _cell_line(right, header.place_date_line, italic=True, first=False)
    docx.add_paragraph()


def _cell_line(
    cell: _Cell, text: str, *, first: bool, bold: bool = False, italic: bool = False, size: Pt | None = None
) -> None:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(2)
    run = paragraph.add_run(text)
    run.bold = bold
    run.italic = italic
    run.font.size = size or BODY_SIZE


# --- body ----------------------------------------------------------------------------------


def _write_body(docx: DocxDocument, document: SeedDocument, spec: SeedSpec) -> None:
    list_state: ListState | None = None
    in_numbered_section = False
    centre_left = 0
    state = MarkupState()
    for block in document.blocks:
        if isinstance(block, SeedTable):
            _write_table(docx, block)
            state = MarkupState()
            continue
        if block.group_start:
            state = MarkupState()
        text = block.text
        plain = plain_text(text).strip()
        if spec.auto_numbered_section is not None:
            if plain == spec.auto_numbered_section:
                in_numbered_section = True
                list_state = ListState(num_id=add_outline_list(docx))
            elif in_numbered_section and is_section_end(plain):
                in_numbered_section = False
        numbered: tuple[int, str] | None = None
        if in_numbered_section and list_state is not None:
            numbered = automatic_label(text.strip(), list_state)
            if numbered is not None:
                text = numbered[1]
        paragraph = docx.add_paragraph()
        _add_runs(paragraph, parse_runs(text.strip(), state), bold=block.heading)
        if numbered is not None and list_state is not None:
            apply_numbering(paragraph, list_state.num_id, numbered[0])
        elif block.indent:
            paragraph.paragraph_format.left_indent = Cm(0.75)
        if _TITLE_KEYWORD.match(plain):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _bold_all(paragraph)
            centre_left = 0 if plain.endswith(":") else _TITLE_FOLLOWERS
        elif centre_left and not _NOT_A_TITLE.match(plain) and len(plain) <= _TITLE_MAX_CHARS:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            centre_left -= 1
        else:
            centre_left = 0
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _add_runs(
    paragraph: Paragraph, runs: Sequence[Run], *, bold: bool = False, size: Pt | None = None
) -> None:
    for item in runs:
        run = paragraph.add_run(item.text)
        run.bold = item.bold or bold or None
        run.italic = item.italic or None
        if item.superscript:
            run.font.superscript = True
        if item.subscript:
            run.font.subscript = True
        if size is not None:
            run.font.size = size


def _bold_all(paragraph: Paragraph) -> None:
    for run in paragraph.runs:
        run.bold = True


# --- tables --------------------------------------------------------------------------------


def _write_table(docx: DocxDocument, seed: SeedTable) -> None:
    width = seed.column_count
    table = docx.add_table(rows=len(seed.rows), cols=width)
    table.style = docx.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_borders(table, "single")
    _set_column_widths(table, _column_widths(seed))
    for row_index, seed_row in enumerate(seed.rows):
        cells = table.rows[row_index].cells
        for col, seed_cell in enumerate(seed_row.cells[:width]):
            if seed_row.kind == "group" and col >= 2:
                continue
            _fill_cell(cells[col], seed_cell, seed_row, col)
    _mark_header_row(table)
    _merge_group_rows(table, seed)
    _merge_inherited_cells(table, seed)
    docx.add_paragraph()


def _fill_cell(cell: _Cell, seed_cell: SeedCell, seed_row: SeedRow, col: int) -> None:
    bold = seed_row.kind in ("header", "group")
    centred = seed_row.kind == "header" or col == 0
    state = MarkupState()
    for position, line in enumerate(seed_cell.lines or [""]):
        paragraph = cell.paragraphs[0] if position == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = 1.0
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
        _add_runs(paragraph, parse_runs(line, state), bold=bold, size=TABLE_SIZE)


def _mark_header_row(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _merge_group_rows(table: Table, seed: SeedTable) -> None:
    last = seed.column_count - 1
    for row_index, seed_row in enumerate(seed.rows):
        if seed_row.kind == "group" and last > 1:
            cells = table.rows[row_index].cells
            cells[1].merge(cells[last])


def _merge_inherited_cells(table: Table, seed: SeedTable) -> None:
    """Vertically merge blank cells into the filled cell above them.

    In a one-cell-per-line table (Hà Tĩnh) every blank cell inherits the value above; in a
    tab table only the cells of a sub-row do (Hưng Yên 124: TT and title span the sub-rows).
    """
    for col in range(seed.column_count):
        row_index = 1
        while row_index < len(seed.rows):
            if not _inherits(seed, row_index, col):
                row_index += 1
                continue
            top = row_index - 1
            end = row_index
            while end + 1 < len(seed.rows) and _inherits(seed, end + 1, col):
                end += 1
            if seed.rows[top].kind in ("data", "subrow") and not seed.rows[top].cells[col].is_blank:
                table.cell(top, col).merge(table.cell(end, col))
            row_index = end + 1


def _inherits(seed: SeedTable, row_index: int, col: int) -> bool:
    row = seed.rows[row_index]
    if not row.cells[col].is_blank:
        return False
    if row.kind == "subrow":
        return True
    return seed.merge_blank_cells and row.kind == "data"


def _column_widths(seed: SeedTable) -> list[float]:
    """Column widths (cm): wide enough for the longest word, the rest shared by text volume."""
    floors: list[float] = []
    weights: list[float] = []
    for col in range(seed.column_count):
        texts = [plain_text(" ".join(row.cells[col].lines)) for row in seed.rows]
        longest_word = max((len(word) for text in texts for word in text.split()), default=2)
        floors.append(max(MIN_COLUMN_CM, CM_PER_CHAR * longest_word + CELL_PADDING_CM))
        data = [
            len(text) for text, row in zip(texts, seed.rows, strict=True) if row.kind in ("data", "subrow")
        ]
        average = sum(data) / len(data) if data else 0.0
        weights.append(max(average, 1.0) ** 0.7)
    spare = max(0.0, TEXT_WIDTH_CM - sum(floors))
    total = sum(weights)
    return [floor + spare * weight / total for floor, weight in zip(floors, weights, strict=True)]


def _set_column_widths(table: Table, widths_cm: Sequence[float]) -> None:
    table.autofit = False  # writes <w:tblLayout w:type="fixed"/>, which LibreOffice honours
    for col, width in zip(table.columns, widths_cm, strict=True):
        col.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _set_borders(table: Table, value: str) -> None:
    size = ' w:sz="4" w:space="0" w:color="000000"' if value == "single" else ""
    edges = "".join(
        f'<w:{edge} w:val="{value}"{size}/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    tbl_pr = table._tbl.tblPr
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    borders = parse_xml(f"<w:tblBorders {nsdecls('w')}>{edges}</w:tblBorders>")
    # Schema order matters to Word: tblBorders goes before these siblings.
    for successor in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        anchor = tbl_pr.find(qn(successor))
        if anchor is not None:
            anchor.addprevious(borders)
            return
    tbl_pr.append(borders)
