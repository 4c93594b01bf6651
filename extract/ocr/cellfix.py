"""Table cells repaired with the recogniser's own evidence: word boxes and confidences.

:mod:`extract.ocr.postcorrect` sees text only. Here every word still carries its box and
Tesseract's confidence, which settles what text alone cannot:

* a mark read from a speck of dust (scanner noise, a stamp's edge) is a few pixels across, while a
  printed dash is as wide as a letter; such a mark standing on its own is dropped ("cận : nghèo");
  a printed mark is kept however unsure Tesseract was of it;
* brackets are balanced: a cell opens "(" and closes "}" or "]" only because the scan blurred it;
* a dash lost or garbled between two acronyms the unit registry writes with one ("VH XH",
  "VH~ XH") is restored, in the dash this page prints;
* a syllable read with low confidence that forms no word with its neighbours is replaced by the
  one differing only in diacritics that does ("theo đõi" -> "theo dõi", "vật thế" -> "vật thể"),
  with words of the dictionary, the unit registry and this page's confident text as the lexicon;
  a confident reading only for the recogniser's habitual slip (the hỏi hook read as sắc) or a
  variant the page itself prints more often;
* ";" and ":" follow the page's own labels, and a "." or ":" glued to a word from a speck (its
  box a tenth of the letter height, a printed period's a fifth) is dropped.

Every change is returned as a :class:`Correction` with its reason, so the original stays on record.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from rapidfuzz.distance import Levenshtein

from extract.ocr.capitals import fix_capital_run
from extract.ocr.cells import CellReading, words_to_lines
from extract.ocr.columns import code_columns, repair_codes
from extract.ocr.engine import Symbol, Word
from extract.ocr.langmodel import choose, mark_distance
from extract.ocr.lexicon import (
    PageVocabulary,
    dictionary_words,
    known_pair,
    registry_dashed,
    registry_pairs,
    syllable_keys,
)
from extract.ocr.numbering import regroup, renumber
from extract.ocr.postcorrect import Correction, correct_text, is_valid_syllable, lexicon, skeleton, stopwords, tone_key

# Below this a word is unsure enough for its diacritics to be questioned. The LSTM's word
# confidence is a weak signal (wrong words reach 0.93, 3 % of right ones fall below 0.9), so
# a word is only changed when the lexicon also says it is wrong.
LOW_WORD_CONFIDENCE = 0.9
# An unsure word is this many times likelier to carry a misread mark than the recogniser's average.
UNSURE_ERROR_ODDS = 3.0
# The recogniser's habitual slip on grey scans, the hỏi hook read as a sắc stroke, is this many
# times likelier than another wrong mark (greyread.py).
HOOK_SLIP_ODDS = 3.0
# A mark no larger than this share of the letter height is dust: a printed hyphen is about
# 0.4 of it wide, a speck read as "." or ":" 0.1.
SPECK_SHARE = 0.2

# A mark glued to a word is dust when its box is no larger than this share of the letter height.
GLUED_SPECK_SHARE = 0.135
_GLUED_MARKS = set(".,:;")
_SPECK_MARKS = set(".,:;'`\"-–~_^*")
_CLOSERS = {"}": ")", "]": ")"}
_VIETNAMESE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}


@dataclasses.dataclass
class _Token:
    text: str
    confidence: float
    line: int


# Records a token's change: (token index, its text before, reason).
_Note = Callable[[int, str, str], None]


def correct_readings(
    readings: Sequence[CellReading], page: int, siblings: Mapping[int, int] | None = None
) -> tuple[list[CellReading], list[Correction]]:
    """Each reading with its text repaired, and the corrections made; ``siblings`` are the code columns
    of the page's other tables of this width (:func:`extract.ocr.columns.siblings_of`)."""
    lined = [words_to_lines(reading.words) for reading in readings]
    vocabulary = PageVocabulary.learn(
        [(word.text, word.confidence) for word in line] for lines in lined for line in lines
    )
    repaired: list[CellReading] = []
    corrections: list[Correction] = []
    for reading, lines in zip(readings, lined, strict=True):
        corrections.extend(dataclasses.replace(fix, page=page) for fix in reading.corrections)
        if not lines:
            repaired.append(reading)
            continue
        tokens, fixed = _repair_cell(lines, page, vocabulary)
        corrections.extend(fixed)
        # The text-only pass (phrases, syllables, acronyms) here rather than on the finished table,
        # so that it knows what both readings of the cell agreed on.
        text, by_text = correct_text(_join(tokens), page, agreed=reading.agreed)
        corrections.extend(by_text)
        repaired.append(reading if text == reading.text else dataclasses.replace(reading, text=text))
    renumbered, fixed_numbers = renumber(repaired, page)
    regrouped, fixed_groups = regroup(renumbered, page)
    coded, fixed_codes = repair_codes(regrouped, page, siblings)
    coded, extra_glyphs = _drop_extra_glyphs(coded, page, siblings)
    return coded, corrections + fixed_numbers + fixed_groups + fixed_codes + extra_glyphs


# Digit look-alikes inside a code, as columns.py reads them; any other letter there is no digit.
_CODE_DIGIT_GLYPHS = str.maketrans({"I": "1", "l": "1", "|": "1", "!": "1", "O": "0", "o": "0", "$": "5", "S": "5"})


def _drop_extra_glyphs(
    readings: list[CellReading], page: int, siblings: Mapping[int, int] | None = None
) -> tuple[list[CellReading], list[Correction]]:
    """A code one character longer than its column's shape loses the character read twice: a letter no digit
    looks like, whose box lies over its neighbour's ("GIố6" in a column of G01…G40: "ố" drawn over the "6"),
    when dropping it and only it gives a code of the shape. Anything else stays as read and is flagged."""
    result = list(readings)
    corrections: list[Correction] = []
    for shape, indices in code_columns(readings, siblings).values():
        for index in indices:
            text = readings[index].text.strip()
            if shape.fits(text) or " " in text:
                continue
            prefix = next((p for p in sorted(shape.prefixes, key=len, reverse=True) if text.startswith(p)), None)
            if prefix is None or len(text) != len(prefix) + shape.digits + 1:
                continue
            rest = text[len(prefix) :].translate(_CODE_DIGIT_GLYPHS)
            cuts = [
                cut
                for cut, char in enumerate(rest)
                if char.isalpha() and shape.fits(prefix + rest[:cut] + rest[cut + 1 :])
            ]
            if len(cuts) != 1 or not _read_twice(readings[index], text, len(prefix) + cuts[0]):
                continue
            fixed = prefix + rest[: cuts[0]] + rest[cuts[0] + 1 :]
            result[index] = dataclasses.replace(readings[index], text=fixed)
            corrections.append(Correction(page, readings[index].text, fixed, f"cột mã {text}", "code"))
    return result, corrections


# A glyph whose box lies this much (share of its width) over its neighbour's is a second reading of that ink.
DOUBLE_READ_OVERLAP = 1 / 3


def _read_twice(reading: CellReading, text: str, position: int) -> bool:
    """The character at ``position`` was read from ink a neighbouring character was read from too."""
    if len(reading.words) != 1 or reading.words[0].text != text or len(reading.words[0].symbols) != len(text):
        return False
    symbols = reading.words[0].symbols
    mark = symbols[position]
    for other in symbols[max(0, position - 1) : position] + symbols[position + 1 : position + 2]:
        overlap = min(mark.left + mark.width, other.left + other.width) - max(mark.left, other.left)
        if overlap >= DOUBLE_READ_OVERLAP * mark.width:
            return True
    return False


def _join(tokens: list[_Token]) -> str:
    lines: dict[int, list[str]] = {}
    for token in tokens:
        if token.text:
            lines.setdefault(token.line, []).append(token.text)
    return "\n".join(" ".join(words) for _, words in sorted(lines.items()))


def _repair_cell(
    lines: list[list[Word]], page: int, vocabulary: PageVocabulary
) -> tuple[list[_Token], list[Correction]]:
    tokens, corrections = _cell_tokens(lines, page)

    def note(index: int, original: str, reason: str) -> None:
        if tokens[index].text != original:
            corrections.append(Correction(page, original, tokens[index].text, _around(tokens, index), reason))

    # Each pass sees the text the one before left; the corrections come out in the passes' order.
    _each_token(
        tokens,
        note,
        "stray_mark",
        lambda i: _strip_stray_marks(tokens[i].text, first_in_line=_first_in_line(tokens, i)),
    )
    _each_token(tokens, note, "mark", lambda i: _page_mark(tokens[i].text, vocabulary))
    _balance_brackets(tokens, note)
    _restore_dashes(tokens, vocabulary, note)
    _split_tokens(tokens, note)
    _fix_words(tokens, vocabulary, note)
    _fix_capitals(tokens, note)
    return tokens, corrections


def _cell_tokens(lines: list[list[Word]], page: int) -> tuple[list[_Token], list[Correction]]:
    """The cell's words as tokens, specks of dust dropped (alone) or cut off (glued to a word)."""
    corrections: list[Correction] = []
    heights = [word.height for line in lines for word in line if any(c.isalpha() for c in word.text)]
    letter_height = statistics.median(heights) if heights else max(w.height for line in lines for w in line)
    tokens: list[_Token] = []
    for number, line in enumerate(lines):
        for word in line:
            if _is_speck(word, letter_height):
                corrections.append(Correction(page, word.text, "", _context(line, word), "speck"))
                continue
            text = _without_glued_specks(word, letter_height)
            if text != word.text:
                corrections.append(Correction(page, word.text, text, _context(line, word), "speck"))
            tokens.append(_Token(text, word.confidence, number))
    return tokens, corrections


def _each_token(tokens: list[_Token], note: _Note, reason: str, repaired: Callable[[int], str]) -> None:
    for index, token in enumerate(tokens):
        original = token.text
        token.text = repaired(index)
        note(index, original, reason)


def _split_tokens(tokens: list[_Token], note: _Note) -> None:
    for index, token in enumerate(tokens):
        original = token.text
        split = _split_run_together(token.text)
        if split is not None:
            token.text = split
            note(index, original, "split")


def _fix_words(tokens: list[_Token], vocabulary: PageVocabulary, note: _Note) -> None:
    # Least sure first: a wrong neighbour fixed first no longer pulls a right word its way
    # ("phạm vị" -> "phạm vi", not "phẩm vị").
    for index in sorted(range(len(tokens)), key=lambda i: tokens[i].confidence):
        original = tokens[index].text
        replacement = _word_fix(tokens, index, vocabulary)
        if replacement is not None:
            tokens[index].text = replacement
            note(index, original, "word")


def _fix_capitals(tokens: list[_Token], note: _Note) -> None:
    for number in sorted({token.line for token in tokens}):
        indices = [index for index, token in enumerate(tokens) if token.line == number and token.text]
        for index, text in zip(indices, fix_capital_run([tokens[i].text for i in indices]), strict=True):
            original, tokens[index].text = tokens[index].text, text
            note(index, original, "capitals")


# ---------------------------------------------------------------- marks


def _is_speck(word: Word, letter_height: float) -> bool:
    """A lone mark the size of a speck of dust (a real "." or ":" is glued to its word)."""
    if not word.text or any(char not in _SPECK_MARKS for char in word.text):
        return False
    return max(word.width, word.height) <= SPECK_SHARE * letter_height


def _without_glued_specks(word: Word, letter_height: float) -> str:
    """The word without a "." ":" "," ";" Tesseract glued to it from a speck. On the corpus scans a
    printed period is 0.15-0.25 of the letter height across, every glued speck 0.07-0.12 ("tử."
    where the dot was dust); the mark's own box, not its confidence (0.9-1.0 for both), tells."""
    text, symbols = word.text, word.symbols
    if len(symbols) < 2 or len(text) < 2:
        return text

    def speck(mark: Symbol) -> bool:
        return mark.text in _GLUED_MARKS and max(mark.width, mark.height) <= GLUED_SPECK_SHARE * letter_height

    if text.endswith(symbols[-1].text) and speck(symbols[-1]):
        text = text[: -len(symbols[-1].text)]
    if text.startswith(symbols[0].text) and speck(symbols[0]):
        text = text[len(symbols[0].text) :]
    return text


def _first_in_line(tokens: list[_Token], index: int) -> bool:
    return index == 0 or tokens[index - 1].line != tokens[index].line


_LEADING_DOTS = re.compile(r"^[.,:;]+(?=[-–\w(])")
_MARK_THEN_DOT = re.compile(r"(?<=\w)([:;,])\.$|(?<=\w)(\.)\.$")


def _strip_stray_marks(text: str, *, first_in_line: bool) -> str:
    """Marks no printed word carries: a period before a word (".trường", ".- Phạm vi"), a period
    after a colon ("vi:."), a doubled period ("dụng.." — an ellipsis has three), a tilde for a list
    dash at a line's start ("~Nội")."""
    text = _LEADING_DOTS.sub("", text)
    text = _MARK_THEN_DOT.sub(lambda m: m.group(1) or m.group(2), text)
    if first_in_line and len(text) > 1 and text[0] == "~" and text[1].isupper():
        text = "- " + text[1:]
    return text


_LABEL = re.compile(r"^(\W*[^\W\d_]+)([:;])$", re.UNICODE)


def _page_mark(text: str, vocabulary: PageVocabulary) -> str:
    """ ";" and ":" look alike on a grey scan: a word the page prints with the other mark three
    times as often ("Mục đích:" on every row) takes that mark."""
    match = _LABEL.match(text)
    if match is None:
        return text
    keys = syllable_keys(match.group(1))
    if not keys or not keys[0]:
        return text
    mark = match.group(2)
    other = ":" if mark == ";" else ";"
    seen, other_seen = vocabulary.marks[(keys[0], mark)], vocabulary.marks[(keys[0], other)]
    return match.group(1) + other if other_seen >= 2 and other_seen >= 3 * seen else text


def _balance_brackets(tokens: list[_Token], note: _Note) -> None:
    """ "(" closed by "}" or "]" is closed by ")"; and a word inside an open "(" that ends in a
    letter Vietnamese never writes ("(nhómÿ") was closed by the mark read as that letter."""
    depth = 0
    for index, token in enumerate(tokens):
        original = token.text
        chars = list(token.text)
        for position, char in enumerate(chars):
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            elif char in _CLOSERS and depth > 0:
                chars[position] = _CLOSERS[char]
                depth -= 1
        core = "".join(chars).rstrip(".,;:")
        if depth > 0 and len(core) > 1 and core[-1].isalpha() and not _vietnamese_letter(core[-1]):
            chars[len(core) - 1] = ")"
            depth -= 1
        token.text = "".join(chars)
        note(index, original, "bracket")


def _vietnamese_letter(char: str) -> bool:
    decomposed = unicodedata.normalize("NFD", char.lower())
    base, marks = decomposed[0], decomposed[1:]
    return (base in "abcdeghiklmnopqrstuvxy" or char.lower() in "đfjwz") and all(
        mark in _VIETNAMESE_MARKS for mark in marks
    )


_ACRONYM = re.compile(r"^([A-ZĐ]{2,6})([-–~]?)$")


def _restore_dashes(tokens: list[_Token], vocabulary: PageVocabulary, note: _Note) -> None:
    """ "VH XH", "VH~ XH", "VH- XH" -> "VH– XH" when the registry joins the pair with a dash."""
    for index in range(len(tokens) - 1):
        left = _ACRONYM.match(tokens[index].text)
        right = re.match(r"^([A-ZĐ]{2,6})\b", tokens[index + 1].text)
        if left is None or right is None or (left.group(1), right.group(1)) not in registry_dashed():
            continue
        dash = vocabulary.dash() or (left.group(2) if left.group(2) in "-–" and left.group(2) else "-")
        original = tokens[index].text
        tokens[index].text = left.group(1) + dash
        note(index, original, "dash")


# ---------------------------------------------------------------- words


_CORE = re.compile(r"^(\W*)([^\W\d_]+)(\W*)$", re.UNICODE)


_HYPHENATED = re.compile(r"^(\W*)([^\W\d_]+)-([^\W\d_]+)(\W*)$", re.UNICODE)


def _split_run_together(text: str) -> str | None:
    """ "Dulịch" -> "Du lịch": a non-syllable that is two syllables forming a known word; and
    "cấp-xã" -> "cấp xã": a hyphen read from a speck between the two syllables of a word."""
    hyphenated = _HYPHENATED.match(text)
    if hyphenated is not None:
        lead, left, right, trail = hyphenated.groups()
        if left.islower() and right.islower() and is_valid_syllable(left) and is_valid_syllable(right):
            if known_pair((tone_key(left), tone_key(right))):
                return f"{lead}{left} {right}{trail}"
        return None
    match = _CORE.match(text)
    if match is None:
        return None
    lead, core, trail = match.groups()
    if len(core) < 3 or is_valid_syllable(core) or not core[1:].islower():
        return None
    if core.lower() in dictionary_words():
        return None  # a loanword written as one ("nitơ")
    for cut in range(1, len(core)):
        left, right = core[:cut], core[cut:]
        if is_valid_syllable(left) and is_valid_syllable(right):
            pair = (tone_key(left.lower()), tone_key(right.lower()))
            if known_pair(pair):
                return f"{lead}{left} {right}{trail}"
    return None


@dataclasses.dataclass(frozen=True)
class _Site:
    """A syllable _word_fix weighs, with the keys of the neighbours it could form a word with."""

    lead: str
    core: str
    trail: str
    key: str
    previous: str
    following: str
    unsure: bool
    vocabulary: PageVocabulary

    def pairs(self, candidate: str) -> list[tuple[str, str]]:
        return [(self.previous, candidate), (candidate, self.following)]

    def joins(self, candidate: str) -> int:
        return int(known_pair((self.previous, candidate), self.vocabulary)) + int(
            known_pair((candidate, self.following), self.vocabulary)
        )

    def genre_joins(self, candidate: str) -> int:
        lex = lexicon()
        return sum(pair in lex.genre_bigrams or pair in registry_pairs() for pair in self.pairs(candidate))

    def on_page(self, candidate: str) -> int:
        return sum(self.vocabulary.pairs[pair] for pair in self.pairs(candidate))

    def spelt(self, candidate: str) -> str:
        return lexicon().display.get(candidate) or self.vocabulary.display[candidate]


def _word_fix(tokens: list[_Token], index: int, vocabulary: PageVocabulary) -> str | None:
    """The token with its syllable replaced by a diacritic variant that forms a known word with a
    neighbour, when Tesseract was unsure and the syllable as read forms none (or one only the
    dictionary knows while the variant's is printed elsewhere on this page)."""
    site = _site(tokens, index, vocabulary)
    if site is None:
        return None
    candidates = _variants(site)
    if not candidates or site.genre_joins(site.key):
        return None
    # The reading's own pairs count only when a dictionary knows them: the page may repeat the
    # same misreading confidently ("vật thế" on every row), which is no evidence for it.
    if known_pair((site.previous, site.key)) or known_pair((site.key, site.following)):
        best = _printed_variant(site, candidates)
    else:
        best = _joining_variant(site, candidates)
    if best is None:
        return None
    fixed = site.spelt(best)
    if site.core[:1].isupper():
        fixed = fixed[:1].upper() + fixed[1:]
    return f"{site.lead}{fixed}{site.trail}"


def _site(tokens: list[_Token], index: int, vocabulary: PageVocabulary) -> _Site | None:
    """The token's syllable and its neighbours' keys; None for no syllable, an acronym, or no neighbour."""
    token = tokens[index]
    match = _CORE.match(token.text)
    if match is None:
        return None
    lead, core, trail = match.groups()
    if not is_valid_syllable(core) or (core.isupper() and len(core) > 1):
        return None
    key = tone_key(unicodedata.normalize("NFC", core.lower()))
    previous = _neighbour_key(tokens, index, -1) if not lead else ""
    following = _neighbour_key(tokens, index, 1) if not trail else ""
    if not previous and not following:
        return None
    unsure = token.confidence < LOW_WORD_CONFIDENCE
    return _Site(lead, core, trail, key, previous, following, unsure, vocabulary)


def _variants(site: _Site) -> list[str]:
    """Keys the syllable could have been: its diacritic variants, and for an unsure reading also a
    syllable one letter away that this page prints confidently beside the same neighbour, twice or
    more ("cơ sử dữ liệu" -> "cơ sở")."""
    candidates = [c for c in lexicon().by_skeleton.get(skeleton(site.core), []) if c != site.key]
    if site.unsure:
        read = skeleton(site.core)
        vocabulary = site.vocabulary
        candidates += [
            c
            for c in vocabulary.neighbours(site.previous, site.following, least=2)
            if c != site.key
            and c not in candidates
            and len(other := skeleton(vocabulary.display[c])) == len(read)
            and Levenshtein.distance(read, other) == 1
        ]
    return candidates


def _printed_variant(site: _Site, candidates: list[str]) -> str | None:
    """For a reading that is a word of the dictionary: a variant printed confidently beside the same
    neighbour elsewhere on this page (twice: the LSTM misreads some words confidently), while the
    reading itself is never printed so."""
    if not site.unsure or site.on_page(site.key):
        return None
    best = max(candidates, key=site.on_page)
    return best if site.on_page(best) >= 2 else None


def _joining_variant(site: _Site, candidates: list[str]) -> str | None:
    """For a reading that forms no word: the variant that does, when the evidence is enough."""
    lex = lexicon()
    vocabulary = site.vocabulary
    # Ties go to the variant nearest the reading ("cố" -> "cổ", not "cơ"), then to the more common.
    scored = [
        (
            site.joins(c),
            -_diacritic_distance(site.core, lex.display.get(c) or vocabulary.display[c]),
            site.genre_joins(c),
            site.on_page(c),
            vocabulary.unigrams[c],
            lex.unigrams.get(c, 0),
            c,
        )
        for c in candidates
    ]
    top = max(scored)
    if top[0] == 0:
        return None  # no variant forms a word either
    best = top[-1]
    if not site.unsure and _confident_reading_stands(site, best):
        return None
    return best if _likelier_in_context(site, best) else None


def _confident_reading_stands(site: _Site, best: str) -> bool:
    """A word read with confidence needs more: not a function word ("cứu từ" is not "cứu tử") nor
    one of the genre's own ("được cấp" is not "được cập"), and either the variant is the commoner
    one on this page or the change undoes the recogniser's habitual slip on grey scans, the hỏi hook
    read as a sắc stroke ("giải thế", "vật thế", "tống hợp")."""
    unigrams = site.vocabulary.unigrams
    return (
        site.core.lower() in stopwords()
        or site.key in lexicon().genre_syllables
        or (unigrams[best] <= unigrams[site.key] and not _hook_read_as_acute(site.key, best))
    )


def _likelier_in_context(site: _Site, best: str) -> bool:
    """A dictionary pair is no evidence on its own: the variant must also be more probable in
    context than the reading ("sông Mê Công" is not "sông Mẹ Công")."""
    odds = UNSURE_ERROR_ODDS if site.unsure else 1.0
    if _hook_read_as_acute(site.key, best):
        odds *= HOOK_SLIP_ODDS
    distance = {best: mark_distance(site.core, site.spelt(best))}
    left, right = ("", site.previous), (site.following, "")
    return choose(site.key, [best], left, right, distance, read_possible=True, error_odds=odds) is not None


def _hook_read_as_acute(read: str, candidate: str) -> bool:
    """Same letters, the reading with the sắc tone where the candidate has the hỏi tone."""
    read_base, read_tone = read.split("|")
    base, tone = candidate.split("|")
    return read_base == base and read_tone == "sac" and tone == "hoi"


def _diacritic_distance(read: str, candidate: str) -> int:
    """Edits between the two spelt out as letters and combining marks ("cố"/"cổ" 1, "cố"/"cơ" 2)."""
    spelt = unicodedata.normalize("NFD", read.lower().replace("đ", "d\u0335"))
    other = unicodedata.normalize("NFD", candidate.lower().replace("đ", "d\u0335"))
    return Levenshtein.distance(spelt, other)


def _neighbour_key(tokens: list[_Token], index: int, step: int) -> str:
    """The tone key of the adjacent token when nothing but space separates the two."""
    other = index + step
    if not 0 <= other < len(tokens):
        return ""
    text = tokens[other].text
    if step < 0 and text and not text[-1].isalpha():
        return ""
    if step > 0 and text and not text[0].isalpha():
        return ""
    keys = syllable_keys(text)
    return keys[0] if keys else ""


def _context(line: list[Word], word: Word) -> str:
    return " ".join(w.text for w in line)[:60]


def _around(tokens: list[_Token], index: int) -> str:
    return " ".join(t.text for t in tokens[max(0, index - 3) : index + 4])[:60]
