"""Tables of contents ("MỤC LỤC"): recognised and kept out of the section tree.

A long plan or a technical annex may open with a table of contents: its lines repeat the
document's headings ("I. MỤC TIÊU ........ 3") with a page number at the end, set with dot leaders,
a tab, or as a two-column table. Read as running text they would open every section twice, so the
block is cut out of the logical lines (and, set as a table, handed back as such lines by the
stitcher) and the document gets a warning instead.

A block is a table of contents when it follows a "MỤC LỤC" title and its lines end with page
numbers (a wrapped entry may run over two lines without one), or, without the title, when at least
:data:`_MIN_UNTITLED` lines in a row end with a dot leader and a page number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.markup import fold
from extract.structure.numbering import Line

_TITLE = re.compile(r"^muc luc\s*:?$")
# The end of an entry: dot leaders (or an ellipsis, underscores) then the page number, or just the number.
_LEADER_END = re.compile(r"(?:\.{3,}|…+|_{3,}|·{3,}|(?:\.\s){3,})\s*\d{1,3}$")
_NUMBER_END = re.compile(r"\D\s+\d{1,3}$")
_MIN_UNTITLED = 3
_MAX_WRAPPED = 2  # lines of one entry before its page number


def is_contents_title(text: str) -> bool:
    return bool(_TITLE.match(fold(text).strip()))


def _entry_end(text: str, *, titled: bool) -> bool:
    return bool(_LEADER_END.search(text) or (titled and _NUMBER_END.search(text)))


def _block_end(lines: Sequence[Line], start: int, *, titled: bool) -> int:
    """Index past the last entry of a contents block whose first entry is at ``start``."""
    end = start
    index = start
    pending = 0
    while index < len(lines):
        if _entry_end(lines[index].text, titled=titled):
            end = index + 1
            pending = 0
        elif pending < _MAX_WRAPPED and not is_contents_title(lines[index].text):
            pending += 1
        else:
            break
        index += 1
    return end


def split_contents(lines: Sequence[Line]) -> tuple[list[Line], list[Line]]:
    """The lines without any table of contents, and the lines that were cut out."""
    kept: list[Line] = []
    cut: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if is_contents_title(line.text):
            end = _block_end(lines, index + 1, titled=True)
            if end > index + 1:
                cut.extend(lines[index:end])
                index = end
                continue
        elif _LEADER_END.search(line.text):
            end = _block_end(lines, index, titled=False)
            entries = sum(1 for entry in lines[index:end] if _LEADER_END.search(entry.text))
            if entries >= _MIN_UNTITLED:
                cut.extend(lines[index:end])
                index = end
                continue
        kept.append(line)
        index += 1
    return kept, cut
