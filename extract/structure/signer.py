"""The signer: the person's name under the signature block, never the job title above it.

A signature block is an authority line ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "TL. CHỦ TỊCH"),
the signer's own title ("PHÓ CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG"), a seal or "(Đã ký)" mark, then
the name. Readers hand it over in many shapes: on its own lines after the Nơi nhận list (a
two-column layout read column by column), as one cell "CHỦ TỊCH Đoàn Anh Dũng", or as an
e-signature caption "Ký bởi: Nguyễn Văn A". A name is two to five capitalised syllables and
none of them a title word: "THỨ TRƯỞNG" is a title, never a signer.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extract.structure.numbering import Line
from extract.textforms import fold

# The signing titles in capitals; metadata stops a title at a line opening with one (the enacting authority).
SIGNING_TITLES = (
    r"CHỦ\s+TỊCH|GIÁM\s+ĐỐC|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|THỦ\s+TƯỚNG|CHÁNH\s+VĂN\s+PHÒNG|TRƯỞNG\s+BAN|"
    r"TRƯỞNG\s+PHÒNG|BÍ\s+THƯ|CỤC\s+TRƯỞNG|VỤ\s+TRƯỞNG|TỔNG\s+CỤC\s+TRƯỞNG|CHÁNH\s+THANH\s+TRA|"
    r"TRƯỞNG\s+ĐOÀN|CHỦ\s+NHIỆM|TỔNG\s+GIÁM\s+ĐỐC|HIỆU\s+TRƯỞNG|VIỆN\s+TRƯỞNG|TRƯỞNG\s+CÔNG\s+AN|"
    r"TỔNG\s+THANH\s+TRA|THỐNG\s+ĐỐC|TỔNG\s+KIỂM\s+TOÁN|CHÁNH\s+ÁN"
)
# "KT. CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG", "TM. ỦY BAN NHÂN DÂN": a line that is (or ends with) a signing title.
_AUTHORITY = re.compile(
    rf"(?:^|\s)(?:(?:TM|KT|TL|TUQ|Q)\.\s*[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ\s&-]*|(?:PHÓ\s+)?(?:{SIGNING_TITLES})(?:\s+[A-ZĐÀ-Ỹ&-]+)*)$"
)
# "Ký bởi: Nguyễn Văn A", "Người ký: …": the e-signature caption names the signer.
_SIGNED_BY = re.compile(r"(?:Ký\s+bởi|Người\s+ký)\s*:\s*(?P<name>.+)$", re.IGNORECASE)
# "(Đã ký)", "[daky]", a seal mark: between the signer's title and name.
_SIGN_MARK = re.compile(r"^[(\[].*[)\]]$|^(?:Đã\s+ký|Ký\s+bởi)\b", re.IGNORECASE)
# "Trần Văn Truyền – Đã ký", "Nguyễn Văn A (đã ký)": the mark a legal database's copy prints after the name.
_TRAILING_MARK = re.compile(r"\s*[-–—]?\s*[(\[]?\s*đã\s+ký\s*[)\]]?\s*$", re.IGNORECASE)
_RECIPIENTS = re.compile(r"^\s*(?:Nơi\s+nhận|[-–•+]\s)", re.IGNORECASE)
# How far below its authority line a name is looked for: a Nơi nhận column read before it may lie between.
_BLOCK_LINES = 30
# Words no name contains; two-word titles are matched whole, since "Văn", "Đồng", "Thanh" are names too.
_OFFICE_WORDS = frozenset("ỦY UỶ TỊCH ĐỐC TRƯỞNG TƯỚNG SỞ TỈNH HUYỆN XÃ CỤC NHẬN TM. KT. TL. Q. TUQ.".split())
_OFFICE_PHRASE = re.compile(
    rf"(?:{SIGNING_TITLES}|VĂN\s+PHÒNG|ỦY\s+BAN|NHÂN\s+DÂN|HỘI\s+ĐỒNG|NƠI\s+NHẬN|THANH\s+TRA|CÔNG\s+AN)", re.IGNORECASE
)
# Vietnamese family names: a capitalised run at the end of a line is a name only when it opens with one.
SURNAMES = frozenset(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Phùng Trịnh Đoàn Đinh Lâm Mai "
    "Trương Cao Tô Lương Hà Tạ Quách Chu Châu Thái Lưu Đào Kiều Lại Tăng Triệu La Khúc Mạc Giang Vương Thân "
    "Tôn Đàm Nghiêm Âu Hứa Diệp Lò Mã Bế Nông Hoàng Văn Từ Doãn Khổng Kim Lục Ninh Quan Thạch Tống Trình "
    "Viên Vi Ông Đồng Đậu Hầu Lạc Lã Phí Nhữ Cù Cấn Chế Bạch Biện Khương Hàn".split()
)

Note = Callable[[str, Line], None]


# OCR drops or swaps tone marks ("Nguyên Hoài Nam"): a first word that is no family name but folds to
# exactly one is that family name.
_FOLDED_SURNAMES: dict[str, list[str]] = {}
for _surname in sorted(SURNAMES):
    _FOLDED_SURNAMES.setdefault(fold(_surname), []).append(_surname)


def repair_surname(name: str) -> str:
    words = name.split()
    if not words or words[0] in SURNAMES or not words[0][1:].islower():
        return name
    candidates = _FOLDED_SURNAMES.get(fold(words[0]), [])
    return " ".join([candidates[0], *words[1:]]) if len(candidates) == 1 else name


def lacks_family_name(name: str) -> bool:
    """A signer read without a family name first ("Chí Dũng" for "Nguyễn Chí Dũng", the surname lost
    under a seal's ring or the signature's stroke): what was read is kept, but it is likely incomplete."""
    words = name.split()
    return bool(words) and words[0] not in SURNAMES and words[0].capitalize() not in SURNAMES


def find_signer(lines: list[Line], note: Note) -> str:
    for line in lines:
        signed = _SIGNED_BY.search(line.text)
        if signed and (name := _name_in(signed.group("name"))):
            note("signer", line)
            return name
    for index, line in enumerate(lines):
        text = _TRAILING_MARK.sub("", line.text.strip())
        head = _title_prefix(text)
        if head is not None:
            # "CHỦ TỊCH Đoàn Anh Dũng": one cell holding the title and the name.
            name = _tail_name(text[head:])
            if name and _is_person_name(name) and not _after_level_word(text[head:], name):
                note("signer", line)
                return name
        if _AUTHORITY.search(text) is None or len(text) > 120:
            continue
        for follower in lines[index + 1 : index + 1 + _BLOCK_LINES]:
            candidate = _without_rank(_SPECKS.sub("", _TRAILING_MARK.sub("", follower.text.strip()) or follower.text))
            if _SIGN_MARK.match(candidate) or _AUTHORITY.fullmatch(candidate) or _AUTHORITY.search(candidate):
                continue
            if _is_person_name(candidate):
                note("signer", follower)
                return repair_surname(candidate)
            if _RECIPIENTS.match(candidate):
                # A two-column block read column by column: the name may end a recipients line.
                tail = _tail_name(candidate)
                if tail and tail.split()[0] in SURNAMES and _is_person_name(tail):
                    note("signer", follower)
                    return tail
                continue
            if len(candidate) > 80:
                break  # running text again: this was not a signature block
    name = _name_after_recipients(lines, note)
    if not name and (block := _signing_block(lines)) is not None:
        # A signing title with no name under it: the name is under a seal, handwritten, or not yet printed (a draft).
        # Noted so the warnings can say where to look; the signer stays blank.
        note(SIGNING_BLOCK, block)
    return name


# The key of the signing title's line in Metadata.sources when no name was read under it.
SIGNING_BLOCK = "signing_block"


def _signing_block(lines: list[Line]) -> Line | None:
    """The last line that is a signing title on its own ("KT. CHỦ TỊCH", "PHÓ TRƯỞNG BAN"), after the body's text."""
    for line in reversed(lines[len(lines) // 2 :]):
        # A scan's two columns read as one line: "Nơi nhận: KT.CHÁNH VĂN PHÒNG" (CV 390/VP-TH Bắc Giang 2012).
        text = _RECIPIENTS_LABEL.sub("", line.text.strip())
        if len(text) <= 60 and _AUTHORITY.fullmatch(text):
            return line
    return None


_RECIPIENTS_LABEL = re.compile(r"^Nơi\s+nhận\s*:?\s*", re.IGNORECASE)


def _name_after_recipients(lines: list[Line], note: Note) -> str:
    """No authority line was read (a scan's signature lost to OCR): a name closing the Nơi nhận column."""
    start = next((k for k, line in enumerate(lines) if re.match(r"^\s*Nơi\s+nhận\b", line.text, re.I)), None)
    if start is None:
        return ""
    for line in lines[start + 1 : start + 1 + _BLOCK_LINES]:
        text = line.text.strip()
        name = text if _is_person_name(text) else _tail_name(text)
        if name and name.split()[0] in SURNAMES and _is_person_name(name):
            note("signer", line)
            return name
    return ""


def _title_prefix(text: str) -> int | None:
    match = re.match(rf"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*)?(?:PHÓ\s+)?(?:{SIGNING_TITLES})\s+", text)
    return match.end() if match else None


def _tail_name(text: str) -> str:
    """The capitalised words that end ``text`` ("…, Nội vụ, Phùng Tô Long" → "Phùng Tô Long")."""
    words = text.split()
    tail: list[str] = []
    for word in reversed(words):
        if not _name_word(word) or len(tail) >= 5:
            break
        tail.insert(0, word)
    while tail and tail[0] not in SURNAMES and len(tail) > 2:
        tail = tail[1:]
    return " ".join(tail) if len(tail) >= 2 else ""


# A police or army signer's rank before the name ("Đại tá Nguyễn Tường Vũ", TTr 519/TTr-CAT-PC06), matched folded:
# the scan reads "Đại tả".
_RANK = re.compile(r"^(?:dai|thuong|trung|thieu)\s+(?:ta|uy|tuong)\s+\S")


# A scan's specks read as punctuation round the name ("“Lại Thanh Sơn", QĐ 1462/QĐ-UBND Bắc Giang 2012: a quote mark
# from the signature's stroke): no name begins or ends with them.
_SPECKS = re.compile(r"^[\"'“”‘’`.,:;|~^°*_]+\s*|\s*[\"'“”‘’`,:;|~^°*_]+$")


def _without_rank(text: str) -> str:
    return " ".join(text.split()[2:]) if _RANK.match(fold(text)) else text


# "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", a decision's enacting line: after a level word the capitals are a
# place whose first word may be a family name ("Lâm", "Hà", "Cao"), never the signer (TTr 519's annexed draft).
_LEVEL_WORDS = frozenset({"tinh", "pho", "huyen", "xa", "phuong", "quan", "tran"})


def _after_level_word(text: str, name: str) -> bool:
    before = text[: text.rfind(name)].split()
    return bool(before) and fold(before[-1]) in _LEVEL_WORDS


def _name_in(text: str) -> str:
    words = re.split(r"[\s,;]+", text.strip())
    name = " ".join(word for word in words[:5] if _name_word(word))
    return name if _is_person_name(name) else ""


def _name_word(word: str) -> bool:
    return word.isalpha() and word[0].isupper() and (word[1:].islower() or word.isupper() or len(word) == 1)


def _is_person_name(text: str) -> bool:
    """Two to five words, each "Nguyễn"-shaped or all capitals, none a title or office word."""
    words = text.split()
    if not 2 <= len(words) <= 5 or not all(_name_word(word) for word in words):
        return False
    if any(word.upper() in _OFFICE_WORDS for word in words) or _OFFICE_PHRASE.search(text):
        return False
    if all(word.isupper() for word in words):
        return words[0].capitalize() in SURNAMES  # "NGUYỄN VĂN A", never "VĂN PHÒNG"
    return all(word[1:].islower() or len(word) == 1 for word in words)
