"""The report written from the store in pages and parts (issue 13): same content as the in-memory report,
every cross-page link resolves, no file holds every dataset, and memory does not follow the archive."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from catalog import CatalogStore
from catalog.concept_facts import ConceptDetail
from catalog.reports import CatalogReport, build_report, write_report_files
from catalog.reports.concepts_section import shown
from catalog.reports.model import DATASET_JSON
from catalog.reports.xlsx import SHEET_CATALOG, SHEET_CONCEPTS, SHEET_FLAGS, SHEET_SOURCES, SHEET_WARNINGS, safe_cell
from danhmuc.pipeline import process_file
from extract.model import Document, ExtractionWarning, Provenance

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(path.stem for path in (ROOT / "corpus" / "gold").glob("*.json"))
PAGE = 3  # rows per page: the corpus's catalog, flags, sources and concepts then take several pages


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return [process_file(ROOT / "corpus" / "docs" / f"{stem}.txt") for stem in SEEDS]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, documents: list[Document]) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    with CatalogStore(url) as store:
        for document in documents:
            store.add_document(document, path=f"/archive/{document.source}")
        store.reconcile()
    return url


@pytest.fixture(scope="module")
def whole(database: str) -> CatalogReport:
    with CatalogStore(database) as store:
        return build_report(store)


def _html_files(out: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.glob("bao-cao*.html"))}


def test_parts_hold_exactly_the_report(database: str, whole: CatalogReport, tmp_path: Path) -> None:
    with CatalogStore(database) as store:
        files = write_report_files(store, tmp_path, page_rows=PAGE)
    saved = CatalogReport.model_validate_json(files.json.read_text(encoding="utf-8"))
    assert saved.datasets == [] and len(saved.dataset_files) == len(files.parts) == -(-len(whole.datasets) // PAGE)
    lines = [line for part in files.parts for line in part.read_text(encoding="utf-8").splitlines()]
    assert all(len(part.read_text(encoding="utf-8").splitlines()) <= PAGE for part in files.parts)
    assert [DATASET_JSON.validate_json(line) for line in lines] == whole.datasets
    assert saved.summary.model_copy(update={"generated_at": whole.summary.generated_at}) == whole.summary
    assert (saved.flags, saved.sources, saved.decisions, saved.problem_files) == (
        whole.flags, whole.sources, whole.decisions, whole.problem_files
    )  # fmt: skip
    assert saved.concepts == [] and [tmp_path / name for name in saved.concept_files] == files.concept_parts
    concept_lines = [line for part in files.concept_parts for line in part.read_text(encoding="utf-8").splitlines()]
    assert [ConceptDetail.model_validate_json(line) for line in concept_lines] == whole.concepts
    book = load_workbook(files.xlsx)
    rows = {SHEET_CATALOG: len(whole.datasets), SHEET_CONCEPTS: len(shown(whole.concepts)),
            SHEET_FLAGS: len(whole.flags), SHEET_SOURCES: len(whole.sources),
            SHEET_WARNINGS: sum(len(s.extraction_warnings) for s in whole.sources)}  # fmt: skip
    assert {sheet.title: sheet.max_row - 1 for sheet in book.worksheets} == rows
    assert book[SHEET_CATALOG].cell(2, 2).value == whole.datasets[0].title
    listed = [row[0].value for row in book[SHEET_CONCEPTS].iter_rows(min_row=2)]
    assert listed == [safe_cell(c.title) for c in shown(whole.concepts)]  # read in the listing's order


def test_pages_split_every_long_section_and_links_resolve(database: str, whole: CatalogReport, tmp_path: Path) -> None:
    with CatalogStore(database) as store:
        files = write_report_files(store, tmp_path, page_rows=PAGE)
    html = _html_files(tmp_path)
    assert files.html.name in html and len(html) == 1 + len(files.pages)
    catalog_pages = [name for name in html if name.startswith("bao-cao-danh-muc-")]
    assert len(catalog_pages) == -(-len(whole.datasets) // PAGE) > 1
    for name in catalog_pages:
        assert 0 < html[name].count('<tr class="ds') <= PAGE
    ids = {name: set(re.findall(r' id="([^"]+)"', text)) for name, text in html.items()}
    everywhere = set().union(*ids.values())
    assert {d.id for d in whole.datasets} <= everywhere and {s.anchor for s in whole.sources} <= everywhere
    assert {f"flag-{f.kind.value}" for f in whole.flags} <= everywhere
    assert all(f.id in "".join(html.values()) for f in whole.flags)
    listed = {c.id for c in shown(whole.concepts)}  # a dataset's concept of one dataset is counted, not listed
    checked = 0
    for name, text in html.items():
        assert '<html lang="vi">' in text and "http://" not in text and "https://" not in text
        for target, anchor in re.findall(r'href="([^"#:]*)#([^"]+)"', text):
            if (anchor.startswith(("src-", "warn-", "flag-")) or target) and not (
                anchor.startswith("cc-") and anchor not in listed
            ):
                assert anchor in ids[target or name], (name, target, anchor)
                checked += 1
        for target in re.findall(r'href="(bao-cao[^"#]*\.html)"', text):
            assert target in html
    assert checked > len(whole.datasets)
    # A member's source document sits on another page: its link names that page.
    assert re.search(r'href="bao-cao-van-ban-nguon-\d{3}\.html#src-', html[catalog_pages[0]])


def test_small_report_is_one_file_and_old_pages_are_removed(database: str, tmp_path: Path) -> None:
    with CatalogStore(database) as store:
        write_report_files(store, tmp_path, page_rows=PAGE)
        files = write_report_files(store, tmp_path)  # every section fits a page of 500 rows
    names = sorted(p.name for p in tmp_path.glob("bao-cao*"))
    concept_parts = [name for name in names if name.startswith("bao-cao-khai-niem-")]
    assert files.pages == [] and concept_parts == [p.name for p in files.concept_parts]
    assert sorted(set(names) - set(concept_parts)) == [
        "bao-cao-tap-du-lieu-001.jsonl", "bao-cao.html", "bao-cao.json", "bao-cao.xlsx",
    ]  # fmt: skip
    text = files.html.read_text(encoding="utf-8")
    positions = [text.index(h) for h in ("1. Tóm tắt", "2. Danh mục", "3. Cảnh báo", "4. Văn bản nguồn", "7. Khái")]
    assert positions == sorted(positions) and 'id="filter"' in text and "<script>" in text


def test_report_reads_the_stored_result_without_reconciling(
    database: str, whole: CatalogReport, tmp_path: Path
) -> None:
    """A report on a store with a document added since the last reconciliation shows what was stored,
    and leaves the store as it was."""
    copy = tmp_path / "copy.db"
    shutil.copy(database.removeprefix("sqlite:///"), copy)
    with CatalogStore(f"sqlite:///{copy}") as store:
        before = store.last_reconciliation()
        extra = process_file(ROOT / "corpus" / "docs" / f"{SEEDS[0]}.txt")
        store.add_document(extra.model_copy(update={"sha256": "f" * 64, "source": "them.txt"}), path="/archive/them")
        files = write_report_files(store, tmp_path / "out")
        assert store.last_reconciliation() == before
    assert files.summary.documents == len(SEEDS) + 1  # the new document is listed,
    assert files.summary.entries == whole.summary.entries  # its rows join no dataset until a reconciliation


def test_both_backends_cut_the_warnings_out_of_the_stored_json(
    store: CatalogStore, documents: list[Document], tmp_path: Path
) -> None:
    """SQLite's json_extract and PostgreSQL's jsonb path give the warnings a parsed Document has."""
    warning = ExtractionWarning(code="table_unstructured", message="Bảng “Phụ lục” không dựng được <b>",
                                provenance=Provenance(file="x.pdf", page=3, table=2, raw="ô lỗi"))  # fmt: skip
    noted = documents[0].model_copy(update={"warnings": [warning, *documents[0].warnings]})
    for document in [noted, *documents[1:]]:
        store.add_document(document, path=f"/archive/{document.source}")
    store.reconcile()
    files = write_report_files(store, tmp_path, page_rows=PAGE)
    saved = CatalogReport.model_validate_json(files.json.read_text(encoding="utf-8"))
    by_sha = {s.sha256: s.extraction_warnings for s in saved.sources}
    assert by_sha == {d.sha256: list(d.warnings) for d in [noted, *documents[1:]]}
    assert saved.summary.extraction_warnings == sum(len(d.warnings) for d in [noted, *documents[1:]])
    pages = "".join(_html_files(tmp_path).values())
    assert "Bảng “Phụ lục” không dựng được &lt;b&gt;" in pages and "ô lỗi" in pages


def test_catalog_pages_are_bounded_by_members_too() -> None:
    """A page closes at 500 datasets or 5,000 members; one dataset heavier than that has a page alone."""
    from catalog.reports.pages import Paging, weighted_starts

    sizes = [6_000, 3_000, 2_500, 1, 1, 1, *([1] * 600)]
    starts = weighted_starts(sizes, 500, 5_000)
    assert starts == [0, 1, 2, 502]
    paging = Paging("danh-muc", len(sizes), 500, True, tuple(starts))
    assert paging.pages == 4 and [paging.range_of(p) for p in range(4)] == [(1, 1), (2, 2), (3, 502), (503, 606)]
    assert paging.file(0) == "bao-cao-danh-muc-001.html" and paging.file(501) == "bao-cao-danh-muc-003.html"
    assert paging.file(502) == "bao-cao-danh-muc-004.html" and paging.is_start(502) and not paging.is_start(503)
