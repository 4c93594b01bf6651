"""The document's identity: kind, số hiệu, place and date, issuer, title, signer, citations, parent plan.

Everything is read from the preamble — the national header (left column: issuing body,
số hiệu; right column: place and date), the kind line ("KẾ HOẠCH") and its title, the
Căn cứ / Thực hiện lines — with two fallbacks the genre needs: a document whose Số line
was lost names itself in its appendix ("Kèm theo Quyết định số 1402/QĐ-UBND ngày
12/7/2022"), and a commune plan converted without its header names its issuer in the
issuing sentence ("Ủy ban nhân dân xã ban hành Kế hoạch phát triển dữ liệu xã Đông Cứu").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from extract.blocks import Paragraph, Stamp
from extract.markup import fold
from extract.model import CitedDocument, Metadata, Provenance, Table
from extract.structure.citations import (
    DATE_PATTERN,
    DATE_TEXT,
    LEGAL_KINDS,
    PLAN_KINDS,
    DateParts,
    find_citations,
    line_role,
    parse_date,
)
from extract.structure.gazette import GazetteHeading, read_gazette_heading
from extract.structure.issuer import find_issuer, locality_of
from extract.structure.kinds import DOCUMENT_KINDS, near_kind_line, opens_title
from extract.structure.numbering import LabelKind, Line, logical_lines, parse_label
from extract.structure.restated import repair_title, restating_lines
from extract.structure.signer import SIGNING_TITLES, find_signer
from nlp.localities import known_place_spelling

_KIND_LINE = re.compile(r"^(?P<kind>" + "|".join(DOCUMENT_KINDS) + r")(?=\s|$)\s*(?P<rest>.*)$")
# "Sở: 330/VP-TH": a scan's "Số" read with a hook (CV 390/VP-TH Bắc Giang 2012); a department is never "Sở:" a number.
_NUMBER_LINE = re.compile(
    r"(?:^|\s)(?:Số\s*(?::\s*|\s+(?=[\d.…_/]))|Sở\s*:\s*(?=\d))(?P<digits>[\d.…_ ]*?)\s*/\s*"
    r"(?P<suffix>[0-9A-Za-zĐđ][\w\-/;.&]*)"
)
# The Số line with something other than digits in the number's place (a handwritten number misread).
_SMUDGED_NUMBER = re.compile(r"(?:^|\s)Số\s*:\s*[^\s/]{1,4}\s*/\s*(?P<suffix>[A-ZĐ][\w\-/;.&]*)")
_TITLE_STOP = re.compile(
    r"^(?:Căn\s+cứ|Thực\s+hiện|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Nhằm|Để\s|Trên\s+cơ\s+sở|Ủy\s+ban|Uỷ\s+ban|"
    r"UBND|Số\s*:|Kính\s+gửi|CHỦ\s+TỊCH|ỦY\s+BAN|UỶ\s+BAN|HỘI\s+ĐỒNG|BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|THỦ\s+TƯỚNG|"
    r"BAN\s+CHẤP\s+HÀNH|BAN\s+THƯỜNG\s+VỤ|CỘNG\s+HÒA|CỘNG\s+HOÀ|Độc\s+lập|CHÍNH\s+PHỦ\s*$)",
)
# "TRƯỞNG BAN CHỈ ĐẠO PHÒNG, CHỐNG TỘI PHẠM, …" under a decision's title: the enacting authority, in capitals, is
# the signer's title; any signing title opens it, not only those _TITLE_STOP names (QĐ 04/QĐ-BCĐ138 Quảng Ngãi 2025).
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
_APPENDIX_SELF = re.compile(
    r"Kèm\s+theo\s+(?P<kind>[^\d(]{2,60}?)\s+số\s*:?\s*"
    r"(?P<digits>[\d.…_ ]*?)\s*/\s*(?P<suffix>[0-9A-Za-zĐđ][\w\-/;.&]*)"
    rf"(?:\s*,?\s*{DATE_TEXT})?",
    re.IGNORECASE,
)


Note = Callable[[str, Line], None]
# Provenance.raw of a value read from an annotation the e-signature system drew, not from page text.
STAMP_RAW_PREFIX = "form field: "

# "V/v góp ý dự thảo …": the trích yếu of a letter (Công văn), printed under its số hiệu.
_ABOUT = re.compile(r"(?:^|\s)V/v\b\.?\s*(?P<rest>.*)$")
# What closes a letter's trích yếu when the reader ran the header's lines together.
_ABOUT_STOP = re.compile(r"\s*(?:CỘNG\s+H[OÒ]A|Độc\s+lập|Kính\s+gửi|[A-ZĐÀ-Ỹ][\w ]{0,30},\s+ngày\b).*$")
# An annex opens with its heading and the line naming the document it is annexed to.
_ANNEX_HEAD_LINES = 8
_ANNEX_LABEL = re.compile(r"^PHỤ\s+LỤC\b")
# A line of running text: the Số line of the header never follows one.
_SENTENCE_TEXT = re.compile(r"[a-zđà-ỹ]{2,}\s+[a-zđà-ỹ]{2,}\s+[a-zđà-ỹ]{2,}")


@dataclass
class _Identity:
    """The số hiệu, date and place as they are found, and the line each came from."""

    source: str
    sources: dict[str, Provenance] = field(default_factory=dict)
    number: str = ""
    template: str = ""
    date: str = ""
    date_raw: str = ""
    place: str = ""
    year: int | None = None

    def note(self, field_name: str, line: Line) -> None:
        self.sources[field_name] = Provenance(file=self.source, page=line.page, line=line.line, raw=line.raw)

    def note_stamp(self, field_name: str, stamp: Stamp) -> None:
        self.sources[field_name] = Provenance(file=self.source, page=stamp.page, raw=f"{STAMP_RAW_PREFIX}{stamp.line}")

    def take_number(self, match: re.Match[str], line: Line) -> None:
        digits = re.sub(r"[^\d]", "", match.group("digits"))
        suffix = match.group("suffix").rstrip(".,;")
        self.number = f"{digits}/{suffix}" if digits else ""
        self.template = self.number or f"/{suffix}"
        self.note("number", line)

    def take_date(self, parts: DateParts) -> None:
        self.date, self.date_raw, self.year = parts.iso, parts.raw, parts.year


def extract_metadata(
    items: list[Paragraph | Table],
    *,
    source: str,
    lines: list[Line] | None = None,
    stamps: Sequence[Stamp] = (),
    ocr_pages: Sequence[int] = (),
) -> Metadata:
    """``lines`` is ``logical_lines(items)`` when the caller already has it (the builder shares it);
    ``stamps`` are the values an e-signature system drew over the pages (PDF annotations); ``ocr_pages``
    the pages whose text came from OCR."""
    lines = logical_lines(items) if lines is None else lines
    preamble_end = _preamble_end(lines)
    preamble = lines[:preamble_end]
    found = _Identity(source)
    sources = found.sources
    note = found.note

    annex = _annex_reference(lines)
    kind, title, kind_index = _kind_and_title_noted(lines, preamble, annex, ocr_pages, note)
    if annex is None:
        _header_identity(preamble, found)
        appendix = _appendix_self_reference(lines, kind)
        if appendix is not None:
            _appendix_identity(appendix, found)
        _stamped_identity(stamps, found)

    issuer = find_issuer(preamble, lines, title, kind_index, note)
    if kind_index is not None and (heading := read_gazette_heading(title)) is not None:
        title, issuer = _gazette_identity(heading, preamble[min(kind_index + 1, len(preamble) - 1)], found, issuer)
    place = known_place_spelling(found.place)
    issuer = _issuer_spelt_as_place(issuer, place or known_place_spelling(locality_of(issuer)))
    if not place and issuer:
        # No place line (a decision converted without its header): the issuer's locality is the place.
        place = locality_of(issuer)
        if place and "issuer" in sources:
            sources["place"] = sources["issuer"]
    signer = find_signer(lines, note)
    cited = find_citations(lines, source=source, preamble_end=preamble_end)
    if annex is not None:
        parent: CitedDocument | None = _annexed_to(annex, stamps, source)
    else:
        parent = _parent(cited, found.number)
    if parent is not None:
        sources["parent"] = parent.provenance
    return Metadata(
        kind=kind,
        number=found.number,
        number_template=found.template,
        issuer=issuer,
        place=place,
        date=found.date,
        date_raw=found.date_raw,
        year=found.year,
        title=title,
        signer=signer,
        cited=cited,
        parent=parent,
        sources=sources,
    )


def _kind_and_title_noted(
    lines: list[Line],
    preamble: list[Line],
    annex: tuple[re.Match[str], Line, int] | None,
    ocr_pages: Sequence[int],
    note: Note,
) -> tuple[str, str, int | None]:
    """The kind and title, from the annex heading, the kind line or a letter's trích yếu."""
    kind, title, kind_index = _kind_and_title(preamble)
    if kind_index is None and annex is None:
        glued = _glued_kind_line(preamble)
        if glued is not None:
            # The kind line read onto the end of the place-date line: read from where the kind starts.
            mended = [*preamble]
            mended[glued[0]] = replace(preamble[glued[0]], text=glued[1])
            kind, title, kind_index = _kind_and_title(mended)
    if kind_index is None and annex is None:
        near = near_kind_line(preamble, ocr_pages)
        if near is not None:
            # Read with the kind as it should be printed; the provenance keeps the line as read, which is how
            # metadata_warnings tells a reader the kind was taken from a near reading (metadata_kind_uncertain).
            index, near_kind, rest = near
            mended = [*preamble]
            mended[index] = replace(preamble[index], text=f"{near_kind} {rest}".strip())
            kind, title, kind_index = _kind_and_title(mended)
    if annex is not None:
        # An annex is not the document it is annexed to: its kind is PHỤ LỤC, its title its heading.
        kind, title, kind_index = "PHỤ LỤC", _annex_title(lines[: annex[2]]), None
        note("kind", lines[0])
        if title:
            note("title", lines[0])
    elif kind_index is not None:
        note("kind", preamble[kind_index])
        if title:
            note("title", preamble[min(kind_index + 1, len(preamble) - 1)])
    else:
        letter = _letter_subject(preamble)
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


def _header_identity(preamble: list[Line], found: _Identity) -> None:
    """The Số line and the place-and-date line of the national header."""
    for line in preamble:
        number = _own_number(line.text)
        if number and not found.template:
            found.take_number(number, line)
        dated = _place_date(line.text)
        if dated and not found.date_raw:
            found.place, parts = dated
            found.take_date(parts)
            found.note("date", line)
            if found.place:
                found.note("place", line)
    if not found.template:
        # "Số:" and "/TB-UBND" read as two lines (the blank between them was wide).
        found.template, line_found = _split_number_line(preamble)
        if line_found is not None:
            found.note("number", line_found)
    if not found.template:
        # "Số: Ø7 /CT-UBND": a handwritten number the scan could not read. No number is guessed; the
        # template and the line (in the warning's provenance) tell a reviewer where to look.
        for line in preamble:
            smudged = _SMUDGED_NUMBER.search(line.text)
            if smudged and not _SENTENCE_TEXT.search(line.text[: smudged.start()]):
                found.template = f"/{smudged.group('suffix').rstrip('.,;')}"
                found.note("number", line)
                break


def _gazette_identity(heading: GazetteHeading, line: Line, found: _Identity, issuer: str) -> tuple[str, str]:
    """The title without the issuer, number and date the gazette's heading names; what the header lacked from it."""
    if not found.number:
        found.number = found.template = heading.number
        found.note("number", line)
    if not found.date:
        found.take_date(heading.date)
        found.note("date", line)
    if not issuer and heading.issuer:
        issuer = find_issuer([replace(line, text=heading.issuer)], [], heading.title, None, found.note)
    return heading.title, issuer


def _appendix_identity(appendix: tuple[re.Match[str], Line], found: _Identity) -> None:
    """What the header lost, from the appendix naming its document ("Kèm theo Quyết định số …")."""
    match, line = appendix
    if not found.template:
        found.take_number(match, line)
    if not found.date_raw and (match.group("y1") or match.group("y2")):
        found.take_date(parse_date(match))
        found.note("date", line)


def _stamped_identity(stamps: Sequence[Stamp], found: _Identity) -> None:
    """What the page text lacks, from the values an e-signature system drew over the pages."""
    if not found.number:
        stamped = _stamped_number(stamps, found.template)
        if stamped is not None:
            found.number, stamp = stamped
            found.template = found.number
            found.note_stamp("number", stamp)
    if not found.date:
        stamped_date = _stamped_date(stamps, found.date_raw)
        if stamped_date is not None:
            (stamp_place, parts), stamp = stamped_date
            found.take_date(parts)
            found.note_stamp("date", stamp)
            if not found.place and stamp_place:
                found.place = stamp_place
                found.note_stamp("place", stamp)
    if not found.date and found.date_raw:
        signed = _signing_day(stamps, found.date_raw)
        if signed is not None:
            found.date, stamp = signed
            found.note_stamp("date", stamp)


def _own_number(text: str) -> re.Match[str] | None:
    """The header's "Số: 41/KH-UBND"; a số hiệu inside a sentence ("… tại Công văn Số 12/…") is cited."""
    found = _NUMBER_LINE.search(text)
    if found is None or _SENTENCE_TEXT.search(text[: found.start()]):
        return None
    if re.match(r"^\W*(?:Căn\s+cứ|Thực\s+hiện|Theo|Xét|\(?\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo)", text):
        return None
    return found


def _split_number_line(preamble: list[Line]) -> tuple[str, Line | None]:
    for index, line in enumerate(preamble[:-1]):
        if re.fullmatch(r"Số\s*:?", line.text.strip()):
            after = re.match(r"^\s*/\s*(?P<suffix>[0-9A-Za-zĐđ][\w\-/;.&]*)", preamble[index + 1].text)
            if after:
                return f"/{after.group('suffix').rstrip('.,;')}", line
    return "", None


def _letter_subject(preamble: list[Line]) -> tuple[str, Line] | None:
    """The "V/v …" lines of a letter's header, before its Kính gửi: (trích yếu without "V/v", first line)."""
    for index, line in enumerate(preamble[:15]):
        if re.match(r"^\s*Kính\s+gửi\b", line.text):
            return None
        found = _ABOUT.search(line.text)
        if found is None or _SENTENCE_TEXT.search(line.text[: found.start()]) or line_role(line.text) != "cited":
            continue  # "Căn cứ Công văn số 12 … V/v …" cites another letter's subject
        parts = [_ABOUT_STOP.sub("", found.group("rest")).strip()]
        if len(parts[0]) == len(found.group("rest").strip()):
            # The subject may go on over the next printed lines of its cell.
            for follower in preamble[index + 1 : index + 5]:
                text = follower.text.strip()
                if not text or _ABOUT_STOP.match(text) or _TITLE_STOP.match(text) or text.isupper():
                    break
                if _place_date(text) or parse_label(text) is not None:
                    break
                parts.append(text)
        subject = " ".join(part for part in parts if part).strip()
        return (subject, line) if subject else None
    return None


def _annex_reference(lines: list[Line]) -> tuple[re.Match[str], Line, int] | None:
    """A document that opens as an annex: its heading, then "(Ban hành kèm theo Quyết định số …)".

    Only the first lines count and no Số line may come before: a full document naming
    itself in an appendix at its end is not an annex.
    """
    for index, line in enumerate(lines[:_ANNEX_HEAD_LINES]):
        kind_line = _KIND_LINE.match(line.text)
        if _own_number(line.text) or (kind_line and kind_line.group("kind") != "PHỤ LỤC"):
            return None
        if not re.search(r"[Kk]èm\s+theo", line.text):
            continue
        text = " ".join(other.text for other in lines[index : index + 2])
        match = _APPENDIX_SELF.search(text)
        return (match, line, index) if match and index > 0 else None
    return None


def _annex_title(heading: list[Line]) -> str:
    texts = [line.text.strip() for line in heading if re.search(r"\w", line.text)]
    if len(texts) > 1 and _ANNEX_LABEL.match(texts[0]):
        texts = texts[1:]  # "PHỤ LỤC II" labels the annex; the heading under it is its title
    return " ".join(texts)


def _annexed_to(annex: tuple[re.Match[str], Line, int], stamps: Sequence[Stamp], source: str) -> CitedDocument:
    match, line, _ = annex
    digits = re.sub(r"[^\d]", "", match.group("digits"))
    suffix = match.group("suffix").rstrip(".,;")
    number = f"{digits}/{suffix}" if digits else ""
    provenance = Provenance(file=source, page=line.page, line=line.line, raw=line.raw)
    if not number:
        stamped = _stamped_number(stamps, f"/{suffix}")
        if stamped is not None:
            number = stamped[0]
            provenance = Provenance(file=source, page=stamped[1].page, raw=f"{STAMP_RAW_PREFIX}{stamped[1].line}")
    has_date = bool(match.group("y1") or match.group("y2"))
    parts = parse_date(match) if has_date else DateParts("", "", None)
    kind = re.sub(r"\s+", " ", match.group("kind")).strip()
    return CitedDocument(
        kind=kind[:1].upper() + kind[1:],
        number=number,
        date=parts.iso,
        date_raw=parts.raw,
        role="annexed_to",
        provenance=provenance,
    )


def _stamped_number(stamps: Sequence[Stamp], template: str) -> tuple[str, Stamp] | None:
    """A stamped "Số: 3070/KH-UBND" whose code is the blank template's (any, when there is none)."""
    want = template.lstrip("/").upper()
    for stamp in stamps:
        found = _NUMBER_LINE.search(stamp.line)
        if found is None or not re.search(r"\d", found.group("digits")):
            continue
        suffix = found.group("suffix").rstrip(".,;")
        if want and suffix.upper() != want:
            continue
        digits = re.sub(r"[^\d]", "", found.group("digits"))
        return f"{digits}/{suffix}", stamp
    return None


def _stamped_date(stamps: Sequence[Stamp], date_raw: str) -> tuple[tuple[str, DateParts], Stamp] | None:
    """A stamped line that completes the header's date; the year must agree with the printed one."""
    printed_year = re.search(r"\d{4}", date_raw)
    for stamp in stamps:
        dated = _place_date(stamp.line) or _bare_date(stamp.line)
        if dated is None or not dated[1].iso:
            continue
        if printed_year and str(dated[1].year) != printed_year.group(0):
            continue
        return dated, stamp
    return None


# "Thời gian ký: 09.02.2021 12:16:11": the day the e-signature was made.
_SIGNING_TIME = re.compile(
    r"(?:Thời\s+gian\s+ký|Ngày\s+ký)\s*:?\s*(?P<day>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<year>\d{4})", re.I
)


def _signing_day(stamps: Sequence[Stamp], date_raw: str) -> tuple[str, Stamp] | None:
    """The signing day, for a printed date whose day OCR could not read ("ngày(3 tháng 02 năm 2021").

    The signing time is no date line (a document signed the day after its date is common), so it only
    completes a printed date whose month and year are read and agree with it; a date whose month is
    unreadable too stays unknown.
    """
    smudged = _SMUDGED_DATE.search(date_raw)
    if smudged is None or not smudged.group("month").isdigit():
        return None
    for stamp in stamps:
        signed = _SIGNING_TIME.search(stamp.line)
        if signed is None:
            continue
        day, month, year = (int(signed.group(name)) for name in ("day", "month", "year"))
        if month == int(smudged.group("month")) and year == int(smudged.group("year")) and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}", stamp
    return None


def _issuer_spelt_as_place(issuer: str, place: str) -> str:
    """The issuer's place as the place-date line spells it, when the two differ only in their marks.

    An OCR drops the marks of the header's capitals more often than of the date line's ("ỦY BAN NHÂN DÂN / TỈNH
    QUANG NGAI" over "Quảng Ngãi, ngày 4 tháng 01 năm 2025", TB 46/TB-UBND, 53/TB-UBND, TTr 22/TTr-UBND Quảng Ngãi
    2025, scans): both name one place, and the marked spelling is the place's name.
    """
    where = locality_of(issuer)
    if not where or not place or where == place or fold(where) != fold(place) or not issuer.endswith(where):
        return issuer
    return issuer[: -len(where)] + place


def _bare_date(text: str) -> tuple[str, DateParts] | None:
    match = DATE_PATTERN.search(text)
    return ("", parse_date(match)) if match else None


def _preamble_end(lines: list[Line]) -> int:
    """Index of the first numbered heading: the header and Căn cứ lines come before it."""
    for index, line in enumerate(lines):
        label = parse_label(line.text)
        if label is not None and label.kind in (
            LabelKind.CHAPTER,
            LabelKind.ROMAN,
            LabelKind.ARTICLE,
            LabelKind.DOTTED,
            LabelKind.APPENDIX,
        ):
            return index
    return len(lines)


# The kind line read at the end of the place-date line, when an e-signed PDF's text layer puts the two on one
# line ("Quảng Ngãi, ngày tháng 01 năm 2025 THÔNG BÁO", TB 11/TB-UBND Quảng Ngãi 2025, its day stamped): the year
# of the date, then a kind in capitals ending the line.
_GLUED_KIND = re.compile(r"\bnăm\s+\d{4}\s+(?P<kind>(?:" + "|".join(DOCUMENT_KINDS) + r"))\s*$")


def _glued_kind_line(preamble: list[Line]) -> tuple[int, str] | None:
    """(index, the kind) of the place-date line that ends with the kind line; None unless exactly one does."""
    found = [
        (index, match.group("kind"))
        for index, line in enumerate(preamble)
        if (match := _GLUED_KIND.search(line.text)) is not None and _place_date(line.text[: match.start("kind")])
    ]
    return found[0] if len(found) == 1 else None


def _kind_and_title(preamble: list[Line]) -> tuple[str, str, int | None]:
    for index, line in enumerate(preamble):
        match = _KIND_LINE.match(line.text)
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
            if _TITLE_STOP.match(text) or parse_label(text) is not None or len(text) > 250:
                break
            if text.endswith(":") or (text.isupper() and _ENACTING_TITLE.match(text)):
                break
            follower_kind = _KIND_LINE.match(text)
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


# The header's date with a day or month that is neither digits nor a blank: handwritten, or OCR's
# reading of a handwritten day ("ngày(3 tháng 02 năm 2021", "ngày 2# thángØ† năm 2021").
_SMUDGED_DATE = re.compile(r"ngày\s*(?P<day>\S{0,4}?)\s*tháng\s*(?P<month>\S{0,4}?)\s*năm\s*(?P<year>\d{4})")


def _place_date(text: str) -> tuple[str, DateParts] | None:
    for match in DATE_PATTERN.finditer(text):
        place = _place_before(text[: match.start()])
        if place:
            return place, parse_date(match)
    for smudged in _SMUDGED_DATE.finditer(text):
        place = _place_before(text[: smudged.start()])
        if place:
            # The year is printed; a day or month that cannot be read leaves the full date unknown.
            raw = re.sub(r"\s+", " ", smudged.group(0))
            return place, DateParts("", raw, int(smudged.group("year")))
    return None


_ACRONYM = re.compile(r"[A-ZĐ]{3,}")


def _place_before(before: str) -> str:
    """ "Quảng Ngãi," before the date: the capitalised words ending with the comma."""
    before = before.rstrip()
    if not before.endswith(","):
        return ""
    tokens = before[:-1].split()
    place_tokens: list[str] = []
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position]
        # "Thành phố Hồ Chí Minh": the one lowercase word a place name keeps.
        city = token == "phố" and position > 0 and tokens[position - 1] == "Thành"
        if "/" in token or ":" in token or not (token[0].isupper() or city) or len(place_tokens) >= 6:
            break
        # "…/UBND- KSTTHC Phú Thọ, ngày …" (a scan's header read in one line): a number's letters, not the place.
        if place_tokens and _ACRONYM.fullmatch(token) and not _ACRONYM.fullmatch(place_tokens[0]):
            break
        place_tokens.insert(0, token)
    return " ".join(place_tokens)


def _appendix_self_reference(lines: list[Line], kind: str) -> tuple[re.Match[str], Line] | None:
    """The "(Kèm theo Quyết định số 1402/QĐ-UBND ngày 12/7/2022 ...)" line naming this document."""
    for index, line in enumerate(lines):
        text = line.text
        if "Kèm theo" not in text and "kèm theo" not in text:
            continue
        # The date is often wrapped onto the next printed line.
        if index + 1 < len(lines):
            text = f"{text} {lines[index + 1].text}"
        match = _APPENDIX_SELF.search(text)
        # "(Kèm theo …)" heads an appendix; "… được công bố kèm theo Thông tư số …" in a sentence cites.
        opening = match is not None and re.search(r"(?:^|\()\s*(?:Ban\s+hành\s+)?$", text[: match.start()], re.I)
        if match and opening and (not kind or match.group("kind").strip().upper() == kind):
            return match, line
    return None


def _parent(cited: list[CitedDocument], own_number: str) -> CitedDocument | None:
    """The plan this document implements: a Thực hiện plan first, a Căn cứ plan otherwise."""
    for role in ("implements", "basis"):
        for doc in cited:
            if doc.role == role and doc.kind in PLAN_KINDS and (not own_number or doc.number != own_number):
                return doc
    # No plan: the document a "Thực hiện …" opening names ("Thực hiện Công điện số 131/CĐ-TTg", "Thực hiện
    # Công văn số 1781-CV/TU"), unless it is a legal instrument, which is carried out, not implemented.
    for doc in cited:
        if doc.role == "implements" and doc.kind not in LEGAL_KINDS and doc.number and doc.number != own_number:
            return doc
    return None
