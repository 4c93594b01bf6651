"""Session 17's speed changes give what the code before them gave (the former code kept here as reference)."""

from __future__ import annotations

import random
import re
import statistics
import unicodedata
from pathlib import Path

from extract.legacy import syllables
from extract.legacy.syllables import Evidence, is_vietnamese_syllable, vietnamese_evidence
from extract.pdf.layout import _SUBSCRIPTS, _SUPERSCRIPTS, Line, Word, group_lines, lift_superscript_words
from nlp import frames

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "docs"


def _group_lines_before(words: list[Word]) -> list[Line]:
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.bottom, w.x0)):
        placed = False
        for line in reversed(lines[-3:]):
            ref = max(line, key=lambda w: w.size)
            overlap = min(ref.bottom, word.bottom) - max(ref.top, word.top)
            if overlap >= 0.5 * min(ref.bottom - ref.top, word.bottom - word.top):
                line.append(word)
                placed = True
                break
        if not placed:
            lines.append([word])
    result = [Line(tuple(sorted(line, key=lambda w: w.x0))) for line in lines]
    return sorted(result, key=lambda ln: (ln.top, ln.x0))


def _lift_before(words: list[Word]) -> list[Word]:
    if not words:
        return words
    body_size = statistics.median(word.size for word in words)
    baseline = statistics.median(word.bottom for word in words)
    out: list[Word] = []
    for word in words:
        small = word.size < 0.8 * body_size
        table = (
            _SUPERSCRIPTS if word.bottom < baseline - 0.15 * body_size
            else _SUBSCRIPTS if word.bottom > baseline + 0.5
            else None
        )  # fmt: skip
        if small and table is not None and all(ch in table for ch in word.text):
            scripted = "".join(table[ch] for ch in word.text)
            out.append(Word(scripted, word.x0, word.x1, word.top, word.bottom, word.size, word.bold, word.italic, True))
        else:
            out.append(word)
    return out


def _random_words(rng: random.Random, count: int) -> list[Word]:
    words = []
    for _ in range(count):
        size = rng.choice([6.0, 8.0, 9.5, 10.0, 12.0, 13.0, 14.0])
        bottom = rng.choice([100.0, 101.0, 112.0, 113.5, 126.0, 140.0]) + rng.random() * 4
        x0 = rng.random() * 500
        text = rng.choice(["2", "+", "Sở", "1", "a", "(3)", "Kế"])
        words.append(Word(text, x0, x0 + 5 * size, bottom - size * rng.uniform(0.6, 1.2), bottom, size, False, False))
    return words


def test_group_lines_and_superscripts_as_before() -> None:
    rng = random.Random(17)
    for _ in range(400):
        words = _random_words(rng, rng.randint(0, 40))
        assert group_lines(words) == _group_lines_before(words)
        for line in group_lines(words):
            assert lift_superscript_words(list(line.words)) == _lift_before(list(line.words))
        assert lift_superscript_words(words) == _lift_before(words)


_INNER_SPLIT = re.compile(r"[\x21-\x2f\x30-\x40\x5b-\x60\x7b-\x7e]+")


def _is_edge(char: str) -> bool:
    return (char.isascii() and not char.isalpha()) or unicodedata.category(char) in {"Pi", "Pf", "Ps", "Pe", "Pd"}


def _evidence_before(text: str) -> Evidence:
    valid = invalid = 0
    for token in text.split():
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
    return Evidence(valid, invalid)


def test_vietnamese_evidence_as_before() -> None:
    paths = sorted(CORPUS.glob("*.txt"))
    # Legacy files read as Latin-1 too: mojibake, the ill-formed words the evidence is for.
    texts = [path.read_bytes().decode(encoding, "replace") for path in paths for encoding in ("utf-8", "latin-1")]
    texts += ["KÕ ho¹ch sè 12/KH-UBND “Dữ liệu” (2026–2030) Keá hoaïch naêm", "", "abc 123", "ĐĐ-x «ọạ» —ư"]
    assert syllables._token_evidence.__wrapped__("“Dữ") == (1, 0)
    for text in texts:
        assert vietnamese_evidence(text) == _evidence_before(text)
        assert vietnamese_evidence(text) == _evidence_before(text)  # the cached tokens again


def _words_end_before(text: str, count: int) -> int:
    words = list(re.finditer(r"\S+", text))
    return words[count - 1].end() if 0 < count <= len(words) else 0


def test_word_ends_as_before() -> None:
    for text in ["", "  ", "Sở Tài chính,  Sở Nội vụ\tvà UBND tỉnh", "a\u00a0b c", "x " * 30]:
        for count in range(0, 16):
            ends = frames._word_ends(text, count)
            for words in range(1, count + 1):
                got = ends[words - 1] if words <= len(ends) else 0
                assert got == _words_end_before(text, words)
