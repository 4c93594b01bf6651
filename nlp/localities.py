"""Localities: where a unit belongs ("xã Đông Cứu", "tỉnh Hưng Yên", the class "cấp huyện thuộc …").

``parse_locality`` reads a place from an issuer or a title, ``split_locality_suffix`` the level
and place a mention ends with ("Công an xã", "UBND cấp huyện", "Chi nhánh tỉnh Hưng Yên"), and
``unit_locality`` decides a resolved unit's locality from its scope, that suffix and the document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from nlp.text import fold, normalize_text

NATIONAL = "Việt Nam"
EDGE_PUNCT = " \t.,;:-+*•/"

_LEVEL_RANK = {
    "quốc gia": 0,
    "tỉnh": 1,
    "thành phố": 1,
    "huyện": 2,
    "thị xã": 2,
    "quận": 2,
    "xã": 3,
    "phường": 3,
    "thị trấn": 3,
}
_LEVEL_WORD_RE = r"(?:tỉnh|thành phố|TP\.?|huyện|thị xã|quận|xã|phường|thị trấn)"
_ISSUER_LOCALITY_RE = re.compile(
    rf"\b({_LEVEL_WORD_RE})\s+((?:[A-ZĐ0-9][^\s,;.()]*)(?:\s+[A-ZĐ0-9][^\s,;.()]*)*)"
)

# Capitalised words that start a body's name or the national motto, never a place's: an issuer read with the next
# header line glued on ("UBND tỉnh Lào Cai Văn Phòng", "Sở Công thương tỉnh Lào Cai Cộng Hõa Xã Hội …", session 19)
# must not make "Lào Cai Văn Phòng" a province. "Phòng" alone stays: "Hải Phòng".
_PLACE_ENDS = re.compile(
    r"\s+(?=(?:Văn\s+Phòng|Cộng\s+H[oòõ]a|Cộng\s+Hoà|Độc\s+Lập|[ỦU][yỷ]\s+Ban|UBND|HĐND|Hội\s+Đồng|Sở|Trung\s+Tâm|"
    r"Chi\s+Cục)(?![^\W\d_]))",
    re.IGNORECASE,
)


_MOTTO = re.compile(r"\bcộng\s+h(?:òa|oà|õa)\s+xã\s+hội\b", re.IGNORECASE)


@dataclass(frozen=True)
class Locality:
    """A hierarchical place: parts from the most specific, e.g. (("xã", "Đông Cứu"), ("tỉnh", "Bắc Ninh"))."""

    parts: tuple[tuple[str, str], ...]

    @cached_property  # a document's locality is asked for its text once per mention resolved
    def text(self) -> str:
        return ", ".join(f"{level} {name}" for level, name in self.parts)

    @property
    def level(self) -> str:
        return self.parts[0][0] if self.parts else ""

    def at_rank(self, rank: int) -> str | None:
        for level, name in self.parts:
            if _LEVEL_RANK.get(level, 9) == rank:
                return f"{level} {name}"
        return None


def level_rank(level: str) -> int:
    """'tỉnh' → 1, 'huyện' → 2, 'xã' → 3; 9 for no level (a place not read)."""
    return _LEVEL_RANK.get(level, 9)


def _canonical_level(word: str) -> str:
    lowered = word.lower().rstrip(".")
    return "thành phố" if lowered == "tp" else lowered


@lru_cache(maxsize=4096)
def parse_locality(text: str) -> Locality:
    """'xã Đông Cứu, tỉnh Bắc Ninh' → Locality((('xã','Đông Cứu'),('tỉnh','Bắc Ninh')))."""
    parts: list[tuple[str, str]] = []
    # The motto holds a level word of its own: "CỘNG HÒA XÃ HỘI …" would give a commune "Hội Chủ Nghĩa Việt Nam".
    text = _MOTTO.split(normalize_text(text), maxsplit=1)[0]
    for match in _ISSUER_LOCALITY_RE.finditer(text):
        level = _canonical_level(match.group(1))
        name = _PLACE_ENDS.split(match.group(2), maxsplit=1)[0].strip()
        if name and all(existing != level for existing, _ in parts):
            parts.append((level, name))
    parts.sort(key=lambda part: -_LEVEL_RANK.get(part[0], 9))
    return Locality(tuple(parts))


@lru_cache(maxsize=4096)
def locality_of_issuer(issuer: str) -> str:
    """'UBND xã Đông Cứu' → 'xã Đông Cứu'; 'ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH' → 'tỉnh Hà Tĩnh'."""
    text = normalize_text(issuer or "")
    if text.isupper():
        text = " ".join(
            word.lower() if word.lower() in _LEVEL_SYLLABLES else word.capitalize() for word in text.split()
        )
    return parse_locality(text).text


_LEVEL_SYLLABLES = {syllable for level in _LEVEL_RANK for syllable in level.split()}


_TWO_WORD_LEVELS = {("thành", "phố"), ("thị", "xã"), ("thị", "trấn")}
_ONE_WORD_LEVELS = {"tỉnh", "huyện", "quận", "xã", "phường", "tp", "tp."}
_LEVEL_SYLLABLE_HINTS = ("tỉnh", "huyện", "quận", "xã", "phường", "tp", "phố", "trấn")
_LEVEL_HINT_RE = re.compile("|".join(_LEVEL_SYLLABLE_HINTS))
_CONNECTOR_ENDINGS = ("-", "và", ",", "&", "/")
_LEVEL_LAST_SYLLABLES = _ONE_WORD_LEVELS | {last for _, last in _TWO_WORD_LEVELS}


def _is_place_word(word: str) -> bool:
    # A dash joins the two halves of the wards named in 2025 after their old city: "phường Xuân Hương - Đà Lạt".
    return bool(word) and (word[0].isupper() or word[0].isdigit() or word in ("-", "–"))


@lru_cache(maxsize=20_000)
def split_locality_suffix(name: str) -> tuple[str, tuple[bool, str, str]]:
    """'Công an xã' → ('Công an', (False, 'xã', '')); 'UBND cấp huyện' → ('UBND', (True, 'huyện', ''));
    'Chi nhánh tỉnh Hưng Yên' → ('Chi nhánh', (False, 'tỉnh', 'Hưng Yên')).

    The place name after a level word must be capitalised, and a capitalised level word that ends
    a name after a connector ("Văn hóa - Xã Hội") is part of the name, not a locality.
    """
    lowered = name.lower()
    if not _LEVEL_HINT_RE.search(lowered):
        return name, (False, "", "")
    tokens = name.split()
    low = lowered.split()  # lower() maps no character to or from whitespace: the same tokens
    count = len(tokens)
    for tail_start in range(count, 0, -1):
        if tail_start < count and not _is_place_word(tokens[tail_start]):
            break  # the tail must be all place words; growing it further cannot help
        if low[tail_start - 1] not in _LEVEL_LAST_SYLLABLES:
            continue  # no level word ends here
        level = ""
        if tail_start >= 2 and (low[tail_start - 2], low[tail_start - 1]) in _TWO_WORD_LEVELS:
            level, base_tokens = f"{low[tail_start - 2]} {low[tail_start - 1]}", tokens[: tail_start - 2]
        elif low[tail_start - 1] in _ONE_WORD_LEVELS:
            level, base_tokens = low[tail_start - 1], tokens[: tail_start - 1]
        if not level:
            continue
        is_class = bool(base_tokens) and base_tokens[-1].lower() == "cấp"
        if is_class:
            base_tokens = base_tokens[:-1]
            if [token.lower() for token in base_tokens[-2:]] == ["địa", "bàn"]:
                # "Ủy ban nhân dân địa bàn cấp xã" (KH-KMT Lâm Đồng 3.9): the committees of the communes, the class
                base_tokens = base_tokens[:-2]
        base = " ".join(base_tokens).strip(EDGE_PUNCT)
        if not base or base_tokens[-1] in _CONNECTOR_ENDINGS:
            return name, (False, "", "")
        return base, (is_class, _canonical_level(level), " ".join(tokens[tail_start:]))
    return name, (False, "", "")


def unit_locality(
    scope: str, level_hint: tuple[bool, str, str], doc_locality: Locality, doc_text: str
) -> tuple[str, str]:
    """Where a unit belongs: (locality text, reason)."""
    is_class, level_word, place_name = level_hint
    if place_name:
        return f"{level_word} {place_name}", "địa danh nêu trong tên / place named in the mention"
    if scope == "national":
        return NATIONAL, "đơn vị trung ương / national unit"
    if level_word:
        rank = _LEVEL_RANK.get(level_word, 9)
        doc_rank = _LEVEL_RANK.get(doc_locality.level, 9) if doc_locality.parts else 9
        if is_class or (doc_locality.parts and rank > doc_rank):
            return (
                f"cấp {level_word} thuộc {doc_text or '?'}",
                "nhóm đơn vị cấp dưới / class of lower-level units",
            )
        same = doc_locality.at_rank(rank)
        if same:
            return same, "cấp nêu trong tên, địa bàn của văn bản / level named, locality from issuer"
        return f"{level_word} của {doc_text or '?'}", "cấp trên chưa rõ địa danh / upper level, place unknown"
    if scope == "province" and doc_locality.parts and _LEVEL_RANK.get(doc_locality.level, 9) > 1:
        province = doc_locality.at_rank(1)
        if province:
            return province, "đơn vị cấp tỉnh của tỉnh chứa địa bàn / province-level unit"
        return f"tỉnh của {doc_text}", "đơn vị cấp tỉnh, chưa rõ tỉnh / province-level unit, province unknown"
    if doc_locality.parts:
        # The most specific part only, so a commune's units keep one id whether or not the
        # document also named its province.
        level, name = doc_locality.parts[0]
        return f"{level} {name}", "địa bàn của cơ quan ban hành / issuer's locality"
    return doc_text, "địa bàn của cơ quan ban hành / issuer's locality"


# A level word (with its place, if named) and then a lowercase word that is no place: the unit's name ended at the
# level and the sentence runs on ("Văn phòng UBND tỉnh phân loại, làm rõ …", QĐ Nghệ An 2025 on voters' petitions;
# "Ban Thường trực Ủy ban MTTQ Việt Nam xã xây dựng hướng dẫn", HD MTTQ xã Lương Minh 2025). Words that go on
# naming a unit or its place after a level word are not that: "xã hội", "tỉnh ủy", "đặc khu kinh tế", "… thuộc …".
_LEVEL_THEN_WORD_RE = re.compile(
    r"\s(?i:(?:cấp\s+)?(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|thị\s+trấn|đặc\s+khu))"
    r"(?:\s+[A-ZĐ0-9][^\s,;.()]*)*\s+(?P<next>[^\W\d_]+)"
)
_NAMING_ON = frozenset(
    {"hội", "ủy", "uỷ", "kinh", "và", "hoặc", "cùng", "với", "thuộc", "trực", "trong", "trên", "tại", "của", "có"}
)


def name_before_predicate(text: str) -> str:
    """'Văn phòng UBND tỉnh phân loại' → 'Văn phòng UBND tỉnh'; "" when no level word is followed by a predicate."""
    for match in _LEVEL_THEN_WORD_RE.finditer(text):
        word = match.group("next")
        if word[0].islower() and word.lower() not in _NAMING_ON:
            return text[: match.start("next")].rstrip()
    return ""


@lru_cache(maxsize=1)
def _provinces_by_fold() -> dict[str, str]:
    names = json.loads(resources.files("nlp").joinpath("data/provinces.json").read_text(encoding="utf-8"))["names"]
    return {fold(name): name for name in names}


def known_place_spelling(place: str) -> str:
    """``place`` as a province is spelt, when it is that province's name with other marks (an OCR's "Cân Thơ" for "Cần
    Thơ", KH 1146/KH-ĐHTĐ 2025); any other place as printed. The tone's place ("Thanh Hoá") is no other mark."""
    known = _provinces_by_fold().get(fold(place))
    if known is None or normalize_text(known) == normalize_text(place):
        return place
    return known


# The Party committee a body belongs to says its level: "Ban Thường vụ Huyện ủy" is a district's, whatever the
# document's place. rd19a's registry entries read it at the issuer's province (session 19): a wrong unit.
_PARTY_LEVEL = (
    (re.compile(r"\btỉnh\s+ủy\b", re.IGNORECASE), {"tỉnh"}),
    # A Thành ủy is a centrally-run city's (rank of a province) or a provincial city's: only "thành phố" fits it.
    (re.compile(r"\bthành\s+ủy\b", re.IGNORECASE), {"thành phố"}),
    (re.compile(r"\bhuyện\s+ủy\b", re.IGNORECASE), {"huyện"}),
    (re.compile(r"\bquận\s+ủy\b", re.IGNORECASE), {"quận"}),
    (re.compile(r"\bthị\s+ủy\b", re.IGNORECASE), {"thị xã"}),
    (re.compile(r"\bđảng\s+ủy\s+(?:xã|phường|thị\s+trấn)\b", re.IGNORECASE), {"xã", "phường", "thị trấn"}),
)


def party_level_fits(name: str, place: str) -> bool:
    """False when the name holds a Party committee of another level than the place the unit would be put at."""
    text = normalize_text(name).replace("uỷ", "ủy").replace("Uỷ", "Ủy")
    for pattern, levels in _PARTY_LEVEL:
        if pattern.search(text):
            return parse_locality(place).level in levels
    return True
