"""Write the small, real bad input files of ``tests/data/bad/`` (run again to refresh them).

    .venv/bin/python tests/data/make_bad_files.py

Every file is a few kilobytes: the zip bomb declares 20 MiB of XML but compresses it to ~20 KiB,
and the page-limit case uses a 3-page PDF with a low limit set in the test instead of a huge file.
The files are byte-identical from run to run except the encrypted PDFs (pypdf draws a random key).
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

BAD = Path(__file__).resolve().parent / "bad"

_DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def _docx(document_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _RELS,
        "word/document.xml": document_xml,
        **(extra or {}),
    }
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            # A fixed timestamp keeps the files byte-identical from run to run.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _text_pdf(pages: list[str]) -> bytes:
    """A PDF whose pages each print one line of Helvetica text (a real text layer)."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def build() -> dict[str, bytes]:
    rng = random.Random(20260101)
    plain_pdf = _text_pdf(["Ke hoach phat trien du lieu"])
    good_docx = _docx(_DOCUMENT_XML.format(text="KẾ HOẠCH phát triển dữ liệu"))
    return {
        "empty.pdf": b"",
        "truncated.pdf": plain_pdf[: len(plain_pdf) // 3],
        "not_a_zip.docx": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(2000)),
        "truncated.docx": good_docx[: len(good_docx) // 2],
        # 20 MiB of one repeated character deflates about 1000:1: a zip bomb in miniature.
        "zip_bomb.docx": _docx(_DOCUMENT_XML.format(text="A" * (20 * 2**20))),
        "zip_slip.docx": _docx(_DOCUMENT_XML.format(text="x"), {"../../evil.xml": b"<x/>"}),
        "encrypted_password.pdf": _encrypted(plain_pdf, "mat-khau"),
        "encrypted_empty_password.pdf": _encrypted(plain_pdf, ""),
        "garbage.txt": bytes(rng.randrange(256) for _ in range(4000)),
        "three_pages.pdf": _text_pdf(["Trang mot", "Trang hai", "Trang ba"]),
    }


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    for name, data in build().items():
        (BAD / name).write_bytes(data)


if __name__ == "__main__":
    main()
