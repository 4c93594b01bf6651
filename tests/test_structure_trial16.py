"""Metadata and table cases of the session-16 trial (docs/realdocs-trial.md, "Session 16").

Each test rebuilds the failing pattern from a real snippet (the fetched documents are not committed): QĐ
20/2020/QĐ-TTg (a scanned code list, tanhien/duansohoa), KH 996/KH-TCTLNTW-C04 and TTr 519/TTr-CAT-PC06 (scans
of Bộ Công an bodies, vpubnd49/VBAI), and a Party resolution of Tỉnh ủy Đồng Tháp (a Word header table).
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from extract.api import extract_bytes
from extract.blocks import Paragraph, RawCell, RawTable
from extract.model import Table
from extract.structure.metadata import extract_metadata
from extract.structure.tables import stitch_tables

# ---------------------------------------------------------------- 1. a code repeated in a column of identifiers

CODE_HEADER = ["STT", "Tên cơ quan cấp 1", "Mã cấp 1"]
# QĐ 20/2020/QĐ-TTg, table "3. Mã cấp 1 của Ủy ban nhân dân (UBND) các tỉnh", rows 18-33 as read (page 11):
# STT 30 (Hậu Giang, H30) is read "H20", Đồng Tháp's code; STT 31 (Hưng Yên, H31) "H11", Bình Thuận's.
PROVINCES = {
    18: ("UBND tỉnh Điện Biên", "H18"),
    19: ("UBND tỉnh Đồng Nai", "H19"),
    20: ("UBND tỉnh Đồng Tháp", "H20"),
    21: ("UBND tỉnh Gia Lai", "H21"),
    22: ("UBND tỉnh Hà Giang", "H22"),
    29: ("UBND Thành phố Hồ Chí Minh", "H29"),
    30: ("UBND tỉnh Hậu Giang", "H20"),
    32: ("UBND tỉnh Khánh Hòa", "H32"),
    33: ("UBND tỉnh Kiên Giang", "H33"),
}


def _fragment(rows: list[list[str]], page: int, *, after_break: bool = False) -> RawTable:
    return RawTable(
        rows=[[RawCell(text, page=page) for text in row] for row in rows],
        page=page,
        after_break=after_break,
        pages=[page],
    )


def _stitched(*fragments: RawTable) -> tuple[list[Table], list[tuple[str, str]]]:
    blocks = [Paragraph(text="3. Mã cấp 1 của Ủy ban nhân dân các tỉnh", page=fragments[0].page), *fragments]
    items, warnings = stitch_tables(blocks, source="qd20.pdf")
    return [item for item in items if isinstance(item, Table)], [(w.code, w.message) for w in warnings]


def _rows(numbers: range | list[int], codes: dict[int, tuple[str, str]]) -> list[list[str]]:
    return [[str(number), *codes[number]] for number in numbers if number in codes]


def test_a_misread_code_that_repeats_another_rows_code_is_flagged_across_pages() -> None:
    # The two halves on two pages (the check runs on the stitched table, not page by page).
    first = _fragment([CODE_HEADER, *_rows(range(18, 23), PROVINCES)], page=10)
    second = _fragment(_rows(range(29, 34), PROVINCES), page=11, after_break=True)
    tables, warnings = _stitched(first, second)
    assert len(tables) == 1
    (message,) = [message for code, message in warnings if code == "code_duplicate"]
    assert "«H20»" in message and "«Mã cấp 1»" in message
    assert "hàng 4 (STT 20, tr. 10)" in message and "hàng 8 (STT 30, tr. 11)" in message


def test_codes_that_classify_rows_may_repeat() -> None:
    # A group code on each of its rows ("Mã nhóm"), and a unit's code repeated on three rows of a column of
    # otherwise distinct codes: codes that classify, not identify; no warning.
    groups = [["STT", "Tên dữ liệu", "Mã nhóm"]]
    groups += [[str(n), f"Dữ liệu {n}", f"N{(n + 1) // 2:02d}"] for n in range(1, 9)]
    units = [["STT", "Nhiệm vụ", "Mã đơn vị"]] + [[str(n), f"Nhiệm vụ {n}", f"DV{n:02d}"] for n in range(1, 9)]
    thrice = [["STT", "Tên thủ tục", "Mã"]] + [
        [str(n), f"Thủ tục {n}", "1.000123" if n in (2, 5, 7) else f"1.00{n:04d}"] for n in range(1, 12)
    ]
    for rows in (groups, units, thrice):
        _, warnings = _stitched(_fragment(rows, page=1))
        assert not [code for code, _ in warnings if code == "code_duplicate"], rows[0]


def test_a_code_column_with_group_rows_and_distinct_codes_does_not_warn() -> None:
    # QĐ 2061/QĐ-UBND's product catalog (real set): group rows carry the group's code ("CH.VT"), data rows their own.
    rows = [["TT", "Mã", "Nhiệm vụ"], ["I", "CH.VT", "VĂN THƯ, LƯU TRỮ"]]
    rows += [[str(n), f"CH.VT.{n:02d}", f"Nhiệm vụ văn thư {n}"] for n in range(1, 7)]
    rows += [["II", "CH.TH", "CÔNG VIỆC TỔNG HỢP, HÀNH CHÍNH"]]
    rows += [[str(n), f"CH.TH.{n:02d}", f"Nhiệm vụ tổng hợp {n}"] for n in range(1, 7)]
    _, warnings = _stitched(_fragment(rows, page=1))
    assert not [code for code, _ in warnings if code == "code_duplicate"]


def test_a_repeated_value_in_a_column_that_is_not_of_codes_does_not_warn() -> None:
    # The same deadline or unit on two rows is not a code: only a "Mã …" column of code-like values is checked.
    rows = [["STT", "Nhiệm vụ", "Thời gian"]] + [[str(n), f"Nhiệm vụ {n}", "Q4/2026" if n < 3 else f"Q{n % 4 + 1}/2027"]
                                                 for n in range(1, 9)]
    _, warnings = _stitched(_fragment(rows, page=1))
    assert not [code for code, _ in warnings if code == "code_duplicate"]


# ---------------------------------------------------------------- 2. the body under its ministry, read from a scan


def _issuer(*header: str) -> str:
    lines = [*header, "Số: 12/KH-TCTLNTW-C04", "Hà Nội, ngày 10 tháng 2 năm 2026", "KẾ HOẠCH", "Phối hợp kiểm soát"]
    items: list[Paragraph | Table] = [Paragraph(text=text, line=index + 1) for index, text in enumerate(lines)]
    return extract_metadata(items, source="x").issuer


def test_the_body_under_its_ministry_is_read_through_an_ocr_slip_in_its_kind() -> None:
    # KH 996's scan reads "TỎ" for "TỔ": the issuer was the ministry above it.
    assert _issuer("BỘ CÔNG AN", "TỎ CÔNG TÁC LIÊN NGÀNH TW") == "Tổ Công tác liên ngành TW"
    assert _issuer("BỘ CÔNG AN", "TỔ CÔNG TÁC LIÊN NGÀNH TW") == "Tổ Công tác liên ngành TW"


def test_a_provincial_police_under_the_ministry_issues() -> None:
    # TTr 519/TTr-CAT-PC06: "BỘ CÔNG AN / CÔNG AN TỈNH LÂM ĐỒNG".
    assert _issuer("BỘ CÔNG AN", "CÔNG AN TỈNH LÂM ĐỒNG") == "Công an tỉnh Lâm Đồng"
    # a ministry's name printed over two lines is still the ministry
    assert _issuer("BỘ CÔNG AN") == "Bộ Công an"


# ---------------------------------------------------------------- 3. a certified scan's caption is not its text


def test_a_page_whose_text_layer_is_only_a_signing_caption_is_a_scan() -> None:
    # TTr 519 (a "SAO Y" copy): the certifying office's signing tool wrote this line as page 1's only text, so the
    # page was not read by OCR and the document had no kind, title, number or issuer.
    from extract.pdf.textlayer import signature_caption_only  # new in session 16: imported here to fail alone

    assert signature_caption_only("SAO Y; CÔNG AN TỈNH LÂM ĐỒNG; 25/12/2025; 09:27:28; +07:00")
    assert signature_caption_only(
        "Người ký: Sở Y tế Email: syt@tphcm.gov.vn Cơ quan: Thành phố Hồ Chí Minh "
        "Thời gian ký: 09.02.2021 12:16:11 +07:00"
    )
    # a typed page carries its own text beside the caption
    assert not signature_caption_only("Ký bởi: Ủy ban nhân dân Thời gian ký: 05/01/2021 08:15:24 Nơi nhận: - Như trên")
    assert not signature_caption_only("Nơi nhận: - Như trên; - Lưu: VT; KT. CHỦ TỊCH; 12:30")


# ---------------------------------------------------------------- 4. a Party header in a Word table


def _party_docx(header: list[str], right: list[str]) -> bytes:
    document = new_docx()
    grid = document.add_table(rows=1, cols=2)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "none")
        borders.append(element)
    grid._tbl.tblPr.append(borders)
    for cell, lines in zip(grid.rows[0].cells, (header, right), strict=True):
        cell.text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    for text in ("NGHỊ QUYẾT", "về chuyển đổi số trong công tác xây dựng Đảng", "- Căn cứ Điều lệ Đảng;"):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_party_committee_in_a_word_header_table_issues() -> None:
    # NQ-CDS-DongThap.docx: the header table was kept as a data table, so its issuer was never read.
    content = _party_docx(
        ["TỈNH UỶ ĐỒNG THÁP", "*", "Số      -NQ/TU"], ["ĐẢNG CỘNG SẢN VIỆT NAM", "Đồng Tháp, ngày    tháng 3 năm 2026"]
    )
    doc = extract_bytes(content, "nq.docx")
    assert doc.metadata.issuer == "Tỉnh ủy Đồng Tháp"
    assert doc.metadata.kind == "NGHỊ QUYẾT"
    assert doc.tables == []
    assert "metadata_issuer_missing" not in [w.code for w in doc.warnings]


def test_a_data_table_naming_the_party_is_still_a_table() -> None:
    document = new_docx()
    document.add_paragraph("KẾ HOẠCH")
    rows = [["STT", "Cơ quan", "Nội dung"], ["1", "Ban Tuyên giáo", "Tuyên truyền Điều lệ Đảng Cộng sản Việt Nam"]]
    grid = document.add_table(rows=2, cols=3)
    for row, values in zip(grid.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    assert len(extract_bytes(buffer.getvalue(), "kh.docx").tables) == 1


# ---------------------------------------------------------------- 3b. TTr 519's signer


def test_a_police_signers_rank_is_not_part_of_the_name_and_an_enacting_line_is_no_signer() -> None:
    # TTr 519: the signer "Đại tá Nguyễn Tường Vũ" (read "Đại tả") was missed for its rank, and the enacting line of
    # the draft decision annexed to it gave "LÂM ĐÒNG" (the province's name, "Lâm" being a family name).
    lines = [
        "BỘ CÔNG AN",
        "CÔNG AN TỈNH LÂM ĐỒNG",
        "Số: 519/TTr-CAT-PC06",
        "TỜ TRÌNH",
        "Đề nghị ban hành Quyết định thành lập Ban Chỉ đạo về dữ liệu tỉnh Lâm Đồng",
        "Công an tỉnh kính báo cáo đồng chí Chủ tịch UBND tỉnh.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Đại tả Nguyễn Tường Vũ",
    ]
    annex = ["QUYẾT ĐỊNH", "Thành lập Ban Chỉ đạo về dữ liệu tỉnh Lâm Đồng", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÂM ĐÒNG"]
    for texts, signer in ((lines, "Nguyễn Tường Vũ"), (lines[:6] + annex, "")):
        items: list[Paragraph | Table] = [Paragraph(text=text, line=index + 1) for index, text in enumerate(texts)]
        assert extract_metadata(items, source="x").signer == signer
