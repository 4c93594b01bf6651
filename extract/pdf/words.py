"""pdfplumber's word grouping, narrowed to the one setting the layout asks of PDFium pages.

``pdfplumber.utils.extract_words`` is generic: every character goes through a generator chain,
a lambda key, an ``itemgetter`` per comparison and a bounding box built with ``zip``; it was ~15 %
of a text PDF's CPU (session 17). :mod:`extract.pdf.layout` asks it for one setting only
(:data:`LAYOUT_SETTINGS`), for which this module does the same steps in plain loops: the same
lines (characters clustered by ``top`` within 3 pt, upright ones; by ``x0`` otherwise), the same
order within a line, the same word breaks and the same word dicts, key for key. Any other setting,
and a page with a coordinate that is not a number (NaN: pdfplumber's sorting and clustering of
those depend on object identity), go to pdfplumber itself. tests/test_speed_equivalence18.py
compares both on every text PDF page of the archive, the corpus and the real set.
"""

from __future__ import annotations

import itertools
from operator import itemgetter
from typing import Any

from pdfplumber.utils import extract_words as plumber_extract_words
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, LIGATURES

# What extract/pdf/layout.page_words asks for.
LAYOUT_SETTINGS: dict[str, Any] = {
    "x_tolerance_ratio": 0.2,
    "y_tolerance": 3,
    "keep_blank_chars": False,
    "use_text_flow": False,
    "return_chars": True,
}
_RATIO = 0.2
_Y_TOLERANCE = 3
# pdfplumber clusters rotated characters into lines by x0 with its default x tolerance (not the ratio).
_ROTATED_LINE_TOLERANCE = DEFAULT_X_TOLERANCE

Char = dict[str, Any]


def extract_words(chars: list[Char], **settings: Any) -> list[Char]:
    """``pdfplumber.utils.extract_words(chars, **settings)``, faster for :data:`LAYOUT_SETTINGS`."""
    if settings != LAYOUT_SETTINGS or not _numbers(chars):
        return list(plumber_extract_words(chars, **settings))
    words: list[Char] = []
    for _, group in itertools.groupby(chars, key=itemgetter("upright")):
        run = list(group)
        if run[0]["upright"]:
            for line in _lines(run, "top", _Y_TOLERANCE):
                line.sort(key=itemgetter("x0"))  # pdfplumber's key (x0, x0): the same stable order
                _words(line, words, "ltr")
        else:
            for line in _lines(run, "x0", _ROTATED_LINE_TOLERANCE):
                line.sort(key=_top_bottom)
                _words(line, words, "ttb")
    return words


def _numbers(chars: list[Char]) -> bool:
    """No NaN among the coordinates the grouping sorts and clusters by."""
    return all(ch["top"] == ch["top"] and ch["x0"] == ch["x0"] and ch["bottom"] == ch["bottom"] for ch in chars)


def _top_bottom(char: Char) -> tuple[Any, Any]:
    return char["top"], char["bottom"]


def _lines(run: list[Char], key: str, tolerance: float) -> list[list[Char]]:
    """pdfplumber's ``cluster_objects``: distinct values chained within ``tolerance`` of the previous
    one, characters kept in their order inside each cluster, clusters by increasing value."""
    values = [ch[key] for ch in run]
    distinct = sorted(set(values))
    cluster: dict[Any, int] = {}
    number = 0
    last = distinct[0]
    for value in distinct:
        if value > last + tolerance:
            number += 1
        cluster[value] = number
        last = value
    lines: list[list[Char]] = [[] for _ in range(number + 1)]
    for ch, value in zip(run, values, strict=True):
        lines[cluster[value]].append(ch)
    return lines


def _words(line: list[Char], out: list[Char], direction: str) -> None:
    """pdfplumber's word breaks along a line: a word ends at a blank, a step back, or a character too far
    from the previous one along the line or across it. Upright text ("ltr") reads along x (a gap over 0.2
    of the previous character's size) with ``top`` within 3 pt; rotated text ("ttb") along ``top`` (a
    gap over 3 pt) with ``x0`` within 0.2 of the size: pdfplumber's tolerances, swapped."""
    across = direction == "ltr"
    along, end, side = ("x0", "x1", "top") if across else ("top", "bottom", "x0")
    current: list[Char] = []
    for ch in line:
        text = ch["text"]
        if text.isspace():
            if current:
                out.append(_word(current, direction))
            current = []
        elif text == "":  # pdfplumber's split_at_punctuation="" holds the empty string: a word of its own
            if current:
                out.append(_word(current, direction))
            out.append(_word([ch], direction))
            current = []
        elif current:
            last = current[-1]
            at = ch[along]
            by_size = _RATIO * last["size"]
            if (
                at < last[along]
                or at > last[end] + (by_size if across else _Y_TOLERANCE)
                or abs(ch[side] - last[side]) > (_Y_TOLERANCE if across else by_size)
            ):
                out.append(_word(current, direction))
                current = [ch]
            else:
                current.append(ch)
        else:
            current = [ch]
    if current:
        out.append(_word(current, direction))


def _word(chars: list[Char], direction: str) -> Char:
    """pdfplumber's ``merge_chars`` with the characters added (``return_chars``)."""
    first = chars[0]
    if len(chars) == 1:
        x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    else:
        x0 = min([ch["x0"] for ch in chars])
        top = min([ch["top"] for ch in chars])
        x1 = max([ch["x1"] for ch in chars])
        bottom = max([ch["bottom"] for ch in chars])
    expand = LIGATURES.get
    return {
        "text": "".join([expand(ch["text"], ch["text"] or "") for ch in chars]),
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top + (first["doctop"] - first["top"]),
        "bottom": bottom,
        "upright": first["upright"],
        "height": bottom - top,
        "width": x1 - x0,
        "direction": direction,
        "chars": chars,
    }
