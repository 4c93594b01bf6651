"""The comparison features of catalog entries: each row's texts, units, group, scope and the run's word
specificities, built once per run before blocking and scoring (matching/compare.py compares them).

With two workers and many rows the titles' texts are computed by this process and a forked child together
(`title_texts`, matching/sharedwork.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

from extract.model import CatalogEntry, Document
from matching import sharedwork
from matching.model import entry_key
from matching.scope import Scope, document_scope
from matching.text import (
    ComparisonText,
    comparison_text,
    document_frequencies,
    normalize,
    remember_title_texts,
    title_text,
    title_text_fields,
)

FORK_TITLES_FROM = 20_000  # rows from which build_features(workers > 1) forks (matching/sharedwork.py)


@dataclass(frozen=True, slots=True)
class EntryFeatures:
    index: int
    key: str
    document: int  # index of the document in the input list
    number: str
    table: int
    title: str
    text: ComparisonText
    description: str
    unit_types: frozenset[str]
    unit_label: str
    group: str
    scope: Scope
    idf: Mapping[str, float]  # specificity of content words in [0, 1], shared by all features of a run
    locality: frozenset[str] = frozenset()  # folded words of the document's own place name


def specificities(texts: Sequence[ComparisonText]) -> dict[str, float]:
    """log(N/df) / log(N) of every content word over the catalogs compared, with the genre prior.

    1.0 for a word of one title, 0.0 for a word of every title. The linking gold's vocabulary is
    added as a prior so that a run over two small documents still knows "khai sinh" from "dữ liệu".
    """
    df = document_frequencies(texts)
    prior, prior_n = _prior_df()
    n = len(texts) + prior_n
    if n < 3:
        return {}
    log_n = math.log(n)
    return {w: max(0.0, math.log(n / (df[w] + prior.get(w, 0)))) / log_n for w in set(df) | set(prior)}


@lru_cache(maxsize=1)
def _prior_df() -> tuple[dict[str, int], int]:
    import json
    from pathlib import Path

    path = Path(__file__).with_name("data") / "linking_gold.json"
    try:
        documents = json.loads(path.read_text(encoding="utf-8"))["documents"]
    except (OSError, ValueError, KeyError):
        return {}, 0
    titles = [e["title"] for d in documents for e in d["entries"]]
    return dict(Counter(w for t in titles for w in comparison_text(t, "", t).tokens)), len(titles)


def title_key_of(entry: CatalogEntry) -> str:
    """nlp's title key when the entry was normalised, else the printed title."""
    if entry.norm is not None and entry.norm.title_key:
        return entry.norm.title_key
    return entry.title


def _unit_types(entry: CatalogEntry) -> tuple[frozenset[str], str]:
    if entry.norm is None:
        return frozenset(), entry.unit
    if len(entry.norm.units) == 1:  # most rows name one unit: its type's set is shared by the rows
        mention = entry.norm.units[0]
        if mention.unit_type and not mention.collective:
            return _one_type(mention.unit_type), mention.canonical_name or mention.raw or entry.unit
        return frozenset(), entry.unit
    mentions = [m for m in entry.norm.units if m.unit_type and not m.collective]
    label = ", ".join(dict.fromkeys(m.canonical_name or m.raw for m in mentions)) or entry.unit
    return frozenset(m.unit_type for m in mentions), label


@lru_cache(maxsize=10_000)
def _one_type(unit_type: str) -> frozenset[str]:
    return frozenset((unit_type,))


@lru_cache(maxsize=10_000)
def _group_label(group: str) -> str:
    # "1. Nhóm dữ liệu dân cư" and "I LĨNH VỰC GIÁO DỤC": drop the numbering, compare the words.
    words = normalize(group).split()
    while words and (words[0].isdigit() or set(words[0]) <= set("ivxlc")):
        words = words[1:]
    return " ".join(words)


def _document_features(
    first: int, doc_index: int, document: Document, idf: Mapping[str, float], texts: Sequence[ComparisonText],
    units: Sequence[tuple[frozenset[str], str]] | None = None, scope: Scope | None = None,
) -> list[EntryFeatures]:
    """`texts`: the entries' `comparison_text`; `units`: their `_unit_types`, `scope`: the document's
    `document_scope`, when already computed."""
    scope = document_scope(document) if scope is None else scope
    locality = frozenset(scope.province.split())
    features: list[EntryFeatures] = []
    append = features.append
    # EntryFeatures(index=…, …, locality=…), its slots set directly: the frozen __init__ sets each of the 14
    # fields by an object.__setattr__ call, ~40 % of this loop at 100,000 rows (tests/test_match_speed.py
    # compares the records with the constructor's).
    (s_index, s_key, s_document, s_number, s_table, s_title, s_text, s_description, s_unit_types, s_unit_label,
     s_group, s_scope, s_idf, s_locality) = _FEATURE_SLOTS  # fmt: skip
    for offset, entry in enumerate(document.catalog):
        unit_types, unit_label = _unit_types(entry) if units is None else units[offset]
        feature = _new_features(EntryFeatures)
        s_index(feature, first + offset)
        s_key(feature, entry_key(document, entry))
        s_document(feature, doc_index)
        s_number(feature, entry.number)
        s_table(feature, entry.table)
        s_title(feature, entry.title)
        s_text(feature, texts[offset])
        s_description(feature, normalize(entry.description))
        s_unit_types(feature, unit_types)
        s_unit_label(feature, unit_label)
        s_group(feature, _group_label(entry.group))
        s_scope(feature, scope)
        s_idf(feature, idf)
        s_locality(feature, locality)
        append(feature)
    return features


_new_features = EntryFeatures.__new__
# The slots' setters in the fields' order (`_document_features` sets all of them, as __init__ would).
_FEATURE_SLOTS = tuple(getattr(EntryFeatures, f.name).__set__ for f in fields(EntryFeatures))


Units = list[list[tuple[frozenset[str], str]]]  # `_unit_types` of each document's entries


def build_features(documents: Sequence[Document], *, workers: int = 1) -> list[EntryFeatures]:
    """Comparison features of every entry, in document order (`comparison_texts`, then `features_of`)."""
    return features_of(documents, *comparison_texts(documents, workers=workers))


def comparison_texts(documents: Sequence[Document], *, workers: int = 1) -> tuple[list[ComparisonText], Units | None]:
    """The entries' `comparison_text` in document order, and their units when computed on the way
    (`title_texts`, then `row_texts`)."""
    units = title_texts(documents, workers=workers)
    return row_texts(documents), units


def title_texts(documents: Sequence[Document], *, workers: int = 1) -> Units | None:
    """Every distinct title's text computed and remembered (the title part of `comparison_text`), and the
    entries' units when computed on the way; nothing is done with one worker or few rows (`row_texts`
    computes the texts as it needs them).

    With `workers` > 1 and many rows, a forked child computes the texts of the titles from the end of the list
    while this process reads the units, then computes them from the start, until the two meet
    (matching/sharedwork.py); the child's texts come back as field tuples, a part at a time, and are remembered
    here between this process's own parts. Shipping whole features back from workers had cost more than
    computing them (measured on 50,000 entries).
    """
    rows = sum(len(d.catalog) for d in documents)
    if workers <= 1 or rows < FORK_TITLES_FROM:
        return None
    titles = list(dict.fromkeys((title_key_of(e), e.title) for d in documents for e in d.catalog))
    units: Units = []

    def read_units() -> None:
        units.extend([_unit_types(e) for e in d.catalog] for d in documents)

    sharedwork.share(titles, _compute_title_texts, title_text_fields, remember_title_texts, first=read_units)
    return units


def _compute_title_texts(titles: Sequence[tuple[str, str]]) -> None:
    for key, printed in titles:
        title_text(key, printed)


def row_texts(documents: Sequence[Document]) -> list[ComparisonText]:
    """The entries' `comparison_text` in document order (their titles' texts from `title_texts`' memo)."""
    return [
        comparison_text(title_key_of(e), e.description, e.title) for document in documents for e in document.catalog
    ]


def row_title_texts(documents: Sequence[Document]) -> list[ComparisonText]:
    """The title part of each entry's `comparison_text` (its words and wordings, without what the description
    says of figures and lists): what blocking reads (matching/blocking.py's `Blockable.text`)."""
    return [title_text(title_key_of(e), e.title) for document in documents for e in document.catalog]


def features_of(
    documents: Sequence[Document], texts: Sequence[ComparisonText], units: Units | None = None,
    scopes: Sequence[Scope] | None = None,
) -> list[EntryFeatures]:  # fmt: skip
    """The entries' features from their `comparison_texts` (and each document's scope, when computed)."""
    idf = specificities(texts)
    features: list[EntryFeatures] = []
    for doc_index, document in enumerate(documents):
        first = len(features)
        features += _document_features(
            first, doc_index, document, idf, texts[first : first + len(document.catalog)],
            None if units is None else units[doc_index], None if scopes is None else scopes[doc_index],
        )  # fmt: skip
    return features
