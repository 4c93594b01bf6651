"""One provenance place formatter (extract.model.place_of); the terminal and the reports differ only in labels."""

from __future__ import annotations

import pytest

from catalog.reports.model import where
from danhmuc.warning_summary import place
from extract.model import BILINGUAL_PLACE, VIETNAMESE_PLACE, Provenance, place_of

CASES = [
    # provenance, terminal (bilingual), report (Vietnamese)
    (Provenance(file="a"), "", "—"),
    (Provenance(file="a", page=3), "tr./p. 3", "tr. 3"),
    (Provenance(file="a", page=3, table=2, row=5), "tr./p. 3, bảng/table 2, hàng/row 5", "tr. 3, bảng 2, dòng 5"),
    (Provenance(file="a", line=7), "dòng/line 7", "dòng văn bản 7"),
    (Provenance(file="a", table=1, row=4, line=9), "bảng/table 1, hàng/row 4", "bảng 1, dòng 4"),
]


@pytest.mark.parametrize(("provenance", "terminal", "report"), CASES)
def test_both_surfaces_share_one_formatter(provenance: Provenance, terminal: str, report: str) -> None:
    assert place(provenance) == terminal == place_of(provenance, BILINGUAL_PLACE)
    assert where(provenance) == report
    assert place_of(provenance, VIETNAMESE_PLACE) == ("" if report == "—" else report)


def test_no_provenance_is_the_whole_file() -> None:
    assert place(None) == place_of(None) == ""
