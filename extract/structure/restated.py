"""A scanned title repaired from the sentence that restates it.

A decision's issuing sentence and a plan's opening name the document again with its trích yếu
("Thủ tướng Chính phủ ban hành Quyết định sửa đổi, bổ sung …", "Sở Y tế xây dựng kế hoạch công tác
kiểm tra …"). On a scan the title block is where arrival stamps and handwriting land, so OCR damages
it more than the running text below ("… năm 2020 tướng Chính phủ …, Ea tộc chút phục vụ …", "M tế").
The two readings are aligned word by word, and the restatement's words are taken only where the
evidence favours them: words the title lost between two agreeing stretches, or a stretch where the
title reads something no Vietnamese syllable spells and the restatement does not, or a stretch where
both read real words and the language model finds the restatement's far likelier in the title's own
context ("cơ quan, tộc chút phục vụ" / "cơ quan, tổ chức phục vụ"). Where it does not ("kết nối" /
"kết nói": the title's reading is the likelier) the title stays as read.
"""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

from extract.ocr.langmodel import MARK_ERROR, language_model, sequence_logprob
from extract.ocr.postcorrect import is_valid_syllable
from extract.structure.numbering import Line

# The restatement must cover most of the title, or it is another sentence that merely shares words.
MIN_SHARED = 0.7
# Words lost from the title at one place: a stamp covers a few words, never a clause.
MAX_INSERTED = 4
# Both readings are OCR of the same words; the restatement's wins only by more than the odds against
# the recogniser misreading one mark, the channel's unit of doubt (langmodel.MARK_ERROR).
REREAD_MARGIN = -math.log(MARK_ERROR)
CONTEXT = 2  # words of the title either side that the two readings are scored in
_EDGE = ".,;:()“”\"'"


def _key(token: str) -> str:
    return token.strip(_EDGE).casefold()


def _spells_words(tokens: list[str]) -> bool:
    """Every token is a Vietnamese syllable, a number or a code (digits: "20/2020/QĐ-TTg")."""
    for token in tokens:
        core = token.strip(_EDGE)
        if core and not any(char.isdigit() for char in core) and not is_valid_syllable(core):
            return False
    return True


# A basis clause names another document and that document's trích yếu: "Căn cứ Công văn số 5085/BGDĐT-TCCB … về việc
# triển khai xét tặng danh hiệu NGND, NGƯT lần thứ 17 - năm 2026;" gave TB 1144/TB-ĐHTĐ (a scan) the words "triển khai"
# its own title does not have ("Về việc xét tặng danh hiệu NGND, NGƯT lần thứ 17 – năm 2026").
_CITES_ANOTHER = re.compile(r"^\s*Căn\s+cứ\s", re.IGNORECASE)


def repair_title(title: str, lines: list[Line]) -> tuple[str, Line] | None:
    """The title with OCR damage undone from its restatement in ``lines``, and that line; None when no line
    restates it or nothing is changed."""
    words = title.split()
    if len(words) < 4:
        return None
    keys = [_key(word) for word in words]
    for line in lines:
        if _CITES_ANOTHER.match(line.text):
            continue
        other = line.text.split()
        other_keys = [_key(word) for word in other]
        matcher = SequenceMatcher(None, keys, other_keys, autojunk=False)
        blocks = [block for block in matcher.get_matching_blocks() if block.size]
        if not blocks or sum(block.size for block in blocks) < MIN_SHARED * len(words):
            continue
        start, end = blocks[0].b, blocks[-1].b + blocks[-1].size
        span = other[start:end]
        repaired = _merge(words, span, SequenceMatcher(None, keys, other_keys[start:end], autojunk=False))
        if repaired != words:
            return " ".join(repaired), line
        return None
    return None


def _merge(words: list[str], span: list[str], matcher: SequenceMatcher[str]) -> list[str]:
    out: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        mine, theirs = words[i1:i2], span[j1:j2]
        if tag == "equal":
            out.extend(mine)
        elif tag == "insert":
            # lost between two stretches both readings agree on: a stamp or a fold covered them
            inside = 0 < i1 < len(words)
            out.extend(theirs if inside and len(theirs) <= MAX_INSERTED and _spells_words(theirs) else [])
        elif tag == "replace" and not _spells_words(mine) and _spells_words(theirs):
            out.extend(theirs)
        elif tag == "replace" and _likelier(words[max(i1 - CONTEXT, 0) : i1], mine, theirs, words[i2 : i2 + CONTEXT]):
            out.extend(theirs)
        else:
            out.extend(mine)
    return out


def _likelier(left: list[str], mine: list[str], theirs: list[str], right: list[str]) -> bool:
    """The restatement's words are far more probable than the title's in the title's context; numbers
    and codes are not the language model's to judge."""
    if any(char.isdigit() for token in mine + theirs for char in token) or not _spells_words(mine + theirs):
        return False
    model = language_model()
    ours = sequence_logprob(model, " ".join(left + mine + right))
    other = sequence_logprob(model, " ".join(left + theirs + right))
    return other - ours > REREAD_MARGIN


def restating_lines(preamble: list[Line], kind_index: int | None, title: str) -> list[Line]:
    """Running text after the title that may restate it (an issuing or opening sentence); the title's own
    printed lines are not a second reading of it."""
    if kind_index is None:
        return []
    return [
        line
        for line in preamble[kind_index + 1 :]
        if len(line.text) > 80 and re.search(r"[a-zđà-ỹ]", line.text) and line.text.strip() not in title
    ]
