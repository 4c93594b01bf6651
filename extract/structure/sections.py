"""The numbered section tree: I. → 1. → 1.1. → a), with bullets kept as body text.

Nesting follows the *kind* of label rather than indentation (which text conversions lose):
roman and ``Điều`` enclose dotted numbers, ``1.`` encloses ``1.1.``, which encloses letters.
A label of a kind already open closes everything below it, so ``4.`` after ``3.2. → e)``
goes back up to the level of ``3.``. An appendix (``PHỤ LỤC``) restarts numbering below it.
The closing block (Nơi nhận, signature) belongs to no section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.blocks import Paragraph
from extract.model import Provenance, Section, Table
from extract.structure.kinds import near_kinds
from extract.structure.numbering import Label, LabelKind, Line, logical_lines, parse_label

# Lines that end the body: the recipients list and the signature block.
_CLOSING = re.compile(r"^(?:Nơi nhận|NƠI NHẬN|(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ]{2})")
# Without a PHỤ LỤC line, a capitalised DANH MỤC after the signature opens the appendix.
_APPENDIX_TITLE = re.compile(r"^(?:DANH MỤC|BIỂU|BẢNG)\b|^\(\s*(?:Ban hành )?[Kk]èm theo\b")
# A kind line alone after the signature: the plan (programme, scheme, rules) that a decision issues or a
# submission carries, "(Ban hành kèm theo Quyết định số …)" below its title. Its parts assign the work, so it
# is a document of its own in the tree, not an annex (annexes list and describe; their tasks are not read).
ATTACHED_KINDS = ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "PHƯƠNG ÁN", "QUY CHẾ", "QUY ĐỊNH", "HƯỚNG DẪN")
_ATTACHED_KIND = re.compile(rf"^(?:DỰ THẢO\s+)?(?:{'|'.join(ATTACHED_KINDS)})(?:\s*\(DỰ THẢO\))?$")

_NODE_KINDS = (
    LabelKind.APPENDIX,
    LabelKind.CHAPTER,
    LabelKind.ARTICLE,
    LabelKind.ROMAN,
    LabelKind.DOTTED,
    LabelKind.LETTER,
)


@dataclass(slots=True)
class SectionNode:
    label: Label
    line: Line
    title: str
    ref: str
    level: int
    body: list[Line] = field(default_factory=list)
    children: list[SectionNode] = field(default_factory=list)


def build_sections(
    items: list[Paragraph | Table], *, source: str, lines: list[Line] | None = None
) -> list[Section]:
    """The section tree of the document's running text, in reading order.

    ``lines`` is ``logical_lines(items)`` when the caller already has it (the builder shares it).
    """
    lines = logical_lines(items) if lines is None else lines
    return [_freeze(node, source) for node in section_nodes(lines).roots]


@dataclass(slots=True)
class SectionNodes:
    """The tree before freezing, with each body line's provenance, and the unnumbered opening text."""

    roots: list[SectionNode]
    preamble: list[Line]  # running text before the first numbered part (a letter's whole body)


def section_nodes(lines: list[Line]) -> SectionNodes:
    """The section tree over logical lines; ``build_sections`` freezes it into Section records."""
    roots: list[SectionNode] = []
    preamble: list[Line] = []
    stack: list[SectionNode] = []
    closed = False  # inside the closing block, until an appendix starts
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        label = parse_label(line.text)
        if closed and label is None and _is_attached_kind(line.text.strip()):
            label = Label(LabelKind.ATTACHED, line.text.strip(), (), "")
        elif closed and label is None and _APPENDIX_TITLE.match(line.text):
            label = Label(LabelKind.APPENDIX, "", (), line.text)
        elif closed and label is not None and label.kind in (LabelKind.ROMAN, LabelKind.CHAPTER):
            # Roman parts after the signature belong to an appendix whose title was lost.
            implicit = SectionNode(
                label=Label(LabelKind.APPENDIX, "", (), ""), line=line, title="", ref="", level=1
            )
            roots.append(implicit)
            stack = [implicit]
            closed = False
        if label is not None and label.kind in (LabelKind.APPENDIX, LabelKind.ATTACHED):
            closed = False
            title, index = _title_below(label, lines, index)
            node = SectionNode(label=label, line=line, title=title, ref="", level=1)
            roots.append(node)
            stack = [node]
            continue
        if closed:
            continue
        if _CLOSING.match(line.text):
            closed = True
            stack = []
            continue
        if label is None or label.kind not in _NODE_KINDS:
            if stack:
                stack[-1].body.append(line)
            elif not roots:
                preamble.append(line)
            continue
        while stack and stack[-1].label.rank >= label.rank:
            stack.pop()
        parent = stack[-1] if stack else None
        title, index = _title_below(label, lines, index)
        node = SectionNode(label=label, line=line, title=title, ref=_ref(label, parent), level=len(stack) + 1)
        (parent.children if parent else roots).append(node)
        stack.append(node)
    return SectionNodes(roots, preamble)


def _is_attached_kind(text: str) -> bool:
    """A kind line alone that opens an attached document, as printed or through an OCR slip ("KÉẺ HOẠCH", the draft
    plan of a certified Tờ trình copy, 91/TTr-CAT-PC04 Lâm Đồng 2026): the one nearest kind, nothing after it."""
    if _ATTACHED_KIND.match(text):
        return True
    near = sorted((edits, kind) for edits, kind, rest in near_kinds(text) if not rest)
    if not near or (len(near) > 1 and near[1][0] == near[0][0]):
        return False
    return near[0][1] in ATTACHED_KINDS


def _title_below(label: Label, lines: list[Line], index: int) -> tuple[str, int]:
    """A part label alone on its line ("PHỤ LỤC", "Chương I") takes the next unnumbered line as title."""
    if label.rest or label.kind not in (LabelKind.APPENDIX, LabelKind.ATTACHED, LabelKind.CHAPTER, LabelKind.ROMAN):
        return label.rest, index
    if index < len(lines) and parse_label(lines[index].text) is None and len(lines[index].text) < 200:
        return lines[index].text, index + 1
    return "", index


def _ref(label: Label, parent: SectionNode | None) -> str:
    """The dotted path without the roman level, as gold refs are written ("3.2.đ")."""
    if label.kind in (LabelKind.ROMAN, LabelKind.ARTICLE, LabelKind.APPENDIX, LabelKind.ATTACHED, LabelKind.CHAPTER):
        return ""
    parent_ref = parent.ref if parent else ""
    if label.kind is LabelKind.DOTTED:
        printed = ".".join(label.parts)
        # "1.1." carries its whole path already; a lone "2." under a letter continues the parent's.
        if len(label.parts) > 1 or not parent_ref:
            return printed
        return f"{parent_ref}.{printed}"
    return f"{parent_ref}.{label.parts[0]}" if parent_ref else label.parts[0]


def _freeze(node: SectionNode, source: str) -> Section:
    return Section(
        label=node.label.printed,
        level=node.level,
        ref=node.ref,
        title=node.title,
        text="\n".join(line.text for line in node.body),
        children=[_freeze(child, source) for child in node.children],
        provenance=Provenance(file=source, page=node.line.page, line=node.line.line, raw=node.line.raw),
    )


SectionWithPath = tuple[Section, tuple[Section, ...]]


def walk(sections: list[Section], path: tuple[Section, ...] = ()) -> list[SectionWithPath]:
    """Every section with its ancestors (root first), in reading order."""
    out: list[SectionWithPath] = []
    for section in sections:
        out.append((section, path))
        out.extend(walk(section.children, (*path, section)))
    return out


def is_appendix(section: Section) -> bool:
    return section.label.upper().startswith("PHỤ LỤC") or (section.level == 1 and section.label == "")


def heading_text(section: Section) -> str:
    """Label and title as printed: "đ) Đối với dữ liệu ngành Y tế"."""
    return f"{section.label} {section.title}".strip()
