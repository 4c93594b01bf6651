"""nlp.entities: the spaCy pipeline finds units, periods and số hiệu in running paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from test_nlp_strategies import any_text

from nlp.entities import build_pipeline, find_entities

DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"


def test_pipeline_is_blank_vietnamese_with_the_rule_component() -> None:
    nlp = build_pipeline("xã Sơn Hải", 2026)
    assert nlp.lang == "vi"
    assert "danhmuc_entities" in nlp.pipe_names


def test_paragraph_entities() -> None:
    text = (
        "Phối hợp với Sở Khoa học và công nghệ các đơn vị liên quan triển khai theo Nghị định số "
        "47/2020/NĐ;CP ngày 29/4/2020. Báo cáo gửi về Phòng Văn hoá - Xã hội trước ngày 20 hằng tháng; "
        "Công an xã hoàn thành trong Quý III, IV/2026."
    )
    found = [
        (e.label, e.text, e.norm)
        for e in find_entities(text, locality="xã Sơn Hải, tỉnh Bắc Ninh", default_year=2026)
    ]
    assert ("UNIT", "Sở Khoa học và công nghệ", "so_khcn@tỉnh Bắc Ninh") in found
    assert ("DOCNUM", "47/2020/NĐ;CP", "47/2020/NĐ-CP") in found
    assert ("UNIT", "Phòng Văn hóa - Xã hội", "phong_vhxh@xã Sơn Hải") in found
    assert ("PERIOD", "trước ngày 20 hằng tháng", "monthly:20") in found
    assert ("UNIT", "Công an xã", "cong_an@xã Sơn Hải") in found
    assert ("PERIOD", "Quý III, IV/2026", "2026-Q3,2026-Q4") in found
    # The year inside a số hiệu is not a period.
    assert not any(label == "PERIOD" and "2020" in text and "NĐ" in text for label, text, _ in found)


def test_real_paragraphs_of_the_corpus() -> None:
    text = (DOCS / "son_hai_ke_hoach_2026.txt").read_text(encoding="utf-8")
    entities = find_entities(text[:6000], locality="xã Sơn Hải", default_year=2026)
    labels = {e.label for e in entities}
    assert labels == {"UNIT", "PERIOD", "DOCNUM"}
    assert any(e.label == "DOCNUM" and e.norm == "41/KH-UBND" for e in entities)


@settings(max_examples=60, deadline=None)
@given(any_text)
def test_find_entities_is_total(text: str) -> None:
    for entity in find_entities(text, locality="xã Đông Cứu", default_year=2026):
        assert entity.label in {"UNIT", "PERIOD", "DOCNUM"}
        assert entity.start < entity.end


def test_build_pipeline_without_spacy_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from nlp.errors import OptionalDependencyError

    monkeypatch.setitem(sys.modules, "spacy", None)  # as if it were not installed
    with pytest.raises(OptionalDependencyError, match=r"danhmuc\[spacy\]"):
        build_pipeline("xã Không Cài", 1999)
