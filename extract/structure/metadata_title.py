"""The document's kind and title: the kind line ("KẾ HOẠCH") and the lines under it, a letter's "V/v" trích yếu,
an annex's heading, and a kind line misread or glued to the place-date line.

Split from :mod:`extract.structure.metadata` (past ~600 lines), which imports from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from extract.structure.citations import line_role
from extract.structure.kinds import DOCUMENT_KINDS, near_kind_line, opens_title
from extract.structure.metadata_identity import APPENDIX_SELF, SENTENCE_TEXT, Note, own_number, place_date
from extract.structure.numbering import Line, parse_label
from extract.structure.restated import repair_title, restating_lines
from extract.structure.signer import SIGNING_TITLES

# "KẾ HOẠCH, NHIỆM VỤ / KHẢO SÁT …" (a 2012 survey plan of Phú Thọ's Sở TTTT): a kind joined to a second noun is the
# kind; the noun opens the title.
KIND_LINE = re.compile(r"^(?P<kind>" + "|".join(DOCUMENT_KINDS) + r")(?=\s|$|,\s*[A-ZĐÀ-Ỹ])[\s,]*(?P<rest>.*)$")
# A Markdown copy's emphasis may open the line ("*Căn cứ Luật …;*").
TITLE_STOP = re.compile(
    r"^[*_]*(?:Căn\s+cứ|Thực\s+hiện|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Nhằm|Để\s|Trên\s+cơ\s+sở|Ủy\s+ban|Uỷ\s+ban|"
    r"UBND|Số\s*:|Kính\s+gửi|CHỦ\s+TỊCH|ỦY\s+BAN|UỶ\s+BAN|HỘI\s+ĐỒNG|BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|THỦ\s+TƯỚNG|"
    r"BAN\s+CHẤP\s+HÀNH|BAN\s+THƯỜNG\s+VỤ|CỘNG\s+HÒA|CỘNG\s+HOÀ|Độc\s+lập|CHÍNH\s+PHỦ\s*$)",
)
# "TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM, …" under a decision's title: the enacting authority, in capitals, is
# the signer's title; any signing title opens it, not only those TITLE_STOP names (QĐ 04/QĐ-BCĐ138 Quảng Ngãi 2025).
_ENACTING_TITLE = re.compile(rf"^(?:PHÓ\s+)?(?:{SIGNING_TITLES})\b")
# "… năm 2026 GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ": the enacting authority under a decision's title, run
# into the title's last line when a reader (OCR, a PDF line) joins the two.
_AUTHORITY_AFTER_TITLE = re.compile(
    r"(?<=[a-zđà-ỹ0-9)])\s+(?=(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|ỦY\s+BAN|UỶ\s+BAN|HỘI\s+ĐỒNG|"
    r"TRƯỞNG\s+BAN)\s+[A-ZĐÀ-Ỹ]{2,}\b)"
)
# "… với các bộ, ngành, địa phương Căn cứ Luật Tổ chức Chính phủ …": the first Căn cứ line run into the
# title's last line (an OCR paragraph that took the indented line as its continuation). Mid-sentence the
# genre writes "căn cứ" in lower case, so a capital one after a lower-case word opens the next line.
_PREAMBLE_AFTER_TITLE = re.compile(r"(?<=[a-zđà-ỹ0-9)])\s+(?=(?:Căn\s+cứ|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị)\s)")
# "V/v góp ý dự thảo …": the trích yếu of a letter (Công văn), printed under its số hiệu.
_ABOUT = re.compile(r"(?:^|\s)V/v\b\.?\s*(?P<rest>.*)$")
# What closes a letter's trích yếu when the reader ran the header's lines together.
_ABOUT_STOP = re.compile(r"\s*(?:CỘNG\s+H[OÒ]A|Độc\s+lập|Kính\s+gửi|[A-ZĐÀ-Ỹ][\w ]{0,30},\s+ngày\b).*$")
# An annex opens with its heading and the line naming the document it is annexed to.
_ANNEX_HEAD_LINES = 8
_ANNEX_LABEL = re.compile(r"^PHỤ\s+LỤC\b")


def kind_and_title_noted(
    lines: list[Line],
    preamble: list[Line],
    annex: tuple[re.Match[str], Line, int] | None,
    ocr_pages: Sequence[int],
    note: Note,
) -> tuple[str, str, int | None]:
    """The kind and title, from the annex heading, the kind line or a letter's trích yếu."""
    kind, title, kind_index = kind_and_title(preamble)
    if kind_index is None and annex is None:
        glued = glued_kind_line(preamble)
        if glued is not None:
            # The kind line read onto the end of the place-date line: read from where the kind starts.
            mended = [*preamble]
            mended[glued[0]] = replace(preamble[glued[0]], text=glued[1])
            kind, title, kind_index = kind_and_title(mended)
    if kind_index is None and annex is None:
        wrapped = _wrapped_kind_line(preamble)
        if wrapped is not None:
            # "QUYẾT" / "ĐỊNH": the kind line cut by a converter that wraps at a width, read as one line.
            # The joined line stands for both as the kind's source (its raw prints the kind whole).
            first, second = preamble[wrapped], preamble[wrapped + 1]
            joined = replace(first, text=f"{first.text} {second.text}", raw=f"{first.raw} {second.raw}")
            preamble = [*preamble[:wrapped], joined, replace(second, text=""), *preamble[wrapped + 2 :]]
            kind, title, kind_index = kind_and_title(preamble)
    if kind_index is None and annex is None:
        near = near_kind_line(preamble, ocr_pages)
        if near is not None:
            # Read with the kind as it should be printed; the provenance keeps the line as read, which is how
            # metadata_warnings tells a reader the kind was taken from a near reading (metadata_kind_uncertain).
            index, near_kind, rest = near
            mended = [*preamble]
            mended[index] = replace(preamble[index], text=f"{near_kind} {rest}".strip())
            kind, title, kind_index = kind_and_title(mended)
    if annex is not None:
        # An annex is not the document it is annexed to: its kind is PHỤ LỤC, its title its heading.
        kind, title, kind_index = "PHỤ LỤC", annex_title(lines[: annex[2]]), None
        note("kind", lines[0])
        if title:
            note("title", lines[0])
    elif kind_index is not None:
        note("kind", preamble[kind_index])
        if title:
            note("title", preamble[min(kind_index + 1, len(preamble) - 1)])
    else:
        letter = letter_subject(preamble)
        if letter is not None:
            # A Công văn has no kind line: its "V/v …" trích yếu under the số hiệu says what it is.
            kind, title = "CÔNG VĂN", letter[0]
            note("kind", letter[1])
            note("title", letter[1])

    if title and kind_index is not None and preamble[kind_index].page in ocr_pages:
        restated = repair_title(title, restating_lines(preamble, kind_index, title))
        if restated is not None:
            title = restated[0]
            note("title", restated[1])
    return kind, title, kind_index


def letter_subject(preamble: list[Line]) -> tuple[str, Line] | None:
    """The "V/v …" lines of a letter's header, before its Kính gửi: (trích yếu without "V/v", first line)."""
    for index, line in enumerate(preamble[:15]):
        if re.match(r"^\s*Kính\s+gửi\b", line.text):
            return None
        found = _ABOUT.search(line.text)
        if found is None or SENTENCE_TEXT.search(line.text[: found.start()]) or line_role(line.text) != "cited":
            continue  # "Căn cứ Công văn số 12 … V/v …" cites another letter's subject
        parts = [_ABOUT_STOP.sub("", found.group("rest")).strip()]
        if len(parts[0]) == len(found.group("rest").strip()):
            # The subject may go on over the next printed lines of its cell.
            for follower in preamble[index + 1 : index + 5]:
                text = follower.text.strip()
                if not text or _ABOUT_STOP.match(text) or TITLE_STOP.match(text) or text.isupper():
                    break
                if place_date(text) or parse_label(text) is not None:
                    break
                parts.append(text)
        subject = " ".join(part for part in parts if part).strip()
        return (subject, line) if subject else None
    return None


def annex_reference(lines: list[Line]) -> tuple[re.Match[str], Line, int] | None:
    """A document that opens as an annex: its heading, then "(Ban hành kèm theo Quyết định số …)".

    Only the first lines count and no Số line may come before: a full document naming
    itself in an appendix at its end is not an annex.
    """
    for index, line in enumerate(lines[:_ANNEX_HEAD_LINES]):
        kind_line = KIND_LINE.match(line.text)
        if own_number(line.text) or (kind_line and kind_line.group("kind") != "PHỤ LỤC"):
            return None
        if not re.search(r"[Kk]èm\s+theo", line.text):
            continue
        text = " ".join(other.text for other in lines[index : index + 2])
        match = APPENDIX_SELF.search(text)
        return (match, line, index) if match and index > 0 else None
    return None


def annex_title(heading: list[Line]) -> str:
    texts = [line.text.strip() for line in heading if re.search(r"\w", line.text)]
    if len(texts) > 1 and _ANNEX_LABEL.match(texts[0]):
        texts = texts[1:]  # "PHỤ LỤC II" labels the annex; the heading under it is its title
    return " ".join(texts)


# The kind line read at the end of the place-date line, when an e-signed PDF's text layer puts the two on one
# line ("Quảng Ngãi, ngày tháng 01 năm 2025 THÔNG BÁO", TB 11/TB-UBND Quảng Ngãi 2025, its day stamped): the year
# of the date, then a kind in capitals ending the line.
_GLUED_KIND = re.compile(r"\bnăm\s+\d{4}\s+(?P<kind>(?:" + "|".join(DOCUMENT_KINDS) + r"))\s*$")


def glued_kind_line(preamble: list[Line]) -> tuple[int, str] | None:
    """(index, the kind) of the place-date line that ends with the kind line; None unless exactly one does."""
    found = [
        (index, match.group("kind"))
        for index, line in enumerate(preamble)
        if (match := _GLUED_KIND.search(line.text)) is not None and place_date(line.text[: match.start("kind")])
    ]
    return found[0] if len(found) == 1 else None


# The first words of a kind ("QUYẾT", "NGHỊ", "THÔNG", "KẾ"): a line holding only them was cut inside the kind line
# (tnt305's Markdown copies of 2025 texts: "**QUYẾT" / "ĐỊNH**", "**NGHỊ" / "ĐỊNH**", "**THÔNG" / "TƯ**").
_KIND_HEADS = frozenset(" ".join(kind.split()[:cut]) for kind in DOCUMENT_KINDS for cut in range(1, len(kind.split())))


def _wrapped_kind_line(preamble: list[Line]) -> int | None:
    """Index of the line holding a kind's first words whose next line ends the kind (and may begin the title)."""
    for index, line in enumerate(preamble[:-1]):
        if line.text.strip() in _KIND_HEADS:
            joined = f"{line.text.strip()} {preamble[index + 1].text.strip()}"
            match = KIND_LINE.match(joined)
            if match is not None and not match.group("rest").startswith(":"):
                return index
    return None


def kind_and_title(preamble: list[Line]) -> tuple[str, str, int | None]:
    for index, line in enumerate(preamble):
        match = KIND_LINE.match(line.text)
        if match is None:
            continue
        rest = match.group("rest").strip()
        if rest.startswith(":"):
            continue  # "QUYẾT ĐỊNH:" opens a decision's enacting clause
        title_lines = [rest] if rest else []
        for follower in preamble[index + 1 : index + 6]:
            text = follower.text.strip()
            if not re.search(r"[^\W_]", text):
                continue  # a rule line under the title, of dashes or of underscores ("______", CĐ 2003/CĐ-VPCP 2025)
            if TITLE_STOP.match(text) or parse_label(text) is not None or len(text) > 250:
                break
            if text.endswith(":") or (text.isupper() and _ENACTING_TITLE.match(text)):
                break
            follower_kind = KIND_LINE.match(text)
            if follower_kind is not None and (title_lines or not opens_title(follower_kind.group("rest"))):
                break
            authority = _AUTHORITY_AFTER_TITLE.search(text) or _PREAMBLE_AFTER_TITLE.search(text)
            if authority is not None:
                title_lines.append(text[: authority.start()].strip())
                break
            title_lines.append(text)
            if text.endswith((";", ".")):
                break
        title = " ".join(title_lines)
        subject = re.match(r"^V/v\b\.?\s*", title)  # the trích yếu without its "V/v" (về việc) marker
        return match.group("kind"), title[subject.end() :] if subject else title, index
    return "", "", None
