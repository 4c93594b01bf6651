"""The issuing body, read from the left column of the national header.

"ỦY BAN NHÂN DÂN / TỈNH BẮC NINH" → "UBND tỉnh Bắc Ninh"; a department printed under its
committee ("UBND TỈNH PHÚ THỌ / SỞ KHOA HỌC VÀ CÔNG NGHỆ") issues in its own name; a ministry or
central body heads the column on its own ("THỦ TƯỚNG CHÍNH PHỦ"). Without a header, the chair's
enacting line ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …") or the issuing sentence names the issuer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from extract.markup import fold
from extract.structure.numbering import Line
from extract.structure.tables import NATIONAL_MOTTO_START, split_header_line

Note = Callable[[str, Line], None]

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
# Central bodies whose names are not a unit type followed by a field ("Thủ tướng Chính phủ").
_CENTRAL_BODIES = {
    "THỦ TƯỚNG CHÍNH PHỦ": "Thủ tướng Chính phủ",
    "CHÍNH PHỦ": "Chính phủ",
    "VĂN PHÒNG CHÍNH PHỦ": "Văn phòng Chính phủ",
    "QUỐC HỘI": "Quốc hội",
    "ỦY BAN THƯỜNG VỤ QUỐC HỘI": "Ủy ban Thường vụ Quốc hội",
}
# "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH": a decision issued by the chair of a people's committee.
_CHAIR = re.compile(rf"^CHỦ\s+TỊCH\s+(?P<body>{_BODY})\s+(?P<level>{_LEVELS})(?:\s+(?P<name>.+))?$", re.I)
_NAME_STOP = {
    "năm", "giai", "đến", "về", "trong", "theo", "và", "tại", "trên", "giai đoạn", "ban", "của", "với",
    "thời", "kỳ", "nhằm", "thực", "đợt", "lần",
}  # fmt: skip


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
    two_word_type = r"^(?:VĂN PHÒNG|TRUNG TÂM|CHI CỤC|THANH TRA|CÔNG AN|CÔNG ĐOÀN|BỆNH VIỆN|HỌC VIỆN)\b"
    type_words = 2 if re.match(two_word_type, text) else 1
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
        elif (lower, following) == ("việt", "nam") or (position and words[position - 1].lower() + lower == "việtnam"):
            out.append(word.capitalize())  # the country's name inside a body's ("Công đoàn Giáo dục Việt Nam")
        elif position == 0 or in_place or (capital_next and not level):
            out.append(word.capitalize())
        else:
            out.append(lower)
        in_place = in_place or (position >= type_words and level)
        capital_next = position == type_words - 1 or lower in {"và", "-", "–", "&"}
    return " ".join(out)


def locality_of(issuer: str) -> str:
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


def _left_columns(line: Line) -> list[Line]:
    """The line's left-column parts: a reader may hand both columns over as one line, even interleaved ("UBND TỈNH
    PHÚ THỌ CỘNG HOÀ … VIỆT NAM SỞ THÔNG TIN VÀ TRUYỀN THÔNG Độc lập …", CV 275/STTTT-CNTT 2011 read by OCR);
    the right column never issues."""
    parts = split_header_line(line.text)
    left = [] if _RIGHT_COLUMN.match(parts[0]) else [parts[0]]
    # after the motto's first line, a capital part before its second is the left column's next line
    for before, part in zip(parts, parts[1:], strict=False):
        if _MOTTO_FIRST_LINE.match(before) and part.isupper() and not _RIGHT_COLUMN.match(part):
            left.append(part)
    return [replace(line, text=text) for text in left]


_MOTTO_FIRST_LINE = re.compile(r"^CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM$")


def _split_header_line(line: Line) -> list[Line]:
    match = _HEADER_BODY.match(line.text)
    if match is None or not match.group("level") or not line.text.isupper():
        return [line]
    cut = _JOINED_SUBORDINATE.search(line.text, match.start("name"))
    if cut is None:
        return [line]
    head, tail = line.text[: cut.start()].strip(), line.text[cut.end() :].strip()
    return [replace(line, text=head), replace(line, text=tail)]


def _with_locality(department: str, committee: str) -> str:
    """ "Sở Y tế" under "UBND thành phố Hồ Chí Minh" → "Sở Y tế thành phố Hồ Chí Minh"."""
    if re.search(rf"\b(?:{_LEVELS})\s+[A-ZĐÀ-Ỹ]", department):
        return department  # the department's own name already says where ("Sở Y tế tỉnh Hà Tĩnh")
    locality = re.search(rf"\b(?:{_LEVELS})\s+\S.*$", committee)
    return f"{department} {locality.group(0)}" if locality else department


def find_issuer(preamble: list[Line], lines: list[Line], title: str, kind_index: int | None, note: Note) -> str:
    header = _header_left_column(preamble, kind_index)
    # In order, each only when the one before found nothing: each notes the line it read.
    issuer = _issuer_of_header_body(header, note)
    if issuer is None:
        issuer = _issuer_of_front_committee(header, note)
    if issuer is None:
        issuer = _issuer_of_agency_line(header, note)
    if issuer is None:
        issuer = _issuer_of_sentence(preamble, lines, title, note)
    if issuer is None:
        issuer = _issuer_of_organisation(header, note)
    return issuer or ""


# The rule printed under the body's name, read onto its line when the cell breaks the line inside one paragraph
# ("THỦ TƯỚNG CHÍNH PHỦ<br>--------", CT 07/CT-TTg 2012 as published in Word; "ỦY BAN NHÂN DÂN<br>TỈNH X<br>-------").
_TRAILING_RULE = re.compile(r"\s+[-–—_=.*~]{3,}$|(?<=[A-ZĐÀ-Ỹ])[-–—_=.*~]{4,}$")
# A speck an OCR reads before the body's name ('" ỦY BAN NHÂN DÂN', CT 08/CT-UBND Quảng Ngãi 2018, a scan).
_LEADING_SPECK = re.compile(r"^[\"'“”‘’`.,:;|~^°]+\s*(?=[A-ZĐÀ-Ỹ])")


def _header_left_column(preamble: list[Line], kind_index: int | None) -> list[Line]:
    # The left column of the national header; rule lines ("-----") between its lines are skipped, and a rule
    # read at the end of a line or a speck before it is cut off it.
    head = _rejoin_wrapped_names(preamble[: kind_index if kind_index is not None else min(len(preamble), 12)])
    return [
        part
        for line in head
        if re.search(r"\w", line.text)
        for left in _left_columns(line)
        for part in _split_header_line(_without_rule(left))
    ]


# The header's fixed names, which a converter that wraps every line at a width cuts anywhere: "ỦY BAN NHÂN / DÂN /
# TỈNH PHÚ THỌ", "ỦY / BAN NHÂN DÂN", "CỘNG HÒA XÃ / HỘI CHỦ NGHĨA VIỆT NAM" (tnt305's Markdown copies of 2025
# decisions). Read apart, "HỘI CHỦ NGHĨA VIỆT NAM" looked like an association and "BAN NHÂN DÂN" like a board.
_WRAPPED_NAMES = tuple(
    fold(name).split()
    for name in (
        "ỦY BAN NHÂN DÂN",
        "HỘI ĐỒNG NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM",
    )
)


def _cut_name(words: list[str]) -> bool:
    """The words are the start of a fixed header name, not the whole of it."""
    return any(len(words) < len(name) and name[: len(words)] == words for name in _WRAPPED_NAMES)


def _goes_on(words: list[str]) -> bool:
    """The words start a fixed header name, or are one and go on (its place: "ỦY BAN NHÂN DÂN TỈNH …")."""
    return _cut_name(words) or any(words[: len(name)] == name for name in _WRAPPED_NAMES)


# Words no body's name ends with: a left-column line ending with one was cut ("BỘ" / "CÔNG THƯƠNG", "BỘ NÔNG NGHIỆP
# VÀ" / "MÔI TRƯỜNG", "BAN CHỈ ĐẠO NHÀ" / "NƯỚC", tnt305's copies of 2025 central texts).
_OPEN_ENDINGS = frozenset({"BỘ", "BAN", "SỞ", "CỤC", "NHÀ", "VÀ", "HỘI", "TỔNG"})


def _rejoin_wrapped_names(lines: list[Line]) -> list[Line]:
    """Lines in capitals that cut a fixed header name, joined back to the line that completes it. A line that is the
    whole name ("ỦY BAN NHÂN DÂN" above "TỈNH BẮC NINH") is a line of the cell, and stays one."""
    out: list[Line] = []
    for line in lines:
        text = line.text.strip()
        if out and text.isupper() and out[-1].text.isupper():
            before = out[-1].text.strip()
            joined = f"{before} {text}"
            cut = _cut_name(fold(before).split()) and _goes_on(fold(joined).split())
            open_end = before.split()[-1] in _OPEN_ENDINGS and not re.search(r"[\d:]", text)
            # "BỘ CÔNG" / "THƯƠNG": one word left over ends a ministry's name (a body under it, "CỤC THUẾ", does not).
            tail = before.startswith("BỘ ") and re.fullmatch(r"[A-ZĐÀ-Ỹ]+", text) is not None
            tail = tail and _UNDER_MINISTRY.match(fold(text)) is None and not _HEADER_LOCALITY.match(text)
            if cut or tail or (open_end and not _RIGHT_COLUMN.match(text)):
                out[-1] = replace(out[-1], text=joined)
                continue
        out.append(line)
    return out


# "UBNDTỈNHPHÚ THỌ" (CV 275/STTTT-CNTT Phú Thọ 2011, "UBNDTỈNHBÃC GIANG", a Bắc Giang list of 2012: scans): the OCR
# dropped the spaces between the committee, its level and the place's first word.
_GLUED_COMMITTEE = re.compile(
    r"^(?P<body>UBND|ỦY\s+BAN\s+NHÂN\s+DÂN|UỶ\s+BAN\s+NHÂN\s+DÂN)\s*"
    r"(?P<level>TỈNH|HUYỆN|QUẬN|THÀNH\s+PHỐ|THỊ\s+XÃ|THỊ\s+TRẤN|XÃ|PHƯỜNG)\s*(?=[A-ZĐÀ-Ỹ])"
)


def _without_rule(line: Line) -> Line:
    text = _LEADING_SPECK.sub("", _TRAILING_RULE.sub("", line.text))
    text = _GLUED_COMMITTEE.sub(r"\g<body> \g<level> ", text)
    return line if text == line.text else replace(line, text=text)


def _issuer_of_header_body(header: list[Line], note: Note) -> str | None:
    """A body and its locality in capitals ("ỦY BAN NHÂN DÂN / TỈNH BẮC NINH"), or the department under it."""
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
        # "UBND TỈNH BẮC NINH / SỞ KHOA HỌC VÀ CÔNG NGHỆ": the department under the committee issues, and
        # keeps the committee's locality: every province has a Sở Y tế, the catalog must tell them apart.
        if below and below[0].text.isupper() and _SUBORDINATE.match(below[0].text):
            note("issuer", below[0])
            return _with_locality(_sentence_case(below[0].text), issuer)
        if below and re.fullmatch(r"VĂN\s+PHÒNG", below[0].text.strip()):
            # "UBND TỈNH BẮC GIANG / VĂN PHÒNG" (CV 390/VP-TH 2012): the committee's office, named with it.
            note("issuer", below[0])
            return f"Văn phòng {issuer}"
        note("issuer", line)
        return issuer
    return None


# A committee other than the people's heading the left column with its place, and the body of it that issues
# below: "ỦY BAN MTTQ VIỆT NAM / XÃ LƯƠNG MINH / BAN THƯỜNG TRỰC" (the Vietnam Fatherland Front's standing board,
# Lương Minh 2025), "ỦY BAN BẦU CỬ XÃ PHỐ BẢNG / TIỂU BAN THÔNG TIN, …" (an election committee's sub-board).
# Read as "BAN THƯỜNG TRỰC" alone, the issuer had no place and every unit of the document lost it.
_FRONT_COMMITTEES = {
    "mttq viet nam": "Ủy ban MTTQ Việt Nam",
    "mat tran to quoc viet nam": "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "bau cu": "Ủy ban bầu cử",
}
# Matched on the folded line (a scan or a typist drops marks: "UỶ", "Uy"); the values are taken as printed.
_FRONT_COMMITTEE = re.compile(
    r"^\W*uy\s+ban\s+(?P<name>" + "|".join(_FRONT_COMMITTEES) + r")"
    r"(?:\s+(?P<level>tinh|thanh\s+pho|huyen|quan|thi\s+xa|thi\s+tran|xa|phuong)\s+(?P<place>(?!uy\b)\S.*))?$"
)
# The committee's body that signs: its standing board, a sub-board, a team.
_BODY_OF_COMMITTEE = re.compile(r"^(?:BAN|TIỂU\s+BAN|TỔ|ĐOÀN)\s+[A-ZĐÀ-Ỹ]")


def _issuer_of_front_committee(header: list[Line], note: Note) -> str | None:
    for index, line in enumerate(header):
        match = _FRONT_COMMITTEE.match(fold(line.text)) if line.text.isupper() else None
        if match is None:
            continue
        below = header[index + 1 :]
        printed = line.text.split()
        if match.group("level"):
            place_words = len(match.group("place").split())
            level_words = len(match.group("level").split())
            place = " ".join(printed[-place_words:])
            level = " ".join(printed[-place_words - level_words : -place_words])
        elif below and below[0].text.isupper() and (locality := _HEADER_LOCALITY.match(below[0].text)):
            level, place, below = locality.group("level"), locality.group("name"), below[1:]
        else:
            return None  # a committee without its place says no more than its board alone did
        name = _FRONT_COMMITTEES[" ".join(match.group("name").split())]
        committee = f"{name} {' '.join(level.lower().split())} {_title_case(place)}"
        if below and below[0].text.isupper() and _BODY_OF_COMMITTEE.match(below[0].text) and len(below[0].text) < 80:
            note("issuer", below[0])
            return f"{re.sub(r'^Tiểu Ban', 'Tiểu ban', _sentence_case(below[0].text))} {committee}"
        note("issuer", line)
        return committee
    return None


# A Party committee heads a Party document's header: "TỈNH UỶ ĐỒNG THÁP" (Nghị quyết, 2026), "HUYỆN ỦY …".
_PARTY_COMMITTEE = re.compile(
    r"^(?P<level>TỈNH|THÀNH|HUYỆN|QUẬN|THỊ|ĐẢNG)\s+(?:ỦY|UỶ)\s+(?P<name>[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ\s\-]*)$"
)


def _issuer_of_agency_line(header: list[Line], note: Note) -> str | None:
    """A central body (a ministry, the Government), a Party committee or an agency named on one capital line."""
    for index, line in enumerate(header):
        text = re.sub(r"\s+", " ", line.text.strip())
        central = _central_body(text)
        if central:
            note("issuer", line)
            return central
        party = _PARTY_COMMITTEE.match(text)
        if party:
            note("issuer", line)
            return f"{party.group('level').capitalize()} ủy {_title_case(party.group('name'))}"
        if line.text.isupper() and _AGENCY.match(line.text) and len(line.text) < 80:
            parts = _split_department_line(line)
            line, rest = parts[0], [*parts[1:], *header[index + 1 :]]
            below = _body_under_ministry(line, rest) or _school_under_department(line, rest)
            if below is not None:
                note("issuer", below[0])
                name = _body_name(below)
                # A school or centre under a department keeps the department's place, as a department keeps its
                # committee's: every province has a "Trường THPT Chuyên" or a "Trung tâm Y tế".
                return _with_locality(name, _sentence_case(line.text)) if line.text.startswith("SỞ ") else name
            note("issuer", line)
            return _sentence_case(line.text)
    return None


# A school or centre under the department that runs it: "SỞ GDĐT TỈNH ĐỒNG THÁP / TRƯỜNG THPT CAO LÃNH 2" (KH
# 58/KH-THPTCL2 2026), the two read as one line when the cell breaks inside a paragraph ("SỞ GDĐT TỈNH ĐỒNG THÁP
# TRƯỜNG THPT ĐỐC BINH KIỀU", a school's Word plan 2026).
_UNDER_DEPARTMENT = r"TRƯỜNG|TRUNG\s+TÂM|BỆNH\s+VIỆN"
_JOINED_UNDER_DEPARTMENT = re.compile(rf"\s(?=(?:{_UNDER_DEPARTMENT})\s+\S)")


def _split_department_line(line: Line) -> list[Line]:
    if not line.text.startswith("SỞ "):
        return [line]
    cut = _JOINED_UNDER_DEPARTMENT.search(line.text)
    if cut is None:
        return [line]
    return [replace(line, text=line.text[: cut.start()].strip()), replace(line, text=line.text[cut.end() :].strip())]


def _school_under_department(department: Line, below: list[Line]) -> list[Line] | None:
    if not department.text.startswith("SỞ ") or not below:
        return None
    first = below[0]
    if not first.text.isupper() or len(first.text) >= 80 or not re.match(rf"^(?:{_UNDER_DEPARTMENT})\s+\S", first.text):
        return None
    return [first]


# The body a ministry heads its header with issues in its own name, as a department under its committee does:
# "BỘ TÀI CHÍNH / CỤC THUẾ" (CV 2191/CT-CS 2026), "BỘ CÔNG THƯƠNG / TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG / THÀNH PHỐ HỒ CHÍ
# MINH" (KH 753/KH-DCT 2026), "BỘ CÔNG AN / TỔ CÔNG TÁC LIÊN NGÀNH TW" (KH 996/KH-TCTLNTW-C04 2026), "BỘ CÔNG AN /
# CÔNG AN TỈNH LÂM ĐỒNG" (TTr 519/TTr-CAT-PC06 2025). The kind of body is matched without its marks: a scan reads
# "TỎ" for "TỔ" (KH 996), and the body's kind is then printed as it is spelt.
_UNDER_MINISTRY_KINDS = {
    "tong cuc": "TỔNG CỤC",
    "cuc": "CỤC",
    "vu": "VỤ",
    "vien": "VIỆN",
    "hoc vien": "HỌC VIỆN",
    "truong": "TRƯỜNG",
    "benh vien": "BỆNH VIỆN",
    "to": "TỔ",
    "ban": "BAN",
    "trung tam": "TRUNG TÂM",
    "thanh tra": "THANH TRA",
    "van phong": "VĂN PHÒNG",
    "cong an": "CÔNG AN",
}
# Folded, "TỜ TRÌNH" (a kind line) reads as "to trinh": not a team.
_UNDER_MINISTRY = re.compile(
    r"^(?P<kind>" + "|".join(sorted(_UNDER_MINISTRY_KINDS, key=len, reverse=True)) + r")\s+(?!trinh\b)\S"
)


def _body_under_ministry(ministry: Line, below: list[Line]) -> list[Line] | None:
    if not ministry.text.startswith("BỘ ") or not below:
        return None
    if not below[0].text.isupper() and len(below) > 1:
        below = below[1:]  # the motto's second line read on its own line between them ("Độc lập - … phúc", KH 753)
    first = below[0]
    kind = _UNDER_MINISTRY.match(fold(first.text))
    if not first.text.isupper() or kind is None or len(first.text) >= 80:
        return None
    spelt = _UNDER_MINISTRY_KINDS[kind.group("kind")]
    head = len(kind.group("kind").split())
    first = replace(first, text=" ".join([spelt, *first.text.split()[head:]]))
    # A name printed over two lines goes on with its place ("THÀNH PHỐ HỒ CHÍ MINH").
    if len(below) > 1 and below[1].text.isupper() and _HEADER_LOCALITY.match(below[1].text):
        return [first, below[1]]
    return [first]


# A school's name after its kind is a proper name, every word capitalised ("Trường Đại học Công Thương").
_SCHOOL = re.compile(
    r"^(TRƯỜNG\s+(?:ĐẠI\s+HỌC|ĐH|CĐ|CAO\s+ĐẲNG|TRUNG\s+CẤP|THPT|THCS|TH|PTDTNT|PTDTBT|TIỂU\s+HỌC|MẦM\s+NON|"
    r"TRUNG\s+HỌC\s+PHỔ\s+THÔNG|TRUNG\s+HỌC\s+CƠ\s+SỞ|PHỔ\s+THÔNG(?:\s+DÂN\s+TỘC\s+NỘI\s+TRÚ)?))\s+(.+)$"
)


def _body_name(lines: list[Line]) -> str:
    school = _SCHOOL.match(lines[0].text)
    first = lines[0].text
    name = f"{_sentence_case(school.group(1))} {_title_case(school.group(2))}" if school else _sentence_case(first)
    place = _HEADER_LOCALITY.match(lines[1].text) if len(lines) > 1 else None
    if place is not None:
        name = f"{name} {' '.join(place.group('level').lower().split())} {_title_case(place.group('name'))}"
    return name


# Longest first: "VĂN PHÒNG CHÍNH PHỦ" and "THỦ TƯỚNG CHÍNH PHỦ" end with "CHÍNH PHỦ".
_CENTRAL_BY_LENGTH = sorted(_CENTRAL_BODIES, key=len, reverse=True)
# An e-signature caption read into the header's first line ("Thời gian ký: 04.05.2026 09:44:21 +07:00 THỦ TƯỚNG
# CHÍNH PHỦ CỘNG HOÀ …", CV 464/TTg-CĐS 2026, a VGP-signed scan): what precedes the body is the caption's time.
_CAPTION_TAIL = re.compile(r"(?:ký|\+\d{2}:\d{2}|\d{2}:\d{2}(?::\d{2})?)\S*(?:\s+\S{1,6})?\s*$", re.IGNORECASE)


def _central_body(text: str) -> str:
    """The central body a header line names, on its own or after the signature caption it was read with."""
    if text in _CENTRAL_BODIES:
        return _CENTRAL_BODIES[text]
    for name in _CENTRAL_BY_LENGTH:
        if text.endswith(f" {name}") and _CAPTION_TAIL.search(text[: -len(name)].rstrip()):
            return _CENTRAL_BODIES[name]
    return ""


def _issuer_of_sentence(preamble: list[Line], lines: list[Line], title: str, note: Note) -> str | None:
    """No header: the enacting chair ("CHỦ TỊCH ỦY BAN …") or the issuing sentence names the issuer."""
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
    return None


# A body outside the committees and ministries heading the left column: a school and its office ("TRƯỜNG ĐH CÔNG
# NGHỆ THÔNG TIN / PHÒNG ĐÀO TẠO ĐẠI HỌC", TB 03/TB-ĐTĐH 2014), a union ("TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM / CÔNG
# ĐOÀN GIÁO DỤC VIỆT NAM", CV 172/CĐN-TGNC 2013), a hospital, an institute. The lowest such line issues: a body
# prints its parents above itself.
_ORGANISATION = re.compile(
    r"^(?:TRƯỜNG|PHÒNG|KHOA|BỘ\s+MÔN|VIỆN|HỌC\s+VIỆN|ĐẠI\s+HỌC|BỆNH\s+VIỆN|TRUNG\s+TÂM|CÔNG\s+ĐOÀN|"
    r"(?:TỔNG\s+)?LIÊN\s+ĐOÀN|LIÊN\s+HIỆP|HỘI|ĐOÀN|CHI\s+CỤC|CỤC|VĂN\s+PHÒNG|THANH\s+TRA|CÔNG\s+AN|"
    r"BẢO\s+HIỂM\s+XÃ\s+HỘI|KHO\s+BẠC|BAN\s+QUẢN\s+LÝ|BỘ\s+CHỈ\s+HUY|ĐÀI)\s+\S"
)
# An office of a body is named with the body it belongs to: every university has its "Phòng Đào tạo".
_OFFICE_OF_BODY = re.compile(r"^(?:PHÒNG|KHOA|BỘ\s+MÔN|VĂN\s+PHÒNG)\s")


# Where a Word cell's lines were joined into one: before a body's kind that does not also end a name ("MÔI
# TRƯỜNG", "VĂN PHÒNG", "KHOA HỌC", "PHÒNG CHÁY" hold one).
_JOINED_ORGANISATION = re.compile(
    r"\s(?=(?:(?<!MÔI\s)(?<!THỊ\s)TRƯỜNG|(?<!VĂN\s)PHÒNG(?!\s+(?:CHÁY|CHỐNG|NGỪA))|KHOA(?!\s+HỌC)|BỘ\s+MÔN|"
    r"CÔNG\s+ĐOÀN|TRUNG\s+TÂM|BỆNH\s+VIỆN|VĂN\s+PHÒNG)\s)"
)
# What follows the body's name in its cell: the số hiệu and a letter's trích yếu.
_AFTER_NAME = re.compile(r"\s+(?:Số\b|V/v\b).*$")


def _issuer_of_organisation(header: list[Line], note: Note) -> str | None:
    capitals: list[Line] = []
    for line in header:
        text = re.sub(r"\s+", " ", _AFTER_NAME.sub("", line.text.strip()))
        if not text.isupper() or ":" in text or re.search(r"\d", text):
            break  # the header's capitals end at the Số line, the date or the first line in running case
        capitals.extend(replace(line, text=part) for part in _JOINED_ORGANISATION.split(text) if len(part) < 80)
    bodies = [index for index, line in enumerate(capitals) if _ORGANISATION.match(line.text)]
    if not bodies:
        return None
    index = bodies[-1]
    issuer = _body_name([capitals[index]])
    if _OFFICE_OF_BODY.match(capitals[index].text) and index > 0:
        issuer = f"{issuer} {_body_name([capitals[index - 1]])}"
    note("issuer", capitals[index])
    return issuer
