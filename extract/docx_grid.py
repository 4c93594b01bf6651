"""The grid of a Word table: a cell's spans, the cells of a row (content controls included), rows squared.

Split from :mod:`extract.docx_reader` (which reads the cells' text) when the reader passed 600 lines.
"""

from __future__ import annotations

from lxml import etree

from extract.blocks import RawCell
from extract.docx_numbering import W, w_val

_TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = f"{W}tc", f"{W}sdt", f"{W}sdtContent", f"{W}customXml"
_GRID_SPAN, _VMERGE = f"{W}gridSpan", f"{W}vMerge"


def cell_span(tcpr: etree._Element | None) -> tuple[int, etree._Element | None]:
    """A cell's column span (at least 1) and its vMerge element, if any."""
    if tcpr is None:
        return 1, None
    span = vmerge = None
    for child in tcpr:
        if child.tag == _GRID_SPAN:
            span = child if span is None else span
        elif child.tag == _VMERGE and vmerge is None:
            vmerge = child
    return max(1, int_value(w_val(span))), vmerge


def squared(grid: list[list[RawCell]], span_rows: dict[tuple[int, int], int]) -> list[list[RawCell]]:
    """Rows padded to the widest one, each vMerge restart cell given its row span."""
    width = max((len(row) for row in grid), default=0)
    return [
        [
            with_row_span(cell, span_rows.get((r, c), 1)) if not cell.inherited else cell
            for c, cell in enumerate(row + [RawCell("")] * (width - len(row)))
        ]
        for r, row in enumerate(grid)
    ]


def first_child(element: etree._Element | None, tag: str) -> etree._Element | None:
    """The first child with ``tag``; a plain loop, since a tag-filtered iterchildren builds a matcher per call."""
    if element is None:
        return None
    for child in element:
        if child.tag == tag:
            return child
    return None


def row_cells(tr: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for child in tr.iterchildren():
        tag = child.tag
        if tag == _TC:
            cells.append(child)
        elif tag == _SDT or tag == _CUSTOM_XML:
            content = first_child(child, _SDT_CONTENT) if tag == _SDT else child
            if content is not None:
                cells.extend(content.iterchildren(_TC))
    return cells


def with_row_span(cell: RawCell, row_span: int) -> RawCell:
    if row_span == 1:
        return cell
    return RawCell(cell.text, row_span=row_span, col_span=cell.col_span, page=cell.page, paragraphs=cell.paragraphs)


def int_value(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0
