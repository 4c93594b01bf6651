"""nlp.document: normalize_document on the real corpus, and its leniency."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import extract_file
from extract.model import CatalogEntry, CitedDocument, Document, Metadata, Provenance, SourceFormat, Task
from nlp import normalize_document
from nlp.document import document_locality

DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"


@pytest.fixture(scope="module")
def normalized() -> dict[str, Document]:
    # The UTF-8 seeds; corpus/docs also holds other renderings (DOCX, PDF, TCVN3…) of the same documents.
    seeds = [p for p in sorted(DOCS.glob("*.txt")) if not p.stem.endswith(("_tcvn3", "_vni"))]
    return {path.stem: normalize_document(extract_file(path)) for path in seeds}


def test_every_entry_and_task_gets_a_norm(normalized: dict[str, Document]) -> None:
    for doc in normalized.values():
        assert all(entry.norm is not None for entry in doc.catalog)
        assert all(task.norm is not None for task in doc.tasks)
        assert not [w for w in doc.warnings if w.code.startswith("nlp_")]


def test_open_data_list_rows_are_open(normalized: dict[str, Document]) -> None:
    hung_yen = normalized["hung_yen_ke_hoach_du_lieu_mo"]
    assert hung_yen.catalog and {e.norm.sharing for e in hung_yen.catalog if e.norm} == {"open"}
    dong_cuu = normalized["dong_cuu_ke_hoach_2026"]
    assert "open" not in {e.norm.sharing for e in dong_cuu.catalog if e.norm}


def test_commune_plans_know_their_province(normalized: dict[str, Document]) -> None:
    doc = normalized["son_hai_ke_hoach_2026"]
    assert document_locality(doc) == "xã Sơn Hải, tỉnh Bắc Ninh"
    vhxh = {m.unit_id for e in doc.catalog if e.norm for m in e.norm.units if m.unit_type == "phong_vhxh"}
    assert vhxh == {"phong_vhxh@xã Sơn Hải"}


def test_citation_keys(normalized: dict[str, Document]) -> None:
    ha_tinh = normalized["ha_tinh_qd_1402_danh_muc_csdl"]
    keys = {c.number_key for c in ha_tinh.metadata.cited}
    assert "47/2020/NĐ-CP" in keys
    hung_yen = normalized["hung_yen_ke_hoach_du_lieu_mo"]
    assert "47/2020/NĐ-CP" in {c.number_key for c in hung_yen.metadata.cited}


def test_task_periods_use_the_document_year(normalized: dict[str, Document]) -> None:
    doc = normalized["son_hai_ke_hoach_2026"]
    periods = {t.ref: t.norm.period.quarters for t in doc.tasks if t.norm and t.norm.period}
    assert periods.get("3.2.a") == ["2026-Q3", "2026-Q4"]


def test_never_raises_on_odd_documents() -> None:
    prov = Provenance(file="odd.txt")
    doc = Document(
        source="odd.txt",
        sha256="0" * 64,
        format=SourceFormat.TEXT,
        size_bytes=0,
        page_count=1,
        metadata=Metadata(
            issuer="\x00<b>**", year=None, parent=CitedDocument(number=";;//", provenance=prov)
        ),
        tasks=[Task(ref="1", heading="", time_raw="Quý ???", lead_raw="((((", provenance=prov)],
        catalog=[
            CatalogEntry(
                title="",
                unit="- ; / và ,",
                sharing_raw="\t",
                frequency_raw="///",
                table=9,
                row=0,
                provenance=prov,
            )
        ],
    )
    out = normalize_document(doc)
    assert out.catalog[0].norm is not None and out.tasks[0].norm is not None
    assert out.metadata.parent is not None


def _decision(issuer: str, place: str, unit: str, lead: str) -> Document:
    prov = Provenance(file="qd.txt")
    return Document(
        source="qd.txt",
        sha256="0" * 64,
        format=SourceFormat.TEXT,
        size_bytes=0,
        page_count=1,
        metadata=Metadata(issuer=issuer, place=place, year=2026),
        tasks=[Task(ref="1", heading="", time_raw="Đầu năm 2027", lead_raw=lead, provenance=prov)],
        catalog=[CatalogEntry(title="Dữ liệu", unit=unit, table=0, row=0, provenance=prov)],
    )


@pytest.mark.parametrize(
    ("issuer", "place", "locality"),
    [
        ("Sở Khoa học và Công nghệ", "Phú Thọ", "tỉnh Phú Thọ"),
        ("Sở Y tế", "Hà Nội", "thành phố Hà Nội"),  # a city under the central government
        ("Sở Y tế tỉnh Hà Tĩnh", "Hà Tĩnh", "tỉnh Hà Tĩnh"),
        ("UBND xã Tân Lập", "Tân Lập", "xã Tân Lập"),
        ("Bộ Y tế", "Hà Nội", ""),  # a ministry's place line is where it sits, not its locality
        ("Phòng Quản lý khoa học", "Phú Thọ", ""),  # not a registry agency: the place line is not read
    ],
)
def test_a_provincial_agency_takes_its_province_from_the_place_line(issuer: str, place: str, locality: str) -> None:
    assert document_locality(_decision(issuer, place, "", "")) == locality


def test_a_department_decision_resolves_its_own_divisions() -> None:
    doc = normalize_document(_decision("Sở Khoa học và Công nghệ", "Phú Thọ", "Chi cục TĐC", "Văn phòng Sở"))
    entry = doc.catalog[0].norm
    assert entry is not None and [m.unit_id for m in entry.units] == ["chi_cuc_tdc@tỉnh Phú Thọ"]
    task = doc.tasks[0].norm
    assert task is not None and [m.unit_id for m in task.lead] == ["so_khcn.van_phong_so@tỉnh Phú Thọ"]
    assert task.period is not None and task.period.quarters == ["2027-Q1"]
    assert not [w for w in doc.warnings if w.code == "unit_unresolved"]
