"""Tasks: numbered items with labelled lines (Thời gian, Đơn vị chủ trì, Đơn vị phối hợp) and task tables.

A task is a numbered section that carries at least one labelled time / lead / partner line
(docs/gold-conventions.md). Labels come with or without a leading "- ", with any trailing
words ("Thời gian thực hiện", "Thời hạn hoàn thành") and a colon; several can share one
printed line ("- Thời gian: Quý IV/2026. - Đơn vị chủ trì: Phòng Văn hóa - Xã hội"), so a
line is cut into *segments*, one per label. The raw values are the segment text as printed
(whitespace collapsed, trailing punctuation kept); normalising them is nlp's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from extract.blocks import Paragraph
from extract.model import Cell, Provenance, RowKind, Section, Table, TableRow, Task, TaskSource
from extract.structure.numbering import Line, clean_text, logical_lines
from extract.structure.sections import SectionNode, heading_text, is_appendix, section_nodes, walk

if TYPE_CHECKING:  # nlp is imported when the first document's prose is read, not with extract
    from nlp.frames import Context


class Field(StrEnum):
    CONTENT = "content"
    TIME = "time"
    LEAD = "lead"
    PARTNER = "partner"
    OTHER = "other"  # a label that only ends the previous segment (Ghi chú, Kinh phí...)


# "Đơn vị", "Cơ quan", "Cơ quan, đơn vị" before chủ trì / phối hợp / thực hiện.
_UNIT_NOUN = r"(?:Đơn\s+vị|Cơ\s+quan)(?:\s*,\s*(?:đơn\s+vị|cơ\s+quan))?"
_LABEL_WORDS: list[tuple[Field, str]] = [
    (Field.TIME, r"Thời\s+gian(?:\s+(?:thực\s+hiện|hoàn\s+thành|triển\s+khai))?"),
    (Field.TIME, r"Thời\s+hạn(?:\s+(?:thực\s+hiện|hoàn\s+thành))?"),
    (Field.TIME, r"Tiến\s+độ(?:\s+(?:thực\s+hiện|hoàn\s+thành))?"),
    (Field.TIME, r"Lộ\s+trình(?:\s+thực\s+hiện)?"),
    (Field.LEAD, rf"{_UNIT_NOUN}\s+chủ\s+trì(?:\s+thực\s+hiện)?"),
    (Field.LEAD, rf"{_UNIT_NOUN}\s+thực\s+hiện"),
    (Field.LEAD, r"Chủ\s+trì(?:\s+thực\s+hiện)?"),
    (Field.PARTNER, rf"{_UNIT_NOUN}\s+phối\s+hợp(?:\s+thực\s+hiện)?"),
    (Field.PARTNER, r"Phối\s+hợp(?:\s+thực\s+hiện)?"),
    (Field.CONTENT, r"Nội\s+dung(?:\s+(?:thực\s+hiện|công\s+việc|nhiệm\s+vụ|chủ\s+yếu))?"),
    (Field.OTHER, r"Ghi\s+chú|Kinh\s+phí(?:\s+thực\s+hiện)?|Sản\s+phẩm(?:\s+đầu\s+ra)?|Kết\s+quả\s+đầu\s+ra"),
]
_GROUP_FIELDS = {f"g{index}": fld for index, (fld, _) in enumerate(_LABEL_WORDS)}
_LABEL_BODY = (
    r"(?:[-–+•]\s*)?(?:"
    + "|".join(f"(?P<g{index}>{words})" for index, (_, words) in enumerate(_LABEL_WORDS))
    + r")\s*:\s*"
)
# A label always ends with a colon ("Chủ trì, phối hợp với..." is a sentence, not a label). It
# opens the line (in any case) or, capitalised, follows the end of a sentence or a glued " - ";
# a lower-case "tiến độ:" inside a sentence is running text.
_LABEL_AT_START = re.compile(r"^" + _LABEL_BODY, re.IGNORECASE)
_LABEL_MID = re.compile(r"(?:(?<=[.;,!?)…])\s+|\s+[-–]\s+)" + _LABEL_BODY)
_BULLET = re.compile(r"^[-–+•]\s*")
_IMPLEMENTATION = re.compile(r"TỔ\s+CHỨC\s+THỰC\s+HIỆN", re.IGNORECASE)
# A heading that names a unit ("1. Sở Thông tin và Truyền thông", "2. Công an xã").
_UNIT_HEADING = re.compile(
    r"^(?:Các\s+)?(?:Sở|Ủy\s+ban|Uỷ\s+ban|UBND|HĐND|Phòng|Công\s+an|Văn\s+phòng|Ban|Trung\s+tâm|Bộ|Cục|"
    r"Chi\s+cục|Thanh\s+tra|Đài|Báo|Hội|Trường|Bệnh\s+viện|Kho\s+bạc|Ngân\s+hàng|Cơ\s+quan|Đơn\s+vị|"
    r"Bảo\s+hiểm|Liên\s+đoàn|Đoàn|Trạm|Bộ\s+phận|Tòa\s+án|Viện|Quỹ|Mặt\s+trận|Ủy\s+ban\s+MTTQ|Chủ\s+tịch)\b",
)


@dataclass(frozen=True, slots=True)
class Segment:
    field: Field | None  # None for the text before the first label
    text: str


def split_segments(line: str) -> list[Segment]:
    """Cut a line at its labels: "a: x. - b: y" → [a: "x.", b: "y"]; unlabelled text first."""
    first = _LABEL_AT_START.match(line)
    matches = [first] if first else []
    matches += [match for match in _LABEL_MID.finditer(line) if not first or match.start() >= first.end()]
    segments: list[Segment] = []
    start = 0
    current: Field | None = None
    for match in matches:
        segments.append(Segment(current, _collapse(line[start : match.start()])))
        current = next(_GROUP_FIELDS[name] for name, value in match.groupdict().items() if value)
        start = match.end()
    segments.append(Segment(current, _collapse(line[start:])))
    return [seg for seg in segments if seg.field is not None or seg.text]


def _collapse(text: str) -> str:
    return " ".join(text.split())  # str.split and re's \s agree on what whitespace is


@dataclass(slots=True)
class _TaskFields:
    content: list[str] = field(default_factory=list)
    time: str = ""
    lead: str = ""
    partner: str = ""
    labelled: bool = False  # saw a time, lead or partner label

    def set(self, fld: Field, value: str) -> bool:
        """Record a labelled value; False when the field already had one (the first one wins)."""
        if fld in (Field.TIME, Field.LEAD, Field.PARTNER):
            self.labelled = True
            if getattr(self, fld.value):
                return False
            setattr(self, fld.value, value)
            return True
        if fld is Field.CONTENT and value:
            self.content.append(value)
        return fld is Field.CONTENT

    def extend(self, fld: Field, value: str) -> None:
        """A value wrapped onto the next printed line ("... thuộc UBND tỉnh và" / "các cơ quan ...")."""
        if fld in (Field.TIME, Field.LEAD, Field.PARTNER):
            setattr(self, fld.value, f"{getattr(self, fld.value)} {value}".strip())
        elif fld is Field.CONTENT:
            self.content.append(value)


def extract_tasks(
    items: list[Paragraph | Table],
    sections: list[Section],
    *,
    source: str,
    lines: list[Line] | None = None,
    issuer: str = "",
) -> list[Task]:
    """Labelled tasks of the numbered sections (appendices excluded), then prose tasks, then task tables.

    ``issuer`` (the document's issuing body) places the units that prose tasks name.
    """
    tasks: list[Task] = []
    labelled_sections: set[int] = set()
    for section, ancestors in walk(sections):
        if not section.ref or any(is_appendix(node) for node in (*ancestors, section)):
            continue
        task = _section_task(section, ancestors, source)
        if task is not None:
            tasks.append(task)
            labelled_sections.add(id(section))
    context = _context(issuer)
    # A labelled item whose lead is only said in a sentence ("- Thời gian thực hiện: …; giao Văn phòng
    # HĐND&UBND thị xã chủ trì …", "- Giải pháp thực hiện: Giao … chủ trì"): the sentence names it.
    tasks = [_lead_from_prose(task, context) if not task.lead_raw else task for task in tasks]
    if issuer:
        # Prose assigns work in documents an authority issues; a technical specification or a bare
        # list with no issuing body ("Đơn vị triển khai cần có …", "Ban Quản lý sẽ …") describes.
        tasks.extend(_prose(items, sections, source, lines, context, labelled_sections))
    for item in items:
        if isinstance(item, Table):
            tasks.extend(_table_tasks(item, source))
    return tasks


def _context(issuer: str) -> Context:
    from nlp.frames import Context
    from nlp.localities import locality_of_issuer

    return Context(locality=locality_of_issuer(issuer), issuer=issuer)


# An assignment glued to a labelled time value: "Đã khắc phục xong từ tháng 6/2024; giao Văn phòng …".
_TIME_THEN_ASSIGNMENT = re.compile(r"[;,.]\s+giao\s", re.IGNORECASE)


def _lead_from_prose(task: Task, context: Context) -> Task:
    from nlp.frames import assigned_in, subject_of

    update: dict[str, str] = {}
    glued = _TIME_THEN_ASSIGNMENT.search(task.time_raw)
    if glued is not None:
        # The time value ends where the assignment starts; the assignment may name the lead.
        update["time_raw"] = task.time_raw[: glued.start()].rstrip()
        found = assigned_in(task.time_raw[glued.start() + 1 :], context)
        if found is not None:
            update["lead_raw"] = found.text
    if "lead_raw" not in update:
        for line in task.content.split("\n"):
            found = assigned_in(line, context)
            if found is None:
                subject = subject_of(line.lstrip("-+• "), context)
                found = subject.units if subject is not None and subject.framed else None
            if found is not None:
                update["lead_raw"] = found.text
                break
    return task.model_copy(update=update) if update else task


def _prose(
    items: list[Paragraph | Table],
    sections: list[Section],
    source: str,
    lines: list[Line] | None,
    context: Context,
    labelled_sections: set[int],
) -> list[Task]:
    from extract.structure.prose_tasks import extract_prose_tasks

    tree = section_nodes(logical_lines(items) if lines is None else lines)
    # The node tree and the frozen sections are the same tree: pair them by walking both.
    labelled_nodes = {
        id(node)
        for (section, _), node in zip(walk(sections), _walk_nodes(tree.roots), strict=True)
        if id(section) in labelled_sections
    }
    return extract_prose_tasks(tree, source=source, context=context, labelled=lambda node: id(node) in labelled_nodes)


def _walk_nodes(nodes: list[SectionNode]) -> list[SectionNode]:
    out: list[SectionNode] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk_nodes(node.children))
    return out


def _section_task(section: Section, ancestors: tuple[Section, ...], source: str) -> Task | None:
    reader = _FieldReader()
    heading_segments = split_segments(section.title)
    title = heading_segments[0].text if heading_segments and heading_segments[0].field is None else ""
    heading, rest = _cut_heading(title)
    if rest:
        reader.fields.content.append(rest)
    for seg in heading_segments[1 if title else 0 :]:
        reader.labelled(seg.field or Field.CONTENT, seg.text)
    for line in section.text.split("\n"):
        if line.strip():
            reader.line(line)
    fields = reader.fields
    if not fields.labelled:
        return None
    if not title and not fields.lead and not fields.partner and not fields.content:
        # "2. Thời gian thực hiện: Từ ngày … đến ngày …" under "ĐỐI TƯỢNG VÀ THỜI GIAN": the plan's own
        # period, a heading that is a label, not an item that assigns work.
        return None
    lead = fields.lead
    if not lead and fields.time and any(_IMPLEMENTATION.search(node.title) for node in ancestors):
        lead = _unit_of_heading(ancestors)
    full_heading = f"{section.label} {heading}".strip()
    return Task(
        ref=section.ref,
        heading=full_heading,
        content="\n".join(fields.content),
        time_raw=fields.time,
        lead_raw=lead,
        partner_raw=fields.partner,
        section_path=[heading_text(node) for node in ancestors],
        provenance=Provenance(
            file=source, page=section.provenance.page, line=section.provenance.line, raw=heading_text(section)
        ),
    )


@dataclass
class _FieldReader:
    """A section's lines read into task fields: labelled values, their wrapped lines, and the content."""

    fields: _TaskFields = field(default_factory=_TaskFields)
    current: Field | None = None  # the field the last label opened
    open_value: Field | None = None  # the labelled value a wrapped line may continue

    def labelled(self, fld: Field, text: str) -> None:
        self.current = fld
        self.open_value = fld if self.fields.set(fld, text) else None

    def line(self, line: str) -> None:
        segments = split_segments(line)
        if len(segments) == 1 and segments[0].field is None:
            self._unlabelled(line, segments[0].text)
            return
        for seg in segments:
            if seg.field is not None:
                self.labelled(seg.field, seg.text)
            elif self.current in (None, Field.CONTENT):
                self.fields.content.append(seg.text)

    def _unlabelled(self, line: str, text: str) -> None:
        if self.open_value is not None and self.open_value is not Field.CONTENT and text[:1].islower():
            self.fields.extend(self.open_value, text)
        elif self.current in (None, Field.CONTENT) or (_BULLET.match(line) and self.current is not Field.OTHER):
            # Bullets and wrapped lines belong to the content; notes after the labels do not.
            self.fields.content.append(text)


def _cut_heading(title: str) -> tuple[str, str]:
    """Cut a heading before a colon that introduces content: "Dữ liệu tài chính: (...)"."""
    colon = title.find(":")
    if colon < 0 or not title[colon + 1 :].strip():
        return title, ""
    return title[:colon].rstrip(), title[colon + 1 :].strip()


def _unit_of_heading(ancestors: tuple[Section, ...]) -> str:
    """The unit named by the nearest numbered heading above (implementation sections)."""
    for node in reversed(ancestors):
        if not node.ref:
            break
        title = node.title.strip().rstrip(":").strip()
        if _UNIT_HEADING.match(title):
            return title
    return ""


# ---------------------------------------------------------------- task tables


# Headers are matched with their spaces removed: a PDF's text layer often drops them inside a cell ("Đơn vịphốihợp",
# "Thờigian thựchiện": the task annex of KH nâng cao chất lượng mạng di động Đắk Nông 2024, whose partners and times
# were lost with their columns).
_CATALOG_HEADER = re.compile(r"tầnsuất|chiasẻ|tên(?:tập|cơsở)?dữliệu|tậpdữliệu")


@dataclass(frozen=True, slots=True)
class _TaskColumns:
    number: int | None
    task: int
    lead: int | None
    partner: int | None
    time: int | None
    joint: bool = False  # one column for both: "Đơn vị chủ trì/phối hợp"


def _spaceless(label: str) -> str:
    return re.sub(r"\s+", "", clean_text(label).lower())


def task_columns(header: list[str]) -> _TaskColumns | None:
    """Map a header to task columns; None when the table is not a task table."""
    number = task = lead = partner = time = None
    joint = False
    for index, raw in enumerate(header):
        label = _spaceless(raw)
        if lead is None and partner is None and _JOINT_UNITS.search(label):
            lead = partner = index
            joint = True
        elif number is None and re.fullmatch(r"(?:số)?(?:stt|tt|thứtự|sốthứtự)\.?", label):
            number = index
        elif time is None and re.match(r"(?:thờigian|thờihạn|tiếnđộ|hoànthành|nămthực|lộtrình)", label):
            time = index
        elif partner is None and "phốihợp" in label:
            partner = index
        elif lead is None and ("chủtrì" in label or _LEAD_HEADER.search(label)):
            lead = index
        elif task is None and ("nhiệmvụ" in label or re.match(r"(?:nộidung|côngviệc|hoạtđộng|tênnhiệm)", label)):
            task = index
    if task is None or (lead is None and time is None):
        return None
    # A catalog names datasets and how they are shared, even when a column says "chủ trì".
    if any(_CATALOG_HEADER.search(_spaceless(raw)) for raw in header):
        return None
    return _TaskColumns(number=number, task=task, lead=lead, partner=partner, time=time, joint=joint)


# "Đơn vị thực hiện", and the responsibility ("Trách nhiệm thực hiện", "Đơn vị chịu trách nhiệm": KH tuyên truyền
# CCHC Lâm Đồng 2026, whose 21 broadcast rows name "Lãnh đạo Sở Công Thương" … there and had no lead).
_LEAD_HEADER = re.compile(r"(?:đơnvị|cơquan)thựchiện|tráchnhiệm")
# "Đơn vị chủ trì/phối hợp", "Chủ trì, phối hợp": one column names the lead first, then its partners ("Phòng Đào
# tạo; Trung tâm QLCL", KH 753 khảo sát sự hài lòng 2026, a scan); read as the lead alone it would swallow them.
_JOINT_UNITS = re.compile(r"chủtrì(?:/|,|-|–|và)phốihợp")
_UNIT_LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")


def _joint_units(row: TableRow, col: int | None) -> tuple[str, str]:
    """The lead (the first unit listed) and the partners (the rest) of a joint "chủ trì/phối hợp" cell.

    Units are listed one a line or after semicolons; a comma may sit inside a name ("Sở Văn hóa, Thể thao
    và Du lịch"), so a cell without either stays whole, as the lead.
    """
    parts = [clean_text(part) for part in _UNIT_LIST_SEPARATOR.split(_raw_cell(row, col).strip())]
    parts = [part.strip(" ,;") for part in parts if part.strip(" ,;")]
    return (parts[0], "; ".join(parts[1:])) if parts else ("", "")


def _raw_cell(row: TableRow, col: int | None) -> str:
    """The text of the row's cell in column `col` as read, line breaks kept ("" when there is none)."""
    if col is None:
        return ""
    return next((cell.text for cell in row.cells if cell.col == col), "")


def _cell(row: TableRow, col: int | None) -> str:
    """The cell's text, whitespace collapsed; a lead or partner cell keeps its units one a line, as printed
    ("Sở Tài chính\nSở Nội vụ": a Word cell's paragraphs), since the unit reader splits them at the breaks."""
    return "\n".join(line for part in _raw_cell(row, col).split("\n") if (line := clean_text(part)))


# A clock time opening a time cell: "8h30 - 8h35", "7h00", "14 giờ", "09:00".
_CLOCK_TIME = re.compile(r"^\s*(?:từ\s+)?\d{1,2}\s*(?:h|giờ|:)\s*\d{0,2}\b", re.IGNORECASE)


def _is_programme(table: Table, time_col: int | None) -> bool:
    """A day's programme (the agenda of a meeting or an event): its time column holds clock times, not deadlines.

    "THỜI GIAN | NỘI DUNG / 8h30 - 8h35 | Tuyên bố lí do …" (the working programme annexed to KH 362/KH-SGDĐT Đồng
    Tháp 2026), "7h00 - 7h15 | Ổn định tổ chức" (a school's civic week plan 2026): its rows are the steps of one
    sitting, not work assigned with a deadline.
    """
    times = [_cell(row, time_col) for row in table.rows if row.kind is RowKind.DATA and _cell(row, time_col)]
    return len(times) >= 2 and sum(1 for text in times if _CLOCK_TIME.match(text)) * 3 >= len(times) * 2


# A step of a procedure opening its row: "Bước 1", "Bước 2" … (an internal procedure for an administrative formality,
# "Thứ tự các bước | Nội dung công việc | Đơn vị/cá nhân thực hiện | Thời gian thực hiện", Lào Cai 2026).
_STEP = re.compile(r"^\s*Bước\s*\d{1,2}\b", re.IGNORECASE)


def _is_procedure(table: Table) -> bool:
    """The steps of a procedure, each with who does it and in how many hours: the way a formality is handled every
    time, not work assigned once with a deadline ("0,5 giờ", "01 giờ", "03 ngày" of a quy trình nội bộ)."""
    firsts = [cells[0].text for row in table.rows if row.kind is RowKind.DATA and (cells := _distinct_cells(row))]
    return len(firsts) >= 2 and sum(1 for text in firsts if _STEP.match(text)) * 3 >= len(firsts) * 2


def _table_tasks(table: Table, source: str) -> list[Task]:
    columns = task_columns(table.header)
    if columns is None or _is_programme(table, columns.time) or _is_procedure(table):
        return []
    tasks: list[Task] = []
    group = ""
    for row in table.rows:
        if row.kind is RowKind.GROUP:
            group = " ".join(clean_text(cell.text) for cell in _distinct_cells(row) if cell.text.strip())
            continue
        if row.kind is not RowKind.DATA:
            continue
        text = _cell(row, columns.task)
        if not text:
            continue
        number = _cell(row, columns.number) or str(row.index)
        raw = " | ".join(clean_text(cell.text) for cell in _distinct_cells(row))
        lead, partner = _cell(row, columns.lead), _cell(row, columns.partner)
        if columns.joint:
            lead, partner = _joint_units(row, columns.lead)
        tasks.append(
            Task(
                ref=number.rstrip("."),
                heading=text,
                content=text,
                time_raw=_cell(row, columns.time),
                lead_raw=lead,
                partner_raw=partner,
                section_path=[part for part in (table.caption, group) if part],
                provenance=Provenance(
                    file=source,
                    page=row.page,
                    table=table.index,
                    row=row.index,
                    line=table.provenance.line,
                    raw=raw,
                ),
                source=TaskSource.TABLE,
            )
        )
    return tasks


def _distinct_cells(row: TableRow) -> list[Cell]:
    """Cells of a row with the repeats of a horizontally merged cell dropped."""
    out: list[Cell] = []
    for cell in row.cells:
        if cell.col_span > 1 and out and out[-1].col_span > 1 and out[-1].text == cell.text:
            continue
        out.append(cell)
    return out
