"""Metadata of the seed documents against the gold, plus the header shapes other renderings produce."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from seed_corpus import GOLD, SEEDS, seed_items

from extract.blocks import Paragraph
from extract.model import Metadata, Table
from extract.structure.citations import find_citations
from extract.structure.metadata import extract_metadata
from extract.structure.numbering import logical_lines

META_FIELDS = ["kind", "number", "date", "issuer", "place", "year", "title"]



@cache
def seed_metadata(name: str) -> Metadata:
    return extract_metadata(seed_items(name), source=f"{name}.txt")


def gold_meta(name: str) -> dict[str, Any]:
    path = GOLD / f"{name}.json"
    if not path.exists():
        pytest.skip(f"no gold for {name}")
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["meta"]
    return meta


def paragraphs(*texts: str) -> list[Paragraph | Table]:
    return [Paragraph(text=text, line=index + 1) for index, text in enumerate(texts)]


# ---------------------------------------------------------------- the seeds against the gold


@pytest.mark.parametrize("name", SEEDS)
def test_metadata_matches_gold(name: str) -> None:
    gold = gold_meta(name)
    meta = seed_metadata(name)
    got = {field: getattr(meta, field) for field in META_FIELDS if field in gold}
    got["parent"] = meta.parent.number if meta.parent else ""
    assert got == {field: gold[field] for field in got}


@pytest.mark.parametrize("name", SEEDS)
def test_cited_documents_match_gold(name: str) -> None:
    gold = gold_meta(name)
    if "cited" not in gold:
        pytest.skip("gold lists no citations")
    meta = seed_metadata(name)
    assert [(doc.number, doc.date) for doc in meta.cited] == [
        (doc["number"], doc["date"]) for doc in gold["cited"]
    ]


@pytest.mark.parametrize("name", SEEDS)
def test_every_read_field_has_provenance(name: str) -> None:
    meta = seed_metadata(name)
    for field in ("kind", "title", "issuer", "signer"):
        assert getattr(meta, field), field
        provenance = meta.sources[field]
        assert provenance.file == f"{name}.txt" and provenance.line is not None and provenance.raw


def test_parent_plan_of_a_commune_plan() -> None:
    meta = seed_metadata("dong_cuu_ke_hoach_2026")
    assert meta.parent is not None
    assert meta.parent.kind == "Kế hoạch"
    assert meta.parent.role == "implements"
    assert meta.parent.issuer == "UBND tỉnh Bắc Ninh"
    assert meta.parent.title == "Phát triển dữ liệu tỉnh Bắc Ninh năm 2026"
    assert meta.parent.provenance.line == 11


def test_a_decree_is_never_a_parent() -> None:
    meta = seed_metadata("hung_yen_ke_hoach_du_lieu_mo")
    assert meta.parent is None
    assert [(doc.kind, doc.role, doc.issuer) for doc in meta.cited] == [
        ("Nghị định", "implements", "Chính phủ")
    ]


def test_decision_citations_keep_printed_slips_and_roles() -> None:
    meta = seed_metadata("ha_tinh_qd_1402_danh_muc_csdl")
    by_number = {doc.number: doc for doc in meta.cited}
    assert "47/2020/NĐ;CP" in by_number
    assert by_number["749/QĐ-TTg"].issuer == "Thủ tướng Chính phủ"
    assert by_number["749/QĐ-TTg"].role == "basis"
    proposal = by_number["22/TTr-STTTT"]
    assert (proposal.kind, proposal.role, proposal.issuer) == (
        "Văn bản",
        "proposal",
        "Sở Thông tin và Truyền thông",
    )
    assert meta.signer == "Lê Ngọc Châu"


def test_basis_lines_of_a_province_plan() -> None:
    meta = seed_metadata("bac_ninh_ke_hoach_2026")
    law, decree, decision, proposal, _ = meta.cited
    assert (law.kind, law.title, law.role) == ("Luật", "Dữ liệu", "basis")
    assert decree.issuer == "Chính phủ" and decree.title.startswith("Quy định về kết nối")
    assert decision.title.startswith("Chiến lược dữ liệu tỉnh Bắc Ninh")
    assert (proposal.kind, proposal.role, proposal.issuer) == (
        "Tờ trình",
        "proposal",
        "Sở Khoa học và Công nghệ",
    )
    assert meta.parent is None


# ---------------------------------------------------------------- header shapes


def test_national_header_as_paragraphs() -> None:
    meta = extract_metadata(
        paragraphs(
            "ỦY BAN NHÂN DÂN",
            "XÃ ĐÔNG CỨU",
            "-------",
            "Số: /KH-UBND",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Đông Cứu, ngày tháng 5 năm 2026",
            "KẾ HOẠCH",
            "Phát triển dữ liệu xã Đông Cứu năm 2026",
            "I. MỤC ĐÍCH, YÊU CẦU",
        ),
        source="x.docx",
    )
    assert (meta.issuer, meta.number, meta.number_template) == ("UBND xã Đông Cứu", "", "/KH-UBND")
    assert (meta.place, meta.date, meta.date_raw, meta.year) == (
        "Đông Cứu",
        "",
        "ngày tháng 5 năm 2026",
        2026,
    )
    assert meta.title == "Phát triển dữ liệu xã Đông Cứu năm 2026"
    assert meta.sources["issuer"].line == 1


def test_number_and_date_on_one_line_and_numeric_date() -> None:
    meta = extract_metadata(
        paragraphs("Số: /KH-UBND Hưng Yên, ngày tháng 01 năm 2024", "KẾ HOẠCH"), source="x"
    )
    assert (meta.number_template, meta.place, meta.date, meta.year) == ("/KH-UBND", "Hưng Yên", "", 2024)
    meta = extract_metadata(
        paragraphs("TỈNH HÀ TĨNH", "Số: 1402/QĐ-UBND", "Hà Tĩnh, ngày 12/7/2022", " QUYẾT ĐỊNH "), source="x"
    )
    assert (meta.number, meta.date, meta.place, meta.kind) == (
        "1402/QĐ-UBND",
        "2022-07-12",
        "Hà Tĩnh",
        "QUYẾT ĐỊNH",
    )


def test_kind_in_markup_and_not_the_enacting_clause() -> None:
    meta = extract_metadata(paragraphs("**KẾ HOẠCH**", "**Cung cấp dữ liệu mở**"), source="x")
    assert (meta.kind, meta.title) == ("KẾ HOẠCH", "Cung cấp dữ liệu mở")
    meta = extract_metadata(
        paragraphs("Căn cứ Luật Dữ liệu số 60/2024/QH15;", "QUYẾT ĐỊNH:", "Điều 1."), source="x"
    )
    assert meta.kind == ""


def test_own_number_from_the_appendix_only_when_printed() -> None:
    lines = (
        "QUYẾT ĐỊNH",
        "Về việc X",
        "Điều 1. Y",
        "(Kèm theo Quyết định số 1402/QĐ-UBND ngày 12/7/2022 của Z)",
    )
    meta = extract_metadata(paragraphs(*lines), source="x")
    assert (meta.number, meta.date) == ("1402/QĐ-UBND", "2022-07-12")
    assert meta.cited == []  # the document naming itself is not a citation
    blank = (
        "KẾ HOẠCH",
        "Về X",
        "I. A",
        "(Kèm theo Kế hoạch số /KH-UBND ngày /01/2024",
        "của Ủy ban nhân dân tỉnh)",
    )
    meta = extract_metadata(paragraphs(*blank), source="x")
    assert (meta.number, meta.number_template, meta.date) == ("", "/KH-UBND", "")


def test_issuer_inferred_from_the_issuing_sentence() -> None:
    meta = extract_metadata(
        paragraphs(
            "KẾ HOẠCH",
            "Phát triển dữ liệu năm 2026",
            "Ủy ban nhân dân huyện ban hành Kế hoạch phát triển dữ liệu huyện Gia Bình năm 2026:",
            "I. MỤC ĐÍCH",
        ),
        source="x",
    )
    assert meta.issuer == "UBND huyện Gia Bình"


def test_department_under_the_committee_issues() -> None:
    meta = extract_metadata(
        paragraphs("UBND TỈNH BẮC NINH", "SỞ Y TẾ", "Số: 24/TTr-SYT", "TỜ TRÌNH"), source="x"
    )
    # the department keeps its committee's locality: Bắc Ninh's Sở Y tế is not Hà Tĩnh's
    assert (meta.issuer, meta.number, meta.kind) == ("Sở Y tế tỉnh Bắc Ninh", "24/TTr-SYT", "TỜ TRÌNH")


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HỒ CHÍ MINH", "SỞ Y TẾ"), "Sở Y tế thành phố Hồ Chí Minh"),
        (("UBND TỈNH HÀ TĨNH", "SỞ Y TẾ"), "Sở Y tế tỉnh Hà Tĩnh"),
        (("UBND TỈNH HƯNG YÊN", "SỞ Y TẾ"), "Sở Y tế tỉnh Hưng Yên"),
        # a department whose own name says where is not given the locality twice
        (("UBND TỈNH HÀ TĨNH", "SỞ Y TẾ TỈNH HÀ TĨNH"), "Sở Y tế Tỉnh Hà Tĩnh"),
    ],
)
def test_department_issuer_keeps_the_locality_of_its_committee(header: tuple[str, ...], issuer: str) -> None:
    meta = extract_metadata(paragraphs(*header, "Số: 24/KH-SYT", "KẾ HOẠCH"), source="x")
    assert meta.issuer.casefold() == issuer.casefold()


def test_header_columns_joined_on_one_line_leave_the_issuer_in_the_left_one() -> None:
    """A tab in Word or both columns on one PDF line; a commune may itself be called Cộng Hòa."""
    meta = extract_metadata(
        paragraphs(
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "XÃ CỘNG HÒA Độc lập - Tự do - Hạnh phúc",
            "Số: 15/KH-UBND Cộng Hòa, ngày 10 tháng 5 năm 2026",
            "KẾ HOẠCH",
            "Phát triển dữ liệu số năm 2026",
        ),
        source="x",
    )
    assert (meta.issuer, meta.number, meta.date) == ("UBND xã Cộng Hòa", "15/KH-UBND", "2026-05-10")


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("UBND TỈNH PHÚ THỌ SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ tỉnh Phú Thọ"),
        ("ỦY BAN NHÂN DÂN HUYỆN GIA BÌNH PHÒNG TÀI CHÍNH - KẾ HOẠCH", "Phòng Tài chính - Kế hoạch huyện Gia Bình"),
        # a place name holding no department word is left whole
        ("ỦY BAN NHÂN DÂN XÃ BAN CÔNG", "UBND xã Ban Công"),
    ],
)
def test_department_joined_to_the_committee_line_issues(header: str, issuer: str) -> None:
    """A header cell whose two lines arrive joined (soft line break in Word, a PDF table cell)."""
    meta = extract_metadata(paragraphs(header, "Số: 24/QĐ-SKHCN", "QUYẾT ĐỊNH", "Về việc ban hành"), source="x")
    assert meta.issuer == issuer


def test_title_stops_at_the_enacting_authority_run_into_its_last_line() -> None:
    """OCR or a PDF line can join the title's last line and the authority line under it."""
    meta = extract_metadata(
        paragraphs(
            "UBND TỈNH PHÚ THỌ",
            "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "Số: 24/QĐ-SKHCN",
            "QUYẾT ĐỊNH",
            "Ban hành Danh mục dữ liệu mở của Sở Khoa học và Công nghệ năm 2026 GIÁM ĐỐC SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "Căn cứ Luật Dữ liệu;",
        ),
        source="x",
    )
    assert meta.title == "Ban hành Danh mục dữ liệu mở của Sở Khoa học và Công nghệ năm 2026"


def test_cited_title_stops_where_the_citing_sentence_goes_on() -> None:
    lines = logical_lines(
        paragraphs(
            "Thực hiện Kế hoạch số 41/KH-UBND ngày 07/02/2026 của UBND tỉnh Bắc Ninh về phát triển dữ liệu số "
            "năm 2026, UBND phường Hòa Bình xây dựng Kế hoạch như sau:",
            "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/3/2025 của UBND tỉnh về giao nhiệm vụ cho các sở, ban, ngành, "
            "UBND các huyện;",
        )
    )
    cited = find_citations(lines, source="x", preamble_end=2)
    assert [doc.title for doc in cited] == [
        "phát triển dữ liệu số năm 2026",
        # a list of bodies inside the title is not a new clause: no verb of issuing follows
        "giao nhiệm vụ cho các sở, ban, ngành, UBND các huyện",
    ]


def test_citations_merge_repeats_and_read_dates_in_words() -> None:
    lines = logical_lines(
        paragraphs(
            "Thực hiện Chương trình số 12/CTr-UBND của UBND tỉnh về chuyển đổi số;",
            "I. NỘI DUNG",
            "theo Chương trình số 12/CTr-UBND ngày 05 tháng 3 năm 2025 và Thông tư số 18/2024/TT-BTTTT.",
            "theo ngày 22/10/2025 đã nêu",
        )
    )
    cited = find_citations(lines, source="x", preamble_end=1)
    assert [(doc.kind, doc.number, doc.date, doc.role) for doc in cited] == [
        ("Chương trình", "12/CTr-UBND", "2025-03-05", "implements"),
        ("Thông tư", "18/2024/TT-BTTTT", "", "cited"),
    ]
    assert cited[0].title == "chuyển đổi số"
