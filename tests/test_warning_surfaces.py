"""Extraction warnings reach people: `danhmuc extract` (stderr), `danhmuc ingest` (summary) and the
reviewer's report (HTML, XLSX, JSON). The API's side is in test_api.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from catalog import CatalogStore
from catalog.reports import build_report, render_html, render_json, write_xlsx
from catalog.reports.model import CatalogReport
from catalog.reports.xlsx import SHEET_WARNINGS
from danhmuc.cli import app
from danhmuc.pipeline import process_file
from danhmuc.warning_summary import summary_lines
from extract.legacy.encodings import encode_tcvn3
from extract.model import ExtractionWarning, Provenance

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "corpus" / "docs" / "ha_tinh_qd_1402_danh_muc_csdl.txt"  # number and date printed: no warning
# A short plan typed in TCVN3: read correctly, with a "legacy_encoding" warning saying it was converted.
# Its number and date are printed, so that is its only warning.
PLAN = (
    "ỦY BAN NHÂN DÂN XÃ AN HÒA\n"
    "Số: 12/KH-UBND\n"
    "An Hòa, ngày 5 tháng 3 năm 2026\n"
    "KẾ HOẠCH\n"
    "Về việc rà soát dữ liệu của xã năm 2026\n"
    "1. Rà soát hồ sơ hộ tịch, chứng thực và đất đai trên địa bàn xã.\n"
    "2. Cập nhật dữ liệu dân cư, bảo đảm đầy đủ, chính xác, kịp thời.\n"
)


@pytest.fixture(scope="module")
def legacy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("legacy") / "ke_hoach_tcvn3.txt"
    path.write_bytes(encode_tcvn3(PLAN))
    return path


def _warning(code: str, message: str, page: int | None = None) -> ExtractionWarning:
    return ExtractionWarning(code=code, message=message, provenance=Provenance(file="x.pdf", page=page, table=2))


# ---------------------------------------------------------------- danhmuc extract


def test_extract_keeps_stdout_json_and_summarises_warnings_on_stderr(legacy_file: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(legacy_file), str(CLEAN)])
    assert result.exit_code == 0, result.output
    decoder = json.JSONDecoder()
    first, end = decoder.raw_decode(result.stdout)
    second, _ = decoder.raw_decode(result.stdout[end:].lstrip())
    assert [w["code"] for w in first["warnings"]] == ["legacy_encoding"] and not second["warnings"]
    assert "ke_hoach_tcvn3.txt: 1 cảnh báo / warnings — legacy_encoding ×1" in result.stderr
    assert "[legacy_encoding]" in result.stderr and "tcvn3" in result.stderr
    assert CLEAN.name not in result.stderr  # a file without warnings adds nothing


def test_summary_counts_by_code_and_shows_the_first_messages_with_their_place() -> None:
    warnings = [
        _warning("low_confidence_cell", "Ô nhận dạng kém / low confidence", page=3),
        _warning("table_without_header", "Bảng 2: không nhận ra tiêu đề / no header", page=4),
        _warning("low_confidence_cell", "Ô khác / another cell", page=5),
        _warning("low_confidence_cell", "Ô thứ ba / a third", page=6),
    ]
    lines = summary_lines("quet.pdf", warnings, first=2)
    assert lines[0] == "quet.pdf: 4 cảnh báo / warnings — low_confidence_cell ×3, table_without_header ×1"
    assert lines[1] == "  - [low_confidence_cell] tr./p. 3, bảng/table 2: Ô nhận dạng kém / low confidence"
    assert lines[2].startswith("  - [table_without_header] tr./p. 4")
    assert lines[3].startswith("  … 2 ")
    assert summary_lines("sach.txt", []) == []


# ---------------------------------------------------------------- danhmuc ingest


def test_ingest_reports_warning_counts_per_file(legacy_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / legacy_file.name).write_bytes(legacy_file.read_bytes())
    (folder / CLEAN.name).write_bytes(CLEAN.read_bytes())
    env = {"DANHMUC_DATA_DIR": str(tmp_path / "data")}
    result = CliRunner().invoke(
        app,
        ["ingest", str(folder), "--workers", "1", "--no-reconcile", "--errors", str(tmp_path / "errors.csv"),
         "--database", f"sqlite:///{tmp_path / 'store.db'}"],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Cảnh báo khi trích xuất / extraction warnings"))
    assert ": 1 ở / in 1/2 tệp / files" in header
    listed = [line for line in lines if line.startswith("  ") and legacy_file.name in line]
    assert listed and listed[0].endswith(": 1 — legacy_encoding ×1")
    assert not any(line.startswith("  ") and CLEAN.name in line for line in lines)


# ---------------------------------------------------------------- the reviewer's report


@pytest.fixture(scope="module")
def report(legacy_file: Path, tmp_path_factory: pytest.TempPathFactory) -> CatalogReport:
    legacy = process_file(legacy_file)
    hostile = process_file(CLEAN)
    hostile = hostile.model_copy(
        update={"warnings": [_warning("table_unstructured", "Bảng <script>alert(1)</script> & =1+1", page=7)]}
    )
    path = tmp_path_factory.mktemp("store") / "store.db"
    with CatalogStore(f"sqlite:///{path}") as store:
        store.add_document(legacy)
        store.add_document(hostile)
        unicode_plan = path.parent / "ke_hoach_unicode.txt"
        unicode_plan.write_text(PLAN, encoding="utf-8")
        store.add_document(process_file(unicode_plan))
        store.reconcile()
        return build_report(store)


def test_report_model_carries_each_documents_warnings(report: CatalogReport) -> None:
    by_name = {s.name: s for s in report.sources}
    assert [w.code for w in by_name["ke_hoach_tcvn3.txt"].extraction_warnings] == ["legacy_encoding"]
    assert by_name[CLEAN.name].extraction_warnings[0].provenance is not None
    assert not by_name["ke_hoach_unicode.txt"].extraction_warnings
    assert (report.summary.extraction_warnings, report.summary.documents_with_warnings) == (2, 2)


def test_html_lists_warnings_per_document_escaped(report: CatalogReport) -> None:
    html = render_html(report)
    section = html[html.index('<section id="extraction-warnings">') :]
    section = section[: section.index("</section>")]
    assert "Cảnh báo khi trích xuất / extraction warnings" in section
    assert "ke_hoach_tcvn3.txt" in section and "legacy_encoding" in section
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; =1+1" in section
    assert "tr. 7, bảng 2" in section
    assert "ke_hoach_unicode.txt" not in section
    assert 'href="#extraction-warnings"' in html  # the summary points at it


def test_xlsx_has_a_warnings_sheet_with_one_row_per_warning(report: CatalogReport, tmp_path: Path) -> None:
    book = load_workbook(write_xlsx(report, tmp_path / "bao-cao.xlsx"))
    sheet = book[SHEET_WARNINGS]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2
    hostile = next(row for row in rows if row[1] == "table_unstructured")
    assert hostile[0] == CLEAN.name and hostile[3] == 7 and hostile[4] == 2
    assert str(hostile[2]).startswith("Bảng <script>")  # text, never a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_json_report_has_the_warnings_with_provenance(report: CatalogReport) -> None:
    data = json.loads(render_json(report))
    warned = {s["name"]: s["extraction_warnings"] for s in data["sources"] if s["extraction_warnings"]}
    assert warned[CLEAN.name][0]["provenance"]["page"] == 7
    assert warned["ke_hoach_tcvn3.txt"][0]["code"] == "legacy_encoding"
