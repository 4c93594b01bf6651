"""A scanner's Latin-only OCR layer is not read as the page's text (session-13 trial, docs/realdocs-trial.md)."""

from __future__ import annotations

from extract.pdf.textlayer import unreadable_layer

# Thông báo 493/TB-UBND Lâm Đồng (2025), page 1: the invisible layer under the scan, as pdftotext gives it.
LATIN_OCR = (
    "Ngdy 07ll ll2O25,d6ng chi Nguy6n Nggc Phric - Tinh riy vi6n, Ph6 Chrl tich UBND tinh de chir tri bu6i "
    "lirm vi6c nghe b6o c5o drinh gi6 ktit qui vd gidi phip nAng cao c6c chi s6 peR INDEX, pApI, SIPAS, pCI "
    "vd 86 chi s6 chi dgo, di6u hanh vd d6nh gi6 chit luqng phuc vU ngudi dAn, doanh nghiQp trong thuc hi6n "
    "thrl trlc hdnh chinh, dich vp c6ng theo thdi gian thgc tr6n m6i truong rtiQn tri (goi tit 766). Tham dU "
    "bui5i ldm viQc c6 lSnh dao c6c sd, ban, ngdnh thugc tinh"
)
# The same sentences as printed.
VIETNAMESE = (
    "Ngày 07/11/2025, đồng chí Nguyễn Ngọc Phúc - Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh đã chủ trì buổi "
    "làm việc nghe báo cáo đánh giá kết quả và giải pháp nâng cao các chỉ số PAR INDEX, PAPI, SIPAS, PCI "
    "và Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện "
    "thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử (gọi tắt 766). Tham dự "
    "buổi làm việc có lãnh đạo các sở, ban, ngành thuộc tỉnh"
)


def test_latin_ocr_of_a_vietnamese_scan_is_unreadable() -> None:
    assert unreadable_layer(LATIN_OCR)
    assert not unreadable_layer(VIETNAMESE)
    # An English passage or a short caption is not judged unreadable: no digits inside words, or too short.
    english = " ".join(["The committee shall report on the implementation of this plan every quarter."] * 5)
    assert not unreadable_layer(english)
    assert not unreadable_layer("Ký bởi: ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG Thời gian ký: 13/11/2025 15:53:50")
