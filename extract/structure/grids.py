"""Grids that are not tables: running text caught in a grid, and a table of contents set as a table.

Readers of every format hand over grids that hold no data: a box drawn around a paragraph, a
diagram's boxes, a one-column layout read as two columns (PDF); a borderless grid laid out around
prose (DOCX, Markdown). Most of their rows carry one piece of prose spread over every column. A
table of contents set as a table has page numbers in its last column under "MỤC LỤC". Both go back
to paragraphs, row by row; the contents lines are then cut out with the rest of the table of
contents (:mod:`extract.structure.contents`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.blocks import Paragraph, RawCell, RawTable
from extract.markup import collapse
from extract.model import Table
from extract.structure.columns import looks_like_row_number
from extract.structure.contents import is_contents_title
from extract.structure.continuation import looks_like_labels
from extract.structure.numbering import parse_label

Item = Paragraph | Table

_PROSE_MIN_WORDS = 8  # a row of running text, not a label or a value
_PROSE_SHARE = 0.6
_PROSE_CELL_WORDS = 15  # a borderless grid whose cells average this many words holds paragraphs


def _distinct(row: Sequence[RawCell]) -> list[str]:
    return list(dict.fromkeys(collapse(cell.text) for cell in row if cell.text.strip()))


def is_prose_grid(table: RawTable) -> bool:
    """Running text caught in a grid: most rows hold one piece of prose spread over every column.

    A box drawn around a paragraph, or a one-column layout read as a grid, gives rows whose cells
    repeat one line of text; a real table's group rows ("I | LĨNH VỰC ...") are a minority and short.
    A grid without lines (borderless DOCX, text laid out with spaces) whose cells are paragraphs
    and whose rows are not numbered is layout as well.
    """
    rows = [row for row in table.rows if any(cell.text.strip() for cell in row)]
    if not rows or looks_like_labels(rows[0]) and len(_distinct(rows[0])) > 1:
        return False
    single = [texts[0] for texts in map(_distinct, rows) if len(texts) == 1]
    if len(single) >= _PROSE_SHARE * len(rows):
        return sum(len(text.split()) for text in single) / len(single) >= _PROSE_MIN_WORDS
    if table.ruled and not table.borderless:
        return False
    # a grid without lines laid out around paragraphs: long text in every cell, nothing numbered
    numbered = sum(1 for row in rows if looks_like_row_number(row[0].text))
    cells = [text for row in rows for text in _distinct(row)]
    return numbered < 2 and sum(len(text.split()) for text in cells) / len(cells) >= _PROSE_CELL_WORDS


_PAGE_NUMBER = re.compile(r"^\d{1,3}$")


def is_contents_table(table: RawTable, items: Sequence[Item]) -> bool:
    """A table of contents set as a table: entries with page numbers in the last column, under "MỤC LỤC"."""
    rows = [row for row in table.rows if any(cell.text.strip() for cell in row)]
    titled = bool(rows) and is_contents_title(" ".join(_distinct(rows[0])))
    previous = next((item for item in reversed(items) if not isinstance(item, Paragraph) or item.text.strip()), None)
    if not titled and not (isinstance(previous, Paragraph) and is_contents_title(previous.text)):
        return False
    entries = rows[1:] if titled else rows
    numbered = sum(1 for row in entries if _PAGE_NUMBER.match(collapse(row[-1].text)))
    return bool(entries) and numbered >= 0.6 * len(entries)


def prose_paragraphs(table: RawTable) -> list[Paragraph]:
    """Row by row; a row that starts in lower case without a label is the wrapped tail of the one above."""
    paragraphs: list[Paragraph] = []
    for row in table.rows:
        text = " ".join(_distinct(row))
        if not text:
            continue
        page = next((cell.page for cell in row if cell.page is not None), table.page)
        if paragraphs and text[0].islower() and parse_label(text) is None and paragraphs[-1].page == page:
            previous = paragraphs[-1]
            paragraphs[-1] = Paragraph(text=f"{previous.text} {text}", page=page, line=previous.line)
            continue
        paragraphs.append(Paragraph(text=text, page=page, line=table.line))
    return paragraphs
