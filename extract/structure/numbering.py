"""Vietnamese administrative numbering: the labels that open headings and list items.

Plans and decisions number their parts ``I.`` (roman), ``1.``, ``1.1.``, ``1.1.1.``, ``a)``
(Vietnamese alphabet: ``đ`` follows ``d``), then ``-`` and ``+`` bullets. Appendices
(``PHỤ LỤC``) restart the numbering and decisions use ``Điều 1.``. This module only reads
labels; :mod:`extract.structure.sections` turns them into a tree.

It also prepares *logical lines*: one printed line can hold two of them when a converter
glued a heading or a labelled line onto the previous line ("... thuộc UBND xã. d) Đối
với dữ liệu ..."), and a line can still carry markup residue when a reader left some.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from extract.blocks import Paragraph
from extract.markup import strip_markup
from extract.model import Table
from extract.textforms import roman_value


class LabelKind(StrEnum):
    APPENDIX = "appendix"  # PHỤ LỤC [I|1]
    ATTACHED = "attached"  # KẾ HOẠCH after a decision's signature: the document it issues (sections.py)
    CHAPTER = "chapter"  # Chương I / Phần I / Mục 1
    ARTICLE = "article"  # Điều 1.
    ROMAN = "roman"  # I.
    DOTTED = "dotted"  # 1. / 1.1. / 1.1.1.
    LETTER = "letter"  # a) / đ)
    DASH = "dash"  # -
    PLUS = "plus"  # +


@dataclass(frozen=True, slots=True)
class Label:
    kind: LabelKind
    printed: str  # the label as printed, without trailing space: "1.1.", "đ)", "PHỤ LỤC II"
    parts: tuple[str, ...]  # ("1", "1") for "1.1.", ("đ",) for "đ)", () for bullets
    rest: str  # the text after the label

    @property
    def rank(self) -> int:
        """Depth class: a smaller rank encloses a larger one."""
        if self.kind in (LabelKind.APPENDIX, LabelKind.ATTACHED):
            return 0
        if self.kind is LabelKind.CHAPTER:
            return 1
        if self.kind in (LabelKind.ROMAN, LabelKind.ARTICLE):
            return 2
        if self.kind is LabelKind.DOTTED:
            return 2 + len(self.parts)
        if self.kind is LabelKind.LETTER:
            return 8
        return 9


@dataclass(frozen=True, slots=True)
class Line:
    """One logical line of running text with where it was printed."""

    text: str
    page: int | None
    line: int | None
    raw: str  # the printed line (markup removed) this logical line was cut from


# Vietnamese list letters; f, j, w, z are not in the alphabet but real documents use f) and g).
VIETNAMESE_LETTERS = "abcdđefghijklmnopqrstuvwxyz"

_ROMAN = re.compile(r"^(?P<num>[IVXLC]{1,7})\s*[.:)]\s*(?=\S)|^(?P<bare>[IVXLC]{1,7})\s*\.?\s*$")
_APPENDIX = re.compile(r"^PH[ỤU]\s*L[ỤU]C\b(?:\s*(?:số\s*)?(?P<num>[IVXLC]+|\d+)\b)?\.?\s*[:.\-–]?\s*", re.I)
_CHAPTER = re.compile(r"^(?:Chương|CHƯƠNG|Phần|PHẦN|Mục|MỤC)\s+(?P<num>[IVXLC]+|\d{1,2})\b\s*[.:\-–]?\s*")
_ARTICLE = re.compile(r"^Điều\s+(?P<num>\d{1,3})\s*[.:]\s*")
_DOTTED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})(?P<end>\.|\))?(?:\s+|$)")
_LETTER = re.compile(r"^(?P<letter>[a-zđ])(?P<end>\)|\.)\s*")
_DASH = re.compile(r"^[-–—•∙·]\s*(?:[-–]\s*)?")
_PLUS = re.compile(r"^\+\s*")

# Characters that may open markup a reader left (see extract.markup.strip_markup).
_MARKUP_CHARS = frozenset("#*<_&\u00a0\u200b")


def clean_text(text: str) -> str:
    """Markup residue removed and whitespace collapsed; everything else as printed."""
    # Most lines hold no markup: the stripper runs only when one of its characters is present
    # (str.split and re's \s agree on whitespace, so the join equals collapsing \s+ and stripping).
    if not _MARKUP_CHARS.isdisjoint(text):
        text = strip_markup(text, star_bullets=True)
    return " ".join(text.split())


def parse_label(text: str) -> Label | None:
    """The numbering label opening ``text`` (already cleaned), or None for running text."""
    for parse in _LABEL_PARSERS:
        label = parse(text)
        if label is not None:
            return label
    return None


def _appendix(text: str) -> Label | None:
    match = _APPENDIX.match(text)
    if not (match and text[:7].isupper()):
        return None
    num = match.group("num") or ""
    printed = text[: match.end()].strip(" :.-–") or "PHỤ LỤC"
    return Label(LabelKind.APPENDIX, printed, (num,) if num else (), text[match.end() :].strip())


def _chapter(text: str) -> Label | None:
    match = _CHAPTER.match(text)
    if not (match and (match.group("num").isdigit() or roman_value(match.group("num")) is not None)):
        return None
    printed = text[: match.end()].strip(" .:-–")
    return Label(LabelKind.CHAPTER, printed, (match.group("num"),), text[match.end() :].strip())


def _article(text: str) -> Label | None:
    match = _ARTICLE.match(text)
    if not match:
        return None
    printed = text[: match.end()].strip()
    return Label(LabelKind.ARTICLE, printed, (match.group("num"),), text[match.end() :].strip())


def _roman(text: str) -> Label | None:
    match = _ROMAN.match(text)
    if not match:
        return None
    num = match.group("num") or match.group("bare")
    if roman_value(num) is None:
        return None
    return Label(LabelKind.ROMAN, text[: match.end()].strip(), (num,), text[match.end() :].strip())


def _dotted(text: str) -> Label | None:
    match = _DOTTED.match(text)
    if not match:
        return None
    parts = tuple(match.group("num").split("."))
    rest = text[match.end() :].strip()
    # "1 Nội dung" without a dot is too often a table row or a count; "1.1 Nội dung" is not.
    # "1.5 triệu đồng" is a quantity: without a closing dot a heading starts with a capital.
    if (
        (match.group("end") or len(parts) > 1)
        and rest
        and not rest[0].isdigit()
        and (match.group("end") or not rest[0].islower())
    ):
        return Label(LabelKind.DOTTED, text[: match.end()].strip(), parts, rest)
    return None


def _letter(text: str) -> Label | None:
    match = _LETTER.match(text)
    if not match:
        return None
    rest = text[match.end() :].strip()
    # "a. " opens many sentences' abbreviations; accept it only before a capital.
    if rest and (match.group("end") == ")" or rest[0].isupper()):
        return Label(LabelKind.LETTER, text[: match.end()].strip(), (match.group("letter"),), rest)
    return None


def _bullet(text: str) -> Label | None:
    match = _DASH.match(text)
    if match and match.end() > 0:
        rest = text[match.end() :]
        plus = _PLUS.match(rest)
        if plus:  # "- + text": a converter doubled the bullet; the inner one is the real one
            return Label(LabelKind.PLUS, "+", (), rest[plus.end() :].strip())
        return Label(LabelKind.DASH, "-", (), rest.strip())
    match = _PLUS.match(text)
    if match:
        return Label(LabelKind.PLUS, "+", (), text[match.end() :].strip())
    return None


# Tried in the order parse_label always tried them: the first that reads a label wins.
_LABEL_PARSERS = (_appendix, _chapter, _article, _roman, _dotted, _letter, _bullet)


# A heading glued after the end of a sentence: "... thuộc UBND xã. d) Đối với dữ liệu ...".
# The group "first" is the first letter of the glued heading's title: it must be a capital.
_GLUED_LETTER = re.compile(r"(?<=[.;:])\s+(?=[a-zđ]\)\s+(?P<first>\w))")
_GLUED_DOTTED = re.compile(r"(?<=[.;:])\s+(?=\d{1,2}(?:\.\d{1,2}){1,3}\.?\s+(?P<first>\w))")
# An article run into the previous one when OCR reads a page's lines as one block: "… kể từ ngày
# 01/7/2025. Điều 3. Chánh Văn phòng …". A citation ("tại Điều 3 Luật …") has no stop after the number.
_GLUED_ARTICLE = re.compile(r"(?<=[.;:])\s+(?=Điều\s+\d{1,3}\s*[.:]\s+(?P<first>\w))")
# A labelled task line glued after a bullet: "+ Tổng hợp ... điều hành. - Thời gian: Quý IV/2026."
_TASK_LABEL_WORDS = (
    r"(?:Nội dung|Thời gian|Thời hạn|Tiến độ|Đơn vị chủ trì|Cơ quan chủ trì|Chủ trì|"
    r"Đơn vị phối hợp|Cơ quan phối hợp|Phối hợp|Đơn vị thực hiện|Cơ quan thực hiện|Kinh phí|Sản phẩm)"
)
_GLUED_LABEL = re.compile(r"\s+(?=[-–]\s+" + _TASK_LABEL_WORDS + r"[^:]{0,25}:)")


def split_glued(text: str) -> list[str]:
    """Cut a printed line where a second heading or labelled line was glued onto it."""
    pieces = [text]
    for pattern in (_GLUED_LABEL, _GLUED_ARTICLE, _GLUED_LETTER, _GLUED_DOTTED):
        cut: list[str] = []
        for piece in pieces:
            cut.extend(_split_at(piece, pattern))
        pieces = cut
    return [piece.strip() for piece in pieces if piece.strip()]


def _split_at(text: str, pattern: re.Pattern[str]) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        first = match.groupdict().get("first")
        if first is not None and not first.isupper():
            continue
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return parts


def logical_lines(items: list[Paragraph | Table]) -> list[Line]:
    """The running text of ``items`` as logical lines, tables skipped, empty lines dropped."""
    lines: list[Line] = []
    for item in items:
        if not isinstance(item, Paragraph):
            continue
        for offset, printed in enumerate(item.text.split("\n")):
            raw = clean_text(printed)
            if not raw:
                continue
            line_no = item.line + offset if item.line is not None else None
            for piece in split_glued(raw):
                lines.append(Line(text=piece, page=item.page, line=line_no, raw=raw))
    return lines
