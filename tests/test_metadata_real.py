"""Metadata on real documents of the genre: e-signed PDFs, letters, annexes, signature blocks.

The real files live beside the checkout (``shared/realdocs``) and are not committed; tests that
need one skip with the reason when it is absent. The header shapes they taught are also tested
on small hand-made inputs, so the mechanisms stay covered without the files.
"""

from __future__ import annotations

import io
from functools import cache

import pytest
from docx import Document as new_docx

from extract.api import extract_bytes, extract_file
from extract.blocks import Paragraph, Stamp
from extract.model import Document, Metadata, Table
from extract.pdf.forms import read_stamped_values
from extract.structure.metadata import STAMP_RAW_PREFIX, extract_metadata
from extract.structure.metadata_warnings import metadata_warnings
from realdocs import real


@cache
def real_document(name: str) -> Document:
    return extract_file(real(name))


def paragraphs(*texts: str) -> list[Paragraph | Table]:
    return [Paragraph(text=text, line=index + 1, page=1) for index, text in enumerate(texts)]


# ---------------------------------------------------------------- stamped values (e-signed PDFs)


def test_stamped_values_are_read_with_the_page_line_they_fill() -> None:
    stamps = read_stamped_values(real("KH-3070-UBND-BimSon.pdf").read_bytes())
    by_text = {stamp.text: stamp for stamp in stamps}
    assert by_text["3070."].line == "Số: 3070. /KH-UBND"
    assert by_text["09 9"].line == "Bỉm Sơn, ngày 09 tháng 9năm 2024"
    assert all(stamp.page == 1 for stamp in stamps)


def test_a_pdf_without_annotations_has_no_stamps() -> None:
    assert read_stamped_values(real("BTP-1043-danhmuc-VBQPPL.pdf").read_bytes()) == []


def test_unreadable_bytes_give_no_stamps() -> None:
    assert read_stamped_values(b"%PDF-1.4 not really") == []


@pytest.mark.parametrize(
    ("name", "number", "date"),
    [
        ("KH-3070-UBND-BimSon.pdf", "3070/KH-UBND", "2024-09-09"),
        ("TB-565-UBND-QuangNgai-2024-ketluan.pdf", "565/TB-UBND", "2024-11-15"),
        ("CV-507-UBND-QuangNgai-2025-gopy-VTCI.pdf", "507/UBND-KGVX", "2025-01-24"),
        ("QD-142-UBND-NgaiGiao-2024-phancong.pdf", "142/QĐ-UBND", "2024-03-29"),
    ],
)
def test_e_signed_number_and_date(name: str, number: str, date: str) -> None:
    meta = real_document(name).metadata
    assert (meta.number, meta.date) == (number, date)
    assert meta.sources["number"].raw.startswith(STAMP_RAW_PREFIX)
    assert meta.sources["number"].page == 1


def test_stamps_fill_the_blank_number_and_day_of_a_header() -> None:
    items = paragraphs(
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "Số: /UBND-KGVX",
        "Quảng Ngãi, ngày tháng 01 năm 2025",
        "Kính gửi: Sở Thông tin và Truyền thông",
    )
    stamps = [
        Stamp(page=1, text="507", line="Số: 507 /UBND-KGVX"),
        Stamp(page=1, text="24", line="Quảng Ngãi, ngày 24 tháng 01 năm 2025"),
        Stamp(page=1, text="99", line="Số: 99/QĐ-UBND"),  # another code: not this document's number
    ]
    meta = extract_metadata(items, source="x.pdf", stamps=stamps)
    assert (meta.number, meta.date, meta.year) == ("507/UBND-KGVX", "2025-01-24", 2025)
    warnings = metadata_warnings(meta, stamps, source="x.pdf")
    assert [w.code for w in warnings] == ["form_value_unplaced"]
    assert "99" in warnings[0].message


def test_a_stamped_date_of_another_year_is_not_taken() -> None:
    items = paragraphs("UBND TỈNH X", "Số: /KH-UBND", "X, ngày tháng 3 năm 2026", "KẾ HOẠCH", "Chuyển đổi số")
    stamps = [Stamp(page=1, text="05", line="X, ngày 05 tháng 3 năm 2025")]
    meta = extract_metadata(items, source="x.pdf", stamps=stamps)
    assert (meta.date, meta.date_raw, meta.year) == ("", "ngày tháng 3 năm 2026", 2026)
    codes = [w.code for w in metadata_warnings(meta, stamps, source="x.pdf")]
    assert codes == ["metadata_number_missing", "metadata_date_missing", "form_value_unplaced"]


# ---------------------------------------------------------------- kind, title, number of letters and annexes


def test_a_letter_is_a_cong_van_titled_by_its_v_v_line() -> None:
    meta = real_document("CV-507-UBND-QuangNgai-2025-gopy-VTCI.pdf").metadata
    assert meta.kind == "CÔNG VĂN"
    assert meta.title.startswith("góp ý dự thảo Quyết định sửa đổi")
    assert meta.title.endswith("dịch vụ viễn thông công ích")


def test_a_letter_subject_over_several_lines_stops_at_the_national_header() -> None:
    items = paragraphs(
        "UBND TỈNH BÌNH THUẬN",
        "Số: 12/UBND-NC",
        "V/v triển khai Công điện số 131/CĐ-TTg",
        "của Thủ tướng Chính phủ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Bình Thuận, ngày 20 tháng 12 năm 2024",
        "Kính gửi: Sở Tư pháp",
    )
    meta = extract_metadata(items, source="x.txt")
    assert (meta.kind, meta.title) == ("CÔNG VĂN", "triển khai Công điện số 131/CĐ-TTg của Thủ tướng Chính phủ")


def test_an_annex_is_phu_luc_with_its_parent_and_no_own_number() -> None:
    meta = real_document("BTP-1043-danhmuc-VBQPPL.pdf").metadata
    assert (meta.kind, meta.number, meta.date) == ("PHỤ LỤC", "", "")
    assert meta.parent is not None and meta.parent.number == "1043/BTP-QLXLVPHC&TDTHPL"
    assert meta.parent.date == "2021-04-09"
    assert meta.title.startswith("DANH MỤC VĂN BẢN QUY PHẠM PHÁP LUẬT")


def test_an_e_signed_annex_takes_its_parent_number_from_the_stamp() -> None:
    meta = real_document("QD-2061-UBND-phuluc-danhmuc-sanpham.pdf").metadata
    assert (meta.kind, meta.number) == ("PHỤ LỤC", "")
    assert meta.parent is not None and meta.parent.number == "2061/QĐ-UBND"
    assert meta.parent.provenance.raw.startswith(STAMP_RAW_PREFIX)


def test_a_number_cited_in_a_sentence_is_not_the_documents_own() -> None:
    items = paragraphs(
        "Chương V. YÊU CẦU VỀ KỸ THUẬT",
        "Các tiêu chuẩn được công bố kèm theo Thông tư số 39/2017/TT-BTTTT ngày 15/12/2017 của Bộ TTTT.",
        "Thực hiện Công văn Số 12/UBND-KT ngày 01/02/2024 của UBND tỉnh.",
    )
    meta = extract_metadata(items, source="x.txt")
    assert (meta.number, meta.date) == ("", "")


def test_v_v_is_dropped_from_a_decision_title() -> None:
    meta = real_document("QD-142-UBND-NgaiGiao-2024-phancong.pdf").metadata
    assert meta.title == "phân công nhiệm vụ đối với Công chức Văn phòng-Thống kê"


# ---------------------------------------------------------------- signer


@pytest.mark.parametrize(
    ("name", "signer"),
    [
        ("TB-565-UBND-QuangNgai-2024-ketluan.pdf", "Phùng Tô Long"),
        ("KH-3070-UBND-BimSon.pdf", "Trịnh Tuấn Thành"),
        ("CV-BinhThuan-CD131-TTHC.doc", "Đoàn Anh Dũng"),
    ],
)
def test_signer_of_real_documents(name: str, signer: str) -> None:
    assert real_document(name).metadata.signer == signer


@pytest.mark.parametrize(
    ("lines", "signer"),
    [
        (["- Như trên;", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "(Đã ký)", "Nguyễn Văn Thanh"], "Nguyễn Văn Thanh"),
        (["KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "THỨ TRƯỞNG"], ""),
        (["Nơi nhận:", "- Lưu: VT.", "CHỦ TỊCH Đoàn Anh Dũng"], "Đoàn Anh Dũng"),
        (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "- Các sở, ngành; Lê Thị Hồng Vân"], "Lê Thị Hồng Vân"),
        (["Ký bởi: Trần Văn Bình", "Cơ quan: UBND tỉnh"], "Trần Văn Bình"),
        (["GIÁM ĐỐC", "NGUYỄN HỮU ĐỒNG"], "NGUYỄN HỮU ĐỒNG"),
        (["GIÁM ĐỐC", "VĂN PHÒNG SỞ"], ""),
        # a scan whose signature block OCR lost, but for the name closing the Nơi nhận column
        (
            ["Nơi nhận:", "- CT, PCT UBND tỉnh;", "- Ban Quản Lý Dự Án;", "Lưu: VT, KT6 Đặng Văn Minh"],
            "Đặng Văn Minh",
        ),
        (["KT. GIAM ĐỌC", "PHO GIAM ĐỌC", "Nguyên Hoài Nam"], "Nguyễn Hoài Nam"),  # OCR lost the tone mark
    ],
)
def test_signer_shapes(lines: list[str], signer: str) -> None:
    assert extract_metadata(paragraphs(*lines), source="x.txt").signer == signer


def test_the_prime_minister_issues_a_decision() -> None:
    items = paragraphs(
        "THỦ TƯỚNG CHÍNH PHỦ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 09/2025/QĐ-TTg Hà Nội, ngày 14 tháng 4 năm 2025",
        "QUYẾT ĐỊNH",
        "Sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg",
    )
    meta = extract_metadata(items, source="x.txt")
    assert (meta.issuer, meta.number, meta.date, meta.place) == (
        "Thủ tướng Chính phủ",
        "09/2025/QĐ-TTg",
        "2025-04-14",
        "Hà Nội",
    )


def test_a_header_the_issuer_rules_do_not_read_is_reported() -> None:
    # A working group under a steering committee, its header a Word table (session-12 trial, Lâm Đồng).
    document = new_docx()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "BAN CHỈ ĐẠO"
    for line in ("VỀ PHÁT TRIỂN KHCN, ĐMST, CĐS VÀ ĐỀ ÁN 06", "TỔ GIÚP VIỆC VỀ", "CẢI CÁCH HÀNH CHÍNH"):
        header.cell(0, 0).add_paragraph(line)
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số: 15/QĐ-TGV"
    header.cell(1, 1).text = "Lâm Đồng, ngày 21 tháng 8 năm 2025"
    for text in ("QUYẾT ĐỊNH", "Về việc phê duyệt thành viên Tổ giúp việc", "Điều 1. Phê duyệt thành viên."):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    extracted = extract_bytes(buffer.getvalue(), "x.docx")
    assert (extracted.metadata.number, extracted.metadata.issuer) == ("15/QĐ-TGV", "")
    assert "metadata_issuer_missing" in [w.code for w in extracted.warnings]


def test_a_smudged_day_keeps_place_and_year_and_says_the_date_is_unknown() -> None:
    items = paragraphs(
        "UBND TỈNH QUẢNG NGÃI", "Số: 07/CT-UBND", "Quảng Ngãi, ngày 2# thángØ† năm 2021", "CHỈ THỊ", "Về việc X"
    )
    meta = extract_metadata(items, source="x.pdf")
    assert (meta.place, meta.date, meta.year) == ("Quảng Ngãi", "", 2021)
    assert meta.date_raw == "ngày 2# thángØ† năm 2021"
    assert [w.code for w in metadata_warnings(meta, [], source="x.pdf")] == ["metadata_date_missing"]


def test_a_cited_letters_subject_does_not_make_a_cong_van() -> None:
    items = paragraphs(
        "UBND TỈNH X",
        "Số: 12/BC-UBND",
        "Căn cứ Công văn số 5/UBND-KT V/v báo cáo tình hình",
        "Thực hiện chỉ đạo của tỉnh, V/v rà soát dữ liệu",
    )
    assert extract_metadata(items, source="x.txt").kind == ""


@pytest.mark.parametrize(
    ("name", "parent"),
    [
        ("KH-3070-UBND-BimSon.pdf", "1781-CV/TU"),  # "Thực hiện Công văn số 1781-CV/TU": a party number
        ("CV-BinhThuan-CD131-TTHC.doc", "131/CĐ-TTg"),
        ("CT-QuangNgai-hoadondientu-scan.pdf", ""),  # "Thực hiện Nghị định số 123/2020/NĐ-CP": a decree is no parent
    ],
)
def test_parent_named_by_the_thuc_hien_opening(name: str, parent: str) -> None:
    meta = real_document(name).metadata
    assert (meta.parent.number if meta.parent else "") == parent


def test_a_city_place_keeps_thanh_pho() -> None:
    items = paragraphs(
        "SỞ Y TẾ", "Số: 12/KH-SYT", "Thành phố Hồ Chí Minh, ngày 09 tháng 02 năm 2021", "KẾ HOẠCH", "Kiểm tra"
    )
    meta = extract_metadata(items, source="x.txt")
    assert (meta.place, meta.date) == ("Thành phố Hồ Chí Minh", "2021-02-09")


# ---------------------------------------------------------------- scans: signing day, restated title


def test_a_smudged_day_is_completed_from_the_signing_time_when_month_and_year_agree() -> None:
    header = ("UBND THÀNH PHỐ HỒ CHÍ MINH", "SỞ Y TẾ", "Thành phố Hồ Chí Minh, ngày(3 tháng 02 năm 2021", "KẾ HOẠCH")
    signed = [Stamp(page=1, text="Thời gian ký: 09.02.2021", line="Thời gian ký: 09.02.2021")]
    meta = extract_metadata(paragraphs(*header, "Kiểm tra"), source="x.pdf", stamps=signed)
    assert (meta.date, meta.date_raw) == ("2021-02-09", "ngày(3 tháng 02 năm 2021")
    assert meta.sources["date"].raw == f"{STAMP_RAW_PREFIX}Thời gian ký: 09.02.2021"
    # signed in another month: the signing time says nothing about the printed day
    other = [Stamp(page=1, text="Thời gian ký: 01.03.2021", line="Thời gian ký: 01.03.2021")]
    assert extract_metadata(paragraphs(*header, "Kiểm tra"), source="x.pdf", stamps=other).date == ""


def test_an_unreadable_month_is_not_completed_from_the_signing_time() -> None:
    """Chỉ thị Quảng Ngãi: written 04/01, signed 05/01; with day and month unreadable the date stays unknown."""
    items = paragraphs("UBND TỈNH QUẢNG NGÃI", "Số: 07/CT-UBND", "Quảng Ngãi, ngày 2# thángØ† năm 2021", "CHỈ THỊ")
    signed = [Stamp(page=1, text="Thời gian ký: 05/01/2021", line="Thời gian ký: 05/01/2021")]
    assert extract_metadata(items, source="x.pdf", stamps=signed).date == ""


def _ocr_title(*body: str) -> Metadata:
    items = paragraphs("THỦ TƯỚNG CHÍNH PHỦ", "Số: 09/2025/QĐ-TTg", "QUYẾT ĐỊNH", *body)
    return extract_metadata(items, source="x.pdf", ocr_pages=[1])


ISSUING = (
    "Thủ tướng Chính phủ ban hành Quyết định sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg ngày 22 tháng 7 năm "
    "2020 của Thủ tướng Chính phủ về mã định danh điện tử của các cơ quan, tổ chức phục vụ kết nói, chia sẻ dữ liệu."
)


def test_a_scanned_title_takes_lost_and_garbled_words_from_its_restatement() -> None:
    meta = _ocr_title(
        "Sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg ngày 22 tháng 7 năm 2020",
        "tướng Chính phủ về mã định danh điện tử của các cơ quan, Ea tộc chút phục vụ kết nối, chia sẻ dữ liệu",
        "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
        ISSUING,
    )
    # "của Thủ" lost at a line start and "Ea tộc chút" (no Vietnamese syllable "Ea") come from the restatement;
    # "kết nối" stays as the title reads it: the restatement's "kết nói" is a word too, so no evidence
    assert meta.title == (
        "Sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg ngày 22 tháng 7 năm 2020 của Thủ tướng Chính phủ về mã định "
        "danh điện tử của các cơ quan, tổ chức phục vụ kết nối, chia sẻ dữ liệu"
    )


def test_real_words_in_a_scanned_title_yield_to_a_restatement_only_when_far_likelier() -> None:
    meta = _ocr_title(
        "Sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg ngày 22 tháng 7 năm 2020",
        "của Thủ tướng Chính phủ về mã định danh điện tử của các cơ quan, tộc chút phục vụ kết nối, chia sẻ dữ liệu",
        "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
        ISSUING,
    )
    # "tộc chút" and "tổ chức" are both syllables; the language model finds "cơ quan, tổ chức phục vụ" far
    # likelier. "kết nối" / "kết nói": the title's own reading is the likelier one, so it stays
    assert meta.title == (
        "Sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg ngày 22 tháng 7 năm 2020 của Thủ tướng Chính phủ về mã định "
        "danh điện tử của các cơ quan, tổ chức phục vụ kết nối, chia sẻ dữ liệu"
    )


def test_a_title_run_on_into_the_first_can_cu_line_ends_before_it() -> None:
    run_on = extract_metadata(
        paragraphs(
            "THỦ TƯỚNG CHÍNH PHỦ",
            "Số: 09/2025/QĐ-TTg",
            "QUYẾT ĐỊNH",
            "Sửa đổi Quyết định số 20/2020/QĐ-TTg về mã định danh điện tử",
            "của các cơ quan, tổ chức với các bộ, ngành, địa phương Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 "
            "năm 2025;",
        ),
        source="x.pdf",
    )
    assert run_on.title.endswith("với các bộ, ngành, địa phương")
    # in the middle of a title the genre writes "căn cứ" in lower case: it is the title's own words
    inner = extract_metadata(
        paragraphs("BỘ TÀI CHÍNH", "Số: 12/2025/TT-BTC", "THÔNG TƯ", "Quy định tiêu chí căn cứ xác định giá đất"),
        source="x.pdf",
    )
    assert inner.title == "Quy định tiêu chí căn cứ xác định giá đất"


def test_a_title_is_repaired_only_on_ocr_pages_and_only_from_a_restatement() -> None:
    title = ("Sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg ngày 22 tháng 7 năm 2020", "tướng Chính phủ về mã")
    typed = extract_metadata(
        paragraphs("THỦ TƯỚNG CHÍNH PHỦ", "Số: 09/2025/QĐ-TTg", "QUYẾT ĐỊNH", *title, "Căn cứ Luật;", ISSUING),
        source="x.pdf",
    )
    assert "của Thủ" not in typed.title  # a text layer is what the page prints
    unrelated = _ocr_title(*title, "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023 về dữ liệu số và định danh;")
    assert unrelated.title == " ".join(title)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "KH-SYT-HCM-2021-kiemtra-VBQPPL-scan.pdf",
            {
                "issuer": "Sở Y tế thành phố Hồ Chí Minh",
                "date": "2021-02-09",
                "title": "Công tác kiểm tra, rà soát, xử lý văn bản quy phạm pháp luật trong lĩnh vực y tế trên địa "
                "bàn Thành phố Hồ Chí Minh năm 2021",
            },
        ),
        (
            # The title read from the scan runs on into "Căn cứ Luật Tổ chức Chính phủ…" (one OCR paragraph),
            # loses "của Thủ" under the arrival stamp and reads "tổ chức" as "tộc chút": cut at the Căn cứ,
            # "của Thủ" and "tổ chức" taken from the issuing sentence that restates it
            "09-2025-QD-TTg.pdf",
            {
                "title": "Sửa đổi, bổ sung Quyết định số 20/2020/QĐ-TTg ngày 22 tháng 7 năm 2020 của Thủ tướng Chính "
                "phủ về mã định danh điện tử của các cơ quan, tổ chức phục vụ kết nối, chia sẻ dữ liệu với các bộ, "
                "ngành, địa phương",
            },
        ),
    ],
)
def test_scanned_metadata_of_real_documents(name: str, expected: dict[str, str]) -> None:
    meta = real_document(name).metadata
    assert {field: getattr(meta, field).casefold() for field in expected} == {
        field: value.casefold() for field, value in expected.items()
    }
