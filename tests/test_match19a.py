"""Session 19, helper match19a: the title texts shared with a forked child from both ends of their list
(matching/sharedwork.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import pytest

from matching import sharedwork, text
from matching.features import title_key_of, title_texts

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")


class _Record:
    """What `share` did: the items done here, and the child's parts taken here with their results."""

    def __init__(self) -> None:
        self.here: list[int] = []
        self.taken: list[tuple[list[int], list[int]]] = []

    def do_here(self, part: Sequence[int]) -> None:
        time.sleep(0.0005)  # both sides get parts, whichever starts first
        self.here += part

    def take(self, part: Sequence[int], results: list[int]) -> None:
        self.taken.append((list(part), results))


def _there(part: Sequence[int]) -> list[int]:
    time.sleep(0.0005)
    return [2 * x for x in part]


@fork_only
def test_both_sides_do_parts_and_every_item_is_done() -> None:
    items = list(range(20_000))
    record, first = _Record(), []
    sharedwork.share(items, record.do_here, _there, record.take, first=lambda: first.append(True), part=100)
    taken = [x for part, _ in record.taken for x in part]
    assert first == [True]
    assert record.here and taken  # both processes worked
    assert set(record.here) | set(taken) == set(items)
    # The child's parts come from the end, in order, each with its results.
    ends = [len(items)] + [part[0] for part, _ in record.taken]
    assert all(part[-1] + 1 == end for (part, _), end in zip(record.taken, ends, strict=False))
    assert all(results == [2 * x for x in part] for part, results in record.taken)
    assert max(taken) == items[-1] and min(record.here) == 0
    assert len(set(record.here) & set(taken)) <= 2 * 100  # at most the parts claimed at once where they met


def _fails_in_the_child(parent: int) -> object:
    def there(part: Sequence[int]) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return [2 * x for x in part]

    return there


@fork_only
def test_a_child_failing_at_once_leaves_every_item_done_here() -> None:
    items = list(range(5_000))
    record = _Record()
    sharedwork.share(items, record.do_here, _fails_in_the_child(os.getpid()), record.take, part=100)  # type: ignore[arg-type]
    assert sorted(record.here) == items and not record.taken


@fork_only
def test_a_child_dying_midway_leaves_the_items_it_did_not_send_done_here() -> None:
    items = list(range(20_000))
    record = _Record()
    sent = [0]

    def dies_after_three_parts(part: Sequence[int]) -> list[int]:
        sent[0] += 1  # the child's own counter (copied at the fork)
        if sent[0] > 3:
            os._exit(9)
        time.sleep(0.002)
        return [2 * x for x in part]

    sharedwork.share(items, record.do_here, dies_after_three_parts, record.take, part=100)
    taken = [x for part, _ in record.taken for x in part]
    assert len(record.taken) <= 3
    assert set(record.here) | set(taken) == set(items)


def test_few_items_are_done_here_without_a_child() -> None:
    record, first = _Record(), []
    sharedwork.share([1, 2, 3], record.do_here, _there, record.take, first=lambda: first.append(1), part=10)
    assert record.here == [1, 2, 3] and not record.taken and first == [1]


@fork_only
def test_title_texts_shared_with_a_child_are_the_texts_computed_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every title's text remembered from the child's parts equals the one computed here, word sets interned."""
    from benchmarks.bench_matching import build_archive

    documents = build_archive(3_000, seed=5).documents
    titles = list(dict.fromkeys((title_key_of(e), e.title) for d in documents for e in d.catalog))
    monkeypatch.setattr(sharedwork, "PART", 64)
    monkeypatch.setattr("matching.features.FORK_TITLES_FROM", 0)
    text._TITLE_TEXTS.clear()
    taken: list[tuple[str, str]] = []
    remember = text.remember_title_texts

    def counted(part: Sequence[tuple[str, str]], fields: Sequence[text.TitleFields]) -> None:
        taken.extend(part)
        remember(part, fields)

    monkeypatch.setattr("matching.features.remember_title_texts", counted)
    # The child is slowed (~2 s for its ~37 parts) so that this process claims parts too: racing at full speed,
    # a loaded CI machine once let the child take all 2,341 titles while this process was still reading the units.
    fields_of = text.title_text_fields

    def slowed(part: Sequence[tuple[str, str]]) -> list[text.TitleFields]:
        time.sleep(0.05)
        return fields_of(part)

    monkeypatch.setattr("matching.features.title_text_fields", slowed)
    units = title_texts(documents, workers=2)
    assert units is not None and [len(u) for u in units] == [len(d.catalog) for d in documents]
    assert taken and len(taken) < len(titles)
    shared = {t: text._TITLE_TEXTS[t] for t in titles}
    text._TITLE_TEXTS.clear()
    for t in titles:
        mine = text.title_text(*t)
        assert shared[t] == mine
        assert shared[t].tokens is text._interned(mine.tokens)


def test_words_verdict_written_is_the_words_penalty() -> None:
    """The dataset stage keeps `words_verdict`'s verdicts and writes their texts where the reasons are written:
    penalty, texts and one-sided words are `_words_penalty`'s, for every kind of verdict."""
    from benchmarks.bench_matching import build_archive
    from matching.blocking import candidate_pairs
    from matching.compare import _words_penalty_uncached, words_reasons, words_verdict
    from matching.features import build_features

    features = build_features(build_archive(2_000, seed=3).documents)
    kinds = set()
    for i, j in candidate_pairs(features)[0].tolist():
        a, b = features[i], features[j]
        penalty, verdict, one_sided = words_verdict(a, b)
        assert (penalty, words_reasons(verdict), one_sided) == _words_penalty_uncached(a, b)
        kinds.add(None if verdict is None else verdict[0])
    assert kinds == {None, True, False}  # no one-sided word, only qualifiers, other words
