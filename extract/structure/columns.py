"""What a table column means, from its header wording — and, where the header misleads, its cells.

Headers vary freely across documents ("Đơn vị quản lý", "Cơ quan, đơn vị chủ trì cung cấp",
"Bộ phận quản lý"...), so matching is on accent-folded, lower-cased keywords, never on exact
strings. Both the table stitcher (which column is the row number, which is unit-like) and the
catalog mapper use this one vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from rapidfuzz import fuzz, process

from extract.markup import fold


class ColumnRole(StrEnum):
    NUMBER = "number"
    TITLE = "title"
    DESCRIPTION = "description"
    UNIT = "unit"
    SHARING = "sharing"
    FREQUENCY = "frequency"
    NOTE = "note"
    SOURCE = "source"  # how data is collected ("Cơ chế thu thập, nguồn dữ liệu"): not a catalog field
    TASK = "task"  # Nhiệm vụ / Nội dung công việc: the mark of a task table
    DEADLINE = "deadline"  # Thời gian / Thời hạn / Tiến độ
    OTHER = "other"


_NUMBER = re.compile(r"^(stt|tt|so tt|s tt|so thu tu|thu tu|so)$")
_SOURCE = re.compile(r"co che|nguon du lieu|nguon thu thap|phuong thuc thu thap|cach thuc thu thap")
_SHARING = re.compile(r"chia se|muc do mo|muc do cong khai|hinh thuc cong khai|pham vi cong khai")
_FREQUENCY = re.compile(r"tan suat|chu ky|dinh ky|thoi gian cap nhat|tan xuat")
_UNIT = re.compile(r"don vi(?! tinh)|co quan|bo phan|chu quan|chu tri")
_NOTE = re.compile(r"^ghi chu")
_DESCRIPTION = re.compile(r"^mo ta|noi dung|thong tin|pham vi|muc dich|truong du lieu|thanh phan")
_TITLE = re.compile(
    r"^ten (tap |bo |nhom |loai |danh muc )?(du lieu|co so du lieu|csdl|dich vu|he thong)"
    r"|^(tap |bo )?du lieu$|^ten danh muc"
    r"|^danh muc( du lieu| csdl)?$|^ten$|^(ten )?co so du lieu$|^ten csdl|^csdl$"
)
_TASK = re.compile(r"^(ten )?nhiem vu|noi dung (cong viec|nhiem vu)|^cong viec|^san pham|^ket qua")
_DEADLINE = re.compile(r"thoi gian|thoi han|tien do|^nam hoan thanh")


# Canonical header wordings, for labels that match no keyword because a scan garbled one letter
# ("Tên cổ sự dữ liệu" for "Tên cơ sở dữ liệu"): one misread header cell must not lose a catalog.
_CANONICAL_HEADERS: tuple[tuple[str, ColumnRole], ...] = (
    ("ten tap du lieu", ColumnRole.TITLE),
    ("ten du lieu", ColumnRole.TITLE),
    ("ten co so du lieu", ColumnRole.TITLE),
    ("mo ta noi dung", ColumnRole.DESCRIPTION),
    ("don vi quan ly", ColumnRole.UNIT),
    ("ten don vi quan ly", ColumnRole.UNIT),
    ("co quan don vi chu tri cung cap", ColumnRole.UNIT),
    ("muc do chia se", ColumnRole.SHARING),
    ("hinh thuc chia se du lieu", ColumnRole.SHARING),
    ("tan suat cap nhat", ColumnRole.FREQUENCY),
    ("tan suat cung cap", ColumnRole.FREQUENCY),
)
_FUZZY_MIN_LENGTH = 8
_FUZZY_MIN_SCORE = 88.0


def header_role(label: str) -> ColumnRole:
    """The meaning of one header label (markup already removed)."""
    text = re.sub(r"[^\w\s]", " ", fold(label))
    text = " ".join(text.split())
    if not text:
        return ColumnRole.OTHER
    role = _keyword_role(text)
    if role is ColumnRole.OTHER and len(text) >= _FUZZY_MIN_LENGTH:
        best = process.extractOne(
            text, [phrase for phrase, _ in _CANONICAL_HEADERS], scorer=fuzz.ratio, score_cutoff=_FUZZY_MIN_SCORE
        )
        if best is not None:
            return _CANONICAL_HEADERS[best[2]][1]
    return role


def _keyword_role(text: str) -> ColumnRole:
    if _NUMBER.match(text):
        return ColumnRole.NUMBER
    if _TASK.search(text):
        return ColumnRole.TASK
    if _SOURCE.search(text):
        return ColumnRole.SOURCE
    if _SHARING.search(text) and not text.startswith("mo ta"):
        return ColumnRole.SHARING
    if _FREQUENCY.search(text):
        return ColumnRole.FREQUENCY
    if _DEADLINE.search(text):
        return ColumnRole.DEADLINE
    if "phoi hop" in text:
        return ColumnRole.OTHER  # partner units: the catalog's unit is the one in charge
    if _UNIT.search(text):
        return ColumnRole.UNIT
    if _NOTE.search(text):
        return ColumnRole.NOTE
    if _TITLE.search(text):
        return ColumnRole.TITLE
    if _DESCRIPTION.search(text):
        return ColumnRole.DESCRIPTION
    return ColumnRole.OTHER


# Values that state a sharing/openness level, at the start of a cell: "Có thể mở", "Nội bộ/ theo
# quy định", "Chia sẻ theo quy định", "Theo QĐ", "Dữ liệu mở, được chia sẻ theo hình thức mặc định".
_SHARING_VALUE = re.compile(
    r"^(co the |du lieu |duoc |muc do |chi )?(mo|cong khai|noi bo|chia se|theo quy dinh|theo qd"
    r"|theo phan quyen|han che|mat|toi mat|tuyet mat|mac dinh|theo yeu cau"
    r"|khong chia se|khong cong khai|dung chung)\b"
)


_NOT_SHARING = re.compile(r"^(mo ta|mat (bang|do|hang|cat))\b")


def is_sharing_value(value: str) -> bool:
    """A cell stating a sharing level: short ("Có thể mở", "Nội bộ") or an explicit "chia sẻ" sentence."""
    folded = fold(value)
    if not _SHARING_VALUE.match(folded) or _NOT_SHARING.match(folded):
        return False
    return len(folded.split()) <= 8 or "chia se" in folded or "cong khai" in folded


def mostly_sharing(values: Sequence[str], *, threshold: float = 0.6) -> bool:
    """True when most non-empty values of a column are sharing-level phrases."""
    filled = [value for value in values if value.strip()]
    if not filled:
        return False
    return sum(1 for value in filled if is_sharing_value(value)) / len(filled) >= threshold


_ROW_NUMBER = re.compile(r"^(\d{1,4}(\.\d{1,3}){0,3}\.?|[IVXLC]{1,6}\.?|[a-zđ]\)|[A-Z]\.?)$")


def looks_like_row_number(value: str) -> bool:
    return bool(_ROW_NUMBER.match(value.strip()))


_ROMAN = re.compile(r"^[IVXLC]{1,6}\.?$")
_LETTER = re.compile(r"^[A-ZĐ]\.?$")


def is_group_number(value: str) -> bool:
    """Roman numerals and capital letters number groups ("I", "II.", "A"); arabic numbers number rows."""
    value = value.strip()
    return bool(_ROMAN.match(value) or _LETTER.match(value))


def roles_for_header(labels: Sequence[str]) -> list[ColumnRole]:
    """Roles by header wording; a role claimed twice keeps its first column, later ones become OTHER."""
    roles: list[ColumnRole] = []
    seen: set[ColumnRole] = set()
    for label in labels:
        role = header_role(label)
        if role in seen and role not in (ColumnRole.OTHER, ColumnRole.SOURCE):
            role = ColumnRole.OTHER
        seen.add(role)
        roles.append(role)
    return roles
