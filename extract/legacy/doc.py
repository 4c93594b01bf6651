"""Word 97-2003 (.doc) into DOCX with LibreOffice headless, so the DOCX reader does the rest.

Writing a Word binary format parser is out of proportion; LibreOffice reads .doc faithfully
(tables, merged cells, numbering) and is installed by the project's setup. The process
handling (private profile, timeout killing the process group) is in :mod:`extract.legacy.soffice`.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
from pathlib import Path

from extract.errors import CorruptFileError, EncryptedFileError, LimitExceededError, UnsupportedFormatError
from extract.legacy.ole import MalformedOleError, TruncatedOleError, stream_head, stream_names
from extract.legacy.soffice import SofficeError, convert_with_soffice

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONVERSION_TIMEOUT_S = 120
# Stream names in the OLE directory (extract.legacy.ole reads them).
_WORD_STREAM = "WordDocument"
_OTHER_OFFICE_STREAMS = {
    "Workbook": "Excel 97-2003 (.xls)",
    "Book": "Excel 5 (.xls)",
    "PowerPoint Document": "PowerPoint 97-2003 (.ppt)",
}
# A password-protected Word 2007+ file is no zip but an OLE file holding these two streams (MS-OFFCRYPTO).
_ENCRYPTED_PACKAGE = {"EncryptionInfo", "EncryptedPackage"}
# The Word binary file's FIB: its flags word, whose fEncrypted bit says the text stream is encrypted
# (password to open; XOR obfuscation sets it too). LibreOffice and antiword can only fail on such a file.
_FIB_FLAGS_OFFSET = 0x0A
_FIB_ENCRYPTED = 0x0100
# Force the Word 97 import filter: without it LibreOffice imports an unreadable file as plain
# text and "succeeds" with garbage.
_INPUT_FILTER = "MS Word 97"


def check_structure(data: bytes, source: str) -> None:
    """Refuse, before LibreOffice, what is not a whole Word file: cut short, another Office format, no text stream."""
    if not data.startswith(OLE_MAGIC):
        raise CorruptFileError(source, "không phải tệp Word 97-2003 / not a Word 97-2003 file")
    try:
        names = stream_names(data)
    except TruncatedOleError as error:
        raise CorruptFileError(
            source,
            f"tệp .doc bị cắt cụt ({error.size} byte, cấu trúc tệp cần ít nhất {error.needed}) / "
            f"truncated Word file ({error.size} bytes, its structure needs at least {error.needed})",
        ) from None
    except MalformedOleError as error:
        raise CorruptFileError(source, f"cấu trúc OLE hỏng / broken OLE structure ({error})") from None
    if _ENCRYPTED_PACKAGE <= names:
        raise EncryptedFileError(source, "Word/Office (.docx)")
    if _WORD_STREAM not in names:
        for stream, kind in _OTHER_OFFICE_STREAMS.items():
            if stream in names:
                raise UnsupportedFormatError(source, f"tệp {kind}, không phải văn bản Word / a {kind} file, not Word")
        raise CorruptFileError(
            source, "không có luồng WordDocument trong tệp OLE / no WordDocument stream in the OLE file"
        )
    if _is_encrypted_word(data):
        raise EncryptedFileError(source, "Word (.doc)")


def _is_encrypted_word(data: bytes) -> bool:
    try:
        fib = stream_head(data, _WORD_STREAM, _FIB_FLAGS_OFFSET + 2)
    except (TruncatedOleError, MalformedOleError):
        return False  # LibreOffice and antiword report the damage in their own words
    if fib is None or len(fib) < _FIB_FLAGS_OFFSET + 2:
        return False
    return bool(struct.unpack_from("<H", fib, _FIB_FLAGS_OFFSET)[0] & _FIB_ENCRYPTED)


def convert_doc_to_docx(data: bytes, source: str, *, timeout_s: float = CONVERSION_TIMEOUT_S) -> bytes:
    """The DOCX bytes LibreOffice makes of a .doc; a clear error naming ``source`` when it cannot.

    Raises CorruptFileError (not a readable .doc, or LibreOffice failed), UnsupportedFormatError
    (another OLE document, or LibreOffice missing) and LimitExceededError (timeout).
    """
    check_structure(data, source)
    with tempfile.TemporaryDirectory(prefix="danhmuc_doc_") as workdir:
        # A fixed, harmless name: the upload's own name may hold anything.
        input_path = Path(workdir) / "document.doc"
        input_path.write_bytes(data)
        try:
            docx = convert_with_soffice(
                input_path, "docx:MS Word 2007 XML", timeout_s=timeout_s, infilter=_INPUT_FILTER
            )
        except SofficeError as error:
            if error.missing:
                raise UnsupportedFormatError(
                    source,
                    "cần LibreOffice (soffice) để đọc .doc nhưng máy chủ chưa cài / "
                    "reading .doc needs LibreOffice (soffice), which is not installed",
                ) from None
            if error.timed_out:
                raise LimitExceededError(
                    source,
                    f"chuyển đổi .doc quá {timeout_s:g} giây",
                    f"converting the .doc took longer than {timeout_s:g} s",
                ) from None
            raise CorruptFileError(
                source,
                f"LibreOffice không chuyển được tệp .doc ({error.reason}) / LibreOffice could not convert it",
            ) from None
    try:
        names = zipfile.ZipFile(io.BytesIO(docx)).namelist()
    except zipfile.BadZipFile:
        names = []
    if "word/document.xml" not in names:
        raise CorruptFileError(source, "LibreOffice trả về DOCX hỏng / LibreOffice returned a broken DOCX")
    return docx
