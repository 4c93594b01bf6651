"""Small files that used to cost gigabytes (issue #15): bounded before the work starts.

The five hostile inputs (tests/data/hostile/make_hostile.py) are written into a temporary folder;
each is extracted in a child process whose peak RSS is measured, so a bound that stops working shows
up as a number, not as a machine out of memory. The other tests check each bound and its environment
override on small inputs, in process.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from extract import LimitExceededError, extract_file
from extract.blocks import BlockStream, RawCell, RawTable
from extract.ocr.preprocess import open_image, render_pdf_page
from extract.safety import bound_tables, render_dpi

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "hostile"))
from make_hostile import make_all  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DOCX = ROOT / "corpus" / "docs" / "son_hai_ke_hoach_2026.docx"
GIB = 2**30

# The grandchild extracts; the child only waits for it and reports its peak, so the figure is the
# extraction's own (with its OCR pool), never that of an earlier child of the test process.
_MEASURE = """
import json, resource, subprocess, sys
run = subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]], capture_output=True, text=True, timeout=240)
print(json.dumps({"peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "stdout": run.stdout, "stderr": run.stderr[-2000:], "rc": run.returncode}))
"""
_EXTRACT = """
import json, sys
from danhmuc.errors import DanhmucError
from danhmuc.pipeline import process_file
try:
    document = process_file(sys.argv[1])
except DanhmucError as error:
    print(json.dumps({"error": error.code, "message": str(error)}))
else:
    print(json.dumps({"warnings": [warning.code for warning in document.warnings],
                      "page_count": document.page_count,
                      "rows": sum(len(table.rows) for table in document.tables)}))
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_all(tmp_path_factory.mktemp("hostile"))


def _extract_measured(path: Path) -> tuple[dict[str, object], float]:
    env_path = str(ROOT)
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, _EXTRACT, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "PYTHONPATH": env_path},
    )
    report = json.loads(run.stdout)
    assert report["rc"] == 0, report["stderr"]
    return json.loads(report["stdout"]), report["peak_kib"] * 1024 / GIB


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("huge_page.pdf", "DANHMUC_MAX_RENDER_PIXELS"),  # 200-inch page: 14 GB at 300 dpi
        ("long_table.txt", "table_rows_cut"),  # 200,000 rows: 3 GB
        ("big_xml.docx", "DANHMUC_MAX_DOCX_XML_BYTES"),  # 150 MiB of XML at 7:1: 2.4 GB
        ("frames.tiff", "pages"),  # 40 frames of A4 at 600 dpi: 4 GB when decoded at once
        ("huge.png", "DANHMUC_MAX_IMAGE_PIXELS"),  # 16,500²: 1.1 GB
    ],
)
def test_hostile_input_ends_clearly_under_one_gib(hostile: dict[str, Path], name: str, expected: str) -> None:
    outcome, peak_gib = _extract_measured(hostile[name])
    assert peak_gib <= 1.0, f"{name}: peak RSS {peak_gib:.2f} GiB"
    if expected.startswith("DANHMUC_"):
        assert outcome.get("error") == "limit_exceeded", outcome
        assert expected in str(outcome["message"]) and name in str(outcome["message"])
    elif expected == "pages":
        assert outcome["page_count"] == 40, outcome  # every frame read, one at a time
    else:
        assert expected in outcome["warnings"], outcome
        assert outcome["rows"] == 20_000


# ---------------------------------------------------------------- each bound, in process


def test_page_dpi_scaled_down_to_the_pixel_cap_and_refused_past_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert render_dpi(595, 842, 300, "a4.pdf", 1) == 300  # an A4 page is untouched
    assert render_dpi(2880, 2880, 300, "big.pdf", 1) == 158  # 40×40 inches: √(40 Mpx / 1600 in²)
    with pytest.raises(LimitExceededError, match="big.pdf.*200×200 inch"):
        render_dpi(14_400, 14_400, 300, "big.pdf", 1)
    monkeypatch.setenv("DANHMUC_MAX_RENDER_PIXELS", "2000000")
    assert render_dpi(595, 842, 300, "a4.pdf", 1) == 143


def test_rendered_page_says_it_was_scaled(monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    monkeypatch.setenv("DANHMUC_MAX_RENDER_PIXELS", "2000000")
    page = render_pdf_page(buffer.getvalue(), "a4.pdf", 1)
    assert (page.dpi, page.wanted_dpi) == (143, 300)
    assert page.pixels.shape[0] * page.pixels.shape[1] <= 2_000_000


def test_image_bounds_checked_from_the_header(monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.BytesIO()
    frames = [Image.new("L", (300, 400), 255) for _ in range(3)]
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    monkeypatch.setenv("DANHMUC_MAX_IMAGE_FRAMES", "2")
    with pytest.raises(LimitExceededError, match="scan.tif.*3 trang.*DANHMUC_MAX_IMAGE_FRAMES"):
        open_image(buffer.getvalue(), "scan.tif")
    monkeypatch.setenv("DANHMUC_MAX_IMAGE_FRAMES", "3")
    monkeypatch.setenv("DANHMUC_MAX_IMAGE_PIXELS", "100000")
    with pytest.raises(LimitExceededError, match="300×400.*DANHMUC_MAX_IMAGE_PIXELS"):
        open_image(buffer.getvalue(), "scan.tif")


def test_table_rows_cut_across_tables_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    def table(rows: int, page: int) -> RawTable:
        return RawTable(rows=[[RawCell(text=f"{page}.{row}")] for row in range(rows)], page=page)

    stream = BlockStream(blocks=[table(3, 1), table(3, 2), table(3, 3)], page_count=3)
    monkeypatch.setenv("DANHMUC_MAX_TABLE_ROWS", "4")
    bounded = bound_tables(stream)
    assert [[row[0].text for row in block.rows] for block in bounded.blocks if isinstance(block, RawTable)] == [
        ["1.0", "1.1", "1.2"],
        ["2.0"],
    ]
    assert [(code, page) for code, _, page in bounded.warnings] == [("table_rows_cut", 2)]
    assert "4 dòng đầu, bỏ 5 dòng" in bounded.warnings[0][1]
    monkeypatch.setenv("DANHMUC_MAX_TABLE_ROWS", "9")
    assert bound_tables(stream) is stream


def test_text_reader_keeps_the_first_rows_cleaned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["KẾ HOẠCH", "STT\tTên cơ sở dữ liệu\tĐơn vị"]
    lines += [f"{number}\t**Dữ liệu  số {number}**\tSở Y tế" for number in range(1, 11)]
    path = tmp_path / "bang.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("DANHMUC_MAX_TABLE_ROWS", "5")
    document = extract_file(path)
    assert "table_rows_cut" in [warning.code for warning in document.warnings]
    assert sum(len(table.rows) for table in document.tables) <= 5
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Dữ liệu số 4" in texts and not any("**" in text for text in texts)


def test_docx_xml_bound_from_the_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    extract_file(CORPUS_DOCX)  # under the default bound
    monkeypatch.setenv("DANHMUC_MAX_DOCX_XML_BYTES", "10000")
    with pytest.raises(LimitExceededError, match="word/document.xml.*DANHMUC_MAX_DOCX_XML_BYTES"):
        extract_file(CORPUS_DOCX)


def test_worker_replaced_after_a_document_past_its_rss_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.worker import WARM_UP_TEXT, ExtractionWorker

    sample = tmp_path / "ke_hoach.txt"
    sample.write_text(WARM_UP_TEXT, encoding="utf-8")
    worker = ExtractionWorker(f"sqlite:///{tmp_path}/store.db")  # the worker stores what it reads
    try:
        first = worker.ingest(str(sample), "ke_hoach.txt", "kho/ke_hoach.txt", timeout=120)
        assert first.status == "ingested" and first.tables == 0
        assert worker._process is not None  # under the default bound the warm process is kept
        monkeypatch.setenv("DANHMUC_WORKER_MAX_RSS_MIB", "1")
        again = worker.ingest(str(sample), "ke_hoach.txt", "kho/ban-sao.txt", timeout=120)
        assert again.document_id == first.document_id
        assert worker._process is None  # the reply came back, then the process was let go
    finally:
        worker.stop()
