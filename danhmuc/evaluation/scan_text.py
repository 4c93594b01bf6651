"""Character error rate of scanned pages: danhmuc's reading and plain Tesseract's, against a transcription.

danhmuc's text for a page is its block stream for that page (paragraphs, then table rows with
cells joined by " | "), read the way the pipeline reads it: the PDF reader's text layer where a
page has one, the OCR stage where it has none. The ``Document`` keeps no page text of its own
(paragraphs are folded into sections, the national header into metadata), so rebuilding the
page from it would charge structure losses to the OCR. The listed pages are read a second time
for this; only those pages, so the cost is a few seconds per listed page.

The baseline is ``pdftoppm -r 300`` + ``tesseract -l vie`` with default settings; its text is
cached per file content and page, because it does not change between runs.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from danhmuc.evaluation.metrics import collapse
from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable

TESSERACT_DPI = 300
TESSERACT_TIMEOUT = 300  # seconds per page; a page that takes longer is reported, not waited for


@dataclass
class Cer:
    """Edit operations over reference characters, summed over pages (micro-average)."""

    edits: int = 0
    length: int = 0

    def merge(self, other: Cer) -> None:
        self.edits += other.edits
        self.length += other.length

    @property
    def value(self) -> float | None:
        return self.edits / self.length if self.length else None


def cer(reference: str, hypothesis: str) -> Cer:
    """Levenshtein edits turning ``hypothesis`` into ``reference``, over the reference's length,
    both NFC and whitespace-collapsed (line breaks and layout spacing are not OCR errors)."""
    ref, hyp = collapse(reference), collapse(hypothesis)
    return Cer(Levenshtein.distance(ref, hyp), len(ref))


# ---------------------------------------------------------------- danhmuc's text


def danhmuc_page_texts(path: Path, pages: list[int]) -> dict[int, str]:
    """The text danhmuc reads on each of ``pages`` (1-based) of ``path``."""
    from extract.api import read_blocks
    from extract.detect import detect_format
    from extract.model import SourceFormat

    data = path.read_bytes()
    fmt = detect_format(data, path.name)
    if fmt is SourceFormat.PDF:
        from extract.ocr import ocr_pdf_pages
        from extract.pdf_reader import read_pdf

        typed = read_pdf(data, path.name)
        to_ocr = sorted(set(pages) & set(typed.needs_ocr_pages))
        blocks = list(typed.blocks)
        if to_ocr:
            blocks += ocr_pdf_pages(data, path.name, to_ocr).blocks
        stream = BlockStream(blocks=blocks, page_count=typed.page_count)
    else:
        stream = read_blocks(data, path.name, fmt)
    return {page: page_text(stream.blocks, page) for page in pages}


def page_text(blocks: list[Block], page: int) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            if block.page == page:
                lines.append(block.text)
        elif block.page == page or (block.page is None and page in block.pages):
            lines.extend(_table_lines(block))
    return "\n".join(lines)


def _table_lines(table: RawTable) -> list[str]:
    if table.borderless:
        # A two-column layout (national header, "Nơi nhận" beside the signature) is transcribed
        # column by column, the left block top to bottom, then the right (realdocs/ocr/README.md).
        lines: list[str] = []
        for row in table.rows:
            for cell in _distinct(row):
                lines.extend(cell.text.split("\n"))
        return lines
    return [" | ".join(cell.text.replace("\n", " ") for cell in _distinct(row)) for row in table.rows]


def _distinct(row: list[RawCell]) -> list[RawCell]:
    """A row's cells as printed: a horizontally merged cell once, a vertically inherited one not at all."""
    cells: list[RawCell] = []
    skip = 0
    for cell in row:
        if skip:
            skip -= 1
            continue
        skip = cell.col_span - 1
        if not cell.inherited:
            cells.append(cell)
    return cells


# ---------------------------------------------------------------- plain Tesseract


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None and shutil.which("pdftoppm") is not None


def tesseract_page_text(path: Path, page: int, cache_dir: Path | None) -> str | None:
    """Plain ``tesseract -l vie`` on ``page`` rendered at 300 dpi; None when the tools are missing or fail."""
    cached: Path | None = None
    if cache_dir is not None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        cached = cache_dir / f"{digest}-p{page}-{TESSERACT_DPI}dpi.txt"
        if cached.is_file():
            return cached.read_text(encoding="utf-8")
    if not tesseract_available():
        return None
    with tempfile.TemporaryDirectory() as work:
        prefix = Path(work) / "page"
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(TESSERACT_DPI), "-f", str(page), "-l", str(page), "-png", "-singlefile",
                 str(path), str(prefix)],
                check=True, capture_output=True, timeout=TESSERACT_TIMEOUT,
            )
            done = subprocess.run(
                ["tesseract", str(prefix.with_suffix(".png")), "stdout", "-l", "vie"],
                check=True, capture_output=True, timeout=TESSERACT_TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError):
            return None
    text = done.stdout.decode("utf-8", errors="replace")
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(text, encoding="utf-8")
    return text
