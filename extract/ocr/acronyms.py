"""Acronyms and symbols of the genre that OCR garbles: "TFHC" -> "TTHC", "Quý II1/2026" -> "Quý III/2026".

Part of :mod:`extract.ocr.postcorrect`'s text-only pass.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from extract.ocr.syllables import is_valid_syllable

# Acronyms of the genre: a capital word one letter away from exactly one of them is that one
# ("TFHC" -> "TTHC"). Registry abbreviations are added at load time.
_ACRONYMS = frozenset(
    "TTHC CSDL UBND HĐND TTPVHCC CNTT QĐ KH NĐ CP TT BTTTT VHXH MTTQ BHXH CCVC CBCC GDĐT THCS THPT".split()
)


@lru_cache(maxsize=1)
def acronyms() -> frozenset[str]:
    found = set(_ACRONYMS)
    spec = importlib.util.find_spec("nlp")
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / "units.json"
        if path.exists():
            import json

            try:
                registry = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                registry = {}
            found.update(key.upper() for key in registry.get("abbreviations", {}) if 3 <= len(key) <= 8)
    return frozenset(found)


# Capital letters the LSTM swaps for each other (known letter, letter read); "CCHC" is not a
# misread "CCVC", but "TFHC" is a misread "TTHC".
_CONFUSABLE = frozenset(
    {("T", "F"), ("F", "T"), ("T", "I"), ("I", "T"), ("O", "Q"), ("O", "D"), ("D", "O"), ("E", "F")}
)


def acronym_fix(word: str) -> str | None:
    """The known acronym one substitution away from ``word``, when there is exactly one."""
    if not (3 <= len(word) <= 8 and word.isupper() and word.isalpha()) or word in acronyms():
        return None
    if is_valid_syllable(word):
        return None  # "NHÂN" is a word, not a misread "NHNN"
    close = [
        known
        for known in acronyms()
        if len(known) == len(word)
        and [(a, b) for a, b in zip(known, word, strict=True) if a != b] in ([pair] for pair in _CONFUSABLE)
    ]
    return close[0] if len(close) == 1 else None


_ROMAN_WITH_DIGIT = re.compile(r"\b([IVX]+)[1l|]([IVX]*)(?=/|\b)")
_DOUBLED_SLASH = re.compile(r"(?<=[IVX\d])[/⁄]{2,}|(?<=[IVX\d])⁄")


def fix_symbols(text: str) -> str:
    """OCR slips in dates and quarters: "Quý II1/2026" -> "Quý III/2026", "II/⁄2026" -> "II/2026"."""
    text = _ROMAN_WITH_DIGIT.sub(lambda m: f"{m.group(1)}I{m.group(2)}", text)
    return _DOUBLED_SLASH.sub("/", text)
