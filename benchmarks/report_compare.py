"""Two `danhmuc report` folders hold the same report (what a faster report must keep).

    python benchmarks/report_compare.py BEFORE_DIR AFTER_DIR

Same file names; every JSON Lines part byte for byte; every HTML page but its "Lập lúc … · kho dữ
liệu …" line (the time written and the store's path); every JSON file but ``generated_at`` and
``database``; every member of ``bao-cao.xlsx`` byte for byte but ``docProps/core.xml`` (its time).
Prints the files that differ and their count; exit status 1 when any does.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

HEAD = re.compile(r"<p>Lập lúc .*?</p>")


def _without_time(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_time(v) for k, v in value.items() if k not in ("generated_at", "database")}
    if isinstance(value, list):
        return [_without_time(item) for item in value]
    return value


def same(before: Path, after: Path) -> bool:
    if before.suffix == ".html":
        return HEAD.sub("", before.read_text(encoding="utf-8")) == HEAD.sub("", after.read_text(encoding="utf-8"))
    if before.suffix == ".json":
        return bool(_without_time(json.loads(before.read_bytes())) == _without_time(json.loads(after.read_bytes())))
    if before.suffix == ".xlsx":
        with zipfile.ZipFile(before) as one, zipfile.ZipFile(after) as other:
            names = one.namelist()
            return names == other.namelist() and all(
                one.read(name) == other.read(name) for name in names if name != "docProps/core.xml"
            )
    return before.read_bytes() == after.read_bytes()


def main(argv: list[str] | None = None) -> int:
    before, after = (Path(arg) for arg in (argv or sys.argv[1:]))
    names, others = sorted(p.name for p in before.iterdir()), sorted(p.name for p in after.iterdir())
    differ = [f"only in one folder: {name}" for name in sorted(set(names) ^ set(others))]
    differ += [name for name in names if name in others and not same(before / name, after / name)]
    for line in differ:
        print(line)
    print(f"{len(differ)} differences of {len(names)} files")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
