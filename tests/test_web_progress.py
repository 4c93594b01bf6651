"""The upload page follows a scan page by page: "trang X/Y" appears while OCR runs, in a real browser.

Debian's Chromium driven by Playwright (as tests/test_web_browser.py) against a live server: an
uploader sends three pages cut from a corpus scan, and the row of that file shows a count of pages
read that only the reader can have given ("trang 1/3" or "trang 2/3", the OCR pool reading two pages
at a time) before it says "Xong", then "trang 3/3" with the link to the document.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_server import running_server

from api.keys import Role, create_key
from catalog.store import CatalogStore

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "corpus" / "docs"
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = Path(os.environ.get("DANHMUC_CHROMIUM", "/usr/bin/chromium"))

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
from playwright import sync_api  # noqa: E402 - only once the skip above has had its say

if not CHROMIUM.is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def _three_page_scan(folder: Path) -> Path:
    """Pages 3 to 5 of the Hà Tĩnh scan: no text layer, so every page waits for OCR (seconds each)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    source = PdfReader(DOCS / "ha_tinh_qd_1402_danh_muc_csdl_scan.pdf")
    for index in (2, 3, 4):
        writer.add_page(source.pages[index])
    target = folder / "ha_tinh_ba_trang_scan.pdf"
    with target.open("wb") as handle:
        writer.write(handle)
    return target


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    folder = tmp_path_factory.mktemp("web-progress")
    url = f"sqlite:///{folder}/web.db"
    with CatalogStore(url) as store:
        key = create_key(store.engine, "Cán bộ tải lên", Role.UPLOADER)
    (folder / "data").mkdir()
    with running_server(url, folder / "data", extractors="1", rate_limit="0") as base:
        yield base, key, _three_page_scan(folder)


def test_a_scan_upload_shows_its_pages_as_they_are_read(served: tuple[str, str, Path]) -> None:
    base, key, scan = served
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN", base_url=base)
            page.goto("/ui/upload")
            page.get_by_label("Khóa truy cập").fill(key)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url(re.compile(r"/ui/upload"))
            page.locator("#files").set_input_files(str(scan))
            page.get_by_role("button", name="Tải lên").click()
            row = page.locator("#progress-rows tr[data-job]")
            row.wait_for()
            # Polled from the test (the pages' CSP forbids Playwright's in-page waits); every text the
            # row shows is kept, with whether the file was finished at that moment.
            seen: list[tuple[str, str]] = []
            shot = False
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                status, pages = row.locator("td").nth(1).inner_text(), row.locator(".pages").inner_text()
                if not seen or seen[-1] != (status, pages):
                    seen.append((status, pages))
                if re.fullmatch(r"trang [12]/3", pages) and status != "Xong" and not shot:
                    SHOTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(SHOTS / "02b-tai-len-tien-do-trang.png"))
                    shot = True
                if status in ("Xong", "Lỗi"):
                    break
                time.sleep(0.1)
            assert seen and seen[-1] == ("Xong", "trang 3/3"), seen
            running = [pages for status, pages in seen if status != "Xong"]
            # "trang 0/3" is known from the upload alone; a page in between, only from the reader
            assert any(re.fullmatch(r"trang [12]/3", pages) for pages in running), seen
            assert row.get_by_role("link", name="Mở tài liệu").get_attribute("href", timeout=1000)
        finally:
            browser.close()
