"""OCR reader: scanned PDF pages and uploaded images into the block stream.

``ocr_pdf_pages`` reads the listed pages of a PDF (all pages when ``pages`` is None) — the
PDF reader routes pages without a text layer here; ``read_image`` reads PNG, JPEG and
multi-page TIFF. Both return a :class:`~extract.blocks.BlockStream` whose tables are RawTable
grids like a typed reader's, so the structure builder cannot tell a scan from a typed page.

Pages are processed by a pool of :data:`WORKERS` processes, each with its own resident
Tesseract engine; each worker decodes, cleans and reads one page at a time, so memory stays
bounded by two pages at :data:`~extract.ocr.preprocess.MAX_DPI` whatever the document size.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace

from extract import progress
from extract.blocks import Block, BlockStream, Paragraph, RawCell, RawTable
from extract.errors import CorruptFileError
from extract.ocr.pipeline import PageResult, Warning, is_page_number, ocr_page
from extract.ocr.postcorrect import Correction
from extract.ocr.preprocess import (
    PageImage,
    check_page_sizes,
    decodable_frames,
    image_frame,
    pdf_page_count,
    render_pdf_page,
)
from extract.pdf.tables import PageTable, continue_merges
from extract.processes import die_with_parent

__all__ = [
    "WORKERS",
    "OcrResult",
    "ocr_pdf_pages",
    "ocr_pdf_pages_detailed",
    "read_image",
    "read_image_detailed",
]

WORKERS = 2
MAX_CORRECTION_WARNINGS = 200


@dataclass(frozen=True, slots=True)
class OcrResult:
    """The stream plus what only OCR knows: per-page results and every post-correction made."""

    stream: BlockStream
    pages: list[PageResult]
    corrections: list[Correction]


# ---------------------------------------------------------------- public entry points


def ocr_pdf_pages(data: bytes, source: str, pages: list[int] | None = None) -> BlockStream:
    """OCR the given 1-based pages of a PDF (all when None). Raises CorruptFileError if unreadable."""
    return ocr_pdf_pages_detailed(data, source, pages).stream


def read_image(data: bytes, source: str) -> BlockStream:
    """OCR a PNG/JPEG/TIFF (every TIFF frame is a page). Raises CorruptFileError if undecodable."""
    return read_image_detailed(data, source).stream


def ocr_pdf_pages_detailed(data: bytes, source: str, pages: list[int] | None = None) -> OcrResult:
    count = pdf_page_count(data, source)
    wanted = sorted(
        {page for page in (pages if pages is not None else range(1, count + 1)) if 1 <= page <= count}
    )
    check_page_sizes(data, source, wanted)  # a page too large to render is refused before any is rendered
    progress.set_total(count)  # the pages read from the text layer, if any, stay counted as done
    results = _run(wanted, _PdfPageTask(data, source))
    return _assemble(results, page_count=count, needs_ocr=wanted, source_warnings=[])


def read_image_detailed(data: bytes, source: str) -> OcrResult:
    frames = decodable_frames(data, source)  # raises CorruptFileError when not even one frame decodes
    warnings: list[Warning] = []
    next(frames)  # the first frame decodes eagerly so a corrupt file fails here
    count = 1
    try:
        # Every frame is decoded here once to find where a damaged TIFF ends, but only one is held at
        # a time: the pool's workers decode their own frame again from the file's bytes.
        for _ in frames:
            count += 1
    except CorruptFileError as error:
        # A TIFF damaged after some good pages: keep them, say what was lost.
        warnings.append(("corrupt_page", f"{error.args[0] if error.args else error}", count + 1))
    progress.set_total(count)
    results = _run(list(range(1, count + 1)), _ImageFrameTask(data, source))
    return _assemble(results, page_count=count, needs_ocr=list(range(1, count + 1)), source_warnings=warnings)


# ---------------------------------------------------------------- pool


@dataclass(frozen=True)
class _PdfPageTask:
    data: bytes
    source: str

    def __call__(self, number: int) -> PageResult:
        return _safe(lambda: _with_render_warning(ocr_page, render_pdf_page(self.data, self.source, number)), number)


@dataclass(frozen=True)
class _ImageFrameTask:
    data: bytes
    source: str

    def __call__(self, number: int) -> PageResult:
        return _safe(lambda: ocr_page(image_frame(self.data, self.source, number)), number)


def _with_render_warning(read: Callable[[PageImage], PageResult], image: PageImage) -> PageResult:
    result = read(image)
    if image.wanted_dpi:
        result.warnings.append(
            (
                "page_downscaled",
                f"Trang {image.number} quá lớn, được nhận dạng ở {image.dpi} dpi thay vì {image.wanted_dpi} dpi / "
                f"page {image.number} is too large and was OCR'd at {image.dpi} dpi instead of {image.wanted_dpi}",
                image.number,
            )
        )
    return result


def _safe(work: Callable[[], PageResult], number: int) -> PageResult:
    """A page that fails becomes a warning; the other pages still come back."""
    try:
        return work()
    except CorruptFileError as error:
        message = str(error)
    except (ValueError, OSError, RuntimeError, MemoryError) as error:
        message = f"{type(error).__name__}: {error}"
    return PageResult(
        number,
        [],
        [
            (
                "ocr_page_failed",
                f"Không nhận dạng được trang {number} ({message}) / "
                f"page {number} could not be OCR'd ({message})",
                number,
            )
        ],
    )


_TASK: Callable[[int], PageResult] | None = None


def _init_worker(task: Callable[[int], PageResult]) -> None:
    global _TASK
    die_with_parent()  # a killed or timed-out extraction takes its OCR pages with it
    _TASK = task


def _run_in_worker(number: int) -> PageResult:
    if _TASK is None:
        raise RuntimeError("OCR worker not initialised")
    return _TASK(number)


def _run(numbers: list[int], task: _PdfPageTask | _ImageFrameTask) -> list[PageResult]:
    if len(numbers) <= 1:
        return list(_counted(task(number) for number in numbers))
    from extract.ocr.warm import run_warm

    before = progress.pages_done()
    kept = run_warm(numbers, task, WORKERS * 2)  # a long-running worker keeps one pool for every scan
    if kept is not None:
        return [result for result in kept if isinstance(result, PageResult)]
    progress.rewind(before)  # a kept pool that broke midway: its pages are read again below
    # spawn, not fork: the caller may be a threaded web server; the payload goes once per worker.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(WORKERS, len(numbers)), mp_context=context, initializer=_init_worker, initargs=(task,)
    ) as pool:
        return list(_counted(_bounded_map(pool, numbers)))


def _counted(results: Iterable[PageResult]) -> Iterator[PageResult]:
    for result in results:
        progress.page_done()
        yield result


def _bounded_map(pool: ProcessPoolExecutor, numbers: Iterable[int]) -> Iterator[PageResult]:
    """Results in page order with at most 2×WORKERS pages in flight (finished pages are held small)."""
    pending: list[Future[PageResult]] = []
    for number in numbers:
        pending.append(pool.submit(_run_in_worker, number))
        if len(pending) >= WORKERS * 2:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()


# ---------------------------------------------------------------- assembling

REPEATED_HEADER_SIMILARITY = 0.85


def _unify_repeated_headers(blocks: list[Block]) -> list[Block]:
    """A table's header row repeated on every page is one printed text, but OCR reads each copy
    a little differently ("phạm vi" / "phẩm vị"). The structure builder recognises a repeated
    header by its text, so a first row that is nearly the first table's header gets its text."""
    from rapidfuzz import fuzz

    header: list[RawCell] | None = None
    unified: list[Block] = []
    for block in blocks:
        if not isinstance(block, RawTable) or block.borderless or not block.rows:
            unified.append(block)
            continue
        first = block.rows[0]
        if header is None or len(header) != len(first):
            header = first
            unified.append(block)
            continue
        ours = " | ".join(" ".join(cell.text.split()) for cell in first)
        theirs = " | ".join(" ".join(cell.text.split()) for cell in header)
        if ours != theirs and fuzz.ratio(ours, theirs) >= REPEATED_HEADER_SIMILARITY * 100:
            first = [replace(cell, text=model.text) for cell, model in zip(first, header, strict=True)]
            block = replace(block, rows=[first, *block.rows[1:]])
        elif fuzz.ratio(ours, theirs) < REPEATED_HEADER_SIMILARITY * 100:
            header = first if not _looks_like_data(first) else header
        unified.append(block)
    return unified


def _looks_like_data(row: list[RawCell]) -> bool:
    """A row starting with a number or an empty number cell is data, not a header."""
    first = row[0].text.strip()
    return not first or first.rstrip(".").isdigit()


def _continue_page_breaks(blocks: list[Block]) -> list[Block]:
    """Carry merged cells over page breaks, as the typed-PDF reader does (same rule, same code).

    Pages are read one by one, so a unit cell merged over rows on both sides of a break comes
    back blank on the new page ("Sở Kế hoạch và Đầu tư" printed once, on the page before), or
    with only its tail when the row itself broke ("Sở Tài nguyên" / "và Môi trường"). A table
    that ends its page and the ruled table opening the next page are one table's fragments.
    """
    out: list[Block] = []
    previous: PageTable | None = None  # the table that ended the last page, with its merge state
    header_texts: list[str] | None = None
    for page_blocks in _by_page(blocks):
        opened = False
        last_table: PageTable | None = None
        for block in page_blocks:
            out.append(block)
            if isinstance(block, Paragraph) and is_page_number(block.text):
                continue  # a page number is furniture, not content before or after a table
            if isinstance(block, RawTable) and not block.borderless and block.rows:
                table = _page_table(block)
                if block.after_break and not opened and previous is not None:
                    table = continue_merges(table, previous, header_texts)
                    out[-1] = replace(block, rows=table.rows)
                elif not block.after_break:
                    header_texts = [cell.text for cell in block.rows[0]]
                last_table = table
            else:
                last_table = None
            opened = True
        previous = last_table
    return out


def _by_page(blocks: list[Block]) -> Iterator[list[Block]]:
    group: list[Block] = []
    for block in blocks:
        if group and block.page != group[-1].page:
            yield group
            group = []
        group.append(block)
    if group:
        yield group


def _page_table(table: RawTable) -> PageTable:
    """A fragment with what the break rule needs: columns merged anywhere, and those still open."""
    merged = {
        col for row in table.rows for col, cell in enumerate(row) if cell.inherited or cell.row_span > 1
    }
    last = table.rows[-1]
    open_columns = {col: cell.text for col, cell in enumerate(last) if cell.inherited or cell.row_span > 1}
    return PageTable(
        rows=table.rows, bbox=(0.0, 0.0, 0.0, 0.0), ruled=True, open_columns=open_columns, merged_columns=merged
    )


def _assemble(
    results: list[PageResult], *, page_count: int, needs_ocr: list[int], source_warnings: list[Warning]
) -> OcrResult:
    blocks: list[Block] = []
    warnings: list[Warning] = list(source_warnings)
    corrections: list[Correction] = []
    for result in sorted(results, key=lambda result: result.number):
        blocks.extend(result.blocks)
        warnings.extend(result.warnings)
        corrections.extend(result.corrections)
    blocks = _continue_page_breaks(_unify_repeated_headers(blocks))
    for correction in corrections[:MAX_CORRECTION_WARNINGS]:
        reason_vi, reason_en = correction.describe()
        warnings.append(
            (
                "ocr_corrected",
                f"{reason_vi}: «{correction.original}» → «{correction.corrected}» "
                f"(…{correction.context}…) / "
                f"{reason_en}: {correction.original!r} -> {correction.corrected!r}",
                correction.page,
            )
        )
    stream = BlockStream(blocks=blocks, page_count=page_count, needs_ocr_pages=needs_ocr, warnings=warnings)
    return OcrResult(stream=stream, pages=results, corrections=corrections)
