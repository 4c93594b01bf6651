"""Words, lines and paragraphs from the characters of one PDF page.

A PDF has no paragraphs, only positioned glyphs. The genre's structure lives in line starts
("1.1.", "a)", "- Thời gian:"), so the reader keeps every visual line as its own paragraph
unless it is plainly the wrapped continuation of the line above: the previous line was full
(the next line's first word would not have fitted after it), the line is not indented, does
not start with a numbering label, bullet or "Label:" and keeps the same emphasis.
"""

from __future__ import annotations

import functools
import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extract.markup import _SUBSCRIPTS, _SUPERSCRIPTS
from extract.pdf.source import PageSource
from extract.textforms import CODA_PATTERN, ONSET_PATTERN, fold

# A numbering label, bullet or dash that starts a new item ("I.", "1.", "1.1.", "a)", "đ)", "-", "+", "•").
_ITEM_START = re.compile(
    r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?\)?|[a-zđ]\)|[a-zđ]\.|[-+•*–—▪➢❖✓]|\(\d+\)|\([a-zđ]\))(?:\s|$)"
)
# "Thời gian:", "Đơn vị chủ trì:", "Nơi nhận:" — a short capitalised label ending in a colon.
_LABEL_START = re.compile(r"^[A-ZĐÀ-Ỹ][^\s:]*(?:\s+[^\s:]+){0,5}\s*:")


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    raised: bool = False  # a whole word printed as a super- or subscript: it sticks to the word before


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @property
    def top(self) -> float:
        return min(word.top for word in self.words if not word.raised) if self._has_body() else self.words[0].top

    @property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @property
    def size(self) -> float:
        return statistics.median(word.size for word in self.words)

    @property
    def bold(self) -> bool:
        return all(word.bold for word in self.words if any(ch.isalnum() for ch in word.text))

    @property
    def italic(self) -> bool:
        return all(word.italic for word in self.words if any(ch.isalnum() for ch in word.text))

    @property
    def text(self) -> str:
        return join_words(self.words)

    def _has_body(self) -> bool:
        return any(not word.raised for word in self.words)


def join_words(words: Iterable[Word]) -> str:
    parts: list[str] = []
    for word in words:
        if word.raised and parts:
            # "1m <sup>2</sup>" prints as "1m²": the raised word sticks to the one before.
            parts[-1] += word.text
        else:
            parts.append(word.text)
    return " ".join(parts)


@dataclass(slots=True)
class TextRepairs:
    """What :func:`page_words` left out of a page's text, for the reader's warnings."""

    controls: list[str] = field(default_factory=list)  # codes of dropped control characters ("U+0002")
    rotated_words: list[str] = field(default_factory=list)  # words printed rotated or mirrored


def page_words(page: PageSource, repairs: TextRepairs | None = None) -> list[Word]:
    """Words of a page (PDFium or pdfplumber source) with emphasis and superscripts recovered from their characters.

    Control characters the fonts' ToUnicode maps left in the text are repaired: one after a
    letter or digit is the hyphen the page shows ("NĐ\x02CP", "VP HĐND\x02" at a line end),
    any other is dropped. Words printed rotated or mirrored are labels of a diagram (or a
    stamp), not running text: read in text order they come out reversed or one letter per
    line ("HCÁS HNÍHC"), so they are left out when most of the page's text is upright. Both
    are noted in ``repairs`` for a warning.
    """
    raw = page.extract_words(
        x_tolerance_ratio=0.2, y_tolerance=3, keep_blank_chars=False, use_text_flow=False, return_chars=True
    )
    upright = [all(_upright(ch) for ch in item["chars"]) for item in raw]
    # A page whose text mostly runs sideways (a landscape page turned with /Rotate) is read as it is.
    upright_chars = sum(len(item["chars"]) for item, flag in zip(raw, upright, strict=True) if flag)
    drop_rotated = upright_chars * 2 > sum(len(item["chars"]) for item in raw)
    words: list[Word] = []
    for item, item_upright in zip(raw, upright, strict=True):
        chars = _word_chars(item, repairs)
        if not chars:
            continue
        if drop_rotated and not item_upright:
            if repairs is not None:
                repairs.rotated_words.append("".join(ch["text"] for ch in chars))
            continue
        words.extend(_word(piece, piece_chars) for piece, piece_chars in _unglued(item, chars))
    return words


# Words glued where the PDF has no space character ("thủtục", "SởY tếcác" in QĐ 2093/QĐ-BYT, whose marked
# letters come from a second subset font): the gap is still there, 0.11-0.2 em, where letters of one word
# are at most 0.05 em apart on every text PDF of the corpus and the real set (session 13). Letter-spaced
# headings ("K Ế H O Ạ C H" set expanded) open such a gap after (nearly) every letter: they stay whole.
_GLUED_GAP_EM = 0.1


def _unglued(item: dict[str, Any], chars: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The word cut at gaps as wide as a missing space, unless it is letter-spaced throughout."""
    cuts = [
        index
        for index in range(1, len(chars))
        if float(chars[index]["x0"]) - float(chars[index - 1]["x1"])
        >= _GLUED_GAP_EM * max(float(chars[index - 1]["size"]), 1.0)
    ]
    if not cuts or 4 * len(cuts) >= 3 * (len(chars) - 1):  # a gap after (nearly) every letter: letter-spaced
        return [(item, chars)]
    pieces: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for start, end in zip([0, *cuts], [*cuts, len(chars)], strict=True):
        part = chars[start:end]
        piece = {**item, "x0": part[0]["x0"], "x1": part[-1]["x1"], "text": "".join(ch["text"] for ch in part)}
        pieces.append((piece, part))
    return pieces


def _word_chars(item: dict[str, Any], repairs: TextRepairs | None) -> list[dict[str, Any]]:
    """The word's visible characters, control characters repaired or dropped (noted in ``repairs``)."""
    chars = [ch for ch in item["chars"] if ch["text"].strip()]
    if _CONTROL.search(item["text"]):
        chars = _repair_controls(chars, repairs.controls if repairs else None)
    return chars


def _word(item: dict[str, Any], chars: list[dict[str, Any]]) -> Word:
    """A word from its characters: size, super/subscripts, and emphasis by most of its letters."""
    first = chars[0]
    size, font = first["size"], first["fontname"]
    if all(ch["size"] == size and ch["fontname"] == font for ch in chars) and float(size) >= 0:
        # Nearly every word is one font at one size: no character is small (none is under 0.8 of
        # the size), and most of its letters are in that font; the general path below gives the same.
        bold, italic = _font_style(str(font))
        return Word(
            text="".join([ch["text"] for ch in chars]),
            x0=float(item["x0"]),
            x1=float(item["x1"]),
            top=float(item["top"]),
            bottom=float(item["bottom"]),
            size=float(size),
            bold=bold,
            italic=italic,
        )
    sizes = [float(ch["size"]) for ch in chars]
    size = max(sizes)
    floor = 0.8 * size  # smaller: a super- or subscript character (_script_text)
    baseline = max(float(ch["bottom"]) for ch, char_size in zip(chars, sizes, strict=True) if char_size >= floor)
    # Most words have no small character: their text is their characters' (_script_text's, read faster).
    text = _script_text(chars, size, baseline) if min(sizes) < floor else "".join(ch["text"] for ch in chars)
    letters = [ch for ch in chars if ch["text"].isalnum()] or chars
    styles = [_font_style(str(ch["fontname"])) for ch in letters]
    bold = sum(is_bold for is_bold, _ in styles) * 2 > len(letters)
    italic = sum(is_italic for _, is_italic in styles) * 2 > len(letters)
    return Word(
        text=text,
        x0=float(item["x0"]),
        x1=float(item["x1"]),
        top=float(item["top"]),
        bottom=float(item["bottom"]),
        size=size,
        bold=bold,
        italic=italic,
    )


def _upright(char: dict[str, Any]) -> bool:
    """Set left to right on the page, not turned or mirrored.

    pdfminer's own flag calls a glyph turned by 90° upright when rounding leaves its matrix's
    diagonal a hair above zero, so its matrix is read when it has one (PDFium gives the flag).
    """
    matrix = char.get("matrix")
    if matrix is None:
        return bool(char.get("upright", True))
    a, b, c, d = (float(value) for value in matrix[:4])
    return a > 0 and d > 0 and abs(b) <= 0.05 * a and abs(c) <= 0.05 * d


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _is_control(text: str) -> bool:
    return len(text) == 1 and unicodedata.category(text) == "Cc"


def _repair_controls(chars: list[dict[str, Any]], dropped: list[str] | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for ch in chars:
        if not _is_control(ch["text"]):
            out.append(ch)
        elif out and out[-1]["text"][-1:].isalnum():
            out.append({**ch, "text": "-"})
        elif dropped is not None:
            dropped.append(f"U+{ord(ch['text']):04X}")
    return out


@functools.lru_cache(maxsize=1024)
def _font_style(fontname: str) -> tuple[bool, bool]:
    """(bold, italic) by the font's name: a page has a handful of fonts and thousands of characters."""
    lowered = fontname.lower()
    return "bold" in lowered, "italic" in lowered or "oblique" in lowered


def _script_text(chars: Sequence[dict[str, Any]], size: float, baseline: float) -> str:
    """Word text with small raised characters turned into Unicode superscripts when all have one."""
    out: list[str] = []
    run: list[str] = []

    def flush(kind: str) -> None:
        if run:
            joined = "".join(run)
            table = _SUPERSCRIPTS if kind == "sup" else _SUBSCRIPTS
            if all(ch in table for ch in joined):
                out.append("".join(table[ch] for ch in joined))
            else:
                out.append(joined)
            run.clear()

    mode = ""
    for ch in chars:
        small = float(ch["size"]) < 0.8 * size
        bottom = float(ch["bottom"])
        kind = "" if not small else "sup" if bottom < baseline - 0.15 * size else "sub" if bottom > baseline else ""
        if kind != mode:
            flush(mode)
            mode = kind
        if kind:
            run.append(ch["text"])
        else:
            out.append(ch["text"])
    flush(mode)
    return "".join(out)


_SMALL = 0.8  # a word under this share of its line's median size is printed small


def lift_superscript_words(words: list[Word]) -> list[Word]:
    """Mark words printed small and raised or lowered on their line ("2+" after "Ca", "2" after "SO")."""
    if not words:
        return words
    sizes = [word.size for word in words]
    if min(sizes) >= _SMALL * max(sizes):
        # No word is printed small (the median lies between both): nothing to mark, and the two
        # medians below are saved for nearly every line and cell of a page.
        return list(words)
    body_size = statistics.median(sizes)
    baseline = statistics.median(word.bottom for word in words)
    out: list[Word] = []
    for word in words:
        small = word.size < _SMALL * body_size
        table = (
            _SUPERSCRIPTS if word.bottom < baseline - 0.15 * body_size
            else _SUBSCRIPTS if word.bottom > baseline + 0.5
            else None
        )  # fmt: skip
        if small and table is not None and all(ch in table for ch in word.text):
            scripted = "".join(table[ch] for ch in word.text)
            out.append(Word(scripted, word.x0, word.x1, word.top, word.bottom, word.size, word.bold, word.italic, True))
        else:
            out.append(word)
    return out


def group_lines(words: Sequence[Word]) -> list[Line]:
    """Cluster words into visual lines by vertical overlap, left to right within a line."""
    lines: list[list[Word]] = []
    # Each line's largest word (the first of the largest, as max() would pick it), kept as words join
    # instead of searched again for every word that follows.
    refs: list[Word] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        placed = False
        for index in range(len(lines) - 1, max(len(lines) - 3, 0) - 1, -1):
            ref = refs[index]
            overlap = min(ref.bottom, word.bottom) - max(ref.top, word.top)
            if overlap >= 0.5 * min(ref.bottom - ref.top, word.bottom - word.top):
                lines[index].append(word)
                if word.size > ref.size:
                    refs[index] = word
                placed = True
                break
        if not placed:
            lines.append([word])
            refs.append(word)
    result = [Line(tuple(sorted(line, key=lambda w: w.x0))) for line in lines]
    return sorted(result, key=lambda ln: (ln.top, ln.x0))


def split_segments(line: Line, gap_factor: float = 2.5) -> list[Line]:
    """Cut a line where the gap between words is far wider than a space (side-by-side columns)."""
    segments: list[list[Word]] = [[line.words[0]]]
    for prev, word in zip(line.words, line.words[1:], strict=False):
        if word.x0 - prev.x1 > gap_factor * max(prev.size, word.size) and not word.raised:
            segments.append([word])
        else:
            segments[-1].append(word)
    return [Line(tuple(seg)) for seg in segments]


def starts_new_item(text: str) -> bool:
    return bool(_ITEM_START.match(text) or _LABEL_START.match(text))


@dataclass(frozen=True, slots=True)
class TextFrame:
    """The page's text block: left edge (unindented lines) and right edge (full lines)."""

    left: float
    right: float


def text_frame(lines: Sequence[Line]) -> TextFrame:
    if not lines:
        return TextFrame(0.0, 0.0)
    lefts = [round(line.x0) for line in lines]
    left = float(min(statistics.multimode(lefts)))
    right = max(line.x1 for line in lines)
    return TextFrame(left, right)


def wraps_onto(prev: Line, line: Line, frame: TextFrame, space_width: float, *, same_page: bool = True) -> bool:
    """True when ``line`` is the wrapped continuation of ``prev`` (same paragraph)."""
    size = max(prev.size, line.size)
    first_word_width = line.words[0].x1 - line.words[0].x0
    hyphenated = ends_with_hyphen_break(prev)
    # Broken after a hyphen ("NĐ-" / "CP"), the next piece needed no space to be too wide.
    needed = first_word_width if hyphenated else space_width + first_word_width
    prev_was_full = prev.x1 + needed > frame.right + 0.5
    gap = line.top - prev.bottom
    return (
        prev_was_full
        and abs(line.x0 - frame.left) < 0.6 * size
        and (gap < 0.9 * size or not same_page)
        and prev.bold == line.bold
        and (hyphenated or not starts_new_item(line.text))
    )


def ends_with_hyphen_break(line: Line) -> bool:
    """The line ends inside a hyphenated word ("278/2025/NĐ-"), not with a free-standing dash."""
    last = line.words[-1].text
    return len(last) > 1 and last[-1] in "-‐–" and last[-2].isalnum()


def join_lines(lines: Sequence[Line]) -> str:
    text = ""
    for index, line in enumerate(lines):
        if index and not ends_with_hyphen_break(lines[index - 1]):
            text += " "
        text += line.text
    return text


# Shape only, on the toneless letters: onset, one to three vowels, coda (see extract.textforms).
_SYLLABLE = re.compile(rf"^(?:{ONSET_PATTERN})?[aeiouy]{{1,3}}(?:{CODA_PATTERN})?$")


def one_syllable(text: str) -> bool:
    """Could ``text`` be one Vietnamese syllable (or an all-consonant acronym such as "TT")?"""
    if text.isdigit():
        return len(text) <= 4  # a number broken in a narrow STT column ("1" / "0")
    if not text.isalpha():
        return False
    if any(ch.isupper() for ch in text[1:]) and not text.isupper():
        return False  # "SởY": a capital inside a word starts a new word
    base = fold(text, keep_case=True).lower()
    if text.isupper() and len(text) <= 6 and len(re.findall(r"[aeiouy]+", base)) <= 1:
        return True  # an acronym broken in a narrow column ("T" / "T", "U" / "BND")
    return bool(_SYLLABLE.match(base))


_FIELD_CODE = re.compile(r"[A-Za-z0-9_]+")
_ROMAN_LABEL = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})(?:\.\d{1,3})*\.?")


def join_cell_lines(lines: Sequence[Line], right_limit: float) -> str:
    """Join the lines of one table cell by one space, gluing a word the column was too narrow for.

    LibreOffice breaks a word that is wider than its column in the middle ("cun" / "g"); such a
    line holds one fragment and reaches the cell's right edge. In a very narrow column every
    word-per-line wrap looks the same, so a fragment is glued only when the result is still one
    Vietnamese syllable ("hoạc" + "h"), never two ("Tên" + "đơn").
    """
    text = ""
    for index, line in enumerate(lines):
        piece = line.text
        if not text:
            text = piece
            continue
        prev = lines[index - 1]
        # The fragment filled the line: not even the next character would have fitted after it.
        next_word = line.words[0]
        next_char_width = (next_word.x1 - next_word.x0) / max(1, len(next_word.text))
        fills_line = len(prev.words) == 1 and prev.x1 + next_char_width >= right_limit - 1.5
        tail = re.search(r"[^\W_]*$", text)
        last_word = tail.group(0) if tail else ""
        first_word = piece.split(" ", 1)[0].rstrip(",.;:)")
        dash_fragment = text.endswith("-") and len(prev.words) == 1
        # A Roman numbering label broken in a narrow number column ("VII" / "I.1" is "VIII.1").
        label_fragment = text == last_word and bool(_ROMAN_LABEL.fullmatch(last_word + first_word))
        # A field code broken in a narrow column ("TONG_VON_DAU_T" / "U_USD"): codes have no spaces.
        joined_code = prev.words[-1].text + piece.split(" ", 1)[0]
        code_fragment = "_" in joined_code and bool(_FIELD_CODE.fullmatch(joined_code))
        syllable = bool(last_word) and one_syllable(last_word + first_word)  # not after "CB," / "LĐ"
        broken_word = (
            fills_line and (syllable or dash_fragment or label_fragment or code_fragment)
        ) or ends_with_hyphen_break(prev)
        glued = broken_word and (piece[:1].isalnum() or (fills_line and code_fragment))
        text = f"{text}{piece}" if glued else f"{text} {piece}"
    return text
