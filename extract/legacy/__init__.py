"""Legacy inputs: pre-Unicode Vietnamese encodings and Word 97-2003 (.doc) files."""

from __future__ import annotations

from extract.legacy.encodings import ENCODINGS, decode_text, detect_encoding, repair_text
from extract.legacy.fonts import convert_runs, legacy_font_encoding

__all__ = [
    "ENCODINGS",
    "convert_doc_to_docx",
    "convert_runs",
    "decode_text",
    "detect_encoding",
    "legacy_font_encoding",
    "repair_text",
]


def convert_doc_to_docx(data: bytes, source: str, *, timeout_s: float | None = None) -> bytes:
    """Word 97-2003 bytes -> DOCX bytes via LibreOffice; see :mod:`extract.legacy.doc`."""
    # imported here so that reading text or DOCX never loads the subprocess machinery
    from extract.legacy.doc import CONVERSION_TIMEOUT_S
    from extract.legacy.doc import convert_doc_to_docx as convert

    return convert(data, source, timeout_s=CONVERSION_TIMEOUT_S if timeout_s is None else timeout_s)
