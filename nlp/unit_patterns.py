"""Units that the registry does not list, recognised by the shape of their name.

A Sở, a Bộ or a school has sub-units and members no registry can list for every province: "Phòng
Quản lý khoa học", "Trung tâm Thông tin và Thống kê KH&CN", "Trường THCS Hòa Bình". A well-formed
name is a unit-type word (Phòng, Văn phòng, Chi cục, Trung tâm, Ban, Thanh tra, Trường <cấp>, Trạm,
Đội, Bộ phận) followed by a proper name (capitalised, no collective words). Such a mention is a unit
of that kind identified by its normalised name — the registry's signature of the name, so
abbreviations, dashes and tone placement do not change it ("Chi cục TĐC" and "Chi cục Tiêu chuẩn -
Đo lường - Chất lượng" are one unit) — and by where it belongs:

- an internal division (Phòng, Văn phòng, Thanh tra, Bộ phận, Đội) belongs to the agency that
  issued the document when that is not a people's committee (the "Văn phòng Sở" of a decision issued
  by Sở Khoa học và Công nghệ is that Sở's office), or to the agency its name ends with ("Văn phòng
  Sở Y tế"); otherwise to the issuer's locality;
- an organisation of its own (Chi cục, Trung tâm, Ban, Trường, Trạm) belongs to a locality: the
  issuing agency's (a Sở's Chi cục is the province's), else the issuer's.

The score is moderate (``PATTERN_SCORE``, below the registry threshold): the kind is certain, the
name is only read. A name that only points at a parent ("Văn phòng Sở", "Thanh tra Bộ") needs the
issuing agency to know which one; without it the mention stays unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.registry import Registry
from nlp.text import fold

PATTERN_SCORE = 0.75

_HEAD_RE = re.compile(
    r"^(?P<head>văn phòng|vp\.?|phòng|p\.|chi cục|trung tâm|tt\.?|ban|thanh tra|trường|trạm|đội|bộ phận)"
    r"\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
_KINDS = {
    "văn phòng": "van_phong",
    "vp": "van_phong",
    "phòng": "phong",
    "p": "phong",
    "chi cục": "chi_cuc",
    "trung tâm": "trung_tam",
    "tt": "trung_tam",
    "ban": "ban",
    "thanh tra": "thanh_tra",
    "trường": "truong",
    "trạm": "tram",
    "đội": "doi",
    "bộ phận": "bo_phan",
}
KIND_NAMES = {
    "van_phong": "Văn phòng",
    "phong": "Phòng",
    "chi_cuc": "Chi cục",
    "trung_tam": "Trung tâm",
    "ban": "Ban",
    "thanh_tra": "Thanh tra",
    "truong": "Trường",
    "tram": "Trạm",
    "doi": "Đội",
    "bo_phan": "Bộ phận",
}
# Divisions inside an agency: without the agency they have no identity of their own.
INTERNAL_KINDS = frozenset({"van_phong", "phong", "thanh_tra", "bo_phan", "doi"})
# A name that is only a pointer to the parent: "Văn phòng Sở" is the office of *the* Sở.
PARENT_WORDS = frozenset({"sở", "bộ", "cục", "tổng cục", "chi cục", "ủy ban", "ubnd"})
# "Trường <cấp> <tên>": the level of a school comes before its name.
_SCHOOL_LEVEL_RE = re.compile(
    r"^(?:mầm non|mn|tiểu học|th|trung học cơ sở|thcs|trung học phổ thông|thpt|phổ thông|pt|"
    r"tiểu học và trung học cơ sở|th&thcs|th và thcs|thcs&thpt|thcs và thpt|ptdtbt|ptdtnt|"
    r"liên cấp|trung cấp|cao đẳng|đại học)(?:\s+|$)",
    re.IGNORECASE,
)
_SCHOOL_LEVELS = {"th": "tiểu học", "mn": "mầm non", "pt": "phổ thông"}
# Words that make a phrase a description or a group rather than a name.
# "có" is a verb in a sentence run into the name ("Văn phòng Trung ương Đảng có văn bản số 15000-CV/VPTW …", CV
# 402-CV/VPĐU 2025), never a word of a unit's name; nor is a document's number ("số 15000-CV"; "số 1" may be).
# "cấp" not followed by its level word lost it ("Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam cấp tổ chức hội nghị
# …", HD hiệp thương MTTQ Quảng Ninh 2025): the level is unknown, so is the unit.
_NOT_A_NAME_RE = re.compile(
    r"(?<![^\W\d_])(?:các|những|thuộc|trực thuộc|liên quan|chuyên môn|chức năng|khác|được|có)"
    r"(?![^\W\d_])|\bsố\s+\d+\s*[-/]"
    r"|\scấp(?:$|\s+(?!(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)\b))",
    re.IGNORECASE,
)
# A kind's word that opens another word, not a unit: "BAN HÀNH QUY CHẾ" (a decision's title read as a lead, QĐ
# 102/2025/QĐ-UBND Phú Thọ, QĐ Lai Châu and Thái Nguyên 2025), "Phòng, chống …", "Đội ngũ cán bộ".
_NOT_A_KIND = {"ban": {"hanh"}, "phong": {"chong", "ngua", "tranh"}, "doi": {"ngu"}}
# A second unit after a separator makes the text a list ("Bộ phận Một cửa/Công an"), not one name.
_LIST_RE = re.compile(
    r"[/;]|(?:,|\s-\s|\svà\s|&)\s*(?:phòng|văn phòng|sở|bộ|cục|chi cục|công an|ubnd|ủy ban|trung tâm|ban|"
    r"trạm|trường|đội|thanh tra|bộ phận|kho bạc|ngân hàng|bảo hiểm|hội)(?![^\W\d_])",
    re.IGNORECASE,
)
_MAX_NAME_WORDS = 12


@dataclass(frozen=True)
class NamedUnit:
    kind: str  # phong, van_phong, chi_cuc, ...
    name: str  # the proper name as printed: "Quản lý khoa học"
    key: str  # normalised name: "quan_ly_khoa_hoc"
    parent_ref: str  # "so" when the name only points at the parent ("Văn phòng Sở"), else ""

    @property
    def type_id(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def display(self) -> str:
        return f"{KIND_NAMES[self.kind]} {self.name}"


def named_unit(text: str, registry: Registry) -> NamedUnit | None:
    """'Phòng Quản lý khoa học' → NamedUnit('phong', 'Quản lý khoa học', 'quan_ly_khoa_hoc', ''); None if not a name."""
    match = _HEAD_RE.match(text)
    if match is None:
        return None
    kind = _KINDS[match.group("head").lower().rstrip(".")]
    rest = match.group("rest").strip()
    words = rest.split()
    if len(words) > _MAX_NAME_WORDS or _NOT_A_NAME_RE.search(rest) or _LIST_RE.search(rest):
        return None
    lowered = rest.lower()
    if lowered in PARENT_WORDS:
        return NamedUnit(kind, rest, fold(lowered).replace(" ", "_"), fold(lowered).replace(" ", "_"))
    name_for_key = rest
    if kind == "truong":
        level = _SCHOOL_LEVEL_RE.match(rest)
        if level is None or not rest[level.end() :].strip():
            return None  # "Trường học", "Trường THCS": a kind of school, not one school
        # "TH", "MN", "PT" are too short to be registry abbreviations; before a school's name they are sure.
        level_words = level.group(0).strip().lower()
        name_for_key = f"{_SCHOOL_LEVELS.get(level_words, level_words)} {rest[level.end() :]}"
    first = words[0]
    if fold(first) in _NOT_A_KIND.get(kind, ()):
        return None
    if not any(character.isalpha() for character in rest):
        return None  # "Phòng 0": a number is no name
    if not (first[0].isupper() or first[0].isdigit()):
        return None  # "phòng chuyên môn", "trung tâm y tế" written as a common noun
    signature = registry.signature(name_for_key)
    key = "_".join(signature.text.split())
    if not key:
        return None
    return NamedUnit(kind, rest, key, "")
