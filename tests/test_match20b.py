"""Session 20, helper match20b: the dataset stage's path to the clustering, cheaper with the same output.

Guards (each pins a rewritten step to the code it replaced, kept here as the reference; they pass on main, whose
code is that reference): the blocks built by array steps (matching/blocking.py `block_keys`), the folded
wordings built word by word (`_sorted_folded`), `normalize` splitting texts of words and spaces and
`comparison_text` without a memo of every (title, description) (text.py).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.textforms import fold_uncached, modern_tone_placement
from matching.blocking import BlockRow, _sorted_folded, block_keys, candidate_pairs
from matching.features import EntryFeatures, build_features, title_key_of
from matching.goldset import load_gold
from matching.scope import Scope
from matching.text import (
    _WORD,
    ComparisonText,
    _description_kind,
    blocking_tokens_of,
    comparison_text,
    fold,
    normalize,
    title_text,
)

ROOT = Path(__file__).resolve().parents[1]
WILDCARD = "*"


def _reference_keys(toks: list[str], df: Counter[str], max_df: int) -> list[str]:
    ranked = sorted(toks, key=lambda t: (df[t], t))
    usable = [t for t in ranked if 2 <= df[t] <= max_df][:3]
    if not usable and len(ranked) >= 2:
        usable = [ranked[0] + "|" + ranked[1]]
    elif not usable and ranked:
        usable = [ranked[0]]
    return usable


def _reference_block_keys(
    features: Sequence[BlockRow | EntryFeatures], max_df: int, *, split_scopes: bool = False
) -> tuple[dict[tuple[str, str], list[int]], int]:
    """matching/blocking.py's `block_keys` at main 1be569b: a loop over the rows appending each to its blocks."""
    rows = Counter(f.text.tokens for f in features)
    of_words = {words: blocking_tokens_of(words) for words in rows}
    df: Counter[str] = Counter()
    for words, count in rows.items():
        for token in of_words[words]:
            df[token] += count
    dropped = sum(1 for count in df.values() if count > max_df)
    usable = {words: _reference_keys(tokens, df, max_df) for words, tokens in of_words.items()}
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, f in enumerate(features):
        scope = WILDCARD
        if split_scopes and f.scope.level and f.scope.province:
            scope = f"{f.scope.level}|{f.scope.province}"
        for key in usable[f.text.tokens]:
            blocks[(scope, key)].append(index)
    return dict(blocks), dropped


def _gold_features() -> list[EntryFeatures]:
    return build_features([g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")])


def _synthetic_features() -> list[EntryFeatures]:
    from benchmarks.bench_matching import build_archive

    return build_features(sorted(build_archive(3_000, seed=7).documents, key=lambda d: d.sha256))


@pytest.mark.parametrize("source", [_gold_features, _synthetic_features])
def test_blocks_by_arrays_are_the_row_loops_blocks(source) -> None:
    """Guard. The corpus gold's catalogs (real documents) and a 3,000-row synthetic archive: the same blocks, in
    the same order, each with the same rows in the same order, and the same dropped tokens, with and without
    scopes, at the default document-frequency cut-off and at one low enough to drop tokens and pair keys."""
    features = source()
    for max_df in (2, 5, 100):
        for split_scopes in (False, True):
            found = block_keys(features, max_df, split_scopes=split_scopes)
            expected = _reference_block_keys(features, max_df, split_scopes=split_scopes)
            assert list(found[0].items()) == list(expected[0].items())
            assert found[1] == expected[1]


_WORDS = ["dữ", "liệu", "hộ", "nghèo", "đất", "đai", "xã", "y", "tế", "cơ", "sở", "giáo", "dục", "an", "toàn"]
# Two equal scopes as two objects (two documents of one province), a level without province, none.
_SCOPES = [Scope("tinh", "Hà Nam"), Scope("xa", "Hà Nam"), Scope("tinh", "Hà Nam"), Scope("tinh", ""), Scope("", "")]


def _row(words: frozenset[str], scope: int) -> BlockRow:
    content = " ".join(sorted(words))
    text = ComparisonText(
        full=content, content=content, tokens=words, expanded=(), counts=False, lists=False, printed=content, head=""
    )
    return BlockRow(text, _SCOPES[scope])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.frozensets(st.sampled_from(_WORDS), max_size=5), st.integers(0, len(_SCOPES) - 1)), max_size=60
    ),
    st.integers(1, 12),
    st.booleans(),
)
def test_blocks_by_arrays_on_random_rows(rows: list[tuple[frozenset[str], int]], max_df: int, split: bool) -> None:
    """Guard (Hypothesis): random rows of a small vocabulary (empty word sets, one-letter words, every scope kind,
    a scope object shared by many rows as a document's is): the blocks of the row loops."""
    features = [_row(words, scope) for words, scope in rows]
    found = block_keys(features, max_df, split_scopes=split)
    expected = _reference_block_keys(features, max_df, split_scopes=split)
    assert list(found[0].items()) == list(expected[0].items())
    assert found[1] == expected[1]


def test_candidate_pairs_of_no_rows() -> None:
    """Guard: no rows, no blocks and no pairs (the array steps are not run on empty arrays)."""
    pairs, stats = candidate_pairs([], split_scopes=True)
    assert pairs.shape == (0, 2) and stats.blocks == 0 and stats.candidates == 0


def _reference_sorted_folded(content: str) -> str:
    return " ".join(sorted(fold(content).split()))


# Vietnamese letters, lone combining marks, other spaces and the Greek sigma (whose lower case depends on what
# follows): where folding word by word could differ from folding the whole text; and any character.
_TRICKY = st.sampled_from([*"aăâđĐeêioôơuưyÀẠ Σσ_&,", "\u0301", "\u0300", "\u0303", "\u00a0", "\t", "\u2003"])


@settings(max_examples=500, deadline=None)
@example("a \u0301 b")
@given(st.text(alphabet=_TRICKY | st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
def test_sorted_folded_word_by_word_is_the_whole_text_folded(raw: str) -> None:
    """Guard (Hypothesis): folding a wording word by word (the memo holds words) gives what folding it whole gave,
    on any text (lone marks, other spaces, Greek final sigma) and on what `normalize` makes of it (a content)."""
    for content in (raw, normalize(raw)):
        assert _sorted_folded(content) == _reference_sorted_folded(content)


def test_sorted_folded_on_the_gold_wordings() -> None:
    """Guard: every wording of the corpus gold's catalogs (real titles), folded word by word and whole."""
    features = _gold_features()
    contents = {f.text.content for f in features}
    assert len(contents) > 100
    for content in contents:
        assert _sorted_folded(content) == " ".join(sorted(fold_uncached(content, marks="latin").split()))


def _reference_normalize(raw: str) -> str:
    """matching/text.py's `normalize` at main 1be569b (without its memo)."""
    lowered = modern_tone_placement(unicodedata.normalize("NFC", raw).lower())
    return " ".join(_WORD.findall(lowered.replace("_", " ")))


@settings(max_examples=500, deadline=None)
@example("Dữ liệu hộ nghèo")
@example("CSDL  về đất_đai (TTHC), 2024")
@example("Σ ᾼ ² ½ ٣")  # final sigma, a titlecase letter, digits that are not decimal
@given(st.text(alphabet=_TRICKY | st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
def test_normalize_of_words_and_spaces_by_split(raw: str) -> None:
    """Guard (Hypothesis): `normalize` splitting a text of words and spaces instead of searching its words gives
    what the search gave, on any text."""
    assert normalize.__wrapped__(raw) == _reference_normalize(raw)


def test_normalize_on_the_gold_titles() -> None:
    """Guard: every title and description of the corpus gold's catalogs (real documents), as the search gave."""
    documents = [g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")]
    texts = {t for d in documents for e in d.catalog for t in (e.title, e.description, e.group)}
    assert len(texts) > 100
    for raw in texts:
        assert normalize.__wrapped__(raw) == _reference_normalize(raw)


def _reference_comparison_text(title_key: str, description: str, printed: str) -> ComparisonText:
    """matching/text.py's `comparison_text` at main 1be569b (without its memo)."""
    title = title_text(title_key, printed)
    names_count, names_list = _description_kind(description)
    counts = title.counts or (not title.lists and names_count)
    lists = title.lists or (not counts and names_list)
    if (counts, lists) == (title.counts, title.lists):
        return title
    return dataclasses.replace(title, counts=counts, lists=lists)


def test_comparison_texts_without_the_memo_of_every_description() -> None:
    """Guard: the corpus gold's rows (real documents) and a 3,000-row synthetic archive, each title with every
    description met (figures, lists, neither): the same texts, the title's own object where the description changes
    nothing (as before), and one object per (title, description) where it does."""
    from benchmarks.bench_matching import build_archive

    documents = [g.document for g in load_gold(ROOT / "corpus" / "gold", ROOT / "corpus" / "docs")]
    documents += build_archive(3_000, seed=7).documents
    titles = {(title_key_of(e), e.title) for d in documents for e in d.catalog}
    descriptions = {e.description for d in documents for e in d.catalog} | {"", "Số lượng hộ", "Danh sách hộ"}
    changed = 0
    for key, printed in sorted(titles)[:400]:
        for description in sorted(descriptions):
            found = comparison_text(key, description, printed)
            assert found == _reference_comparison_text(key, description, printed)
            if found is title_text(key, printed):
                continue
            changed += 1
            assert comparison_text(key, description, printed) is found
    assert changed > 0
