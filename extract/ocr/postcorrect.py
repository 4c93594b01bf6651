"""Vietnamese post-correction of OCR output: wrong diacritics to valid, known syllables.

Tesseract's Vietnamese model mostly gets the letters right and the diacritics wrong
(CẤP→CÁP, quyết→quyêt, đến→đên). A correction is only made to a syllable that is

* *valid* — onset + rhyme + tone obey Vietnamese orthography (a stop coda p/t/c/ch takes only
  the sắc or nặng tone; k/gh/ngh only before i/e/ê/y, ...), and
* *known* — a syllable of underthesea's Viet74K dictionary or of the genre vocabulary below,
  with the same letters once every diacritic is stripped.

An invalid syllable is replaced by the candidate that forms a known word with a neighbour,
else by the most common candidate. A valid syllable is replaced only when it forms no known
word with either neighbour while a candidate does (``đên năm`` → ``đến năm``). Every change is
returned as a :class:`Correction` so the original stays on record.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from extract.ocr.acronyms import acronym_fix, fix_symbols
from extract.ocr.langmodel import choose, mark_distance
from extract.ocr.syllables import is_valid_syllable, skeleton, tone_key

# ---------------------------------------------------------------- lexicon

# Words of the genre that a general dictionary lacks or ranks low: titles, unit names, levels.
_GENRE_WORDS = """
ủy ban nhân dân|uỷ ban nhân dân|hội đồng nhân dân|cộng hòa xã hội chủ nghĩa việt nam|độc lập tự do hạnh phúc
kế hoạch|quyết định|công văn|tờ trình|thông báo|chỉ thị|nghị quyết|nghị định|thông tư|luật
cấp xã|cấp huyện|cấp tỉnh|cấp bộ|sở|phòng|ban|ngành|văn phòng|trung tâm|chủ tịch|phó chủ tịch|giám đốc
đơn vị chủ trì|đơn vị phối hợp|chủ trì|phối hợp|thời gian thực hiện|thời hạn hoàn thành|tổ chức thực hiện
danh mục|dữ liệu|cơ sở dữ liệu|tập dữ liệu|dữ liệu mở|chia sẻ|nội bộ|theo quy định|khai thác|cập nhật
dùng chung|dữ liệu dùng chung
hằng năm|hằng quý|hằng tháng|hàng năm|hàng quý|hàng tháng
định kỳ|thường xuyên|quý|năm|tháng|ngày|đến|từ|trước|sau|tối đa
văn hóa xã hội|kinh tế|công an|quân sự|tài chính|kế toán|tư pháp|hộ tịch|địa chính|xây dựng|môi trường
giáo dục|đào tạo|y tế|lao động|thương binh|xã hội|nông nghiệp|khoa học|công nghệ|thông tin|truyền thông
nội vụ|tài nguyên|giao thông|vận tải|công thương|du lịch|thể thao|văn hóa|dân tộc|tôn giáo|thanh tra
có thể|có thể mở|không mở|hạn chế|đến năm|đến ngày|đến tháng|đến quý|đến hết|đến nay|từ năm|từ ngày|trước ngày
trong năm|hoàn thành trước|theo dõi|thẩm quyền|thay đổi|chuyển đổi
chuyển đổi số|đề án|bộ phận một cửa|phục vụ hành chính công|thủ tục hành chính|dịch vụ công
"""


@dataclass(frozen=True)
class Lexicon:
    """Syllables and adjacent pairs, keyed by :func:`tone_key`; ``by_skeleton`` maps to display forms."""

    unigrams: dict[str, int]
    bigrams: frozenset[tuple[str, str]]
    genre_bigrams: frozenset[tuple[str, str]]
    genre_syllables: frozenset[str]
    by_skeleton: dict[str, list[str]]
    display: dict[str, str]  # key -> the syllable as the dictionary writes it


def dictionary_path() -> Path | None:
    # Located without importing: importing underthesea costs seconds of model loading.
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in (root / "corpus" / "data" / "Viet74K.txt", root / "transformer" / "Viet74K.txt"):
        if candidate.exists():
            return candidate
    return None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    entries: list[str] = [
        line for chunk in _GENRE_WORDS.split("\n") for line in chunk.split("|") if line.strip()
    ]
    genre_count = len(entries)
    path = dictionary_path()
    if path is not None:
        entries.extend(path.read_text(encoding="utf-8").splitlines())
    unigrams: dict[str, int] = {}
    bigrams: set[tuple[str, str]] = set()
    genre_bigrams: set[tuple[str, str]] = set()
    genre_syllables: set[str] = set()
    display: dict[str, str] = {}
    for index, entry in enumerate(entries):
        syllables = [unicodedata.normalize("NFC", s) for s in entry.lower().split()]
        if not syllables or not all(is_valid_syllable(s) for s in syllables):
            continue
        keys = [tone_key(s) for s in syllables]
        weight = 20 if index < genre_count else 1  # the genre vocabulary outranks rare dictionary words
        for syllable, key in zip(syllables, keys, strict=True):
            unigrams[key] = unigrams.get(key, 0) + weight
            display.setdefault(key, syllable)
        pairs = list(zip(keys, keys[1:], strict=False))
        bigrams.update(pairs)
        if index < genre_count:
            genre_bigrams.update(pairs)
            genre_syllables.update(keys)
    by_skeleton: dict[str, list[str]] = {}
    for key, syllable in display.items():
        by_skeleton.setdefault(skeleton(syllable), []).append(key)
    return Lexicon(
        unigrams=unigrams,
        bigrams=frozenset(bigrams),
        genre_bigrams=frozenset(genre_bigrams),
        genre_syllables=frozenset(genre_syllables),
        by_skeleton=by_skeleton,
        display=display,
    )


# ---------------------------------------------------------------- phrases of the genre

# Phrases whose words OCR often gets individually plausible but wrong ("địa bàn tính" — a
# real word pair, "abacus" — for "địa bàn tỉnh"). Unit names come from the unit registry.
_GENRE_PHRASES = """
trên địa bàn tỉnh|trên địa bàn huyện|trên địa bàn xã|địa bàn tỉnh|địa bàn huyện|địa bàn xã|cả nước
cơ sở dữ liệu|hộ nghèo|cận nghèo|theo quy định|có thể mở|dữ liệu mở|người có công|bảo trợ xã hội
đơn vị trực thuộc|cơ quan chuyên môn|sở kế hoạch và đầu tư|các sở ban ngành|thành phố|thị xã
trật tự đô thị|quản lý đô thị|quy hoạch đô thị
công an tỉnh|công an huyện|công an xã|ubnd tỉnh|ubnd huyện|ubnd xã|hành chính công tỉnh|toàn tỉnh|của tỉnh
ủy ban nhân dân tỉnh|ủy ban nhân dân huyện|ủy ban nhân dân xã|cấp tỉnh|cấp huyện|cấp xã
trực thuộc tỉnh|thị xã thuộc tỉnh|thành phố thuộc tỉnh|nhà nước thuộc tỉnh|đơn vị thuộc tỉnh
"""

# A phrase this long whose other syllables were read exactly is evidence enough on its own
# ("Số Kế hoạch và Đầu tư"); a shorter one must also win in the language model.
LONG_PHRASE = 4


@dataclass(frozen=True, slots=True)
class Phrase:
    keys: tuple[str, ...]
    words: tuple[str, ...]
    skeletons: tuple[str, ...]


def registry_names() -> list[str]:
    spec = importlib.util.find_spec("nlp")
    if spec is None or not spec.submodule_search_locations:
        return []
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "units.json"
    if not path.exists():
        return []
    import json

    try:
        registry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names: list[str] = list(registry.get("abbreviations", {}).values())
    for unit in registry.get("units", []):
        names.append(unit.get("name", ""))
        names.extend(unit.get("aliases", []))
    return names


@lru_cache(maxsize=1)
def phrases() -> dict[str, list[Phrase]]:
    """Genre phrases of two or more syllables, indexed by the skeleton of their first syllable."""
    texts = [t for line in (_GENRE_PHRASES + _GENRE_WORDS).split("\n") for t in line.split("|")]
    texts += registry_names()
    index: dict[str, list[Phrase]] = {}
    seen: set[tuple[str, ...]] = set()
    for text in texts:
        # Punctuation splits a name into runs that are phrases on their own.
        for run in re.split(r"[^\w\s]+", text.lower()):
            words = tuple(unicodedata.normalize("NFC", w) for w in run.split())
            if len(words) < 2 or not all(w.isalpha() for w in words):
                continue
            keys = tuple(tone_key(w) for w in words)
            if keys in seen:
                continue
            seen.add(keys)
            phrase = Phrase(keys=keys, words=words, skeletons=tuple(skeleton(w) for w in words))
            index.setdefault(phrase.skeletons[0], []).append(phrase)
    for bucket in index.values():
        bucket.sort(key=lambda phrase: -len(phrase.keys))  # longest first
    return index


def _phrase_fixes(
    matches: list[re.Match[str]], keys: list[str], text: str
) -> tuple[dict[int, str], set[int]]:
    """Token index -> syllable where a run of tokens is a genre phrase up to a few diacritics,
    and the tokens inside phrases (right or fixed), which word-level correction leaves alone."""
    fixes: dict[int, str] = {}
    protected: set[int] = set()
    index = phrases()
    position = 0
    while position < len(matches):
        applied = 0
        bucket = index.get(skeleton(matches[position].group()), [])
        for phrase in bucket:
            wrong = _phrase_here(matches, keys, text, position, phrase)
            if wrong is None:
                continue
            n = len(phrase.keys)
            end = position + n
            protected.update(range(position, end))
            # Two spellings of one phrase ("hằng năm", "hàng năm"): the one as read stands.
            exact = any(other.keys == tuple(keys[position:end]) for other in bucket if len(other.keys) == n)
            for i in [] if exact else wrong:
                fixes[position + i] = phrase.words[i]
            applied = n
            break
        position += max(1, applied)
    return fixes, protected


def _phrase_here(
    matches: list[re.Match[str]], keys: list[str], text: str, position: int, phrase: Phrase
) -> list[int] | None:
    """The phrase's syllables (by index in it) the tokens from ``position`` read wrong, when those
    tokens are the phrase; None when they are not."""
    n = len(phrase.keys)
    end = position + n
    if end > len(matches):
        return None
    if any(not _adjacent(matches, i, i + 1, text) for i in range(position, end - 1)):
        return None
    found = tuple(skeleton(m.group()) for m in matches[position:end])
    misspelt = [i for i in range(n) if found[i] != phrase.skeletons[i]]
    if misspelt and not _misspelling_allowed(matches, found, phrase, position, misspelt):
        return None
    wrong = [i for i in range(n) if keys[position + i] != phrase.keys[i]]
    # Most of the phrase must already be right: one wrong syllable in two, two in five.
    if len(wrong) > max(1, (n - 1) // 2) + len(misspelt):
        return None
    if not _phrase_is_likelier(matches, keys, text, position, phrase, wrong):
        return None
    return wrong


def _misspelling_allowed(
    matches: list[re.Match[str]], found: tuple[str, ...], phrase: Phrase, position: int, misspelt: list[int]
) -> bool:
    """In a phrase of three or more, one syllable may also have one wrong letter ("UỶ BAN NHNN DÂN"):
    the rest of the phrase is evidence enough. Only a non-word of four letters or more may be a
    misspelt phrase word."""
    first = misspelt[0]
    return not (
        len(phrase.keys) < 3
        or len(misspelt) > 1
        or len(phrase.skeletons[first]) < 4
        or is_valid_syllable(matches[position + first].group())
        or Levenshtein.distance(found[first], phrase.skeletons[first]) > 1
    )


def _context_keys(
    matches: list[re.Match[str]], keys: list[str], text: str, start: int, end: int
) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two keys before token ``start`` and the two from token ``end``, "" where punctuation or
    the text's edge intervenes."""
    before: list[str] = []
    index = start
    while len(before) < 2 and index > 0 and _adjacent(matches, index - 1, index, text):
        index -= 1
        before.insert(0, keys[index])
    after: list[str] = []
    index = end
    while len(after) < 2 and index < len(keys) and _adjacent(matches, index - 1, index, text):
        after.append(keys[index])
        index += 1
    before = ["", ""][: 2 - len(before)] + before
    after = after + ["", ""][: 2 - len(after)]
    return (before[0], before[1]), (after[0], after[1])


def _phrase_is_likelier(
    matches: list[re.Match[str]], keys: list[str], text: str, position: int, phrase: Phrase, wrong: list[int]
) -> bool:
    """Each valid syllable the phrase would change is less probable, in the phrase, than the phrase's
    own syllable ("điện tử ngày" is not the phrase "từ ngày", "đình chỉ thi hành" not "chỉ thị")."""
    if len(phrase.keys) >= LONG_PHRASE:
        return True  # three or more syllables as read already spell the rest of a name of the genre
    end = position + len(phrase.keys)
    for i in wrong:
        word = unicodedata.normalize("NFC", matches[position + i].group().lower())
        if not is_valid_syllable(word):
            continue
        # The phrase's own syllables around this one, the text's outside the phrase.
        spliced = keys[:position] + list(phrase.keys) + keys[end:]
        left, right = _context_keys(matches, spliced, text, position + i, position + i + 1)
        target = phrase.keys[i]
        distance = {target: mark_distance(word, phrase.words[i])}
        if choose(keys[position + i], [target], left, right, distance, need_content=False) is None:
            return False
    return True


# ---------------------------------------------------------------- correction


# Why a correction was made: Vietnamese for people, English for logs.
REASONS = {
    "diacritics": ("Sửa lỗi dấu sau OCR", "OCR diacritics corrected"),
    "speck": ("Bỏ dấu câu do vết bẩn", "punctuation read from a speck dropped"),
    "stray_mark": ("Bỏ dấu câu thừa", "stray punctuation mark dropped"),
    "mark": ("Sửa dấu câu theo văn bản", "punctuation mark matched to the page's own"),
    "bracket": ("Sửa ngoặc không cân", "unbalanced bracket repaired"),
    "dash": ("Khôi phục gạch nối", "dash restored"),
    "word": ("Sửa từ theo từ điển", "word corrected to a known word"),
    "split": ("Tách âm tiết dính liền", "run-together syllables split"),
    "label": ("Sửa nhãn mục chữ cái theo thứ tự", "letter label restored from the list order"),
    "number": ("Sửa số thứ tự theo hàng trên, dưới", "row number restored from its neighbours"),
    "capitals": ("Sửa dấu chữ in hoa theo từ", "capital-letter diacritics chosen to form words"),
    "group_numeral": ("Sửa số La Mã của nhóm theo thứ tự", "group numeral restored from the column's sequence"),
    "grey_reading": ("Lấy dấu từ lần đọc ảnh xám", "marks taken from the cell's grey-image reading"),
    "roman": ("Đếm lại số La Mã theo nét chữ", "roman numeral recounted from its strokes"),
    "code": ("Sửa mã theo mẫu của cột", "code read to its column's pattern"),
    "reread": ("Đọc lại ô số/mã ở tỉ lệ gấp đôi", "short number or code read again at twice the scale"),
    "page_guard": ("Giữ nguyên bản đọc OCR của trang", "page's OCR reading kept: corrections undone"),
}


@dataclass(frozen=True, slots=True)
class Correction:
    page: int | None
    original: str
    corrected: str
    context: str
    reason: str = "diacritics"  # a key of REASONS

    def describe(self) -> tuple[str, str]:
        """The reason in Vietnamese and in English."""
        return REASONS.get(self.reason, REASONS["diacritics"])


_TOKEN = re.compile(r"\w+", re.UNICODE)


def _apply_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def correct_text(
    text: str, page: int | None = None, *, agreed: frozenset[str] = frozenset()
) -> tuple[str, list[Correction]]:
    """``text`` with OCR slips corrected; a known syllable in ``agreed`` (two readings of the image
    read it so) is not changed for a dictionary pair alone."""
    if not text:
        return text, []
    original_text = text
    text = fix_symbols(text)
    lex = lexicon()
    matches = list(_TOKEN.finditer(text))
    keys = [tone_key(unicodedata.normalize("NFC", match.group().lower())) for match in matches]
    replacements: dict[int, str] = {}  # token index -> its key as corrected
    phrase_words, in_phrase = _phrase_fixes(matches, keys, text)
    original_keys = list(keys)
    for index, word in phrase_words.items():
        replacements[index] = keys[index] = tone_key(word)
    for index in range(len(matches)):
        if index in replacements or index in in_phrase:
            continue
        choice = _syllable_choice(matches, keys, text, index, agreed)
        if choice is not None:
            # Left to right: the next word is judged beside this one as corrected ("sữa chữa" ->
            # "sửa chữa", not "sửa chúa" for the pair "sữa chúa").
            replacements[index] = keys[index] = choice
    acronym_fixes = _shouts_and_acronyms(matches, keys, replacements, in_phrase)
    if not replacements:
        if text != original_text:
            return text, [Correction(page, original_text, text, original_text[:60])]
        return text, []
    fixed: dict[int, str] = {}
    for index, key in replacements.items():
        if index in acronym_fixes:
            fixed[index] = acronym_fixes[index]
        elif key == original_keys[index]:
            fixed[index] = matches[index].group().lower()
        else:
            fixed[index] = _apply_case(matches[index].group(), phrase_words.get(index) or lex.display[key])
    return _spliced(text, matches, fixed, page)


def _syllable_choice(
    matches: list[re.Match[str]], keys: list[str], text: str, index: int, agreed: frozenset[str]
) -> str | None:
    """The key the token at ``index`` should have, or None to keep it as read."""
    lex = lexicon()
    word = unicodedata.normalize("NFC", matches[index].group().lower())
    key = keys[index]
    if not word.isalpha() or len(word) > 7:
        return None
    candidates = [c for c in lex.by_skeleton.get(skeleton(word), []) if c != key]
    if not candidates:
        return None
    left, right = _context_keys(matches, keys, text, index, index + 1)
    valid = is_valid_syllable(word)
    if valid and key in lex.unigrams and word in agreed:
        # Two readings agreeing is evidence against swapping one mark for another ("giá vé" is
        # not "giá vẽ"), not against a mark both lost (a dot below: "mật đô" -> "mật độ").
        candidates = [c for c in candidates if _adds_marks(word, lex.display[c])]
        if not candidates:
            return None
    # A valid syllable is changed only when the language model finds a candidate more probable
    # in its context than the reading, marks misread included; an impossible one always is.
    choice = choose(
        key,
        candidates,
        left,
        right,
        {c: mark_distance(word, lex.display[c]) for c in candidates},
        read_possible=valid,
        error_odds=NAME_ERROR_ODDS if _inside_a_name(matches, index, text) or key in lex.genre_syllables else 1.0,
    )
    return None if choice is None else choice.key


def _shouts_and_acronyms(
    matches: list[re.Match[str]], keys: list[str], replacements: dict[int, str], in_phrase: set[int]
) -> dict[int, str]:
    """Tokens left alone so far that are a syllable shouted by mistake ("hồ SƠ", added to
    ``replacements`` with their key) or a misread acronym (returned, and added as written)."""
    acronym_fixes: dict[int, str] = {}
    for index in range(len(matches)):
        if index in replacements or index in in_phrase:
            continue
        if _shouted_by_mistake(matches, index):
            replacements[index] = keys[index]
        elif (known := acronym_fix(matches[index].group())) is not None:
            acronym_fixes[index] = known
            replacements[index] = known
    return acronym_fixes


def _spliced(
    text: str, matches: list[re.Match[str]], fixed: dict[int, str], page: int | None
) -> tuple[str, list[Correction]]:
    """``text`` with each token in ``fixed`` written so, and a correction for each that changed."""
    pieces: list[str] = []
    corrections: list[Correction] = []
    cursor = 0
    for index, match in enumerate(matches):
        if index not in fixed or fixed[index] == match.group():
            continue
        pieces.append(text[cursor : match.start()])
        pieces.append(fixed[index])
        cursor = match.end()
        start, end = max(0, match.start() - 20), min(len(text), match.end() + 20)
        corrections.append(Correction(page, match.group(), fixed[index], text[start:end]))
    pieces.append(text[cursor:])
    return "".join(pieces), corrections


# A capitalised word inside a sentence is part of a name ("các Ban của Đảng", "sông Mê Công"),
# which the lower-cased language model knows poorly, and a word of the genre's own vocabulary
# ("tỉnh", "xã") is what these pages print: either needs ten times the evidence to change
# ("lãnh thổ tỉnh" is not "thổ tinh", Saturn).
NAME_ERROR_ODDS = 0.1


def _inside_a_name(matches: list[re.Match[str]], index: int, text: str) -> bool:
    word = matches[index].group()
    if not word[:1].isupper() or word.isupper() or index == 0:
        return False
    before = text[matches[index - 1].end() : matches[index].start()]
    return not any(mark in before for mark in ".:;!?\n")


def _adds_marks(read: str, candidate: str) -> bool:
    """The candidate has every mark of the reading and more ("đô" -> "độ", not "vé" -> "vẽ")."""

    def marks(text: str) -> Counter[str]:
        spelt = unicodedata.normalize("NFD", text.replace("đ", "d\u0335"))
        return Counter(char for char in spelt if unicodedata.combining(char))

    mine, theirs = marks(read), marks(candidate)
    return sum(theirs.values()) > sum(mine.values()) and all(theirs[m] >= n for m, n in mine.items())


# Capitals whose lower-case glyph has the same shape: the LSTM confuses "sơ" and "SƠ".
_SAME_SHAPE_CAPITALS = set("CSOUVWXZƠÔƯỚỜỞỠỢỐỒỔỖỘỨỪỬỮỰ")


def _shouted_by_mistake(matches: list[re.Match[str]], index: int) -> bool:
    """An all-capital word of same-shape letters between lower-case words ("hồ SƠ")."""
    word = matches[index].group()
    if (
        len(word) < 2
        or not word.isupper()
        or not set(unicodedata.normalize("NFC", word)) <= _SAME_SHAPE_CAPITALS
    ):
        return False
    lowered = unicodedata.normalize("NFC", word.lower())
    if not is_valid_syllable(lowered) or tone_key(lowered) not in lexicon().unigrams:
        return False  # an acronym ("CCVC"), not a shouted syllable
    neighbours = []
    for other in (index - 1, index + 1):
        if 0 <= other < len(matches):
            left, right = sorted((index, other))
            text = matches[0].string
            if not _adjacent(matches, left, right, text):
                return False  # "(SO ;" — a formula or code, not a word in running text
            neighbours.append(matches[other].group())
    words = [w for w in neighbours if w.isalpha()]
    return bool(words) and all(w.islower() for w in words)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    spec = importlib.util.find_spec("underthesea")
    words = {
        "từ",
        "tôi",
        "của",
        "và",
        "các",
        "là",
        "có",
        "cho",
        "với",
        "theo",
        "trong",
        "do",
        "để",
        "này",
        "đó",
    }
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "stopwords" / "stopwords.txt"
        if path.exists():
            words.update(
                line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            )
    return frozenset(words)


def _adjacent(matches: list[re.Match[str]], left: int, right: int, text: str) -> bool:
    """Two words of one phrase: separated by spaces only, not by punctuation."""
    between = text[matches[left].end() : matches[right].start()]
    return between.strip() == ""


def vietnamese_share(text: str) -> float | None:
    """Share of words that are Vietnamese syllables with a Vietnamese-only letter or tone mark.

    None when the text is too short to judge. English or noise read as letters scores near 0.
    """
    words = [w for w in _TOKEN.findall(text) if w.isalpha()]
    if len(words) < 12:
        return None
    marked = sum(1 for word in words if skeleton(word) != word.lower() and is_valid_syllable(word))
    return marked / len(words)
