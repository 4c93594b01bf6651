"""Format detection from bytes: inputs that were refused or misread before (issue #15, detection row)."""

from __future__ import annotations

import codecs
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from extract import FileMissingError, UnsupportedFormatError, extract_bytes, extract_file
from extract.detect import detect_format
from extract.model import SourceFormat

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "docs"
PLAN = "KẾ HOẠCH\nSố: 12/KH-UBND\nỨng dụng chuyển đổi số năm 2026\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read_as_text(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + PLAN.encode(codec)
    assert detect_format(data, "notepad.txt") is SourceFormat.TEXT
    document = extract_bytes(data, "notepad.txt")
    assert document.metadata.kind == "KẾ HOẠCH"
    assert document.metadata.number == "12/KH-UBND"


def test_text_mentioning_the_pdf_marker_stays_text() -> None:
    data = ("Ghi chú: tệp xuất ra bắt đầu bằng %PDF-1.7 như mọi PDF.\n" + PLAN).encode()
    assert detect_format(data, "ghichu.txt") is SourceFormat.TEXT


def test_pdf_after_leading_junk_is_still_a_pdf() -> None:
    pdf = (CORPUS / "son_hai_ke_hoach_2026.pdf").read_bytes()
    assert detect_format(b"junk line from a mail gateway\n" + pdf, "x.pdf") is SourceFormat.PDF


def test_zip_of_pdfs_is_refused_not_read_as_its_first_pdf() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a.pdf", (CORPUS / "son_hai_ke_hoach_2026.pdf").read_bytes())
        archive.writestr("b.pdf", (CORPUS / "dong_cuu_ke_hoach_2026.pdf").read_bytes())
    data = buffer.getvalue()
    assert b"%PDF-" in data[:1024]  # the trap: the first member's bytes sit inside the first KB
    with pytest.raises(UnsupportedFormatError, match="2 tệp.*2 files"):
        detect_format(data, "hai-van-ban.zip")


def test_missing_path_and_directory_get_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError, match="khong-co.pdf.*không tồn tại.*does not exist"):
        extract_file(tmp_path / "khong-co.pdf")
    with pytest.raises(FileMissingError, match="thư mục.*directory"):
        extract_file(tmp_path)


def test_cli_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.pdf"
    run = subprocess.run(
        [sys.executable, "-c", "from danhmuc.cli import app; app()", "extract", str(missing)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().count("\n") == 0
    assert "file_not_found" in run.stderr and "khong-co.pdf" in run.stderr
