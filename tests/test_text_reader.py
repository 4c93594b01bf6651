"""The text reader and markup cleaning, on the real seed files and on small crafted inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.blocks import BlockStream, Paragraph, RawTable
from extract.markup import clean_inline, detect_emphasis, fold, split_glued_headings
from extract.text_reader import read_text

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"


def _read(name: str) -> BlockStream:
    path = DOCS / name
    return read_text(path.read_bytes(), path.name)


def _tables(stream: BlockStream) -> list[RawTable]:
    return [block for block in stream.blocks if isinstance(block, RawTable)]


def _paragraphs(stream: BlockStream) -> list[Paragraph]:
    return [block for block in stream.blocks if isinstance(block, Paragraph)]


# ---------------------------------------------------------------- markup


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("1m <sup>2</sup>", "1m²"),
        ("Ca <sup>2+</sup> , Mg <sup>2+</sup> , Zn", "Ca²⁺ , Mg²⁺ , Zn"),
        ("lưu huỳnh điôxit (SO <sub>2</sub> )", "lưu huỳnh điôxit (SO₂ )"),
        ("x <sup>note 1</sup>", "xnote 1"),  # no superscript for a space: plain characters
        ("điện thoại ( <i>phân theo địa bàn</i> )", "điện thoại ( phân theo địa bàn )"),
        ("## **II. NHIỆM VỤ TRỌNG TÂM**", "II. NHIỆM VỤ TRỌNG TÂM"),
        ("#### ***1.1. Xây dựng các văn bản***", "1.1. Xây dựng các văn bản"),
        ("*(Chỉ công bố khi đủ điều kiện)*", "(Chỉ công bố khi đủ điều kiện)"),
        ("<b>Stt</b>", "Stt"),
        ("<strong>A</strong><br>B", "A B"),
        ("**KẾ HOẠCH**  ", "KẾ HOẠCH"),
        ("Tài chính &amp; ngân sách", "Tài chính & ngân sách"),
        ("xem <https://data.gov.vn/a>", "xem https://data.gov.vn/a"),
        ("trẻ em <5 tuổi", "trẻ em <5 tuổi"),
        ("Số: ______/KH-UBND", "Số: ______/KH-UBND"),
        ("ghi chú (*)", "ghi chú (*)"),
        ("__gạch__ chân", "gạch chân"),
    ],
)
def test_clean_inline(raw: str, clean: str) -> None:
    assert clean_inline(raw) == clean


def test_clean_inline_keeps_breaks_on_request() -> None:
    assert clean_inline("Sở A<br/>UBND  cấp huyện", keep_breaks=True) == "Sở A\nUBND cấp huyện"


def test_clean_inline_is_nfc() -> None:
    decomposed = "Nô\u0323i bô\u0323"  # combining dot below, as some converters write it
    assert clean_inline(decomposed) == "Nội bộ"


def test_emphasis() -> None:
    assert detect_emphasis("**I. MỤC ĐÍCH, YÊU CẦU**").bold
    assert detect_emphasis("**KT. CHỦ TỊCH").bold  # bold opened here, closed lines later
    assert detect_emphasis("## 2. Nhóm dữ liệu").heading_mark
    assert detect_emphasis("*(Chỉ công bố khi đủ điều kiện)*").italic
    assert not detect_emphasis("1. Chỉ bao gồm dữ liệu phát sinh").bold


def test_split_glued_headings() -> None:
    assert split_glued_headings("**II. DANH MỤC DỮ LIỆU****1. Nhóm dữ liệu dân cư**") == [
        "**II. DANH MỤC DỮ LIỆU**",
        "**1. Nhóm dữ liệu dân cư**",
    ]
    assert len(split_glued_headings("**PHỤ LỤC****Danh mục dữ liệu****I. NGUYÊN TẮC XÁC ĐỊNH**")) == 3
    assert split_glued_headings("**Một dòng đậm**") == ["**Một dòng đậm**"]


def test_fold() -> None:
    assert fold("Cơ quan, Đơn vị  CHỦ TRÌ") == "co quan, don vi chu tri"


# ---------------------------------------------------------------- encodings


def test_bom_is_ignored() -> None:
    plain = read_text("KẾ HOẠCH\n".encode(), "a.txt")
    with_bom = read_text(b"\xef\xbb\xbf" + "KẾ HOẠCH\n".encode(), "a.txt")
    assert plain.blocks == with_bom.blocks
    assert with_bom.encoding == "utf-8"


def test_utf16_with_bom_is_read() -> None:
    stream = read_text("KẾ HOẠCH\r\nnăm 2026".encode("utf-16"), "a.txt")
    assert [block.text for block in _paragraphs(stream)] == ["KẾ HOẠCH", "năm 2026"]


def test_legacy_encoding_is_converted_and_reported() -> None:
    stream = read_text(b"K\xd5 HO\xb9CH", "tcvn.txt")  # "KẾ HOẠCH" in TCVN3
    assert stream.encoding == "tcvn3"
    assert [block.text for block in stream.blocks if isinstance(block, Paragraph)] == ["KẾ HOẠCH"]
    assert stream.warnings[0][0] == "legacy_encoding"


# ---------------------------------------------------------------- paragraphs


def test_paragraph_lines_are_one_based_and_pageless() -> None:
    stream = _read("dong_cuu_ke_hoach_2026.txt")
    first = _paragraphs(stream)[0]
    assert (first.text, first.line, first.page) == ("Số: /KH-UBND", 3, None)
    assert all(block.page is None for block in stream.blocks)


def test_glued_bold_headings_become_separate_paragraphs() -> None:
    paragraphs = _paragraphs(_read("son_hai_ke_hoach_2026.txt"))
    on_266 = [paragraph for paragraph in paragraphs if paragraph.line == 266]
    assert [paragraph.text for paragraph in on_266] == [
        "PHỤ LỤC",
        "Danh mục dữ liệu thuộc phạm vi quản lý của UBND xã Sơn Hải năm 2026",
        "I. NGUYÊN TẮC XÁC ĐỊNH DANH MỤC",
    ]
    assert all(paragraph.bold for paragraph in on_266)
    assert "**" not in " ".join(paragraph.text for paragraph in paragraphs)


# ---------------------------------------------------------------- tab-separated tables


def test_tab_tables_and_the_break_inside_one() -> None:
    tables = _tables(_read("dong_cuu_ke_hoach_2026.txt"))
    assert len(tables) == 7  # six group tables, the second one cut in two by a page break
    broken = tables[2]
    assert broken.after_break and not tables[1].after_break
    assert [cell.text for cell in broken.rows[0]] == ["", "TTHC", "", "", "", ""]
    assert all(len(row) == 6 for table in tables for row in table.rows)
    assert not any(table.ruled for table in tables)


def test_repeated_headers_start_fragments_after_a_break() -> None:
    tables = _tables(_read("hung_yen_ke_hoach_du_lieu_mo.txt"))
    assert len(tables) == 12
    assert [table.after_break for table in tables] == [False] + [True] * 11
    assert all(table.rows[0][0].text == "TT" for table in tables)
    assert tables[0].rows[1][0].text == "I"  # "<b>I</b>" cleaned


def test_rows_spaced_by_blank_lines_are_not_page_breaks() -> None:
    text = "STT\tTên dữ liệu\tĐơn vị\n\n1\tA\tSở X\n\n2\tB\tSở Y\n\n\tB2\tSở Z\n\n3\tC\tSở Z\n"
    tables = _tables(read_text(text.encode(), "a.txt"))
    assert len(tables) == 1
    assert len(tables[0].rows) == 5


def test_a_stray_tab_is_not_a_table() -> None:
    stream = read_text("Nơi nhận:\tKT. CHỦ TỊCH\n\nNguyễn Văn A\n".encode(), "a.txt")
    assert not _tables(stream)
    assert _paragraphs(stream)[0].text == "Nơi nhận: KT. CHỦ TỊCH"


# ---------------------------------------------------------------- one cell per line


def test_one_cell_per_line_table() -> None:
    stream = _read("ha_tinh_qd_1402_danh_muc_csdl.txt")
    tables = _tables(stream)
    assert len(tables) == 1
    table = tables[0]
    assert len(table.rows) == 35 and all(len(row) == 6 for row in table.rows)
    assert table.rows[0][1].text == "Tên cơ sở dữ liệu"
    assert [row[0].text for row in table.rows[1:]] == [str(number) for number in range(1, 35)]
    assert table.rows[2][2].text == ""  # the blank unit cell under a merged one
    # a wrapped cell with an empty line inside stays one cell; its lines are kept apart by "\n"
    row_25 = table.rows[25]
    assert row_25[3].text.count("\n") == 2 and row_25[3].text.endswith("trên địa bàn tỉnh")
    # the signature block after a lone TAB is running text
    texts = [paragraph.text for paragraph in _paragraphs(stream)]
    assert "KT. CHỦ TỊCH" in texts and "PHÓ CHỦ TỊCH" in texts


def test_one_cell_per_line_repeated_header_is_a_break() -> None:
    header = "\tTT\n\tTên dữ liệu\n\tĐơn vị\n\n"
    text = header + "\t1\n\tA\n\tSở X\n\n" + header + "\t\n\tcòn tiếp\n\t\n\n\t2\n\tB\n\tSở Y\n"
    tables = _tables(read_text(text.encode(), "a.txt"))
    assert [table.after_break for table in tables] == [False, True]
    assert tables[1].rows[0][0].text == "TT"


PROSE = "Triển khai rà soát, cập nhật cơ sở dữ liệu hộ tịch và dân cư trên địa bàn xã theo kế hoạch.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_long_text_is_cut_at_a_line_end_with_a_warning(monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    monkeypatch.setenv("DANHMUC_MAX_TEXT_CHARS", "20000")
    data = ("KẾ HOẠCH\n" + PROSE * 5000).encode(encoding)  # ~470,000 characters, no table
    stream = read_text(data, "dai.txt")
    codes = [code for code, _message, _where in stream.warnings]
    assert codes.count("text_cut") == 1 and "DANHMUC_MAX_TEXT_CHARS" in stream.warnings[codes.index("text_cut")][1]
    paragraphs = [block.text for block in stream.blocks if isinstance(block, Paragraph)]
    assert paragraphs[-1] == PROSE.strip()  # whole lines only
    assert sum(len(text) + 1 for text in paragraphs) <= 20000
    short = read_text(("KẾ HOẠCH\n" + PROSE * 10).encode(encoding), "ngan.txt")
    assert "text_cut" not in [code for code, _message, _where in short.warnings]


# The child's own peak is VmHWM (per address space, reset by exec): ru_maxrss survives exec on Linux and
# reported the parent pytest's 1.8 GiB when the whole suite ran before this test.
LONG_TEXT_CHILD = """
import sys, time
from extract import extract_file
started = time.process_time()
document = extract_file(sys.argv[1])
with open("/proc/self/status") as status:
    peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(time.process_time() - started, peak_kib // 1024, " ".join(warning.code for warning in document.warnings))
"""


@pytest.mark.slow
def test_a_text_at_the_upload_limit_is_read_within_bounds(tmp_path: Path) -> None:
    """50 MiB of prose, no table (the API's upload limit): cut with a warning, bounded memory and CPU."""
    import os
    import subprocess
    import sys

    path = tmp_path / "dai.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write("KẾ HOẠCH\nVề việc rà soát dữ liệu\n")
        for _ in range(50 * 2**20 // len(PROSE.encode())):
            out.write(PROSE)
    run = subprocess.run(
        [sys.executable, "-c", LONG_TEXT_CHILD, str(path)], capture_output=True, text=True, timeout=600,
        cwd=Path(__file__).resolve().parents[1], env={**os.environ, "DANHMUC_MAX_TEXT_CHARS": ""},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    cpu_seconds, peak_mib, codes = run.stdout.split(maxsplit=2)
    assert "text_cut" in codes.split()
    assert int(peak_mib) < 1024 and float(cpu_seconds) < 120
