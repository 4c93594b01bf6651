"""The records after the clustering (issue 13, session 19): built in one loop, they are the plain constructors'."""

from __future__ import annotations

from collections import defaultdict

import pytest

from extract.model import Document, Record
from matching.decisions import most_common
from matching.model import Dataset, MemberRef, dataset_id_for
from matching.reconcile import _datasets, load_threshold, match_entries


def _same(fast: Record, plain: Record) -> None:
    assert type(fast) is type(plain)
    assert fast == plain
    assert fast.model_fields_set == plain.model_fields_set
    assert fast.model_dump_json() == plain.model_dump_json()
    assert fast.__pydantic_extra__ == plain.__pydantic_extra__
    assert fast.__pydantic_private__ == plain.__pydantic_private__


def _plain_datasets(documents: list[Document], keys: list[str], ids: list[str]) -> list[Dataset]:
    """The datasets as `_reconcile` built them before session 19: `model_construct`, a lookup per row."""
    rows = [(d, e) for d in documents for e in d.catalog]
    members: dict[str, list[MemberRef]] = defaultdict(list)
    for key, dataset_id, (document, entry) in zip(keys, ids, rows, strict=True):
        members[dataset_id].append(MemberRef.model_construct(
            key=key, document=document.source, sha256=document.sha256, number=entry.number, title=entry.title,
            unit=entry.unit, provenance=entry.provenance,
        ))  # fmt: skip
    return [
        Dataset.model_construct(
            id=d, origin=next((r.key for r in m if dataset_id_for(r.key) == d), m[0].key),
            title=most_common([r.title for r in m]), unit=most_common([r.unit for r in m]), members=m,
        )  # fmt: skip
        for d, m in members.items()
    ]


@pytest.fixture(scope="module")
def archive() -> tuple[list[Document], list[str], list[str]]:
    from benchmarks.bench_matching import build_archive

    documents = sorted(build_archive(2_000, seed=7).documents, key=lambda d: d.sha256)
    matched = match_entries(documents, load_threshold())
    return documents, [f.key for f in matched.features], matched.dataset_ids


def test_datasets_are_the_plain_records(archive: tuple[list[Document], list[str], list[str]]) -> None:
    documents, keys, ids = archive
    fast, plain = _datasets(documents, keys, ids), _plain_datasets(documents, keys, ids)
    assert [d.id for d in fast] == [d.id for d in plain]
    # Datasets of one row and of several, with titles or units that differ among their members, were met.
    assert any(len(d.members) == 1 for d in fast) and any(len(d.members) > 2 for d in fast)
    assert any(len({m.title for m in d.members}) > 1 for d in fast)
    for a, b in zip(fast, plain, strict=True):
        _same(a, b)
        for x, y in zip(a.members, b.members, strict=True):
            _same(x, y)


def test_datasets_origin_is_the_member_the_id_comes_from(
    archive: tuple[list[Document], list[str], list[str]],
) -> None:
    """A dataset's origin is the member whose key its id derives from, wherever that member stands, and its first
    member when none does (an id kept from an earlier run)."""
    documents, keys, _ = archive
    # Rows in pairs: the id of the pair's second row, and an id none of them gives.
    ids = [dataset_id_for(keys[k | 1]) if k | 1 < len(keys) else "ds-kept" for k in range(len(keys))]
    fast, plain = _datasets(documents, keys, ids), _plain_datasets(documents, keys, ids)
    assert any(d.origin == d.members[1].key for d in fast)
    for a, b in zip(fast, plain, strict=True):
        _same(a, b)
