"""Session 19's trial, helper rd19a (docs/realdocs-trial.md, "Session 19, helper rd19a"): tasks in prose, on real
snippets of documents nobody on the project had read.

Sources (not committed; full paths and commits in the docs section):
- Sở Công Thương and UBND tỉnh Lào Cai, 2025-2026: QĐ 16/2026/QĐ-UBND and its Quy chế quản lý cụm công nghiệp (an
  OCR text), CV 5973/UBND-KT, CV 3686/UBND-XD, KH 2242 and KH 3898 of Sở Công Thương: Trangsct/skill-sct@…:
  kccn-sct-vn/…/van-ban-goc/QD-16-2026-Quy-che-CCN-Lao-Cai-OCR.txt, qlks-sct-vn/…/CV-5973-UBND-KT-…txt,
  hnh-sct-vn/…/CV-3686-UBND-XD-…pdf, hl-vlncn-sct-vn/…/vi-du-thuc-te/KH-2242_…docx, …/KH-3898_…docx
- QĐ 93/2007/QĐ-TTg (Quy chế một cửa), CT 09/2009/CT-UBND Bình Dương, the Quy định of QĐ 09/2010/QĐ-UBND Cần Thơ:
  hpbaotho/04-quanly-vanban-quanhuyen@50021bc…:Ma nguon/Code/qlvb_v1/public/attach-file/…
"""

from __future__ import annotations

from extract.blocks import Paragraph
from extract.model import Table
from extract.structure.sections import build_sections
from extract.structure.tasks import extract_tasks


def _paragraphs(lines: list[str], page: int | None) -> list[Paragraph | Table]:
    return [Paragraph(text=text, line=index + 1, page=page) for index, text in enumerate(lines)]


def _prose_tasks(lines: list[str], issuer: str, *, page: int | None = None) -> list[tuple[str, str]]:
    items = _paragraphs(lines, page)
    sections = build_sections(items, source="x.doc")
    return [(task.ref, task.lead_raw) for task in extract_tasks(items, sections, source="x.doc", issuer=issuer)]


# ---------------------------------------------------------------- 2. a verb after a division named by its shape


def test_a_verb_ends_a_division_named_by_its_shape() -> None:
    # KH 2242 (and KH 3957, same form) of Sở Công Thương Lào Cai 2026: "phòng Quản lý Công nghiệp triển khai" was a unit
    # of the pattern registry ("so_congthuong.phong:quan_ly_cong_nghiep_trien_khai"); KH 3898 (checked on): "phòng Quản
    # lý công nghiệp tổ chức huấn luyện, kiểm tra kỹ thuật an toàn cho các đối tượng liên quan".
    kh2242 = [
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Giao phòng Quản lý Công nghiệp triển khai, thực hiện các công việc liên quan:",
    ]
    kh3898 = [
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Giao phòng Quản lý công nghiệp tổ chức huấn luyện, kiểm tra kỹ thuật an toàn cho các đối tượng liên quan "
        "đến hoạt động VLNCN.",
    ]
    assert _prose_tasks(kh2242, "Sở Công thương tỉnh Lào Cai") == [("1", "phòng Quản lý Công nghiệp")]
    assert _prose_tasks(kh3898, "Sở Công thương tỉnh Lào Cai") == [("1", "phòng Quản lý công nghiệp")]


def test_trinh_submits_but_closes_nouns() -> None:
    # the Quy định of QĐ 09/2010/QĐ-UBND Cần Thơ: "Ban Chủ nhiệm trình bài thuyết minh …" invented a unit
    # "ban:chu_nhiem_trinh_bai_thuyet_minh_de_tai"; "chương trình", "công trình", "quy trình" keep their "trình".
    from nlp.frames import Context, subject_of

    context = Context(locality="thành phố Cần Thơ", issuer="UBND thành phố Cần Thơ")
    presents = subject_of("Ban Chủ nhiệm trình bài thuyết minh đề tài/dự án (nếu cần).", context)
    assert presents is not None and presents.units.text == "Ban Chủ nhiệm"
    programme = subject_of("Ban Chủ nhiệm Chương trình (nếu có) kiểm tra thực tế cơ sở vật chất.", context)
    assert programme is not None and programme.units.text.startswith("Ban Chủ nhiệm Chương trình")


def test_a_name_holding_a_noun_verb_is_kept() -> None:
    # guard: "xây dựng" and "quản lý" are held in lower case by names of this shape; they do not end them
    from nlp.frames import Context, assigned_in

    span = assigned_in("Giao Trung tâm Giám định chất lượng xây dựng thực hiện kiểm định.", Context("tỉnh Lào Cai"))
    assert span is not None and span.text == "Trung tâm Giám định chất lượng xây dựng"
