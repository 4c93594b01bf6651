"""Vietnamese dictionary order, for lists a data officer scans by eye (and the catalog's stored sort column).

Code-point order puts "Đ" after "Z" and "Ư" after "U"-words of every tone; the dictionary order is
the alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, words compared letter by
letter first, and only when the letters are equal by tone: ngang, huyền, hỏi, ngã, sắc, nặng.
"""

from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(_ALPHABET)}
# combining marks that make a different letter, and the tone marks (secondary key)
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text.lower()):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        letter = base
        tone = 0
        for mark in marks:
            if mark in _LETTER_MARKS:
                letter = {"a\u0306": "ă", "a\u0302": "â", "e\u0302": "ê", "o\u0302": "ô", "o\u031b": "ơ",
                          "u\u031b": "ư"}.get(base + mark, letter)  # fmt: skip
            elif mark in _TONES:
                tone = _TONES[mark]
        if letter in _RANK:
            primary.append((0, _RANK[letter]))
        elif letter.isdigit():
            primary.append((-1, ord(letter)))  # numbers before letters, as in an index
        elif letter.isspace():
            primary.append((-2, 0))  # a shorter word first: "an" < "an toàn" < "anh"
        else:
            primary.append((1, ord(letter)))
        tones.append(tone)
    return primary, tones


def sort_key(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    return _letters(text.strip())


def sort_text(text: str) -> str:
    """``sort_key`` as one string whose code-point order is the dictionary order, so a database sorts by it
    (letters and digits only, so a database's collation, binary or not, orders it the same). Each letter is seven
    characters (its class as a letter, then its rank or code point in six hex digits), "0" ends the letters so a
    shorter text sorts first, and the tones follow one digit each: the same order as comparing ``sort_key``."""
    primary, tones = sort_key(text)
    # class -2..1 (space, digit, letter, other) → "a".."d"; a code point fits six hex digits.
    letters = "".join(f"{'abcd'[kind + 2]}{value:06x}" for kind, value in primary)
    return f"{letters}0{''.join(str(tone) for tone in tones)}"
