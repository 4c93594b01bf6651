"""Jobs shared by several server processes (leases), and what several processes serve alike.

The lease tests drive two ``JobManager`` objects on one database, as two server processes would,
on SQLite and PostgreSQL. The served tests start a real two-process server over a store filled by
``danhmuc ingest``'s own code path: ETag/304, originals of CLI-ingested documents, and a catalog
change made by another process showing up in every server process.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from live_server import running_server
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.jobs import MAX_ATTEMPTS, JobManager
from api.keys import Role, create_key
from api.settings import Settings
from api.worker import ExtractionWorker
from catalog.blobs import BlobStore
from catalog.ingest import ingest_directory
from catalog.models import JobRow
from catalog.store import CatalogStore

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


@pytest.fixture
def fresh_url(store_url: str) -> str:
    return store_url  # a fresh database on each backend (conftest.py)


def _managers(
    url: str, folder: Path, count: int = 2, **settings_values: object
) -> tuple[list[CatalogStore], list[JobManager]]:
    """``count`` job managers, each on its own store and engine, like separate server processes."""
    settings = Settings(database_url=url, data_dir=folder, **settings_values)  # type: ignore[arg-type]
    stores = [CatalogStore(url) for _ in range(count)]
    return stores, [JobManager(store, settings, BlobStore(folder / "blobs")) for store in stores]


def _set(url: str, job_id: str, **values: object) -> None:
    with CatalogStore(url) as store, Session(store.engine) as session, session.begin():
        row = session.get(JobRow, job_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)


def _claim_concurrently(managers: list[JobManager]) -> list[list[str]]:
    """Every manager claims jobs until none is left, all starting at once, each in its own thread."""
    start = threading.Barrier(len(managers))
    claims: list[list[str]] = [[] for _ in managers]
    threads = [threading.Thread(target=_claim_all, args=(manager, start, claimed))
               for manager, claimed in zip(managers, claims, strict=True)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return claims


def _claim_all(manager: JobManager, start: threading.Barrier, claimed: list[str]) -> None:
    start.wait()
    while (row := manager.claim()) is not None:
        claimed.append(row.id)


def test_two_processes_never_claim_the_same_job(fresh_url: str, tmp_path: Path) -> None:
    stores, managers = _managers(fresh_url, tmp_path)
    try:
        jobs = [managers[0].submit_upload(f"KẾ HOẠCH số {i}".encode(), f"k{i}.txt", "", "test")[0].id
                for i in range(12)]  # fmt: skip
        claims = _claim_concurrently(managers)
        everything = [job for claimed in claims for job in claimed]
        assert sorted(everything) == sorted(jobs), "every job claimed exactly once"
        for job_id in jobs:
            view = managers[0].get(job_id)
            assert view is not None and view.status == "running"
    finally:
        for store in stores:
            store.close()


def test_a_lapsed_lease_is_taken_over_once_and_a_live_one_never(fresh_url: str, tmp_path: Path) -> None:
    stores, managers = _managers(fresh_url, tmp_path, count=3)
    try:
        lapsed = managers[0].submit_upload(b"KE HOACH bi gian doan", "a.txt", "", "test")[0].id
        live = managers[0].submit_upload(b"KE HOACH dang chay", "b.txt", "", "test")[0].id
        now = datetime.now(UTC)
        _set(fresh_url, lapsed, status="running", lease_owner="dead-process", attempts=1,
             lease_expires_at=now - timedelta(minutes=1))  # fmt: skip
        _set(fresh_url, live, status="running", lease_owner="busy-process", attempts=1,
             lease_expires_at=now + timedelta(minutes=10))  # fmt: skip
        claims = _claim_concurrently(managers)
        assert sorted(job for claimed in claims for job in claimed) == [lapsed]
        with Session(stores[0].engine) as session:
            row = session.get(JobRow, lapsed)
            assert row is not None and row.attempts == 2
            assert row.lease_owner in {m.owner_id for m in managers}
            assert row.lease_expires_at is not None and row.lease_expires_at > now
            kept = session.get(JobRow, live)
            assert kept is not None and kept.lease_owner == "busy-process"
    finally:
        for store in stores:
            store.close()


def test_the_lease_is_as_long_as_configured_and_renewed_by_a_third_of_it(tmp_path: Path) -> None:
    stores, (manager,) = _managers(f"sqlite:///{tmp_path}/lease.db", tmp_path, count=1, job_lease_seconds=7)
    try:
        assert manager.settings.job_renew_seconds == pytest.approx(7 / 3)
        job_id = manager.submit_upload(b"KE HOACH", "a.txt", "", "test")[0].id
        for step in (manager.claim, manager.renew):
            before = datetime.now(UTC)
            assert step()
            with Session(stores[0].engine) as session:
                row = session.get(JobRow, job_id)
                assert row is not None and row.lease_expires_at is not None
                expires = row.lease_expires_at.replace(tzinfo=UTC)
            assert before + timedelta(seconds=7) <= expires <= datetime.now(UTC) + timedelta(seconds=7)
    finally:
        stores[0].close()
    with pytest.raises(ValidationError, match="job_lease_seconds"):
        Settings(job_lease_seconds=2)


def test_a_process_that_lost_its_lease_cannot_record_a_result(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/lease.db"
    stores, (slow, other) = _managers(url, tmp_path)
    try:
        job_id = slow.submit_upload(b"KE HOACH cham", "c.txt", "", "test")[0].id
        assert (first := slow.claim()) is not None and first.id == job_id
        _set(url, job_id, lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))  # it stalled past its lease
        assert (second := other.claim()) is not None and second.id == job_id
        assert slow.renew() == 0 and other.renew() == 1
        assert not slow._update(job_id, status="succeeded", outcome="ingested")
        assert other._update(job_id, stage="extracting")
        view = other.get(job_id)
        assert view is not None and view.status == "running" and view.stage == "extracting"
    finally:
        for store in stores:
            store.close()


def test_an_upload_ends_with_its_reconciliation_queued_in_the_same_transaction(
    fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finishing an upload and queuing its reconciliation are one commit: no reader sees the upload done
    with no reconciliation to come, and a kill between the two cannot leave one stored and never
    reconciled (CI caught the kill campaign's check falling between them). A holder that lost its
    lease records neither; when queuing fails, the job is not marked done either."""
    import api.jobs

    stores, (slow, holder) = _managers(fresh_url, tmp_path)
    try:
        job_id = slow.submit_upload(b"KE HOACH so 1", "a.txt", "", "uploader")[0].id
        assert (claimed := slow.claim()) is not None and claimed.id == job_id
        _set(fresh_url, job_id, lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        assert (claimed := holder.claim()) is not None and claimed.id == job_id
        assert not slow._finish(job_id, "ingested", reconcile_for="uploader")
        assert [j.kind for j in holder.list()] == ["ingest"]  # the one that lost its lease queued nothing

        def broken(*_: object, **__: object) -> None:
            raise RuntimeError("the queue insert failed")

        monkeypatch.setattr(api.jobs, "queue_reconcile", broken)
        with pytest.raises(RuntimeError):
            holder._finish(job_id, "ingested", reconcile_for="uploader")
        view = holder.get(job_id)
        assert view is not None and view.status == "running"  # rolled back with the failed insert
        monkeypatch.undo()
        assert holder._finish(job_id, "ingested", reconcile_for="uploader")
        jobs = {j.kind: j for j in holder.list()}
        assert jobs["ingest"].status == "succeeded" and jobs["reconcile"].status == "queued"
    finally:
        for store in stores:
            store.close()


def test_a_job_that_keeps_killing_its_process_is_given_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/abandon.db"
    stores, (manager,) = _managers(url, tmp_path, count=1)
    try:
        job_id = manager.submit_upload(b"KE HOACH doc hai", "d.txt", "", "test")[0].id
        _set(url, job_id, status="running", attempts=MAX_ATTEMPTS, lease_owner="dead",
             lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))  # fmt: skip
        row = manager.claim()
        assert row is not None and row.attempts == MAX_ATTEMPTS + 1
        manager._run(row, ExtractionWorker())  # never starts the worker: the job is failed first
        view = manager.get(job_id)
        assert view is not None and view.status == "failed" and view.error_code == "job_abandoned"
        assert manager.claim() is None
    finally:
        for store in stores:
            store.close()


# ---------------------------------------------------------------- served by two processes


@pytest.fixture(scope="module")
def cli_ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path, dict[str, Path]]]:
    """A store filled by the CLI's ingest (one file with originals kept, two without), served by 2 processes."""
    folder = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{folder}/served.db"
    kept, bare = folder / "kept", folder / "bare"
    kept.mkdir()
    bare.mkdir()
    files = {
        "kept": Path(shutil.copy(DOCS / "hung_yen_ke_hoach_du_lieu_mo.txt", kept)),
        "bare": Path(shutil.copy(DOCS / "dong_cuu_ke_hoach_2026.txt", bare)),
        "edited": Path(shutil.copy(DOCS / "son_hai_ke_hoach_2026.txt", bare)),
    }
    with CatalogStore(url) as store:
        ingest_directory(store, kept, workers=1, reconcile=False, blobs=BlobStore(folder / "blobs"))
        ingest_directory(store, bare, workers=1, reconcile=True)
        key = create_key(store.engine, "reader", Role.READER)
    with running_server(url, folder, extractors="0", workers="2") as base:
        yield base, key, folder, files


def _sha(store_url: str, path: Path) -> str:
    with CatalogStore(store_url) as store:
        return store.current_contents()[path.resolve().as_posix()]


def test_originals_of_cli_ingested_documents_are_served(
    cli_ingested: tuple[str, str, Path, dict[str, Path]],
) -> None:
    base, key, folder, files = cli_ingested
    url = f"sqlite:///{folder}/served.db"
    shas = {name: _sha(url, path) for name, path in files.items()}
    assert BlobStore(folder / "blobs").has(shas["kept"]), "the CLI ingest kept the original"
    originals = {name: path.read_bytes() for name, path in files.items()}
    files["kept"].unlink()  # the archive copy may go: the kept original still answers
    files["edited"].write_bytes(originals["edited"] + b"\nsua doi")  # changed since ingest
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
        for name in ("kept", "bare"):
            answer = client.get(f"/v1/documents/{shas[name]}/file")
            assert answer.status_code == 200 and answer.content == originals[name], name
        edited = client.get(f"/v1/documents/{shas['edited']}/file")
        assert edited.status_code == 404 and edited.json()["error"]["code"] == "not_found"
    assert BlobStore(folder / "blobs").has(shas["bare"]), "served from its path once, kept from then on"


def test_catalog_pages_carry_an_etag_and_answer_304(cli_ingested: tuple[str, str, Path, dict[str, Path]]) -> None:
    base, key, _folder, _files = cli_ingested
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
        first = client.get("/v1/catalog", params={"q": "du lieu", "limit": 5})
        assert first.status_code == 200 and first.json()["total"] > 0
        etag = first.headers["etag"]
        again = client.get("/v1/catalog", params={"q": "du lieu", "limit": 4})
        assert again.headers["etag"] != etag, "another page, another tag"
        same = client.get("/v1/catalog", params={"limit": 5, "q": " du lieu "})
        assert same.headers["etag"] == etag and same.content == first.content
        cached = client.get("/v1/catalog", params={"q": "du lieu", "limit": 5}, headers={"If-None-Match": etag})
        assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == etag
        other = client.get("/v1/catalog", params={"q": "du lieu", "limit": 5}, headers={"If-None-Match": '"0-x"'})
        assert other.status_code == 200 and other.content == first.content
        # The fast path and the FastAPI route refuse alike.
        assert client.get("/v1/catalog", params={"limit": "0"}).status_code == 422
        assert client.get("/v1/catalog", params={"limit": "abc"}).status_code == 422
        assert client.get("/v1/catalog", headers={"X-API-Key": "dm_x_y"}).status_code == 401


def test_a_catalog_change_by_another_process_reaches_every_server_process(
    cli_ingested: tuple[str, str, Path, dict[str, Path]],
) -> None:
    base, key, folder, _files = cli_ingested
    headers = {"X-API-Key": key}
    before = httpx.get(f"{base}/v1/catalog", headers=headers, timeout=60)
    with CatalogStore(f"sqlite:///{folder}/served.db") as store:
        # A new catalog version, as `danhmuc ingest` makes when it matched new documents (a reconcile with
        # nothing new to match records nothing, so a rebuild stands for it).
        store.rebuild()
    deadline = time.monotonic() + 20
    fresh = 0
    while fresh < 20 and time.monotonic() < deadline:  # new connections land on either process
        answer = httpx.get(f"{base}/v1/catalog", headers=headers, timeout=60)
        fresh = fresh + 1 if answer.headers["etag"] != before.headers["etag"] else 0
        time.sleep(0.05)
    assert fresh >= 20, "every server process serves the new version within its recheck time"
    assert answer.json()["total"] == before.json()["total"]


def test_only_small_typed_files_wait_for_a_direct_answer() -> None:
    from api.routes.documents import _typed
    from extract.model import SourceFormat

    assert _typed(b"KE HOACH", SourceFormat.TEXT) and _typed(b"PK", SourceFormat.DOCX)
    assert _typed((DOCS / "bac_ninh_ke_hoach_2026.pdf").read_bytes(), SourceFormat.PDF)
    assert not _typed((DOCS / "bac_ninh_ke_hoach_2026_scan.pdf").read_bytes(), SourceFormat.PDF), "needs OCR"
    assert not _typed(b"%PDF-1.4 broken", SourceFormat.PDF)
    assert not _typed((DOCS / "son_hai_ke_hoach_2026.doc").read_bytes(), SourceFormat.DOC), "needs LibreOffice"


def test_a_reconciliation_saved_by_one_process_reaches_the_others_through_the_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from live_server import SyntheticEntry, seed_catalog

    import api.catalog_view as catalog_view

    monkeypatch.setattr(catalog_view, "RECHECK_SECONDS", 3600.0)  # only the stamp can tell them now
    url = f"sqlite:///{tmp_path}/stamp.db"
    stamp = tmp_path / "catalog.version"
    with CatalogStore(url) as store:
        seed_catalog(store, [SyntheticEntry("Cơ sở dữ liệu hộ nghèo", "Sở Lao động")])
        saver, reader = catalog_view.CatalogView(store, stamp), catalog_view.CatalogView(store, stamp)
        old = reader.snapshot().version
        assert saver.snapshot().version == old
        seed_catalog(store, [SyntheticEntry("Cơ sở dữ liệu giáo viên", "Sở Giáo dục")])  # saves a reconciliation
        assert reader.snapshot().version == old, "nothing told it yet"
        saver.invalidate()  # what the job does after saving
        assert saver.snapshot().version != old, "the saving process is current before its job reports success"
        deadline = time.monotonic() + 30
        while reader.snapshot().version == old and time.monotonic() < deadline:
            time.sleep(0.02)  # rebuilt in a thread; the old view answers meanwhile
        assert reader.snapshot().version == saver.snapshot().version
        listed = json.loads(reader.snapshot().page(catalog_view.CatalogQuery(), 50, 0)[1])["items"]
        assert [item["title"] for item in listed] == ["Cơ sở dữ liệu giáo viên"]
