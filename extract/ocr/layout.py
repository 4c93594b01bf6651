"""Running text of a page: OCR'd lines into paragraphs, side-by-side blocks into layout tables.

Tesseract returns visual lines; the structure builder wants what a typed reader gives — one
paragraph per printed paragraph, so that a task line wrapped over two lines ("Đơn vị chủ trì:
Phòng Văn hóa -" / "Xã hội") is one string. Lines are joined unless the next one starts a new
paragraph: a numbering label or bullet, an indent, a gap, or a short (ended) line before it.
Side-by-side blocks (the national header, the "Nơi nhận" list beside the signature) are found as a
page layout analysis finds columns: a white gutter that no line crosses runs down consecutive lines,
with words on both sides on at least two of them. Such a block becomes a borderless two-column
RawTable, as the DOCX reader emits them, so it is read column by column, not line across line;
one wide gap alone is a justified line or a tab stop, and stays text.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from dataclasses import dataclass

from extract.blocks import Paragraph, RawCell, RawTable
from extract.ocr.cells import is_junk, mean_confidence, words_to_lines
from extract.ocr.engine import Word
from extract.ocr.postcorrect import Correction

_STARTS_ITEM = re.compile(
    r"^([-–+•*]\s|[IVXLC]{1,6}[.)]\s|\d{1,2}(\.\d{1,2}){0,3}[.)]?\s|[a-zđ][.)]\s|\(\d+\)\s)"
)

# Letters whose look-alike glyphs a scan produces at the start of a lettered item: the descender of
# "g" blurs into "ø", "q" or "9". Keys are the letter a list reaches next after the one before it.
_LABEL_LOOKALIKES = {"g": {"ø", "q", "9", "ɡ"}}
_NEXT_LETTER = {"e": "g", "f": "g"}  # Vietnamese lists skip "f"; documents that use it go on to "g"
_LETTER_LABEL = re.compile(r"^([a-zđ])([.)])$")
_LOOKALIKE_LABEL = re.compile(r"^(\S)([.)])$")

FLAT_SPECK = 0.4  # letters are never this flat next to the page's median letter height
# Tesseract's confidence of a printed word on a clean page is rarely under 0.3; marks that are no
# text come back under 0.15 (the three real scans: 0.0 to 0.1 for seal rings, signatures and dirt).
GUESS_CONFIDENCE = 0.15
WELL_READ_PAGE = 0.75


@dataclass(frozen=True, slots=True)
class TextLine:
    words: list[Word]

    @property
    def left(self) -> int:
        return min(word.left for word in self.words)

    @property
    def right(self) -> int:
        return max(word.right for word in self.words)

    @property
    def top(self) -> int:
        return min(word.top for word in self.words)

    @property
    def bottom(self) -> int:
        return max(word.bottom for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True, slots=True)
class LaidOutBlock:
    """A paragraph or layout table with the y where it starts, for ordering against tables."""

    top: int
    block: Paragraph | RawTable
    confidence: float | None


def _split_columns(line: TextLine, gap: float) -> list[TextLine]:
    parts: list[list[Word]] = [[line.words[0]]]
    for previous, word in zip(line.words, line.words[1:], strict=False):
        if word.left - previous.right > gap:
            parts.append([word])
        else:
            parts[-1].append(word)
    return [TextLine(words) for words in parts]


def _is_noise(line: TextLine) -> bool:
    """Stray marks read as text: no letter or digit, or one low-confidence character."""
    text = line.text
    if not any(char.isalnum() for char in text):
        return True
    return len(text) <= 2 and (mean_confidence(line.words) or 0.0) < 0.5


def lay_out(words: list[Word], page: int, page_width: int, dpi: int) -> list[LaidOutBlock]:
    words = [word for word in words if not is_junk(word)]
    words = _without_flat_specks(_without_guesses(words))
    lines = [TextLine(words) for words in words_to_lines(words)]
    lines = [line for line in lines if not _is_noise(line)]
    if not lines:
        return []
    heights = [word.height for line in lines for word in line.words if word.text.isalpha()]
    x_height = statistics.median(heights) if heights else dpi * 0.12
    column_gap = max(x_height * 3.0, dpi * 0.45)

    margin_left = _mode_edge([line.left for line in lines], dpi)
    margin_right = max(line.right for line in lines)
    body_width = max(1, margin_right - margin_left)
    layout = _PageLayout(page, x_height, margin_left, margin_right, body_width)

    split = [_split_columns(line, column_gap) for line in lines]
    runs = _two_column_runs(lines, split, margin_left, body_width, x_height)
    for index, line in enumerate(lines):
        if index in runs:
            layout.side_by_side(line, runs[index])
        elif not layout.joins_columns(line):
            layout.running_text(line)
    layout.flush_paragraph()
    layout.flush_table()
    return layout.blocks


@dataclass
class _PageLayout:
    """A page's blocks as its lines come top to bottom: the paragraph being joined, or the
    side-by-side block being filled and its gutter."""

    page: int
    x_height: float
    margin_left: int
    margin_right: int
    body_width: int
    blocks: list[LaidOutBlock] = dataclasses.field(default_factory=list)
    two_col: list[tuple[TextLine, TextLine]] = dataclasses.field(default_factory=list)
    current: list[TextLine] = dataclasses.field(default_factory=list)
    previous: TextLine | None = None  # the paragraph's last line
    gutter: Gutter | None = None

    def flush_paragraph(self) -> None:
        if self.current:
            self.blocks.append(_paragraph(self.current, self.page, self.margin_left, self.margin_right))
            self.current.clear()

    def flush_table(self) -> None:
        if self.two_col:
            self.blocks.append(_layout_table(self.two_col, self.page))
            self.two_col.clear()

    def side_by_side(self, line: TextLine, gutter: Gutter) -> None:
        """A line of a run the gutter divides."""
        self.flush_paragraph()
        if gutter != self.gutter:
            self.flush_table()  # another side-by-side block, with its own gutter
        self.gutter = gutter
        self.two_col.append(_divide(line, gutter))
        self.previous = None

    def joins_columns(self, line: TextLine) -> bool:
        """Whether the line, outside the runs, still belongs to the side-by-side block (added if so)."""
        fitted = _fit(line, self.gutter, self.x_height) if self.two_col and self.gutter is not None else None
        if fitted is not None and _close_below(line, self.two_col):
            # The rest of a column below the other's end (a "Nơi nhận" list below the signer's name).
            self.gutter = fitted
            self.two_col.append(_divide(line, fitted))
            return True
        if self.two_col and _continues_layout(line, self.two_col, self.body_width):
            # One-sided line of a two-column block ("Số: /KH-UBND" under the left column).
            left_centre, right_centre = _column_centres(self.two_col)
            centre = (line.left + line.right) / 2
            if abs(centre - left_centre) <= abs(centre - right_centre):
                self.two_col.append((line, TextLine([])))
            else:
                self.two_col.append((TextLine([]), line))
            return True
        return False

    def running_text(self, line: TextLine) -> None:
        """A line of running text: it ends the side-by-side block and joins the paragraph or starts one."""
        self.flush_table()
        self.gutter = None
        if self.previous is not None and _starts_new(
            self.previous, line, self.margin_left, self.margin_right, self.x_height
        ):
            self.flush_paragraph()
        self.current.append(line)
        self.previous = line


def relabel_letters(words: list[Word], page: int | None) -> tuple[list[Word], list[Correction]]:
    """A lettered item's label read as a look-alike ("ø) Dữ liệu đất đai" after "f) Dữ liệu hộ
    tịch"): a line-initial look-alike of the letter that follows the previous line-initial letter
    label becomes that letter, so the item keeps its place in the list."""
    replaced: dict[int, str] = {}
    corrections: list[Correction] = []
    previous: str | None = None
    for line in words_to_lines(words):
        first = line[0]
        letter = _LETTER_LABEL.match(first.text)
        if letter is not None:
            previous = letter.group(1)
            continue
        lookalike = _LOOKALIKE_LABEL.match(first.text)
        expected = _NEXT_LETTER.get(previous or "")
        if lookalike is None or expected is None or lookalike.group(1) not in _LABEL_LOOKALIKES[expected]:
            continue
        replaced[id(first)] = expected + lookalike.group(2)
        context = " ".join(word.text for word in line)[:60]
        corrections.append(Correction(page, first.text, replaced[id(first)], context, "label"))
        previous = expected
    if not replaced:
        return words, []
    return [dataclasses.replace(w, text=replaced[id(w)]) if id(w) in replaced else w for w in words], corrections


def _without_guesses(words: list[Word]) -> list[Word]:
    """Marks read as letters on a page Tesseract otherwise reads well: a signature's strokes, a grey
    seal's ring, scanner dirt at the edge ("ảN gu ;Tm~z" beside a signer's name) come back at almost
    no confidence and away from any confidently read word. A printed word misread at no confidence
    ("ích:" for "đích:") stands in a line of text, right after or before a confident word, and stays;
    so does everything on a page read badly throughout, where low confidence says nothing."""
    if (mean_confidence(words) or 0.0) < WELL_READ_PAGE:
        return words
    heights = [word.height for word in words if word.text.isalpha()]
    reach = 2 * (statistics.median(heights) if heights else 0)
    confident = [word for word in words if word.confidence >= 0.6]
    return [
        word
        for word in words
        if word.confidence >= GUESS_CONFIDENCE or any(_neighbours(word, other, reach) for other in confident)
    ]


def _neighbours(word: Word, other: Word, reach: float) -> bool:
    overlap = min(word.bottom, other.bottom) - max(word.top, other.top)
    if overlap < 0.5 * min(word.height, other.height):
        return False
    return max(other.left - word.right, word.left - other.right) <= reach


def _without_flat_specks(words: list[Word]) -> list[Word]:
    """A stroke of a signature or stamp read as letters ("Nguyễn Văn Hải xế", the "xế" 6 px tall
    beside 60 px words): a word of letters far flatter than any letter, read with little confidence."""
    heights = [word.height for word in words if word.text.isalpha()]
    if not heights:
        return words
    floor = statistics.median(heights) * FLAT_SPECK
    return [
        word
        for word in words
        if not (word.height < floor and word.confidence < 0.6 and any(char.isalnum() for char in word.text))
    ]


def _two_parts(parts: list[TextLine], margin_left: int, body_width: int) -> bool:
    return len(parts) == 2 and parts[0].left < margin_left + body_width * 0.35


Gutter = tuple[int, int]  # the x range of the white band between the two columns of a block


def _two_column_runs(
    lines: list[TextLine], split: list[list[TextLine]], margin_left: int, body_width: int, x_height: float
) -> dict[int, Gutter]:
    """Lines of side-by-side blocks (national header, "Nơi nhận" beside the signature), each with its
    block's gutter, found as a page layout analysis finds columns: a white band no word crosses,
    running down consecutive lines, with words on both sides of it on at least two of them.

    A block starts at a line cut in two by a wide gap near the left margin. Lines below that lie
    wholly on one side of the gap (the "Nơi nhận" list while the signer's column is blank) keep the
    block open; a line across the band, or a wide vertical gap, closes it. One wide gap alone is a
    justified line or a tab stop; lines whose left pieces are all labels ("- Thời gian:" ⇥
    "Quý III/2026") are label–value lines laid out with tab stops. Both stay text."""
    runs: dict[int, Gutter] = {}
    index = 0
    while index < len(lines):
        parts = split[index]
        if not _two_parts(parts, margin_left, body_width):
            index += 1
            continue
        gutter: Gutter = (parts[0].right, parts[1].left)
        both = [index]
        for following in range(index + 1, len(lines)):
            line = lines[following]
            narrowed = _fit(line, gutter, x_height)
            if line.top - lines[following - 1].bottom > x_height * 3 or narrowed is None:
                break
            gutter = narrowed
            left, right = _divide(line, gutter)
            if left.words and right.words:
                both.append(following)
        labels = all(_divide(lines[i], gutter)[0].text.rstrip().endswith(":") for i in both)
        if len(both) < 2 or labels:
            index += 1
            continue
        runs.update((i, gutter) for i in range(both[0], both[-1] + 1))
        index = both[-1] + 1
    return runs


def _fit(line: TextLine, gutter: Gutter, width: float) -> Gutter | None:
    """The widest part of ``gutter`` that no word of ``line`` covers, when it is at least ``width``
    wide (a word may reach into the band, the band narrows); None when the line runs across it."""
    free: list[Gutter] = []
    start = gutter[0]
    for word in sorted(line.words, key=lambda w: w.left):
        if word.right <= start or word.left >= gutter[1]:
            continue
        if word.left > start:
            free.append((start, word.left))
        start = max(start, word.right)
    if start < gutter[1]:
        free.append((start, gutter[1]))
    best = max(free, key=lambda span: span[1] - span[0], default=None)
    return best if best is not None and best[1] - best[0] >= width else None


def _divide(line: TextLine, gutter: Gutter) -> tuple[TextLine, TextLine]:
    middle = (gutter[0] + gutter[1]) / 2
    left = [word for word in line.words if (word.left + word.right) / 2 < middle]
    right = [word for word in line.words if (word.left + word.right) / 2 >= middle]
    return TextLine(left), TextLine(right)


def _close_below(line: TextLine, two_col: list[tuple[TextLine, TextLine]]) -> bool:
    """No wider gap above ``line`` than between the lines of the block: a centred title below the
    header ("KẾ HOẠCH") sits after a wider gap, so it starts the body instead."""
    last_left, last_right = two_col[-1]
    bottom = max(part.bottom for part in (last_left, last_right) if part.words)
    height = max(part.bottom - part.top for part in (last_left, last_right) if part.words)
    return line.top - bottom <= height * 1.6


def _continues_layout(line: TextLine, two_col: list[tuple[TextLine, TextLine]], body_width: int) -> bool:
    """A short line right under a two-column block, centred on one of its columns, belongs to it."""
    if not _close_below(line, two_col) or line.right - line.left > body_width * 0.55:
        return False
    centre = (line.left + line.right) / 2
    return min(abs(centre - column) for column in _column_centres(two_col)) < body_width * 0.1


def _column_centres(two_col: list[tuple[TextLine, TextLine]]) -> tuple[float, float]:
    lefts = [(left.left + left.right) / 2 for left, _ in two_col if left.words]
    rights = [(right.left + right.right) / 2 for _, right in two_col if right.words]
    left_centre = statistics.median(lefts) if lefts else 0.0
    right_centre = statistics.median(rights) if rights else left_centre + 1.0
    return left_centre, right_centre


def _mode_edge(edges: list[int], dpi: int) -> int:
    """The left margin: the most common left edge (centred titles and indents vote less)."""
    bucket = max(4, dpi // 25)
    counts: dict[int, int] = {}
    for edge in edges:
        counts[edge // bucket] = counts.get(edge // bucket, 0) + 1
    best = max(counts.items(), key=lambda item: (item[1], -item[0]))[0]
    return min(edge for edge in edges if edge // bucket == best)


def _starts_new(
    previous: TextLine, line: TextLine, margin_left: int, margin_right: int, x_height: float
) -> bool:
    if _STARTS_ITEM.match(line.text):
        return True
    line_gap = line.top - previous.bottom
    if line_gap > x_height * 1.6:
        return True
    width = margin_right - margin_left
    if previous.right < margin_right - width * 0.12:
        return True  # the previous line ended short: its paragraph ended
    if line.left - margin_left > x_height * 1.5 and line.left - previous.left > x_height:
        return True  # first-line indent
    return bool(previous.text.endswith((":", ";")) and line.text[:1].isupper())


def _paragraph(lines: list[TextLine], page: int, margin_left: int, margin_right: int) -> LaidOutBlock:
    text = lines[0].text
    for line in lines[1:]:
        text = text + " " + line.text
    left = min(line.left for line in lines)
    right = max(line.right for line in lines)
    width = max(1, margin_right - margin_left)
    left_gap, right_gap = left - margin_left, margin_right - right
    centered = (
        left_gap > width * 0.08 and right_gap > width * 0.08 and abs(left_gap - right_gap) < width * 0.08
    )
    words = [word for line in lines for word in line.words]
    return LaidOutBlock(
        top=lines[0].top,
        block=Paragraph(text=text, page=page, centered=centered),
        confidence=mean_confidence(words),
    )


def _layout_table(pairs: list[tuple[TextLine, TextLine]], page: int) -> LaidOutBlock:
    left_text = "\n".join(left.text for left, _ in pairs if left.words)
    right_text = "\n".join(right.text for _, right in pairs if right.words)
    words = [word for left, right in pairs for word in left.words + right.words]
    confidence = mean_confidence(words)
    rounded = None if confidence is None else round(confidence, 3)
    top = min(line.top for pair in pairs for line in pair if line.words)
    row = [
        RawCell(left_text, page=page, confidence=rounded),
        RawCell(right_text, page=page, confidence=rounded),
    ]
    return LaidOutBlock(
        top=top,
        block=RawTable(rows=[row], page=page, ruled=False, borderless=True, pages=[page]),
        confidence=confidence,
    )
