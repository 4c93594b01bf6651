"""How the incremental matcher finds a row's candidates (catalog.incremental.Matcher._candidates).

A row is looked up by its uncommon words; when every word is common (found in more exemplars than the
cut-off), by its two rarest words together. Both paths must find the same duplicates.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from live_server import catalog_head

import catalog.incremental as incremental
from catalog.store import CatalogStore
from nlp.pipeline import process_file

NAMES = (
    "hộ nghèo", "người có công", "khai sinh", "đất đai", "giáo viên", "bệnh nhân", "doanh nghiệp",
    "giấy phép xây dựng", "trường học", "công chức", "thủ tục hành chính", "văn bản điện tử",
    "tài nguyên nước", "môi trường", "giao thông",
)  # fmt: skip


def _plan(path: Path) -> Path:
    """A decision whose catalog lists each of 15 datasets twice (rows 1-15, then 16-30 again)."""
    head = catalog_head("")
    body = "".join(
        f"\t{i}\n\tCơ sở dữ liệu về {NAMES[(i - 1) % len(NAMES)]}\n\tSở Nội vụ\n\tChia sẻ mặc định\n\n"
        for i in range(1, 2 * len(NAMES) + 1)
    )
    path.write_text(head + body, encoding="utf-8")
    return path


def _datasets(tmp_path: Path, name: str) -> int:
    document = process_file(_plan(tmp_path / f"{name}.txt"))
    assert len(document.catalog) == 2 * len(NAMES)
    with CatalogStore(f"sqlite:///{tmp_path}/{name}.db") as store:
        store.add_document(document)
        return store.reconcile().dataset_count


@pytest.mark.parametrize("cut_off", [None, 0], ids=["uncommon-words", "every-word-common"])
def test_listed_twice_is_one_dataset_whichever_way_rows_are_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut_off: int | None
) -> None:
    if cut_off is not None:
        # Every word found in any exemplar counts as common: each row is looked up by its two rarest words.
        monkeypatch.setattr(incremental, "LOOKUP_MAX_DF", cut_off)
        monkeypatch.setattr(incremental, "default_max_df", lambda n: cut_off)
    assert _datasets(tmp_path, "plan") == len(NAMES)
