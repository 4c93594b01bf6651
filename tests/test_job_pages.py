"""An upload's progress in pages: the readers report pages done of pages, throttled, and jobs show it.

The throttle is checked on a clock the test moves (a 500-page file read in 5 s is told a handful of
times, a slow scan page by page); the readers on real corpus files (a typed PDF counts up to its
page count, a DOCX says nothing); and the service end to end: a real PDF uploaded to a live server
ends with ``pages_done == pages_total`` on ``GET /v1/jobs/{id}`` and in ``GET /v1/jobs``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import running_server, wait_for_job

from api.keys import Role, create_key
from catalog.store import CatalogStore
from extract import progress
from extract.api import extract_file

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
TYPED_PDF = DOCS / "son_hai_ke_hoach_2026.pdf"  # 9 pages, every one with a text layer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _told(pages: int, seconds_per_page: float) -> list[tuple[float, int, int]]:
    clock, told = Clock(), []
    with progress.reporting(lambda done, total: told.append((clock.now, done, total)), clock=clock):
        progress.set_total(pages)
        for _ in range(pages):
            clock.now += seconds_per_page
            progress.page_done()
    return told


def test_a_fast_file_is_told_twice_a_second_at_most_with_its_start_and_end() -> None:
    told = _told(500, 0.01)  # 500 pages in 5 s
    assert told[0] == (0.0, 0, 500) and told[-1][1:] == (500, 500)
    middle = told[1:-1]
    assert 8 <= len(middle) <= 10, told  # one per half second, not one per page
    times = [when for when, _done, _total in told[:-1]]
    assert all(later - earlier >= 0.5 - 1e-9 for earlier, later in zip(times, times[1:], strict=False))
    assert [done for _when, done, _total in told] == sorted({done for _when, done, _total in told})


def test_a_slow_file_is_told_every_page() -> None:
    told = _told(4, 3.0)  # a scan: seconds per page
    assert [(done, total) for _when, done, total in told] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_new_pass_is_told_at_once_and_a_retried_pool_does_not_count_twice() -> None:
    clock, told = Clock(), []
    with progress.reporting(lambda done, total: told.append((done, total)), clock=clock):
        progress.set_total(6)
        for _ in range(4):  # four typed pages read in no time: only the start is told
            progress.page_done()
        progress.set_total(6)  # the OCR pass starts: where it starts is told without waiting
        mark = progress.pages_done()
        progress.page_done()
        progress.rewind(mark)  # the kept pool broke after one page; a fresh pool reads both again
        progress.page_done(2)
    assert told == [(0, 6), (4, 6), (6, 6)]
    progress.page_done()  # outside a reporting block: nothing to tell, nothing raised
    assert progress.pages_done() == 0


def test_a_typed_pdf_counts_up_to_its_pages_and_a_docx_says_nothing() -> None:
    told: list[tuple[int, int]] = []
    with progress.reporting(lambda done, total: told.append((done, total)), min_seconds=0.0):
        extract_file(TYPED_PDF)
    assert told == [(0, 9), *((page, 9) for page in range(1, 10))]  # unthrottled: every page, in order
    told.clear()
    with progress.reporting(lambda done, total: told.append((done, total))):
        extract_file(DOCS / "son_hai_ke_hoach_2026.docx")
    assert told == []


class Told:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def _blank_tiff(pages: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    frames = [Image.new("L", (827, 1170), 250) for _ in range(pages)]
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    return buffer.getvalue()


def test_ocr_counts_its_pages_in_a_pool_of_its_own_and_in_a_kept_pool() -> None:
    """A scan's pages are told as the OCR pool hands them back: the API worker's fresh pool, then the
    pool a Celery worker process keeps (extract.ocr.warm)."""
    from extract.ocr import WORKERS, read_image
    from extract.ocr.warm import keep_warm, stop

    data = _blank_tiff(3)
    for kept in (False, True):
        told = Told()
        if kept:
            keep_warm(WORKERS)
        try:
            with progress.reporting(told, min_seconds=0.0):
                stream = read_image(data, "ba_trang.tif")
        finally:
            stop()
        assert stream.page_count == 3
        assert told.calls == [(0, 3), (1, 3), (2, 3), (3, 3)], (kept, told.calls)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("pages")
    url = f"sqlite:///{folder}/pages.db"
    with CatalogStore(url) as store:
        key = create_key(store.engine, "Cán bộ tải lên", Role.UPLOADER)
    # Every upload answered 202: the job runs in the extraction worker, as a large file's would.
    with running_server(url, folder, extractors="1", sync_upload_bytes="0", rate_limit="0") as base:
        yield base, key


def test_an_uploaded_pdf_job_ends_with_every_page_done(served: tuple[str, str]) -> None:
    base, key = served
    with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
        answer = client.post("/v1/documents", files={"file": (TYPED_PDF.name, TYPED_PDF.read_bytes())})
        assert answer.status_code == 202, answer.text
        queued = answer.json()
        assert (queued["pages_done"], queued["pages_total"]) == (0, 0)  # not read yet
        job = wait_for_job(client, queued["id"])
        assert job["status"] == "succeeded", job
        assert (job["pages_done"], job["pages_total"]) == (9, 9)
        listed = {row["id"]: row for row in client.get("/v1/jobs").json()}
        assert (listed[queued["id"]]["pages_done"], listed[queued["id"]]["pages_total"]) == (9, 9)
        text = client.post("/v1/documents", files={"file": ("ke_hoach.txt", (DOCS / "son_hai_ke_hoach_2026.txt")
                                                            .read_bytes())})  # fmt: skip
        done = wait_for_job(client, text.json()["id"])
        assert done["status"] == "succeeded" and (done["pages_done"], done["pages_total"]) == (0, 0)  # no pages
