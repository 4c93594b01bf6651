"""Session 16's trial (docs/realdocs-trial.md, "Session 16: prose tasks, units and partners"): real snippets.

Sources (not committed): TB kết luận cao tốc (vpubnd49/VBAI@0aaf825…:…/TBKL/TB Kết luận kiểm tra tiến thi công và
GPMB 02 tuyến cao tốc.doc), TB giải thể 06 hội, Bình Thuận 2024 (vpubnd49/VBAI@1c61f9a…:…/29-11 TTr 3367 So NV/UB-
Thong bao ve viec giai the 06 hoi vi pham (1).doc), CV 464/TTg-CĐS 2026 (hwolp/RAG_TongHopVBHC@4a80dee…).
"""

from __future__ import annotations

from nlp.frames import Context, partners_in, subject_of
from tests.lam_dong_plans import LAM_DONG

BINH_THUAN = Context(locality="tỉnh Bình Thuận", issuer="UBND tỉnh Bình Thuận")


def test_a_partner_named_construction_is_a_name_not_the_verb() -> None:
    # TB kết luận cao tốc 1.c: the partners stopped at "Xây dựng" (an action verb), leaving "Sở" and nothing.
    text = (
        "c) Thực hiện rà soát việc điều tiết khối lượng đào đắp trên tuyến, trên cơ sở đó tính toán khối lượng đổ "
        "thải; chủ động phối hợp với Sở Xây dựng, Sở Nông nghiệp và Môi trường, Ban Quản lý dự án đầu tư xây dựng "
        "số 1, UBND địa phương có liên quan để xác định bãi đổ thải."
    )
    partners = partners_in(text, LAM_DONG)
    assert partners is not None
    assert partners.text == (
        "Sở Xây dựng, Sở Nông nghiệp và Môi trường, Ban Quản lý dự án đầu tư xây dựng số 1, "
        "UBND địa phương có liên quan"
    )
    assert [m.unit_id for m in partners.mentions][:2] == ["so_xaydung@tỉnh Lâm Đồng", "so_nnmt@tỉnh Lâm Đồng"]


def test_a_named_list_of_partners_keeps_xay_dung() -> None:
    # QĐ 2858/QĐ-UBND Hà Nội's list "các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng và các cơ quan liên quan"
    # after "phối hợp với" (no real partner line of this form was found: the list is real, the frame is not).
    text = (
        "Sở Nội vụ chủ trì, phối hợp với các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng và các cơ quan liên "
        "quan rà soát các nội dung liên quan"
    )
    partners = partners_in(text, LAM_DONG)
    assert partners is not None
    assert partners.text == "các Sở: Tài chính, Nông nghiệp và Môi trường, Xây dựng và các cơ quan liên quan"
    named = [m.unit_id for m in partners.mentions if m.unit_id]
    assert named == ["so_taichinh@tỉnh Lâm Đồng", "so_nnmt@tỉnh Lâm Đồng", "so_xaydung@tỉnh Lâm Đồng"]


def test_a_lower_case_verb_still_ends_a_partner_list() -> None:
    # Guard: mid-sentence a verb is printed in lower case; "xây dựng kế hoạch" is work, not a Sở.
    partners = partners_in("Sở Nội vụ chủ trì, phối hợp với các Sở: Tài chính, xây dựng kế hoạch", LAM_DONG)
    assert partners is not None and partners.text == "các Sở: Tài chính"
    plain = partners_in("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính xây dựng kế hoạch năm 2026", LAM_DONG)
    assert plain is not None and plain.text == "Sở Tài chính"


def test_a_named_list_ending_with_and_a_named_unit() -> None:
    # TB giải thể 06 hội, Bình Thuận (2024), item 4: the last piece "Nông nghiệp và Phát triển nông thôn và Văn phòng
    # Ủy ban nhân dân tỉnh" lost the provincial office.
    text = (
        "Giao các sở: Tài nguyên và Môi trường, Giáo dục và Đào tạo, Nông nghiệp và Phát triển nông thôn và Văn phòng "
        "Ủy ban nhân dân tỉnh theo dõi thông tin phản ánh của cá nhân, tổ chức liên quan đến việc giải thể các hội "
        "nêu trên (nếu có), để tổng hợp đề nghị Sở Nội vụ xem xét, xử lý kịp thời./."
    )
    subject = subject_of(text, BINH_THUAN)
    assert subject is not None and subject.triggered
    assert subject.units.text.endswith("Nông nghiệp và Phát triển nông thôn và Văn phòng Ủy ban nhân dân tỉnh")
    assert [m.unit_id for m in subject.units.mentions][-1] == "van_phong_ubnd@tỉnh Bình Thuận"
