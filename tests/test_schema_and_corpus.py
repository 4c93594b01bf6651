"""The published schema matches the model, and the corpus keeps the seeds byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from danhmuc.schema import document_schema_json

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def test_published_schema_is_current() -> None:
    published = (ROOT / "docs" / "document-schema.json").read_text(encoding="utf-8")
    assert published == document_schema_json(), "run: .venv/bin/danhmuc schema > docs/document-schema.json"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_corpus_text_is_the_seed_byte_for_byte() -> None:
    seeds = sorted(SEEDS.glob("[0-9][0-9][0-9]_*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        copy = ROOT / "corpus" / "docs" / seed.name[4:]
        assert copy.read_bytes() == seed.read_bytes(), copy.name
