"""The catalog does not depend on the order documents were ingested in (issue #15 "determinism").

The same documents stored in different orders (what a different walk order or worker count gives)
must reconcile to the same catalog: dataset ids, titles, units, members, links, flags, and the
export files byte for byte.
"""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

from catalog.exports import ExportFormat, render
from catalog.exports.view import export_datasets
from catalog.store import CatalogStore
from catalog.testing import temporary_store
from extract import extract_file
from extract.model import Document

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


@cache
def _documents() -> tuple[Document, ...]:
    """The corpus documents read fast (text and DOCX; PDFs and scans are the same plans again)."""
    paths = sorted(p for p in DOCS.iterdir() if p.suffix in {".txt", ".docx", ".md"} and "scan" not in p.name)
    return tuple(extract_file(path) for path in paths)


def _catalog(store: CatalogStore, order: list[Document]) -> dict[str, object]:
    for document in order:
        store.add_document(document)
    result = store.reconcile()
    datasets = sorted((d.id, d.title, d.unit, tuple(sorted(m.key for m in d.members))) for d in result.datasets)
    links = sorted((link.left, link.right, round(link.score, 9)) for link in result.links)
    flags = [flag.model_dump(mode="json") for flag in store.flags()]
    details = export_datasets(store)
    exports = {
        fmt: render(fmt, details, base_url="http://x", publisher="p", modified=None)
        for fmt in (ExportFormat.CSV, ExportFormat.JSONL, ExportFormat.DCAT_TTL)  # XLSX and CKAN zips hold timestamps
    }
    return {"datasets": datasets, "links": links, "flags": flags, "exports": exports}


def test_ingest_order_does_not_change_the_catalog(tmp_path: Path) -> None:
    documents = list(_documents())
    assert len(documents) >= 10 and sum(len(d.catalog) for d in documents) > 100
    shuffled = documents[:]
    random.Random(15).shuffle(shuffled)
    catalogs = []
    for index, order in enumerate([documents, documents[::-1], shuffled]):
        directory = tmp_path / str(index)
        directory.mkdir()
        with temporary_store("sqlite", directory) as store:
            catalogs.append(_catalog(store, order))
    first = catalogs[0]
    for other in catalogs[1:]:
        for part in ("datasets", "links", "flags"):
            assert other[part] == first[part], part
        assert other["exports"] == first["exports"]
