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


def closing_rules(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal rules a table needs but does not draw: the open top or bottom of a page's part.

    Word leaves the top border off a table continued on a new page (it belongs to the row
    above, printed on the previous page) and the bottom border off a row that runs on to the
    next page, so the page's first or last row is open and a rule-based finder loses it. Where
    three or more vertical rules start (or end) at the same height and no horizontal rule runs
    there, and none of them runs on past it (Word draws a column's rule row by row, so inside a
    table a merged cell's row also starts rules without a horizontal one), the missing rule is
    drawn from the first to the last of them.
    """
    verticals = [edge for edge in edges if edge["orientation"] == "v"]
    horizontals = [edge for edge in edges if edge["orientation"] == "h"]
    added: list[dict[str, Any]] = []
    for key in ("top", "bottom"):
        for group in _clusters(verticals, key):
            xs = sorted({round(float(edge["x0"]), 1) for edge in group})
            if len(xs) < 3:
                continue
            y = sum(float(edge[key]) for edge in group) / len(group)
            x0, x1 = xs[0], xs[-1]
            other_end = "bottom" if key == "top" else "top"
            continued = {
                round(float(edge["x0"]), 1)
                for edge in verticals
                if abs(float(edge[other_end]) - y) <= _CLOSE_GAP + 1 and x0 - 1 <= float(edge["x0"]) <= x1 + 1
            }
            if continued:
                continue  # the rules run on through a merged cell's row: not an open end
            covered = sum(
                max(0.0, min(x1, float(edge["x1"])) - max(x0, float(edge["x0"])))
                for edge in horizontals
                if abs(float(edge["top"]) - y) <= _CLOSE_GAP
            )
            if covered < 0.5 * (x1 - x0):
                added.append(
                    {"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0}
                )
    return added


def _clusters(edges: Sequence[dict[str, Any]], key: str) -> list[list[dict[str, Any]]]:
    """Edges whose ``key`` coordinate lies within a point of the previous one's, in order."""
    ordered = sorted(edges, key=lambda edge: float(edge[key]))
    groups: list[list[dict[str, Any]]] = []
    for edge in ordered:
        if groups and float(edge[key]) - float(groups[-1][-1][key]) <= 1.0:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    return groups


# A horizontal rule this close (points) to where vertical rules end closes them.
_CLOSE_GAP = 3.0


def plumber_figures(page: Any) -> list[tuple[float, float, float, float]]:
    """Boxes of a pdfplumber page's drawings: visible curves and slanted lines (see the PDFium page)."""
    boxes: list[tuple[float, float, float, float]] = []
    for obj in [*page.curves, *page.lines]:
        stroked = obj.get("stroke") and not near_white(obj.get("stroking_color"))
        if not stroked and not (obj.get("fill") and not near_white(obj.get("non_stroking_color"))):
            continue  # invisible
        points = obj.get("pts") or []
        commands = obj.get("path") or []
        curved = any(command[0] == "c" for command in commands)
        slanted = any(
            abs(x1 - x0) > 0.5 and abs(y1 - y0) > 0.5 for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False)
        )
        if curved or slanted:
            boxes.append((float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"])))
    return boxes
