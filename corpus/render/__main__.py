"""``python -m corpus.render [--docs DIR] [--only NAME ...] [--skip-pdf]``: regenerate the renderings."""

from __future__ import annotations

import argparse
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from corpus.render.catalog import SEEDS, SeedSpec
from corpus.render.docx_writer import render_docx
from corpus.render.pdf import convert_to_pdf
from corpus.render.scan import render_scan
from corpus.render.seed import parse_seed

LOG = logging.getLogger("corpus.render")
DEFAULT_DOCS = Path(__file__).resolve().parent.parent / "docs"


def render_one(spec: SeedSpec, docs: Path, skip_pdf: bool) -> str:
    seed_path = docs / f"{spec.name}.txt"
    document = parse_seed(spec.name, seed_path.read_text(encoding="utf-8"), spec.issuer_lines)
    docx_path = docs / f"{spec.name}.docx"
    render_docx(document, spec, docx_path)
    if skip_pdf:
        return f"{spec.name}: docx"
    pdf_path = docs / f"{spec.name}.pdf"
    convert_to_pdf(docx_path, pdf_path)
    pages = render_scan(pdf_path, docs / f"{spec.name}_scan.pdf")
    return f"{spec.name}: docx, pdf, scan ({pages} trang / pages)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m corpus.render", description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="folder holding the seed .txt files")
    parser.add_argument("--only", nargs="*", default=None, help="seed names to render (default: all)")
    parser.add_argument("--skip-pdf", action="store_true", help="write the DOCX files only")
    parser.add_argument("--jobs", type=int, default=2, help="parallel LibreOffice conversions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    specs = [spec for spec in SEEDS if args.only is None or spec.name in args.only]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for summary in pool.map(lambda spec: render_one(spec, args.docs, args.skip_pdf), specs):
            LOG.info(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
