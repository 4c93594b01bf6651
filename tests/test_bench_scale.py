"""The scale benchmark's archive generator and measuring harness (benchmarks/bench_scale.py)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from benchmarks.bench_scale import fit_exponent
from benchmarks.scale_archive import write_variant_text
from benchmarks.scale_measure import run_step
from benchmarks.scale_variation import SEED_PLACES, draw_variant, vary_text

ROOT = Path(__file__).resolve().parents[1]
MIB = 2**20


def test_variants_are_deterministic_and_spread_over_seeds_places_and_formats() -> None:
    variants = [draw_variant(13, index) for index in range(400)]
    assert variants == [draw_variant(13, index) for index in range(400)]
    assert variants[:50] != [draw_variant(14, index) for index in range(50)]
    kinds = Counter(v.kind for v in variants)
    assert kinds["scan"] == 20  # every 20th document: 5 %
    assert kinds["docx"] > kinds["txt"] > kinds["pdf"] > kinds["scan"]
    assert len({v.seed for v in variants}) == len(SEED_PLACES)
    assert len({v.place for v in variants}) > 60
    assert {v.level for v in variants} == {"xã", "huyện", "tỉnh"}
    assert len({v.year for v in variants}) >= 5


def test_a_variant_moves_the_seed_to_another_place_number_and_date_and_varies_its_rows() -> None:
    seed_text = (ROOT / "corpus" / "docs" / "dong_cuu_ke_hoach_2026.txt").read_text(encoding="utf-8")
    variant = next(
        v for v in (draw_variant(13, i) for i in range(200))
        if v.seed == "dong_cuu_ke_hoach_2026" and v.level == "xã" and v.number and v.place != "Đông Cứu"
    )  # fmt: skip
    text = vary_text(seed_text, variant)
    assert text == vary_text(seed_text, variant)
    assert "Đông Cứu" not in text and "Bắc Ninh" not in text
    assert f"xã {variant.place}" in text and variant.province in text
    assert f"Số: {variant.number}/KH-UBND" in text
    assert f"ngày {variant.day} tháng {variant.month} năm {variant.year}" in text

    def rows(body: str) -> list[list[str]]:
        return [line.split("\t") for line in body.splitlines() if line.count("\t") >= 2 and line[0].isdigit()]

    seed_rows, varied_rows = rows(seed_text), rows(text)
    seed_titles = {row[1] for row in seed_rows}
    changed = [row for row in varied_rows if row[1] not in seed_titles]
    assert changed and len(changed) < len(varied_rows)  # respelled, not replaced wholesale
    same_seed = [v for v in (draw_variant(13, i) for i in range(120)) if v.seed == variant.seed]
    assert len({len(rows(vary_text(seed_text, v))) for v in same_seed}) > 1  # rows dropped and added in some


def test_a_generated_text_document_is_read_with_its_new_issuer(tmp_path: Path) -> None:
    from danhmuc.pipeline import process_file

    variant = next(v for v in (draw_variant(13, i) for i in range(200)) if v.seed == "son_hai_ke_hoach_2026")
    path = tmp_path / "variant.txt"
    write_variant_text(variant, path)
    document = process_file(str(path), name=path.name)
    assert variant.place in document.metadata.issuer
    assert len(document.catalog) > 10


def test_fit_exponent_recovers_a_power_law() -> None:
    exponent = fit_exponent([(250, 3.0 * 250**1.9), (1000, 3.0 * 1000**1.9), (3000, 3.0 * 3000**1.9)])
    assert exponent is not None and abs(exponent - 1.9) < 1e-9
    assert fit_exponent([(1000, 5.0)]) is None


def test_a_step_reports_its_child_processes_peak_rss_and_is_killed_past_the_limit() -> None:
    # The parent waits for a child that holds 150 MiB: the child's peak is seen, not only the parent's.
    code = (
        "import subprocess, sys; subprocess.run([sys.executable, '-c', "
        "'import time; b = bytearray(150 * 2**20); b[::4096] = b\"x\" * len(b[::4096]); time.sleep(1.5)'])"
    )
    measured = run_step([sys.executable, "-c", code], limit_bytes=2**40, timeout=60)
    assert measured.ok
    assert len(measured.processes) == 2
    assert measured.process_peak > 140 * MIB
    assert measured.tree_peak >= measured.process_peak
    hog = "import time; b = bytearray(400 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(30)"
    killed = run_step([sys.executable, "-c", hog], limit_bytes=200 * MIB, timeout=60)
    assert killed.aborted == "memory" and not killed.ok
    assert killed.seconds < 20
