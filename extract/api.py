"""The one entry point of the extraction layer: a file in, a Document out."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from extract.blocks import BlockStream
from extract.detect import detect_format
from extract.errors import FileMissingError, LimitExceededError, UnsupportedFormatError
from extract.model import Document, SourceFormat
from extract.safety import bound_tables
from extract.structure import build_document

MAX_FILE_BYTES = 200 * 1024 * 1024


def extract_file(path: str | Path, *, name: str | None = None) -> Document:
    """Read ``path`` and return its document model; raises an ExtractError subclass on bad input."""
    path = Path(path)
    source = name or path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileMissingError(source) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise FileMissingError(source, reason, reason) from None
    if path.is_dir():
        raise FileMissingError(source, "là một thư mục", "it is a directory")
    if size > MAX_FILE_BYTES:
        raise LimitExceededError(
            source,
            f"tệp {size // 2**20} MiB, giới hạn {MAX_FILE_BYTES // 2**20} MiB",
            f"file is {size // 2**20} MiB, the limit is {MAX_FILE_BYTES // 2**20} MiB",
        )
    data = path.read_bytes()
    return extract_bytes(data, source)


def extract_bytes(data: bytes, source: str) -> Document:
    fmt = detect_format(data, source)
    # Bounded here, for every reader: the typed records built from each table row are the cost.
    stream = bound_tables(read_blocks(data, source, fmt))
    return build_document(
        stream, source=source, sha256=hashlib.sha256(data).hexdigest(), fmt=fmt, size_bytes=len(data)
    )


def read_blocks(data: bytes, source: str, fmt: SourceFormat) -> BlockStream:
    if fmt is SourceFormat.TEXT:
        from extract.text_reader import read_text

        return read_text(data, source)
    if fmt is SourceFormat.HTML:
        from extract.html_reader import read_html

        return read_html(data, source)
    if fmt is SourceFormat.DOCX:
        from extract.docx_reader import read_docx

        return read_docx(data, source)
    if fmt is SourceFormat.PDF:
        from extract.pdf.repair import complete_truncated
        from extract.pdf_reader import read_pdf

        stream = read_pdf(data, source)
        if not stream.needs_ocr_pages:
            return stream
        return _with_ocr_pages(complete_truncated(data) or data, source, stream)
    if fmt is SourceFormat.IMAGE:
        from extract.ocr import read_image

        return read_image(data, source)
    if fmt is SourceFormat.DOC:
        # Word 97-2003: LibreOffice's DOCX and antiword's reading, compared (extract.doc_reader).
        from extract.doc_reader import read_doc

        return read_doc(data, source)
    raise UnsupportedFormatError(
        source, f"định dạng {fmt.value} chưa được hỗ trợ / {fmt.value} is not supported yet"
    )


def _with_ocr_pages(data: bytes, source: str, stream: BlockStream) -> BlockStream:
    """Pages without a text layer are OCR'd and put back in page order; typed pages stay as read.

    The pages stay listed in ``needs_ocr_pages`` so a reviewer knows which text came from OCR.
    """
    from extract.ocr import ocr_pdf_pages

    ocr = ocr_pdf_pages(data, source, stream.needs_ocr_pages)
    blocks = sorted([*stream.blocks, *ocr.blocks], key=lambda block: block.page or 0)  # stable within a page
    warnings = [warning for warning in stream.warnings if warning[0] != "needs_ocr"] + list(ocr.warnings)
    return replace(stream, blocks=blocks, warnings=warnings)
