"""Legacy inputs: TCVN3 / VNI / VIQR / Windows-1258 text, legacy fonts in runs, and Word 97-2003 files."""

from __future__ import annotations

import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from extract.detect import detect_format
from extract.doc_reader import read_doc
from extract.docx_reader import read_docx
from extract.errors import CorruptFileError, LimitExceededError, UnsupportedFormatError
from extract.legacy import convert_doc_to_docx, convert_runs, decode_text, legacy_font_encoding, repair_text
from extract.legacy.doc import check_structure
from extract.legacy.encodings import (
    decode_tcvn3,
    decode_vni,
    encode_cp1258,
    encode_tcvn3,
    encode_viqr,
    encode_vni,
    tcvn3_to_unicode,
    viqr_to_unicode,
    vni_to_unicode,
)
from extract.legacy.syllables import is_vietnamese_syllable, vietnamese_evidence
from extract.model import SourceFormat

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
LEGACY_SEEDS = ["son_hai_ke_hoach_2026", "dong_cuu_ke_hoach_2026"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

TONE_MARKS = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
BASE_VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
# every Vietnamese vowel letter with every tone, lower and upper case, plus đ
LETTERS = [unicodedata.normalize("NFC", base + tone) for base in BASE_VOWELS for tone in TONE_MARKS] + ["đ"]
LETTERS += [letter.upper() for letter in LETTERS]


def _seed_text(name: str) -> str:
    return (DOCS / f"{name}.txt").read_text(encoding="utf-8")


def _seed_names() -> list[str]:
    return sorted(path.stem for path in DOCS.glob("*.txt") if not path.stem.endswith(("_tcvn3", "_vni")))


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("letter", LETTERS)
def test_every_letter_round_trips_through_tcvn3_and_vni(letter: str) -> None:
    # Capitals in TCVN3 bytes 0x80-0x9F are read as letters only inside a word, so test in words.
    if letter in "đĐ":  # đ only ever begins a syllable
        word = f"{letter}an" if letter.islower() else f"{letter}AN"
    else:
        word = f"t{letter}n" if letter.islower() else f"T{letter}N"
    assert decode_tcvn3(encode_tcvn3(word)) == word
    assert decode_vni(encode_vni(word)) == word
    assert decode_vni(encode_vni(letter)) == letter
    assert viqr_to_unicode(encode_viqr(word)) == word
    assert unicodedata.normalize("NFC", encode_cp1258(word).decode("cp1258")) == word


def test_lowercase_letters_round_trip_alone_in_tcvn3() -> None:
    text = " ".join(letter for letter in LETTERS if letter.islower())
    assert decode_tcvn3(encode_tcvn3(text)) == text


def test_known_legacy_spellings() -> None:
    assert tcvn3_to_unicode("KÕ ho¹ch d÷ liÖu") == "Kế hoạch dữ liệu"
    assert vni_to_unicode("Keá hoaïch döõ lieäu") == "Kế hoạch dữ liệu"
    assert vni_to_unicode("ÑAÏI HOÏC tröôøng") == "ĐẠI HỌC trường"
    # capitals typed in the all-caps .VnTimeH font carry lowercase codes
    assert tcvn3_to_unicode("KÕ HO¹CH") == "KẾ HOẠCH"


def test_short_and_non_vietnamese_single_byte_text() -> None:
    assert decode_text(b"K\xd5 HO\xb9CH") == ("KẾ HOẠCH", "tcvn3")
    # Western Latin-1 text is not Vietnamese in any legacy reading: Windows-1258 reads it as Latin-1
    french = "Café crème à la française"
    assert decode_text(french.encode("latin-1")) == (french, "cp1258")


def test_viqr_sample() -> None:
    assert viqr_to_unicode("Vie^.t Nam, ddu+o+`ng pho^' Ha` No^.i") == "Việt Nam, đường phố Hà Nội"
    assert viqr_to_unicode("Ta.i sao\\?") == "Tại sao?"
    text = "Ke^' hoa.ch pha't trie^?n du+~ lie^.u tre^n ddi.a ba`n xa~ na(m 2026. HDDND va` UBND xa~."
    decoded, encoding = decode_text(text.encode("ascii"))
    assert encoding == "viqr"
    assert decoded == "Kế hoạch phát triển dữ liệu trên địa bàn xã năm 2026. HĐND và UBND xã."


def test_cp1258_sample() -> None:
    text = "Kế hoạch phát triển dữ liệu trên địa bàn xã Sơn Hải năm 2026, Ủy ban nhân dân xã"
    data = encode_cp1258(text)
    assert b"\xec" in data or b"\xf2" in data  # combining tone bytes, as Windows writes them
    assert decode_text(data) == (text, "cp1258")


# ---------------------------------------------------------------- detection on the corpus


@pytest.mark.parametrize("name", _seed_names())
def test_utf8_seeds_are_left_byte_for_byte(name: str) -> None:
    data = (DOCS / f"{name}.txt").read_bytes()
    text, encoding = decode_text(data)
    assert encoding == "utf-8"
    assert text.encode("utf-8") == data


@pytest.mark.parametrize("name", LEGACY_SEEDS)
@pytest.mark.parametrize("suffix", ["_tcvn3", "_vni"])
def test_legacy_corpus_files_are_detected_and_converted(name: str, suffix: str) -> None:
    data = (DOCS / f"{name}{suffix}.txt").read_bytes()
    assert detect_format(data, f"{name}{suffix}.txt") is SourceFormat.TEXT
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text, encoding = decode_text(data)
    assert encoding == suffix[1:]
    assert text == unicodedata.normalize("NFC", _seed_text(name))


@pytest.mark.parametrize("name", LEGACY_SEEDS)
@pytest.mark.parametrize("suffix", ["_tcvn3", "_vni"])
def test_misdecoded_legacy_saved_as_utf8_is_repaired(name: str, suffix: str) -> None:
    # A tool read the legacy bytes as cp1252 and saved them as UTF-8: "KÕ ho¹ch" in valid UTF-8.
    raw = (DOCS / f"{name}{suffix}.txt").read_bytes()
    mojibake = "".join(bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in raw)
    text, encoding = decode_text(mojibake.encode("utf-8"))
    assert encoding == suffix[1:]
    assert text == _seed_text(name)


def test_utf8_text_with_legacy_looking_characters_stays_as_is() -> None:
    text = "Dữ liệu mở năm 2026 — ký hiệu ¹ và ÷ trong công thức; KÕ là mã nội bộ. Ôn tập, Õ."
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")
    assert repair_text(text) == (text, "utf-8")


def test_syllable_evidence_separates_mojibake() -> None:
    assert is_vietnamese_syllable("nghiêng") and is_vietnamese_syllable("Ủy")
    assert not is_vietnamese_syllable("ho¹ch") and not is_vietnamese_syllable("hoaïch")
    assert not is_vietnamese_syllable("ñi")  # a tone on a consonant
    seed = vietnamese_evidence(_seed_text("son_hai_ke_hoach_2026"))
    assert seed.ratio > 0.99
    garbled = vietnamese_evidence((DOCS / "son_hai_ke_hoach_2026_vni.txt").read_bytes().decode("cp1252"))
    assert garbled.ratio < 0.5


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_decode_text_never_raises_and_returns_nfc(data: bytes) -> None:
    text, encoding = decode_text(data)
    assert encoding in {"utf-8", "tcvn3", "vni", "viqr", "cp1258"}
    assert unicodedata.is_normalized("NFC", text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_decode_text_on_any_unicode_text_returns_nfc(text: str) -> None:
    decoded, _ = decode_text(text.encode("utf-8", errors="surrogatepass"))
    assert unicodedata.is_normalized("NFC", decoded)


# ---------------------------------------------------------------- fonts in runs


def test_font_names() -> None:
    assert legacy_font_encoding(".VnTime") == "tcvn3"
    assert legacy_font_encoding("ABCDEF+.VnArial,Bold") == "tcvn3"
    assert legacy_font_encoding(".VnTimeH") == "tcvn3_caps"
    assert legacy_font_encoding(".VnArialH-Bold") == "tcvn3_caps"
    assert legacy_font_encoding("VNI-Times") == "vni"
    assert legacy_font_encoding("VNI-Helve-Bold") == "vni"
    assert legacy_font_encoding("Times New Roman") is None
    assert legacy_font_encoding("Verdana") is None


def test_convert_runs() -> None:
    assert convert_runs("KÕ ho¹ch", ".VnTime") == "Kế hoạch"
    assert convert_runs("kÕ ho¹ch", ".VnTimeH") == "KẾ HOẠCH"
    assert convert_runs("Keá hoaïch", "VNI-Times") == "Kế hoạch"
    assert convert_runs("KÕ ho¹ch", "Times New Roman") == "KÕ ho¹ch"
    # a run already in Unicode keeps its text even in a legacy font
    assert convert_runs("Kế hoạch", ".VnTime") == "Kế hoạch"


def _paragraph_texts(docx: Path, convert: bool) -> list[str]:
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    texts = []
    for paragraph in root.iter(f"{W}p"):
        pieces = []
        for run in paragraph.iter(f"{W}r"):
            fonts = run.find(f"{W}rPr/{W}rFonts")
            font = fonts.get(f"{W}ascii", "") if fonts is not None else ""
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            pieces.append(convert_runs(text, font) if convert else text)
        texts.append("".join(pieces))
    return texts


def test_vntime_docx_runs_convert_back_to_the_corpus_docx() -> None:
    original = _paragraph_texts(DOCS / "dong_cuu_ke_hoach_2026.docx", convert=False)
    legacy_raw = _paragraph_texts(DOCS / "dong_cuu_ke_hoach_2026_vntime.docx", convert=False)
    converted = _paragraph_texts(DOCS / "dong_cuu_ke_hoach_2026_vntime.docx", convert=True)
    assert legacy_raw != original  # the file really is in TCVN3
    assert converted == original


# ---------------------------------------------------------------- .doc


def test_doc_is_detected_by_ole_magic() -> None:
    data = (DOCS / "son_hai_ke_hoach_2026.doc").read_bytes()
    assert detect_format(data, "x.doc") is SourceFormat.DOC


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có / not installed")
def test_doc_converts_to_the_same_blocks_as_the_docx() -> None:
    docx = convert_doc_to_docx((DOCS / "son_hai_ke_hoach_2026.doc").read_bytes(), "son_hai_ke_hoach_2026.doc")
    converted = read_docx(docx, "son_hai_ke_hoach_2026.doc")
    original = read_docx((DOCS / "son_hai_ke_hoach_2026.docx").read_bytes(), "son_hai_ke_hoach_2026.doc")
    assert len(converted.blocks) == len(original.blocks) > 100
    assert converted.blocks == original.blocks


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có / not installed")
def test_corrupt_doc_is_a_corrupt_file_error_naming_the_file() -> None:
    data = bytearray((DOCS / "son_hai_ke_hoach_2026.doc").read_bytes())
    # scramble the sectors but keep the header and the directory at the end
    for index in range(512, len(data) - 4096):
        data[index] = (index * 7919) % 251
    with pytest.raises(CorruptFileError) as error:
        convert_doc_to_docx(bytes(data), "hong.doc")
    assert "hong.doc" in str(error.value)


def test_ole_file_without_word_stream_is_rejected_before_libreoffice() -> None:
    data = (DOCS / "son_hai_ke_hoach_2026.doc").read_bytes()[:512] + bytes(4096)
    with pytest.raises(CorruptFileError) as error:
        convert_doc_to_docx(data, "rong.doc")
    assert "rong.doc" in str(error.value)
    # A whole OLE file whose directory names a workbook and no WordDocument: another Office format.
    whole = (DOCS / "son_hai_ke_hoach_2026.doc").read_bytes()
    at = whole.index("WordDocument".encode("utf-16-le"))
    entry = "Workbook".encode("utf-16-le").ljust(64, b"\0") + (len("Workbook") * 2 + 2).to_bytes(2, "little")
    workbook = whole[:at] + entry + whole[at + len(entry) :]
    with pytest.raises(UnsupportedFormatError) as unsupported:
        convert_doc_to_docx(workbook, "bang.doc")
    assert "Excel 97-2003" in str(unsupported.value)


@pytest.mark.parametrize("kept", [0.3, 0.9, 0.999])
def test_truncated_doc_is_a_truncated_word_file_not_excel(kept: float) -> None:
    """Word keeps its text in UTF-16LE: the seed's text holds the bytes of "Book" (Excel 5's stream
    name), so a .doc cut before its directory used to be skipped as a spreadsheet."""
    data = (DOCS / "son_hai_ke_hoach_2026.doc").read_bytes()
    assert "Book".encode("utf-16-le") in data[: int(len(data) * kept)]
    with pytest.raises(CorruptFileError) as error:
        read_doc(data[: int(len(data) * kept)], "cat_cut.doc")
    message = str(error.value)
    assert "cat_cut.doc" in message and "tệp .doc bị cắt cụt" in message and "truncated Word file" in message
    assert "Excel" not in message


SEED_DOC = (DOCS / "son_hai_ke_hoach_2026.doc").read_bytes()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4095), st.integers(0, 255)), max_size=12))
def test_damaged_ole_structure_is_a_clear_error_or_passes(edits: list[tuple[int, int]]) -> None:
    """Bytes changed in the header, the FAT or the directory: an ExtractError naming the file, nothing else."""
    data = bytearray(SEED_DOC)
    directory = data.index("WordDocument".encode("utf-16-le")) // 512 * 512  # its directory sector
    for offset, value in edits:
        data[offset if offset < 2048 else directory + (offset - 2048) % (len(data) - directory)] = value
    data[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    try:
        check_structure(bytes(data), "sua.doc")
    except (CorruptFileError, UnsupportedFormatError) as error:
        assert "sua.doc" in str(error)


def test_missing_soffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("extract.legacy.soffice.find_soffice", lambda: None)
    with pytest.raises(UnsupportedFormatError) as error:
        convert_doc_to_docx((DOCS / "son_hai_ke_hoach_2026.doc").read_bytes(), "cu.doc")
    assert "cu.doc" in str(error.value) and "LibreOffice" in str(error.value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) không có / not installed")
def test_doc_conversion_past_its_time_limit_is_a_limit_error_and_leaves_no_process() -> None:
    with pytest.raises(LimitExceededError) as error:
        convert_doc_to_docx((DOCS / "son_hai_ke_hoach_2026.doc").read_bytes(), "cham.doc", timeout_s=0.05)
    assert "cham.doc" in str(error.value)
    # the whole process group is killed, not only the soffice wrapper script
    left = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"danhmuc_soffice_" in cmdline.read_bytes():
                left.append(cmdline.parent.name)
        except OSError:
            continue  # the process ended while we looked
    assert left == []
