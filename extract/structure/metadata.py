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
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from extract.blocks import Paragraph
from extract.model import CitedDocument, Metadata, Provenance, Table
from extract.structure.citations import (
    DATE_PATTERN,
    DATE_TEXT,
    PLAN_KINDS,
    DateParts,
    find_citations,
    parse_date,
)
from extract.structure.numbering import LabelKind, Line, logical_lines, parse_label
from extract.structure.tables import NATIONAL_MOTTO_START, split_header_line

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
)
_KIND_LINE = re.compile(r"^(?P<kind>" + "|".join(DOCUMENT_KINDS) + r")(?=\s|$)\s*(?P<rest>.*)$")
_NUMBER_LINE = re.compile(
    r"(?:^|\s)Số\s*(?::\s*|\s+(?=[\d.…_/]))(?P<digits>[\d.…_ ]*?)\s*/\s*(?P<suffix>[0-9A-Za-zĐđ][\w\-/;.&]*)"
)
_LEVELS = r"tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn"
_BODY = r"Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND"
_HEADER_BODY = re.compile(rf"^(?P<body>{_BODY})(?:\s+(?P<level>{_LEVELS})\s+(?P<name>.+))?$", re.IGNORECASE)
_HEADER_LOCALITY = re.compile(rf"^(?P<level>{_LEVELS})\s+(?P<name>.+)$", re.IGNORECASE)
_ISSUING = re.compile(
    rf"(?P<body>{_BODY})\s+(?P<level>{_LEVELS})(?P<tail>(?:\s+\S+){{0,4}}?)\s+"
    r"(?:ban\s+hành|xây\s+dựng|triển\s+khai|thông\s+báo|báo\s+cáo|hướng\s+dẫn)\s+(?:Kế\s+hoạch|Quyết\s+định|"
    r"Chương\s+trình|Đề\s+án|Chỉ\s+thị|Thông\s+báo|Báo\s+cáo|Hướng\s+dẫn|Quy\s+chế|Phương\s+án|văn\s+bản)",
    re.IGNORECASE,
)
# The bodies a committee's department heads its header with ("SỞ Y TẾ" under "UBND TỈNH BẮC NINH").
_SUBORDINATE_HEADS = r"SỞ|BAN|PHÒNG|VĂN\s+PHÒNG|TRUNG\s+TÂM|CHI\s+CỤC|THANH\s+TRA|CÔNG\s+AN"
_SUBORDINATE = re.compile(rf"^(?:{_SUBORDINATE_HEADS})\s+\S")
# A ministry or central agency heading the left column on its own.
_AGENCY = re.compile(r"^(?:BỘ|TỔNG\s+CỤC|CỤC|SỞ|BAN)\s+[A-ZĐÀ-Ỹ]")
# "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH": a decision issued by the chair of a people's committee.
_CHAIR = re.compile(rf"^CHỦ\s+TỊCH\s+(?P<body>{_BODY})\s+(?P<level>{_LEVELS})(?:\s+(?P<name>.+))?$", re.I)
_NAME_STOP = {
    "năm", "giai", "đến", "về", "trong", "theo", "và", "tại", "trên", "giai đoạn", "ban", "của", "với",
    "thời", "kỳ", "nhằm", "thực", "đợt", "lần",
}  # fmt: skip
_TITLE_STOP = re.compile(
    r"^(?:Căn\s+cứ|Thực\s+hiện|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Nhằm|Để\s|Trên\s+cơ\s+sở|Ủy\s+ban|Uỷ\s+ban|"
    r"UBND|Số\s*:|Kính\s+gửi|CHỦ\s+TỊCH|ỦY\s+BAN|UỶ\s+BAN|HỘI\s+ĐỒNG|BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|THỦ\s+TƯỚNG|"
    r"BAN\s+CHẤP\s+HÀNH|BAN\s+THƯỜNG\s+VỤ|CỘNG\s+HÒA|CỘNG\s+HOÀ|Độc\s+lập)",
)
# "… năm 2026 GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ": the enacting authority under a decision's title, run
# into the title's last line when a reader (OCR, a PDF line) joins the two.
_AUTHORITY_AFTER_TITLE = re.compile(
    r"(?<=[a-zđà-ỹ0-9)])\s+(?=(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|ỦY\s+BAN|UỶ\s+BAN|HỘI\s+ĐỒNG|"
    r"TRƯỞNG\s+BAN)\s+[A-ZĐÀ-Ỹ]{2,}\b)"
)
_SIGNER_TITLE = re.compile(
    r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*)?(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|"
    r"CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG|BÍ\s+THƯ)\b"
)
# "(Đã ký)", "[daky]", a seal mark: between the signer's title and name.
_SIGN_MARK = re.compile(r"^[(\[].*[)\]]$|^(?:Đã\s+ký|Ký\s+bởi)\b", re.IGNORECASE)
_OFFICE_WORDS = frozenset(
    "ỦY UỶ BAN NHÂN DÂN CHỦ TỊCH PHÓ TỈNH XÃ HUYỆN SỞ GIÁM ĐỐC HỘI ĐỒNG TM. KT. TL. NƠI NHẬN".split()
)
_APPENDIX_SELF = re.compile(
    r"Kèm\s+theo\s+(?P<kind>[^\d(]{2,30}?)\s+số\s*"
    r"(?P<digits>[\d.…_ ]*?)\s*/\s*(?P<suffix>[0-9A-Za-zĐđ][\w\-/;.&]*)"
    rf"(?:\s*,?\s*{DATE_TEXT})?",
    re.IGNORECASE,
)


Note = Callable[[str, Line], None]


def extract_metadata(items: list[Paragraph | Table], *, source: str, lines: list[Line] | None = None) -> Metadata:
    """``lines`` is ``logical_lines(items)`` when the caller already has it (the builder shares it)."""
    lines = logical_lines(items) if lines is None else lines
    preamble_end = _preamble_end(lines)
    preamble = lines[:preamble_end]
    sources: dict[str, Provenance] = {}

    def note(field_name: str, line: Line) -> None:
        sources[field_name] = Provenance(file=source, page=line.page, line=line.line, raw=line.raw)

    kind, title, kind_index = _kind_and_title(preamble)
    if kind_index is not None:
        note("kind", preamble[kind_index])
        if title:
            note("title", preamble[min(kind_index + 1, len(preamble) - 1)])

    number = template = ""
    date = date_raw = place = ""
    year: int | None = None
    for line in preamble:
        found = _NUMBER_LINE.search(line.text)
        if found and not template:
            digits = re.sub(r"[^\d]", "", found.group("digits"))
            suffix = found.group("suffix").rstrip(".,;")
            number = f"{digits}/{suffix}" if digits else ""
            template = number or f"/{suffix}"
            note("number", line)
        dated = _place_date(line.text)
        if dated and not date_raw:
            place, parts = dated
            date, date_raw, year = parts.iso, parts.raw, parts.year
            note("date", line)
            if place:
                note("place", line)

    appendix = _appendix_self_reference(lines, kind)
    if appendix is not None:
        match, line = appendix
        if not template:
            digits = re.sub(r"[^\d]", "", match.group("digits"))
            suffix = match.group("suffix").rstrip(".,;")
            number = f"{digits}/{suffix}" if digits else ""
            template = number or f"/{suffix}"
            note("number", line)
        if not date_raw and (match.group("y1") or match.group("y2")):
            parts = parse_date(match)
            date, date_raw, year = parts.iso, parts.raw, parts.year
            note("date", line)

    issuer = _issuer(preamble, lines, title, kind_index, note)
    if not place and issuer:
        # No place line (a decision converted without its header): the issuer's locality is the place.
        place = _locality_of(issuer)
        if place and "issuer" in sources:
            sources["place"] = sources["issuer"]
    signer = _signer(lines, note)
    cited = find_citations(lines, source=source, preamble_end=preamble_end)
    parent = _parent(cited, number)
    if parent is not None:
        sources["parent"] = parent.provenance
    return Metadata(
        kind=kind,
        number=number,
        number_template=template,
        issuer=issuer,
        place=place,
        date=date,
        date_raw=date_raw,
        year=year,
        title=title,
        signer=signer,
        cited=cited,
        parent=parent,
        sources=sources,
    )


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
            if not re.search(r"\w", text):
                continue  # a rule line under the title
            if _TITLE_STOP.match(text) or parse_label(text) is not None or len(text) > 250:
                break
            if text.endswith(":") or _KIND_LINE.match(text):
                break
            authority = _AUTHORITY_AFTER_TITLE.search(text)
            if authority is not None:
                title_lines.append(text[: authority.start()].strip())
                break
            title_lines.append(text)
            if text.endswith((";", ".")):
                break
        return match.group("kind"), " ".join(title_lines), index
    return "", "", None


def _place_date(text: str) -> tuple[str, DateParts] | None:
    for match in DATE_PATTERN.finditer(text):
        before = text[: match.start()].rstrip()
        if not before.endswith(","):
            continue
        tokens = before[:-1].split()
        place_tokens: list[str] = []
        for token in reversed(tokens):
            if "/" in token or ":" in token or not token[0].isupper() or len(place_tokens) >= 5:
                break
            place_tokens.insert(0, token)
        if place_tokens:
            return " ".join(place_tokens), parse_date(match)
    return None


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
        if match and (not kind or match.group("kind").strip().upper() == kind):
            return match, line
    return None


def _title_case(words: str) -> str:
    return " ".join(word if not word.isupper() else word.capitalize() for word in words.split())


def _format_issuer(body: str, level: str, name: str) -> str:
    short = "HĐND" if body.upper().startswith(("HỘI", "HĐND")) else "UBND"
    level = re.sub(r"\s+", " ", level.lower())
    return f"{short} {level} {_title_case(name)}".strip() if level else short


_ACRONYMS = frozenset({"UBND", "HĐND", "MTTQ", "CNTT", "TTTT", "KHCN", "TP", "TW", "BHXH", "VH", "XH"})
_LEVEL_WORDS = frozenset({"tỉnh", "huyện", "xã", "phường", "quận", "thị", "thành"})


def _sentence_case(text: str) -> str:
    """A capitalised unit name as normally written: "SỞ KHOA HỌC VÀ CÔNG NGHỆ" → "Sở Khoa học và Công nghệ".

    Each field name after the unit type, "và" or a dash starts with a capital, so do place
    names after a level word; acronyms (no vowel: "UBND") stay.
    """
    words = text.split()
    type_words = 2 if re.match(r"^(?:VĂN PHÒNG|TRUNG TÂM|CHI CỤC|THANH TRA|CÔNG AN)\b", text) else 1
    out: list[str] = []
    capital_next = False
    in_place = False  # after "tỉnh"/"huyện"...: a place name, every word capitalised
    for position, word in enumerate(words):
        lower = word.lower()
        following = words[position + 1].lower() if position + 1 < len(words) else ""
        level = lower in _LEVEL_WORDS and not (lower == "xã" and following == "hội")  # "Xã hội"
        has_vowel = any(unicodedata.normalize("NFD", char)[0] in "AEIOUY" for char in word)
        if not has_vowel or word in _ACRONYMS:
            out.append(word)
        elif position == 0 or in_place or (capital_next and not level):
            out.append(word.capitalize())
        else:
            out.append(lower)
        in_place = in_place or (position >= type_words and level)
        capital_next = position == type_words - 1 or lower in {"và", "-", "–", "&"}
    return " ".join(out)


def _locality_of(issuer: str) -> str:
    match = re.search(rf"\b(?:{_LEVELS})\s+(?P<name>.+)$", issuer)
    return match.group("name") if match else ""


def _locality_name(text: str) -> str:
    """Capitalised words that start ``text``: the name after a level word ("Hà Tĩnh năm 2022" → "Hà Tĩnh")."""
    name: list[str] = []
    for token in text.split():
        word = token.strip(',.;:()“”"')
        if not word or not word[0].isupper() or word.lower() in _NAME_STOP or any(c.isdigit() for c in word):
            break
        name.append(word)
        if token != word or len(name) >= 4:
            break
    return " ".join(name)


def _find_locality(level: str, texts: list[str]) -> str:
    level_pattern = r"\s+".join(level.split())
    pattern = re.compile(rf"\b{level_pattern}\s+(?P<rest>.+)", re.IGNORECASE)
    for text in texts:
        for match in pattern.finditer(text):
            name = _locality_name(match.group("rest"))
            if name:
                return name
    return ""


# "UBND TỈNH PHÚ THỌ SỞ KHOA HỌC VÀ CÔNG NGHỆ": the committee and its department printed as two lines
# of one header cell (a soft line break, or a PDF cell) arrive as one line of text.
_JOINED_SUBORDINATE = re.compile(rf"\s(?=(?:{_SUBORDINATE_HEADS})\s+\S)")


_RIGHT_COLUMN = re.compile(NATIONAL_MOTTO_START)


def _left_column(line: Line) -> Line | None:
    """The line's left-column part: a reader may hand both columns over as one line; the right never issues."""
    left = split_header_line(line.text)[0]
    return None if _RIGHT_COLUMN.match(left) else replace(line, text=left)


def _split_header_line(line: Line) -> list[Line]:
    match = _HEADER_BODY.match(line.text)
    if match is None or not match.group("level") or not line.text.isupper():
        return [line]
    cut = _JOINED_SUBORDINATE.search(line.text, match.start("name"))
    if cut is None:
        return [line]
    head, tail = line.text[: cut.start()].strip(), line.text[cut.end() :].strip()
    return [replace(line, text=head), replace(line, text=tail)]


def _issuer(preamble: list[Line], lines: list[Line], title: str, kind_index: int | None, note: Note) -> str:
    # The left column of the national header; rule lines ("-----") between its lines are skipped.
    header = [
        part
        for line in preamble[: kind_index if kind_index is not None else min(len(preamble), 12)]
        if re.search(r"\w", line.text)
        if (left := _left_column(line)) is not None
        for part in _split_header_line(left)
    ]
    for index, line in enumerate(header):
        match = _HEADER_BODY.match(line.text)
        if match is None or not line.text.isupper():
            continue
        issuer = ""
        below = header[index + 1 :]
        if match.group("level"):
            issuer = _format_issuer(match.group("body"), match.group("level"), match.group("name"))
        elif below and below[0].text.isupper() and (locality := _HEADER_LOCALITY.match(below[0].text)):
            issuer = _format_issuer(match.group("body"), locality.group("level"), locality.group("name"))
            below = below[1:]
        if not issuer:
            continue
        # "UBND TỈNH BẮC NINH / SỞ KHOA HỌC VÀ CÔNG NGHỆ": the department under the committee issues.
        if below and below[0].text.isupper() and _SUBORDINATE.match(below[0].text):
            note("issuer", below[0])
            return _sentence_case(below[0].text)
        note("issuer", line)
        return issuer
    for line in header:
        if line.text.isupper() and _AGENCY.match(line.text) and len(line.text) < 80:
            note("issuer", line)
            return _sentence_case(line.text)
    for line in preamble:
        chair = _CHAIR.match(line.text)
        issuing = _ISSUING.search(line.text) if chair is None else None
        match = chair or issuing
        if match is None:
            continue
        level = match.group("level")
        direct = _locality_name(match.group("name") or "") if chair else _locality_name(match.group("tail"))
        after = line.text[match.end() :]
        name = direct or _find_locality(level, [title, after] + [other.text for other in lines])
        note("issuer", line)
        return _format_issuer(match.group("body"), level, name)
    return ""


def _signer(lines: list[Line], note: Note) -> str:
    for index, line in enumerate(lines):
        if not _SIGNER_TITLE.match(line.text) or len(line.text) > 60:
            continue
        for follower in lines[index + 1 : index + 7]:
            text = follower.text.strip()
            if _SIGNER_TITLE.match(text) or _SIGN_MARK.match(text):
                continue
            if _is_person_name(text):
                note("signer", follower)
                return text
            break
    return ""


def _is_person_name(text: str) -> bool:
    """Two to five words, each "Nguyễn"-shaped or all capitals, none an office word."""
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    if all(word.isupper() for word in words):
        return not any(word in _OFFICE_WORDS for word in words)
    return all(word[0].isupper() and word[1:].islower() and word.isalpha() for word in words)


def _parent(cited: list[CitedDocument], own_number: str) -> CitedDocument | None:
    """The plan this document implements: a Thực hiện plan first, a Căn cứ plan otherwise."""
    for role in ("implements", "basis"):
        for doc in cited:
            if doc.role == role and doc.kind in PLAN_KINDS and (not own_number or doc.number != own_number):
                return doc
    return None
