"""Generate an archive of realistic variants of the corpus documents, as typed files in folders.

    .venv/bin/python -m benchmarks.scale_archive --size 1000 --out /tmp/archive [--seed 13] [--cache DIR]

Document ``i`` is a variant of one of the five corpus seeds (``benchmarks/scale_variation.py``:
another commune, district or province, another year, date and number, catalog titles and units
respelled, rows dropped and added), written as DOCX (45 %), TXT (30 %), text PDF (20 %) or scan
(every 20th document, 5 %). DOCX files come from the corpus renderer (``corpus/render``); PDFs are
those DOCX files printed by LibreOffice, many files per ``soffice`` call. Scans: rasterising and
degrading a scan takes seconds a page, so a small pool of scans (``--scan-pool``, default 6, each
``--scan-pages`` pages: the first page and the last ones, where the catalogs are) is rendered once
and every scan document is one of them with its own PDF metadata: same page images, distinct
bytes (so OCR really runs for each, but their content repeats). Everything is deterministic by
``--seed``; files are made once in the cache and hard-linked into each archive folder, so the
archive of 1,000 documents holds the 250 of the smaller one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scale_variation import Variant, draw_variant, vary_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "docs"
DEFAULT_CACHE = Path(os.environ.get("BENCH_SCALE_CACHE", "/tmp/bench-scale-cache"))
SOFFICE_BATCH = 40  # DOCX files per LibreOffice process


def _slug(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@dataclass(frozen=True, slots=True)
class Generated:
    variant: Variant
    path: Path  # in the cache


def _name(variant: Variant) -> str:
    return f"{variant.index:06d}-{variant.seed}-{_slug(variant.place)}"


def _suffix(variant: Variant) -> str:
    return {"docx": ".docx", "txt": ".txt", "pdf": ".pdf", "scan": ".pdf"}[variant.kind]


def _seed_text(seed: str) -> str:
    return (CORPUS / f"{seed}.txt").read_text(encoding="utf-8")


def _issuer_lines(variant: Variant) -> tuple[str, str]:
    return ("ỦY BAN NHÂN DÂN", f"{variant.level} {variant.place}".upper())


def write_variant_text(variant: Variant, target: Path) -> None:
    # The converted seeds lost the header's left column; a typed .txt names its issuer first.
    body = vary_text(_seed_text(variant.seed), variant)
    target.write_text("\n".join(_issuer_lines(variant)) + "\n" + body, encoding="utf-8")


def write_variant_docx(variant: Variant, target: Path) -> None:
    from corpus.render.catalog import SEEDS, SeedSpec
    from corpus.render.docx_writer import render_docx
    from corpus.render.seed import parse_seed

    base = next(spec for spec in SEEDS if spec.name == variant.seed)
    spec = SeedSpec(base.name, _issuer_lines(variant), base.auto_numbered_section)
    document = parse_seed(variant.seed, vary_text(_seed_text(variant.seed), variant), spec.issuer_lines)
    render_docx(document, spec, target)


def print_to_pdf(docx_files: list[Path], out_dir: Path) -> None:
    """DOCX -> PDF with one LibreOffice process per batch (its start-up costs more than a page)."""
    from extract.legacy.soffice import find_soffice, run_bounded

    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("soffice không có / LibreOffice is needed for the PDF documents")
    with tempfile.TemporaryDirectory(prefix="bench-scale-lo-") as profile:
        for start in range(0, len(docx_files), SOFFICE_BATCH):
            batch = docx_files[start : start + SOFFICE_BATCH]
            run_bounded(
                [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, batch)],
                timeout_s=60 + 20 * len(batch),
            )  # fmt: skip


def _cut_pages(pdf: Path, target: Path, pages: int) -> None:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(pdf)
    count = len(reader.pages)
    keep = sorted({0, *range(max(1, count - pages + 1), count)}) if pages else list(range(count))
    writer = PdfWriter()
    for number in keep[: pages or count]:
        writer.add_page(reader.pages[number])
    with target.open("wb") as handle:
        writer.write(handle)


def scan_pool(cache: Path, seed: int, size: int, pages: int) -> list[Path]:
    """``size`` scans of distinct variants, rendered once per (seed, pages) and kept in the cache."""
    from corpus.render.scan import render_scan

    folder = cache / f"scans-{seed}-{size}-{pages}"
    wanted = [folder / f"pool-{k}.pdf" for k in range(size)]
    if all(path.exists() for path in wanted):
        return wanted
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-scan-") as scratch_name:
        scratch = Path(scratch_name)
        # Variants far from the archive's own indices, so a pool scan is no archive document's twin.
        variants = [draw_variant(seed, 10_000_000 + k, scan_every=0) for k in range(size)]
        docx_files = []
        for n, variant in enumerate(variants):
            path = scratch / f"pool-{n}.docx"
            write_variant_docx(variant, path)
            docx_files.append(path)
        print_to_pdf(docx_files, scratch)
        for n, path in enumerate(wanted):
            cut = scratch / f"cut-{n}.pdf"
            _cut_pages(scratch / f"pool-{n}.pdf", cut, pages)
            render_scan(cut, path)
    return wanted


def _rebrand_scan(pool_file: Path, variant: Variant, target: Path) -> None:
    """The pool scan with this document's own metadata: new bytes, same page images."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(pool_file))
    writer.add_metadata({"/Title": f"{_name(variant)}", "/Subject": f"{variant.level} {variant.place}",
                         "/Producer": "scanner"})  # fmt: skip
    with target.open("wb") as handle:
        writer.write(handle)


def generate(
    size: int,
    *,
    seed: int = 13,
    cache: Path = DEFAULT_CACHE,
    scan_pool_size: int = 6,
    scan_pages: int = 3,
    log: bool = True,
    start: int = 0,
) -> list[Generated]:
    """Documents start..size-1 in the cache (made once), with their variants."""
    files = cache / f"docs-{seed}-s{scan_pool_size}p{scan_pages}"
    files.mkdir(parents=True, exist_ok=True)
    made: list[Generated] = []
    todo_pdf: list[tuple[Variant, Path]] = []
    scans: list[Path] = []
    for index in range(start, size):
        variant = draw_variant(seed, index)
        path = files / (_name(variant) + _suffix(variant))
        made.append(Generated(variant, path))
        meta = path.with_suffix(".json")
        if path.exists():
            continue
        meta.write_text(variant.to_json(), encoding="utf-8")
        if variant.kind == "txt":
            write_variant_text(variant, path)
        elif variant.kind == "docx":
            write_variant_docx(variant, path)
        elif variant.kind == "pdf":
            docx = files / "pending" / (_name(variant) + ".docx")
            docx.parent.mkdir(exist_ok=True)
            write_variant_docx(variant, docx)
            todo_pdf.append((variant, docx))
        else:
            scans = scans or scan_pool(cache, seed, scan_pool_size, scan_pages)
            _rebrand_scan(scans[index // 20 % len(scans)], variant, path)
        if len(todo_pdf) >= SOFFICE_BATCH or index == size - 1:
            _print_pending(todo_pdf, files)
            todo_pdf = []
        if log and index % 200 == 199:
            print(f"  … {index + 1}/{size} documents generated", file=sys.stderr)
    _print_pending(todo_pdf, files)
    return made


def _print_pending(todo: list[tuple[Variant, Path]], files: Path) -> None:
    """Print a batch as soon as it is full, so an interrupted generation keeps what it made."""
    if not todo:
        return
    print_to_pdf([docx for _, docx in todo], files)
    missing = [docx.name for variant, docx in todo if not (files / (_name(variant) + ".pdf")).exists()]
    if missing:
        raise SystemExit(f"LibreOffice did not print {len(missing)} files, e.g. {missing[:3]}")
    for _, docx in todo:
        docx.unlink(missing_ok=True)


def archive_folder(
    out: Path,
    size: int,
    *,
    seed: int = 13,
    cache: Path = DEFAULT_CACHE,
    offset: int = 0,
    scan_pool_size: int = 6,
    scan_pages: int = 3,
) -> list[Generated]:
    """An archive folder of documents offset..offset+size-1: <province>/<year>/<file>, hard links into the cache."""
    made = generate(offset + size, seed=seed, cache=cache, scan_pool_size=scan_pool_size, scan_pages=scan_pages,
                    start=offset)  # fmt: skip
    for item in made:
        variant = item.variant
        folder = out / _slug(variant.province if variant.level != "tỉnh" else variant.place) / str(variant.year)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / item.path.name
        if not target.exists():
            try:
                os.link(item.path, target)
            except OSError:
                shutil.copyfile(item.path, target)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_archive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--offset", type=int, default=0, help="first document index (an 'added later' batch)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--scan-pool", type=int, default=6)
    parser.add_argument("--scan-pages", type=int, default=3, help="pages per scan (0: the whole document)")
    args = parser.parse_args(argv)
    archive_folder(args.out, args.size, seed=args.seed, cache=args.cache, offset=args.offset,
                   scan_pool_size=args.scan_pool, scan_pages=args.scan_pages)  # fmt: skip
    kinds: dict[str, int] = {}
    for path in args.out.rglob("*"):
        if path.is_file():
            kinds[path.suffix] = kinds.get(path.suffix, 0) + 1
    print(json.dumps({"folder": str(args.out), "files": kinds}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
