"""Pre-Unicode Vietnamese text (TCVN3/ABC, VNI, VIQR, Windows-1258) into Unicode NFC.

Documents typed before Unicode still circulate: a TXT saved from a ``.VnTime`` document is
single-byte TCVN3, a VNI-Times one is VNI, e-mail kept VIQR ("Vie^.t Nam"), and Windows
itself wrote Windows-1258 with combining tones. Worse, such bytes are often decoded once as
cp1252/Latin-1 by some tool and then saved as UTF-8, so "Kế hoạch" arrives as "KÕ ho¹ch"
(TCVN3) or "Keá hoaïch" (VNI) inside a perfectly valid UTF-8 file.

Nothing in the bytes names the encoding, so every candidate decoding is judged by the same
statistical evidence (:mod:`extract.legacy.syllables`): how many words with Vietnamese letters
are well-formed syllables. A UTF-8 file is only ever converted when the text as read is mostly
ill-formed *and* a legacy reading is almost entirely well-formed, so real Unicode text that
happens to contain "Õ" or "¹" stays byte for byte as it is.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable

from extract.legacy.syllables import Evidence, is_vietnamese_syllable, vietnamese_evidence
from extract.legacy.tables import (
    ACUTE,
    BREVE,
    CIRCUMFLEX,
    DOT,
    GRAVE,
    HOOK,
    HORN,
    TCVN3_HIGH,
    TCVN3_LOW,
    TILDE,
    TONES,
    VNI_BREVE_MARKS,
    VNI_CIRCUMFLEX_MARKS,
    VNI_PLAIN_MARKS,
    VNI_SINGLE,
)

ENCODINGS = ("utf-8", "tcvn3", "vni", "viqr", "cp1258")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _cp1252_char(byte: int) -> str | None:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return None


# ---------------------------------------------------------------- TCVN3

# 0xA0-0xFF: the letters of the .VnTime fonts (VN3) plus VN1 capitals in the VN3 holes.
_TCVN3_FONT_TABLE: dict[int, str] = {byte: chr(TCVN3_HIGH[byte - 0x80]) for byte in range(0xA0, 0x100)}
_TCVN3_CONTROL_TABLE: dict[int, str] = {byte: chr(code) for byte, code in TCVN3_LOW.items()}
# 0x80-0x9F hold VN1 capitals, but Windows put cp1252 punctuation (– “ ” …) there and a text
# may carry either; each occurrence is read as a capital only when it sits inside a word.
_C1_CAPITAL: dict[str, str] = {}
_C1_PUNCTUATION: dict[str, str] = {}
for _byte in range(0x80, 0xA0):
    _capital = chr(TCVN3_HIGH[_byte - 0x80])
    _C1_CAPITAL[chr(_byte)] = _capital
    _punct = _cp1252_char(_byte)
    if _punct is not None:
        _C1_CAPITAL[_punct] = _capital
        _C1_PUNCTUATION[chr(_byte)] = _punct
        _C1_PUNCTUATION[_punct] = _punct
_C1_PATTERN = re.compile("[" + re.escape("".join(_C1_CAPITAL)) + "]")
# a whitespace-delimited token holding one of them; not \s, which counts U+0085 (a VN1 capital) as space
_C1_TOKEN = re.compile(f"[^ \t\r\n\f\v]*{_C1_PATTERN.pattern}[^ \t\r\n\f\v]*")
_CP1252_C1: dict[int, str] = {
    byte: char for byte in range(0x80, 0xA0) if (char := bytes([byte]).decode("cp1252", errors="ignore"))
}
_TCVN3_ENCODE: dict[str, int] = {}
for _byte in range(0x80, 0x100):
    _char = chr(TCVN3_HIGH[_byte - 0x80])
    if not unicodedata.combining(_char):
        _TCVN3_ENCODE.setdefault(_char, _byte)
for _byte, _code in TCVN3_LOW.items():
    _TCVN3_ENCODE[chr(_code)] = _byte


def _resolve_c1(text: str) -> str:
    """Read each 0x80-0x9F character as a VN1 capital inside a well-formed word, else as punctuation."""
    if not _C1_PATTERN.search(text):
        return text
    return _C1_TOKEN.sub(_resolve_c1_token, text)


def _resolve_c1_token(match: re.Match[str]) -> str:
    token = match.group()
    as_letters = "".join(_C1_CAPITAL.get(char, char) for char in token)
    chars: list[str] = []
    for index, char in enumerate(token):
        if char not in _C1_CAPITAL:
            chars.append(char)
            continue
        neighbours = token[max(0, index - 1) : index] + token[index + 1 : index + 2]
        inside_word = any(neighbour.isalpha() or neighbour in _C1_CAPITAL for neighbour in neighbours)
        in_syllable = inside_word and is_vietnamese_syllable(_word_around(as_letters, index))
        if char not in _C1_PUNCTUATION or in_syllable:
            chars.append(_C1_CAPITAL[char])
        else:
            chars.append(_C1_PUNCTUATION[char])
    return "".join(chars)


def _word_around(text: str, index: int) -> str:
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = index + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[start:end]


_WORD = re.compile(r"[^\W\d_]+")


def _recase_capitals(text: str) -> str:
    """Restore capitals typed in the all-caps ``.VnTimeH`` font, which used the lowercase codes.

    "KÕ HO¹CH" decodes to "Kế HOạCH": a word whose only lowercase letters are toned
    Vietnamese ones among capitals was written in capitals. A word of one capital plus such
    letters ("Kế") follows its neighbours on the line when they are Vietnamese capitals.
    """
    lines = text.split("\n")
    for line_index, line in enumerate(lines):
        # Words with two capitals first, so that a one-capital word can look at recased neighbours.
        line = _recase_line(line, single_capital=False)
        lines[line_index] = _recase_line(line, single_capital=True)
    return "\n".join(lines)


def _recase_line(line: str, *, single_capital: bool) -> str:
    words = list(_WORD.finditer(line))
    pieces: list[str] = []
    last = 0
    for position, match in enumerate(words):
        word = match.group()
        if word.islower() or word.isupper():  # the common case, checked fast
            continue
        lowers = [char for char in word if char.islower()]
        uppers = [char for char in word if char.isupper()]
        if not lowers or not uppers or any(char.isascii() for char in lowers):
            continue
        if (len(uppers) == 1) != single_capital:
            continue
        if single_capital and not _caps_neighbours(words, position):
            continue
        pieces += [line[last : match.start()], word.upper()]
        last = match.end()
    return "".join(pieces) + line[last:] if pieces else line


def _caps_neighbours(words: list[re.Match[str]], position: int) -> bool:
    neighbours = [words[index].group() for index in (position - 1, position + 1) if 0 <= index < len(words)]

    def vietnamese_capitals(word: str) -> bool:
        return len(word) >= 2 and word.isupper() and not word.isascii()

    return any(vietnamese_capitals(word) for word in neighbours) and all(
        word.isupper() or vietnamese_capitals(word) for word in neighbours
    )


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3 text already decoded as Latin-1 or cp1252 ("KÕ ho¹ch") -> Unicode NFC ("Kế hoạch")."""
    text = text.translate(_TCVN3_FONT_TABLE).translate(_TCVN3_CONTROL_TABLE)
    return _nfc(_recase_capitals(_nfc(_resolve_c1(text))))


def decode_tcvn3(data: bytes) -> str:
    return tcvn3_to_unicode(data.decode("latin-1"))


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes (VN1 capitals, cp1252 punctuation); unencodable characters become '?'."""
    out = bytearray()
    for char in _nfc(text):
        if char in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[char])
        elif ord(char) < 0x80:
            out.append(ord(char))
        else:
            try:
                out += char.encode("cp1252")
            except UnicodeEncodeError:
                out.append(ord("?"))
    return bytes(out)


# ---------------------------------------------------------------- VNI

_VNI_BASES: dict[str, tuple[str, dict[str, str]]] = {}
for _base in "aA":
    _VNI_BASES[_base] = (_base, {**VNI_PLAIN_MARKS, **VNI_CIRCUMFLEX_MARKS, **VNI_BREVE_MARKS})
for _base in "eEoO":
    _VNI_BASES[_base] = (_base, {**VNI_PLAIN_MARKS, **VNI_CIRCUMFLEX_MARKS})
for _base in "uUyYiI":
    _VNI_BASES[_base] = (_base, dict(VNI_PLAIN_MARKS))
_VNI_BASES["ô"] = ("ơ", dict(VNI_PLAIN_MARKS))
_VNI_BASES["Ô"] = ("Ơ", dict(VNI_PLAIN_MARKS))
_VNI_BASES["ö"] = ("ư", dict(VNI_PLAIN_MARKS))
_VNI_BASES["Ö"] = ("Ư", dict(VNI_PLAIN_MARKS))
_VNI_MARK_CHARS = "".join({**VNI_PLAIN_MARKS, **VNI_CIRCUMFLEX_MARKS, **VNI_BREVE_MARKS})
_VNI_SINGLES = {**VNI_SINGLE, **{key.upper(): value.upper() for key, value in VNI_SINGLE.items()}}
_VNI_PATTERN = re.compile(
    f"([{re.escape(''.join(_VNI_BASES))}])([{re.escape(_VNI_MARK_CHARS + _VNI_MARK_CHARS.upper())}])"
    f"|([{re.escape(''.join(_VNI_SINGLES))}])"
)


def _vni_replace(match: re.Match[str]) -> str:
    single = match.group(3)
    if single is not None:
        return _VNI_SINGLES[single]
    base, mark = match.group(1), match.group(2)
    letter, marks = _VNI_BASES[base]
    combining = marks.get(mark.lower())
    if combining is None:  # not a mark this base takes: both characters stand for themselves
        return _VNI_SINGLES.get(base, base) + _VNI_SINGLES.get(mark, mark)
    return _nfc(letter + combining)


def vni_to_unicode(text: str) -> str:
    """VNI text already decoded as Latin-1 or cp1252 ("Keá hoaïch") -> Unicode NFC ("Kế hoạch")."""
    return _nfc(_VNI_PATTERN.sub(_vni_replace, text))


def decode_vni(data: bytes) -> str:
    return vni_to_unicode(_decode_cp1252_lenient(data))


_VNI_ENCODE_TONE = {ACUTE: "ù", GRAVE: "ø", HOOK: "û", TILDE: "õ", DOT: "ï"}
_VNI_ENCODE_CIRCUMFLEX = {"": "â", ACUTE: "á", GRAVE: "à", HOOK: "å", TILDE: "ã", DOT: "ä"}
_VNI_ENCODE_BREVE = {"": "ê", ACUTE: "é", GRAVE: "è", HOOK: "ú", TILDE: "ü", DOT: "ë"}
_VNI_ENCODE_I = {"": "i", ACUTE: "í", GRAVE: "ì", HOOK: "æ", TILDE: "ó", DOT: "ò"}


def _vni_letter(char: str) -> str | None:
    """One Unicode letter -> its VNI spelling (lowercase logic, case restored at the end)."""
    lower = char.lower()
    decomposed = unicodedata.normalize("NFD", lower)
    base, marks = decomposed[0], decomposed[1:]
    tone = "".join(mark for mark in marks if mark in TONES)
    shape = "".join(mark for mark in marks if mark not in TONES)
    spelled = _vni_spelling(lower, base, tone, shape)
    if spelled is None:
        return None
    return spelled.upper() if char.isupper() else spelled


def _vni_spelling(lower: str, base: str, tone: str, shape: str) -> str | None:
    """A lowercase letter's VNI spelling from its base letter, tone mark and shape mark (horn,
    circumflex, breve)."""
    if lower == "đ":
        spelled = "ñ"
    elif base == "i" and not shape:
        spelled = _VNI_ENCODE_I[tone]
    elif base == "y" and tone == DOT and not shape:
        spelled = "î"
    elif base in "ou" and shape == HORN:
        spelled = ("ô" if base == "o" else "ö") + _VNI_ENCODE_TONE.get(tone, "")
    elif base in "aeo" and shape == CIRCUMFLEX:
        spelled = base + _VNI_ENCODE_CIRCUMFLEX[tone]
    elif base == "a" and shape == BREVE:
        spelled = base + _VNI_ENCODE_BREVE[tone]
    elif base in "aeouy" and not shape and tone:
        spelled = base + _VNI_ENCODE_TONE[tone]
    else:
        return None
    return spelled


def encode_vni(text: str) -> bytes:
    """Unicode -> VNI bytes (cp1252 for other characters); unencodable characters become '?'."""
    out = bytearray()
    for char in _nfc(text):
        if ord(char) < 0x80:
            out.append(ord(char))
            continue
        spelled = _vni_letter(char)
        out += (spelled or char).encode("cp1252", errors="replace")
    return bytes(out)


def _decode_cp1252_lenient(data: bytes) -> str:
    # cp1252 leaves five bytes undefined; Latin-1 keeps them as C1 controls instead of failing.
    return data.decode("latin-1").translate(_CP1252_C1)


# ---------------------------------------------------------------- Windows-1258


def decode_cp1258(data: bytes) -> str:
    return _nfc(data.decode("cp1258", errors="replace"))


def encode_cp1258(text: str) -> bytes:
    """Unicode -> Windows-1258 the way Windows writes it: base letter, then a combining tone byte."""
    out = bytearray()
    for char in _nfc(text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed if mark in TONES)
        base = _nfc("".join(mark for mark in decomposed if mark not in TONES))
        out += (base + tones).encode("cp1258", errors="replace")
    return bytes(out)


# ---------------------------------------------------------------- VIQR

_VIQR_SHAPES = {("a", "("): BREVE, ("a", "^"): CIRCUMFLEX, ("e", "^"): CIRCUMFLEX, ("o", "^"): CIRCUMFLEX}
_VIQR_SHAPES |= {("o", "+"): HORN, ("u", "+"): HORN}
_VIQR_TONES = {"'": ACUTE, "`": GRAVE, "?": HOOK, "~": TILDE, ".": DOT}
_VIQR_VOWELS = set("aeiouyAEIOUY")


def viqr_to_unicode(text: str) -> str:
    """VIQR (RFC 1456: "Vie^.t Nam", "ddu+o+`ng") -> Unicode NFC. A backslash escapes a mark."""
    out: list[str] = []
    index = 0
    word_has_tone = False
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following and (following in _VIQR_TONES or following in "(^+"):
            out.append(following)
            index += 2
            continue
        if not char.isalpha():
            word_has_tone = False
        # đ begins a syllable; inside a word only the capital pair is read as Đ ("HDDND" = HĐND)
        at_word_start = not out or not out[-1][-1:].isalpha()
        if char in "dD" and following in "dD" and (at_word_start or char + following == "DD"):
            out.append("Đ" if char == "D" else "đ")
            index += 2
            continue
        if char in _VIQR_VOWELS:
            letter = char
            index += 1
            shape = _VIQR_SHAPES.get((char.lower(), text[index : index + 1]))
            if shape is not None:
                letter += shape
                index += 1
            tone = _VIQR_TONES.get(text[index : index + 1])
            if tone is not None and not word_has_tone:
                letter += tone
                word_has_tone = True
                index += 1
            out.append(_nfc(letter))
            continue
        out.append(char)
        index += 1
    return _nfc("".join(out))


def encode_viqr(text: str) -> str:
    reverse_shape = {mark: sign for (_base, sign), mark in _VIQR_SHAPES.items()}
    reverse_tone = {mark: sign for sign, mark in _VIQR_TONES.items()}
    out: list[str] = []
    for char in _nfc(text):
        if char in _VIQR_TONES or char in "(^+":
            # a mark right after a vowel would be read as part of the letter: escape it
            previous = out[-1][-1:] if out else ""
            escape = bool(previous) and (previous in _VIQR_VOWELS or previous in "(^+'`?~.")
            out.append("\\" + char if escape else char)
            continue
        if char in "đĐ":
            out.append("dd" if char == "đ" else "DD")
            continue
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) == 1 or decomposed[0] not in _VIQR_VOWELS:
            out.append(char)
            continue
        marks = decomposed[1:]
        shapes = "".join(reverse_shape.get(mark, "") for mark in marks if mark not in TONES)
        tones = "".join(reverse_tone.get(mark, "") for mark in marks if mark in TONES)
        out.append(decomposed[0] + shapes + tones)
    return "".join(out)


# ---------------------------------------------------------------- detection

_STRING_REPAIRS: dict[str, Callable[[str], str]] = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}
_BYTE_DECODERS: dict[str, Callable[[bytes], str]] = {
    "tcvn3": decode_tcvn3,
    "vni": decode_vni,
    "cp1258": decode_cp1258,
}
_VIETNAMESE_LETTER = re.compile(r"[À-ỹ]")
_VIQR_MARKED = re.compile(r"[aeiouyAEIOUY][(^+]?['`?~.](?=[a-zA-Z])|[aeiouyAEIOUY][(^+]|\b[dD][dD]")
MIN_EVIDENCE = 3  # well-formed words a conversion must produce before it is believed


SAMPLE_CHARS = 65536  # evidence is judged on the start of a file; a decision needs no more


def _best(candidates: dict[str, str]) -> tuple[str, Evidence]:
    scored = [(name, vietnamese_evidence(text)) for name, text in candidates.items()]
    return max(scored, key=lambda item: item[1].score)  # max keeps the first on ties: dict order


def repair_text(text: str) -> tuple[str, str]:
    """An already-decoded string: (text, "utf-8") when it reads as Unicode, else the repaired legacy text.

    Decides by evidence: converted only when the text as is is mostly ill-formed and a
    TCVN3/VNI reading is almost entirely well-formed Vietnamese.
    """
    text = _nfc(text)
    sample = text[:SAMPLE_CHARS]
    as_is = vietnamese_evidence(sample)
    if as_is.invalid == 0 or as_is.ratio >= 0.5:
        return text, "utf-8"
    name, evidence = _best({name: repair(sample) for name, repair in _STRING_REPAIRS.items()})
    if evidence.valid >= MIN_EVIDENCE and evidence.ratio >= 0.8 and evidence.score > as_is.score:
        return _STRING_REPAIRS[name](text), name
    return text, "utf-8"


def _looks_like_viqr(text: str, converted: str) -> bool:
    marked = len(_VIQR_MARKED.findall(text))
    words = len(_WORD.findall(text))
    evidence = vietnamese_evidence(converted)
    return marked >= MIN_EVIDENCE and marked >= 0.15 * words and evidence.ratio >= 0.8


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes of a text file -> (Unicode NFC text, encoding) with encoding in :data:`ENCODINGS`.

    UTF-8 (with or without BOM) is read as UTF-8 unless the evidence says it carries
    mis-decoded TCVN3/VNI or VIQR; other bytes are read with the legacy decoding that gives
    the most well-formed Vietnamese. Never raises: undecodable bytes become U+FFFD.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        head = data[:SAMPLE_CHARS]
        name, evidence = _best({name: decode(head) for name, decode in _BYTE_DECODERS.items()})
        # The bytes must be read somehow, so even a short legacy text ("K\xd5 HO\xb9CH") is believed.
        if evidence.valid == 0 or evidence.ratio < 0.5:
            # Not Vietnamese in any legacy reading: Windows-1258 is Latin-1 for Western text.
            return decode_cp1258(data), "cp1258"
        return _BYTE_DECODERS[name](data), name
    if text.startswith(codecs.BOM_UTF8.decode("utf-8")):
        text = text[1:]
    if not _VIETNAMESE_LETTER.search(text):
        sample = text[:SAMPLE_CHARS]
        if _looks_like_viqr(sample, viqr_to_unicode(sample)):
            return viqr_to_unicode(text), "viqr"
        return _nfc(text), "utf-8"
    return repair_text(text)


def detect_encoding(data: bytes) -> str:
    return decode_text(data)[1]
