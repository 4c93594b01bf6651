"""Tasks given in prose: numbered items and sentences that assign work to units, without labelled lines.

Letters, conclusions and directives assign work in running text (docs/gold-conventions.md,
"Real documents"):

- a lead-in names the units and the items below it are their tasks: "1. Giao Sở Tư pháp: a) … b) …",
  "2. Giao Sở …, Ban … chịu trách nhiệm: a) …", "6. UBND các huyện, thị xã, thành phố chịu trách
  nhiệm: - … - …" (lettered items keep their ref; bullets are unnumbered, so ``p<page>.<k>``);
- an item opens with its units: "3. Công an tỉnh: …", "4. Sở Kế hoạch và Đầu tư rà soát …";
- an item or a sentence hands work over: "Giao Ban Dân tộc tỉnh … chủ động phối hợp với …",
  "… Chủ tịch UBND tỉnh giao Sở Thông tin và Truyền thông chủ trì, phối hợp với … (trước ngày …)".

Frames (who, with whom, by when) are read by :mod:`nlp.frames`, which asks the unit resolver what
a unit is. Items already read as labelled tasks are left to :mod:`extract.structure.tasks`.
Duties given to named persons are not tasks: the resolver does not take a person for a unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extract.model import Provenance, Task, TaskSource
from extract.structure.articles import (
    DUTIES_OF,
    describes,
    regulation_parts,
    states_a_duty,
    without_restated_descriptions,
)
from extract.structure.numbering import LabelKind, Line, parse_label
from extract.structure.sections import SectionNode, SectionNodes
from nlp.frame_words import ABOUT_RE, ACTION_RE, tells_what_was_done
from nlp.frames import (
    NON_STATE_RE,
    OPENS_WITH_ACTION_RE,
    Context,
    Subject,
    UnitSpan,
    assigned_in,
    closing_formula,
    deadline_in,
    partners_in,
    sole_deadline_in,
    subject_of,
    units_only,
)
from nlp.unit_spans import ends_with_a_unit_head

_HEADING_WORDS = 12  # the contract's heading: the first words of the item as printed
_SENTENCE_END = re.compile(r"[.;:!?]\W*$")
_WRAP_LENGTH = 60  # characters of a printed line that ran to the margin
# "Trên đây là Kế hoạch …" closes the whole document (nlp.frames reads it, anywhere in a sentence, as a formula that
# assigns nothing; here it opens a paragraph that is no part of the last item).
_CLOSING_PARAGRAPH = re.compile(r"^Trên\s+đây\s+là\s", re.IGNORECASE)
# A paragraph addressed to every unit ("Định kỳ các cơ quan, đơn vị có trách nhiệm báo cáo … trong tháng 12 hằng
# năm./.", the closing duty of a plan's last item, KH dữ liệu mở Hưng Yên): its date is that duty's, not the item's.
_ADDRESSED_TO_ALL = re.compile(
    r"^(?:(?:định\s+kỳ|hằng\s+(?:năm|quý|tháng)|hàng\s+(?:năm|quý|tháng)|đồng\s+thời)\s*,?\s+)?"
    r"(?:các|những|mọi|toàn\s+bộ|tất\s+cả)\s+(?:cơ\s+quan|đơn\s+vị|sở|ban|ngành|địa\s+phương|tổ\s+chức|phòng|xã)",
    re.IGNORECASE,
)
# The formula that opens a directive's or a conclusion's duties: "… Ủy ban nhân dân tỉnh chỉ thị:", "… Chủ tịch
# UBND tỉnh kết luận như sau:", "… yêu cầu các sở, ngành thực hiện tốt các nội dung sau:". What the opening says
# before it is the situation: "Các sở, ban, ngành, huyện, thị xã có sự phối kết hợp với Sở Khoa học và Công nghệ …"
# (CT 09/2009/CT-UBND Bình Dương) tells how the units worked; only an explicit hand-over there ("giao X …") assigns.
_DIRECTIVE = re.compile(
    r"(?:chỉ\s+thị|yêu\s+cầu|đề\s+nghị|giao|kết\s+luận|chỉ\s+đạo|như\s+sau|sau\s+đây|các\s+nội\s+dung\s+sau)[^:]{0,160}:\s*$",
    re.IGNORECASE,
)
# A part that reports the situation ("2. Khó khăn, vướng mắc / Thứ nhất, Cục Đăng kiểm Việt Nam đã có Văn bản …", CV
# 3686/UBND-XD Lào Cai 2026, whose units were read as a lead) assigns nothing: its units are what it reports on.
_ACCOUNT_PART = re.compile(
    r"^(?:(?:những\s+)?(?:khó\s+khăn|vướng\s+mắc|tồn\s+tại|hạn\s+chế)|thực\s+trạng|tình\s+hình(?:\s+(?:thực\s+hiện|"
    r"triển\s+khai))?|kết\s+quả\s+(?:đạt\s+được|thực\s+hiện))(?:\s*[,:;.]|\s+(?:và|,)|$)",
    re.IGNORECASE,
)
# Lines of the opening that only cite or address ("Căn cứ …", "Kính gửi: …") assign nothing themselves.
_NOT_ASSIGNING = re.compile(r"^(?:Căn\s+cứ|Kính\s+gửi|V/v|Số\s*:|Về\s+việc)", re.IGNORECASE)
# A short label closed by a colon ("Hiệp hội Doanh nghiệp tỉnh: …"), for items among unit-labelled siblings.
_UNIT_LABEL = re.compile(r"^(?P<label>[A-ZĐÀ-Ỹ][^:;.]{2,80}?)\s*:\s*\S")
_LABEL_MAX_WORDS = 9
# A unit that opens an item by handing work to another ("Bộ Công an giao Cục …", "… đề nghị Sở …").
_HANDS_OVER = re.compile(r"(?:giao|đề\s+nghị|yêu\s+cầu)\s", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;]\s")
_INNER_STOP = re.compile(r"[.;:!?]\s")
_LIST_OF_NAMES = 2  # items naming units alone, at least, for their siblings to be a list of units
# A unit named without a frame word is a type and a name ("Công an tỉnh", "Sở Tư pháp"): two words at least.
_NAMED_UNIT_WORDS = 2
_LEAD_IN_WORDS = 30  # "Nhà đầu tư của 02 dự án đường bộ cao tốc Tân Phú – Bảo Lộc và Bảo Lộc – Liên Khương"


@dataclass(slots=True)
class _Unit:
    """A paragraph of running text (a printed line and its continuations) or a bullet."""

    text: str
    line: Line
    bullet: bool


@dataclass(slots=True)
class _Lead:
    text: str
    from_label: bool = False  # the units were read from an "X: …" label
    introduces: bool = False  # a sentence hands work over ("Giao X:", "X chịu trách nhiệm:"), not a bare name
    strong: bool = True  # from the item's own heading; a paragraph introducing the items is weaker
    bare: bool = False  # the heading is its units alone: it introduces the items below like "X:"


@dataclass(slots=True)
class _Collector:
    source: str
    context: Context
    labelled: Callable[[SectionNode], bool]
    tasks: list[Task] = field(default_factory=list)
    per_page: dict[int, int] = field(default_factory=dict)

    def unnumbered_ref(self, line: Line) -> str:
        page = line.page or 1
        self.per_page[page] = self.per_page.get(page, 0) + 1
        return f"p{page}.{self.per_page[page]}"

    def add(
        self,
        ref: str,
        printed: str,
        text: str,
        lead: str,
        line: Line,
        path: list[str],
        frame_text: str = "",
        own_text: str = "",
    ) -> None:
        """One prose task; its partners and deadline are read from ``frame_text`` (default: all of ``text``), or its
        deadline from ``own_text`` (its prose paragraphs but those that are tasks of their own) when that names one
        date."""
        frame_text = frame_text or text
        partners = partners_in(frame_text, self.context)
        self.tasks.append(
            Task(
                ref=ref,
                heading=" ".join(printed.split()[:_HEADING_WORDS]),
                content=text,
                # A deadline printed only in a later paragraph is the item's when it is the item's only date.
                time_raw=deadline_in(frame_text) or sole_deadline_in(own_text or text),
                lead_raw=lead,
                partner_raw=partners.text if partners else "",
                section_path=path,
                provenance=Provenance(file=self.source, page=line.page, line=line.line, raw=line.raw),
                source=TaskSource.PROSE,
            )
        )


def extract_prose_tasks(
    tree: SectionNodes, *, source: str, context: Context, labelled: Callable[[SectionNode], bool]
) -> list[Task]:
    """Prose tasks of the document in reading order; ``labelled`` says which items are labelled tasks."""
    collector = _Collector(source=source, context=context, labelled=labelled)
    opening = _units(tree.preamble)
    directive = max((index for index, unit in enumerate(opening) if _DIRECTIVE.search(unit.text)), default=-1)
    just_assigned = False
    for index, unit in enumerate(opening):
        # "… yêu cầu Thủ trưởng các sở … thực hiện một số nhiệm vụ trọng tâm sau:" introduces the items.
        if _NOT_ASSIGNING.match(unit.text) or unit.text.rstrip().endswith(":"):
            just_assigned = False
            continue
        assigned = _unnumbered(collector, unit, None, [], handed_over_only=index < directive)
        if not assigned and just_assigned:
            _date_from_next_paragraph(collector, unit.text)
        just_assigned = assigned
    _visit_siblings(collector, tree.roots, None, [])
    return collector.tasks


def _date_from_next_paragraph(collector: _Collector, text: str) -> None:
    """A letter's hand-over without a date takes the one date of the paragraph right after it, when that paragraph
    assigns nothing itself: "Giao các sở, ban, ngành, UBND các huyện, thành, thị xây dựng Kế hoạch rà soát …" / "Kế
    hoạch rà soát … của các cơ quan, đơn vị gửi về UBND tỉnh … trước ngày 05/01/2012 …" (CV 4532/UBND-KSTTHC Phú Thọ
    2011). A closing formula ("Vậy, thông báo …", "Trên đây là …") is no such paragraph."""
    task = collector.tasks[-1]
    date = sole_deadline_in(text)
    if task.time_raw or not date or closing_formula(text) or _CLOSING_PARAGRAPH.match(text):
        return
    collector.tasks[-1] = task.model_copy(update={"time_raw": date})


def _units(lines: list[Line], first: str = "", first_line: Line | None = None) -> list[_Unit]:
    """Paragraphs of ``lines``: a printed line continues the previous one when it opens in lower case.

    Readers already join the lines of a paragraph; what is left split is a wrap a reader could not
    join ("… theo quy định (trước" / "ngày 10/02/2025)./."), which never opens with a capital.
    A capitalised line after a short line without a full stop is a heading or an address, not a
    wrap; after a long one ("… tỉnh Hà" / "Tĩnh có trách nhiệm:") it is, even when it opens with a
    dash ("… lãnh đạo Ban Văn hóa" / "– Xã hội, Ban Dân tộc …"). Only a printed page wraps by length:
    a Word or text file keeps its author's paragraphs (``_may_wrap``).
    """
    units: list[_Unit] = []
    last = first
    last_line = first_line
    for line in lines:
        label = parse_label(line.text)
        bullet = label is not None and label.kind in (LabelKind.DASH, LabelKind.PLUS)
        previous = units[-1].text if units else first
        opening = line.text[:1]
        wrapped = len(last) >= _WRAP_LENGTH and not _SENTENCE_END.search(last) and _may_wrap(last_line, line)
        continues = bool(previous) and (
            wrapped or (not bullet and (opening.islower() or opening.isdigit() or previous.endswith(",")))
        )
        last, last_line = line.text, line
        if continues and units:
            units[-1].text = f"{units[-1].text} {line.text}"
        elif continues:
            first = f"{first} {line.text}"  # the heading wraps onto the next printed line
        else:
            units.append(_Unit(line.text, line, bullet))
    if first:
        units.insert(0, _Unit(first, Line(first, None, None, ""), False))
    # "Trên đây là Kế hoạch …, đề nghị các đơn vị … triển khai thực hiện" closes the document, printed right after its
    # last item (KH 1146/KH-ĐHTĐ 2025, item 8): it is no part of that item's content, partners or deadline.
    return [unit for unit in units if not _CLOSING_PARAGRAPH.match(unit.text)]


def _may_wrap(previous: Line | None, line: Line) -> bool:
    """Whether ``line`` may be the rest of ``previous`` cut at the margin.

    Lines without a page come from a Word or text file, where a new paragraph (a new paragraph
    index) is the author's own break: "5. Về chính sách … của Chính phủ" followed by "Sở Khoa học
    và Công nghệ chủ trì …" is a heading and its first sentence, however long the heading. Lines of
    one paragraph (a soft line break) and printed lines of a page may be wraps.
    """
    return line.page is not None or previous is None or previous.line is None or previous.line == line.line


def _strip_bullet(text: str) -> str:
    label = parse_label(text)
    return label.rest if label is not None and label.kind in (LabelKind.DASH, LabelKind.PLUS) else text


def _own_lead(text: str, context: Context, *, acting: bool = False) -> Subject | None:
    """The units a sentence opens with, when a frame word or an assigning verb confirms them; not when the sentence
    tells what they did ("Ủy ban nhân dân tỉnh đã ban hành nhiều văn bản …", a report's account).

    ``acting``: a name ended at its level word and followed by a verb confirms them too ("7. Công tác kiểm tra, giám
    sát / Ban Thường trực Ủy ban MTTQ Việt Nam xã xây dựng kế hoạch …", Hướng dẫn MTTQ xã Lương Minh); only for an
    item's opening paragraph, which speaks for the item: a later paragraph, or a sentence outside the numbered items
    ("Hội đồng nhân dân tỉnh ban hành Nghị quyết …", NQ 99/2025/NQ-HĐND Quảng Ninh), says who does one step."""
    sentence = _strip_bullet(text)
    subject = subject_of(sentence, context)
    if subject is None or tells_what_was_done(sentence[subject.units.end :]):
        return None
    return subject if subject.framed or subject.triggered or subject.lead_in or (acting and subject.acts) else None


def _bullet_lead(text: str, context: Context) -> Subject | None:
    """A bullet that opens with named units and a verb: "- Sở Quy hoạch - Kiến trúc kiểm tra, xác nhận …".

    Stricter than a numbered item ("4. Sở Kế hoạch và Đầu tư rà soát …"): the units resolve to named
    units (a class such as "các đơn vị" may open any sentence of duties) and an action verb follows
    them, for bullets also list addressees ("Kính gửi: - Ủy ban nhân dân các tỉnh, thành phố …").
    """
    subject = subject_of(_strip_bullet(text), context)
    if subject is None or len(subject.units.text.split()) < _NAMED_UNIT_WORDS or not _names_a_unit(subject.units):
        return None
    after = _strip_bullet(text)[subject.units.end :].lstrip()
    return subject if OPENS_WITH_ACTION_RE.match(after) else None


def _unnumbered(
    collector: _Collector, unit: _Unit, lead: str | None, path: list[str], *, handed_over_only: bool = False
) -> bool:
    """An unnumbered sentence or bullet as a task: its own units, a "giao X", or the lead-in's units; only a hand-over
    ("Giao X …", "… đề nghị X …") when ``handed_over_only`` (the situation an opening tells before its directive)."""
    own = _own_lead(unit.text, collector.context)
    if handed_over_only and own is not None and not own.triggered:
        own = None
    if own is None and unit.bullet:
        own = _bullet_lead(unit.text, collector.context)
    found: UnitSpan | None = own.units if own is not None else assigned_in(unit.text, collector.context)
    text = found.text if found is not None else lead
    if not text:
        return False
    ref = collector.unnumbered_ref(unit.line)
    collector.add(ref, unit.text, unit.text, text, unit.line, path)
    return True


# A part listing who attends ("II. THÀNH PHẦN THAM GIA / 1. Đoàn kiểm tra của Bộ GDĐT / 2. Sở GDĐT tỉnh Đồng Tháp /
# Đại diện lãnh đạo Sở GDĐT.", KH 362/KH-SGDĐT Đồng Tháp 2026): a unit heading an item there is a participant.
_PARTICIPANTS = re.compile(r"^\S+\s+(?:thành\s+phần|đại\s+biểu)(?:\s+(?:tham\s+(?:gia|dự)|mời|dự))?\s*:?$", re.I)


def _opening(node: SectionNode) -> list[str]:
    """An item's title with its wrapped lines, and its first paragraph when the title closes with a colon."""
    units = _units(node.body, node.title, node.line) if node.title else []
    return [_strip_bullet(unit.text) for unit in (units[:2] if units and _introduces(units[0].text) else units[:1])]


def _visit_siblings(collector: _Collector, nodes: list[SectionNode], inherited: _Lead | None, path: list[str]) -> None:
    parts = regulation_parts(nodes, lambda node: states_a_duty(node, _opening(node), collector.context))
    nodes = [node for node in without_restated_descriptions(parts) if not describes(node)]
    names = [_name_alone(node, collector.context) for node in nodes]
    if sum(names) >= _LIST_OF_NAMES and 3 * sum(names) >= 2 * len(nodes):
        nodes = [node for node, name in zip(nodes, names, strict=True) if not name]
    subjects = [_head_subject(node, collector.context) for node in nodes]
    if path and _PARTICIPANTS.match(path[-1]):
        subjects = [None if subject is not None and subject.bare else subject for subject in subjects]
    # Among items that open with their units ("2. Sở Thông tin và Truyền thông: …"), a sibling whose
    # label the registry does not know ("8. Hiệp hội Doanh nghiệp tỉnh: …") still names its units.
    labelled_units = sum(1 for subject in subjects if subject is not None and subject.from_label)
    for node, subject in zip(nodes, subjects, strict=True):
        if subject is None and labelled_units >= 2:
            label = _UNIT_LABEL.match(node.title)
            # "1. Về bố trí ngân sách: Ưu tiên bố trí …" among unit-labelled items (a report's proposals) is a topic.
            if label and len(label.group("label").split()) <= _LABEL_MAX_WORDS and not ABOUT_RE.match(node.title):
                subject = _Lead(label.group("label"), from_label=True)
        _visit(collector, node, subject, inherited, path)


def _head_subject(node: SectionNode, context: Context) -> _Lead | None:
    if node.label.kind is LabelKind.ARTICLE and (node.body or node.children):
        duties = DUTIES_OF.match(node.title)
        named = units_only(node.title[duties.end() :], context) if duties else None
        return _Lead(named.text, from_label=True, bare=True) if named is not None else None
    if node.label.kind not in (LabelKind.DOTTED, LabelKind.LETTER) or not node.title:
        return None
    head = _units(node.body, node.title, node.line)[0].text  # the title with its wrapped lines
    subject = subject_of(head, context)
    if node.body or node.children:
        # A heading that only names units ("3.5. Sở Giáo dục và Đào tạo", "2.1. Các sở, ban, ngành, địa
        # phương", "6. Các sở, ban, ngành; UBND các xã, phường") over duties addresses them, like "X:". The real
        # set's convention (docs/gold-conventions.md) counts them: one task per item, its dashes its content,
        # lettered items below taking the heading's units. The seed gold lists labelled tasks only and is
        # silent on them (session 12's revert; session 15 re-read both golds, docs/realdocs-trial.md).
        if subject is not None and not head[subject.units.end :].strip(" .:;"):
            return _Lead(subject.units.text, from_label=True, bare=True)
        # A subject that stopped inside a list ("…; UBND các xã", or past a plain subject's length: "Đề nghị Ủy ban
        # Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động tỉnh, …, Tỉnh đoàn Thanh niên") may still be part of a
        # heading that names units and nothing else (every piece resolved, no verb). A parenthesis after the subject
        # qualifies it ("Giao Văn phòng Ủy ban nhân dân tỉnh (Trung tâm Phục vụ hành chính công tỉnh):") and stays out.
        qualified = subject is not None and head[subject.units.end :].lstrip()[:1] == "("
        named = None if qualified else units_only(head, context)
        # A long heading read as wrapping onto the item's first sentence ("1. Công an tỉnh, các sở, ban, ngành, đoàn
        # thể tỉnh và Ủy ban nhân dân các xã, phường" over "Theo chức năng, nhiệm vụ, … tổ chức tuyên truyền …", CV
        # 7432/UBND-XD Lào Cai 2026): the reader joined the heading's own wrap, so its length says nothing of the
        # margin; a title that names units and nothing else is still the heading. Not when the subject read on
        # runs past the title into the wrap: that is the heading's own wrap ("2. Các đơn vị quản lý cơ sở dữ liệu
        # thuộc Danh mục cơ sở dữ liệu dùng chung tỉnh" over "Thừa Thiên Huế:", a text PDF of QĐ 1402's variants),
        # and the title alone would cut the name.
        within_title = subject is None or subject.units.end <= len(node.title)
        if named is None and not qualified and head != node.title and within_title:
            named = units_only(node.title, context)
            # Not a title cut inside its sentence: "2. Sở Khoa học và Công nghệ có" over "trách nhiệm thực hiện …" (a
            # Markdown copy of a Quy chế, Ninh Bình 2025) named the Sở by a fuzzy "… Công nghệ có".
            if named is not None and not all(m.collective or m.score >= 1.0 for m in named.mentions):
                named = None
        if named is not None:
            return _Lead(named.text, from_label=True, bare=True)
    if subject is None:
        return _non_state_lead_in(head) if node.children else None
    after = head[subject.units.end :].lstrip()
    if tells_what_was_done(after):
        return None
    if _HANDS_OVER.match(after):
        # "10. Bộ Công an giao Cục Cảnh sát điều tra tội phạm về ma túy là cơ quan thường trực …": the
        # unit named after "giao" is given the work, not the one that gives it; only in the same clause
        # (a later "…; đề nghị các bộ, ngành …" is another assignment).
        handed = assigned_in(_CLAUSE_END.split(after, maxsplit=1)[0], context)
        return _Lead(handed.text, introduces=True) if handed is not None else None
    introduces = subject.framed or subject.triggered
    if introduces or after.startswith(":") or subject.lead_in:
        return _Lead(subject.units.text, from_label=after.startswith(":"), introduces=introduces)
    # "4. Sở Kế hoạch và Đầu tư rà soát …": a numbered item opening with a resolved unit and a verb. A bare
    # unit-type word run into a lower-case one is a common noun ("Trường hợp …", "Ban hành …"), not a unit.
    if after[:1].islower() and len(subject.units.text.split()) >= _NAMED_UNIT_WORDS:
        return _Lead(subject.units.text)
    return None


def _non_state_lead_in(head: str) -> _Lead | None:
    """ "1. Nhà đầu tư của 02 dự án đường bộ cao tốc …:" over lettered items: the investors are their lead (TB kết
    luận cao tốc, Lâm Đồng 2026, whose items took the opening's "các sở, ban, ngành, địa phương và Nhà đầu tư").
    Only as a lead-in: the resolver keeps them as printed, no state unit (``nlp.frames.NON_STATE_RE``)."""
    name, colon, rest = head.partition(":")
    name = name.strip()
    if not colon or rest.strip() or not NON_STATE_RE.match(name) or len(name.split()) > _LEAD_IN_WORDS:
        return None
    return _Lead(name, from_label=True, introduces=True)


def _is_lead_in(node: SectionNode, units: list[_Unit]) -> bool:
    """The heading ends with a colon after its units: what follows is theirs ("Giao Sở Tư pháp:")."""
    return bool(node.title) and bool(units) and units[0].text.rstrip().endswith(":")


def _introduces(text: str) -> bool:
    # A paragraph ending with a colon introduces what follows ("… các nhiệm vụ cụ thể:").
    return text.rstrip().endswith(":")


def _found_lead(text: str, context: Context, *, acting: bool = False) -> UnitSpan | None:
    return assigned_in(text, context) or _own_units(text, context, acting=acting)


def _dates_its_own_duty(text: str, subject: _Lead, context: Context) -> bool:
    """Whether a later paragraph of an item opens with another subject than the item's, or with every unit (unless
    the item's own lead is every unit: "Các cơ quan, đơn vị thuộc UBND xã" … "Các cơ quan, đơn vị báo cáo …")."""
    if _ADDRESSED_TO_ALL.match(text):
        return not _ADDRESSED_TO_ALL.match(subject.text)
    own = subject_of(text, context)
    return own is not None and own.units.text != subject.text


def _visit(
    collector: _Collector, node: SectionNode, subject: _Lead | None, inherited: _Lead | None, path: list[str]
) -> None:
    if node.label.kind is LabelKind.APPENDIX:
        return  # annexes list and describe; the body of the document assigns
    if node.label.kind in (LabelKind.ROMAN, LabelKind.DOTTED) and _ACCOUNT_PART.match(node.title):
        return
    printed = f"{node.label.printed} {node.title}".strip()
    child_path = [*path, printed]
    units = _units(node.body, node.title, node.line)
    body = units[1:] if node.title else units
    labelled = collector.labelled(node)
    lead_in = subject is not None and (subject.bare or _is_lead_in(node, units))
    if node.children:
        _visit_parent(collector, node, subject, inherited, (printed, path, child_path), units, body, lead_in)
        return
    if labelled or not node.ref:
        if not node.ref and not labelled:  # a roman part or an article: its sentences may assign
            # An article's title is its first sentence ("Điều 2. Giao Ủy ban nhân dân tỉnh Đồng Tháp có
            # trách nhiệm công bố …", QĐ 1360/QĐ-TTg); a roman part's title is a heading, and so is an article's
            # on a unit's duties, whose paragraphs are those duties.
            duties = subject is not None and subject.bare and node.label.kind is LabelKind.ARTICLE
            sentences = units if node.label.kind is LabelKind.ARTICLE and not duties else body
            for unit in sentences:
                if not _introduces(unit.text):
                    _unnumbered(collector, unit, subject.text if duties and subject else None, child_path)
        return
    if subject is not None:
        split_off = _split_off(body, subject, collector.context)
        # A bullet's date is that duty's ("- … xử lý dứt điểm … xong trong quý II năm 2026", KH Chỉ thị 11 Lào Cai, item
        # 10), not the item's; a paragraph of the item's own prose may close it with the item's date (CV 7432/UBND-XD).
        # A paragraph with a subject of its own, or addressed to every unit, dates its own duty.
        own = _text(
            [
                unit
                for index, unit in enumerate(units)
                if not unit.bullet
                and not any(unit is other for other in split_off)
                and (index == 0 or not _dates_its_own_duty(unit.text, subject, collector.context))
            ]
        )
        collector.add(
            node.ref, printed, _text(units), subject.text, node.line, path, _frame_text(units, split_off), own
        )
        for unit in split_off:
            _unnumbered(collector, unit, None, child_path)
        return
    lead = _leaf_lead(units, inherited, collector.context)
    if lead is not None:
        # A bullet with a subject of its own dates that subject's duty, not the lead's: "4. Phân công nhiệm vụ: - Các
        # cơ quan, đơn vị gửi danh sách … trước ngày 07/11/2024. - Giao Ban Dân tộc tỉnh tổng hợp …" (TB 542/TB-UBND
        # Quảng Ngãi 2024): the date is the units', Ban Dân tộc's duty has none.
        theirs = _Lead(lead)
        kept = [
            unit
            for index, unit in enumerate(units)
            if index == 0 or not _dates_its_own_duty(_strip_bullet(unit.text), theirs, collector.context)
        ]
        collector.add(node.ref, printed, _text(units), lead, node.line, path, _frame_text(kept, []), _text(kept))


def _name_alone(node: SectionNode, context: Context) -> bool:
    """A numbered item that opens with a unit and says nothing it does (no action or frame word after the units).

    Among siblings that are mostly such items, they list units and hand none of them work: "1. Các phòng và tương
    đương thuộc Sở: a) Văn phòng; b) Thanh tra; …", "3. … h) Ban Quản lý, duy tu các công trình nông nghiệp và môi
    trường Hà Nội." (QĐ 12, 16/2025/QĐ-UBND Hà Nội, the structure of a Sở). Alone, "a) Sở Tài chính thẩm định hồ
    sơ;" (a verb the vocabulary lacks) stays a duty."""
    if node.children or not node.ref:
        return False
    units = _units(node.body, node.title, node.line)
    if len(units) != 1:
        return False
    body = units[0].text.rstrip(" .;")
    subject = subject_of(body, context)
    return (
        subject is not None
        and subject.units.start == 0
        and not _INNER_STOP.search(body)
        and not ACTION_RE.search(" " + body[subject.units.end :])
    )


def _split_off(body: list[_Unit], subject: _Lead, context: Context) -> list[_Unit]:
    """The bullets of an item that names its units and that are tasks of their own.

    "1. Cục Thuế tỉnh: - … - …", "6. UBND các huyện … chịu trách nhiệm: - …": the bullets are the
    item's content, except one that names another unit ("- UBND huyện Trà Bồng … trước 30/11/2024"),
    which is a task of its own; a class ("Thủ trưởng các địa phương …") is the item's own addressees.
    """
    return [
        unit
        for unit in body
        if (own := _own_lead(unit.text, context)) is not None
        and own.units.text not in subject.text  # "3. Sở KH&ĐT, Sở Tài chính": "Sở KH&ĐT tham mưu …" is theirs
        and _names_a_unit(own.units)
        and not _same_units(own.units, subject.text, context)
    ]


def _same_units(span: UnitSpan, lead: str, context: Context) -> bool:
    """Whether a bullet's units are the item's own, named otherwise: "9. Ủy ban nhân dân các xã, phường" over "- Chủ
    tịch UBND các xã, phường chịu trách nhiệm toàn diện …" (CV 5973/UBND-KT Lào Cai 2026): the head stands for them."""
    ids = {mention.unit_id for mention in span.mentions}
    named = units_only(lead, context)
    return "" not in ids and named is not None and ids == {mention.unit_id for mention in named.mentions}


def _leaf_lead(units: list[_Unit], inherited: _Lead | None, context: Context) -> str | None:
    """The units a numbered item without a subject of its own assigns: a strong lead above it, one its
    sentences name, or a weaker lead above it."""
    if inherited is not None and inherited.strong:
        return inherited.text
    # The title and the first paragraph may name a subject that acts without a frame word (``_own_lead``), unless
    # the paragraph goes on with a name the title began ("…, Văn phòng" / "UBND tỉnh báo cáo UBND tỉnh …").
    opening = 1 if units and ends_with_a_unit_head(units[0].text) else 2
    for index, unit in enumerate(units):
        # "7. Đối với các nội dung …: Giao Ban Dân tộc tỉnh, Sở … chủ động phối hợp với …"; "1. Các nội
        # dung yêu cầu thực hiện: … yêu cầu các phòng ban, đơn vị … thực hiện nghiêm túc các nội dung sau:".
        found = _found_lead(unit.text, context, acting=index < opening)
        if found is not None:
            return found.text
    return inherited.text if inherited is not None else None


def _visit_parent(
    collector: _Collector,
    node: SectionNode,
    subject: _Lead | None,
    inherited: _Lead | None,
    where: tuple[str, list[str], list[str]],
    units: list[_Unit],
    body: list[_Unit],
    lead_in: bool,
) -> None:
    printed, path, child_path = where
    labelled = collector.labelled(node)
    if subject is not None and not lead_in and node.ref and not labelled:
        collector.add(node.ref, printed, _text(units), subject.text, node.line, path, _frame_text(units, []))
    for_children = subject or inherited
    for unit in body:
        if labelled:
            break
        if not _introduces(unit.text):
            _unnumbered(collector, unit, None, child_path)
        elif for_children is None:
            found = _found_lead(unit.text, collector.context)
            if found is not None:
                for_children = _Lead(found.text, strong=False)
    _visit_siblings(collector, node.children, for_children, child_path)


def _frame_text(units: list[_Unit], split_off: list[_Unit]) -> str:
    """Where an item's partners and deadline are read: its opening and first paragraph.

    Later paragraphs of a long item address other partners and dates of their own; the opening
    sentence and the paragraph right after a lead-in carry the item's own ("… phối hợp với Cơ quan Thuế").
    """
    kept = [unit for unit in units if not any(unit is other for other in split_off)]
    return "\n".join(unit.text for unit in kept[:2])


def _names_a_unit(span: UnitSpan) -> bool:
    return any(mention.unit_id and not mention.collective for mention in span.mentions)


def _own_units(text: str, context: Context, *, acting: bool = False) -> UnitSpan | None:
    own = _own_lead(text, context, acting=acting)
    return own.units if own is not None else None


def _text(units: list[_Unit]) -> str:
    return "\n".join(unit.text for unit in units)
