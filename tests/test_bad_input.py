"""Bad input files (tests/data/bad/, written by tests/data/make_bad_files.py) fail with the right error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from extract import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    ExtractError,
    LimitExceededError,
    UnsupportedFormatError,
    extract_file,
)
from extract.blocks import Paragraph
from extract.pdf_reader import read_pdf
from extract.safety import ZipLimits, open_checked_zip

BAD = Path(__file__).resolve().parent / "data" / "bad"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("empty.pdf", EmptyFileError),
        ("truncated.pdf", CorruptFileError),
        ("not_a_zip.docx", CorruptFileError),
        ("truncated.docx", CorruptFileError),
        ("zip_bomb.docx", LimitExceededError),
        ("zip_slip.docx", CorruptFileError),
        ("encrypted_password.pdf", EncryptedFileError),
        ("garbage.txt", UnsupportedFormatError),
    ],
)
def test_bad_file_raises_its_error_naming_the_file(name: str, error: type[ExtractError]) -> None:
    with pytest.raises(ExtractError) as caught:
        extract_file(BAD / name)
    assert type(caught.value) is error
    assert name in str(caught.value)
    assert " / " in str(caught.value)  # Vietnamese, then English


def test_pdf_with_empty_user_password_opens() -> None:
    document = extract_file(BAD / "encrypted_empty_password.pdf")
    assert document.page_count == 1 and not document.needs_ocr_pages
    stream = read_pdf((BAD / "encrypted_empty_password.pdf").read_bytes(), "encrypted_empty_password.pdf")
    assert [block.text for block in stream.blocks if isinstance(block, Paragraph)] == [
        "Ke hoach phat trien du lieu"
    ]


def test_pdf_page_limit_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANHMUC_MAX_PDF_PAGES", "2")
    with pytest.raises(LimitExceededError, match="three_pages.pdf.*3 trang.*DANHMUC_MAX_PDF_PAGES"):
        extract_file(BAD / "three_pages.pdf")
    monkeypatch.setenv("DANHMUC_MAX_PDF_PAGES", "3")
    assert extract_file(BAD / "three_pages.pdf").page_count == 3


def test_zip_guards_count_size_and_ratio() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(12):
            archive.writestr(f"part{index}.xml", "<x/>" * 300)
    data = buffer.getvalue()
    open_checked_zip(data, "ok.docx")
    with pytest.raises(LimitExceededError, match="12"):
        open_checked_zip(data, "many.docx", ZipLimits(max_entries=10))
    with pytest.raises(LimitExceededError, match="MiB"):
        open_checked_zip(data, "big.docx", ZipLimits(max_total_uncompressed=1000))
    with pytest.raises(LimitExceededError, match="bom"):
        open_checked_zip(data, "ratio.docx", ZipLimits(max_ratio=5, ratio_min_size=100))


def test_bad_files_are_small() -> None:
    assert all(path.stat().st_size < 64 * 1024 for path in BAD.iterdir())


CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


@pytest.mark.parametrize("missing", [30, 100, 300])
def test_pdf_missing_its_last_bytes_is_read_with_a_warning(missing: int) -> None:
    """%%EOF, the trailer, the cross-reference table lost: every page is still there (poppler reads it)."""
    data = (BAD / "three_pages.pdf").read_bytes()
    whole = read_pdf(data, "nguyen.pdf")
    cut = read_pdf(data[:-missing], "cat_cut.pdf")
    assert cut.page_count == whole.page_count == 3
    assert [block.text for block in cut.blocks if isinstance(block, Paragraph)] == [
        block.text for block in whole.blocks if isinstance(block, Paragraph)
    ]
    assert [code for code, _message, _page in cut.warnings] == [
        "pdf_truncated", *[code for code, _message, _page in whole.warnings]
    ]


def test_pdf_cut_before_its_catalog_is_a_clear_error_naming_the_file() -> None:
    data = (CORPUS / "hung_yen_ke_hoach_du_lieu_mo.pdf").read_bytes()
    catalog = data.rindex(b"/Catalog")
    with pytest.raises(CorruptFileError) as caught:
        read_pdf(data[: catalog - 200], "cat_cut.pdf")
    assert "cat_cut.pdf" in str(caught.value) and "truncated PDF" in str(caught.value)
