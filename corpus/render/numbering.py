"""Word automatic numbering (numbering.xml) for the one seed section rendered that way.

Vietnamese letter lists run a) b) c) d) đ) e): Word's ``lowerLetter`` cannot print "đ".
What Word users actually do, and what we reproduce, is keep "đ)" typed as plain text in a
paragraph outside the list; the list counter is not advanced by it, so the next automatic
item (the 5th) prints "e)". An extractor therefore has to interleave typed and automatic
labels to recover a) b) c) d) đ) e).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

_DECIMAL_LABEL = re.compile(r"^(\d+)\.\s+(?=\D)")
_LETTER_LABEL = re.compile(r"^([a-zđ])\)\s+")
_ROMAN_HEADING = re.compile(r"^[IVX]+\.\s")
_WORD_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_INDENT_TWIPS = 0  # flush left, like the typed paragraphs around the list


@dataclass(slots=True)
class ListState:
    """Counters of the automatic list while walking one section."""

    num_id: int
    decimal: int = 0
    letter: int = 0


def add_outline_list(document: DocxDocument) -> int:
    """Add a two-level list ("%1." decimal, "%2)" lowerLetter) and return its numId."""
    numbering = document.part.numbering_part.element
    abstract_ids = [int(el.get(qn("w:abstractNumId"))) for el in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(el.get(qn("w:numId"))) for el in numbering.findall(qn("w:num"))]
    abstract_id = max(abstract_ids, default=-1) + 1
    num_id = max(num_ids, default=0) + 1
    levels = "".join(
        (
            _level_xml(0, "decimal", "%1."),
            _level_xml(1, "lowerLetter", "%2)"),
        )
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:nsid w:val="5A1B2C3D"/><w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    # Schema order: every abstractNum precedes every num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    return num_id


def _level_xml(level: int, fmt: str, text: str) -> str:
    # No lvlRestart: by default a level restarts after any higher level, i.e. per parent item.
    return (
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:suff w:val="space"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="0" w:firstLine="{_INDENT_TWIPS}"/></w:pPr></w:lvl>'
    )


def automatic_label(text: str, state: ListState) -> tuple[int, str] | None:
    """If ``text`` starts with the label Word would print next, return (level, text without it).

    Labels that Word cannot produce ("đ)") or that are out of sequence stay typed.
    """
    decimal = _DECIMAL_LABEL.match(text)
    if decimal is not None and int(decimal.group(1)) == state.decimal + 1:
        state.decimal += 1
        state.letter = 0  # level 1 restarts under every new level-0 item
        return 0, text[decimal.end() :]
    letter = _LETTER_LABEL.match(text)
    if letter is not None and state.letter < len(_WORD_LETTERS):
        if letter.group(1) == _WORD_LETTERS[state.letter]:
            state.letter += 1
            return 1, text[letter.end() :]
    return None


def is_section_end(text: str) -> bool:
    return bool(_ROMAN_HEADING.match(text))


def apply_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.insert(
        0,
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'),
    )
