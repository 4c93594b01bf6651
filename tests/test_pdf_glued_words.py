"""Words a PDF glued for want of a space character are cut at the gap (session-13 trial, docs/realdocs-trial.md)."""

from __future__ import annotations

from typing import Any

from extract.pdf.layout import _unglued


def _chars(spec: list[tuple[str, float]], size: float = 14.0) -> list[dict[str, Any]]:
    """Characters of one line: (text, gap before it in em); each letter 0.5 em wide."""
    chars, x = [], 100.0
    for text, gap in spec:
        x += gap * size
        chars.append({"text": text, "x0": x, "x1": x + 0.5 * size, "size": size})
        x += 0.5 * size
    return chars


def test_a_missing_space_is_cut_and_letter_spacing_is_not() -> None:
    # QĐ 2093/QĐ-BYT (2025): "công bố thủtục" — "ủ" to "t" 0.19 em, letters of a word -0.03 to 0 em.
    glued = _chars([("t", 0), ("h", -0.03), ("ủ", -0.03), ("t", 0.19), ("ụ", -0.03), ("c", -0.03)])
    item = {"text": "thủtục", "x0": glued[0]["x0"], "x1": glued[-1]["x1"], "top": 0.0, "bottom": 14.0}
    assert [piece["text"] for piece, _ in _unglued(item, glued)] == ["thủ", "tục"]
    # "SởY" (Sở Y tế): one cut of two boundaries.
    short = _chars([("S", 0), ("ở", -0.02), ("Y", 0.18)])
    assert [piece["text"] for piece, _ in _unglued({"text": "SởY"}, short)] == ["Sở", "Y"]
    # A heading set expanded: the same gap after every letter.
    spaced = _chars([("K", 0), ("Ế", 0.15), ("H", 0.15), ("O", 0.15), ("Ạ", 0.15), ("C", 0.15), ("H", 0.15)])
    assert len(_unglued({"text": "KẾHOẠCH"}, spaced)) == 1
