"""Assignment frames in running text: which unit is given work, with whom, and by when.

Plans, letters and conclusions assign work in prose as well as in labelled lines:
"Giao Sở Tư pháp chủ trì, phối hợp với các cơ quan liên quan …", "Sở Kế hoạch và Đầu tư rà soát …",
"Văn phòng Sở có trách nhiệm …", "Yêu cầu Thủ trưởng các cơ quan, đơn vị … theo chức năng …",
"… Chủ tịch UBND tỉnh giao Sở Thông tin và Truyền thông chủ trì …". This module reads one
sentence (or an item's opening words) and returns the *subject* (the lead), the partners after
"phối hợp với" and the deadline ("trước ngày 10/02/2025", "trong tháng 3/2025", "Quý III/2026").

What is a unit is decided by the registry-backed resolver (:func:`nlp.units.resolve_units`), never
by a list of names here: a span is a unit when the resolver resolves it, or when it is a class of
units ("UBND các huyện, thị xã, thành phố", "các cơ quan, đơn vị liên quan"). The frame words
(chủ trì, phối hợp, có trách nhiệm, theo chức năng …) only say where the subject ends.

Plain regular expressions over the printed text: spaCy's blank Vietnamese pipeline gives no
parse or tagger to lean on, and a token ``Matcher`` would express the same frames at the cost of
importing spaCy (see docs/nlp.md, "Assignment frames").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.frame_deadlines import deadline_in as deadline_in  # split from this module, re-exported
from nlp.frame_deadlines import sole_deadline_in as sole_deadline_in
from nlp.frame_words import (  # the vocabulary, split from this module
    _ABOUT_RE,
    _ACTION_RE,
    _ADVERBIAL_RE,
    _ASSIGNED_WORK_RE,
    _BASED_ON_THIS_RE,
    _EXECUTION_CLAUSE_RE,
    _FORMULA_WORDS,
    _FRAME_RE,
    _MAX_SUBJECT_WORDS,
    _MID_TRIGGER_RE,
    _OVERSEES_RE,
    _PARTNER_RE,
    _TRIGGER_RE,
    RIGHT_RE,
)
from nlp.frame_words import OPENS_WITH_ACTION_RE as OPENS_WITH_ACTION_RE  # read by the prose tasks too
from nlp.localities import name_before_predicate
from nlp.unit_spans import (  # the spans of units, split from this module; the public names re-exported
    _NO_CONTEXT,
    _accepted,
    _word_ends,  # noqa: F401  (read by tests/test_speed_equivalence17.py as frames._word_ends)
)
from nlp.unit_spans import Context as Context
from nlp.unit_spans import UnitSpan as UnitSpan
from nlp.unit_spans import class_list_end as class_list_end
from nlp.unit_spans import units_at as units_at
from nlp.units import NON_STATE_RE as NON_STATE_RE  # investors, contractors: leads of prose items, no state unit


@dataclass(frozen=True, slots=True)
class Subject:
    """The lead of an assignment: the units, and whether the words after them close a lead-in ("X:")."""

    units: UnitSpan
    triggered: bool  # opened by Giao / Yêu cầu / Đề nghị
    framed: bool  # followed by a frame word (chủ trì, có trách nhiệm, theo chức năng …)
    lead_in: bool  # nothing but frame words between the units and a closing colon
    # The name ended at its level word and a verb follows: "Ban Thường trực Ủy ban MTTQ Việt Nam xã | xây dựng kế
    # hoạch …" (no frame word, and a verb the vocabulary lacks).
    acts: bool = False


# Verbs that describe or empower a unit rather than give it work: "Ủy ban nhân dân xã là …", "… được giao …", "Chủ
# tịch UBND Thành phố quyết định điều chuyển …" (a grant of power, NQ 12/2025/NQ-HĐND Hà Nội), "… gồm …".
_NOT_WORK = frozenset({"là", "được", "bị", "có", "gồm", "bao gồm", "thuộc", "trực thuộc", "liên quan", "quyết định"})


_NEXT_WORD_RE = re.compile(r"[\s,]*\S+")


def _acts_after_its_name(text: str, span: UnitSpan) -> bool:
    """Whether the units at ``span`` are a name ended at its level word and followed by a verb of work.

    A run-on subject ("Ban Thường trực Ủy ban MTTQ Việt Nam cấp xã lập báo cáo …", Hướng dẫn MTTQ xã Lương Minh 4.9)
    has no frame word after its units; :func:`nlp.localities.name_before_predicate` says where the name ends (a level
    word, its place, then a lower-case word that does not go on naming), and the tagger that a verb opens what
    follows. Only then is the span a subject that acts; the tagger loads on first use, for such spans only."""
    following = _NEXT_WORD_RE.match(text, span.end)
    # The span and the one word after it are all the cut reads (a paragraph's rest is not scanned again).
    if following is None or name_before_predicate(text[span.start : following.end()]) != span.text.rstrip():
        return False
    from underthesea import pos_tag

    words = pos_tag(text[span.end :].lstrip(" ,")[:80])
    return bool(words) and words[0][1] == "V" and words[0][0].lower() not in _NOT_WORK


def closing_formula(text: str) -> bool:
    """Whether ``text`` is a formula that assigns nothing (the execution clause, "Trên đây là …", "Nay thông báo …")."""
    found = _EXECUTION_CLAUSE_RE.search(text)
    if found:
        clause = text[text.rfind(";", 0, found.start()) + 1 : found.start()]
        if "nội dung" not in found.group(0) or not _OVERSEES_RE.search(clause):
            return True
    # "Các cơ quan, đơn vị căn cứ Kế hoạch này triển khai thực hiện." and nothing more: a formula;
    # a sentence that goes on to name duties ("…; khẩn trương rà soát những hạn chế …") assigns them.
    return len(text.split()) <= _FORMULA_WORDS and bool(_BASED_ON_THIS_RE.search(text))


# A field named before a colon, its sentence opening with its own subject: "a) Tiêu chuẩn - đo lường - chất lượng: Ủy
# ban nhân dân huyện, thị xã chủ động và phối hợp với Sở Khoa học và Công nghệ …", "b) Thanh tra khoa học và công
# nghệ: Ủy ban nhân dân các huyện, thị xã làm đầu mối …" (CT 09/2009/CT-UBND Bình Dương): the field's words resolved
# to "Chi cục Tiêu chuẩn Đo lường Chất lượng" and "Thanh tra", confidently wrong leads.
_TOPIC_RE = re.compile(r"[^:;.!?\n]{3,120}?:\s+(?=\S)")


def _topic_subject(text: str, start: int, context: Context) -> Subject | None:
    topic = _TOPIC_RE.match(text, start)
    if topic is None:
        return None
    span = units_at(text, topic.end(), context)
    if span is None:
        return None
    after = text[span.end :]
    framed = bool(_FRAME_RE.match(" " + after.lstrip(" ,")))
    # Only a subject that acts: a unit after a label and nothing more is the label's value ("Đơn vị thực hiện: Sở X").
    acts = not framed and not OPENS_WITH_ACTION_RE.match(after.lstrip(" ,")) and _acts_after_its_name(text, span)
    if not framed and not acts and not OPENS_WITH_ACTION_RE.match(after.lstrip(" ,")):
        return None
    return Subject(span, triggered=False, framed=framed, lead_in=False, acts=acts)


# A label naming the partners, its units after the colon: "3. Đơn vị phối hợp triển khai tuyên truyền: Các phòng
# chức năng thuộc Công an thành phố Cần Thơ." (KH 1146/KH-ĐHTĐ 2025) was a task led by the label itself; partners
# lead nothing.
_PARTNER_LABEL_RE = re.compile(r"(?:đơn\s+vị|cơ\s+quan)\s+(?:phối\s+hợp|tham\s+gia)[^:;.!?]{0,80}:\s*\S", re.IGNORECASE)


def subject_of(text: str, context: Context = _NO_CONTEXT) -> Subject | None:
    """The unit(s) an item or sentence opens with, when it opens with units; None otherwise."""
    if closing_formula(text) or _ABOUT_RE.match(text):
        return None
    if _PARTNER_LABEL_RE.match(text):
        return None
    start = 0
    adverbial = _ADVERBIAL_RE.match(text)
    if adverbial:
        start = adverbial.end()
    trigger = _TRIGGER_RE.match(text, start)
    if trigger:
        start = trigger.end()
    else:
        topic = _topic_subject(text, start, context)
        if topic is not None:
            return topic
    span = units_at(text, start, context)
    if span is None:
        return None
    after = text[span.end :]
    if RIGHT_RE.match(after.lstrip(" ,")):
        return None
    framed = bool(_FRAME_RE.match(" " + after.lstrip(" ,")))
    colon = after.find(":")
    lead_in = colon >= 0 and not after[colon + 1 :].strip() and (framed or not after[:colon].strip())
    acts = not framed and not trigger and _acts_after_its_name(text, span)
    return Subject(span, triggered=bool(trigger), framed=framed, lead_in=lead_in, acts=acts)


def units_only(text: str, context: Context = _NO_CONTEXT) -> UnitSpan | None:
    """``text`` when it names units and nothing else, every piece resolved: a heading addressed to them
    ("6. Các sở, ban, ngành, đơn vị thuộc tỉnh; UBND các xã, phường, đặc khu" over their duties)."""
    body = text.rstrip(" .:;")
    if not body or _ABOUT_RE.match(body) or len(body.split()) > _MAX_SUBJECT_WORDS:
        return None
    if _ACTION_RE.search(body) or closing_formula(body):
        return None
    # "3.8. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động tỉnh, …, Tỉnh đoàn Thanh niên" (KH phòng,
    # chống ma túy, Lâm Đồng 2026): the request is addressed to the units that follow it.
    trigger = _TRIGGER_RE.match(body)
    start = trigger.end() if trigger else 0
    mentions = _accepted(body[start:], context, whole=True)
    return UnitSpan(body[start:], start, len(body), mentions) if mentions is not None else None


def assigned_in(text: str, context: Context = _NO_CONTEXT) -> UnitSpan | None:
    """The units of the first "… giao X …" / "đề nghị X …" inside a sentence, when X resolves."""
    if closing_formula(text):
        return None
    for match in _MID_TRIGGER_RE.finditer(text):
        span = units_at(text, match.end(), context)
        if span is None:
            continue
        after = text[span.end :].lstrip(" ,")
        # "… giao X chủ trì", "… giao X nghiên cứu, rà soát …", or a lead-in "… Giao X:" over the items below;
        # or a class ended by a verb ("đề nghị các bộ, ngành, địa phương cử …").
        ended_by_verb = class_list_end(text[match.end() :]) == span.end - match.end()
        if _ASSIGNED_WORK_RE.match(" " + after) or after.startswith(":") or ended_by_verb:
            return span
    return None


def partners_in(text: str, context: Context = _NO_CONTEXT) -> UnitSpan | None:
    """The units after the first "phối hợp với" that names units."""
    for match in _PARTNER_RE.finditer(text):
        span = units_at(text, match.end(), context, stop=_ACTION_RE)
        if span is not None:
            return span
    return None
