"""Session 18, helper realdocs18b: two reader failures of the realdocs18 trial (docs/realdocs-trial.md)."""

from __future__ import annotations

from extract.pdf.textlayer import unreadable_layer

# TB 561/TB-ĐHTĐ (Trường ĐH Tây Đô, 2025), page 1: the scanner's invisible layer, words as placed on the page.
# It garbles with symbols ("GIAODl)C", "BAoT~O", "VI¥1;'NAM") and writes no space between words.
TAY_DO_WORDS = (
    "BO GIAODl)C vA BAoT~O CQNG HOA xA HQI CHU NGHiA VI¥1;'NAM TRUONG D~I HQC TAYl>O DQcI,p - TVdo - H,nh phuc "
    "S6: 5Gi/TB-DHTD Can ThO',ngay &0 thdng 5 nam 2025 THONGBAO v~ vi~c djch van ban sang ti~ng Anh phuc V1} "
    "cong tac ki~m djn.h chit hrQ'ng chirong trinh dito tao theo bQtieu chuaR AUN-QA Can cir KS hoach s6 "
    "663/KH-DHTD, ngay 24/7/2024 cua Hieu tnrong Tnrong Dai h9CTay Do vSviec t6 chtrc cho cac nhom chuyen "
    "trach, ban thirky lam viec VOl tu v~n vS viSt bao cao tv danh gia (TDG) ch~t hrong chuang trinh dao tao"
).split()
# The same words as printed.
TAY_DO_PRINTED = (
    "BỘ GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM TRƯỜNG ĐẠI HỌC TÂY ĐÔ Độc lập - Tự do - Hạnh phúc "
    "Số: 561/TB-ĐHTĐ Cần Thơ, ngày 20 tháng 5 năm 2025 THÔNG BÁO Về việc dịch văn bản sang tiếng Anh phục vụ "
    "công tác kiểm định chất lượng chương trình đào tạo theo bộ tiêu chuẩn AUN-QA Căn cứ Kế hoạch số "
    "663/KH-ĐHTĐ, ngày 24/7/2024 của Hiệu trưởng Trường Đại học Tây Đô về việc tổ chức cho các nhóm chuyên "
    "trách, ban thư ký làm việc với tư vấn về viết báo cáo tự đánh giá (TĐG) chất lượng chương trình đào tạo"
).split()
# An English annex: no marks, but no garble and few Vietnamese syllables; with the patterns English does join
# letters with (a plural in brackets, G2C, a URL, an e-mail address, ISO/IEC).
ENGLISH = (
    "This annex sets out the technical requirements for the provincial data platform. The contractor shall "
    "provide officer(s) accounts, G2C and G2B services, and a COVID-19 dashboard at "
    "https://data.example.gov.vn/api?id=3. Each dataset must be documented with its owner, update frequency "
    "and licence; the system shall support ISO/IEC 27001:2013 and the user's e-mail (admin@example.com). "
    "Reports are delivered every quarter to the steering committee, which reviews progress against the plan."
)


def test_a_symbol_garbled_layer_is_unreadable() -> None:
    # Words by position (the layer had spaces): no marks, 9 of 64 words garbled by symbols, few by digits.
    assert unreadable_layer(" ".join(TAY_DO_WORDS))
    assert not unreadable_layer(" ".join(TAY_DO_PRINTED))


def test_a_layer_without_spaces_is_judged_by_its_words() -> None:
    asked: list[bool] = []

    def words() -> list[str]:
        asked.append(True)
        return TAY_DO_WORDS

    # pdf_reader joins the page's characters: this scanner wrote no space, so the layer is one long token.
    assert unreadable_layer("".join(TAY_DO_WORDS), words)
    assert asked == [True]
    # A layer with its spaces never asks for the words (the cost stays off typed pages).
    assert not unreadable_layer(" ".join(TAY_DO_PRINTED), lambda: asked.append(False) or [])  # type: ignore[func-returns-value]
    assert asked == [True]


def test_an_english_page_is_not_sent_to_ocr() -> None:
    assert not unreadable_layer(ENGLISH * 2)
    # Even an English page as garbled as the Tây Đô scan stays text: its words are not Vietnamese syllables.
    noisy = ENGLISH.replace("the ", "th~e ").replace("and ", "a)nd ")
    assert not unreadable_layer(noisy * 2)
