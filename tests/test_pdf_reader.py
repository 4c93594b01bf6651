"""Text-layer PDF reader: paragraphs, furniture, table fragments, scans; corpus renderings vs gold."""

from __future__ import annotations

import functools
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm
from pypdf import PdfReader, PdfWriter

from extract.blocks import BlockStream, Paragraph, RawTable
from extract.pdf import source as pdf_source
from extract.pdf.layout import one_syllable
from extract.pdf.pdfium_source import PdfiumDocument
from extract.pdf_reader import read_pdf

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"
GOLD = ROOT / "corpus" / "gold"
LONG = (
    "Tổ chức thực hiện đồng bộ tích hợp các dữ liệu từ Bộ Tài chính về Trung tâm tích hợp dữ liệu của tỉnh "
    "để phục vụ công tác chỉ đạo, điều hành và phát triển kinh tế - xã hội của địa phương trong năm 2026."
)


# Long enough to run over a page break, past the running header and the page number.
ACROSS_PAGES = " ".join(f"Câu thứ {n} của đoạn văn dài trải qua hai trang giấy." for n in range(1, 70))


def _paragraphs(stream: BlockStream) -> list[Paragraph]:
    return [block for block in stream.blocks if isinstance(block, Paragraph)]


def _tables(stream: BlockStream) -> list[RawTable]:
    return [block for block in stream.blocks if isinstance(block, RawTable)]


def _fixture_docx() -> bytes:
    document = new_docx()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)
    section.header.paragraphs[0].text = "Kế hoạch thử nghiệm đọc PDF"
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("KẾ HOẠCH").bold = True
    heading = document.add_paragraph()
    heading.add_run("1. Dữ liệu chuyên ngành").bold = True
    document.add_paragraph(f"- Nội dung: {LONG}")
    document.add_paragraph("- Thời gian: Quý II/2026.")
    document.add_paragraph("- Đơn vị chủ trì: Sở Tài chính.")
    document.add_paragraph(
        "Quy định tại Nghị định số 278/2025/NĐ-CP ngày 22/10/2025 về kết nối, chia sẻ dữ liệu bắt buộc "
        "giữa các cơ quan trong hệ thống chính trị, bảo đảm đúng quy định."
    )
    table = document.add_table(rows=61, cols=3)
    table.style = "Table Grid"
    header_row = table.rows[0]
    header_row._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for col, text in enumerate(["TT", "Tên dữ liệu", "Đơn vị quản lý"]):
        header_row.cells[col].text = text
    for row in range(1, 61):
        table.cell(row, 0).text = str(row)
        table.cell(row, 1).text = f"Dữ liệu số {row} về quản lý chuyên ngành trên địa bàn tỉnh"
        if row % 4 == 1:
            table.cell(row, 2).text = f"Sở quản lý nhóm {row // 4 + 1}"
    for start in range(1, 61, 4):
        table.cell(start, 2).merge(table.cell(start + 3, 2))
    document.add_paragraph("Sau bảng.")
    _add_unruled_tables(document)
    document.add_paragraph(ACROSS_PAGES)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_UNRULED = [
    ["STT", "Tên dữ liệu", "Đơn vị quản lý", "Ghi chú"],
    ["1", "Dữ liệu đăng ký khai sinh trên địa bàn xã", "Văn phòng HĐND và UBND", "Đồng bộ"],
    ["2", "Dữ liệu hộ nghèo", "Phòng Kinh tế", ""],
    [
        "3",
        "Dữ liệu người có công với cách mạng được quản lý tại xã",
        "Phòng Văn hóa - Xã hội",
        "Theo quy định",
    ],
]
_AFTER_UNRULED = "Đoạn văn sau bảng, viết đủ dài để kéo qua hết chiều rộng của trang giấy và xuống dòng tiếp theo."


def _add_unruled_tables(document: object) -> None:
    """The same table twice: with no rules at all, then with horizontal rules only."""
    for rules in ("", '<w:top w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/>'):
        table = document.add_table(rows=4, cols=4)  # type: ignore[attr-defined]
        for row, values in enumerate(_UNRULED):
            for col, value in enumerate(values):
                table.cell(row, col).text = value
        if rules:
            table._tbl.tblPr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{rules}</w:tblBorders>"))
        document.add_paragraph(_AFTER_UNRULED)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def fixture_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("pdf_fixture")
    source = folder / "fixture.docx"
    source.write_bytes(_fixture_docx())
    profile = folder / "lo_profile"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (folder / "fixture.pdf").read_bytes()


@pytest.fixture(scope="module")
def fixture_stream(fixture_pdf: bytes) -> BlockStream:
    return read_pdf(fixture_pdf, "fixture.pdf")


def test_lines_are_paragraphs_and_wrapped_lines_are_joined(fixture_stream: BlockStream) -> None:
    texts = [p.text for p in _paragraphs(fixture_stream)]
    assert texts[:6] == [
        "KẾ HOẠCH",
        "1. Dữ liệu chuyên ngành",
        f"- Nội dung: {LONG}",
        "- Thời gian: Quý II/2026.",
        "- Đơn vị chủ trì: Sở Tài chính.",
        "Quy định tại Nghị định số 278/2025/NĐ-CP ngày 22/10/2025 về kết nối, chia sẻ dữ liệu bắt buộc "
        "giữa các cơ quan trong hệ thống chính trị, bảo đảm đúng quy định.",
    ]
    first = _paragraphs(fixture_stream)[0]
    assert first.bold and first.centered and _paragraphs(fixture_stream)[1].bold
    assert texts[-4:] == ["Sau bảng.", _AFTER_UNRULED, _AFTER_UNRULED, ACROSS_PAGES]
    assert len({p.page for p in _paragraphs(fixture_stream)}) >= 2


def test_page_furniture_is_dropped(fixture_stream: BlockStream) -> None:
    assert fixture_stream.page_count >= 3
    texts = [p.text for p in _paragraphs(fixture_stream)]
    assert not any(text.isdigit() for text in texts)
    assert "Kế hoạch thử nghiệm đọc PDF" not in texts


def test_table_fragments_repeat_header_and_carry_merged_cells(fixture_stream: BlockStream) -> None:
    fragments = [table for table in _tables(fixture_stream) if table.ruled]
    assert len(fragments) >= 2
    assert not fragments[0].after_break and all(fragment.after_break for fragment in fragments[1:])
    assert all([cell.text for cell in fragment.rows[0]] == ["TT", "Tên dữ liệu", "Đơn vị quản lý"]
               for fragment in fragments)  # fmt: skip
    data = [row for fragment in fragments for row in fragment.rows[1:] if row[0].text]
    assert [row[0].text for row in data] == [str(n) for n in range(1, 61)]
    for row in data:
        group = (int(row[0].text) - 1) // 4 + 1
        assert row[2].text == f"Sở quản lý nhóm {group}", row
        assert row[2].inherited == ((int(row[0].text) - 1) % 4 != 0)
    assert all(fragment.page is not None and fragment.ruled for fragment in fragments)


def test_syllable_glue_for_narrow_columns() -> None:
    assert one_syllable("hoạch") and one_syllable("Tên") and one_syllable("TT") and one_syllable("10")
    assert not one_syllable("Tênđơn") and not one_syllable("SởY") and not one_syllable("Kếho")


# ---------------------------------------------------------------- corpus renderings


def _corpus(name: str) -> bytes:
    path = DOCS / name
    if not path.exists():
        pytest.skip(f"{name} not rendered yet")
    return path.read_bytes()


@functools.cache
def _corpus_stream(name: str) -> BlockStream:
    return read_pdf(_corpus(name), name)


def _pages(data: bytes, first: int, last: int) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for index in range(first - 1, last):
        writer.add_page(reader.pages[index])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_scan_pages_are_flagged_for_ocr() -> None:
    stream = read_pdf(_corpus("son_hai_ke_hoach_2026_scan.pdf"), "son_hai_ke_hoach_2026_scan.pdf")
    assert stream.needs_ocr_pages == list(range(1, stream.page_count + 1))
    assert {code for code, _, _ in stream.warnings} == {"needs_ocr"}
    assert not stream.blocks


def test_hung_yen_fragments_after_page_breaks() -> None:
    data = _pages(_corpus("hung_yen_ke_hoach_du_lieu_mo.pdf"), 4, 7)
    stream = read_pdf(data, "hung_yen_ke_hoach_du_lieu_mo.pdf")
    fragments = _tables(stream)
    assert len(fragments) == 4
    assert [fragment.after_break for fragment in fragments] == [False, True, True, True]
    header = [cell.text for cell in fragments[0].rows[0]]
    assert header[:3] == ["TT", "Tên dữ liệu", "Mô tả"]
    assert all([cell.text for cell in fragment.rows[0]] == header for fragment in fragments)
    group = fragments[0].rows[1]
    assert group[0].text == "I" and group[1].text == "LĨNH VỰC GIÁO DỤC" and group[1].col_span == 4

    from extract.model import SourceFormat
    from extract.structure import build_document

    document = build_document(stream, source="hung_yen.pdf", sha256="", fmt=SourceFormat.PDF, size_bytes=0)
    (stitched,) = document.tables
    assert sum(1 for row in stitched.rows if row.kind == "header") == 1  # repeated headers dropped
    numbers = [entry.number for entry in document.catalog]
    assert len(numbers) >= 30 and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def test_ha_tinh_inherited_units_across_pages() -> None:
    stream = _corpus_stream("ha_tinh_qd_1402_danh_muc_csdl.pdf")
    units = {row[0].text: row[2] for fragment in _tables(stream)[1:] for row in fragment.rows[1:] if row[0].text}
    assert units["2"].inherited and units["2"].text == "Sở Kế hoạch và Đầu tư"
    assert units["7"].inherited and units["7"].text == "Sở Công Thương"  # merge split by a page break


_FIELDS = ("number", "title", "description", "unit", "sharing_raw", "frequency_raw", "note")


@pytest.mark.parametrize("name", ["son_hai_ke_hoach_2026", "dong_cuu_ke_hoach_2026", "ha_tinh_qd_1402_danh_muc_csdl"])
def test_catalog_and_tasks_match_gold(name: str) -> None:
    from danhmuc.evaluation.metrics import collapse
    from extract.model import SourceFormat, TaskSource
    from extract.structure import build_document

    gold_path = GOLD / f"{name}.json"
    if not gold_path.exists():
        pytest.skip("no gold")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    stream = _corpus_stream(f"{name}.pdf")
    document = build_document(stream, source=f"{name}.pdf", sha256="", fmt=SourceFormat.PDF, size_bytes=0)
    assert len(document.catalog) == len(gold["catalog"])
    for field in _FIELDS:
        same = sum(
            collapse(entry[field]) == collapse(getattr(found, field))
            for entry, found in zip(gold["catalog"], document.catalog, strict=True)
        )
        assert same / len(gold["catalog"]) >= 0.9, field
    # The seed gold lists labelled and table tasks; prose tasks are marked (test_sections_tasks checks them).
    listed = {task.ref for task in document.tasks if task.source is not TaskSource.PROSE}
    assert listed == {task["ref"] for task in gold["tasks"]}


def test_tables_without_vertical_rules_are_read_from_column_positions(fixture_stream: BlockStream) -> None:
    unruled = [table for table in _tables(fixture_stream) if not table.ruled]
    assert len(unruled) == 2
    for table in unruled:
        # A wrapped cell keeps its lines apart ("\n", the block contract); the stitcher joins them.
        assert [[" ".join(cell.text.split()) for cell in row] for row in table.rows] == _UNRULED


# ---------------------------------------------------------------- PDFium and pdfplumber backends


def _read_with(backend: str, data: bytes, name: str, monkeypatch: pytest.MonkeyPatch) -> BlockStream:
    monkeypatch.setenv(pdf_source.BACKEND_VARIABLE, backend)
    return read_pdf(data, name)


def test_backends_agree_on_the_fixture(fixture_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    pdfium = _read_with("pdfium", fixture_pdf, "fixture.pdf", monkeypatch)
    plumber = _read_with("pdfplumber", fixture_pdf, "fixture.pdf", monkeypatch)
    assert pdfium == plumber


@pytest.mark.parametrize(
    ("name", "pages"), [("dong_cuu_ke_hoach_2026.pdf", (7, 9)), ("hung_yen_ke_hoach_du_lieu_mo.pdf", (1, 5))]
)
def test_backends_agree_on_corpus_pages(name: str, pages: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pages(_corpus(name), *pages)
    pdfium = _read_with("pdfium", data, name, monkeypatch)
    plumber = _read_with("pdfplumber", data, name, monkeypatch)
    assert _tables(pdfium) and pdfium == plumber


def test_pdfium_page_gives_pdfminer_geometry_fonts_and_rules() -> None:
    import pdfplumber

    data = _corpus("dong_cuu_ke_hoach_2026.pdf")
    document = PdfiumDocument(data)
    try:
        page = document.page(7)  # the page with the ruled catalog table
    finally:
        document.close()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        reference = pdf.pages[7]
        expected_chars = [ch for ch in reference.chars if ch["text"] != " "]
        expected_edges = reference.edges
    chars = [ch for ch in page.chars if ch["text"] != " "]
    assert "".join(ch["text"] for ch in chars) == "".join(ch["text"] for ch in expected_chars)
    for got, want in zip(chars, expected_chars, strict=True):
        assert abs(got["top"] - want["top"]) < 0.05 and abs(got["bottom"] - want["bottom"]) < 0.05
        assert abs(got["x0"] - want["x0"]) < 0.3 and got["size"] == pytest.approx(want["size"], abs=0.01)
        assert ("Bold" in got["fontname"]) == ("Bold" in want["fontname"])

    def rules(edges: list[dict[str, Any]]) -> list[tuple[str, float, float, float, float]]:
        return sorted((str(e["orientation"]), e["x0"], e["x1"], e["top"], e["bottom"]) for e in edges)

    got_rules, want_rules = rules(page.edges), rules(expected_edges)
    assert len(want_rules) > 20 and len(got_rules) == len(want_rules)
    for got_rule, want_rule in zip(got_rules, want_rules, strict=True):
        assert got_rule[0] == want_rule[0]
        assert all(abs(a - b) < 0.05 for a, b in zip(got_rule[1:], want_rule[1:], strict=True)), (got_rule, want_rule)


def test_default_backend_is_pdfium_and_the_variable_selects_pdfplumber(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _pages(_corpus("dong_cuu_ke_hoach_2026.pdf"), 1, 1)
    monkeypatch.delenv(pdf_source.BACKEND_VARIABLE, raising=False)
    document = pdf_source.open_document(data)
    assert document.backend == "pdfium"
    document.close()
    monkeypatch.setenv(pdf_source.BACKEND_VARIABLE, "pdfplumber")
    document = pdf_source.open_document(data)
    assert document.backend == "pdfplumber"
    document.close()


def test_a_document_pdfium_cannot_open_is_read_with_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pages(_corpus("dong_cuu_ke_hoach_2026.pdf"), 8, 9)
    expected = _read_with("pdfium", data, "dong_cuu.pdf", monkeypatch)

    def refuse(_data: bytes) -> None:
        raise RuntimeError("PDFium: Data format error")

    monkeypatch.setattr(pdf_source, "PdfiumBackedDocument", refuse)
    assert pdf_source.open_document(data).backend == "pdfplumber"
    assert read_pdf(data, "dong_cuu.pdf") == expected


def test_a_rotated_page_reads_the_same_with_both_backends(monkeypatch: pytest.MonkeyPatch) -> None:
    reader = PdfReader(io.BytesIO(_pages(_corpus("dong_cuu_ke_hoach_2026.pdf"), 8, 9)))
    writer = PdfWriter()
    writer.add_page(reader.pages[0])
    writer.add_page(reader.pages[1]).rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    pdfium = _read_with("pdfium", buffer.getvalue(), "rotated.pdf", monkeypatch)
    plumber = _read_with("pdfplumber", buffer.getvalue(), "rotated.pdf", monkeypatch)
    assert not pdfium.warnings and pdfium == plumber
