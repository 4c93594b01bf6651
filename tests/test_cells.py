"""The one rule that keeps document text inert in spreadsheets (catalog.cells)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from catalog.cells import FORMULA_PREFIXES, inert_row, inert_text
from catalog.ingest import write_errors_csv
from catalog.records import FileOutcome, OutcomeStatus

ATTACKS = ["=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "@SUM(A1)", "+1+1", "-2+3+cmd|' /C calc'!A0",
           "\t=1", "\r=1"]  # fmt: skip


def test_every_attack_is_escaped_and_plain_text_is_not() -> None:
    for attack in ATTACKS:
        assert inert_text(attack) == "'" + attack
    for plain in ["Sở Xây dựng", "1", "Dữ liệu = 2", "'đã có dấu"]:
        assert inert_text(plain) == plain
    assert inert_row(["=1", 3, None]) == ["'=1", 3, None]


@given(st.text())
def test_no_inert_cell_starts_like_a_formula(text: str) -> None:
    out = inert_text(text)
    assert not out.startswith(FORMULA_PREFIXES)
    assert out.removeprefix("'") == text or out == text


def test_ingest_errors_csv_is_inert(tmp_path: Path) -> None:
    path = tmp_path / "errors.csv"
    outcome = FileOutcome(
        path="=cmd|' /C calc'!A0.pdf",
        status=OutcomeStatus.FAILED,
        code="corrupt_file",
        reason="=cmd|' /C calc'!A0.pdf: Tệp bị hỏng / The file is corrupt",
    )
    write_errors_csv(path, [outcome])
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[1][0].startswith("'=") and rows[1][3].startswith("'=")
