"""Unit mentions → (canonical unit type, locality).

A cell or a task line may name several units ("- Sở GD&ĐT (đơn vị trực thuộc Sở); - UBND cấp
huyện (…)", "Bộ phận Một cửa/Công an", "Phòng Kinh tế xã, Công an xã và các phòng liên quan").
``resolve_units`` splits it, keeps parenthesised text and trailing verb phrases ("phối hợp thu thập,
cung cấp") as qualifiers, marks collective phrases ("các cơ quan, đơn vị liên quan") as collectives
and resolves each named unit against the registry.

Identity is ``unit_type@locality``: "Phòng Kinh tế" of xã Đông Cứu and of xã Sơn Hải are the same
type but different units. The locality comes from the document's issuer, refined by what the
mention itself says ("Công an tỉnh" in a commune plan is the province's police; "UBND cấp huyện"
in a province plan is the class of district committees of that province).

Every mention carries a score and reasons; below the threshold it stays unresolved with its best
candidates — a unit is never silently mapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import cast

import numpy as np
from rapidfuzz import fuzz, process

from extract.model import UnitMention
from nlp.registry import Registry, Signature, get_registry
from nlp.text import normalize_text

RESOLVE_THRESHOLD = 0.86
_AMBIGUITY_MARGIN = 0.04
NATIONAL = "Việt Nam"

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
_QUALIFIER_TAIL_RE = re.compile(
    r"\s+((?:phối hợp|chủ trì|thu thập|cung cấp|cập nhật|tổng hợp|làm đầu mối|chịu trách nhiệm)"
    r"\b.*)$",
    re.IGNORECASE,
)
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_AFTER_PAREN_RE = re.compile(r"(?<=\))\s*,?\s*")
_HARD_SPLIT_RE = re.compile(r"\s*[;\n]\s*")
_BULLET_RE = re.compile(r"^[-+•*]\s*")
# " - " is also where two bulleted lines of one cell meet once joined ("- Sở Xây dựng - UBND cấp
# huyện"); the segmentation keeps "Văn hóa - Xã hội" whole because only the whole name resolves.
_SOFT_SPLIT_RE = re.compile(r"(?:,\s+|\s+và\s+|\s*/\s*|\s+-\s+|\s+cùng\s+|\s+với\s+)", re.IGNORECASE)
_SOFT_HINT_RE = re.compile(r",|/| - | và | cùng | với ")
_COLLECTIVE_START_RE = re.compile(
    r"^(?:các|những|mọi|toàn bộ|tất cả)\b|^(?:cơ quan|đơn vị|tổ chức|địa phương|ngành)\b.*(?:liên quan|thuộc|"
    r"trực thuộc|khác)?",
    re.IGNORECASE,
)
_COLLECTIVE_WORDS_RE = re.compile(r"\b(?:liên quan|có liên quan)\b", re.IGNORECASE)
_LABEL_RE = re.compile(
    r"^(?:đơn vị|cơ quan)\s+(?:chủ trì|phối hợp|thực hiện|quản lý)[^:]*:\s*", re.IGNORECASE
)
_EDGE_PUNCT = " \t.,;:-+*•/"


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


def _canonical_level(word: str) -> str:
    lowered = word.lower().rstrip(".")
    return "thành phố" if lowered == "tp" else lowered


@lru_cache(maxsize=4096)
def parse_locality(text: str) -> Locality:
    """'xã Đông Cứu, tỉnh Bắc Ninh' → Locality((('xã','Đông Cứu'),('tỉnh','Bắc Ninh')))."""
    parts: list[tuple[str, str]] = []
    for match in _ISSUER_LOCALITY_RE.finditer(normalize_text(text)):
        level = _canonical_level(match.group(1))
        name = match.group(2).strip()
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
    return bool(word) and (word[0].isupper() or word[0].isdigit())


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
        base = " ".join(base_tokens).strip(_EDGE_PUNCT)
        if not base or base_tokens[-1] in _CONNECTOR_ENDINGS:
            return name, (False, "", "")
        return base, (is_class, _canonical_level(level), " ".join(tokens[tail_start:]))
    return name, (False, "", "")


@dataclass(frozen=True)
class _Match:
    unit_id: str
    score: float
    reasons: tuple[str, ...]
    candidates: tuple[str, ...]


def _match_signature(registry: Registry, sig: Signature) -> _Match:
    cached = registry.match_cache.get(sig)
    if cached is None:
        cached = _match_signature_uncached(registry, sig)
        if len(registry.match_cache) < 100_000:
            registry.match_cache[sig] = cached
    return cast(_Match, cached)


def _match_signature_uncached(registry: Registry, sig: Signature) -> _Match:
    exact = registry.by_signature.get(sig.text)
    if exact:
        return _Match(exact, 1.0, (f"tên khớp danh mục '{sig.text}' / exact alias",), ())
    pool = registry.pools.get(sig.head if sig.head else "*")
    if pool is None or not pool.unit_ids:
        return _Match("", 0.0, ("không có tên cùng loại trong danh mục / no registry name of this kind",), ())
    scores = process.cdist([sig.rest], pool.rests, scorer=fuzz.ratio)[0] / 100.0
    if sig.has_unknown and sig.acronym:
        acronym_scores = process.cdist([sig.acronym], pool.acronyms, scorer=fuzz.ratio)[0] / 100.0 * 0.98
        scores = np.maximum(scores, np.where([bool(a) for a in pool.acronyms], acronym_scores, 0.0))
    if not sig.head:
        # Without a head word the whole name must be close, head included.
        text_scores = process.cdist([sig.text], pool.texts, scorer=fuzz.ratio)[0] / 100.0
        scores = np.where(pool.headed, np.minimum(scores, text_scores), scores)
    best: dict[str, float] = {}
    for index in np.argsort(-scores)[:12]:
        unit_id, score = pool.unit_ids[int(index)], float(scores[int(index)])
        if score > best.get(unit_id, -1.0):
            best[unit_id] = score
    ranked = sorted(best.items(), key=lambda item: -item[1])[:3]
    top_id, top_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    candidates = tuple(f"{uid}:{score:.2f}" for uid, score in ranked)
    if top_score >= RESOLVE_THRESHOLD and top_score - second >= _AMBIGUITY_MARGIN:
        return _Match(
            top_id,
            round(top_score, 3),
            (f"khớp gần đúng '{sig.text}' ({top_score:.2f}) / fuzzy match",),
            candidates,
        )
    reason = "dưới ngưỡng" if top_score < RESOLVE_THRESHOLD else "nhập nhằng giữa các ứng viên"
    return _Match(
        "", round(top_score, 3), (f"{reason} ({top_score:.2f}) / below threshold or ambiguous",), candidates
    )


def _unit_locality(
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


@dataclass(frozen=True)
class _Piece:
    text: str
    qualifier: str


def _clean_piece(text: str) -> str:
    return text.strip(_EDGE_PUNCT + "()")


def _is_collective(text: str) -> bool:
    # match, not search: the pattern is anchored, and search would still try every position.
    return bool(_COLLECTIVE_START_RE.match(text))


@lru_cache(maxsize=100_000)
def _resolve_one(text: str, qualifier: str, locality: str, level_hint: str) -> UnitMention:
    registry = get_registry()
    doc_locality = parse_locality(locality)
    doc_text = doc_locality.text or normalize_text(locality)
    if _is_collective(text):
        return UnitMention(
            raw=text,
            qualifier=qualifier,
            collective=True,
            score=1.0,
            reasons=["cụm chỉ nhóm đơn vị, không phải một đơn vị / collective phrase"],
        )
    base, suffix = split_locality_suffix(text)
    if level_hint and not suffix[1]:
        suffix = (False, level_hint, "")
    sig = registry.signature(base)
    match = _match_signature(registry, sig)
    if not match.unit_id:
        if _COLLECTIVE_WORDS_RE.search(text):
            return UnitMention(
                raw=text,
                qualifier=qualifier,
                collective=True,
                score=0.9,
                reasons=["cụm có 'liên quan', không khớp đơn vị / collective by wording"],
            )
        return UnitMention(
            raw=text,
            qualifier=qualifier,
            score=match.score,
            reasons=list(match.reasons),
            candidates=list(match.candidates),
        )
    unit = registry.units[match.unit_id]
    unit_locality, locality_reason = _unit_locality(unit.scope, suffix, doc_locality, doc_text)
    return UnitMention(
        raw=text,
        qualifier=qualifier,
        unit_type=unit.id,
        canonical_name=unit.name,
        level=unit.level,
        locality=unit_locality,
        unit_id=f"{unit.id}@{unit_locality}",
        score=match.score,
        reasons=[*match.reasons, locality_reason],
        candidates=list(match.candidates),
    )


def _piece_value(mention: UnitMention) -> float:
    if mention.collective:
        return 0.9
    if mention.unit_id:
        return mention.score
    return -1.0


def _segment(segment: str, qualifier: str, locality: str, level_hint: str) -> list[UnitMention]:
    """Best split of one hard segment at commas, 'và', slashes and dashes.

    Every piece must be a unit or a collective; an unresolved piece costs more than any split gains.
    """
    lowered = segment.lower()
    if not _SOFT_HINT_RE.search(lowered) or not _SOFT_SPLIT_RE.search(segment):
        text = _clean_piece(segment)
        single = [_resolve_one(text, "", locality, level_hint)] if text else []
        return _with_qualifier(single, qualifier)
    whole_text = _clean_piece(segment)
    whole = _resolve_one(whole_text, "", locality, level_hint) if whole_text else None
    if whole is not None and whole.unit_id and whole.score >= 1.0:
        # The whole segment is a registry name ("Sở Văn hóa, Thể thao và Du lịch"): no split can beat it.
        return _with_qualifier([whole], qualifier)
    pieces = [p for p in _SOFT_SPLIT_RE.split(segment) if p is not None]
    separators = _SOFT_SPLIT_RE.findall(segment)
    if len(pieces) > 12:  # a paragraph, not a cell: resolve it whole rather than explode the search
        pieces, separators = [segment], []
    count = len(pieces)
    best: list[tuple[float, list[UnitMention]] | None] = [None] * (count + 1)
    best[0] = (0.0, [])
    for end in range(1, count + 1):
        for start in range(end):
            prefix = best[start]
            if prefix is None:
                continue
            text = pieces[start]
            for k in range(start + 1, end):
                text += separators[k - 1] + pieces[k]
            text = _clean_piece(text)
            if not text:
                mention_value, mentions = 0.0, []
            else:
                mention = _resolve_one(text, "", locality, level_hint)
                mention_value, mentions = _piece_value(mention) - 0.1, [mention]
            total = prefix[0] + mention_value
            current = best[end]
            if current is None or total > current[0] + 1e-9:
                best[end] = (total, [*prefix[1], *mentions])
    final = best[count]
    return _with_qualifier(final[1] if final else [], qualifier)


def _with_qualifier(mentions: list[UnitMention], qualifier: str) -> list[UnitMention]:
    if qualifier and mentions:
        last = mentions[-1]
        joined = qualifier if not last.qualifier else f"{last.qualifier}; {qualifier}"
        mentions[-1] = last.model_copy(update={"qualifier": joined})
    return mentions


_QUALIFIER_HINTS = (
    "phối hợp",
    "chủ trì",
    "thu thập",
    "cung cấp",
    "cập nhật",
    "tổng hợp",
    "đầu mối",
    "trách nhiệm",
)
_QUALIFIER_HINT_RE = re.compile("|".join(_QUALIFIER_HINTS))


def _attach_paren_qualifiers(segment: str) -> tuple[str, str]:
    qualifiers: list[str] = []
    text = segment
    if "(" in segment:
        qualifiers = [q.strip() for q in _PAREN_RE.findall(segment) if q.strip()]
        text = " ".join(_PAREN_RE.sub(" ", segment).split())
    lowered = text.lower()
    if not _QUALIFIER_HINT_RE.search(lowered):
        return text.strip(_EDGE_PUNCT), "; ".join(qualifiers)
    tail = _QUALIFIER_TAIL_RE.search(text)
    if tail and tail.start() > 0:
        qualifiers.append(tail.group(1).strip(_EDGE_PUNCT))
        text = text[: tail.start()]
    return text.strip(_EDGE_PUNCT), "; ".join(qualifiers)


@lru_cache(maxsize=100_000)
def _resolve_units_cached(raw: str, locality: str, level_hint: str) -> tuple[UnitMention, ...]:
    # Second cache level on the normalised text: "Phòng Kinh tế.", "Phòng Kinh tế;" and
    # "Phòng  Kinh tế" are one resolution.
    return _resolve_normalized(normalize_text(raw).strip(_EDGE_PUNCT), locality, level_hint)


# "UBND các huyện, thành phố, thị xã" is the class "UBND cấp huyện", not a list of three units.
_CLASS_LIST_RE = re.compile(
    r"\b(UBND|Ủy ban nhân dân|ủy ban nhân dân)\s+các\s+(huyện|quận|xã|phường)"
    r"(?:\s*,\s*(?:thành phố|thị xã|thị trấn|phường|quận|xã|huyện))*"
)


@lru_cache(maxsize=100_000)
def _resolve_normalized(text: str, locality: str, level_hint: str) -> tuple[UnitMention, ...]:
    if " các " in text:
        text = _CLASS_LIST_RE.sub(lambda m: f"{m.group(1)} cấp {m.group(2)}", text)
    if ":" in text:
        text = _LABEL_RE.sub("", text)
    mentions: list[UnitMention] = []
    for segment in _HARD_SPLIT_RE.split(text) if (";" in text or "\n" in text) else (text,):
        segment = segment.strip()
        if segment[:1] in ("-", "+", "•", "*"):
            segment = _BULLET_RE.sub("", segment)
        segment = segment.strip(_EDGE_PUNCT)
        if not segment:
            continue
        # Qualifiers go to the unit just before them; split the segment at each parenthesis.
        chunks = _AFTER_PAREN_RE.split(segment) if ")" in segment else [segment]
        for chunk in chunks:
            body, qualifier = _attach_paren_qualifiers(chunk)
            if body:
                mentions.extend(_segment(body, qualifier, locality, level_hint))
    return tuple(mentions)


def resolve_units(raw: str, *, locality: str = "", level_hint: str = "") -> list[UnitMention]:
    """Split a cell into unit mentions and resolve each to (unit type, locality). Never raises."""
    if not isinstance(raw, str) or not raw.strip():
        return []
    try:
        return list(_resolve_units_cached(raw, locality or "", level_hint or ""))
    except Exception as exc:  # noqa: BLE001 - lenient by contract: a bad cell becomes an unresolved mention
        return [UnitMention(raw=raw, reasons=[f"lỗi khi phân tích: {exc} / resolution failed"])]


def resolve_single(text: str, *, locality: str = "") -> UnitMention:
    """Resolve ``text`` as one unit name (no splitting); used by the running-text entity finder."""
    body, qualifier = _attach_paren_qualifiers(normalize_text(text))
    return _resolve_one(body, qualifier, locality or "", "")


def clear_caches() -> None:
    """Forget cached resolutions (after the registry changed)."""
    for cached in (
        _resolve_one,
        _resolve_units_cached,
        _resolve_normalized,
        parse_locality,
        locality_of_issuer,
    ):
        cached.cache_clear()


def unit_key(mentions: list[UnitMention]) -> str:
    """The identity of a cell: unit ids of its named units, in printed order, joined by '+'."""
    return "+".join(m.unit_id for m in mentions if not m.collective and m.unit_id)
