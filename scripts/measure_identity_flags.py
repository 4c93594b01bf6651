"""Flags raised on the corpus stored in one store, and how many repeat across renderings of one plan;
documents the catalog counts (by identity) against the files its datasets' rows come from.

Usage: PYTHONPATH=. python scripts/measure_identity_flags.py [sqlite|postgresql]
A rendering's seed is its file name without the extension and the _scan/_tcvn3/_vni/_vntime suffix; a flag is
duplicated when another file of its seed carries the same kind and evidence.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from catalog.exports.view import export_datasets
from catalog.testing import temporary_store
from extract import extract_file

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


def seed(source: str) -> str:
    return re.sub(r"_(scan|tcvn3|vni|vntime)$", "", Path(source).stem)


def main() -> None:
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    paths = sorted(p for p in DOCS.iterdir() if p.is_file())
    documents = [extract_file(p) for p in paths]
    with tempfile.TemporaryDirectory() as tmp, temporary_store(backend, Path(tmp)) as store:
        for document in documents:
            store.add_document(document)
        started = time.process_time()
        store.reconcile()
        cpu = time.process_time() - started
        flags = store.flags()
        datasets = export_datasets(store)
    seen = Counter((seed(f.document), f.kind, tuple(f.evidence)) for f in flags)
    duplicated = sum(n - 1 for n in seen.values())
    sys.stdout.write(
        f"files={len(paths)} flags={len(flags)} duplicated_across_renderings={duplicated} distinct={len(seen)}\n"
        f"dataset document counts: by identity {sum(d.document_count for d in datasets)}, by file "
        f"{sum(len(d.document_ids) for d in datasets)} over {len(datasets)} datasets; "
        f"reconcile {cpu:.2f} s CPU (this process)\n"
    )


if __name__ == "__main__":
    main()
