"""Cell repair with Tesseract's evidence (extract.ocr.cellfix): specks, brackets, dashes, words."""

from __future__ import annotations

import dataclasses

from extract.ocr.cellfix import correct_readings
from extract.ocr.cells import CellReading
from extract.ocr.engine import Symbol, Word, _parse_tsv
from extract.ocr.grid import GridCell
from extract.ocr.postcorrect import Correction

LETTER = 25  # letter height in pixels at 200 dpi


def _line(*words: tuple[str, float] | tuple[str, float, int], top: int = 0) -> list[Word]:
    """Words left to right on one line; a third item is the box width and height of a mark."""
    placed, left = [], 0
    for item in words:
        text, confidence = item[0], item[1]
        if len(item) == 3:
            size = item[2]
            box = Word(text, confidence, left, top + LETTER - size, size, size, 1, 1, 1)
        else:
            width = 12 * len(text)
            box = Word(text, confidence, left, top, width, LETTER, 1, 1, 1)
        placed.append(box)
        left = box.right + 10
    return placed


def _reading(*lines: list[Word]) -> CellReading:
    words = [word for line in lines for word in line]
    text = "\n".join(" ".join(word.text for word in line) for line in lines)
    return CellReading(GridCell(0, 0, 1, 1, 0, 0, 500, 200), text, 0.9, words)


def _fix(*readings: CellReading) -> tuple[list[str], list[Correction]]:
    fixed, corrections = correct_readings(list(readings), 3)
    return [reading.text for reading in fixed], corrections


def test_a_speck_read_as_a_mark_is_dropped_and_recorded() -> None:
    texts, corrections = _fix(
        _reading(_line(("hộ", 0.97), ("nghèo,", 0.97), ("cận", 0.97), (":", 0.8, 2), ("nghèo", 0.97)))
    )
    assert texts == ["hộ nghèo, cận nghèo"]
    assert [(c.original, c.corrected, c.reason, c.page) for c in corrections] == [(":", "", "speck", 3)]


def test_a_printed_dash_is_kept_however_unsure() -> None:
    # A hyphen is as wide as a letter's half; only its low confidence is in doubt.
    texts, corrections = _fix(
        _reading(_line(("kinh", 0.97), ("tế", 0.97), ("-", 0.5, 10), ("xã", 0.97), ("hội", 0.97)))
    )
    assert texts == ["kinh tế - xã hội"]
    assert corrections == []


def test_list_dash_at_a_line_start_is_kept() -> None:
    texts, _ = _fix(_reading(_line(("-", 0.92, 10), ("Mục", 0.97), ("đích:", 0.97), ("phục", 0.97), ("vụ", 0.97))))
    assert texts == ["- Mục đích: phục vụ"]


def test_brace_closing_a_parenthesis_becomes_a_parenthesis() -> None:
    texts, corrections = _fix(
        _reading(
            _line(("(", 0.92), ("đơn", 0.97), ("vị", 0.97), ("trực", 0.97), ("thuộc", 0.97), ("Sở", 0.97), ("};", 0.8))
        )
    )
    assert texts == ["( đơn vị trực thuộc Sở );"]
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [("};", ");", "bracket")]


def test_a_brace_without_an_open_parenthesis_is_left_alone() -> None:
    texts, _ = _fix(_reading(_line(("mã", 0.97), ("}", 0.8))))
    assert texts == ["mã }"]


def test_unclosed_parenthesis_closed_by_a_letter_vietnamese_never_writes() -> None:
    texts, corrections = _fix(_reading(_line(("(nhómÿ", 0.53), ("tác", 0.97), ("giả", 0.97))))
    assert texts == ["(nhóm) tác giả"]
    assert corrections[0].reason == "bracket"


def test_stray_marks_at_word_edges() -> None:
    texts, _ = _fix(
        _reading(
            _line((".-", 0.76), ("Phạm", 0.97), ("vi:.", 0.86), ("Sở", 0.97)),
            _line(("~Nội", 0.83), ("dung:", 0.97), (".trường", 0.88), ("sống", 0.97), top=40),
        )
    )
    assert texts == ["- Phạm vi: Sở\n- Nội dung: trường sống"]


def test_ellipsis_is_not_a_doubled_period() -> None:
    texts, _ = _fix(_reading(_line(("vân", 0.97), ("vân...", 0.9))))
    assert texts == ["vân vân..."]


def test_dash_between_registry_acronyms_restored_in_the_pages_own_dash() -> None:
    printed = _reading(_line(("Phòng", 0.97), ("VH–", 0.9), ("XH", 0.97)))
    lost = _reading(_line(("Phòng", 0.97), ("VH", 0.4)), _line(("XH", 0.97), top=40))
    garbled = _reading(_line(("Phòng", 0.97), ("VH~", 0.37), ("XH", 0.97)))
    texts, corrections = _fix(printed, lost, garbled)
    assert texts == ["Phòng VH– XH", "Phòng VH–\nXH", "Phòng VH– XH"]
    assert {c.reason for c in corrections} == {"dash"}


def test_acronyms_the_registry_does_not_join_keep_their_space() -> None:
    texts, _ = _fix(_reading(_line(("UBND", 0.9), ("TTHC", 0.9))))
    assert texts == ["UBND TTHC"]


def test_unsure_syllable_replaced_by_the_variant_forming_a_word() -> None:
    texts, corrections = _fix(_reading(_line(("theo", 0.97), ("đõi", 0.87), ("quá", 0.97), ("trình", 0.97))))
    assert texts == ["theo dõi quá trình"]
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [("đõi", "dõi", "word")]
    texts, _ = _fix(_reading(_line(("phi", 0.97), ("vật", 0.97), ("thế", 0.7), ("của", 0.97))))
    assert texts == ["phi vật thể của"]


def test_sure_syllable_forming_no_word_is_left_to_the_text_stage() -> None:
    # Read with high confidence and not commoner on the page: no evidence for the word stage; the
    # text stage (run last on each cell) fixes it from the dictionary pair alone.
    texts, corrections = _fix(_reading(_line(("Dữ", 0.97), ("liệu", 0.97), ("lao", 0.97), ("đông", 0.97))))
    assert texts == ["Dữ liệu lao động"]
    assert [c.reason for c in corrections] == ["diacritics"]
    # A dictionary pair alone ("giá vẽ" is a word, "giá vé" a compound Viet74K lacks) does not
    # overrule a syllable both readings of the cell (binary and grey image) agreed on.
    fare = _reading(_line(("lịch", 0.97), ("trình,", 0.97), ("giá", 0.97), ("vé", 0.97)))
    assert _fix(fare)[0] == ["lịch trình, giá vẽ"]
    texts, corrections = _fix(dataclasses.replace(fare, agreed=frozenset({"vé"})))
    assert texts == ["lịch trình, giá vé"]
    assert corrections == []


def test_sure_syllable_with_the_hoi_hook_read_as_acute_is_fixed() -> None:
    texts, corrections = _fix(_reading(_line(("tạm", 0.97), ("ngừng,", 0.97), ("giải", 0.97), ("thế,", 0.96))))
    assert texts == ["tạm ngừng, giải thể,"]
    assert corrections[0].reason == "word"
    # Not when the reading pairs with its neighbour in the dictionary: "biến số" is a word.
    texts, _ = _fix(_reading(_line(("đăng", 0.97), ("ký,", 0.97), ("biến", 0.97), ("số", 0.97))))
    assert texts == ["đăng ký, biến số"]


def test_function_word_read_with_confidence_is_not_changed() -> None:
    texts, _ = _fix(
        _reading(_line(("tra", 0.97), ("cứu", 0.97), ("từ", 0.97), ("CSDL", 0.97))),
        _reading(_line(("cứu", 0.97), ("tử", 0.97), ("tử", 0.97))),
    )
    assert texts[0] == "tra cứu từ CSDL"


def test_least_sure_word_is_fixed_first() -> None:
    # "phạm" is right and sure; "vị" wrong and unsure: fixing "phạm" into "phẩm vị" would be worse.
    texts, _ = _fix(_reading(_line(("đích,", 0.97), ("phạm", 0.97), ("vị,", 0.7), ("nội", 0.97), ("dung", 0.97))))
    assert texts == ["đích, phạm vi, nội dung"]


def test_page_vocabulary_overrides_a_dictionary_pair_read_unsurely() -> None:
    clean = [_reading(_line(("thị", 0.97), ("xã", 0.97), ("thuộc", 0.97), ("tỉnh.", 0.97))) for _ in range(2)]
    unsure = _reading(_line(("cơ", 0.97), ("quan", 0.97), ("thuộc", 0.97), ("tính.", 0.6)))
    texts, _ = _fix(*clean, unsure)
    assert texts[-1] == "cơ quan thuộc tỉnh."


def test_run_together_syllables_split_but_not_a_loanword() -> None:
    texts, corrections = _fix(_reading(_line(("Thể", 0.97), ("thao", 0.97), ("và", 0.97), ("Dulịch", 0.9))))
    assert texts == ["Thể thao và Du lịch"]
    assert corrections[0].reason == "split"
    texts, _ = _fix(_reading(_line(("khí", 0.97), ("nitơ", 0.87))))
    assert texts == ["khí nitơ"]


def test_empty_reading_passes_through() -> None:
    empty = CellReading(GridCell(0, 0, 1, 1, 0, 0, 10, 10), "", None, [])
    fixed, corrections = correct_readings([empty], 1)
    assert fixed == [empty] and corrections == []


def test_correction_reason_is_described_in_both_languages() -> None:
    assert Correction(1, "a", "b", "a").describe()[1] == "OCR diacritics corrected"
    assert Correction(1, ":", "", "x", "speck").describe()[0].startswith("Bỏ dấu câu")


def _with_symbols(word: Word, mark_size: int) -> Word:
    """``word`` with its characters: letters 12 px wide, the last one a mark of ``mark_size`` px."""
    letters = [Symbol(char, 0.99, word.left + 12 * i, word.top, 11, LETTER) for i, char in enumerate(word.text[:-1])]
    mark = Symbol(
        word.text[-1], 0.99, word.left + 12 * len(letters), word.top + LETTER - mark_size, mark_size, mark_size
    )
    return dataclasses.replace(word, symbols=(*letters, mark))


def test_a_speck_glued_to_a_word_is_dropped_but_a_printed_period_kept() -> None:
    dusty = _line(("Dữ", 0.97), ("liệu", 0.97), ("khai", 0.97), ("tử.", 0.45))
    dusty[-1] = _with_symbols(dusty[-1], 2)
    printed = _line(("trên", 0.97), ("địa", 0.97), ("bàn", 0.97), ("tỉnh.", 0.97))
    printed[-1] = _with_symbols(printed[-1], 5)
    texts, corrections = _fix(_reading(dusty), _reading(printed))
    assert texts == ["Dữ liệu khai tử", "trên địa bàn tỉnh."]
    assert [(c.original, c.corrected, c.reason) for c in corrections] == [("tử.", "tử", "speck")]


def test_tsv_words_get_their_characters_by_spelling() -> None:
    row = "5\t1\t1\t1\t1\t{n}\t10\t10\t40\t25\t{conf}\t{text}"
    tsv = "\n".join(
        [
            row.format(n=1, conf=96, text="tỉnh."),
            row.format(n=2, conf=40, text="|"),
            row.format(n=3, conf=90, text="xã"),
        ]
    )
    groups = [
        tuple(Symbol(c, 0.9, 0, 0, 5, 5) for c in "tỉnh."),
        (Symbol("|", 0.4, 0, 0, 1, 20),),
        tuple(Symbol(c, 0.9, 0, 0, 5, 5) for c in "xã"),
    ]
    words = _parse_tsv(tsv, symbols=groups)
    assert [w.text for w in words] == ["tỉnh.", "|", "xã"]
    assert ["".join(s.text for s in w.symbols) for w in words] == ["tỉnh.", "|", "xã"]
    # Without the engine's characters (the CLI fallback) words simply carry none.
    assert all(w.symbols == () for w in _parse_tsv(tsv))


def test_hyphen_inside_a_word_is_a_speck_but_not_between_unrelated_syllables() -> None:
    texts, corrections = _fix(_reading(_line(("cấp", 0.97), ("huyện,", 0.97), ("cấp-xã", 0.9))))
    assert texts == ["cấp huyện, cấp xã"]
    assert corrections[0].reason == "split"
    texts, _ = _fix(_reading(_line(("chia", 0.97), ("sẻ-theo", 0.93))))
    assert texts == ["chia sẻ-theo"]


def test_parenthesis_closed_by_a_foreign_letter_before_a_later_brace() -> None:
    texts, _ = _fix(
        _reading(_line(("(nhómÿ", 0.53), ("tác", 0.97), ("giả", 0.97), ("(", 0.9), ("năm", 0.97), ("}", 0.6)))
    )
    assert texts == ["(nhóm) tác giả ( năm )"]


def test_colon_and_semicolon_follow_the_pages_own_labels() -> None:
    labels = [_reading(_line(("-", 0.92, 10), ("Mục", 0.97), ("đích:", 0.97), ("phục", 0.97))) for _ in range(3)]
    slipped = _reading(_line(("-", 0.92, 10), ("Mục", 0.97), ("đích;", 0.96), ("phục", 0.97)))
    texts, corrections = _fix(*labels, slipped)
    assert texts[-1] == "- Mục đích: phục"
    assert [(c.original, c.corrected) for c in corrections] == [("đích;", "đích:")]
    # One label on the page is no evidence.
    texts, _ = _fix(labels[0], slipped)
    assert texts[-1] == "- Mục đích; phục"


def test_tie_between_variants_goes_to_the_one_nearest_the_reading() -> None:
    texts, _ = _fix(_reading(_line(("y", 0.93), ("học", 0.97), ("cố", 0.81), ("truyền", 0.97))))
    assert texts == ["y học cổ truyền"]
