"""The five seed documents as the structure tests read them: text reader + table stitching, cached."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from extract.blocks import Paragraph
from extract.model import Table
from extract.structure.tables import stitch_tables
from extract.text_reader import read_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "corpus" / "docs"
GOLD = ROOT / "corpus" / "gold"
SEEDS = [
    "dong_cuu_ke_hoach_2026",
    "son_hai_ke_hoach_2026",
    "ha_tinh_qd_1402_danh_muc_csdl",
    "bac_ninh_ke_hoach_2026",
    "hung_yen_ke_hoach_du_lieu_mo",
]


@cache
def seed_items(name: str) -> list[Paragraph | Table]:
    source = f"{name}.txt"
    stream = read_text((DOCS / source).read_bytes(), source)
    items, _ = stitch_tables(stream.blocks, source=source)
    return items
