"""Per-seed facts that the seed text does not print (corpus data, not product code).

The converted seeds lost the left column of the national header (the issuing body), so it is
written down here. ``auto_numbered_section`` names the one section whose "1." / "a)" labels are
rendered as Word automatic numbering instead of typed text (real DOCX files mix both styles).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SeedSpec:
    name: str
    issuer_lines: tuple[str, ...]
    auto_numbered_section: str | None = None


SEEDS: tuple[SeedSpec, ...] = (
    SeedSpec("dong_cuu_ke_hoach_2026", ("UỶ BAN NHÂN DÂN", "XÃ ĐÔNG CỨU")),
    SeedSpec("son_hai_ke_hoach_2026", ("ỦY BAN NHÂN DÂN", "XÃ SƠN HẢI")),
    SeedSpec("ha_tinh_qd_1402_danh_muc_csdl", ("ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH")),
    SeedSpec(
        "bac_ninh_ke_hoach_2026",
        ("ỦY BAN NHÂN DÂN", "TỈNH BẮC NINH"),
        auto_numbered_section="II. NHIỆM VỤ TRỌNG TÂM",
    ),
    SeedSpec("hung_yen_ke_hoach_du_lieu_mo", ("ỦY BAN NHÂN DÂN", "TỈNH HƯNG YÊN")),
)
