"""Is this word a well-formed Vietnamese syllable? The statistical evidence behind encoding detection.

Mis-decoded legacy text ("KÕ ho¹ch", "Keá hoaïch") is full of words that cannot be Vietnamese:
symbols inside words, vowels with a diaeresis or a ring, two tones on one syllable, a tone on a
consonant. Counting well-formed and ill-formed words with Vietnamese letters therefore tells a
correct decoding from a wrong one without any dictionary.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from extract.textforms import CODA_PATTERN, ONSET_PATTERN, TONE_MARKS

_ONSET = ONSET_PATTERN
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy "
    "ưa ưi ưu ươ yê oai oay oao oeo uây uôi uya uyê uyu ươi ươu iêu yêu"
).split()
_CODA = CODA_PATTERN
_SYLLABLE = re.compile(
    rf"(?:{_ONSET})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:{_CODA})?", re.IGNORECASE
)
_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
# Characters trimmed from the ends of a whitespace token before judging it: ASCII punctuation
# and digits, and Unicode quotes, brackets and dashes ("“Dữ", "(2026–2030)").
_EDGE_CATEGORIES = {"Pi", "Pf", "Ps", "Pe", "Pd"}
_INNER_SPLIT = re.compile(r"[\x21-\x2f\x30-\x40\x5b-\x60\x7b-\x7e]+")


def _is_edge(char: str) -> bool:
    return (char.isascii() and not char.isalpha()) or unicodedata.category(char) in _EDGE_CATEGORIES


@lru_cache(maxsize=65536)  # words repeat: a document has a few thousand distinct ones
def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` (letters only) could be a Vietnamese syllable: one tone at most, on a vowel."""
    decomposed = unicodedata.normalize("NFD", word)
    base: list[str] = []
    tones = 0
    for char in decomposed:
        if char in TONE_MARKS:
            tones += 1
            previous = unicodedata.normalize("NFC", base[-1]) if base else ""
            if tones > 1 or previous[-1:] not in _VOWELS:
                return False
        elif unicodedata.combining(char):
            if not base:
                return False
            base[-1] += char
        else:
            base.append(char)
    toneless = unicodedata.normalize("NFC", "".join(base))
    return _SYLLABLE.fullmatch(toneless) is not None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words with non-ASCII characters that are / are not well-formed Vietnamese syllables."""

    valid: int
    invalid: int

    @property
    def ratio(self) -> float:
        total = self.valid + self.invalid
        return self.valid / total if total else 0.0

    @property
    def score(self) -> int:
        # An ill-formed word is stronger evidence than a well-formed one: mojibake often
        # produces a few words that happen to be valid ("KÕ" reads as "kõ").
        return self.valid - 2 * self.invalid


def vietnamese_evidence(text: str) -> Evidence:
    valid = invalid = 0
    for token in text.split():
        if token.isascii():
            continue  # no Vietnamese letter in any of its parts: it counts for neither
        token_valid, token_invalid = _token_evidence(token)
        valid += token_valid
        invalid += token_invalid
    return Evidence(valid, invalid)


@lru_cache(maxsize=65536)  # a text file's tokens repeat: judged once each, not at every occurrence
def _token_evidence(token: str) -> tuple[int, int]:
    """(well-formed, ill-formed) syllables with non-ASCII letters in one whitespace token."""
    valid = invalid = 0
    start, end = 0, len(token)
    while start < end and _is_edge(token[start]):
        start += 1
    while end > start and _is_edge(token[end - 1]):
        end -= 1
    for part in _INNER_SPLIT.split(token[start:end]):
        if not part or part.isascii():
            continue
        if is_vietnamese_syllable(part):
            valid += 1
        else:
            invalid += 1
    return valid, invalid
