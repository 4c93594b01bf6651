"""Vietnamese orthography for OCR post-correction: is a word a valid syllable, and its tone-free keys.

A syllable is valid when onset + rhyme + tone obey Vietnamese spelling: a stop coda p/t/c/ch
takes only the sắc or nặng tone; k/gh/ngh come only before i/e/ê/y, and so on.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from extract.textforms import ONSETS, TONE_MARKS, fold

_TONE_MARKS = TONE_MARKS
_ONSETS = (*ONSETS, "")
_RHYMES = frozenset(
    """
    a ai ao au ay ac ach am an ang anh ap at
    ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
    e eo ec em en eng ep et ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
    oc oe oen oeo oet oi om on ong ooc oong op ot
    ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
    u ua uân uâng uât uây uc ui um un ung uông uôc uôi uôm uôn uôt up ut
    uy uya uych uyên uyêt uynh uyt uyu uê uênh uơ uyn
    ư ưa ưc ưi ưm ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêt yêu
    """.split()
)
_STOP_CODAS = ("p", "t", "c", "ch")
_FRONT = ("i", "e", "ê", "y")
_VOWELS = set("aăâeêioôơuưy")


def _split_tone(syllable: str) -> tuple[str, str]:
    """Lower-case syllable without its tone mark, and the tone name ("" for ngang)."""
    decomposed = unicodedata.normalize("NFD", syllable.lower())
    tone = ""
    kept = []
    for char in decomposed:
        if char in _TONE_MARKS:
            tone = _TONE_MARKS[char]
        else:
            kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=65536)
def is_valid_syllable(word: str) -> bool:
    base, tone = _split_tone(word)
    if not base or not base.isalpha():
        return False
    return any(base.startswith(onset) and _spelt_with(onset, base, tone) for onset in _ONSETS)


def _spelt_with(onset: str, base: str, tone: str) -> bool:
    """``base`` (with ``tone``) is a syllable read as ``onset`` + rhyme."""
    rhyme = base[len(onset) :]
    if onset == "gi" and (not rhyme or rhyme[0] not in _VOWELS or rhyme.startswith("i")):
        # "gì", "gìn": g + i...; "gia": gi + a
        rhyme = base[1:]
        onset = "g"
    if onset == "qu" and rhyme.startswith("u"):
        return False
    if rhyme not in _RHYMES or not _onset_fits(onset, rhyme):
        return False
    return not (rhyme.endswith(_STOP_CODAS) and tone not in ("sac", "nang"))


def _onset_fits(onset: str, rhyme: str) -> bool:
    """Spelling rules of the onset before the rhyme: k/gh/ngh only before i/e/ê/y, c/ng never, ..."""
    if onset in ("k", "gh", "ngh") and not rhyme.startswith(_FRONT):
        return False
    if onset in ("c", "ng") and rhyme.startswith(("i", "e", "ê")):
        return False
    if onset == "g" and rhyme.startswith(("e", "ê")):
        return False
    return not (onset == "qu" and rhyme.startswith(("o", "u")))


@lru_cache(maxsize=65536)
def tone_key(word: str) -> str:
    """The syllable independent of where the tone mark sits: "hóa" and "hoá" are one syllable."""
    base, tone = _split_tone(word)
    return f"{base}|{tone}"


def skeleton(word: str) -> str:
    """Letters with every diacritic gone (đ kept apart from d would defeat the purpose)."""
    return fold(word)
