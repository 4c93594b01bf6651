"""Which syllable pairs are words: the dictionary, the unit registry, and the page itself.

:mod:`extract.ocr.postcorrect` knows single syllables and the pairs of Viet74K's entries. Word-level
correction of a table cell also needs the names a plan prints that no general dictionary holds
(unit names of the registry: "Văn hóa – Xã hội", "Thương binh") and the vocabulary of the page being
read: what Tesseract read with high confidence elsewhere on the same page is the best evidence of
what an unsure reading of the same words should be ("thuộc tỉnh" read cleanly in one cell, "thuộc
tính" with low confidence in the next).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from extract.ocr.postcorrect import dictionary_path, is_valid_syllable, lexicon, phrases, registry_names, tone_key

CONFIDENT = 0.93  # a word read at least this sure counts as the page's vocabulary

_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)


def syllable_keys(text: str) -> list[str]:
    """Tone keys of the valid syllables of ``text`` in order; other tokens break the run with ""."""
    keys = []
    for token in text.split():
        words = _SYLLABLE.findall(token)
        if len(words) != 1 or not is_valid_syllable(words[0]):
            keys.append("")
            continue
        keys.append(tone_key(unicodedata.normalize("NFC", words[0].lower())))
    return keys


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Viet74K's entries, lower-case, as written (loanwords such as "nitơ" included)."""
    path = dictionary_path()
    if path is None:
        return frozenset()
    return frozenset(
        unicodedata.normalize("NFC", line.strip().lower())
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


@lru_cache(maxsize=1)
def registry_pairs() -> frozenset[tuple[str, str]]:
    """Adjacent syllables of the unit registry's names and aliases and of the genre phrases."""
    pairs: set[tuple[str, str]] = set()
    for bucket in phrases().values():
        for phrase in bucket:
            pairs.update(zip(phrase.keys, phrase.keys[1:], strict=False))
    for name in registry_names():
        keys = syllable_keys(name)
        pairs.update((a, b) for a, b in zip(keys, keys[1:], strict=False) if a and b)
    return frozenset(pairs)


@lru_cache(maxsize=1)
def registry_dashed() -> frozenset[tuple[str, str]]:
    """Acronym pairs the registry writes joined by a dash ("VH-XH"), upper-case."""
    found: set[tuple[str, str]] = set()
    for name in registry_names():
        for match in re.finditer(r"\b([A-ZĐ]{2,6})\s*[-–]\s*([A-ZĐ]{2,6})\b", name):
            found.add((match.group(1), match.group(2)))
    return frozenset(found)


@dataclass
class PageVocabulary:
    """Syllables and pairs read confidently on one page, and the dash it prints between acronyms."""

    unigrams: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    dashes: Counter[str] = field(default_factory=Counter)
    display: dict[str, str] = field(default_factory=dict)  # key -> the syllable as read
    marks: Counter[tuple[str, str]] = field(default_factory=Counter)  # (key, ":" or ";") after it

    @classmethod
    def learn(cls, lines: Iterable[list[tuple[str, float]]]) -> PageVocabulary:
        """``lines``: each visual line of text as (word, confidence) in reading order."""
        vocabulary = cls()
        for line in lines:
            previous = ""
            for text, confidence in line:
                for dash in re.findall(r"[A-ZĐ]{2,6}([-–])", text):
                    vocabulary.dashes[dash] += 1
                keys = syllable_keys(text)
                key = keys[0] if keys else ""
                glued = bool(text) and not text[-1].isalpha()
                if not key or confidence < CONFIDENT:
                    previous = ""
                    continue
                vocabulary.unigrams[key] += 1
                if text[-1] in ":;":
                    vocabulary.marks[(key, text[-1])] += 1
                vocabulary.display.setdefault(key, _SYLLABLE.findall(text)[0].lower())
                if previous:
                    vocabulary.pairs[(previous, key)] += 1
                previous = "" if glued else key
        return vocabulary

    def neighbours(self, previous: str, following: str, least: int) -> set[str]:
        """Syllables read confidently at least ``least`` times after ``previous`` or before ``following``."""
        return {
            key
            for (left, right), count in self.pairs.items()
            if count >= least
            for key in ((right,) if left == previous else ()) + ((left,) if right == following else ())
        }

    def dash(self) -> str | None:
        """The dash this page prints between acronyms, when it shows one."""
        if not self.dashes:
            return None
        return self.dashes.most_common(1)[0][0]


def known_pair(pair: tuple[str, str], page: PageVocabulary | None = None) -> bool:
    """A word of two syllables (or two syllables of a longer one) somewhere we trust."""
    if not pair[0] or not pair[1]:
        return False
    if pair in lexicon().bigrams or pair in registry_pairs():
        return True
    return page is not None and page.pairs[pair] > 0
