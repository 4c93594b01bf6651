"""A syllable-bigram language model of Vietnamese, and the noisy-channel choice it makes.

A dictionary says which syllables and pairs exist; it cannot say that "điện tử ngày" is far
likelier than "điện từ ngày", or "thành phô" than nothing at all. Post-correction used to change a
valid syllable into another valid one whenever the other formed a dictionary pair with a
neighbour, and on real scans that was wrong as often as right ("thuộc" → "thuốc", "đóng" →
"động", "Đức Phổ" → "Dục Phổ"). Here a change must be *more probable than what Tesseract read*:

    score(x) = log P(x | left) + log P(right | x) + log P(read | x)

with P(read | x) the channel: 1 for x = read, and one factor of ``MARK_ERROR`` per mark that
differs (the recogniser gets a syllable's marks wrong a few times in a hundred on these scans).
An impossible syllable (one orthography forbids) has no mass of its own: the best candidate wins.

Counts come from real running text that ships with the installed packages, never from the
documents being measured: the VLSP 2013 test sentences inside underthesea (law and
administration articles, about 90 000 syllables), Viet74K's entries (each a short "sentence"),
and the genre's phrases and the unit registry's names (weighted: they are what the genre prints).
A trigram model (interpolated absolute discounting, backing off to bigrams and unigrams):
a genre phrase's three syllables are evidence a pair alone is not ("địa bàn tỉnh").
"""

from __future__ import annotations

import importlib.util
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.ocr.syllables import is_valid_syllable, tone_key

# Odds against the recogniser having read one mark (tone or letter mark) wrong on a syllable it
# read as a valid syllable: plain Tesseract's CER on the real scans is 1-5 %, most of it marks, so
# a given syllable's marks are wrong a few times in a hundred.
MARK_ERROR = 1 / 30
FURTHER_MARK_ERROR = 1 / 4  # each further mark: two wrong marks on one syllable are rarer still
GENRE_WEIGHT = 5  # a genre phrase or registry name counts as this many sentences
DISCOUNT = 0.75
# A reading seen fewer times than this in the training text ("đên", "thâm") is no word to defend:
# its candidates may win on frequency alone.
RARE = 3

_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
_BOUNDARY = "<s>"


@dataclass(frozen=True)
class LanguageModel:
    unigrams: dict[str, int]
    bigrams: dict[tuple[str, str], int]
    followers: dict[str, int]  # distinct right neighbours of a key
    total: int
    trigrams: dict[tuple[str, str, str], int]
    pair_followers: dict[tuple[str, str], int]  # distinct right neighbours of a pair
    histories: dict[str, int]  # times a key is followed by anything (its count as a context)
    pair_histories: dict[tuple[str, str], int]
    continuations: dict[str, int]  # distinct left neighbours of a key (Kneser-Ney)
    continuation_total: int

    def continuation(self, key: str) -> float:
        """How readily ``key`` follows a word it was never seen after: by the number of different
        words it follows, not by its count ("dụng" is frequent but nearly always after "sử", "ứng")."""
        vocabulary = len(self.unigrams) + 1
        return (self.continuations.get(key, 0) + 0.1) / (self.continuation_total + 0.1 * vocabulary)

    def unigram(self, key: str) -> float:
        vocabulary = len(self.unigrams) + 1
        return (self.unigrams.get(key, 0) + 0.1) / (self.total + 0.1 * vocabulary)

    def bigram(self, left: str, key: str) -> float:
        """P(key | left), ``left`` "" for no adjacent word (then the unigram)."""
        if not left:
            return self.unigram(key)
        count = self.histories.get(left, 0)
        if count == 0:
            return self.unigram(key)
        pair = self.bigrams.get((left, key), 0)
        weight = DISCOUNT * self.followers.get(left, 0) / count
        return max(pair - DISCOUNT, 0.0) / count + weight * self.continuation(key)

    def trigram(self, first: str, second: str, key: str) -> float:
        """P(key | first second), backing off to the bigram when the pair was never seen."""
        if not second:
            return self.unigram(key)
        lower = self.bigram(second, key)
        count = self.pair_histories.get((first, second), 0) if first else 0
        if count == 0:
            return lower
        triple = self.trigrams.get((first, second, key), 0)
        weight = DISCOUNT * self.pair_followers.get((first, second), 0) / count
        return max(triple - DISCOUNT, 0.0) / count + weight * lower

    def context_logprob(self, left: tuple[str, str], key: str, right: tuple[str, str]) -> float:
        """log P of ``key`` and of the two words after it, given the two before ("" = none)."""
        second, first = left[1], left[0] if left[1] else ""
        score = math.log(self.trigram(first, second, key))
        if right[0]:
            score += math.log(self.trigram(second, key, right[0]))
            if right[1]:
                score += math.log(self.trigram(key, right[0], right[1]))
        return score


def sequence_logprob(model: LanguageModel, text: str) -> float:
    """log P of ``text``'s syllables, each run (punctuation and numbers end one) scored from its start."""
    score = 0.0
    for run in _keys(text):
        first, second = "", ""
        for key in run:
            score += math.log(model.trigram(first, second, key))
            first, second = second, key
    return score


def _keys(text: str) -> Iterator[list[str]]:
    """Runs of syllable keys; punctuation, digits and non-syllables end a run."""
    run: list[str] = []
    for token in re.split(r"(\s+|[^\w\s]+)", text):
        if not token or token.isspace():
            continue
        if _SYLLABLE.fullmatch(token) and is_valid_syllable(token):
            run.append(tone_key(unicodedata.normalize("NFC", token.lower())))
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


def _vlsp_sentences() -> Iterator[str]:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return
    root = Path(next(iter(spec.submodule_search_locations)))
    for path in sorted(root.glob("pipeline/pos_tag/models/*/test_output.txt")):
        words: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                if words:
                    yield " ".join(words)
                words = []
                continue
            words.append(line.split("\t", 1)[0])
        if words:
            yield " ".join(words)


def train(sentences: Iterable[tuple[str, int]]) -> LanguageModel:
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    trigrams: Counter[tuple[str, str, str]] = Counter()
    for sentence, weight in sentences:
        for run in _keys(sentence):
            for key in run:
                unigrams[key] += weight
            for pair in zip(run, run[1:], strict=False):
                bigrams[pair] += weight
            for triple in zip(run, run[1:], run[2:], strict=False):
                trigrams[triple] += weight
    followers: Counter[str] = Counter(left for left, _ in bigrams)
    pair_followers: Counter[tuple[str, str]] = Counter((a, b) for a, b, _ in trigrams)
    histories: Counter[str] = Counter()
    for (left, _), count in bigrams.items():
        histories[left] += count
    pair_histories: Counter[tuple[str, str]] = Counter()
    for (a, b, _), count in trigrams.items():
        pair_histories[(a, b)] += count
    continuations: Counter[str] = Counter(right for _, right in bigrams)
    return LanguageModel(
        dict(unigrams),
        dict(bigrams),
        dict(followers),
        sum(unigrams.values()),
        dict(trigrams),
        dict(pair_followers),
        dict(histories),
        dict(pair_histories),
        dict(continuations),
        sum(continuations.values()),
    )


@lru_cache(maxsize=1)
def language_model() -> LanguageModel:
    from extract.ocr.postcorrect import _GENRE_PHRASES, _GENRE_WORDS, dictionary_path, registry_names

    def sentences() -> Iterator[tuple[str, int]]:
        for sentence in _vlsp_sentences():
            yield sentence, 1
        path = dictionary_path()
        if path is not None:
            for entry in path.read_text(encoding="utf-8").splitlines():
                yield entry, 1
        for line in (_GENRE_WORDS + _GENRE_PHRASES).splitlines():
            for phrase in line.split("|"):
                yield phrase, GENRE_WEIGHT
        for name in registry_names():
            yield name, GENRE_WEIGHT

    return train(sentences())


def channel_logprob(read: str, candidate: str, distance: int) -> float:
    """log P(the recogniser printed ``read`` | the page had ``candidate``)."""
    if distance == 0 or read == candidate:
        return 0.0
    return math.log(MARK_ERROR) + (distance - 1) * math.log(FURTHER_MARK_ERROR)


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    margin: float  # log-odds of the choice over the reading (inf when the reading is impossible)


def choose(
    read_key: str,
    candidates: Iterable[str],
    left: tuple[str, str],
    right: tuple[str, str],
    distance: dict[str, int],
    *,
    read_possible: bool = True,
    error_odds: float = 1.0,
    need_content: bool = True,
) -> Choice | None:
    """The candidate more probable than the reading in its context, or None to keep the reading.

    ``left`` is the two syllables before (nearest last), ``right`` the two after (nearest first).

    ``distance`` gives each candidate's number of differing marks; ``error_odds`` scales the
    channel's error rate (an unsure word is likelier misread). ``need_content``: a known reading
    with no content word beside it is kept (a genre phrase's own syllables are content enough)."""
    model = language_model()
    # A neighbour the model has never seen (a misread "rnắc", an acronym) says nothing about this
    # word; left in, its back-off would favour whichever candidate has the most varied followers.
    left = _known(model, left)
    right = _known(model, right[::-1])[::-1]
    bonus = math.log(error_odds)
    best: tuple[float, str] | None = None
    for candidate in candidates:
        score = (
            model.context_logprob(left, candidate, right)
            + channel_logprob(read_key, candidate, distance.get(candidate, 1))
            + bonus
        )
        if best is None or score > best[0]:
            best = (score, candidate)
    if best is None:
        return None
    if not read_possible:
        return Choice(best[1], math.inf)
    rare = model.unigrams.get(read_key, 0) < RARE
    if need_content and not rare and not _content(left[1]) and not _content(right[0]):
        # With no known neighbour only frequency speaks, and frequency is no evidence; a function
        # word beside it ("phường và") follows nearly anything and is hardly more.
        return None
    own = model.context_logprob(left, read_key, right)
    margin = best[0] - own
    return Choice(best[1], margin) if margin > 0 else None


def _content(key: str) -> bool:
    return bool(key) and key not in _function_keys()


@lru_cache(maxsize=1)
def _function_keys() -> frozenset[str]:
    from extract.ocr.postcorrect import stopwords

    return frozenset(tone_key(word) for word in stopwords() if " " not in word and is_valid_syllable(word))


def _known(model: LanguageModel, pair: tuple[str, str]) -> tuple[str, str]:
    """(far, near) with the near key dropped when unknown, and the far one with it."""
    far, near = pair
    if near not in model.unigrams:
        return "", ""
    return (far if far in model.unigrams else ""), near


def mark_distance(read: str, candidate: str) -> int:
    """Marks that differ between two spellings of one skeleton ("cố"/"cổ" 1, "cố"/"cơ" 2)."""
    from rapidfuzz.distance import Levenshtein

    def spelt(text: str) -> str:
        return unicodedata.normalize("NFD", text.lower().replace("đ", "d\u0335"))

    return Levenshtein.distance(spelt(read), spelt(candidate))
