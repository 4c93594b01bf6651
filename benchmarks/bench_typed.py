"""Typed PDF extraction speed (reader + structure, ``extract_bytes``) on the corpus and on the real typed PDFs.

    .venv/bin/python benchmarks/bench_typed.py [--against /path/to/other/checkout] [--repeat 3]

CPU seconds of this process (``time.process_time``), best of ``--repeat`` passes after one warm-up pass,
so the figure holds on a shared machine. The real documents are read from ``../shared/realdocs`` (the 7
PDFs with a text layer; the scans go through OCR and are measured by ``bench_ocr.py real``).
``--against`` runs the same measurement in another checkout (e.g. a ``git worktree`` of an earlier
commit) in a child process, and prints both side by side: the before/after of one change in one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "realdocs"
REAL_TYPED = ("BTP-1043-danhmuc-VBQPPL.pdf", "CV-507-UBND-QuangNgai-2025-gopy-VTCI.pdf",
              "DongNai-CSDL-yeu-cau-ky-thuat.pdf", "KH-3070-UBND-BimSon.pdf", "QD-142-UBND-NgaiGiao-2024-phancong.pdf",
              "QD-2061-UBND-phuluc-danhmuc-sanpham.pdf", "TB-565-UBND-QuangNgai-2024-ketluan.pdf")  # fmt: skip


def measure(root: Path, repeat: int) -> list[str]:
    sys.path.insert(0, str(root))
    from extract.api import extract_bytes

    corpus = [p for p in sorted((root / "corpus" / "docs").glob("*.pdf")) if not p.stem.endswith("_scan")]
    real = [REAL / name for name in REAL_TYPED if (REAL / name).is_file()]
    lines = []
    for label, group in (("corpus", corpus), ("real typed", real)):
        if not group:
            lines.append(f"{label}: no files")
            continue
        datas = [(p.name, p.read_bytes()) for p in group]
        for name, data in datas:
            extract_bytes(data, name)
        best, pages = float("inf"), 0
        for _ in range(repeat):
            started, pages = time.process_time(), 0
            for name, data in datas:
                pages += extract_bytes(data, name).page_count
            best = min(best, time.process_time() - started)
        lines.append(f"{label:<10} {len(group)} files {pages:>4} pages {best:6.2f} s CPU {pages / best:6.1f} pages/s")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("\n".join(measure(args.child, args.repeat)))
        return
    print(f"load average {os.getloadavg()[0]:.1f}; CPU time, best of {args.repeat}")
    for root in [r for r in (args.against, ROOT) if r is not None]:
        run = subprocess.run(
            [sys.executable, __file__, "--child", str(root.resolve()), "--repeat", str(args.repeat)],
            cwd=root, capture_output=True, text=True, check=True,
        )  # fmt: skip
        for line in run.stdout.splitlines():
            print(f"{root.resolve().name:<12} {line}")


if __name__ == "__main__":
    main()
