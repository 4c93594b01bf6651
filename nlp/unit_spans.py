"""Unit spans in running text: where the units an assignment names begin and end, and what they resolve to.

Split from :mod:`nlp.frames` (which reads the frames: subject, partners, deadline) to keep each module under the
project's ~600 lines; the frames import everything from here and re-export the public names, so importers of
``nlp.frames`` do not change. What is a unit is decided by the registry-backed resolver
(:func:`nlp.units.resolve_units`); the frame words (:mod:`nlp.frame_words`) only say where a span ends.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from extract.model import UnitMention
from nlp.frame_words import (  # the vocabulary
    _ACTION_VERBS,
    _FRAME_RE,
    _HARD_STOP_RE,
    _HEAD_RE,
    _MAX_PLAIN_WORDS,
    _MAX_SUBJECT_WORDS,
    _PERSON_RE,
    _PLURAL,
    _SENTENCE_STOP_RE,
    _UNIT_CLASS_RE,
)
from nlp.registry import get_registry
from nlp.unit_patterns import PATTERN_SCORE
from nlp.units import BARE_MINISTER_RE, OFFICIAL_TITLE, resolve_units


@dataclass(frozen=True, slots=True)
class UnitSpan:
    """Units as printed at ``text[start:end]`` with their resolutions."""

    text: str
    start: int
    end: int
    mentions: tuple[UnitMention, ...]


_PLURAL_RE = re.compile(_PLURAL, re.IGNORECASE)
_VERB_LIKE_RE = re.compile(r"tổ\s+chức|hội|cơ\s+sở|bộ|ban\s+hành", re.IGNORECASE)  # nouns that open verbs too


# A post without its unit is a person's: "Trưởng/Phó Bộ môn quản lý học phần có trách nhiệm duyệt đề thi" (TB
# 731/TB-ĐHTĐ 2025) read "Trưởng" as the registry's "Trường" (a school: the names are compared without their marks).
_POST_ONLY_RE = re.compile(rf"{OFFICIAL_TITLE}|Phó", re.IGNORECASE)


def _mention_ok(mention: UnitMention, *, first: bool = False) -> bool:
    if not mention.collective and _POST_ONLY_RE.fullmatch(mention.raw.strip(" ,/")):
        return False  # a class of heads stands for its units ("Bộ trưởng, Thủ trưởng cơ quan ngang bộ, …")
    # The head of a class stands for it ("Thủ trưởng cơ quan ngang bộ", "Chủ tịch UBND các tỉnh, thành phố").
    body = _HEAD_RE.sub("", mention.raw)
    if _PERSON_RE.search(body):
        return False
    if mention.collective:
        if BARE_MINISTER_RE.match(mention.raw):
            return True  # "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, …": the ministers stand for their ministries
        plural = bool(_PLURAL_RE.match(body))
        return bool(_UNIT_CLASS_RE.match(body)) and (plural or not first or not _VERB_LIKE_RE.match(body))
    return bool(mention.unit_id)


@dataclass(frozen=True, slots=True)
class Context:
    """Where the document stands: its locality and issuer resolve "UBND tỉnh", "Văn phòng Sở"."""

    locality: str = ""
    issuer: str = ""


_NO_CONTEXT = Context()


@lru_cache(maxsize=20_000)
def _resolve(text: str, context: Context) -> tuple[UnitMention, ...]:
    return tuple(resolve_units(text, locality=context.locality, issuer=context.issuer))


def _accepted(text: str, context: Context, *, whole: bool) -> tuple[UnitMention, ...] | None:
    """Mentions of ``text`` when it names units: all of them (``whole``), else the first and half of them.

    Long lists bounded by a frame word mix classes with things that are not units ("các Chủ đầu tư,
    các Cơ quan chủ trì Dự án, Tiểu dự án, Nội dung thành phần"); they are printed as one subject.
    """
    body = _HEAD_RE.sub("", text)
    if not body or _PERSON_RE.match(body):
        return None
    mentions = _resolve(body, context)
    if not mentions:
        return None
    if whole and not all(_mention_ok(m) for m in mentions):
        return None
    if not _mention_ok(mentions[0], first=True) or 2 * sum(_mention_ok(m) for m in mentions) < len(mentions):
        return None
    return mentions


def _may_open_a_unit(text: str) -> bool:
    """The text opens with a registry head word (Sở, Phòng, UBND, Công an …) or a plural unit noun."""
    body = _HEAD_RE.sub("", text.lstrip())
    if _UNIT_CLASS_RE.match(body):
        return True
    registry = get_registry()
    words = body.split()
    if registry.signature(" ".join(words[:4])).head:
        return True
    # A name without a head word that is a registry name as printed: "Viện Kiểm sát nhân dân tỉnh, Tòa án nhân dân
    # tỉnh" (KH phòng, chống ma túy, Lâm Đồng 2026: "4.5. Đề nghị Viện Kiểm sát …" over its duties).
    return any(registry.signature(" ".join(words[:count])).text in registry.by_signature for count in range(2, 6))


def ends_with_a_unit_head(text: str) -> bool:
    """Whether ``text`` ends with the opening words of a unit's name ("…, Văn phòng", "… Sở"): a line that a name
    runs on from, in a copy that broke its lines ("2. Định kỳ 06 (sáu) tháng hoặc đột xuất, Văn phòng / UBND tỉnh
    báo cáo …", QĐ 98/2025/QĐ-UBND Nghệ An as Markdown)."""
    words = text.rstrip().split()
    if not words or words[-1][-1:] in ".;:!?)":
        return False
    return any(_may_open_a_unit(" ".join(words[-count:])) for count in (1, 2) if count <= len(words))


_WORD_RE = re.compile(r"\S+")


def _word_ends(text: str, count: int) -> list[int]:
    """Where each of the first ``count`` words of ``text`` ends (fewer when it has fewer)."""
    # Read once per prefix search: finding every word of a long paragraph again for each prefix length
    # was ~5 % of extracting a typed document.
    return [match.end() for match in itertools.islice(_WORD_RE.finditer(text), count)]


def units_at(text: str, start: int, context: Context, *, stop: re.Pattern[str] = _FRAME_RE) -> UnitSpan | None:
    """The units named at ``text[start:]``, up to the first frame word or punctuation.

    When a frame word bounds the span and its first unit resolves, the whole span is the subject
    (long lists of classes: "Thủ trưởng các cơ quan, đơn vị, địa phương, các Chủ đầu tư …");
    otherwise the longest prefix whose every piece resolves ("Sở Kế hoạch và Đầu tư rà soát …").
    """
    rest = text[start:]
    named = _named_class_list(rest, start, context, stop)
    if named is not None:
        return named
    listed = _listed_subject(rest, start, context, stop)
    if listed is not None:
        return listed
    hard = _HARD_STOP_RE.search(rest)
    limit = hard.start() if hard else len(rest)
    frame = stop.search(rest, 0, limit)
    bounded = _bounded_subject(rest, start, context, frame, limit)
    if bounded is not None:
        return bounded
    scope = rest[: frame.start() if frame is not None else limit]
    if frame is None:
        # Without a frame word the resolver's collective would run on into the predicate ("Các sở, ban, ngành,
        # huyện, thị xã xây dựng kế hoạch hoạt động khoa", CT 09/2009/CT-UBND Bình Dương 1.b): a lower-case action
        # verb after exactly named units or a class ends them, as it does before a frame word.
        named = _named_before_a_verb(scope, start, context, class_at_a_level=True)
        if named is not None:
            return named
    return _longest_prefix(scope, start, context)


# A list of bare class nouns ("các bộ, ngành, địa phương") is no name: a verb right after it ends the class
# ("… cử lãnh đạo, cán bộ đầu mối", CV 4214/BCA-C04 2025), where a frame word would come too late.
_CLASS_NOUN = r"(?:bộ|sở|ban|ngành|cơ\s+quan|đơn\s+vị|địa\s+phương|tổ\s+chức|hội|đoàn\s+thể|doanh\s+nghiệp)"
_CLASS_LIST_RE = re.compile(
    rf"^(?:Thủ\s+trưởng\s+)?{_PLURAL}{_CLASS_NOUN}(?:\s*,\s*{_CLASS_NOUN})+(?=\s+[^\W\d_])", re.IGNORECASE
)
# Verbs that qualify a class rather than act: "các sở, ngành liên quan / thuộc tỉnh / được giao / có liên quan".
_QUALIFYING_VERBS = frozenset({"liên quan", "có", "thuộc", "trực thuộc", "được", "là"})


def class_list_end(text: str) -> int | None:
    """Where a list of bare class nouns ends when a verb follows it ("các bộ, ngành, địa phương | cử …")."""
    listed = _CLASS_LIST_RE.match(text)
    if listed is None or not text[listed.end() :].lstrip()[:1].islower():
        return None
    from underthesea import pos_tag  # the tagger's model loads on first use: only for such lists

    words = pos_tag(text[listed.end() :].lstrip())
    if words and words[0][1] == "V" and words[0][0].lower() not in _QUALIFYING_VERBS:
        return listed.end()
    return None


def _bounded_subject(
    rest: str, start: int, context: Context, frame: re.Match[str] | None, limit: int
) -> UnitSpan | None:
    """The span up to a frame word, or a label up to its colon, when its first unit resolves."""
    if frame is not None:
        candidate, most = rest[: frame.start()].rstrip(" ,"), _MAX_SUBJECT_WORDS
        verb = class_list_end(candidate)
        if verb is not None:
            candidate = candidate[:verb]
    elif limit < len(rest) and rest[limit] == ":":
        # A label closed by its colon ("Hiệp hội Doanh nghiệp tỉnh, Báo Quảng Ngãi:"): the first unit decides.
        candidate, most = rest[:limit].rstrip(" ,"), _MAX_PLAIN_WORDS
    else:
        return None
    if not candidate:
        return None
    if len(candidate.split()) > most:
        # A long label is a list of units when every piece is one, exactly: "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam
        # tỉnh, Liên đoàn Lao động, Hội Liên hiệp Phụ nữ, Hội Nông dân, Hội Cựu chiến binh, Tỉnh đoàn: Chỉ đạo …"
        # (KH PCMT đến 2030, Lâm Đồng 2025).
        # A parenthesis qualifies a unit ("Văn phòng Ủy ban nhân dân tỉnh (Trung tâm Phục vụ hành chính công tỉnh):",
        # CV chỉ số CCHC Lâm Đồng 2025): read by the plain prefix, without it, as before.
        long_label = frame is None and "(" not in candidate and len(candidate.split()) <= _MAX_SUBJECT_WORDS
        listed = _accepted(candidate, context, whole=True) if long_label else None
        if listed is None or not all(m.collective or m.score >= 1.0 for m in listed):
            return None
        return UnitSpan(candidate, start, start + len(candidate), listed)
    if frame is not None:
        named = _named_before_a_verb(candidate, start, context)
        if named is not None:
            return named
    mentions = _accepted(candidate, context, whole=False)
    return UnitSpan(candidate, start, start + len(candidate), mentions) if mentions is not None else None


# A lower-case action verb after exactly named units opens the predicate, however far the frame word is: "Văn
# phòng Chính phủ theo dõi, đôn đốc việc thực hiện …" (CV 464/TTg-CĐS 2026) was read as one unit up to "thực
# hiện", a name the office pattern made of the verbs. Names holding such words in lower case ("Ban quản lý các
# khu công nghiệp") have no exact prefix before them, and keep the span to the frame word.
_NOUN_VERB_RE = re.compile(r"tổ\s+chức|quản\s+lý|xây\s+dựng")
# A class run on from a level, or from a list of local governments: "… các huyện, thị xã xây dựng kế hoạch …" (CT
# 09/2009/CT-UBND Bình Dương), "… UBND các huyện, thành, thị xây dựng Kế hoạch rà soát …" (a Phú Thọ letter, 2011).
_ENDS_AT_A_LEVEL_RE = re.compile(
    r"(?:(?<![^\W\d_])cấp\s+(?:xã|huyện|tỉnh)|,\s*(?:thị\s+xã|thị\s+trấn|thành\s+phố|thành|thị|huyện|quận|xã|phường))$",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(r"(?<![^\W\d_])được(?![^\W\d_])")
_LOWER_ACTION_RE = re.compile(rf"\s(?-i:{_ACTION_VERBS})(?![^\W\d_])")


def _named_before_a_verb(
    candidate: str, start: int, context: Context, *, class_at_a_level: bool = False
) -> UnitSpan | None:
    verb = _LOWER_ACTION_RE.search(candidate)
    if verb is None:
        return None
    prefix = candidate[: verb.start()].rstrip(" ,")
    if _PASSIVE_RE.search(prefix):
        return None  # the verb may be the class's own: "Cơ quan, đơn vị được giao nhiệm vụ theo dõi …" (KH CCHC 2026)
    mentions = _accepted(prefix, context, whole=True) if prefix else None
    if mentions is None:
        return None
    if not all(m.collective or (m.unit_id and m.score >= 1.0) for m in mentions):
        # A division named by its shape ("phòng Quản lý Công nghiệp") is ended by a verb as an exact name is: "Giao
        # phòng Quản lý Công nghiệp triển khai, thực hiện …" (KH 2242 of Sở Công Thương Lào Cai, 2026) invented a
        # "Phòng Quản lý Công nghiệp triển khai". Not by "quản lý" or "xây dựng", which such names hold in lower case
        # ("Trung tâm Giám định chất lượng xây dựng").
        shaped = all(m.collective or (m.unit_id and m.score >= PATTERN_SCORE) for m in mentions)
        if not shaped or re.match(r"quản\s+lý|xây\s+dựng", verb.group(0).strip()):
            return None
    # After a class noun the verbs that are also nouns name more units ("Các cơ quan, tổ chức chính trị - xã hội") or
    # go on with its name ("các cơ quan chủ trì quản lý 02 Chương trình MTQG", TB 565 Quảng Ngãi); run on from a
    # level they are the verb ("… và Ủy ban nhân dân cấp xã tổ chức tổng kết …", KH PCMT đến 2030, Lâm Đồng 2025).
    noun_verb = _NOUN_VERB_RE.match(verb.group(0).strip()) or class_at_a_level
    if any(m.collective for m in mentions) and noun_verb and not _ENDS_AT_A_LEVEL_RE.search(prefix):
        return None
    return UnitSpan(prefix, start, start + len(prefix), mentions)


# The supreme courts and procuracy are no local unit: the registry's "Viện kiểm sát nhân dân" is the province's.
_CENTRAL_TAIL_RE = re.compile(r"tối\s+cao(?![^\W\d_])", re.IGNORECASE)


def _longest_prefix(scope: str, start: int, context: Context) -> UnitSpan | None:
    """The longest prefix of ``scope`` whose every piece resolves, an exact one before a fuzzy one."""
    count = min(len(scope.split()), _MAX_PLAIN_WORDS)
    if not _may_open_a_unit(scope):
        count = min(count, 1)  # no unit kind opens it: not worth a resolution per prefix (long documents)
    fuzzy: UnitSpan | None = None
    ends = _word_ends(scope, count)
    for words in range(count, 0, -1):
        candidate = scope[: ends[words - 1] if words <= len(ends) else 0].rstrip(" ,")
        following = scope[len(candidate) :].lstrip(" ,")
        # A capital after the cut continues a name, unless a person's post opens there ("…, Chủ tịch UBND …").
        capital = following[:1].isupper() and not _PERSON_RE.match(following)
        if candidate.count("(") != candidate.count(")") or capital or following[:1] in ("-", "&", "/"):
            continue  # cut inside a name: "Văn phòng" of "Văn phòng Sở", "Sở Văn hóa" of "Sở Văn hóa, Thể thao …"
        if _CENTRAL_TAIL_RE.match(following):
            return None  # "Viện Kiểm sát nhân dân | tối cao": a central body, not the province's namesake
        if _cuts_a_post(candidate, following):
            continue  # "…, Chủ" of "…, Chủ tịch UBND cấp huyện": half a person's post is no unit
        mentions = _accepted(candidate, context, whole=True)
        if mentions is None:
            continue
        span = UnitSpan(candidate, start, start + len(candidate), mentions)
        # The longest exact name beats a longer fuzzy one that swallowed a verb ("Sở Kế hoạch và Đầu tư rà").
        if all(m.collective or m.score >= 1.0 for m in mentions):
            return span
        fuzzy = fuzzy or span
    return fuzzy


# "các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng": a plural unit noun whose names follow a colon.
_NAMED_CLASS_RE = re.compile(r"(?:các|những)\s+(?P<noun>Sở|Bộ|Ban|Phòng|Cục|Chi\s+cục)\s*:\s*", re.IGNORECASE)
_AND_RE = re.compile(r"\s+và\s+")
_NAME_CONNECTORS = frozenset({"và", "hoặc", "của", "với"})  # a name does not end with them ("Xây dựng và")
_NAME_PIECES = 3  # comma pieces one name may span ("Bộ Văn hóa, Thể thao và Du lịch")


def _named_class_list(rest: str, start: int, context: Context, stop: re.Pattern[str]) -> UnitSpan | None:
    """The units of "các Sở: A, B, C" as the named units "Sở A", "Sở B", "Sở C" (printed text kept).

    Read up to the first frame word or stop; each comma piece is a name after the noun. A piece
    that does not resolve whole may end the list with "và" and a class ("Xây dựng và các cơ quan
    liên quan"); the list stops at the first piece that names nothing, and at least one must resolve.
    """
    opening = _NAMED_CLASS_RE.match(rest)
    if opening is None:
        return None
    noun = opening.group("noun")
    hard = _HARD_STOP_RE.search(rest, opening.end())
    limit = hard.start() if hard else len(rest)
    frame = stop.search(rest, opening.end(), limit)
    scope_end = frame.start() if frame is not None else limit
    mentions: list[UnitMention] = []
    end = 0
    pieces = rest[opening.end() : scope_end].split(",")
    position = opening.end()
    index = 0
    while index < len(pieces):
        # A name may hold commas ("Văn hóa, Thể thao và Du lịch"): the longest run of pieces that resolves.
        for count in range(min(_NAME_PIECES, len(pieces) - index), 0, -1):
            if count > 1 and not pieces[index + count - 1].strip():
                continue  # a blank last piece ("…, Môi trường, | Xây dựng" cut at the verb) would only add a comma
            joined = ",".join(pieces[index : index + count])
            name = joined.strip()
            found = _named(f"{noun} {name}", context) if name else None
            if found is None and name and count == 1:
                found = _named_then_class(noun, name, context)
            if found:
                break
        if not found:
            # The last name runs into the verb when no frame word bounds the list ("…, Xây dựng, Y tế nghiên cứu
            # nội dung …", CV 464/TTg-CĐS 2026): its longest opening words that resolve, before a lower-case word.
            last = _named_before_verb(noun, pieces[index], context)
            if last is not None:
                mentions += last[1]
                end = position + last[0]
            break
        mentions += found
        end = position + len(joined.rstrip())
        position += len(joined) + 1
        index += count
    if not mentions:
        return None
    return UnitSpan(rest[:end], start, start + end, tuple(mentions))


def _named_before_verb(noun: str, piece: str, context: Context) -> tuple[int, list[UnitMention]] | None:
    """(where the name ends in ``piece``, its mention) for "Y tế nghiên cứu …": the name, then lower-case words."""
    words = list(re.finditer(r"\S+", piece))
    # Two names joined by "và" may run past one name's length ("Nông nghiệp và Phát triển nông thôn và Văn phòng
    # Ủy ban nhân dân tỉnh"); only the cuts before a lower-case word are resolved.
    for count in range(min(len(words) - 1, 2 * _MAX_PLAIN_WORDS), 0, -1):
        following = words[count].group(0)
        if not following[:1].islower() or words[count - 1].group(0).lower() in _NAME_CONNECTORS:
            continue
        name = piece[: words[count - 1].end()].strip()
        found = _named(f"{noun} {name}", context) or _named_then_class(noun, name, context)
        if found is not None:
            return words[count - 1].end(), found
    return None


def _named(text: str, context: Context) -> list[UnitMention] | None:
    mentions = _resolve(text, context)
    if len(mentions) == 1 and mentions[0].unit_id and mentions[0].score >= 1.0:
        return list(mentions)
    return None


def _named_then_class(noun: str, name: str, context: Context) -> list[UnitMention] | None:
    """ "Xây dựng và các cơ quan liên quan": a name, then "và" and a class of units or other named units
    ("Nông nghiệp và Phát triển nông thôn và Văn phòng Ủy ban nhân dân tỉnh", TB giải thể hội, Bình Thuận 2024)."""
    for joint in _AND_RE.finditer(name):
        first = _named(f"{noun} {name[: joint.start()]}", context)
        rest = _accepted(name[joint.end() :], context, whole=True)
        if first is None or rest is None:
            continue
        if all(m.collective or (m.unit_id and m.score >= 1.0) for m in rest):
            return first + list(rest)
    return None


def _cuts_a_post(candidate: str, following: str) -> bool:
    """Whether the cut after ``candidate`` splits a person's post ("Chủ" | "tịch UBND …", "Cán" | "bộ …")."""
    last = candidate.split()[-1] if candidate.split() else ""
    post = _PERSON_RE.match(f"{last} {following}")
    return post is not None and post.end() > len(last)


def _listed_subject(rest: str, start: int, context: Context, stop: re.Pattern[str]) -> UnitSpan | None:
    """A subject whose list goes on past a semicolon ("Trưởng các phòng ban, đơn vị; UBND các phường, xã …")."""
    hard = _SENTENCE_STOP_RE.search(rest)
    limit = hard.start() if hard else len(rest)
    semicolon = rest.find(";", 0, limit)
    frame = stop.search(rest, 0, limit)
    # … or a label closed by its colon: "3.c Đề nghị Tòa án nhân dân tỉnh; Viện kiểm sát nhân dân tỉnh:" (CT 07/CT-UBND
    # Quảng Ngãi 2018), its lettered items below.
    end = frame.start() if frame is not None else limit if rest[limit : limit + 1] == ":" else -1
    if semicolon < 0 or end < semicolon:
        return None
    candidate = rest[:end].rstrip(" ,")
    if len(candidate.split()) > _MAX_SUBJECT_WORDS:
        return None
    if any(_accepted(part.strip(), context, whole=False) is None for part in candidate.split(";")):
        return None
    mentions = _accepted(candidate, context, whole=False)
    return UnitSpan(candidate, start, start + len(candidate), mentions) if mentions is not None else None
