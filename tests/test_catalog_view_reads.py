"""The catalog read from the store in bounded chunks, and an API view that holds no catalog rows.

Issue 13 bounds every process's memory: the API's in-memory view once held every member of every dataset
(3.6 GiB in the server at 10,000 replicated documents), and `read_datasets` read every member before yielding the first
dataset. Now the view keeps summaries and search texts, a dataset's members are read when it is asked for, and
`read_datasets` reads chunk by chunk. These tests pin that the chunked and targeted reads give exactly what one
whole read gives, on a store built from the corpus files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import select

from api.catalog_view import CatalogQuery, CatalogView
from catalog import CatalogStore
from catalog.exports import DCAT_FORMATS, ExportFormat, render
from catalog.exports import view as export_view
from catalog.exports.view import DatasetDetail, DatasetView, StoredCatalog, detail, read_datasets
from danhmuc.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "corpus" / "docs" / f"{path.stem}.txt" for path in sorted((ROOT / "corpus" / "gold").glob("*.json"))]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('catalog-view')}/store.db"
    with CatalogStore(url) as store:
        for path in DOCS:
            store.add_document(process_file(path))
        store.reconcile()
    return url


def _read(database: str, ids: list[str] | None = None) -> list[DatasetDetail]:
    with CatalogStore(database) as store, store.snapshot() as session:
        return [detail(view, members) for view, members in read_datasets(session, ids)]


@pytest.fixture(scope="module")
def whole(database: str) -> list[DatasetDetail]:
    found = _read(database)
    # The corpus has datasets of one member and of several, so chunks of a few members cut between datasets.
    assert len(found) > 20 and any(d.member_count > 1 for d in found) and any(d.member_count == 1 for d in found)
    assert all(d.member_count == len(d.members) for d in found)
    return found


@pytest.mark.parametrize(("members", "datasets"), [(1, 1), (3, 500), (5_000, 2), (7, 4)])
def test_chunked_reads_give_the_whole_read(
    database: str, whole: list[DatasetDetail], members: int, datasets: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_view, "CHUNK_MEMBERS", members)
    monkeypatch.setattr(export_view, "CHUNK_DATASETS", datasets)
    assert _read(database) == whole


def test_reading_some_datasets_gives_them_as_the_whole_read(database: str, whole: list[DatasetDetail]) -> None:
    wanted = [d.id for d in whole[::3]]
    assert _read(database, [*reversed(wanted), "ds-does-not-exist"]) == whole[::3]  # catalog order, not asked order
    assert _read(database, []) == []


def test_the_api_view_keeps_no_rows_and_reads_a_dataset_from_the_store(
    database: str, whole: list[DatasetDetail]
) -> None:
    with CatalogStore(database) as store:
        view = CatalogView(store)
        listed = json.loads(view.snapshot().page(CatalogQuery(), 10_000, 0)[1])["items"]  # the stored summaries
        assert [DatasetView.model_validate(item) for item in listed] == [
            DatasetView(**d.model_dump(exclude={"members"})) for d in whole
        ]
        assert not any(hasattr(item, "members") or hasattr(item, "view") for item in view.snapshot().items)
        assert [view.detail(d.id) for d in whole] == whole
        assert view.detail("ds-does-not-exist") is None
        assert view.details() == whole

        two = [d for d in whole if d.member_count > 1][:2]
        keys = [two[0].members[0].key, two[1].members[-1].key, "not-a-row"]
        found, groups = view.members_of(keys)
        summaries = {d.id: DatasetView(**d.model_dump(exclude={"members"})) for d in two}
        assert found == {
            two[0].members[0].key: (two[0].members[0], summaries[two[0].id]),
            two[1].members[-1].key: (two[1].members[-1], summaries[two[1].id]),
        }
        assert groups == {d.id: d.members for d in two}

        document = whole[0].members[0].document_id
        expected = {m.key: d.id for d in whole for m in d.members if m.document_id == document}
        assert {k: v.id for k, v in view.datasets_of_document(document).items()} == expected
        assert view.datasets_of_document("0" * 64) == {}


def test_the_stored_catalog_streams_what_the_list_holds(database: str, whole: list[DatasetDetail]) -> None:
    with CatalogStore(database) as store, store.snapshot() as session:
        stored = StoredCatalog(session)
        assert len(stored) == len(whole)
        assert list(stored) == whole and list(stored) == whole  # each pass reads the store again
        assert stored[2:9] == whole[2:9] and stored[0] == whole[0] and stored[-1] == whole[-1]
        assert stored[::-3] == whole[::-3]
        for fmt in ExportFormat:  # every export format, streamed or from the list: the same bytes
            if fmt is ExportFormat.XLSX:  # the workbook records when it was written: its cells are compared
                assert _cells(_render(fmt, stored)) == _cells(_render(fmt, whole))
                continue
            assert _render(fmt, stored) == _render(fmt, whole), fmt
            if fmt in DCAT_FORMATS:
                assert _render(fmt, stored, page=2) == _render(fmt, whole, page=2), fmt


def _cells(body: bytes) -> list[tuple[object, ...]]:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _render(fmt: ExportFormat, datasets: Sequence[DatasetDetail], page: int | None = None) -> bytes:
    return render(fmt, datasets, base_url="https://danhmuc.example.gov.vn", publisher="Sở", modified=None, page=page,
                  page_size=5)  # fmt: skip


def test_csv_written_in_chunks_is_the_same_file(whole: list[DatasetDetail], monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog.exports import csv as csv_export

    once = csv_export.to_csv(whole)
    monkeypatch.setattr(csv_export, "CHUNK_ROWS", 3)  # the corpus's datasets cut at every third row
    assert csv_export.to_csv(whole) == once
    assert once.startswith("\ufeff".encode()) and once.count(b"\n") >= len(whole) + 1


def test_a_large_ckan_export_is_a_zip64_with_the_same_files(
    database: str, whole: list[DatasetDetail], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import zipfile

    import catalog.exports as exports
    from catalog.exports.ckan import ckan_files

    monkeypatch.setattr(exports, "ZIP64_FROM", 0)  # as for a catalog of tens of thousands of datasets
    with CatalogStore(database) as store, store.snapshot() as session:
        body = _render(ExportFormat.CKAN, StoredCatalog(session))
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        assert {name: archive.read(name) for name in archive.namelist()} == ckan_files(whole, "https://danhmuc.example.gov.vn")


@pytest.mark.parametrize(("low", "high"), [(0.0, 1.0), (0.6, 0.9), (0.77, 0.77), (2.0, 3.0)])
def test_machine_links_are_the_links_filtered(database: str, low: float, high: float) -> None:
    with CatalogStore(database) as store:
        every = store.links()
        assert every and any(link.accepted for link in every) and any(not link.accepted for link in every)
        for accepted_too in (False, True):
            expected = [link for link in every if link.decided_by == "auto"
                        and (low <= link.score <= high or (accepted_too and link.accepted))]  # fmt: skip
            assert list(store.machine_links(low, high, accepted_too=accepted_too)) == expected


def test_the_concepts_view_keeps_summaries_and_reads_a_concept_from_the_store(database: str) -> None:
    from api.concepts_view import ConceptQuery, ConceptsView
    from catalog.concept_facts import summary
    from catalog.concepts_store import read_concepts

    with CatalogStore(database) as store:
        with store.snapshot() as session:
            every = read_concepts(session)  # every concept with its facts, as the view held them before
        assert len(every) > 5 and any(c.dataset_count > 1 for c in every)
        # Localities listing a concept and others of their level that do not, each naming its plans: built again
        # for each detail, since the view keeps neither the listings nor the documents' localities.
        assert any(c.not_listed_count for c in every) and any(len(c.coverage) > 0 for c in every)
        held = ConceptsView(CatalogView(store)).current()
        assert not any(hasattr(entry, "detail") for entry in held.entries)
        assert held._universe._not_listing is None and not hasattr(held, "_localities")
        assert [entry.summary for entry in held.entries] == [summary(c) for c in every]
        assert [held.detail(c.id) for c in every] == every
        assert held.detail("cc-does-not-exist") is None
        assert held.find(ConceptQuery(min_datasets=2)) == [summary(c) for c in every if c.dataset_count >= 2]
        conflicted = [summary(c) for c in every if c.conflicts]
        assert held.find(ConceptQuery(conflicts_only=True)) == conflicted


def test_a_concept_read_again_finds_the_plans_whose_locality_is_not_recorded(database: str, tmp_path: Path) -> None:
    """A store whose documents' localities were never recorded (or recorded empty) falls back on each plan's issuer
    or title, for the concept detail's documents as for the whole read."""
    import shutil

    from sqlalchemy import delete, update

    from api.concepts_view import ConceptsView
    from catalog.concepts_store import read_concepts
    from catalog.models import DocumentLocalityRow

    copy = tmp_path / "store.db"
    shutil.copy(database.removeprefix("sqlite:///"), copy)
    with CatalogStore(f"sqlite:///{copy}") as store:
        with store.transaction() as session:
            first = session.scalars(select(DocumentLocalityRow.sha256).order_by(DocumentLocalityRow.sha256)).first()
            session.execute(update(DocumentLocalityRow).where(DocumentLocalityRow.sha256 == first).values(locality=""))
            session.execute(delete(DocumentLocalityRow).where(DocumentLocalityRow.sha256 != first))
        with store.snapshot() as session:
            every = read_concepts(session)
        assert any(c.not_listed_count for c in every)
        held = ConceptsView(CatalogView(store)).current()
        assert [held.detail(c.id) for c in every] == every


def test_flags_read_by_id_are_those_of_the_whole_list(database: str) -> None:
    """The review history names a dismissed flag by reading that flag, not every flag of the catalog."""
    with CatalogStore(database) as store:
        every = store.flags()
        assert len(every) >= 3
        assert store.flags_by_id([every[2].id, every[0].id, "fl-khong-co", every[2].id]) == [every[0], every[2]]
        assert store.flags_by_id([]) == []
