"""Which drawn shapes of a page are table rules, for both PDF backends.

A ruled-table finder that takes every path's outline as a rule reads cell shading as rows:
Word shades each paragraph of a header cell with its own filled rectangle (one per text line),
and many e-government templates paint white rectangles and white lines over the whole page.
Those outlines are not visible rules, and they cut a cell into one row per text line. A rule is:

* a stroked path in a colour that shows on paper (not white), or
* a thin filled rectangle (Word and Excel draw every border as a 0.5 pt black box): only its
  centre line counts, so the two long sides do not make two rules half a point apart.

A wide filled area (shading) or an invisible (white or transparent) shape is never a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# A filled shape no thicker than this (points) is a rule drawn as a rectangle.
RULE_THICKNESS = 2.5
# Colour components at least this light (0..1) are white paper, not ink.
_WHITE = 0.94


def near_white(color: Any) -> bool:
    """pdfplumber's colour (gray float, RGB or CMYK tuple, pattern name) or PDFium's 0..255 RGBA tuple."""
    if color is None:
        return False
    if isinstance(color, int | float):
        return float(color) >= _WHITE
    if isinstance(color, str) or not isinstance(color, Sequence) or not color:
        return False
    values = [float(value) for value in color if isinstance(value, int | float)]
    if len(values) != len(color):
        return False  # a pattern: assume ink
    if len(values) == 4 and max(values) > 1:  # PDFium RGBA 0..255
        return values[3] == 0 or min(values[:3]) >= _WHITE * 255
    if len(values) == 4:  # CMYK: white is no ink at all
        return max(values) <= 1 - _WHITE
    return min(values) >= _WHITE


def filled_rule(x0: float, top: float, x1: float, bottom: float) -> tuple[float, float, float, float] | None:
    """The centre line (x0, top, x1, bottom) of a thin filled rectangle, None for an area or a dot."""
    width, height = x1 - x0, bottom - top
    if min(width, height) > RULE_THICKNESS or max(width, height) <= RULE_THICKNESS:
        return None
    if width >= height:
        middle = (top + bottom) / 2
        return (x0, middle, x1, middle)
    centre = (x0 + x1) / 2
    return (centre, top, centre, bottom)


def plumber_rule_object(obj: dict[str, Any]) -> bool:
    """pdfplumber's ``Page.filter`` test: keep text and the shapes that may be rules."""
    kind = obj.get("object_type")
    if kind not in ("rect", "line", "curve"):
        return True
    if obj.get("stroke") and not near_white(obj.get("stroking_color")):
        return True
    if not obj.get("fill") or near_white(obj.get("non_stroking_color")):
        return False
    return kind == "rect" and min(float(obj["width"]), float(obj["height"])) <= RULE_THICKNESS
