"""nlp.units and nlp.registry: every spelling named in the issue, multi-unit cells, collectives,
localities, the never-silently-mapped rule and the user extension file."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_nlp_strategies import any_text

from nlp import locality_of_issuer, resolve_units, unit_key
from nlp.registry import EXTRA_ENV, get_registry, reload_registry
from nlp.units import RESOLVE_THRESHOLD, resolve_single

DONG_CUU = "xã Đông Cứu"
HUNG_YEN = "tỉnh Hưng Yên"

VHXH_SPELLINGS = [
    "Phòng Văn hóa - Xã hội",
    "Phòng Văn hoá – Xã hội",
    "Phòng VH–XH",
    "Phòng VH - XH",
    "Phòng VHXH",
    "P. VH-XH",
    "Phòng VHXXH",
    "phòng Văn hóa - Xã hội xã",
    "PHÒNG VĂN HÓA - XÃ HỘI",
]


@pytest.mark.parametrize("raw", VHXH_SPELLINGS)
def test_every_spelling_of_phong_vhxh_is_one_unit(raw: str) -> None:
    mentions = resolve_units(raw, locality=DONG_CUU)
    assert [m.unit_id for m in mentions] == ["phong_vhxh@xã Đông Cứu"]
    assert mentions[0].score >= 0.86 and mentions[0].reasons


def test_same_type_in_two_communes_is_two_units() -> None:
    a = resolve_units("Phòng Kinh tế", locality="xã Đông Cứu")[0]
    b = resolve_units("Phòng Kinh tế", locality="xã Sơn Hải")[0]
    assert a.unit_type == b.unit_type == "phong_kinh_te"
    assert a.unit_id != b.unit_id


@pytest.mark.parametrize(
    ("raw", "unit_type"),
    [
        ("Sở VH-XH", ""),  # no such Sở: must not be mapped
        ("Văn phòng HĐND&UBND", "van_phong_ubnd"),
        ("Văn phòng HĐND và UBND", "van_phong_ubnd"),
        ("Văn phòng HĐND-UBND", "van_phong_ubnd"),
        ("VP", "van_phong_ubnd"),
        ("TTPVHCC", "ttpvhcc"),
        ("TT PVHCC", "ttpvhcc"),
        ("Trung tâm PVHCC", "ttpvhcc"),
        ("Trung tâm Phục vụ hành chính công xã", "ttpvhcc"),
        ("CA xã", "cong_an"),
        ("Công an xã", "cong_an"),
        ("Phòng KT", "phong_kinh_te"),
        ("Ban CHQS xã", "ban_chqs"),
        ("BCH quân sự xã", "ban_chqs"),
        ("Sở GD&ĐT", "so_gddt"),
        ("Sở GDĐT", "so_gddt"),
        ("Sở LĐTB&XH", "so_ldtbxh"),
        ("Sở LĐ-TB&XH", "so_ldtbxh"),
        ("Sở Lao động -Thương binh và Xã hội", "so_ldtbxh"),
        ("Sở NN&PTNT", "so_nnptnt"),
        ("Sở TN&MT", "so_tnmt"),
        ("Sở GTVT", "so_gtvt"),
        ("Sở TT&TT", "so_tttt"),
        ("Sở KH&CN", "so_khcn"),
        ("Sở KH&ĐT", "so_khdt"),
        ("Sở VHTTDL", "so_vhttdl"),
        ("Sở VH,TT&DL", "so_vhttdl"),
        ("Sở Văn hóa, Thể thao và Du lịch", "so_vhttdl"),
        ("BQL KCN", "bql_kcn"),
        ("Ban Quản lý các Khu công nghiệp tỉnh", "bql_kcn"),
        ("Trạm Y tế", "tram_y_te"),
        ("Thanh tra tỉnh", "thanh_tra"),
        ("Cục Thống kê", "cuc_thong_ke"),
        ("Chi cục Hải quan tỉnh", "hai_quan"),
        ("Ngân hàng Nhà nước Việt Nam Chi nhánh tỉnh Hưng Yên", "nhnn_chi_nhanh"),
        ("Bộ Công an", "bo_cong_an"),
        ("Trường THCS", "truong_hoc"),
        ("Phòng VH&XH", "phong_vhxh"),
        ("Sở Giáo dục - Đào tạo", "so_gddt"),
        ("Sở Lao động, Thương binh và Xã hội", "so_ldtbxh"),
        ("Sở NN và PTNT", "so_nnptnt"),
        ("Sở Thông tin & Truyền thông", "so_tttt"),
        ("VPHĐND-UBND", "van_phong_ubnd"),
        ("Bộ phận Tiếp nhận và trả kết quả", "bo_phan_mot_cua"),
        ("Thanh tra Sở", ""),
    ],
)
def test_abbreviations_of_the_issue(raw: str, unit_type: str) -> None:
    mentions = resolve_units(raw, locality=DONG_CUU)
    assert len(mentions) == 1
    assert mentions[0].unit_type == unit_type
    if not unit_type:
        assert mentions[0].unit_id == "" and mentions[0].candidates


def test_departments_only_some_cities_have_and_the_special_zones() -> None:
    # Hà Nội's and Hồ Chí Minh City's planning department (session-12 trial, QĐ 2858/QĐ-UBND Hà Nội).
    (mention,) = resolve_units("Sở Quy hoạch - Kiến trúc", locality="thành phố Hà Nội")
    assert (mention.unit_id, mention.score) == ("so_qhkt@thành phố Hà Nội", 1.0)
    # Every border or coastal province has its border guard command (session-12 trial, CT 16/CT-UBND Quảng Ngãi).
    (mention,) = resolve_units("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", locality="tỉnh Quảng Ngãi")
    assert (mention.unit_id, mention.score) == ("bch_bdbp@tỉnh Quảng Ngãi", 1.0)
    # Since 2025 the special zones are communes: "UBND các xã, phường, đặc khu" is the class of communes.
    (mention,) = resolve_units("UBND các xã, phường, đặc khu", locality="tỉnh Lâm Đồng")
    assert mention.unit_id == "ubnd@cấp xã thuộc tỉnh Lâm Đồng"


def test_sở_and_bộ_with_the_same_name_never_merge() -> None:
    so = resolve_units("Sở Giáo dục và Đào tạo", locality=HUNG_YEN)[0]
    bo = resolve_units("Bộ Giáo dục và Đào tạo", locality=HUNG_YEN)[0]
    assert (so.unit_type, bo.unit_type) == ("so_gddt", "bo_gddt")
    assert bo.locality == "Việt Nam"


@pytest.mark.parametrize(
    ("raw", "locality", "ids", "qualifiers"),
    [
        (
            "- Sở Giáo dục và Đào tạo ( đơn vị trực thuộc Sở ); "
            "- UBND cấp huyện ( đơn vị trực thuộc UBND cấp huyện )",
            HUNG_YEN,
            ["so_gddt@tỉnh Hưng Yên", "ubnd@cấp huyện thuộc tỉnh Hưng Yên"],
            ["đơn vị trực thuộc Sở", "đơn vị trực thuộc UBND cấp huyện"],
        ),
        (
            "- Sở Văn hóa, Thể thao và Du lịch; - UBND huyện",
            HUNG_YEN,
            ["so_vhttdl@tỉnh Hưng Yên", "ubnd@cấp huyện thuộc tỉnh Hưng Yên"],
            ["", ""],
        ),
        (
            "- Sở Xây dựng - UBND cấp huyện",
            HUNG_YEN,
            ["so_xaydung@tỉnh Hưng Yên", "ubnd@cấp huyện thuộc tỉnh Hưng Yên"],
            ["", ""],
        ),
        (
            "Bộ phận Một cửa/Công an",
            DONG_CUU,
            ["bo_phan_mot_cua@xã Đông Cứu", "cong_an@xã Đông Cứu"],
            ["", ""],
        ),
        (
            "Sở Công Thương phối hợp thu thập, cung cấp",
            HUNG_YEN,
            ["so_congthuong@tỉnh Hưng Yên"],
            ["phối hợp thu thập, cung cấp"],
        ),
        (
            "Sở Giao thông vận tải ( thu thập, cung cấp )",
            HUNG_YEN,
            ["so_gtvt@tỉnh Hưng Yên"],
            ["thu thập, cung cấp"],
        ),
        (
            "Văn phòng UBND tỉnh (Trung tâm Phục vụ Hành chính công tỉnh);",
            "tỉnh Bắc Ninh",
            ["van_phong_ubnd@tỉnh Bắc Ninh"],
            ["Trung tâm Phục vụ Hành chính công tỉnh"],
        ),
        (
            "Sở Kế hoạch và Đầu tư, Sở Tài chính",
            HUNG_YEN,
            ["so_khdt@tỉnh Hưng Yên", "so_taichinh@tỉnh Hưng Yên"],
            ["", ""],
        ),
    ],
)
def test_multi_unit_cells(raw: str, locality: str, ids: list[str], qualifiers: list[str]) -> None:
    mentions = [m for m in resolve_units(raw, locality=locality) if not m.collective]
    assert [m.unit_id for m in mentions] == ids
    assert [m.qualifier for m in mentions] == qualifiers


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("các cơ quan, đơn vị liên quan", []),
        ("Các Sở, cơ quan thuộc UBND tỉnh và các cơ quan, đơn vị có liên quan.", []),
        ("Các cơ quan, đơn vị thuộc UBND xã.", []),
        ("Các trường học công lập trên địa bàn xã.", []),
        ("Công an xã; các cơ quan, đơn vị thuộc UBND xã và các cơ quan, đơn vị có liên quan.", ["cong_an"]),
        ("Trung tâm phục vụ hành chính công xã, Công an xã và các phòng liên quan.", ["ttpvhcc", "cong_an"]),
        ("Phòng Văn hóa - Xã hội và cơ quan, đơn vị có liên quan.", ["phong_vhxh"]),
        ("Trạm Y tế xã và các đơn vị liên quan.", ["tram_y_te"]),
    ],
)
def test_collectives_get_no_unit(raw: str, named: list[str]) -> None:
    mentions = resolve_units(raw, locality=DONG_CUU)
    assert [m.unit_type for m in mentions if not m.collective] == named
    assert all(not m.unit_id for m in mentions if m.collective)
    assert any(m.collective for m in mentions)


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ("UBND các huyện, thành phố, thị xã", ["ubnd@cấp huyện thuộc tỉnh Hưng Yên"]),
        ("UBND cấp huyện", ["ubnd@cấp huyện thuộc tỉnh Hưng Yên"]),
        ("UBND huyện", ["ubnd@cấp huyện thuộc tỉnh Hưng Yên"]),
        (
            "Sở Tư pháp, UBND các xã, phường, thị trấn",
            ["so_tuphap@tỉnh Hưng Yên", "ubnd@cấp xã thuộc tỉnh Hưng Yên"],
        ),
    ],
)
def test_classes_of_lower_level_committees(raw: str, ids: list[str]) -> None:
    assert [m.unit_id for m in resolve_units(raw, locality=HUNG_YEN)] == ids


def test_locality_follows_the_level_named() -> None:
    commune = "xã Sơn Hải, tỉnh Bắc Ninh"
    assert resolve_units("Công an tỉnh", locality=commune)[0].unit_id == "cong_an@tỉnh Bắc Ninh"
    assert resolve_units("Công an xã", locality=commune)[0].unit_id == "cong_an@xã Sơn Hải"
    assert resolve_units("Sở Khoa học và Công nghệ", locality=commune)[0].unit_id == "so_khcn@tỉnh Bắc Ninh"
    assert resolve_units("Sở Y tế tỉnh Hà Tĩnh", locality=commune)[0].unit_id == "so_yte@tỉnh Hà Tĩnh"


@pytest.mark.parametrize(
    ("issuer", "locality"),
    [
        ("UBND xã Đông Cứu", "xã Đông Cứu"),
        ("Ủy ban nhân dân tỉnh Hà Tĩnh", "tỉnh Hà Tĩnh"),
        ("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "tỉnh Hà Tĩnh"),
        ("Chủ tịch UBND tỉnh Hưng Yên", "tỉnh Hưng Yên"),
        ("UBND thành phố Hà Nội", "thành phố Hà Nội"),
        ("", ""),
    ],
)
def test_locality_of_issuer(issuer: str, locality: str) -> None:
    assert locality_of_issuer(issuer) == locality


@pytest.mark.parametrize(
    "raw",
    ["Hội Người cao tuổi", "phòng chuyên môn", "Sở Du hành vũ trụ", "Ông Nguyễn Văn A", "Văn phòng Sở", "Thanh tra Bộ"],
)
def test_unknown_units_stay_unresolved_with_candidates(raw: str) -> None:
    for mention in resolve_units(raw, locality=DONG_CUU):
        assert mention.unit_id == "" and mention.unit_type == ""
        assert mention.reasons


def test_unit_key_joins_named_units_in_printed_order() -> None:
    mentions = resolve_units("Bộ phận Một cửa/Công an; các cơ quan liên quan", locality=DONG_CUU)
    assert unit_key(mentions) == "bo_phan_mot_cua@xã Đông Cứu+cong_an@xã Đông Cứu"


def test_users_extend_the_registry_without_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "units.json"
    extra.write_text(
        json.dumps(
            {
                "abbreviations": {"HNCT": "hội người cao tuổi"},
                "units": [
                    {
                        "id": "hoi_nguoi_cao_tuoi",
                        "name": "Hội Người cao tuổi",
                        "level": "doan_the",
                        "scope": "local",
                        "aliases": ["HNCT"],
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv(EXTRA_ENV, str(extra))
    try:
        registry = reload_registry()
        assert "hoi_nguoi_cao_tuoi" in registry.units and "phong_vhxh" in registry.units
        assert resolve_units("Hội Người cao tuổi xã", locality=DONG_CUU)[0].unit_id == "hoi_nguoi_cao_tuoi@xã Đông Cứu"
        assert resolve_units("HNCT", locality=DONG_CUU)[0].unit_type == "hoi_nguoi_cao_tuoi"
    finally:
        monkeypatch.delenv(EXTRA_ENV)
        reload_registry()
    assert "hoi_nguoi_cao_tuoi" not in get_registry().units


def test_broken_extension_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nlp import RegistryError

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv(EXTRA_ENV, str(bad))
    try:
        with pytest.raises(RegistryError, match="/"):
            reload_registry()
    finally:
        monkeypatch.delenv(EXTRA_ENV)
        reload_registry()


@settings(max_examples=300, deadline=None)
@given(any_text, any_text)
def test_resolve_units_is_total_and_nfc(raw: str, locality: str) -> None:
    mentions = resolve_units(raw, locality=locality)
    for mention in mentions:
        assert unicodedata.is_normalized("NFC", mention.raw)
        assert bool(mention.unit_id) == bool(mention.unit_type)
        assert not (mention.collective and mention.unit_id)
        if mention.unit_id and mention.score < 0.86:
            # below the registry threshold only a unit read from its name's pattern, and it says so
            assert any("name pattern" in reason for reason in mention.reasons)
            assert mention.unit_type not in get_registry().units
    assert resolve_units(raw, locality=locality) == mentions


# ---------------------------------------------------------------- divisions of an agency, units by name pattern

SO_KHCN = "Sở Khoa học và Công nghệ"
PHU_THO = "tỉnh Phú Thọ"


def _ids(raw: str, locality: str = PHU_THO, issuer: str = SO_KHCN) -> list[str]:
    return [m.unit_id for m in resolve_units(raw, locality=locality, issuer=issuer)]


@pytest.mark.parametrize(
    ("spellings", "unit_id"),
    [
        (["Văn phòng Sở", "VP Sở", "Văn phòng Sở KH&CN", "Văn phòng Sở Khoa học và Công nghệ"],
         "so_khcn.van_phong_so@tỉnh Phú Thọ"),
        (["Thanh tra Sở", "Thanh tra Sở Khoa học và Công nghệ", "Thanh tra"], "so_khcn.thanh_tra_so@tỉnh Phú Thọ"),
        (["Văn phòng"], "so_khcn.van_phong_so@tỉnh Phú Thọ"),
        (["Phòng Kế hoạch - Tài chính", "Phòng Kế hoạch – Tài chính", "Phòng KH-TC", "Phòng Kế hoạch và Tài chính",
          "PHÒNG KẾ HOẠCH - TÀI CHÍNH"], "so_khcn.phong_khtc@tỉnh Phú Thọ"),
        (["Phòng Quản lý khoa học", "Phòng Quản lý Khoa học", "phòng Quản lý khoa học"],
         "so_khcn.phong:quan_ly_khoa_hoc@tỉnh Phú Thọ"),
        (["Chi cục TĐC", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "Chi cục Tiêu chuẩn - Đo lường - Chất lượng",
          "Chi cục Tiêu chuẩn, Đo lường, Chất lượng"], "chi_cuc_tdc@tỉnh Phú Thọ"),
        (["Trung tâm Thông tin và Thống kê KH&CN", "TT Thông tin và Thống kê KH&CN",
          "Trung tâm Thông tin - Thống kê Khoa học và Công nghệ"],
         "trung_tam:thong_tin_thong_ke_khoa_hoc_cong_nghe@tỉnh Phú Thọ"),
    ],
)  # fmt: skip
def test_divisions_of_the_issuing_department_have_one_id_per_unit(spellings: list[str], unit_id: str) -> None:
    for spelling in spellings:
        assert _ids(spelling) == [unit_id], spelling


def test_a_division_belongs_to_its_agency_not_to_another() -> None:
    # the same office name in two departments' decisions: two units
    assert _ids("Văn phòng Sở", issuer="Sở Y tế") == ["so_yte.van_phong_so@tỉnh Phú Thọ"]
    assert _ids("Phòng Kế hoạch - Tài chính", issuer="Sở Tài chính") == ["so_taichinh.phong_khtc@tỉnh Phú Thọ"]
    # a province plan naming the department: the office of that department, the same id as in its own decision
    assert _ids("Văn phòng Sở Y tế", issuer="UBND tỉnh Phú Thọ") == ["so_yte.van_phong_so@tỉnh Phú Thọ"]
    # a Chi cục or a Trung tâm is an organisation of the province: the same id in the province's plan
    assert _ids("Chi cục TĐC", issuer="UBND tỉnh Phú Thọ") == ["chi_cuc_tdc@tỉnh Phú Thọ"]
    centre = "Trung tâm Thông tin và Thống kê KH&CN"
    assert _ids(centre, issuer="UBND tỉnh Phú Thọ") == _ids(centre)


@pytest.mark.parametrize("issuer", ["", "UBND tỉnh Phú Thọ", "Sở Du hành vũ trụ"])
@pytest.mark.parametrize("raw", ["Văn phòng Sở", "Thanh tra Sở", "Thanh tra Bộ"])
def test_a_name_that_only_points_at_its_agency_needs_the_agency(raw: str, issuer: str) -> None:
    [mention] = resolve_units(raw, locality=PHU_THO, issuer=issuer)
    assert mention.unit_id == "" and mention.unit_type == ""
    assert mention.reasons


def test_registry_units_keep_their_place_in_a_department_decision() -> None:
    assert _ids("Sở Y tế") == ["so_yte@tỉnh Phú Thọ"]
    assert _ids("Công an tỉnh") == ["cong_an@tỉnh Phú Thọ"]
    assert _ids("Văn phòng Sở; Phòng Quản lý khoa học và Phòng Kế hoạch - Tài chính") == [
        "so_khcn.van_phong_so@tỉnh Phú Thọ",
        "so_khcn.phong:quan_ly_khoa_hoc@tỉnh Phú Thọ",
        "so_khcn.phong_khtc@tỉnh Phú Thọ",
    ]


def test_a_unit_by_name_pattern_says_so_with_a_moderate_score() -> None:
    [mention] = resolve_units("Phòng Quản lý khoa học", locality=PHU_THO, issuer=SO_KHCN)
    assert 0.5 < mention.score < RESOLVE_THRESHOLD
    assert any("theo mẫu" in reason and "name pattern" in reason for reason in mention.reasons)
    assert mention.canonical_name == "Phòng Quản lý khoa học - Sở Khoa học và Công nghệ"
    # the closest registry names stay visible as candidates, none is taken
    assert mention.candidates and mention.unit_type.split(".")[-1] not in get_registry().units


@pytest.mark.parametrize(
    ("spellings", "locality", "unit_id"),
    [
        (["Trường THCS Hòa Bình", "Trường Trung học cơ sở Hoà Bình", "TRƯỜNG THCS HÒA BÌNH"], "phường Hòa Bình",
         "truong:trung_hoc_co_so_hoa_binh@phường Hòa Bình"),
        (["Trường Tiểu học Kim Đồng", "Trường TH Kim Đồng"], "xã An Bình", "truong:tieu_hoc_kim_dong@xã An Bình"),
        (["Phòng Quản lý khoa học tỉnh Phú Thọ"], "", "phong:quan_ly_khoa_hoc@tỉnh Phú Thọ"),
        (["Trạm Khuyến nông"], "xã Tân Lập", "tram:khuyen_nong@xã Tân Lập"),
        (["Đội Quản lý thị trường số 3"], PHU_THO, "doi:quan_ly_thi_truong_so_3@tỉnh Phú Thọ"),
    ],
)  # fmt: skip
def test_named_units_outside_the_registry(spellings: list[str], locality: str, unit_id: str) -> None:
    for spelling in spellings:
        assert _ids(spelling, locality=locality, issuer="") == [unit_id], spelling


def test_a_kind_of_school_is_not_a_school() -> None:
    assert _ids("Trường THCS", locality="xã An Bình", issuer="") == ["truong_hoc@xã An Bình"]
    assert _ids("các trường học trên địa bàn xã", locality="xã An Bình", issuer="") == [""]


def test_a_list_is_not_one_name() -> None:
    assert resolve_single("Bộ phận Một cửa/Công an", locality=DONG_CUU).unit_id == ""
    assert _ids("Bộ phận Một cửa/Công an", locality=DONG_CUU, issuer="") == [
        "bo_phan_mot_cua@xã Đông Cứu",
        "cong_an@xã Đông Cứu",
    ]


def test_commune_plans_resolve_as_before() -> None:
    # an issuer that is a people's committee has no divisions of its own: units keep the commune
    assert _ids("Phòng Kinh tế", locality=DONG_CUU, issuer="UBND xã Đông Cứu") == ["phong_kinh_te@xã Đông Cứu"]
    assert _ids("Văn phòng", locality=DONG_CUU, issuer="UBND xã Đông Cứu") == ["van_phong_ubnd@xã Đông Cứu"]
    assert _ids("Phòng Tài chính - Kế hoạch", locality=DONG_CUU, issuer="UBND xã Đông Cứu") == [
        "phong_tckh@xã Đông Cứu"
    ]


_NAMES = st.sampled_from(["Quản lý khoa học", "Kế hoạch - Tài chính", "Thông tin và Thống kê KH&CN", "Kim Đồng"])
_HEADS = st.sampled_from(["Phòng", "Văn phòng", "Trung tâm", "Chi cục", "Trường Tiểu học", "Trạm", "Ban"])
_ISSUERS = st.sampled_from(["", SO_KHCN, "UBND tỉnh Phú Thọ", "Sở Y tế", "UBND xã Đông Cứu"])


@settings(max_examples=200, deadline=None)
@given(_HEADS, _NAMES, _ISSUERS, st.sampled_from(["-", "–", " - ", " – "]))
def test_pattern_units_never_borrow_a_registry_id(head: str, name: str, issuer: str, dash: str) -> None:
    name = name.replace(" - ", dash)
    for mention in resolve_units(f"{head} {name}", locality=PHU_THO, issuer=issuer):
        if mention.unit_id and mention.score < RESOLVE_THRESHOLD:
            # read from the name: its type is kind:name (under its agency), never a registry type
            assert mention.unit_type not in get_registry().units
            assert ":" in mention.unit_type.split(".")[-1]


@settings(max_examples=200, deadline=None)
@given(_HEADS, _NAMES, _ISSUERS)
def test_pattern_ids_ignore_case_tone_placement_and_dashes(head: str, name: str, issuer: str) -> None:
    plain = _ids(f"{head} {name}", issuer=issuer)
    variants = [
        f"{head} {name}".replace(" - ", " – "),
        f"{head} {name}".replace("hoa", "hoá").replace("Hoa", "Hoá"),
        f"{head}  {name}.",
    ]
    for variant in variants:
        assert _ids(variant, issuer=issuer) == plain, variant
