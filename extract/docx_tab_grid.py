"""A list set as tab-separated lines inside one box (a Word frame, read by LibreOffice as a one-column table).

Old .doc files lay a list out with tab stops instead of a table: "STT⇥Họ và tên⇥Ngày sinh⇥Nơi sinh⇥Điểm", then one
line per person (a grade list of 2012, hpbaotho/04-quanly-vanban-quanhuyen's D3_KT1.doc). The frame reaches the DOCX
reader as a table of one column whose cell holds every line, so the list's columns were lost and the one-column
grid, a box of prose, gave neither a table nor its rows. Here the tab-separated lines become the table's rows when
their columns are regular; the lines around them stay paragraphs. A line with fewer fields than the others is kept
as a row padded on the right, and a line set with spaces instead of tabs stays a paragraph: both with a warning,
since which column a value belongs to is then a guess.
"""

from __future__ import annotations

from collections import Counter

from extract.blocks import Block, Paragraph, RawCell, RawTable

TAB = "\t"
# A list: a header and two rows at least, in two columns or more.
_MIN_LINES = 3
_MIN_FIELDS = 2
# The columns are regular when this share of the tab-separated lines has the same number of fields, none more.
_REGULAR_SHARE = 0.8


def fields_of(line: str) -> list[str]:
    """A tab-separated line's fields, without the empty ones a leading indent or trailing tabs make."""
    fields = [field.strip() for field in line.split(TAB)]
    while fields and not fields[0]:
        fields.pop(0)
    while fields and not fields[-1]:
        fields.pop()
    return fields


def tab_grid_blocks(lines: list[str], index: int, warnings: list[tuple[str, str, int | None]]) -> list[Block] | None:
    """The box's lines as paragraphs and one table, or None when they hold no regular tab-separated list.

    ``lines`` are the box's printed lines in reading order, fields separated by tabs, ``index`` the body element.
    """
    tabbed = [position for position, line in enumerate(lines) if len(fields_of(line)) >= _MIN_FIELDS]
    if len(tabbed) < _MIN_LINES:
        return None
    first, last = tabbed[0], tabbed[-1]
    block = [fields_of(line) for line in lines[first : last + 1] if line.strip()]
    counts = Counter(len(fields) for fields in block)
    width, regular = counts.most_common(1)[0]
    if width < _MIN_FIELDS or regular < _MIN_LINES or regular < _REGULAR_SHARE * len(block) or max(counts) > width:
        return None
    short = [fields for fields in block if len(fields) < width]
    if short:
        shown = "; ".join(" | ".join(fields) for fields in short[:3])
        warnings.append(
            (
                "tab_table_row_short",
                f"Danh sách đặt bằng tab: {len(short)} dòng ít cột hơn ({width} cột), "
                f"đã thêm ô trống bên phải, cần kiểm tra: «{shown}» / a list set with tabs: {len(short)} lines "
                f"have fewer fields than its {width} columns, padded with blanks on the right; please check",
                None,
            )
        )
    rows = [[RawCell(field) for field in fields] + [RawCell("")] * (width - len(fields)) for fields in block]
    before = [_paragraph(line, index) for line in lines[:first] if line.strip()]
    after = [_paragraph(line, index) for line in lines[last + 1 :] if line.strip()]
    if after:
        warnings.append(
            (
                "tab_table_tail_unread",
                f"{len(after)} dòng sau danh sách đặt bằng tab không dùng tab (dấu cách), giữ là đoạn văn: "
                f"«{after[0].text[:60]}» / {len(after)} lines after a list set with tabs are set with spaces, "
                "kept as paragraphs",
                None,
            )
        )
    table = RawTable(rows=rows, page=None, line=index, ruled=False, borderless=True)
    return [*before, table, *after]


def _paragraph(line: str, index: int) -> Paragraph:
    return Paragraph(text=" ".join(line.split()), line=index)
