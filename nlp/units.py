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

A division of the agency that issued the document ("Văn phòng Sở" in a Sở's decision) takes that
agency as its parent: ``so_khcn.van_phong_so@tỉnh Phú Thọ``. A well-formed name the registry does
not list ("Phòng Quản lý khoa học", "Trường THCS Hòa Bình") is read by ``nlp.unit_patterns`` with
a moderate score, never mapped onto another registry unit.

Every mention carries a score and reasons; below the threshold it stays unresolved with its best
candidates — a unit is never silently mapped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from extract.model import UnitMention
from nlp.localities import (
    EDGE_PUNCT,
    Locality,
    locality_of_issuer,
    name_before_predicate,
    parse_locality,
    party_level_fits,
    split_locality_suffix,
    unit_locality,
)
from nlp.registry import UnitType, get_registry
from nlp.text import normalize_text
from nlp.unit_lists import rewrite_lists
from nlp.unit_match import RESOLVE_THRESHOLD, Match, match_signature
from nlp.unit_patterns import INTERNAL_KINDS, KIND_NAMES, PARENT_WORDS, PATTERN_SCORE, NamedUnit, named_unit

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
# "cùng" joins two units ("Sở Y tế cùng Sở Tài chính") but not in "cùng cấp", the actor's own level.
_SOFT_SPLIT_RE = re.compile(r"(?:,\s+|\s+và\s+|\s*/\s*|\s+-\s+|\s+cùng\s+(?!cấp\b)|\s+với\s+)", re.IGNORECASE)
_SOFT_HINT_RE = re.compile(r",|/| - | và | cùng | với ")
_DASH_ONLY_RE = re.compile(r"(?:\s+-\s+ ?)+")
_COLLECTIVE_START_RE = re.compile(
    r"^(?:các|những|mọi|toàn bộ|tất cả)\b|^(?:cơ quan|đơn vị|tổ chức|địa phương|ngành)\b.*(?:liên quan|thuộc|"
    r"trực thuộc|khác)?"
    # "Sở, ban, ngành, Ủy ban nhân dân huyện, thị xã là đầu mối …" (CT 09/2009/CT-UBND Bình Dương), "Bộ, ngành liên
    # quan": the kinds listed without "các" are the class all the same; "Sở" alone heads one named unit.
    r"|^(?:sở|bộ)\s*,\s*(?:ban|ngành)\b"
    # A national body's addressees "UBND các tỉnh, thành phố trực thuộc Trung ương": every province, no one unit.
    r"|^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+các\s+tỉnh\b",
    re.IGNORECASE,
)
_COLLECTIVE_WORDS_RE = re.compile(r"\b(?:liên quan|có liên quan)\b", re.IGNORECASE)
_LABEL_RE = re.compile(r"^(?:đơn vị|cơ quan)\s+(?:chủ trì|phối hợp|thực hiện|quản lý)[^:]*:\s*", re.IGNORECASE)
_EDGE_PUNCT = EDGE_PUNCT
_DANGLING_RE = re.compile(r"\s(?:và|&)$", re.IGNORECASE)  # a name cut after its connector
_SAME_LEVEL_RE = re.compile(r"\scùng\s+cấp(?![^\W\d_])", re.IGNORECASE)  # "UBND cùng cấp": the actor's level
# The head of a unit stands for the unit it heads ("Giám đốc Công an tỉnh" → Công an tỉnh, "Chủ tịch UBND cấp
# xã" → UBND cấp xã, "Thủ trưởng/Giám đốc các Sở" → the class), as "Thủ trưởng các cơ quan …" always did
# (docs/gold-conventions.md: lead_raw as printed, the key the unit's). "Chánh" only before its units
# (Chánh Thanh tra, Chánh Văn phòng, Chánh án); a deputy ("Phó Giám đốc", "Phó Chủ tịch") is a person.
_OFFICIAL_TITLE = (
    r"(?:Thủ\s+trưởng|Người\s+đứng\s+đầu|Lãnh\s+đạo|Giám\s+đốc|Viện\s+trưởng|Chi\s+cục\s+trưởng|Cục\s+trưởng|"
    r"Vụ\s+trưởng|Bộ\s+trưởng|Hiệu\s+trưởng|Chủ\s+tịch|Chánh\s+án|Chánh(?=\s+(?:Văn\s+phòng|Thanh\s+tra))|Trưởng)"
)
_OWN_PLACE_TAIL_RE = re.compile(r"\s+(?:trong|trên\s+địa\s+bàn)\s+tỉnh$", re.IGNORECASE)
# Since 2025 the central agencies' local offices are regional and numbered: "Chi cục Hải quan khu vực XIII", "Ngân
# hàng Nhà nước Chi nhánh Khu vực 10", "Kho bạc Nhà nước khu vực XV" (KH phòng, chống ma túy, Lâm Đồng 2026). The region
# is the office's place, as a province is: the unit is the agency's, the region kept as printed and as its qualifier.
_REGION_TAIL_RE = re.compile(r"\s+khu\s+vực\s+(?:[IVXL]+|\d{1,2})$", re.IGNORECASE)
OFFICIAL_TITLE = _OFFICIAL_TITLE  # a head's title alone, read by the frames (nlp.frames)
OFFICIAL_HEAD_RE = re.compile(rf"^{_OFFICIAL_TITLE}(?:\s*/\s*{_OFFICIAL_TITLE})*\s+(?=\S)", re.IGNORECASE)
# "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch UBND các tỉnh … trực tiếp chỉ đạo" (CV 464/TTg-CĐS 2026): the
# ministers, printed without their ministries, stand for the ministries as a class; no one ministry is named.
BARE_MINISTER_RE = re.compile(r"^Bộ\s+trưởng$", re.IGNORECASE)
# Investors and contractors are given work too ("1. Nhà đầu tư của 02 dự án đường bộ cao tốc …:", TB kết luận cao
# tốc, Lâm Đồng 2026), but they are no state unit: kept as printed, with no unit and no warning of an unknown unit.
NON_STATE_RE = re.compile(r"^(?:các\s+)?(?:nhà\s+đầu\s+tư|nhà\s+thầu)(?![^\W\d_])", re.IGNORECASE)
# Mentions that are a class as printed, with no registry unit: each pattern with the reason shown to reviewers.
_CLASSES_AS_PRINTED = (
    (BARE_MINISTER_RE, "chức danh không kèm tên bộ: các bộ / the ministers: the ministries as a class"),
    (NON_STATE_RE, "chủ thể ngoài bộ máy nhà nước (nhà đầu tư, nhà thầu) / not a state unit, kept as printed"),
)


def _clean_piece(text: str) -> str:
    return text.strip(_EDGE_PUNCT + "()")


def _is_collective(text: str) -> bool:
    # match, not search: the pattern is anchored, and search would still try every position.
    return bool(_COLLECTIVE_START_RE.match(text))


# A division named by its kind alone: in an agency's own document it is that agency's.
_BARE_DIVISIONS = {"van phong": "van_phong", "thanh tra": "thanh_tra"}
# Issuers that are people's committees or councils are places, not agencies with divisions.
_COMMITTEE_LEVELS = frozenset({"ubnd", "hdnd"})


@lru_cache(maxsize=1024)
def _issuing_agency(parent: str, locality: str) -> UnitMention | None:
    """The agency that issued the document ("Sở Khoa học và Công nghệ"), resolved; None for a committee."""
    if not parent.strip():
        return None
    body, _ = _attach_paren_qualifiers(normalize_text(parent))
    mention = _resolve_one(body, "", locality, "", "")
    if (
        mention.unit_id
        and not mention.collective
        and mention.score >= RESOLVE_THRESHOLD
        and mention.level not in _COMMITTEE_LEVELS
        and "." not in mention.unit_type
    ):
        return mention
    return None


def _joined_name(child: str, agency: str) -> str:
    """'Văn phòng Sở' + 'Sở Y tế' → 'Văn phòng Sở Y tế'; 'Phòng Quản lý khoa học' + 'Sở …' → '… - Sở …'."""
    child_words, agency_words = child.split(), agency.split()
    if child_words and agency_words and child_words[-1].lower() == agency_words[0].lower():
        return " ".join([*child_words[:-1], agency])
    return f"{child} - {agency}"


def parent_unit_type(unit_type: str) -> str:
    """The agency a division belongs to ("so_khcn.phong_khtc" → "so_khcn"); "" for a unit that is no division."""
    return unit_type.rsplit(".", 1)[0] if "." in unit_type else ""


def unit_types_agree(first: Iterable[str], second: Iterable[str]) -> bool:
    """Two sets of unit types name the same unit, or one names a division of a unit the other names.

    A dataset managed by "Phòng Kế hoạch - Tài chính" in a Sở's own plan and by that Sở in the
    province's plan is managed consistently; two different divisions of one Sở are not.
    """
    a, b = set(first), set(second)
    return bool(a & b) or any(parent_unit_type(t) in b for t in a) or any(parent_unit_type(t) in a for t in b)


def _sub_unit(
    text: str, qualifier: str, agency: UnitMention, child: tuple[str, str, str], score: float, reasons: list[str]
) -> UnitMention:
    """A division of ``agency``: its type is the agency's type dotted with the child's, its place the agency's."""
    child_type, child_name, level = child
    unit_type = f"{agency.unit_type}.{child_type}"
    return UnitMention(
        raw=text,
        qualifier=qualifier,
        unit_type=unit_type,
        canonical_name=_joined_name(child_name, agency.canonical_name),
        level=level,
        locality=agency.locality,
        unit_id=f"{unit_type}@{agency.locality}",
        score=score,
        reasons=[*reasons, f"đơn vị thuộc {agency.canonical_name} / division of this agency"],
    )


def _needs_parent(unit: UnitType) -> bool:
    words = unit.name.lower().split()
    return len(words) > 1 and (words[-1] in PARENT_WORDS or " ".join(words[-2:]) in PARENT_WORDS)


def _by_pattern(
    text: str,
    named: NamedUnit,
    qualifier: str,
    context: tuple[tuple[bool, str, str], Locality, str, str],
    agency: UnitMention | None,
) -> UnitMention | None:
    """A unit the registry does not list, from its name's shape (nlp.unit_patterns); None if it cannot be placed."""
    suffix, doc_locality, doc_text, locality = context
    reasons = [f"tên đơn vị theo mẫu {KIND_NAMES[named.kind]} + tên riêng / unit by name pattern"]
    if named.parent_ref:
        # "Văn phòng Sở", "Thanh tra Bộ": only the issuing agency says which Sở or Bộ.
        if agency is None or agency.level != named.parent_ref:
            return None
        child = (f"{named.kind}_{named.parent_ref}", named.display, named.kind)
        return _sub_unit(text, qualifier, agency, child, PATTERN_SCORE, reasons)
    if named.kind in INTERNAL_KINDS:
        # "Văn phòng Sở Y tế": the name ends with the agency it belongs to.
        owner = _resolve_one(named.name, "", locality, "", "")
        if owner.unit_id and owner.score >= 1.0 and owner.level not in _COMMITTEE_LEVELS and "." not in owner.unit_type:
            child = (
                f"{named.kind}_{owner.level}",
                f"{KIND_NAMES[named.kind]} {owner.canonical_name.split()[0]}",
                named.kind,
            )
            return _sub_unit(text, qualifier, owner, child, PATTERN_SCORE, reasons)
        if agency is not None:
            child = (named.type_id, named.display, named.kind)
            return _sub_unit(text, qualifier, agency, child, PATTERN_SCORE, reasons)
    if agency is not None and not suffix[1]:
        place, locality_reason = agency.locality, f"địa bàn của {agency.canonical_name} / the agency's locality"
    else:
        place, locality_reason = unit_locality("local", suffix, doc_locality, doc_text)
    if not party_level_fits(named.name, place):
        return None
    return UnitMention(
        raw=text,
        qualifier=qualifier,
        unit_type=named.type_id,
        canonical_name=named.display,
        level=named.kind,
        locality=place,
        unit_id=f"{named.type_id}@{place}",
        score=PATTERN_SCORE,
        reasons=[*reasons, locality_reason],
    )


@lru_cache(maxsize=100_000)
def _resolve_one(text: str, qualifier: str, locality: str, level_hint: str, parent: str) -> UnitMention:
    own_place = _OWN_PLACE_TAIL_RE.search(text)
    if own_place is not None and own_place.start() > 0:
        # "Ủy ban nhân dân cấp huyện trong tỉnh": the document's own province adds nothing to the unit.
        inner = _resolve_one(text[: own_place.start()], qualifier, locality, level_hint, parent)
        if inner.unit_id or inner.collective:
            return inner.model_copy(update={"raw": text})
    region = _REGION_TAIL_RE.search(text)
    if region is not None and region.start() > 0:
        inner = _resolve_one(text[: region.start()], qualifier, locality, level_hint, parent)
        if inner.unit_id:
            place = " ".join(text[region.start() :].split())
            joined = place if not inner.qualifier else f"{inner.qualifier}; {place}"
            return inner.model_copy(update={"raw": text, "qualifier": joined})
    official = OFFICIAL_HEAD_RE.match(text)
    if official is not None:
        headed = _resolve_one(text[official.end() :], qualifier, locality, level_hint, parent)
        if headed.unit_id or headed.collective:
            reason = "chức danh người đứng đầu: đơn vị người đó đứng đầu / the head stands for the unit"
            return headed.model_copy(update={"raw": text, "reasons": [*headed.reasons, reason]})
    for pattern, reason in _CLASSES_AS_PRINTED:
        if pattern.match(text):
            return UnitMention(raw=text, qualifier=qualifier, collective=True, score=1.0, reasons=[reason])
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
    if _SAME_LEVEL_RE.search(text) or _DANGLING_RE.search(text):
        return _incomplete(text, qualifier, locality, parent)
    base, suffix = split_locality_suffix(text)
    if level_hint and not suffix[1]:
        suffix = (False, level_hint, "")
    sig = registry.signature(base)
    match = match_signature(registry, sig)
    cut = name_before_predicate(text) if match.score < 1.0 else ""
    if cut:
        # The name ended at its level or place and the sentence ran on: no unit is named by the whole (a pattern
        # would invent one), and whoever grows a span from the text must stop where the name stops.
        ended = _resolve_one(cut, qualifier, locality, level_hint, parent)
        if ended.unit_id:
            reason = f"tên đơn vị dừng ở '{cut}', phần sau là vị ngữ / the name ends before a predicate"
            return UnitMention(raw=text, qualifier=qualifier, reasons=[reason], candidates=[ended.unit_id])
    agency = _issuing_agency(parent, locality) if parent else None
    unit = registry.units[match.unit_id] if match.unit_id else None
    if unit is None or (unit.generic and match.score < 1.0):
        # Not in the registry, or only close to a generic kind ("Trường THCS Hòa Bình" ~ "Trường THCS").
        named = named_unit(base, registry)
        if named is not None:
            context = (suffix, doc_locality, doc_text, locality)
            by_pattern = _by_pattern(text, named, qualifier, context, agency)
            if by_pattern is not None:
                return by_pattern.model_copy(update={"candidates": list(match.candidates)})
    if unit is None:
        return _unmatched(text, qualifier, match)
    if agency is not None:
        division = _agency_division(text, qualifier, agency, unit, sig.text, match)
        if division is not None:
            return division
    if unit.scope == "agency" and _needs_parent(unit):
        return UnitMention(
            raw=text,
            qualifier=qualifier,
            score=match.score,
            reasons=[
                *match.reasons,
                f"'{unit.name}' thuộc một cơ quan mà văn bản không nêu / division of an agency not named",
            ],
            candidates=[f"{unit.id}:{match.score:.2f}"],
        )
    place, locality_reason = unit_locality(unit.scope, suffix, doc_locality, doc_text)
    return UnitMention(
        raw=text,
        qualifier=qualifier,
        unit_type=unit.id,
        canonical_name=unit.name,
        level=unit.level,
        locality=place,
        unit_id=f"{unit.id}@{place}",
        score=match.score,
        reasons=[*match.reasons, locality_reason],
        candidates=list(match.candidates),
    )


def _incomplete(text: str, qualifier: str, locality: str, parent: str) -> UnitMention:
    """A unit at the actor's level ("UBND cùng cấp": unresolved, the level being the sentence's subject's) or a
    name cut after its connector ("Sở Văn hóa, Thể thao và"): the one registry name it begins, else unresolved."""
    same = _SAME_LEVEL_RE.search(text)
    if same is not None:
        kind = _resolve_one(text[: same.start()], "", locality, "", parent)
        reason = "đơn vị cùng cấp với chủ thể, cấp không nêu / the body at the actor's level, not stated"
        candidates = [kind.unit_type] if kind.unit_type else []
        return UnitMention(raw=text, qualifier=qualifier, reasons=[reason], candidates=candidates)
    registry = get_registry()
    completions = registry.completing(text)
    if len(completions) == 1:
        whole = _resolve_one(registry.units[completions[0]].name, qualifier, locality, "", parent)
        if whole.unit_id:
            reason = "tên bị cắt sau liên từ, một tên trong danh mục bắt đầu như vậy / cut name, one registry name fits"
            return whole.model_copy(update={"raw": text, "score": 0.9, "reasons": [*whole.reasons, reason]})
    reason = "tên bị cắt sau liên từ / name cut after a connector"
    return UnitMention(raw=text, qualifier=qualifier, reasons=[reason], candidates=list(completions[:3]))


def _agency_division(
    text: str, qualifier: str, agency: UnitMention, unit: UnitType, signature: str, match: Match
) -> UnitMention | None:
    """A registry unit read as a division of the issuing agency, or None when it is not one."""
    bare_kind = _BARE_DIVISIONS.get(signature)
    if bare_kind and agency.level != bare_kind:
        # "Văn phòng", "Thanh tra" alone in a Sở's decision: the Sở's own, as "Văn phòng Sở" would say.
        child = (
            f"{bare_kind}_{agency.level}",
            f"{KIND_NAMES[bare_kind]} {agency.canonical_name.split()[0]}",
            bare_kind,
        )
    elif unit.scope == "agency":
        child = (unit.id, unit.name, unit.level)
    else:
        return None
    mention = _sub_unit(text, qualifier, agency, child, match.score, list(match.reasons))
    return mention.model_copy(update={"candidates": list(match.candidates)})


def _unmatched(text: str, qualifier: str, match: Match) -> UnitMention:
    """A phrase the registry does not know: a collective by its wording, else unresolved with its candidates."""
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


def _piece_value(mention: UnitMention) -> float:
    if mention.collective:
        return 0.9
    if mention.unit_id:
        return mention.score
    return -1.0


def _segment(segment: str, qualifier: str, locality: str, level_hint: str, parent: str) -> list[UnitMention]:
    """Best split of one hard segment at commas, 'và', slashes and dashes.

    Every piece must be a unit or a collective; an unresolved piece costs more than any split gains.
    """
    lowered = segment.lower()
    if not _SOFT_HINT_RE.search(lowered) or not _SOFT_SPLIT_RE.search(segment):
        text = _clean_piece(segment)
        single = [_resolve_one(text, "", locality, level_hint, parent)] if text else []
        return _with_qualifier(single, qualifier)
    whole_text = _clean_piece(segment)
    whole = _resolve_one(whole_text, "", locality, level_hint, parent) if whole_text else None
    if whole is not None and whole.unit_id and whole.score >= 1.0:
        # The whole segment is a registry name ("Sở Văn hóa, Thể thao và Du lịch"): no split can beat it.
        return _with_qualifier([whole], qualifier)
    if whole is not None and whole.unit_id and _DASH_ONLY_RE.fullmatch(" ".join(_SOFT_SPLIT_RE.findall(segment))):
        # A name read from its pattern whose only separators are dashes ("Phòng Hành chính - Tổ chức"):
        # the dash joins two halves of one name; a list of units has a unit head after its dash.
        return _with_qualifier([whole], qualifier)
    pieces = [p for p in _SOFT_SPLIT_RE.split(segment) if p is not None]
    separators = _SOFT_SPLIT_RE.findall(segment)
    if len(pieces) > 12:  # a paragraph, not a cell: resolve it whole rather than explode the search
        pieces, separators = [segment], []
    return _with_qualifier(_best_split(pieces, separators, (locality, level_hint, parent)), qualifier)


def _best_split(pieces: list[str], separators: list[str], context: tuple[str, str, str]) -> list[UnitMention]:
    """The mentions of the best grouping of consecutive pieces (dynamic programming over split points).

    ``context`` is (locality, level hint, parent) as :func:`_resolve_one` takes them.
    """
    count = len(pieces)
    best: list[tuple[float, list[UnitMention]] | None] = [None] * (count + 1)
    best[0] = (0.0, [])
    for end in range(1, count + 1):
        for start in range(end):
            prefix = best[start]
            if prefix is None:
                continue
            value, mentions = _piece_mentions(pieces, separators, start, end, context)
            total = prefix[0] + value
            current = best[end]
            if current is None or total > current[0] + 1e-9:
                best[end] = (total, [*prefix[1], *mentions])
    final = best[count]
    return final[1] if final else []


def _piece_mentions(
    pieces: list[str], separators: list[str], start: int, end: int, context: tuple[str, str, str]
) -> tuple[float, list[UnitMention]]:
    """Pieces ``start`` to ``end`` (exclusive) rejoined and resolved as one unit: its value and mention."""
    text = pieces[start]
    for k in range(start + 1, end):
        text += separators[k - 1] + pieces[k]
    text = _clean_piece(text)
    if not text:
        return 0.0, []
    mention = _resolve_one(text, "", *context)
    return _piece_value(mention) - 0.1, [mention]


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
def _resolve_units_cached(raw: str, locality: str, level_hint: str, parent: str) -> tuple[UnitMention, ...]:
    # Second cache level on the normalised text: "Phòng Kinh tế.", "Phòng Kinh tế;" and
    # "Phòng  Kinh tế" are one resolution.
    return _resolve_normalized(normalize_text(raw).strip(_EDGE_PUNCT), locality, level_hint, parent)


@lru_cache(maxsize=100_000)
def _resolve_normalized(text: str, locality: str, level_hint: str, parent: str) -> tuple[UnitMention, ...]:
    text = rewrite_lists(text)
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
                mentions.extend(_segment(body, qualifier, locality, level_hint, parent))
    return tuple(mentions)


def resolve_units(raw: str, *, locality: str = "", level_hint: str = "", issuer: str = "") -> list[UnitMention]:
    """Split a cell into unit mentions and resolve each to (unit type, locality). Never raises.

    ``issuer`` is the document's issuing body: when it is an agency (a Sở, a Bộ …) rather than a
    people's committee, its divisions ("Văn phòng Sở", "Phòng Quản lý khoa học") are its own.
    """
    if not isinstance(raw, str) or not raw.strip():
        return []
    try:
        return list(_resolve_units_cached(raw, locality or "", level_hint or "", issuer or ""))
    except Exception as exc:  # noqa: BLE001 - lenient by contract: a bad cell becomes an unresolved mention
        return [UnitMention(raw=raw, reasons=[f"lỗi khi phân tích: {exc} / resolution failed"])]


def resolve_single(text: str, *, locality: str = "", issuer: str = "") -> UnitMention:
    """Resolve ``text`` as one unit name (no splitting); used by the running-text entity finder."""
    body, qualifier = _attach_paren_qualifiers(normalize_text(text))
    return _resolve_one(body, qualifier, locality or "", "", issuer or "")


def clear_caches() -> None:
    """Forget cached resolutions (after the registry changed)."""
    for cached in (
        _resolve_one,
        _issuing_agency,
        _resolve_units_cached,
        _resolve_normalized,
        parse_locality,
        locality_of_issuer,
    ):
        cached.cache_clear()


def unit_key(mentions: list[UnitMention]) -> str:
    """The identity of a cell: unit ids of its named units, in printed order, joined by '+'."""
    return "+".join(m.unit_id for m in mentions if not m.collective and m.unit_id)
