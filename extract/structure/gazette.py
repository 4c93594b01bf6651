"""A heading that names its issuer, số hiệu and date: the Công báo's form of a document's heading.

Legal databases and Word copies of older documents reprint a document without its national header, under the
heading the official gazette gives it: "CHỈ THỊ / CỦA BỘ THÔNG TIN VÀ TRUYỀN THÔNG SỐ 07/2008/CT-BTTTT / NGÀY 30
THÁNG 12 NĂM 2008 / VỀ ĐẨY MẠNH SỬ DỤNG PHẦN MỀM MÃ NGUỒN MỞ …" (CT 07/2008/CT-BTTTT as a Word 97 file),
"NGHỊ ĐỊNH CỦA CHÍNH PHỦ SỐ 84/2007/NĐ-CP NGÀY 25 THÁNG 5 NĂM 2007 QUY ĐỊNH BỔ SUNG …". The kind line is read as
usual; what follows it, read as the title, holds the issuer, the number, the date and then the title itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.structure.citations import DateParts

# Case-blind: the heading is printed in capitals or, in a transcription, in sentence case ("của Bộ … số …").
_HEADING = re.compile(
    r"^(?:CỦA\s+(?P<issuer>[^\d]{3,120}?)\s+)?SỐ\s*:?\s*(?P<number>\d{1,5}\s*/\s*[0-9A-ZĐ][\w\-/.&]*?)\s*,?\s+"
    r"(?P<date>NGÀY\s+(?P<day>\d{1,2})\s*(?:THÁNG\s+|/\s*)(?P<month>\d{1,2})\s*(?:NĂM\s+|/\s*)(?P<year>\d{4}))"
    r"\s*[,.:;]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
# The office of the person who signs for the body: "Bộ trưởng Bộ Tài chính" issues as "Bộ Tài chính"; a chair's
# committee is read by the issuer rules as a chair's enacting line.
_OFFICE = re.compile(r"^(?:BỘ\s+TRƯỞNG|GIÁM\s+ĐỐC|THỐNG\s+ĐỐC|TỔNG\s+GIÁM\s+ĐỐC)\s+(?=\S)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class GazetteHeading:
    issuer: str  # the body as the heading names it, in capitals ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG"); "" if none
    number: str
    date: DateParts
    title: str


def read_gazette_heading(title: str) -> GazetteHeading | None:
    """The parts of a title that opens with "[của <body>] số <number> ngày <date>", or None."""
    match = _HEADING.match(title.strip())
    # "… ngày 5/3/2020 của UBND tỉnh": a number and date cited with their issuer after them, not a heading.
    if match is None or not match.group("title").strip() or re.match(r"của\b", match.group("title"), re.I):
        return None
    day, month, year = int(match.group("day")), int(match.group("month")), int(match.group("year"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    raw = re.sub(r"\s+", " ", match.group("date"))
    date = DateParts(f"{year:04d}-{month:02d}-{day:02d}", raw, year)
    issuer = _OFFICE.sub("", re.sub(r"\s+", " ", match.group("issuer") or "").strip()).upper()
    number = re.sub(r"\s+", "", match.group("number")).rstrip(".,;")
    return GazetteHeading(issuer=issuer, number=number.upper(), date=date, title=match.group("title").strip())
