"""Recognise a file's format from its bytes, never from its name."""

from __future__ import annotations

import codecs
import io
import zipfile

from extract.errors import EmptyFileError, UnsupportedFormatError
from extract.html_reader import looks_like_html
from extract.mht import looks_like_mht
from extract.model import SourceFormat

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def detect_format(data: bytes, path: str) -> SourceFormat:
    if not data:
        raise EmptyFileError(path)
    head = data[:1024]
    # A ZIP is recognised before the PDF marker: an uncompressed ZIP of PDFs shows "%PDF-" in its first KB.
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return SourceFormat.DOCX  # a truncated DOCX; the reader reports the damage
        if "word/document.xml" in names:
            return SourceFormat.DOCX
        raise UnsupportedFormatError(
            path,
            f"tệp ZIP chứa {len(names)} tệp, không phải DOCX; hãy giải nén và tải lên từng văn bản / "
            f"a ZIP archive of {len(names)} files, not a DOCX; unpack it and upload each document",
        )
    if _is_pdf(head, data):
        return SourceFormat.PDF
    if looks_like_html(data) or looks_like_mht(data):
        # Word's "Save as Web Page" is often kept under a .doc name; read as text, its CSS became sections. Its
        # "Single File Web Page" (.mht) is the same page in a MIME archive (extract.mht).
        return SourceFormat.HTML
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # What Windows Notepad saves as "Unicode": the text reader decodes it (NUL bytes are expected here).
        return SourceFormat.TEXT
    if head.startswith(_OLE_MAGIC):
        return SourceFormat.DOC
    if any(head.startswith(magic) for magic in _IMAGE_MAGICS):
        return SourceFormat.IMAGE
    if _looks_like_text(data):
        return SourceFormat.TEXT
    raise UnsupportedFormatError(path, "dữ liệu nhị phân không nhận dạng được / unrecognised binary data")


def _is_pdf(head: bytes, data: bytes) -> bool:
    """``%PDF-`` at the start, or later in the first KB (readers accept leading junk) of a file that ends like a PDF.

    The second case needs the trailer keywords near the end, so a text that merely mentions ``%PDF-`` stays text.
    """
    if head.lstrip(b"\r\n\t \xef\xbb\xbf").startswith(b"%PDF-"):
        return True
    if b"%PDF-" not in head:
        return False
    tail = data[-4096:]
    return b"%%EOF" in tail or b"startxref" in tail or not _looks_like_text(data)


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    control = sum(1 for byte in sample if byte < 0x20 and byte not in (0x09, 0x0A, 0x0D, 0x0C))
    return control <= len(sample) // 200
