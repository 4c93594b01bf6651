"""Cited documents: "Nghị định số 47/2020/NĐ-CP ngày 09/4/2020 của Chính phủ về ...".

Citations are read from the Căn cứ / Thực hiện / Theo đề nghị lines of the preamble (their
role) and from the body ("theo quy định tại Nghị định số 278/2025/NĐ-CP"). The số hiệu is
kept as printed — slips like "47/2020/NĐ;CP" included — because nlp normalises it and the
conflict check needs to see what was printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.model import CitedDocument, Provenance
from extract.structure.numbering import Line

CITED_KINDS = (
    "Luật",
    "Bộ luật",
    "Pháp lệnh",
    "Nghị định",
    "Nghị quyết",
    "Quyết định",
    "Kế hoạch",
    "Tờ trình",
    "Văn bản",
    "Công văn",
    "Thông tư liên tịch",
    "Thông tư",
    "Chỉ thị",
    "Chương trình",
    "Đề án",
    "Thông báo",
    "Báo cáo",
    "Hướng dẫn",
    "Công điện",
)
# Documents a plan can implement: a decree is a legal basis, never a parent plan.
PLAN_KINDS = frozenset({"Kế hoạch", "Chương trình", "Đề án"})
# Legal instruments: carried out, never implemented as a parent ("Thực hiện Nghị định số …").
LEGAL_KINDS = frozenset({"Luật", "Bộ luật", "Pháp lệnh", "Nghị định", "Thông tư", "Thông tư liên tịch"})

_KIND = "|".join(sorted((re.escape(kind) for kind in CITED_KINDS), key=len, reverse=True))
# số hiệu: "41/KH-UBND", "278/2025/NĐ-CP", "47/2020/NĐ;CP", "/KH-UBND" (number left blank).
# Party documents number with a dash first: "1781-CV/TU", "57-NQ/TW".
_NUMBER = (
    r"(?:\d{1,5}-[A-ZĐ]{1,6}/[0-9A-Za-zĐđ][0-9A-Za-zĐđ.\-–/&]*"
    r"|\d{0,5}\s?/\s?[0-9A-Za-zĐđƯư][0-9A-Za-zĐđƯư.\-–/;&]*)"
)
_DATE_NUMERIC = r"ngày\s*(?P<d1>\d{1,2}|[.…_ ]*)\s*/\s*(?P<m1>\d{1,2}|[.…_ ]*)\s*/\s*(?P<y1>\d{4})"
_DATE_WORDS = r"ngày\s*(?P<d2>\d{1,2}|[.…_ ]*)\s*tháng\s*(?P<m2>\d{1,2}|[.…_ ]*)\s*năm\s*(?P<y2>\d{4})"
_DATE = rf"(?:{_DATE_NUMERIC}|{_DATE_WORDS})"
_CITATION = re.compile(
    rf"(?P<kind>{_KIND})\s+(?:(?P<name>[^;,()]{{0,120}}?)\s+)?(?:số\s*:?\s*)?(?P<number>{_NUMBER})"
    rf"(?:\s*,?\s*{_DATE})?"
)
_ISSUER_CUT = re.compile(
    r"\s+(?:về\s+việc|về|V/v|phê\s+duyệt|ban\s+hành|quy\s+định|hướng\s+dẫn|sửa\s+đổi|triển\s+khai|tại|"
    r"thực\s+hiện|trên)\b|[,;(]|\.(?:\s|$)",
    re.IGNORECASE,
)
_TITLE_LEAD = re.compile(r"^(?:về\s+việc|về|V/v|phê\s+duyệt|ban\s+hành)\s+", re.IGNORECASE)
# ", UBND phường X xây dựng Kế hoạch như sau:": the citing sentence goes on with its own subject.
_MAIN_CLAUSE = (
    r",\s+(?=(?:Ủy\s+ban|Uỷ\s+ban|UBND|Hội\s+đồng|HĐND|Sở|Ban|Phòng)\b[^,;]{0,80}?\b"
    r"(?:xây\s+dựng|ban\s+hành|triển\s+khai|thực\s+hiện)\s+(?:Kế\s+hoạch|Quyết\s+định|Chương\s+trình|"
    r"Đề\s+án|Phương\s+án|Hướng\s+dẫn|Quy\s+chế|văn\s+bản|như\s+sau|các\s+nội\s+dung))"
)
_SENTENCE_END = re.compile(rf";|\.\s+(?=[A-ZĐÀ-Ỹ])|{_MAIN_CLAUSE}|\.?\s*$")
_ROLE_BY_OPENING = (
    (re.compile(r"^Căn\s+cứ\b", re.IGNORECASE), "basis"),
    (re.compile(r"^Thực\s+hiện\b", re.IGNORECASE), "implements"),
    (re.compile(r"^(?:Theo|Xét)\s+đề\s+nghị\b", re.IGNORECASE), "proposal"),
)
# The document's own number printed in its appendix: not a citation.
_SELF_REFERENCE = re.compile(r"^\(?\s*(?:Ban\s+hành\s+)?kèm\s+theo\b", re.IGNORECASE)
_PROPOSER = re.compile(r"đề\s+nghị\s+của\s+(?P<who>.+?)\s+tại\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DateParts:
    iso: str  # "" when the day or month is blank
    raw: str
    year: int | None


def parse_date(match: re.Match[str]) -> DateParts:
    """Read the date groups of a _DATE match (numeric or in words)."""
    day = (match.group("d1") if match.group("y1") else match.group("d2")) or ""
    month = (match.group("m1") if match.group("y1") else match.group("m2")) or ""
    year_text = match.group("y1") or match.group("y2") or ""
    inner = DATE_PATTERN.search(match.group(0))
    raw = re.sub(r"\s+", " ", inner.group(0) if inner else match.group(0)).strip()
    year = int(year_text) if year_text else None
    if day.strip().isdigit() and month.strip().isdigit() and year:
        d, m = int(day), int(month)
        if 1 <= d <= 31 and 1 <= m <= 12:
            return DateParts(f"{year:04d}-{m:02d}-{d:02d}", raw, year)
    return DateParts("", raw, year)


DATE_TEXT = _DATE
DATE_PATTERN = re.compile(_DATE)


def line_role(text: str) -> str:
    for pattern, role in _ROLE_BY_OPENING:
        if pattern.match(text):
            return role
    return "cited"


def find_citations(lines: list[Line], *, source: str, preamble_end: int) -> list[CitedDocument]:
    """Every cited document, each số hiệu once (the first mention, completed by later ones)."""
    found: list[CitedDocument] = []
    for index, line in enumerate(lines):
        if _SELF_REFERENCE.match(line.text):
            continue
        role = line_role(line.text) if index < preamble_end else "cited"
        for cited in _citations_in(line, role, source):
            found.append(cited)
    return _merge(found)


def _citations_in(line: Line, role: str, source: str) -> list[CitedDocument]:
    text = line.text
    out: list[CitedDocument] = []
    for match in _CITATION.finditer(text):
        number = match.group("number").replace(" ", "").rstrip(".;,–-")
        # A bare date or fraction ("22/10/2025") is not a số hiệu: those always carry letters.
        if not re.search(r"[A-Za-zĐđ]", number) or re.search(r"\bngày\b", match.group("name") or ""):
            continue
        if number.startswith("/"):
            number = ""  # "Kế hoạch số /KH-UBND": cited before it was numbered; found later by title
        out.append(_record(line, match, role, source, number, text[match.end() :]))
    return out


def _record(line: Line, match: re.Match[str], role: str, source: str, number: str, after: str) -> CitedDocument:
    date = parse_date(match) if (match.group("y1") or match.group("y2")) else DateParts("", "", None)
    # The lazy name group can swallow the "số" before the number.
    name = re.sub(r"(?:^|\s+)số\s*:?$", "", (match.group("name") or "").strip())
    issuer, title = _issuer_and_title(after)
    if not issuer and role == "proposal":
        proposer = _PROPOSER.search(line.text[: match.start()])
        issuer = proposer.group("who").strip() if proposer else ""
    if name and not title:
        title = name  # "Luật Dữ liệu số 60/2024/QH15": the law's name is its title
    return CitedDocument(
        kind=match.group("kind"),
        number=number,
        date=date.iso,
        date_raw=date.raw,
        issuer=issuer,
        title=title,
        role=role,
        provenance=Provenance(file=source, page=line.page, line=line.line, raw=line.text),
    )


def _issuer_and_title(after: str) -> tuple[str, str]:
    """From the text after the number and date: "của UBND tỉnh X về việc Y; ..." → (UBND tỉnh X, Y)."""
    rest = after.strip()
    issuer = ""
    owner = re.match(r"^,?\s*của\s+", rest, re.IGNORECASE)
    if owner:
        rest = rest[owner.end() :]
        cut = _ISSUER_CUT.search(rest)
        issuer = (rest[: cut.start()] if cut else rest).strip()
        rest = rest[cut.start() :].strip() if cut else ""
    lead = _TITLE_LEAD.match(rest)
    if lead is None and not re.match(r"^(?:quy\s+định|hướng\s+dẫn|sửa\s+đổi)\b", rest, re.IGNORECASE):
        return issuer, ""
    if lead is not None:
        rest = rest[lead.end() :]
    end = _SENTENCE_END.search(rest)
    title = rest[: end.start()] if end else rest
    return issuer, title.strip().rstrip(".,;:")


def _merge(found: list[CitedDocument]) -> list[CitedDocument]:
    """One record per document: the first mention, with date/issuer/title/role taken from later ones."""
    merged: dict[str, CitedDocument] = {}
    order: list[str] = []
    for cited in found:
        key = _key(cited)
        if key not in merged:
            merged[key] = cited
            order.append(key)
            continue
        first = merged[key]
        update: dict[str, str] = {}
        if not first.date and cited.date:
            update.update(date=cited.date, date_raw=cited.date_raw)
        if not first.issuer and cited.issuer:
            update["issuer"] = cited.issuer
        if not first.title and cited.title:
            update["title"] = cited.title
        if first.role == "cited" and cited.role != "cited":
            update["role"] = cited.role
        if update:
            merged[key] = first.model_copy(update=update)
    return [merged[key] for key in order]


def _key(cited: CitedDocument) -> str:
    if cited.number:
        # Slips of one document's number compare equal: "NĐ;CP" and "NĐ-CP".
        return re.sub(r"[\s;–]", "-", cited.number.upper())
    return f"{cited.kind}:{cited.title.lower()}:{cited.date}"
