"""DOCX package opening: parts found through relationships, only the parts read are inflated."""

from __future__ import annotations

import io
import re
import sys
import zipfile

import pytest
from docx import Document as new_docx

from extract.blocks import Paragraph
from extract.docx_reader import clean_text, read_docx
from extract.errors import CorruptFileError

_RELS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _package() -> dict[str, bytes]:
    document = new_docx()
    document.add_paragraph("Kế hoạch phát triển dữ liệu", style="Heading 1")  # bold through its style only
    document.add_paragraph("Nội dung thứ hai")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _texts(data: bytes) -> list[str]:
    return [block.text for block in read_docx(data, "x.docx").blocks if isinstance(block, Paragraph)]


def test_main_document_is_found_through_the_package_relationships() -> None:
    parts = _package()
    parts["word/main.xml"] = parts.pop("word/document.xml")
    parts["word/_rels/main.xml.rels"] = parts.pop("word/_rels/document.xml.rels")
    for target in ("word/main.xml", "/word/main.xml"):
        parts["_rels/.rels"] = (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_RELS_TYPE}" Target="{target}"/></Relationships>'
        ).encode()
        blocks = read_docx(_zip(parts), "x.docx").blocks
        assert [(block.text, block.bold) for block in blocks if isinstance(block, Paragraph)] == [
            ("Kế hoạch phát triển dữ liệu", True),  # the styles part found through main.xml's own rels
            ("Nội dung thứ hai", False),
        ]


def test_a_damaged_part_nobody_reads_does_not_fail_the_file() -> None:
    parts = _package()
    parts["word/stylesWithEffects.xml"] = b"<w:styles><unclosed>"
    parts["word/media/image1.png"] = b"\x89PNG not really"
    assert _texts(_zip(parts)) == ["Kế hoạch phát triển dữ liệu", "Nội dung thứ hai"]


def test_damaged_styles_are_a_warning_and_the_body_is_still_read() -> None:
    parts = _package()
    parts["word/styles.xml"] = b"<w:styles xmlns:w='x'><w:style>"
    stream = read_docx(_zip(parts), "x.docx")
    assert [block.text for block in stream.blocks if isinstance(block, Paragraph)] == [
        "Kế hoạch phát triển dữ liệu",
        "Nội dung thứ hai",
    ]
    assert [code for code, _, _ in stream.warnings] == ["docx_part_unreadable"]
    assert "word/styles.xml" in stream.warnings[0][1] and " / " in stream.warnings[0][1]


@pytest.mark.parametrize(
    "document_xml",
    [b"<not-xml", b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'],
)
def test_a_main_document_without_a_readable_body_is_corrupt(document_xml: bytes) -> None:
    parts = _package()
    parts["word/document.xml"] = document_xml
    with pytest.raises(CorruptFileError, match="x.docx.*word/document.xml"):
        read_docx(_zip(parts), "x.docx")


def test_whitespace_collapse_by_split_matches_the_regex_it_replaced() -> None:
    """The readers collapse whitespace with str.split, relying on it agreeing with re's \\s."""
    spaces = re.compile(r"\s")
    assert all(bool(spaces.fullmatch(chr(code))) == chr(code).isspace() for code in range(sys.maxunicode + 1))
    sample = "\u00a0 Kế\thoạch\u2003\u2003số\n\x1c 12 \u3000"
    assert clean_text(sample) == re.sub(r"\s+", " ", sample).strip() == "Kế hoạch số 12"
