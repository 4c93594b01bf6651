"""The second .doc reader (antiword) and the choice between it and LibreOffice, made on evidence."""

from __future__ import annotations

import os
import shutil
import stat
import time
from dataclasses import replace
from pathlib import Path

import pytest

import extract.doc_reader as doc_reader
from extract.api import extract_bytes
from extract.blocks import BlockStream, Paragraph, RawTable
from extract.doc_reader import DocReader, ReaderEvidence, choose_reader, evidence_of, read_doc
from extract.errors import CorruptFileError
from extract.legacy.antiword import AntiwordError, antiword_docbook, read_doc_with_antiword, read_docbook
from realdocs import REALDOCS

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
REAL = REALDOCS
SON_HAI = DOCS / "son_hai_ke_hoach_2026.doc"
BINH_THUAN = REAL / "CV-BinhThuan-CD131-TTHC.doc"

needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword không có / not installed")
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) không có / not installed"
)
needs_real = pytest.mark.skipif(
    not BINH_THUAN.exists(), reason=f"tài liệu thật không có / real documents absent: {REAL}"
)


# ---------------------------------------------------------------- the decision, on recorded evidence

# Both readers on son_hai_ke_hoach_2026.doc (recorded): identical.
SON_HAI_EVIDENCE = ReaderEvidence(chars=11475, tables=7, table_rows=35, vietnamese_ratio=0.995)


def test_agreeing_readers_keep_libreoffice_silently() -> None:
    assert choose_reader(SON_HAI_EVIDENCE, SON_HAI_EVIDENCE) == doc_reader.ReaderChoice(DocReader.LIBREOFFICE, None)


def test_libreoffice_without_the_catalog_tables_gives_way_to_antiword_with_a_warning() -> None:
    # LibreOffice kept the national header only: the catalog's text and its 33 rows are gone
    lost = ReaderEvidence(chars=8900, tables=0, table_rows=0, vietnamese_ratio=0.995)
    choice = choose_reader(lost, SON_HAI_EVIDENCE)
    assert choice.reader is DocReader.ANTIWORD
    assert choice.warning is not None
    code, message = choice.warning
    assert code == "doc_reader_antiword"
    assert "LibreOffice mất bảng; dùng antiword" in message and "LibreOffice lost tables; antiword used" in message
    assert "35" in message  # the evidence is in the message


def test_one_or_two_rows_counted_differently_is_not_a_lost_table() -> None:
    merged = replace(SON_HAI_EVIDENCE, table_rows=34)
    assert choose_reader(merged, SON_HAI_EVIDENCE).reader is DocReader.LIBREOFFICE


def test_more_rows_but_much_less_text_in_antiword_keeps_libreoffice_and_says_it_is_unsure() -> None:
    # e.g. the body is in text boxes, which antiword does not read
    libreoffice = ReaderEvidence(chars=20000, tables=1, table_rows=5, vietnamese_ratio=0.99)
    antiword = ReaderEvidence(chars=9000, tables=2, table_rows=20, vietnamese_ratio=0.99)
    choice = choose_reader(libreoffice, antiword)
    assert choice.reader is DocReader.LIBREOFFICE
    assert choice.warning is not None and choice.warning[0] == "doc_readers_disagree"


def test_lost_text_is_evidence_too_but_a_few_characters_are_not() -> None:
    short = ReaderEvidence(chars=6000, tables=7, table_rows=35, vietnamese_ratio=0.99)
    choice = choose_reader(short, SON_HAI_EVIDENCE)
    assert choice.reader is DocReader.ANTIWORD and choice.warning is not None
    assert "LibreOffice lost text" in choice.warning[1]
    nearly = replace(SON_HAI_EVIDENCE, chars=11400)
    assert choose_reader(nearly, SON_HAI_EVIDENCE).reader is DocReader.LIBREOFFICE


def test_when_libreoffice_fails_antiword_stands_in_only_for_vietnamese_text() -> None:
    choice = choose_reader(None, SON_HAI_EVIDENCE)
    assert choice.reader is DocReader.ANTIWORD and choice.warning is not None
    garbage = ReaderEvidence(chars=3000, tables=0, table_rows=0, vietnamese_ratio=0.1)
    assert choose_reader(None, garbage).reader is DocReader.LIBREOFFICE  # i.e. LibreOffice's error is raised
    assert choose_reader(SON_HAI_EVIDENCE, None) == doc_reader.ReaderChoice(DocReader.LIBREOFFICE, None)


def test_evidence_counts_data_tables_not_the_one_row_national_header() -> None:
    stream = read_docbook(
        "<book><chapter><para><informaltable><tgroup><tbody><row><entry>ỦY BAN NHÂN DÂN</entry>"
        "<entry>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</entry></row></tbody></tgroup></informaltable></para>"
        "<para><emphasis role='bold'>II. DANH MỤC</emphasis></para>"
        "<para><informaltable><tgroup><tbody><row><entry>Stt</entry><entry>Tên tập dữ liệu</entry></row>"
        "<row><entry>1</entry><entry>Dữ liệu A &amp; B | C</entry></row></tbody></tgroup></informaltable></para>"
        "</chapter></book>"
    )
    evidence = evidence_of(stream)
    assert (evidence.tables, evidence.table_rows) == (1, 2)
    heading = stream.blocks[1]
    assert isinstance(heading, Paragraph) and heading.bold and heading.text == "II. DANH MỤC"
    table = stream.blocks[2]
    assert isinstance(table, RawTable) and table.rows[1][1].text == "Dữ liệu A & B | C"


def test_broken_docbook_is_an_antiword_error() -> None:
    with pytest.raises(AntiwordError):
        read_docbook("<book><para>")


# ---------------------------------------------------------------- antiword on real files


@needs_antiword
def test_antiword_reads_the_corpus_doc_catalog_tables_whole() -> None:
    stream = read_doc_with_antiword(SON_HAI.read_bytes())
    tables = [block for block in stream.blocks if isinstance(block, RawTable)]
    assert len(tables) == 8  # the national header and seven catalog tables
    first = tables[1]
    assert [cell.text for cell in first.rows[0]] == [
        "Stt", "Tên tập dữ liệu", "Mô tả nội dung", "Đơn vị quản lý", "Mức độ chia sẻ", "Ghi chú",
    ]  # fmt: skip
    # a cell wrapped over two lines in antiword's text form is one cell here
    assert first.rows[1][2].text == "Thông tin khai sinh phát sinh tại xã"


@needs_antiword
@needs_soffice
def test_antiword_alone_gives_the_corpus_doc_its_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a .doc whose tables LibreOffice loses gets: LibreOffice's reading without its tables."""
    import extract.docx_reader  # read_doc imports it lazily, so the module attribute is what it calls

    original = extract.docx_reader.read_docx

    def without_tables(data: bytes, source: str) -> BlockStream:
        stream = original(data, source)
        kept = [block for block in stream.blocks if not isinstance(block, RawTable)]
        return replace(stream, blocks=kept)

    monkeypatch.setattr(extract.docx_reader, "read_docx", without_tables)
    document = extract_bytes(SON_HAI.read_bytes(), SON_HAI.name)
    assert len(document.catalog) >= 25
    codes = [warning.code for warning in document.warnings]
    assert "doc_reader_antiword" in codes
    message = next(w.message for w in document.warnings if w.code == "doc_reader_antiword")
    assert "LibreOffice lost tables; antiword used" in message


@needs_antiword
@needs_soffice
def test_the_corpus_doc_keeps_libreoffice_without_a_warning() -> None:
    stream = read_doc(SON_HAI.read_bytes(), SON_HAI.name)
    assert not [w for w in stream.warnings if w[0].startswith("doc_reader")]


@needs_antiword
@needs_soffice
@needs_real
def test_the_real_binh_thuan_doc_readers_agree() -> None:
    data = BINH_THUAN.read_bytes()
    antiword = evidence_of(read_doc_with_antiword(data))
    assert antiword.chars > 2000 and antiword.vietnamese_ratio > 0.95
    stream = read_doc(data, BINH_THUAN.name)
    assert evidence_of(stream) == antiword
    assert not stream.warnings
    document = extract_bytes(data, BINH_THUAN.name)
    assert document.metadata.issuer == "UBND tỉnh Bình Thuận"


@needs_antiword
def test_missing_libreoffice_falls_back_to_antiword_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("extract.legacy.soffice.find_soffice", lambda: None)
    document = extract_bytes(SON_HAI.read_bytes(), "cu.doc")
    assert len(document.catalog) >= 25
    assert any(w.code == "doc_reader_antiword" and "LibreOffice could not read" in w.message for w in document.warnings)


def test_neither_reader_is_the_libreoffice_error_naming_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("extract.legacy.soffice.find_soffice", lambda: None)
    monkeypatch.setattr("extract.legacy.antiword.find_antiword", lambda: None)
    with pytest.raises(Exception) as error:
        read_doc(SON_HAI.read_bytes(), "cu.doc")
    assert "cu.doc" in str(error.value) and "LibreOffice" in str(error.value)


def test_not_a_word_file_is_rejected_before_either_reader() -> None:
    with pytest.raises(CorruptFileError):
        read_doc(SON_HAI.read_bytes()[:512] + bytes(4096), "rong.doc")


def test_antiword_past_its_time_limit_is_killed_with_its_process_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = f"danhmuc_test_sleeper_{os.getpid()}"
    script = tmp_path / "antiword"
    # a wrapper whose child outlives it unless the whole group is killed
    script.write_text(f"#!/bin/sh\nsh -c 'sleep 30; : {marker}' &\nwait\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr("extract.legacy.antiword.find_antiword", lambda: str(script))
    started = time.monotonic()
    with pytest.raises(AntiwordError) as error:
        antiword_docbook(SON_HAI.read_bytes(), timeout_s=0.5)
    assert error.value.timed_out and time.monotonic() - started < 10
    time.sleep(0.2)
    left = [
        cmdline.parent.name
        for cmdline in Path("/proc").glob("[0-9]*/cmdline")
        if _safe_read(cmdline).find(marker.encode()) >= 0
    ]
    assert not left


def _safe_read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
