"""Build matching/data/linking_gold.json: the labelled entries and the labelled pairs (run once, output committed).

Entries are copied from the catalogs named in SOURCES; each gets the `dataset` label of its gold file
(same publisher's dataset, with the seed plans' convention: commune plans implementing one provincial
plan list that province's datasets) and a `concept` label (same kind of data whatever the locality):
the dataset label unless CONCEPTS below merges it with another locality's. Pairs are every pair of
one concept plus the near misses (similar titles, different labels); see docs/matching.md,
"Linking gold".

    python matching/data/build_linking_gold.py
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from matching.text import comparison_text, fold

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("linking_gold.json")
REPO_COMMIT = "65ea543b1633f237fdbaf949343f45f8f949bfa8"  # this repository's commit the gold files were read at

SOURCES = {
    "dong_cuu": {
        "gold": "corpus/gold/dong_cuu_ke_hoach_2026.json",
        "source": f"danhmuc@{REPO_COMMIT}:corpus/gold/dong_cuu_ke_hoach_2026.json (seed plan, commune)",
        "issuer": "UBND xã Đông Cứu", "parent_issuer": "UBND tỉnh Bắc Ninh",
        "level": "xa", "province": "bac ninh", "locality": "xã Đông Cứu",
    },
    "son_hai": {
        "gold": "corpus/gold/son_hai_ke_hoach_2026.json",
        "source": f"danhmuc@{REPO_COMMIT}:corpus/gold/son_hai_ke_hoach_2026.json (seed plan, commune)",
        "issuer": "UBND xã Sơn Hải", "parent_issuer": "UBND tỉnh Bắc Ninh",
        "level": "xa", "province": "bac ninh", "locality": "xã Sơn Hải",
    },
    "ha_tinh": {
        "gold": "corpus/gold/ha_tinh_qd_1402_danh_muc_csdl.json",
        "source": f"danhmuc@{REPO_COMMIT}:corpus/gold/ha_tinh_qd_1402_danh_muc_csdl.json (QĐ 1402, province CSDL list)",
        "issuer": "UBND tỉnh Hà Tĩnh", "parent_issuer": "",
        "level": "tinh", "province": "ha tinh", "locality": "tỉnh Hà Tĩnh",
    },
    "hung_yen": {
        "gold": "corpus/gold/hung_yen_ke_hoach_du_lieu_mo.json",
        "source": f"danhmuc@{REPO_COMMIT}:corpus/gold/hung_yen_ke_hoach_du_lieu_mo.json (province open-data list)",
        "issuer": "UBND tỉnh Hưng Yên", "parent_issuer": "",
        "level": "tinh", "province": "hung yen", "locality": "tỉnh Hưng Yên",
    },
    "dong_nai": {
        "gold": "realdocs/gold/DongNai-CSDL-yeu-cau-ky-thuat.json",
        "source": "dqhuy/AXDD@736e5492698b7bdbde508cb32de94d6c782b037d:docs/requirement/"
        "yeu-cau-ky-thuat-chuong-5-ho-so-moi-thau.docx"
        " (catalog table; gold realdocs/gold/DongNai-CSDL-yeu-cau-ky-thuat.json)",
        "issuer": "Ban Quản lý các Khu công nghiệp, Khu kinh tế tỉnh Đồng Nai", "parent_issuer": "",
        "level": "tinh", "province": "dong nai", "locality": "tỉnh Đồng Nai",
    },
}

# Titles quoted in issue #12 from the issue author's own catalogs: a commune plan of the seed province
# (its rows are the seed communes' datasets under other wordings) and another province's open-data list.
ISSUE_DOCS: dict[str, dict[str, Any]] = {
    "issue12_xa": {
        "source": "issue #12 (titles quoted from the author's commune plan, same province as the seed communes)",
        "issuer": "UBND xã thuộc tỉnh Bắc Ninh", "parent_issuer": "UBND tỉnh Bắc Ninh",
        "level": "xa", "province": "bac ninh", "locality": "xã (issue #12)",
        "catalog": [
            ("Dữ liệu khai sinh", "khai_sinh"),
            ("Dữ liệu người có công với cách mạng", "nguoi_co_cong"),
            ("Dữ liệu văn bản đi, đến", "van_ban_dien_tu"),
            ("Dữ liệu số hoá hồ sơ TTHC", "so_hoa_ho_so"),
            ("Dữ liệu đánh giá mức độ hài lòng", "muc_do_hai_long"),
        ],
    },
    "issue12_tinh": {
        "source": "issue #12 (titles quoted from the author's province open-data list,"
        " a province other than the seeds')",
        "issuer": "UBND tỉnh Ẩn Danh", "parent_issuer": "",
        "level": "tinh", "province": "an danh", "locality": "tỉnh (issue #12, not named: \"Ẩn Danh\")",
        "catalog": [
            ("Dữ liệu các trường tiểu học trên địa bàn", "issue12_truong_tieu_hoc"),
            ("Dữ liệu lãi suất tiền gửi của các tổ chức tín dụng", "issue12_lai_suat_tien_gui"),
        ],
    },
}

# Concept labels across localities: dataset labels of different publishers naming the same kind of data.
CONCEPTS = {
    "hatinh_ho_ngheo_can_ngheo": "ho_ngheo_can_ngheo",
    "hatinh_nguoi_co_cong": "nguoi_co_cong",
    "hatinh_ho_so_can_bo_cong_chuc_vien_chuc": "can_bo_cong_chuc",
    "can_bo_cong_chuc_xa": "can_bo_cong_chuc",
    "hatinh_dang_ky_doanh_nghiep": "dang_ky_doanh_nghiep",
    "hungyen_dang_ky_doanh_nghiep": "dang_ky_doanh_nghiep",
    "hatinh_quy_hoach_do_thi": "quy_hoach_do_thi",
    "hungyen_quy_hoach_xay_dung_do_thi": "quy_hoach_do_thi",
    "hungyen_khu_cong_nghiep": "khu_cong_nghiep",
    "kcn_dongnai": "khu_cong_nghiep",
    "hungyen_doanh_nghiep_du_an_trong_kcn": "doanh_nghiep_trong_kcn",
    "doanhnghiep_kcn_dongnai": "doanh_nghiep_trong_kcn",
    "hatinh_di_san_van_hoa": "di_san_van_hoa",
    "hungyen_di_san_van_hoa_vat_the_phi_vat_the": "di_san_van_hoa",
    "hatinh_xuat_nhap_khau": "xuat_nhap_khau",
    "hungyen_xuat_nhap_khau_hang_hoa": "xuat_nhap_khau",
    "hatinh_giay_phep_lai_xe": "giay_phep_lai_xe",
    "hungyen_cap_doi_giay_phep_lai_xe": "giay_phep_lai_xe",
    "hatinh_dau_tu_cong": "dau_tu_cong",
    "hungyen_du_an_dau_tu_cong": "dau_tu_cong",
    "hatinh_moi_truong": "moi_truong",
    "moitruong_kcn_dongnai": "moi_truong",
    "issue12_truong_tieu_hoc": "truong_tieu_hoc",
    "hungyen_truong_tieu_hoc": "truong_tieu_hoc",
    "issue12_lai_suat_tien_gui": "lai_suat_tien_gui",
    "hungyen_lai_suat_tien_gui": "lai_suat_tien_gui",
}
NEAR_MISS = 60  # folded token-set ratio of the content words from which a differently labelled pair is kept


def _documents() -> list[dict]:
    docs = []
    for doc_id, spec in SOURCES.items():
        gold = json.loads((ROOT / spec["gold"]).read_text(encoding="utf-8"))
        entries = [
            {"id": f"{doc_id}:{row}", "number": e["number"], "group": e["group"], "title": e["title"],
             "unit": e["unit"], "unit_key": e.get("unit_key", ""), "description": e.get("description", ""),
             "dataset": e["dataset_key"], "concept": CONCEPTS.get(e["dataset_key"], e["dataset_key"])}
            for row, e in enumerate(gold["catalog"], start=1)
        ]  # fmt: skip
        meta = {k: v for k, v in spec.items() if k != "gold"}
        docs.append({"id": doc_id, **meta, "entries": entries})
    for doc_id, issue in ISSUE_DOCS.items():
        entries = [
            {"id": f"{doc_id}:{row}", "number": str(row), "group": "", "title": title, "unit": "", "unit_key": "",
             "description": "", "dataset": key, "concept": CONCEPTS.get(key, key)}
            for row, (title, key) in enumerate(issue["catalog"], start=1)
        ]  # fmt: skip
        meta = {k: v for k, v in issue.items() if k != "catalog"}
        docs.append({"id": doc_id, **meta, "entries": entries})
    return docs


def _pairs(docs: list[dict]) -> list[dict]:
    flat = [(d, e) for d in docs for e in d["entries"]]
    content = {e["id"]: fold(comparison_text(e["title"]).content) for _, e in flat}
    pairs = []
    for (da, a), (db, b) in itertools.combinations(flat, 2):
        concept = a["concept"] == b["concept"]
        similar = fuzz.token_set_ratio(content[a["id"]], content[b["id"]])
        if not concept and similar < NEAR_MISS:
            continue
        same_province = da["province"] == db["province"]
        pairs.append({
            "left": a["id"], "right": b["id"],
            "dataset": "same" if a["dataset"] == b["dataset"] else "different",
            "concept": "same" if concept else "different",
            "relation": "same_document" if da is db else ("same_province" if same_province else "across_provinces"),
            "similarity": round(similar / 100, 2),
        })  # fmt: skip
    return pairs


def main() -> None:
    docs = _documents()
    pairs = _pairs(docs)
    OUT.write_text(
        json.dumps({"documents": docs, "pairs": pairs}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    count = {k: sum(1 for p in pairs if p[k] == "same") for k in ("dataset", "concept")}
    print(f"{sum(len(d['entries']) for d in docs)} entries, {len(pairs)} pairs, same: {count}")  # noqa: T201


if __name__ == "__main__":
    main()
