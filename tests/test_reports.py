"""Reports: self-contained HTML, the Excel workbook, JSON, and `decide` (exports: test_exports.py)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from openpyxl import load_workbook
from typer.testing import CliRunner

from catalog import CatalogStore
from catalog.reports import CatalogReport, build_report, render_html, render_json, write_xlsx
from catalog.reports.concepts_section import SHEET_CONCEPTS, shown
from catalog.reports.xlsx import SHEET_CATALOG, SHEET_FLAGS, SHEET_SOURCES, SHEET_WARNINGS, safe_cell
from danhmuc import commands_catalog
from danhmuc.pipeline import process_file
from extract.model import Document

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(path.stem for path in (ROOT / "corpus" / "gold").glob("*.json"))
DOCS = [ROOT / "corpus" / "docs" / f"{stem}.txt" for stem in SEEDS]


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    loaded = [process_file(path) for path in DOCS]
    # A hostile title must come out escaped, never as markup or a formula.
    first = next(d for d in loaded if d.catalog)
    entry = first.catalog[0].model_copy(update={"title": "=1+1<script>alert(1)</script>"})
    hostile = first.model_copy(update={"catalog": [entry, *first.catalog[1:]]})
    return [hostile if d is first else d for d in loaded]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory, documents: list[Document]) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.db"
    with CatalogStore(f"sqlite:///{path}") as store:
        for document in documents:
            store.add_document(document)
        store.reconcile()
    return path


@pytest.fixture
def database(stored: Path, tmp_path: Path) -> Iterator[str]:
    """A private copy of the stored catalog, for tests that record decisions."""
    copy = tmp_path / "store.db"
    shutil.copy(stored, copy)
    yield f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def report(stored: Path) -> CatalogReport:
    with CatalogStore(f"sqlite:///{stored}") as store:
        return build_report(store)


def test_report_covers_every_stored_entry_flag_and_source(
    report: CatalogReport, documents: list[Document]
) -> None:
    entries = sum(len(d.catalog) for d in documents)
    assert sum(d.member_count for d in report.datasets) == report.summary.entries == entries
    assert report.summary.documents == len(report.sources) == len(documents)
    assert report.summary.flags_open + report.summary.flags_dismissed == len(report.flags)
    assert sum(report.summary.flags_by_kind.values()) == report.summary.flags_open
    for dataset in report.datasets:
        assert dataset.sources and all(m.where for m in dataset.members)
        keys = {m.key for m in dataset.members}
        assert all(link.left in keys or link.right in keys for link in dataset.links)


def test_html_is_self_contained_vietnamese_and_summary_first(report: CatalogReport) -> None:
    html = render_html(report)
    assert '<html lang="vi">' in html
    assert not re.search(r"<(link|img|iframe)\b|<script[^>]+src=|@import|url\(", html)
    assert "https://" not in html and "http://" not in html
    positions = [
        html.index(h)
        for h in ("1. Tóm tắt", "2. Danh mục dữ liệu hợp nhất", "3. Cảnh báo", "4. Văn bản nguồn")
    ]
    assert positions == sorted(positions)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for dataset in report.datasets:
        assert f'id="{dataset.id}"' in html
    for flag in report.flags:
        assert flag.id in html
    for source in report.sources:
        assert f'id="{source.anchor}"' in html and f'href="#{source.anchor}"' in html or not source.entries


def test_xlsx_sheets_are_ready_for_excel(report: CatalogReport, tmp_path: Path) -> None:
    path = write_xlsx(report, tmp_path / "bao-cao.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [SHEET_CATALOG, SHEET_CONCEPTS, SHEET_FLAGS, SHEET_SOURCES, SHEET_WARNINGS]
    expected_rows = {SHEET_CATALOG: len(report.datasets), SHEET_FLAGS: len(report.flags),
                     SHEET_CONCEPTS: len(shown(report.concepts)),
                     SHEET_SOURCES: len(report.sources),
                     SHEET_WARNINGS: sum(len(s.extraction_warnings) for s in report.sources)}  # fmt: skip
    for sheet in book.worksheets:
        assert sheet.max_row == expected_rows[sheet.title] + 1
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert all(cell.font.bold for cell in sheet[1])
        assert all(sheet.column_dimensions[cell.column_letter].width >= 6 for cell in sheet[1])
        assert sheet.max_row == 1 or sheet.cell(2, 2).alignment.wrap_text  # an empty sheet has its header only
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)  # text from documents never becomes a formula
    assert any(str(cell.value).startswith("'=1+1<script>") for cell in cells)
    sources = book[SHEET_CATALOG].cell(2, 6).value
    assert isinstance(sources, str) and report.datasets[0].members[0].document in sources


def test_concepts_in_every_report(report: CatalogReport, tmp_path: Path) -> None:
    """The seeds' two communes of Bắc Ninh (province read from the plan they implement) both list "hộ nghèo";
    Hà Tĩnh's and Hưng Yên's driving-licence lists are one concept."""
    assert report.summary.concepts == len(report.concepts) and report.summary.concepts_shared >= 1
    by_id = {c.id: c for c in report.concepts}
    assert all(d.concept_id in by_id and d.concept_title == by_id[d.concept_id].title for d in report.datasets)
    licences = [c for c in report.concepts if c.dataset_count >= 2 and "lái xe" in c.title.lower()]
    assert licences and set(licences[0].localities) == {"tỉnh Hà Tĩnh", "tỉnh Hưng Yên"}
    poverty = next(c for c in report.concepts if "hộ nghèo" in c.title.lower() and c.locality_count >= 2)
    assert {"xã Đông Cứu, tỉnh Bắc Ninh", "xã Sơn Hải, tỉnh Bắc Ninh"} <= set(poverty.localities)
    html = render_html(report)
    assert "7. Khái niệm dữ liệu" in html and f'id="{licences[0].id}"' in html
    assert f'href="#{report.datasets[0].concept_id}"' in html  # each dataset links to its concept
    sheet = load_workbook(write_xlsx(report, tmp_path / "bao-cao.xlsx"))[SHEET_CONCEPTS]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [safe_cell(c.title) for c in shown(report.concepts)]


def test_json_report_round_trips(report: CatalogReport) -> None:
    assert CatalogReport.model_validate_json(render_json(report)) == report


def _app() -> typer.Typer:
    app = typer.Typer()
    for command in (commands_catalog.report, commands_catalog.export, commands_catalog.decide):
        app.command(command.__name__)(command)
    return app


def test_decide_records_decisions_that_every_later_report_applies(database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    with CatalogStore(database) as store:
        flag = store.flags()[0]
        dataset = store.datasets()[0]
    env = {"DATABASE_URL": database}
    dismissed = runner.invoke(_app(), ["decide", "--who", "Trần Chi", "--dismiss-flag", flag.id,
                                       "--reason", "đã đối chiếu bản gốc"], env=env)  # fmt: skip
    assert dismissed.exit_code == 0, dismissed.output
    named = runner.invoke(_app(), ["decide", "--who", "Trần Chi", "--set-canonical", dataset.id,
                                   "--title", "CSDL hợp nhất (tên chuẩn)"], env=env)  # fmt: skip
    assert named.exit_code == 0, named.output
    refused = runner.invoke(_app(), ["decide", "--who", "Trần Chi", "--dismiss-flag", flag.id], env=env)
    assert refused.exit_code != 0  # a dismissal needs a reason
    unknown = runner.invoke(
        _app(), ["decide", "--who", "Trần Chi", "--merge", "ds-x", "--merge", "ds-y"], env=env
    )
    assert unknown.exit_code != 0

    out = tmp_path / "report"
    result = runner.invoke(_app(), ["report", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    html = (out / "bao-cao.html").read_text(encoding="utf-8")
    assert "đã đối chiếu bản gốc" in html and "CSDL hợp nhất (tên chuẩn)" in html
    assert load_workbook(out / "bao-cao.xlsx").sheetnames == [SHEET_CATALOG, SHEET_CONCEPTS, SHEET_FLAGS,
                                                             SHEET_SOURCES, SHEET_WARNINGS]  # fmt: skip
    saved = CatalogReport.model_validate_json((out / "bao-cao.json").read_text(encoding="utf-8"))
    assert {f.id: f.dismissed_by for f in saved.flags}[flag.id] == "Trần Chi"
    assert len(saved.decisions) == 2

    exported = runner.invoke(
        _app(), ["export", "--format", "jsonl", "--out", str(tmp_path / "c.jsonl")], env=env
    )
    assert exported.exit_code == 0, exported.output
    assert "CSDL hợp nhất (tên chuẩn)" in (tmp_path / "c.jsonl").read_text(encoding="utf-8")


def test_control_characters_from_ocr_do_not_break_the_workbook(tmp_path: Path) -> None:
    """openpyxl refuses a whole workbook over one control character; cells drop them instead."""
    from openpyxl import Workbook, load_workbook

    from catalog.reports.xlsx import safe_cell

    assert safe_cell("=1+1\x07") == "'=1+1"
    assert safe_cell("Dữ liệu\x0bhộ nghèo") == "Dữ liệuhộ nghèo"
    assert safe_cell(3) == 3
    book = Workbook()
    book.active.append([safe_cell("Sở\x01 Y tế")])
    book.save(tmp_path / "x.xlsx")
    assert load_workbook(tmp_path / "x.xlsx").active["A1"].value == "Sở Y tế"
