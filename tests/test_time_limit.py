"""Every file has a time limit in the CLI and in batch ingest (issue #15 "unbounded work").

A 400-page PDF of blank pages has no text layer, so every page goes to OCR: far longer than the
limit set here. It must end with ``limit_exceeded`` soon after the limit, and the batch goes on.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from catalog import CatalogStore, OutcomeStatus, ingest_directory
from extract import LimitExceededError
from extract.processes import time_limit

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def blank_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "trang-trang.pdf"
    writer = pypdf.PdfWriter()
    for _ in range(400):
        writer.add_blank_page(595, 842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def test_time_limit_raises_in_python_code() -> None:
    started = time.monotonic()
    with pytest.raises(LimitExceededError, match="vong-lap.txt.*0.5"), time_limit(0.5, "vong-lap.txt"):
        while True:
            time.sleep(0.01)
    assert time.monotonic() - started < 3


def test_cli_extract_stops_at_its_limit(blank_pdf: Path) -> None:
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", "from danhmuc.cli import app; app()", "extract", "--timeout", "3", str(blank_pdf)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "limit_exceeded" in run.stderr and "trang-trang.pdf" in run.stderr and "Traceback" not in run.stderr
    assert time.monotonic() - started < 60


def test_ingest_fails_the_slow_file_and_keeps_the_others(blank_pdf: Path, tmp_path: Path) -> None:
    archive = tmp_path / "kho"
    archive.mkdir()
    shutil.copy(blank_pdf, archive / blank_pdf.name)
    shutil.copy(ROOT / "corpus" / "docs" / "son_hai_ke_hoach_2026.txt", archive / "son_hai.txt")
    with CatalogStore(f"sqlite:///{tmp_path}/kho.db") as store:
        report = ingest_directory(store, archive, workers=2, reconcile=False, timeout=3)
    outcomes = {Path(o.path).name: o for o in report.outcomes}
    assert outcomes["trang-trang.pdf"].status is OutcomeStatus.FAILED
    assert outcomes["trang-trang.pdf"].code == "limit_exceeded"
    assert outcomes["son_hai.txt"].status is OutcomeStatus.INGESTED
