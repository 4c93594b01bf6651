"""PDF pages read with PDFium: characters and ruling edges in pdfplumber's shapes, without pdfminer.

pdfminer (inside pdfplumber) parses content streams in pure Python and is ~80% of the reader's
time; PDFium does the same work in C. This module asks PDFium for what the layout and table code
consume — characters (text, box, font name, size) and the horizontal/vertical edges of drawn
paths — and hands them over as pdfplumber-style dicts, so pdfplumber's word grouping and its
ruled-table finder run unchanged on top (they are plain Python over those dicts, not pdfminer).

Geometry follows pdfminer's, which the layout thresholds were tuned on: ``top`` grows downwards
from the media box's top edge, a character's ``bottom`` is its baseline and ``top`` is one font
size above it, ``x0`` is its origin and ``x1`` the end of its advance.
"""

from __future__ import annotations

import ctypes
import math
import unicodedata
from collections.abc import Iterator
from typing import Any

import pypdfium2
import pypdfium2.raw as pdfium_c
from pdfplumber.table import Table, TableFinder, TableSettings

from extract.legacy.fonts import FontEncoding, convert_char, legacy_font_encoding
from extract.pdf.rules import closing_rules, filled_rule, near_white
from extract.pdf.words import extract_words

# Horizontal or vertical within this many points: a table rule, not a diagonal stroke.
_AXIS_TOLERANCE = 0.5
# Character angles (radians) this close to 0 or 2π count as upright text.
_UPRIGHT_TOLERANCE = 0.01
_FONT_NAME_BUFFER = 256
# The only characters PDFium generates (CPDF_TextPage: the space between words, "\r\n" between
# lines): FPDFText_IsGenerated is asked of these alone, not of every character (~9 % of the loop).
_GENERATED_CODES = frozenset((0x20, 0x0D, 0x0A))


class RotatedPageError(Exception):
    """A page with /Rotate: read by the pdfplumber backend, so both backends give the same blocks."""


class PdfiumDocument:
    """An open PDF; pages are built one at a time and must be closed by the caller."""

    def __init__(self, data: bytes) -> None:
        self._document = pypdfium2.PdfDocument(data)

    def __len__(self) -> int:
        return len(self._document)

    def page(self, index: int) -> PdfiumPage:
        page = self._document[index]
        if page.get_rotation() % 360:
            page.close()
            # PDFium reports the unrotated page's coordinates; pdfminer lays it out as displayed.
            raise RotatedPageError(index)
        return PdfiumPage(page)

    def close(self) -> None:
        self._document.close()


class PdfiumPage:
    """One page's characters and edges, read eagerly so the PDFium page can be released at once."""

    def __init__(self, page: pypdfium2.PdfPage) -> None:
        try:
            left, bottom, right, top = page.get_mediabox()
            self.width = float(right - left)
            self.height = float(top - bottom)
            self.bbox = (0.0, 0.0, self.width, self.height)
            self._left, self._top = float(left), float(top)
            text_page = page.get_textpage()
            try:
                self.chars = _chars(text_page, self._left, self._top)
            finally:
                text_page.close()
            self.edges, self.figures = _edges(page, self._left, self._top)
        finally:
            page.close()

    def extract_words(self, **settings: Any) -> list[dict[str, Any]]:
        return list(extract_words(self.chars, **settings))

    def find_tables(self, settings: dict[str, Any]) -> list[Table]:
        # TableFinder with the "lines" strategies reads only ``edges`` and ``bbox`` of the page.
        settings = {**settings, "explicit_horizontal_lines": closing_rules(self.edges)}
        finder = TableFinder(self, TableSettings.resolve(settings))  # type: ignore[arg-type]
        return list(finder.tables)

    def close(self) -> None:
        """Nothing left to release: PDFium's page and text page were closed when it was read."""


# ---------------------------------------------------------------- characters


def _by_address(function: Any, result: Any, *arguments: Any) -> Any:
    """A PDFium function declared with plain addresses (``c_void_p``) for its pointer arguments.

    Called once per character with pypdfium2's typed pointers, each call converted its arguments
    (~0.2-0.4 µs each, ~1 µs a character over the calls below); with addresses it passes them as they are.
    """
    return ctypes.CFUNCTYPE(result, *arguments)(ctypes.cast(function, ctypes.c_void_p).value or 0)


_INDEXED = (ctypes.c_void_p, ctypes.c_int)  # (text page, character index)
# FPDFText_GetTextObject returns a plain address: the cache key of the character's text object.
_text_object_address = _by_address(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, *_INDEXED)
_get_unicode = _by_address(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, *_INDEXED)
_is_generated = _by_address(pdfium_c.FPDFText_IsGenerated, ctypes.c_int, *_INDEXED)
_get_origin = _by_address(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int, *_INDEXED, ctypes.c_void_p, ctypes.c_void_p)
_get_loose_box = _by_address(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int, *_INDEXED, ctypes.c_void_p)


def _chars(text_page: pypdfium2.PdfTextPage, left: float, top: float) -> list[dict[str, Any]]:
    handle = text_page.raw
    address = ctypes.cast(handle, ctypes.c_void_p).value
    is_generated, get_unicode, get_origin, get_box = _is_generated, _get_unicode, _get_origin, _get_loose_box
    # One text object has one font, size and matrix: its characters share name, size, angle and legacy encoding.
    styles: dict[int, tuple[str, float, bool, FontEncoding | None]] = {}
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    x_address, y_address = ctypes.addressof(origin_x), ctypes.addressof(origin_y)
    box = pdfium_c.FS_RECTF()  # left, top, right, bottom
    box_address = ctypes.addressof(box)
    chars: list[dict[str, Any]] = []
    append, combining, text_object = chars.append, unicodedata.combining, _text_object_address
    for index in range(pdfium_c.FPDFText_CountChars(handle)):
        code = get_unicode(address, index)
        if code in _GENERATED_CODES and is_generated(address, index):
            continue  # line breaks and spaces PDFium inferred: not in the page's text
        if code == 0 or 0xD800 <= code <= 0xDFFF or code == 0xFFFE:
            continue
        text = chr(code)
        key = text_object(address, index) or 0
        style = styles.get(key)
        if style is None:
            style = styles[key] = _style(handle, index)
        fontname, size, upright, legacy = style
        if legacy is not None and (code >= 0x80 or legacy == "tcvn3_caps"):
            text = convert_char(text, legacy)  # a .VnTime text layer holds TCVN3 codes, not Unicode
        get_origin(address, index, x_address, y_address)
        get_box(address, index, box_address)
        right, box_left = box.right, box.left
        x0 = origin_x.value - left
        x1 = (box_left if box_left > right else right) - left  # max(right, left) to the bit, without the call
        if upright:
            char_bottom = top - origin_y.value  # the baseline, as pdfminer puts it
            char_top = char_bottom - size
        else:
            x0 = (right if right < box_left else box_left) - left  # min(left, right)
            box_top, box_bottom = box.top, box.bottom
            char_top = top - (box_bottom if box_bottom > box_top else box_top)  # max(top, bottom)
            char_bottom = top - (box_bottom if box_bottom < box_top else box_top)  # min(top, bottom)
        # No character below U+0300 combines: the lookup is skipped for ASCII and Latin-1 text.
        if code >= 0x300 and chars and combining(text) and _overlaps(chars[-1], x0, x1):
            # A combining mark stored as its own glyph: compose it onto its letter ("e" + "̂").
            previous = chars[-1]
            previous["text"] = unicodedata.normalize("NFC", previous["text"] + text)
            continue
        append(
            {
                "text": text,
                "x0": x0,
                "x1": x1,
                "top": char_top,
                "bottom": char_bottom,
                "doctop": char_top,
                "width": x1 - x0,
                "height": char_bottom - char_top,
                "size": size,
                "upright": upright,
                "fontname": fontname,
                "object_type": "char",
            }
        )
    return chars


def _style(handle: Any, index: int) -> tuple[str, float, bool, FontEncoding | None]:
    """The character's font name, size, whether it is upright, and the legacy encoding its font implies (a .VnTime
    text layer holds TCVN3 codes, not Unicode)."""
    buffer = ctypes.create_string_buffer(_FONT_NAME_BUFFER)
    flags = ctypes.c_int()
    length = pdfium_c.FPDFText_GetFontInfo(handle, index, buffer, _FONT_NAME_BUFFER, ctypes.byref(flags))
    name = buffer.raw[: max(0, length - 1)].decode("utf-8", "replace") if length else ""
    size = float(pdfium_c.FPDFText_GetFontSize(handle, index))
    angle = float(pdfium_c.FPDFText_GetCharAngle(handle, index))
    upright = angle < _UPRIGHT_TOLERANCE or angle > 2 * math.pi - _UPRIGHT_TOLERANCE
    return name, size, upright, legacy_font_encoding(name)


def _overlaps(previous: dict[str, Any], x0: float, x1: float) -> bool:
    return min(float(previous["x1"]), x1) - max(float(previous["x0"]), x0) > -0.5


# ---------------------------------------------------------------- edges of drawn paths


Box = tuple[float, float, float, float]


def _edges(page: pypdfium2.PdfPage, left: float, top: float) -> tuple[list[dict[str, Any]], list[Box]]:
    """Rules of the page (see :mod:`extract.pdf.rules`): visible strokes and thin filled boxes.

    Also the boxes of the page's drawings: visible paths with a curve or a slanted stroke (arrows,
    rounded boxes, connectors), which a table never has and a diagram always does.
    """
    edges: list[dict[str, Any]] = []
    figures: list[Box] = []
    for path, matrix in _paths(page.raw, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)):
        kind = _rule_kind(path)
        if kind is None:
            continue
        pieces: list[Box] = []
        drawing = False
        for (ax, ay), (bx, by), curved in _segments(path, matrix):
            x0, x1 = sorted((ax - left, bx - left))
            y0, y1 = sorted((top - ay, top - by))
            piece = (x0, x1, y0, y1)
            drawing = drawing or curved or min(piece[1] - piece[0], piece[3] - piece[2]) > _AXIS_TOLERANCE
            pieces.append(piece)
        if drawing and pieces:
            figures.append(_extent(pieces))
            continue
        if kind == "fill":
            if not pieces:
                continue
            rule = filled_rule(*_extent(pieces))
            if rule is None:
                continue  # shading, not a rule
            pieces = [(rule[0], rule[2], rule[1], rule[3])]
        for x0, x1, y0, y1 in pieces:
            if y1 - y0 <= _AXIS_TOLERANCE and x1 - x0 > 0:
                edges.append(_edge(x0, x1, (y0 + y1) / 2, (y0 + y1) / 2, "h"))
            elif x1 - x0 <= _AXIS_TOLERANCE and y1 - y0 > 0:
                edges.append(_edge((x0 + x1) / 2, (x0 + x1) / 2, y0, y1, "v"))
    return edges, figures


def _extent(pieces: list[Box]) -> Box:
    """(x0, top, x1, bottom) of pieces given as (x0, x1, top, bottom)."""
    return (min(p[0] for p in pieces), min(p[2] for p in pieces), max(p[1] for p in pieces), max(p[3] for p in pieces))


def _rule_kind(path: Any) -> str | None:
    """ "stroke" for a visible stroked path, "fill" for a filled-only one in ink, None when invisible."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(path, ctypes.byref(fill_mode), ctypes.byref(stroke)):
        return "stroke"
    rgba = [ctypes.c_uint() for _ in range(4)]
    refs = [ctypes.byref(value) for value in rgba]
    if stroke.value and pdfium_c.FPDFPageObj_GetStrokeColor(path, *refs):
        if not near_white(tuple(value.value for value in rgba)):
            return "stroke"
    elif stroke.value:
        return "stroke"
    if not fill_mode.value:
        return None
    if pdfium_c.FPDFPageObj_GetFillColor(path, *refs) and near_white(tuple(value.value for value in rgba)):
        return None
    return "fill"


def _edge(x0: float, x1: float, top: float, bottom: float, orientation: str) -> dict[str, Any]:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


Matrix = tuple[float, float, float, float, float, float]


def _paths(page_handle: Any, base: Matrix) -> Iterator[tuple[Any, Matrix]]:
    """Every path object of the page with its matrix to page space, form XObjects included."""
    count = pdfium_c.FPDFPage_CountObjects(page_handle)
    yield from _walk([pdfium_c.FPDFPage_GetObject(page_handle, i) for i in range(count)], base, 0)


def _walk(objects: list[Any], base: Matrix, depth: int) -> Iterator[tuple[Any, Matrix]]:
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield obj, _compose(_matrix(obj), base)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            inner = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(obj))]
            yield from _walk(inner, _compose(_matrix(obj), base), depth + 1)


def _matrix(obj: Any) -> Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix)):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer  # noqa: N806 - the usual names of an affine matrix's entries
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _segments(path: Any, matrix: Matrix) -> Iterator[tuple[tuple[float, float], tuple[float, float], bool]]:
    """Pieces of a path in page space, each with whether it is (part of) a Bézier curve."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    pen: tuple[float, float] | None = None
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        point = (x.value * a + y.value * c + e, x.value * b + y.value * d + f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = pen = point
            continue
        if pen is not None:
            yield pen, point, kind != pdfium_c.FPDF_SEGMENT_LINETO
        pen = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None and pen != start:
            yield pen, start, False
            pen = start
