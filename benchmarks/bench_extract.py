"""Extraction speed and memory of the typed-document readers, on one core.

    .venv/bin/python benchmarks/bench_extract.py [--repeat N] [--big-pages 300] [--skip-big] [--docx-only]

Side by side, on the same pages of the corpus text-layer PDFs:

* ``read_pdf`` (ours: words, lines, paragraphs, ruled tables with spans, furniture removal) on its
  default PDFium backend and on the pdfplumber backend (``DANHMUC_PDF_BACKEND=pdfplumber``),
* plain pdfplumber ``extract_text()`` + ``extract_tables()`` (what a quick script would do),
* raw pypdfium2 text extraction (the floor: no layout, no tables).

Then DOCX documents per CPU second with ``read_docx`` and with the whole ``extract_bytes``
(``--docx-only`` runs just that), and the peak RSS of reading a 300-page PDF (corpus PDFs
concatenated with pypdf under /tmp), measured in a fresh child process each.
The machine's load average is printed beside the figures: on a shared machine it explains them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"
BIG_PDF = Path("/tmp/danhmuc_bench_300_pages.pdf")


def _pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} CPUs"


def _text_pdfs() -> list[Path]:
    return sorted(path for path in DOCS.glob("*.pdf") if not path.stem.endswith("_scan"))


def _ours_with(backend: str) -> Callable[[bytes, str], None]:
    def run(data: bytes, name: str) -> None:
        from extract.pdf.source import BACKEND_VARIABLE
        from extract.pdf_reader import read_pdf

        previous = os.environ.get(BACKEND_VARIABLE)
        os.environ[BACKEND_VARIABLE] = backend
        try:
            read_pdf(data, name)
        finally:
            if previous is None:
                os.environ.pop(BACKEND_VARIABLE, None)
            else:
                os.environ[BACKEND_VARIABLE] = previous

    return run


def _plain_pdfplumber(data: bytes, name: str) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.close()


def _pdfium(data: bytes, name: str) -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            text_page.get_text_range()
            text_page.close()
            page.close()
    finally:
        document.close()


def _whole_extraction(data: bytes, name: str) -> None:
    from extract.api import extract_bytes

    extract_bytes(data, name)  # reader + structure: metadata, sections, tasks, stitched tables, catalog


ENGINES: dict[str, Callable[[bytes, str], None]] = {
    "danhmuc extract_bytes (whole)": _whole_extraction,
    "danhmuc read_pdf (pdfium)": _ours_with("pdfium"),
    "danhmuc read_pdf (pdfplumber)": _ours_with("pdfplumber"),
    "pdfplumber text+tables": _plain_pdfplumber,
    "pypdfium2 raw text": _pdfium,
}


def _page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def bench_pdf(repeat: int) -> list[tuple[str, int, float]]:
    """Best time per engine; the engines take turns in each round so a load spike hits them alike."""
    files = [(path.name, path.read_bytes()) for path in _text_pdfs()]
    pages = sum(_page_count(data) for _, data in files)
    best = dict.fromkeys(ENGINES, float("inf"))
    for _ in range(repeat):
        for label, engine in ENGINES.items():
            started = time.perf_counter()
            for name, data in files:
                engine(data, name)
            best[label] = min(best[label], time.perf_counter() - started)
    return [(label, pages, seconds) for label, seconds in best.items()]


def _clear_extract_caches() -> None:
    """Empty every ``lru_cache`` of the extract package (fold, legacy fonts, syllables, aligned tables)."""
    import extract.aligned_tables
    import extract.legacy.fonts
    import extract.legacy.syllables
    import extract.markup

    for module in (extract.markup, extract.legacy.fonts, extract.legacy.syllables, extract.aligned_tables):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def bench_docx(repeat: int) -> dict[str, tuple[int, float]]:
    """CPU seconds of the best of ``repeat`` passes over the corpus DOCX files, after one warm-up pass
    (imports, compiled patterns); the text caches are emptied before every pass.

    CPU time, not wall time: on a shared machine the wall clock mostly measures the neighbours.
    ``read_docx`` is the reader alone (package, styles, numbering, body -> blocks); ``extract_bytes``
    adds the structure builder (stitched tables, metadata, sections, tasks, catalog).
    """
    from extract.api import extract_bytes
    from extract.docx_reader import read_docx

    files = [(path.name, path.read_bytes()) for path in sorted(DOCS.glob("*.docx"))]
    figures: dict[str, tuple[int, float]] = {}
    steps: dict[str, Callable[[bytes, str], object]] = {"read_docx": read_docx, "extract_bytes": extract_bytes}
    for label, step in steps.items():
        for name, data in files:
            step(data, name)
        best = float("inf")
        for _ in range(repeat):
            _clear_extract_caches()  # a batch of new documents meets cold caches, not our six files again
            started = time.process_time()
            for name, data in files:
                step(data, name)
            best = min(best, time.process_time() - started)
        figures[label] = (len(files), best)
    return figures


def _print_docx() -> None:
    print(f"Corpus DOCX, one core, CPU time of the best of 5 passes, {_load()}:")
    for label, (documents, seconds) in bench_docx(repeat=5).items():
        print(f"DOCX {label}: {documents} documents in {seconds:.3f} s CPU = {documents / seconds:.1f} documents/s")


def make_big_pdf(target_pages: int) -> int:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    sources = [PdfReader(path) for path in _text_pdfs()]
    while len(writer.pages) < target_pages:
        for reader in sources:
            for page in reader.pages:
                if len(writer.pages) >= target_pages:
                    break
                writer.add_page(page)
    with BIG_PDF.open("wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def _child_peak(engine: str) -> dict[str, float]:
    """Run one engine on the big PDF in a fresh process and report its time and peak RSS."""
    code = (
        "import json, resource, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from benchmarks.bench_extract import ENGINES, BIG_PDF, _pin_one_core\n"
        "_pin_one_core()\n"
        "data = BIG_PDF.read_bytes()\n"
        "t = time.perf_counter()\n"
        f"ENGINES[{engine!r}](data, BIG_PDF.name)\n"
        "elapsed = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "hwm_mib = int(hwm[0].split()[1]) / 1024 if hwm else peak\n"
        "print(json.dumps({'seconds': elapsed, 'peak_mib': peak, 'hwm_mib': hwm_mib}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs for the corpus PDFs")
    parser.add_argument("--big-pages", type=int, default=300)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--docx-only", action="store_true", help="only the DOCX figures")
    args = parser.parse_args()
    _pin_one_core()
    if args.docx_only:
        _print_docx()
        return
    if not _text_pdfs():
        sys.exit("no corpus PDFs under corpus/docs: render the corpus first")

    # The big-PDF children run first: on Linux a child's ru_maxrss starts from its parent's
    # RSS at fork, so the parent must still be small when they start.
    big_rows: list[str] = []
    if not args.skip_big:
        pages = make_big_pdf(args.big_pages)
        big_rows.append(
            f"\n{pages}-page PDF ({BIG_PDF}, {BIG_PDF.stat().st_size // 1024} KiB), fresh process each, "
            f"{_load()} at start:"
        )
        big_rows.append(f"{'engine':<30} {'seconds':>8} {'pages/s':>8} {'peak RSS MiB':>13} {'VmHWM MiB':>10}")
        for label in ENGINES:
            figures = _child_peak(label)
            big_rows.append(
                f"{label:<30} {figures['seconds']:>8.1f} {pages / figures['seconds']:>8.1f} "
                f"{figures['peak_mib']:>13.0f} {figures['hwm_mib']:>10.0f}"
            )

    print(f"Corpus text-layer PDFs ({len(_text_pdfs())} files), one core, best of {args.repeat}, {_load()}:")
    results = bench_pdf(args.repeat)
    rates = {label: pages / seconds for label, pages, seconds in results}
    plain, floor = rates["pdfplumber text+tables"], rates["pypdfium2 raw text"]
    print(f"{'engine':<30} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'x pdfplumber':>13} {'x floor':>8}")
    for label, pages, seconds in results:
        rate = rates[label]
        print(f"{label:<30} {pages:>6} {seconds:>8.2f} {rate:>8.1f} {rate / plain:>13.2f} {rate / floor:>8.3f}")

    print()
    _print_docx()

    for row in big_rows:
        print(row)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(this process, corpus runs only: peak RSS {baseline:.0f} MiB)")


if __name__ == "__main__":
    main()
