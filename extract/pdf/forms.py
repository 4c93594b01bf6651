"""Values an e-signature system stamps onto a PDF: the số hiệu and date drawn by annotations, not page text.

A document signed in a provincial e-office system is typed with a blank "Số: /KH-UBND" and
"ngày … tháng … năm 2024"; at signing, the system adds signature widgets (or FreeText
annotations) whose appearance streams draw "3070" over the blank number and "09" over the blank
day. A reader sees the filled header; the page's text layer does not contain it. PDFium can
flatten a page (merge the annotations' appearances into its content): the characters that
appear only after flattening are the stamped values, with their positions. Each value is handed
over with the page line it lies on, re-read with the value merged in ("Số: 3070/KH-UBND"), so
the metadata pass parses it with its ordinary header patterns and never guesses what it means.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from statistics import median

import pypdfium2
import pypdfium2.raw as pdfium_c

from extract.blocks import Stamp

_LOG = logging.getLogger(__name__)

# Annotation kinds whose appearance can carry a stamped value; links, notes and highlights cannot.
_VALUE_SUBTYPES = frozenset({pdfium_c.FPDF_ANNOT_WIDGET, pdfium_c.FPDF_ANNOT_FREETEXT, pdfium_c.FPDF_ANNOT_STAMP})
# Stamps are read on the first pages only: the header is on page 1, a signature block on the last
# page; a 168-page document is not flattened page by page.
_MAX_PAGES_READ = 4
# Two characters on one printed line overlap vertically by at least this share of the smaller one.
_SAME_LINE_OVERLAP = 0.5
# A horizontal gap wider than this share of the character height is a word space.
_SPACE_FACTOR = 0.18
# ... and one wider than this many character heights separates the columns of the national header.
_COLUMN_GAP_FACTOR = 2.0


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    def key(self) -> tuple[str, float, float]:
        return (self.text, round(self.x0, 1), round(self.top, 1))


def read_stamped_values(data: bytes, *, first_pages: int = _MAX_PAGES_READ) -> list[Stamp]:
    """Every line of annotation-drawn text on the first pages and the last page; [] when none or unreadable."""
    values: list[Stamp] = []
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as exc:  # the page reader reports a broken file; stamps are only a bonus
        _LOG.debug("stamped values: cannot open PDF: %s", exc)
        return []
    try:
        count = len(document)
        indexes = sorted(set(range(min(count, first_pages))) | ({count - 1} if count else set()))
        for index in indexes:
            try:
                values.extend(_page_values(document, index))
            except Exception as exc:  # one odd annotation must not lose the others
                _LOG.debug("stamped values: page %d: %s", index + 1, exc)
    finally:
        document.close()
    return values


def _page_values(document: pypdfium2.PdfDocument, index: int) -> list[Stamp]:
    flattened = _flattened(document, index)
    if flattened is None:
        return []
    rects, before, after = flattened
    groups = _by_annotation(_stamped_chars(before, after), rects)
    page_chars = [char for char in after if char.text.strip()]
    return [
        Stamp(
            page=index + 1,
            text=_join(line),
            line=_join(_column(page_chars, line)),
            x0=min(char.x0 for char in line),
            top=min(char.top for char in line),
            x1=max(char.x1 for char in line),
            bottom=max(char.bottom for char in line),
        )
        for group in groups
        for line in _lines(group)
    ]


def _flattened(
    document: pypdfium2.PdfDocument, index: int
) -> tuple[list[tuple[float, float, float, float]], list[_Char], list[_Char]] | None:
    """The page's value annotations' rects and its characters before and after flattening; None when
    it has no such annotation or cannot be flattened."""
    page = document[index]
    try:
        height = float(page.get_mediabox()[3])
        rects = _value_rects(page, height)
        if not rects:
            return None
        before = _chars(page, height)
        if pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) != pdfium_c.FLATTEN_SUCCESS:
            return None
    finally:
        page.close()
    # Flattening rewrites the page's content; the text page must be rebuilt from a fresh handle.
    page = document[index]
    try:
        after = _chars(page, height)
    finally:
        page.close()
    return rects, before, after


def _stamped_chars(before: list[_Char], after: list[_Char]) -> list[_Char]:
    """The visible characters that appear only after flattening: the annotations drew them."""
    remaining = Counter(char.key() for char in before)
    stamped: list[_Char] = []
    for char in after:
        if remaining[char.key()] > 0:
            remaining[char.key()] -= 1
        elif char.text.strip():
            stamped.append(char)
    return stamped


def _by_annotation(stamped: list[_Char], rects: list[tuple[float, float, float, float]]) -> list[list[_Char]]:
    """One annotation's characters together: the number's widget and the date's lie on one line."""
    groups: list[list[_Char]] = [[] for _ in rects]
    for char in stamped:
        middle_x, middle_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
        owner = next(
            (k for k, (x0, top, x1, bottom) in enumerate(rects) if x0 <= middle_x <= x1 and top <= middle_y <= bottom),
            None,
        )
        if owner is not None:
            groups[owner].append(char)
    return groups


def _value_rects(page: pypdfium2.PdfPage, height: float) -> list[tuple[float, float, float, float]]:
    """(x0, top, x1, bottom) of each annotation that can draw a value, in top-down coordinates."""
    rects: list[tuple[float, float, float, float]] = []
    for position in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annotation = pdfium_c.FPDFPage_GetAnnot(page, position)
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annotation) not in _VALUE_SUBTYPES:
                continue
            rect = pdfium_c.FS_RECTF()
            if pdfium_c.FPDFAnnot_GetRect(annotation, rect):
                rects.append((rect.left, height - rect.top, rect.right, height - rect.bottom))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annotation)
    return rects


def _column(page_chars: list[_Char], value: list[_Char]) -> list[_Char]:
    """The run of the value's page line, between column gaps, that holds the value."""
    top, bottom = min(c.top for c in value), max(c.bottom for c in value)
    left, right = min(c.x0 for c in value), max(c.x1 for c in value)
    line = sorted((char for char in page_chars if _overlap(char, top, bottom)), key=lambda c: c.x0)
    runs: list[list[_Char]] = []
    for char in line:
        size = max(char.bottom - char.top, 1.0)
        if runs and char.x0 - runs[-1][-1].x1 <= _COLUMN_GAP_FACTOR * size:
            runs[-1].append(char)
        else:
            runs.append([char])
    return [char for run in runs if run[0].x0 <= right and run[-1].x1 >= left for char in run]


def _chars(page: pypdfium2.PdfPage, height: float) -> list[_Char]:
    text_page = page.get_textpage()
    try:
        out: list[_Char] = []
        for position in range(text_page.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(text_page, position)
            if code in (0, 0xFFFE, 0xFFFF) or pdfium_c.FPDFText_IsGenerated(text_page, position) == 1:
                continue
            # Loose boxes (the font's ascent to descent): "g" and "1" line up with their neighbours.
            left, bottom, right, top = text_page.get_charbox(position, loose=True)
            out.append(_Char(chr(code), float(left), height - float(top), float(right), height - float(bottom)))
        return out
    finally:
        text_page.close()


def _overlap(a: _Char, top: float, bottom: float) -> bool:
    shared = min(a.bottom, bottom) - max(a.top, top)
    smaller = min(a.bottom - a.top, bottom - top)
    return smaller > 0 and shared >= _SAME_LINE_OVERLAP * smaller


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """The characters by printed line. A character joins a line by the band most of the line's characters share
    (their median top and bottom), not by the line's whole extent: overlapping stamps (the signature caption's
    "Cơ quan: …" and "Thời gian ký: …" under the taller "TRUNG TÂM CÔNG BÁO") would otherwise chain two lines
    into one and interleave their letters ("CThơờqiugainan: Tkỉýn:h…", QĐ 47/QĐ-UBND Quảng Ngãi 2025)."""
    lines: list[list[_Char]] = []
    for char in sorted(chars, key=lambda c: (c.top, c.x0)):
        for line in lines:
            if _overlap(char, median(c.top for c in line), median(c.bottom for c in line)):
                line.append(char)
                break
        else:
            lines.append([char])
    return lines


def _join(chars: list[_Char]) -> str:
    out: list[str] = []
    previous: _Char | None = None
    for char in sorted(chars, key=lambda c: c.x0):
        if previous is not None:
            size = max(previous.bottom - previous.top, char.bottom - char.top, 1.0)
            if char.x0 - previous.x1 > _SPACE_FACTOR * size:
                out.append(" ")
        out.append(char.text)
        previous = char
    return "".join(out).strip()
