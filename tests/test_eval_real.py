"""The real-document evaluation: gold loading, the per-document metrics on small hand-made
Documents, scan CER, the CLI with and without the real documents, and the committed real gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from danhmuc.evaluation.gold import GoldDocument, load_gold_dir
from danhmuc.evaluation.realset import score_file
from danhmuc.evaluation.scan_text import cer, page_text
from extract.blocks import Block, Paragraph, RawCell, RawTable
from extract.model import Cell, Document, Metadata, Provenance, RowKind, SourceFormat, Table, TableRow, Task
from realdocs import REALDOCS

ROOT = Path(__file__).resolve().parents[1]
REAL_GOLD = ROOT / "realdocs" / "gold"
REAL_DOCS = REALDOCS


def _table(index: int, page: int, rows: list[list[str]], header: list[str]) -> Table:
    return Table(
        index=index,
        pages=[page],
        header=header,
        rows=[
            TableRow(index=i, kind=RowKind.DATA, cells=[Cell(text=t, row=i, col=c, page=page) for c, t in enumerate(r)])
            for i, r in enumerate(rows)
        ],
        provenance=Provenance(file="mini.pdf", page=page, table=index),
    )


def _document(tables: list[Table], tasks: list[Task], metadata: Metadata) -> Document:
    return Document(
        source="mini.pdf", sha256="0" * 64, format=SourceFormat.PDF, size_bytes=1, page_count=3,
        metadata=metadata, tables=tables, tasks=tasks,
    )


def _task(ref: str, heading: str, lead: str) -> Task:
    return Task(ref=ref, heading=heading, lead_raw=lead, provenance=Provenance(file="mini.pdf", page=1))


GOLD = {
    "name": "mini",
    "files": ["mini.pdf"],
    "meta": {"kind": "KẾ HOẠCH", "number": "12/KH-UBND", "issuer": "UBND xã Mẫu", "signer": "Nguyễn Văn A",
             "date": None},
    "tables": [
        {"kind": "tasks", "pages": [2], "columns": 3, "rows": 2, "header": ["TT", "Nội dung", "Đơn vị chủ trì"],
         "samples": [{"row": 0, "cells": ["1", "Rà soát dữ liệu dân cư", "Công an xã"]},
                     {"row": 1, "cells": ["2", "Cập nhật hộ tịch", "Văn phòng HĐND và UBND"]}]},
        {"kind": "other", "pages": [3], "columns": 2, "rows": 1, "header": ["Tên", "Ghi chú"],
         "samples": [{"row": 0, "cells": ["Kinh phí", "Ngân sách xã"]}]},
    ],
    "tasks": [
        {"ref": "II.1", "heading": "1. Giao Công an xã rà soát dữ liệu dân cư", "lead_raw": "Công an xã",
         "partner_raw": "", "time_raw": "", "source": "prose"},
        {"ref": "p2.1", "heading": "Văn phòng HĐND và UBND có trách nhiệm cập nhật hộ tịch", "lead_raw":
         "Văn phòng HĐND và UBND", "partner_raw": "", "time_raw": "", "source": "prose"},
    ],
    "scan_pages": [{"page": 1, "text": "ocr/mini-p1.txt"}],
    "notes": "hand-made",
}


def test_gold_loader_reads_corpus_and_real_gold(tmp_path: Path) -> None:
    corpus = load_gold_dir(ROOT / "corpus" / "gold")
    assert corpus and all(document.tables is None and not document.scan_pages for document in corpus)
    (tmp_path / "mini.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    [real] = load_gold_dir(tmp_path)
    assert real.meta.signer == "Nguyễn Văn A" and real.meta.date is None and real.meta.place is None
    assert real.tables is not None and real.tables[0].samples[1].cells[2] == "Văn phòng HĐND và UBND"
    assert real.tasks[0].source == "prose" and real.scan_pages[0].text == "ocr/mini-p1.txt"


def test_tables_phantoms_misses_and_inexact_rows_are_counted() -> None:
    gold = GoldDocument.model_validate(GOLD)
    found = _table(1, 2, [["1", "Rà soát dữ liệu dân cư", "Công an xã"],
                          ["2", "Cập nhật hộ tịch", "Văn phòng HĐND và UBN"]],  # one cell differs
                   ["TT", "Nội dung", "Đơn vị chủ trì"])
    phantom = _table(2, 1, [["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]], ["", ""])
    metadata = Metadata(kind="Kế hoạch", number="12/KH-UBND", issuer="ỦY BAN NHÂN DÂN XÃ MẪU", signer="Nguyễn Văn A")
    tasks = [_task("1", "1. Giao Công an xã rà soát dữ liệu dân cư", "Công an xã."),
             _task("3", "3. Hội nghị tổng kết", "")]
    scores = score_file("real", gold, "mini.pdf", _document([found, phantom], tasks, metadata))
    assert scores.tables is not None and (scores.tables.hits, scores.tables.total) == (1, 2)  # the page-3 table missed
    assert scores.phantom_tables == 1
    assert (scores.samples.hits, scores.samples.total) == (1, 3)  # the near row and the missed table's row fail
    # kind case-folded right; "ỦY BAN NHÂN DÂN XÃ MẪU" is not the abbreviated issuer; date null not scored.
    assert (scores.metadata.hits, scores.metadata.total) == (3, 4) and scores.metadata_wrong == ["issuer"]
    # II.1 found by its ref without the roman part; p2.1 missed; "3" is an extra task.
    assert (scores.tasks.true_positives, scores.tasks.gold, scores.tasks.predicted) == (1, 2, 2)
    assert scores.missed_tasks == ["p2.1"]
    assert (scores.task_lead.hits, scores.task_lead.total) == (1, 1)  # trailing full stop ignored


def test_merged_group_row_matches_gold_written_once_then_blank() -> None:
    gold = GoldDocument.model_validate(
        {**GOLD, "tables": [{"pages": [1], "columns": 3, "header": ["TT", "Tên", "Đơn vị"],
                             "samples": [{"row": 0, "cells": ["I", "LĨNH VỰC GIÁO DỤC", ""]}]}]}
    )
    cells = [Cell(text="I", row=0, col=0), Cell(text="LĨNH VỰC GIÁO DỤC", row=0, col=1, col_span=2),
             Cell(text="LĨNH VỰC GIÁO DỤC", row=0, col=2, col_span=2)]
    table = Table(index=1, pages=[1], header=["TT", "Tên", "Đơn vị"],
                  rows=[TableRow(index=0, kind=RowKind.GROUP, cells=cells)], provenance=Provenance(file="mini.pdf"))
    scores = score_file("real", gold, "mini.pdf", _document([table], [], Metadata()))
    assert (scores.samples.hits, scores.samples.total) == (1, 1)


def test_cer_of_identical_and_edited_text() -> None:
    assert cer("Quảng  Ngãi\nngày 15", "Quảng Ngãi ngày 15").value == 0.0  # whitespace is layout, not error
    edited = cer("hóa đơn điện tử", "hóa đn điện tủ")  # 15 characters: one deletion, one substitution
    assert (edited.edits, edited.length) == (2, 15)
    assert edited.value == pytest.approx(2 / 15)
    assert cer("", "").value is None


def test_page_text_reads_paragraphs_and_table_rows_of_that_page_only() -> None:
    blocks: list[Block] = [
        Paragraph("Trang một", page=1),
        RawTable(rows=[[RawCell("TT"), RawCell("Nội dung")], [RawCell("1"), RawCell("Rà soát\ndữ liệu")]], page=1),
        RawTable(rows=[[RawCell("ỦY BAN NHÂN DÂN\nXÃ MẪU"), RawCell("CỘNG HÒA\nĐộc lập")]], page=1, borderless=True),
        Paragraph("Trang hai", page=2),
    ]
    assert page_text(blocks, 1).split("\n") == [
        # A two-column layout block column by column, as the transcriptions write it.
        "Trang một", "TT | Nội dung", "1 | Rà soát dữ liệu", "ỦY BAN NHÂN DÂN", "XÃ MẪU", "CỘNG HÒA", "Độc lập",
    ]


def _corpus_args(tmp_path: Path) -> list[str]:
    gold, docs = tmp_path / "gold", tmp_path / "docs"
    gold.mkdir()
    docs.mkdir()
    (docs / "mini.txt").write_text(
        "ỦY BAN NHÂN DÂN\nXÃ MẪU\nSố: 12/KH-UBND\nKẾ HOẠCH\nRà soát dữ liệu\n", encoding="utf-8"
    )
    (gold / "mini.json").write_text(
        json.dumps({"name": "mini", "files": ["mini.txt"], "meta": {"kind": "KẾ HOẠCH"}}), encoding="utf-8"
    )
    return ["--gold", str(gold), "--docs", str(docs)]


def test_cli_prints_both_sets_side_by_side(tmp_path: Path) -> None:
    from danhmuc.cli import app

    real_gold, real_docs = tmp_path / "real_gold", tmp_path / "real_docs"
    real_gold.mkdir()
    real_docs.mkdir()
    (real_docs / "real.txt").write_text("ỦY BAN NHÂN DÂN\nTỈNH MẪU\nCÔNG VĂN\n", encoding="utf-8")
    (real_gold / "real.json").write_text(
        json.dumps({"name": "real", "files": ["real.txt"], "meta": {"issuer": "UBND tỉnh Mẫu"}, "tables": []}),
        encoding="utf-8",
    )
    out = tmp_path / "eval.json"
    result = CliRunner().invoke(
        app,
        ["eval", *_corpus_args(tmp_path), "--real-gold", str(real_gold), "--real-docs", str(real_docs),
         "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "catalog rows: recall" in result.output  # the corpus table, unchanged
    lines = result.output.splitlines()
    assert any(line.startswith("corpus  mini.txt") for line in lines)
    assert any(line.startswith("real    real.txt") for line in lines)
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["real_documents"][0]["file"] == "real.txt"
    assert figures["corpus"]["overall"]["files"] == 1


def test_cli_without_real_documents_says_so_and_scores_the_corpus(tmp_path: Path) -> None:
    from danhmuc.cli import app

    missing = tmp_path / "nowhere"
    result = CliRunner().invoke(app, ["eval", *_corpus_args(tmp_path), "--real-docs", str(missing)])
    assert result.exit_code == 0, result.output
    assert f"real set skipped: no documents directory {missing}" in result.output
    assert "catalog rows: recall" in result.output


# ---------------------------------------------------------------- the committed real gold


REAL_GOLD_PATHS = sorted(REAL_GOLD.glob("*.json"))


def test_real_gold_is_present() -> None:
    assert REAL_GOLD_PATHS, "realdocs/gold ships gold files"


@pytest.mark.parametrize("path", REAL_GOLD_PATHS, ids=lambda p: p.stem)
def test_real_gold_parses_and_lists_existing_files(path: Path) -> None:
    [gold] = [g for g in load_gold_dir(REAL_GOLD) if g.name == path.stem]
    assert gold.tables is not None, "real gold annotates its tables (an empty list when there is none)"
    for table in gold.tables:
        assert table.kind in {"catalog", "tasks", "other"} and table.samples
        assert all(0 <= sample.row < max(table.rows, 1) for sample in table.samples)
    assert all(task.source in {"table", "labelled", "prose"} for task in gold.tasks)
    for scan in gold.scan_pages:
        assert (REAL_GOLD.parent / scan.text).is_file(), scan.text
    if not REAL_DOCS.is_dir():
        pytest.skip(f"real documents not present at {REAL_DOCS}")
    for name in gold.files:
        assert (REAL_DOCS / name).is_file(), f"{name} is not in {REAL_DOCS}"


def test_scan_pages_are_scored_against_their_transcription(tmp_path: Path) -> None:
    """End to end on a typed corpus PDF (its text layer is danhmuc's page text, so no OCR runs) with
    the plain-Tesseract text already cached (so no Tesseract runs either)."""
    import hashlib

    from danhmuc.evaluation import evaluate_real
    from danhmuc.evaluation.scan_text import danhmuc_page_texts

    pdf = ROOT / "corpus" / "docs" / "son_hai_ke_hoach_2026.pdf"
    gold_dir, ocr_dir, cache = tmp_path / "gold", tmp_path / "ocr", tmp_path / "cache"
    for directory in (gold_dir, ocr_dir, cache):
        directory.mkdir()
    page_one = danhmuc_page_texts(pdf, [1])[1]
    assert "KẾ HOẠCH" in page_one
    (ocr_dir / "p1.txt").write_text(page_one, encoding="utf-8")
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]
    (cache / f"{digest}-p1-300dpi.txt").write_text(page_one[: len(page_one) // 2], encoding="utf-8")
    gold = {"name": "son_hai_ke_hoach_2026", "files": [pdf.name], "meta": {}, "tables": [],
            "scan_pages": [{"page": 1, "text": "ocr/p1.txt"}, {"page": 2, "text": "ocr/missing.txt"}]}
    (gold_dir / "son_hai.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = evaluate_real(gold_dir, pdf.parent, cache_dir=cache)
    [scores] = result.documents
    assert scores.cer_danhmuc is not None and scores.cer_danhmuc.value == 0.0
    assert scores.cer_tesseract is not None and scores.cer_tesseract.value == pytest.approx(0.5, abs=0.02)
    assert [page.page for page in scores.page_cer] == [1, 2] and "ocr/missing.txt" in scores.page_cer[1].note
    assert any("missing.txt" in note for note in result.notes)
