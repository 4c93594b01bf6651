"""Catalog tables: our pipeline against Camelot (lattice, stream) and img2table, side by side.

    .venv/bin/pip install -r benchmarks/requirements.txt     # peers are benchmark-only tools
    .venv/bin/python benchmarks/bench_tables_peers.py [--timeout 300] [--jobs 1] [--write-docs]

Same files for every tool: the corpus text-layer PDFs (``corpus/docs/*.pdf``, not ``_scan``:
fully ruled tables) and the unruled fixtures (``tests/data/unruled/*_hrules.pdf``, only
horizontal rules; ``*_borderless.pdf``, no rules). Each tool returns tables as rows of cell
texts; the score is catalog cell accuracy (``benchmarks/cell_accuracy.py``) against the gold
of the document's seed. Time is wall-clock seconds per page of one tool run on one file.

Every (tool, file) run is a child process with a time limit: a tool that hangs or crashes on a
file scores 0 on it and is reported, the benchmark goes on. img2table reads the PDF's text layer
(no OCR). ``--write-docs`` replaces the peers section of ``docs/benchmarks.md`` with the table.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cell_accuracy import ZERO, CellScore, cell_accuracy  # noqa: E402

DOCS = ROOT / "corpus" / "docs"
GOLD = ROOT / "corpus" / "gold"
UNRULED = ROOT / "tests" / "data" / "unruled"
DOC_FILE = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- peers:start -->"
SECTION_END = "<!-- peers:end -->"
TOOLS = ("ours", "camelot-lattice", "camelot-stream", "img2table")
SETS = ("ruled", "hrules", "borderless")

Tables = list[list[list[str]]]


# ---------------------------------------------------------------- the tools (run in a child)


def _ours(path: Path) -> Tables:
    import extract

    document = extract.extract_file(path)
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def _camelot(flavor: str) -> Callable[[Path], Tables]:
    def run(path: Path) -> Tables:
        import camelot

        found = camelot.read_pdf(str(path), pages="all", flavor=flavor, suppress_stdout=True)
        return [[[_text(cell) for cell in row] for row in table.df.values.tolist()] for table in found]

    return run


def _img2table(path: Path) -> Tables:
    from img2table.document import PDF

    # implicit_rows stays off (its default): on it, every wrapped line of a ruled row becomes a row.
    pages = PDF(str(path), pdf_text_extraction=True).extract_tables(ocr=None, borderless_tables=True)
    return [
        [[_text(cell) for cell in row] for row in table.df.values.tolist()]
        for number in sorted(pages)
        for table in pages[number]
    ]


def _text(cell: object) -> str:
    """A DataFrame cell as text: None and NaN (empty cells) are ""."""
    if cell is None or cell != cell:
        return ""
    return str(cell)


RUNNERS: dict[str, Callable[[Path], Tables]] = {
    "ours": _ours,
    "camelot-lattice": _camelot("lattice"),
    "camelot-stream": _camelot("stream"),
    "img2table": _img2table,
}


def _child(tool: str, path: Path) -> None:
    started = time.perf_counter()
    tables = RUNNERS[tool](path)
    json.dump({"tables": tables, "seconds": time.perf_counter() - started}, sys.stdout, ensure_ascii=False)


# ---------------------------------------------------------------- the parent


@dataclass(frozen=True, slots=True)
class Case:
    set_name: str
    path: Path
    seed: str
    pages: int


@dataclass(frozen=True, slots=True)
class Outcome:
    tool: str
    case: Case
    score: CellScore
    seconds: float
    error: str = ""


def _page_count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def _cases() -> list[Case]:
    cases = [
        Case("ruled", path, path.stem, _page_count(path))
        for path in sorted(DOCS.glob("*.pdf"))
        if not path.stem.endswith("_scan") and (GOLD / f"{path.stem}.json").exists()
    ]
    for set_name in ("hrules", "borderless"):
        for path in sorted(UNRULED.glob(f"*_{set_name}.pdf")):
            seed = re.sub(rf"_{set_name}$", "", path.stem)
            cases.append(Case(set_name, path, seed, _page_count(path)))
    return cases


def _gold_rows(seed: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads((GOLD / f"{seed}.json").read_text(encoding="utf-8"))["catalog"]
    return rows


def _run(tool: str, case: Case, timeout: float) -> Outcome:
    command = [sys.executable, __file__, "--child", tool, str(case.path)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(tool, case, _missed(case), timeout, f"timeout {timeout:.0f} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return Outcome(tool, case, _missed(case), time.perf_counter() - started, last[:160])
    result = json.loads(done.stdout)
    return Outcome(tool, case, cell_accuracy(_gold_rows(case.seed), result["tables"]), result["seconds"])


def _missed(case: Case) -> CellScore:
    return cell_accuracy(_gold_rows(case.seed), [])


def _summary(outcomes: list[Outcome]) -> list[str]:
    lines = [
        "| tool | ruled (corpus) | horizontal rules only | borderless | s/page |",
        "|---|---|---|---|---|",
    ]
    for tool in TOOLS:
        mine = [outcome for outcome in outcomes if outcome.tool == tool]
        if not mine:
            continue
        cells = []
        for set_name in SETS:
            score = sum((o.score for o in mine if o.case.set_name == set_name), ZERO)
            cells.append(f"{score.accuracy:.3f} ({score.matched}/{score.total})")
        pages = sum(o.case.pages for o in mine)
        seconds = sum(o.seconds for o in mine)
        lines.append(f"| {tool} | {' | '.join(cells)} | {seconds / pages:.2f} |")
    return lines


def _details(outcomes: list[Outcome]) -> list[str]:
    lines = [
        "| tool | file | pages | cell accuracy | rows found | seconds | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        score = outcome.score
        lines.append(
            f"| {outcome.tool} | {outcome.case.path.name} | {outcome.case.pages} | {score.accuracy:.3f} | "
            f"{score.rows_found}/{score.rows} | {outcome.seconds:.1f} | {outcome.error} |"
        )
    return lines


def _write_docs(summary: list[str], details: list[str], command: str) -> None:
    section = "\n".join(
        [
            SECTION_START,
            "## Catalog tables: our pipeline and its peers",
            "",
            f"`{command}` (peers: `.venv/bin/pip install -r benchmarks/requirements.txt`).",
            "",
            "Catalog cell accuracy (`benchmarks/cell_accuracy.py`): for every gold catalog row, the",
            "predicted row found by its title cell, and the gold fields (number, title, description,",
            "unit, sharing, frequency: those the table has) that appear in it as an exact cell,",
            "whitespace-collapsed; matched / gold fields. *ruled*: the corpus text-layer PDFs with a",
            "catalog (fully ruled grids); *horizontal rules only* and *borderless*: the fixtures of",
            "`tests/data/unruled/` (Đông Cứu and Hưng Yên appendices, rules removed, printed by",
            "LibreOffice). Time: wall-clock seconds per page of one run, ours is the whole",
            "`extract.extract_file` (reading and structure), on the 2-core machine shared with other work.",
            "",
            *summary,
            "",
            "<details><summary>per file</summary>",
            "",
            *details,
            "",
            "</details>",
            SECTION_END,
        ]
    )
    text = DOC_FILE.read_text(encoding="utf-8") if DOC_FILE.exists() else "# Benchmarks\n"
    if SECTION_START in text and SECTION_END in text:
        head, rest = text.split(SECTION_START, 1)
        tail = rest.split(SECTION_END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC_FILE.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", nargs=2, metavar=("TOOL", "PDF"), help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per tool per file")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (1 for fair timing)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, of {', '.join(TOOLS)}")
    parser.add_argument("--json", type=Path, help="also write every outcome here")
    parser.add_argument("--write-docs", action="store_true", help=f"update the peers section of {DOC_FILE}")
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    tools = [tool for tool in args.tools.split(",") if tool]
    unknown = sorted(set(tools) - set(TOOLS))
    if unknown:
        parser.error(f"unknown tools {unknown}")
    cases = _cases()
    jobs = [(tool, case) for tool in tools for case in cases]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda job: _run(job[0], job[1], args.timeout), jobs))
    summary, details = _summary(outcomes), _details(outcomes)
    print("\n".join(summary))
    print()
    print("\n".join(details))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "tool": o.tool,
                        "file": o.case.path.name,
                        "set": o.case.set_name,
                        "pages": o.case.pages,
                        "matched": o.score.matched,
                        "total": o.score.total,
                        "rows_found": o.score.rows_found,
                        "rows": o.score.rows,
                        "seconds": o.seconds,
                        "error": o.error,
                    }
                    for o in outcomes
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    if args.write_docs:
        command = (
            f".venv/bin/python benchmarks/bench_tables_peers.py --jobs {args.jobs} --timeout {args.timeout:g}"
        )
        if tools != list(TOOLS):
            command += f" --tools {','.join(tools)}"
        command += " --write-docs"
        _write_docs(summary, details, command.strip())


if __name__ == "__main__":
    main()
