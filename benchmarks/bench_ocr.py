"""OCR benchmark: cell accuracy and CER against the text-layer twins, and speed against plain tesseract.

    .venv/bin/python benchmarks/bench_ocr.py cer   [names...]   # cell text of *_scan.pdf vs <name>.pdf
    .venv/bin/python benchmarks/bench_ocr.py speed [name page]  # one A4 page with a table, side by side
    .venv/bin/python benchmarks/bench_ocr.py real [-v]          # real scans: page CER vs plain tesseract,
                                                                # corrections right / wrong (benchmarks/ocr_real.py)

Ground truth: pdfplumber's tables on the twin PDF (same page, same order). Cells are compared
after whitespace is collapsed; a merged cell is compared once. CER = edit distance / reference
characters over all compared cells; cell accuracy = share of cells read exactly.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.blocks import RawCell, RawTable  # noqa: E402
from extract.ocr import ocr_pdf_pages_detailed  # noqa: E402

DOCS = ROOT / "corpus" / "docs"


def collapse(text: str | None) -> str:
    return " ".join((text or "").split())


@dataclass
class Score:
    cells: int = 0
    exact: int = 0
    ref_chars: int = 0
    edits: int = 0
    tables: int = 0
    shape_ok: int = 0
    missing_tables: int = 0
    worst: list[tuple[int, str, str, str]] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.cells += other.cells
        self.exact += other.exact
        self.ref_chars += other.ref_chars
        self.edits += other.edits
        self.tables += other.tables
        self.shape_ok += other.shape_ok
        self.missing_tables += other.missing_tables
        self.worst.extend(other.worst)

    def line(self) -> str:
        cer = self.edits / max(1, self.ref_chars)
        return (
            f"tables {self.tables} (shape ok {self.shape_ok}, missing {self.missing_tables}) "
            f"cells {self.cells} exact {self.exact / max(1, self.cells):.3f} CER {cer:.4f}"
        )


def twin_tables(path: Path) -> dict[int, list[list[list[str | None]]]]:
    with pdfplumber.open(path) as pdf:
        return {
            index + 1: tables for index, page in enumerate(pdf.pages) if (tables := page.extract_tables())
        }


def compare_table(truth: list[list[str | None]], ours: RawTable, page: int, name: str) -> Score:
    score = Score(tables=1)
    shape_ok = len(truth) == len(ours.rows) and all(
        len(a) == len(b) for a, b in zip(truth, ours.rows, strict=False)
    )
    score.shape_ok = int(shape_ok)
    for r, truth_row in enumerate(truth):
        for c, truth_cell in enumerate(truth_row):
            if truth_cell is None:
                continue  # a position covered by a merged cell
            reference = collapse(truth_cell)
            if r < len(ours.rows) and c < len(ours.rows[r]):
                hypothesis = collapse(ours.rows[r][c].text)
            else:
                hypothesis = ""
            score.cells += 1
            score.ref_chars += max(1, len(reference))
            distance = Levenshtein.distance(reference, hypothesis)
            score.edits += distance if reference else int(bool(hypothesis))
            if reference == hypothesis:
                score.exact += 1
            else:
                score.worst.append((distance, f"{name} p{page}", reference, hypothesis))
    return score


def run_cer(names: list[str]) -> None:
    total = Score()
    for name in names:
        twin, scan = DOCS / f"{name}.pdf", DOCS / f"{name}_scan.pdf"
        if not twin.exists() or not scan.exists():
            print(f"{name}: missing {twin.name} or {scan.name}")  # noqa: T201
            continue
        truth = twin_tables(twin)
        started = time.perf_counter()
        result = ocr_pdf_pages_detailed(scan.read_bytes(), scan.name, sorted(truth))
        elapsed = time.perf_counter() - started
        score = Score()
        for page in result.pages:
            ours = [b for b in page.blocks if isinstance(b, RawTable) and not b.borderless]
            expected = truth.get(page.number, [])
            for index, table in enumerate(expected):
                if index < len(ours):
                    score.add(compare_table(table, ours[index], page.number, name))
                else:
                    score.missing_tables += 1
                    score.tables += 1
        print(f"{name}: {score.line()}  ({len(truth)} pages, {elapsed:.1f} s)")  # noqa: T201
        total.add(score)
    print(f"TOTAL: {total.line()}")  # noqa: T201
    for distance, where, reference, hypothesis in sorted(total.worst, reverse=True)[:25]:
        print(f"  {distance:3d} {where}: {reference!r} -> {hypothesis!r}")  # noqa: T201


def run_speed(name: str, page: int, repeats: int) -> None:
    """Wall and CPU time: CPU is the fairer figure on a shared machine (wall time includes waiting)."""
    from PIL import Image

    from extract.ocr.pipeline import ocr_page
    from extract.ocr.preprocess import render_pdf_page

    scan = DOCS / f"{name}_scan.pdf"
    image = render_pdf_page(scan.read_bytes(), scan.name, page)
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        Image.fromarray(image.pixels).save(png, dpi=(image.dpi, image.dpi))
        result = ocr_page(image)  # warm the engine and the lexicon: a server pays that once
        ours_wall, ours_cpu, plain_wall, plain_cpu = [], [], [], []
        for _ in range(repeats):
            started, cpu = time.perf_counter(), time.process_time()
            result = ocr_page(image)
            ours_wall.append(time.perf_counter() - started)
            ours_cpu.append(time.process_time() - cpu)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(["tesseract", str(png), "-", "-l", "vie"], check=True, capture_output=True)
            plain_wall.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            plain_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        img2table_line = _img2table(png, scan, page, repeats)
    score = Score()
    ours = [b for b in result.blocks if isinstance(b, RawTable) and not b.borderless]
    for index, expected in enumerate(twin_tables(DOCS / f"{name}.pdf").get(page, [])):
        if index < len(ours):
            score.add(compare_table(expected, ours[index], page, name))
    print(f"{name} page {page} at {image.dpi} dpi, best of {repeats} (wall / CPU):")  # noqa: T201
    print(  # noqa: T201
        f"  ours (tables cell by cell + text):  {min(ours_wall):.2f} s / {min(ours_cpu):.2f} s; "
        f"{score.line()}"
    )
    print(  # noqa: T201
        f"  tesseract -l vie (CLI, whole page): {min(plain_wall):.2f} s / {min(plain_cpu):.2f} s; "
        f"ratio {min(ours_wall) / min(plain_wall):.2f}x wall, {min(ours_cpu) / min(plain_cpu):.2f}x CPU"
    )
    print(f"  {img2table_line}")  # noqa: T201


_IMG2TABLE_SCRIPT = """
import json, sys, time
from img2table.document import Image
from img2table.ocr import TesseractOCR
ocr = TesseractOCR(n_threads=1, lang="vie")
times, tables = [], []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    # Ruled-only detection (borderless_tables=False) finds no table at all on the blurred grey
    # scans, so img2table runs with its borderless detector too.
    tables = Image(sys.argv[1]).extract_tables(ocr=ocr, implicit_rows=True, borderless_tables=True)
    times.append(time.perf_counter() - started)
def cells(table):
    return [[cell.value for cell in row] for row in table.content.values()]
print(json.dumps({"seconds": min(times), "tables": [cells(t) for t in tables]}))
"""


def _img2table(png: Path, scan: Path, page: int, repeats: int) -> str:
    """img2table needs opencv-contrib, which must not share a venv with opencv-python-headless:
    it runs from the interpreter named by IMG2TABLE_PYTHON (a separate venv)."""
    python = os.environ.get("IMG2TABLE_PYTHON")
    if not python:
        return "img2table: set IMG2TABLE_PYTHON to a venv with img2table installed"
    completed = subprocess.run(
        [python, "-c", _IMG2TABLE_SCRIPT, str(png), str(repeats)], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        return f"img2table failed: {completed.stderr.strip().splitlines()[-1:]}"
    payload = json.loads(completed.stdout.strip().splitlines()[-1])
    truth = twin_tables(DOCS / scan.name.replace("_scan", "")).get(page, [])
    score = Score()
    for index, expected in enumerate(truth):
        if index >= len(payload["tables"]):
            score.missing_tables += 1
            continue
        rows = payload["tables"][index]
        raw = RawTable(rows=[[RawCell(text=value or "") for value in row] for row in rows])
        score.add(compare_table(expected, raw, page, scan.stem))
    return f"img2table + tesseract vie: {payload['seconds']:.2f} s; {score.line()}"


def _realdocs() -> Path:
    """shared/realdocs beside the checkout (CI), else the machine's copy."""
    for candidate in (ROOT.parent / "shared" / "realdocs", Path("/work/shared/realdocs")):
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "realdocs"


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    cer = sub.add_parser("cer")
    cer.add_argument("names", nargs="*")
    speed = sub.add_parser("speed")
    speed.add_argument("name", nargs="?", default="dong_cuu_ke_hoach_2026")
    speed.add_argument("page", nargs="?", type=int, default=8)
    speed.add_argument("--repeats", type=int, default=3)
    real = sub.add_parser("real")
    real.add_argument("--docs", type=Path, default=_realdocs())
    real.add_argument("--gold", type=Path, default=ROOT / "realdocs" / "ocr")
    real.add_argument("--cache", type=Path, default=Path("/tmp/ocr-cache"))
    real.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    if args.command == "real":
        from benchmarks.ocr_real import run_real

        run_real(args.docs, args.gold, args.cache, args.verbose)
    elif args.command == "cer":
        names = args.names or sorted(p.stem[: -len("_scan")] for p in DOCS.glob("*_scan.pdf"))
        run_cer(names)
    else:
        run_speed(args.name, args.page, args.repeats)


if __name__ == "__main__":
    main()
