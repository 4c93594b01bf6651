"""Diacritics of capital-letter lines, chosen a word at a time: "LINH VỨC VĂN HOA - XA HOI".

On a capital the tone mark and the hat sit above the cap height, two or three pixels tall at 200 dpi,
and Tesseract drops or swaps them far more often than on small letters, while it reads the letters
themselves well. So in a run of capital syllables the letters are kept and the marks are taken from
the words they must form: each adjacent pair whose reading is no word (or only a general-dictionary
word where a variant is one of the genre's own: "VĂN HOA" beside "VĂN HÓA" of the unit registry) is
replaced by the pair of diacritic variants that is a word, both syllables at once — the per-syllable
correction cannot fix two wrong neighbours ("XA HOI" -> "XÃ HỘI").
"""

from __future__ import annotations

import re
import unicodedata
from itertools import product

from extract.ocr.lexicon import known_pair, registry_pairs
from extract.ocr.postcorrect import lexicon, skeleton, stopwords, tone_key


def fix_capital_run(words: list[str]) -> list[str]:
    """``words`` (one line's tokens) with the diacritics of each pair of adjacent capital
    syllables chosen to form a word; other tokens are left as they are and break the pairs."""
    parts = [_SPLIT.match(word) for word in words]
    fixed = [match.group(2) if match else "" for match in parts]
    index = 0
    while index + 1 < len(fixed):
        index += _settle_pair(fixed, parts, index)
    return [
        word if match is None else match.group(1) + core + match.group(3)
        for word, match, core in zip(words, parts, fixed, strict=True)
    ]


def _settle_pair(fixed: list[str], parts: list[re.Match[str] | None], index: int) -> int:
    """Chooses the marks of the pair of cores at ``index`` (in ``fixed``, in place); returns how far
    on the next pair starts: 2 when this pair is spent, 1 when its second word may pair onwards."""
    left, right = fixed[index], fixed[index + 1]
    if not _joined_capitals(parts[index], parts[index + 1], left, right):
        return 1
    read = (_key(left), _key(right))
    if known_pair(read) and not _genre(read):
        # A word as read keeps both syllables unless the genre has the pair another way; either
        # way the pair is spent, so its second syllable is not re-paired with the next word.
        pair = _better_pair(left, right)
        fixed[index], fixed[index + 1] = pair or (left, right)
        return 2
    if _genre(read) or left.lower() in stopwords() or right.lower() in stopwords():
        # A function word ("CỦA", "VÀ") is short and read well; it only breaks the pairing.
        return 2 if _genre(read) else 1
    pair = _better_pair(left, right)
    if pair is None:
        return 1
    fixed[index], fixed[index + 1] = pair
    return 2


def _joined_capitals(this: re.Match[str] | None, after: re.Match[str] | None, left: str, right: str) -> bool:
    """Two capital syllables with nothing but space between them."""
    # A mark between the two ("HÓA -", "TẾ, XÃ") means they are not one word.
    joined = this is not None and after is not None and not this.group(3) and not after.group(1)
    return joined and _capital_syllable(left) and _capital_syllable(right)


_SPLIT = re.compile(r"^(\W*)(\w+)(\W*)$", re.UNICODE)


def _capital_syllable(token: str) -> bool:
    # Its letters spell some syllable; the marks as read may not fit them ("VUC": a stop coda with no
    # tone mark is no syllable, "VỰC" is).
    return len(token) > 1 and token.isalpha() and token.isupper() and bool(lexicon().by_skeleton.get(skeleton(token)))


def _key(token: str) -> str:
    return tone_key(unicodedata.normalize("NFC", token.lower()))


def _genre(pair: tuple[str, str]) -> bool:
    return pair in registry_pairs() or pair in lexicon().genre_bigrams


def _doubtful(token: str) -> bool:
    bare = unicodedata.normalize("NFD", token.lower())
    return all(unicodedata.combining(char) == 0 for char in bare) or _key(token) not in lexicon().unigrams


def _better_pair(left: str, right: str) -> tuple[str, str] | None:
    """The capitalised variant pair to use instead of (left, right), or None to keep the reading."""
    read = (_key(left), _key(right))
    if _genre(read):
        return None
    lex = lexicon()
    variants = product(lex.by_skeleton.get(skeleton(left), []), lex.by_skeleton.get(skeleton(right), []))
    # Only a pair the reading makes doubtful changes: one of its syllables has no mark at all (the
    # marks were dropped) or is no dictionary syllable; two known marked syllables ("NGUYỄN VĂN",
    # a name no dictionary lists as a word) are kept as read.
    if not (_doubtful(left) or _doubtful(right)):
        return None
    words = [pair for pair in variants if pair != read and known_pair(pair)]
    genre = [pair for pair in words if _genre(pair)]
    if known_pair(read):
        choices = genre  # a dictionary word as read yields only to one of the genre's own
    else:
        choices = genre or words
    if not choices:
        return None
    # Fewest changed syllables first, then the commoner words.
    best = min(
        choices,
        key=lambda pair: (
            (pair[0] != read[0]) + (pair[1] != read[1]),
            -(lex.unigrams.get(pair[0], 0) + lex.unigrams.get(pair[1], 0)),
            pair,
        ),
    )
    return (lex.display.get(best[0], left).upper(), lex.display.get(best[1], right).upper())
