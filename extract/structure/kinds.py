"""The kinds of document a kind line names, and a kind line an OCR misread ("KÉẺ HOẠCH").

Shared by metadata (the document's own kind line) and sections (the kind line of a plan attached after the signature).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from extract.structure.numbering import Line

DOCUMENT_KINDS = (
    "KẾ HOẠCH",
    "QUYẾT ĐỊNH",
    "NGHỊ QUYẾT",
    "NGHỊ ĐỊNH",
    "CHỈ THỊ",
    "THÔNG BÁO",
    "THÔNG TƯ",
    "BÁO CÁO",
    "TỜ TRÌNH",
    "CÔNG VĂN",
    "CÔNG ĐIỆN",
    "CHƯƠNG TRÌNH",
    "ĐỀ ÁN",
    "HƯỚNG DẪN",
    "QUY CHẾ",
    "QUY ĐỊNH",
    "PHƯƠNG ÁN",
    "LUẬT",
    "PHỤ LỤC",
)


# A kind line an OCR misread by a letter or two ("KÉẺ HOẠCH", KH 996/KH-TCTLNTW-C04 2026, a received stamp beside
# it): in capitals, on an OCR page, alone or before its title. Kinds of 8 letters or more may be two edits off,
# of 6–7 one; shorter ones (LUẬT) and the kinds not read from a kind line (CÔNG VĂN, PHỤ LỤC) never.
_NEAR_KIND_EDITS = ((8, 2), (6, 1))
# Kinds read from elsewhere than a kind line (a letter's "V/v" line, an annex heading that may print "DANH MỤC").
KINDS_NOT_ON_A_KIND_LINE = frozenset({"CÔNG VĂN", "PHỤ LỤC"})


def near_kinds(text: str) -> list[tuple[int, str, str]]:
    """(edits, kind, the rest of the line) for each kind that a line in capitals opens with, misread by an OCR slip
    of at most the edits `_NEAR_KIND_EDITS` allows for the kind's length; none for an exact kind or lower case."""
    if text != text.upper():
        return []
    words = text.split()
    found: list[tuple[int, str, str]] = []
    for kind in DOCUMENT_KINDS:
        size = len(kind.split())
        allowed = next((edits for length, edits in _NEAR_KIND_EDITS if len(kind) >= length), 0)
        if kind in KINDS_NOT_ON_A_KIND_LINE or not allowed or len(words) < size:
            continue
        distance = Levenshtein.distance(" ".join(words[:size]), kind)
        if 0 < distance <= allowed:
            found.append((distance, kind, " ".join(words[size:])))
    return found


def near_kind_line(preamble: list[Line], ocr_pages: Sequence[int]) -> tuple[int, str, str] | None:
    """(index, kind, the rest of the line) of the one OCR line whose opening words are a kind misread."""
    found: list[tuple[int, int, str, str]] = []
    for index, line in enumerate(preamble):
        if line.page in ocr_pages:
            found.extend((distance, index, kind, rest) for distance, kind, rest in near_kinds(line.text))
    if not found:
        return None
    found.sort()
    best = found[0]
    if len(found) > 1 and found[1][0] == best[0] and found[1][2] != best[2]:
        return None  # two kinds as near: no reading
    return best[1], best[2], best[3]


def opens_title(rest: str) -> bool:
    """What follows a kind word that opens the title's first line ("QUY ĐỊNH CHI TIẾT VÀ HƯỚNG DẪN THI HÀNH …" under
    "NGHỊ ĐỊNH", "HƯỚNG DẪN THỰC HIỆN …" under "THÔNG TƯ"): words, and no number ("QUY ĐỊNH số …" is another text)."""
    words = rest.split()
    return len(words) >= 2 and not words[0].lower().startswith("số") and not rest.startswith(":")
