"""The evaluator: its arithmetic, its alignment, and its behaviour on missing or bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from danhmuc.evaluation import evaluate, render_table, to_json
from danhmuc.evaluation.gold import GoldError, load_gold_dir
from danhmuc.evaluation.metrics import align, collapse, pair_counts

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_pairwise_counts_match_enumeration() -> None:
    labels = [("a", "x"), ("a", "x"), ("a", "y"), ("b", "y"), ("b", "y"), ("c", "z")]
    counts = pair_counts(labels)
    brute_true = sum(
        1
        for i in range(len(labels))
        for j in range(i + 1, len(labels))
        if labels[i][0] == labels[j][0] and labels[i][1] == labels[j][1]
    )
    assert counts.true_pairs == brute_true == 2
    assert counts.gold_pairs == 3 + 1
    assert counts.predicted_pairs == 1 + 3
    assert counts.f1 == pytest.approx(0.5)


def test_pairwise_f1_is_none_without_pairs() -> None:
    assert pair_counts([("a", "x"), ("b", "y")]).f1 is None


def test_align_is_one_to_one_and_prefers_best_pairs() -> None:
    gold = ["Dữ liệu khai sinh", "Dữ liệu khai tử"]
    predicted = ["Dữ liệu khai tử", "Dữ liệu khai sinh", "Bảng thừa"]
    result = align(gold, predicted, lambda g, p: 1.0 if g == p else 0.0, threshold=0.5)
    assert result.pairs == [("Dữ liệu khai sinh", "Dữ liệu khai sinh"), ("Dữ liệu khai tử", "Dữ liệu khai tử")]
    assert result.unmatched_predicted == ["Bảng thừa"]


def test_collapse_is_whitespace_and_nfc_only() -> None:
    assert collapse("  Hồ  sơ\tCCVC \n") == "Hồ sơ CCVC"
    assert collapse("Hoá") == "Hoá"  # tone placement is normalisation's business, not the evaluator's


def _write_gold(directory: Path, files: list[str]) -> None:
    gold = {
        "name": "mini",
        "files": files,
        "meta": {"kind": "KẾ HOẠCH", "number": "", "date": "", "issuer": "UBND xã Mẫu", "parent": ""},
        "catalog": [],
        "tasks": [],
        "flags": [],
    }
    (directory / "mini.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def test_missing_and_unreadable_files_are_reported_not_raised(tmp_path: Path) -> None:
    gold_dir, docs_dir = tmp_path / "gold", tmp_path / "docs"
    gold_dir.mkdir()
    docs_dir.mkdir()
    _write_gold(gold_dir, ["mini.txt", "mini.pdf", "mini.docx"])
    (docs_dir / "mini.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")  # truncated, unreadable
    (docs_dir / "mini.docx").write_bytes(b"\x00\x01\x02 not a document")
    result = evaluate(gold_dir, docs_dir)
    errors = {outcome.file: outcome.error for outcome in result.outcomes}
    assert "file not found" in errors["mini.txt"]
    assert errors["mini.pdf"] and errors["mini.docx"]
    table = render_table(result)
    assert "mini.pdf" in table and "0/1" in table
    # Nothing was scored, so nothing may look like a pass or a zero.
    figures = to_json(result)["overall"]
    assert isinstance(figures, dict)
    assert figures["catalog rows: recall"] is None
    assert "—" in table


def test_invalid_gold_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError) as caught:
        load_gold_dir(tmp_path)
    assert "broken.json" in str(caught.value)


def test_corpus_gold_loads() -> None:
    documents = load_gold_dir(CORPUS / "gold")
    assert documents, "the corpus ships gold files"
    for document in documents:
        assert all(name.startswith(document.name) for name in document.files)


def test_files_already_processed_are_scored_without_running_them_again(tmp_path: Path) -> None:
    from danhmuc.evaluation.runner import ProcessedFile

    gold_dir, docs_dir = tmp_path / "gold", tmp_path / "docs"
    gold_dir.mkdir()
    docs_dir.mkdir()
    _write_gold(gold_dir, ["mini.txt"])
    # The file does not even exist: only the caller's result can be used.
    result = evaluate(gold_dir, docs_dir, already_processed={"mini.txt": ProcessedFile(None, 0.5, "đã lỗi / failed")})
    assert [(o.file, o.error, o.seconds) for o in result.outcomes] == [("mini.txt", "đã lỗi / failed", 0.5)]
