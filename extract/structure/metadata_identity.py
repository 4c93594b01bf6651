"""The document's số hiệu, date and place: the national header's Số line and place-date line, with the fallbacks
the genre needs (the appendix naming its own document, the values an e-signature system drew over the pages).

Split from :mod:`extract.structure.metadata` (past ~600 lines), which imports from here and re-exports STAMP_RAW_PREFIX.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extract.blocks import Stamp
from extract.model import CitedDocument, Provenance
from extract.structure.citations import DATE_PATTERN, DATE_TEXT, DateParts, parse_date
from extract.structure.numbering import Line

# "Sở: 330/VP-TH": a scan's "Số" read with a hook (CV 390/VP-TH Bắc Giang 2012); a department is never "Sở:" a number.
NUMBER_LINE = re.compile(
    r"(?:^|\s)(?:Số\s*(?::\s*|\s+(?=[\d.…_/]))|Sở\s*:\s*(?=\d))(?P<digits>[\d.…_ ]*?)\s*/\s*"
    r"(?P<suffix>[0-9A-Za-zĐđ][\w\-/;.&]*)"
)
# The Số line with something other than digits in the number's place (a handwritten number misread).
_SMUDGED_NUMBER = re.compile(r"(?:^|\s)Số\s*:\s*[^\s/]{1,4}\s*/\s*(?P<suffix>[A-ZĐ][\w\-/;.&]*)")
APPENDIX_SELF = re.compile(
    r"Kèm\s+theo\s+(?P<kind>[^\d(]{2,60}?)\s+số\s*:?\s*"
    r"(?P<digits>[\d.…_ ]*?)\s*/\s*(?P<suffix>[0-9A-Za-zĐđ][\w\-/;.&]*)"
    rf"(?:\s*,?\s*{DATE_TEXT})?",
    re.IGNORECASE,
)


Note = Callable[[str, Line], None]
# Provenance.raw of a value read from an annotation the e-signature system drew, not from page text.
STAMP_RAW_PREFIX = "form field: "
# A line of running text: the Số line of the header never follows one.
SENTENCE_TEXT = re.compile(r"[a-zđà-ỹ]{2,}\s+[a-zđà-ỹ]{2,}\s+[a-zđà-ỹ]{2,}")


@dataclass
class Identity:
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


def header_identity(preamble: list[Line], found: Identity) -> None:
    """The Số line and the place-and-date line of the national header."""
    for index, line in enumerate(preamble):
        following = preamble[index + 1] if index + 1 < len(preamble) else None
        number = own_number(line.text)
        if number is None and following is not None and _NUMBER_CUT.match(line.text):
            # "Số:" / "102/2025/QĐ-UBND": the number wrapped onto the next line (a blank template is left to
            # _split_number_line, as before)
            number = own_number(f"{line.text} {following.text}") if _NUMBER_ALONE.match(following.text) else None
            line = following if number is not None else line
        if number and not found.template:
            found.take_number(number, line)
        dated = place_date(line.text)
        if dated is None and following is not None and _DATE_CUT.search(line.text):
            dated = place_date(f"{line.text} {following.text}")
        if dated and not found.date_raw:
            found.place, parts = dated
            found.place = _place_cut_before(preamble[index - 1].text if index else "", found.place, line.text)
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
            if smudged and not SENTENCE_TEXT.search(line.text[: smudged.start()]):
                found.template = f"/{smudged.group('suffix').rstrip('.,;')}"
                found.note("number", line)
                break


# A converter that wraps every line at a width (tnt305's Markdown copies of 2025 decisions and plans) cuts the
# header's lines anywhere: "Số:" / "102/2025/QĐ-UBND", "*Phú Thọ, ngày" / "18 tháng 11 năm 2025*", "*Quảng" /
# "Ninh, ngày 19 tháng 11 năm 2025*". Read a line at a time, the number and the date were lost, the place cut.
_NUMBER_CUT = re.compile(r"^\W*Số\s*:?\s*$")
_NUMBER_ALONE = re.compile(r"^\s*\d[\d.]*\s*/\s*[0-9A-Za-zĐđ][\w\-/;.&]*\s*$")
# The date cut anywhere after the place's comma: "*Hải Phòng," / "ngày 18 …", "*Hà Nội, ngày 27" / "tháng 11 năm
# 2025 *"; no year read yet.
_DATE_CUT = re.compile(r",\s*(?:ngày\b(?!.*\d{4})|$)")


def _place_cut_before(previous: str, place: str, text: str) -> str:
    """The place, with the first words the line before it holds when the place-date line was cut inside the place:
    that line is nothing but a place's words ("*Quảng", "*Thành phố Hồ"), never in capitals (the left column's)."""
    if not place or not text.lstrip("*_ ").startswith(place):
        return place
    fragment = previous.strip().strip("*_").strip()
    if not fragment or fragment.isupper() or len(fragment.split()) > 4 or _place_before(f"{fragment},") != fragment:
        return place
    joined = f"{fragment} {place}"
    return joined if len(joined.split()) <= 6 else place


def appendix_identity(appendix: tuple[re.Match[str], Line], found: Identity) -> None:
    """What the header lost, from the appendix naming its document ("Kèm theo Quyết định số …")."""
    match, line = appendix
    if not found.template:
        found.take_number(match, line)
    if not found.date_raw and (match.group("y1") or match.group("y2")):
        found.take_date(parse_date(match))
        found.note("date", line)


def stamped_identity(stamps: Sequence[Stamp], found: Identity) -> None:
    """What the page text lacks, from the values an e-signature system drew over the pages."""
    if not found.number:
        stamped = stamped_number(stamps, found.template)
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


def own_number(text: str) -> re.Match[str] | None:
    """The header's "Số: 41/KH-UBND"; a số hiệu inside a sentence ("… tại Công văn Số 12/…") is cited."""
    found = NUMBER_LINE.search(text)
    if found is None or SENTENCE_TEXT.search(text[: found.start()]):
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


def annexed_to(annex: tuple[re.Match[str], Line, int], stamps: Sequence[Stamp], source: str) -> CitedDocument:
    match, line, _ = annex
    digits = re.sub(r"[^\d]", "", match.group("digits"))
    suffix = match.group("suffix").rstrip(".,;")
    number = f"{digits}/{suffix}" if digits else ""
    provenance = Provenance(file=source, page=line.page, line=line.line, raw=line.raw)
    if not number:
        stamped = stamped_number(stamps, f"/{suffix}")
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


def stamped_number(stamps: Sequence[Stamp], template: str) -> tuple[str, Stamp] | None:
    """A stamped "Số: 3070/KH-UBND" whose code is the blank template's (any, when there is none)."""
    want = template.lstrip("/").upper()
    for stamp in stamps:
        found = NUMBER_LINE.search(stamp.line)
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
        dated = place_date(stamp.line) or _bare_date(stamp.line)
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


def _bare_date(text: str) -> tuple[str, DateParts] | None:
    match = DATE_PATTERN.search(text)
    return ("", parse_date(match)) if match else None


# The header's date with a day or month that is neither digits nor a blank: handwritten, or OCR's
# reading of a handwritten day ("ngày(3 tháng 02 năm 2021", "ngày 2# thángØ† năm 2021").
_SMUDGED_DATE = re.compile(r"ngày\s*(?P<day>\S{0,4}?)\s*tháng\s*(?P<month>\S{0,4}?)\s*năm\s*(?P<year>\d{4})")


def place_date(text: str) -> tuple[str, DateParts] | None:
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
        token = tokens[position].lstrip("*_")  # a Markdown copy's emphasis: "*Phú Thọ, ngày …*"
        if not token:
            break
        # "Thành phố Hồ Chí Minh": the one lowercase word a place name keeps.
        city = token == "phố" and position > 0 and tokens[position - 1] == "Thành"
        if "/" in token or ":" in token or not (token[0].isupper() or city) or len(place_tokens) >= 6:
            break
        # "…/UBND- KSTTHC Phú Thọ, ngày …" (a scan's header read in one line): a number's letters, not the place.
        if place_tokens and _ACRONYM.fullmatch(token) and not _ACRONYM.fullmatch(place_tokens[0]):
            break
        place_tokens.insert(0, token)
    return " ".join(place_tokens)


def appendix_self_reference(lines: list[Line], kind: str) -> tuple[re.Match[str], Line] | None:
    """The "(Kèm theo Quyết định số 1402/QĐ-UBND ngày 12/7/2022 ...)" line naming this document."""
    for index, line in enumerate(lines):
        text = line.text
        if "Kèm theo" not in text and "kèm theo" not in text:
            continue
        # The date is often wrapped onto the next printed line.
        if index + 1 < len(lines):
            text = f"{text} {lines[index + 1].text}"
        match = APPENDIX_SELF.search(text)
        # "(Kèm theo …)" heads an appendix; "… được công bố kèm theo Thông tư số …" in a sentence cites.
        opening = match is not None and re.search(r"(?:^|\()\s*(?:Ban\s+hành\s+)?$", text[: match.start()], re.I)
        if match and opening and (not kind or match.group("kind").strip().upper() == kind):
            return match, line
    return None
