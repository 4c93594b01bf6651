"""DCAT-AP 3.0.1 export: the catalog against the official SEMIC shapes, and what each node states.

The shapes are the unchanged official files (``tests/dcat_shapes.py``); the EU vocabularies they
check values against are a stand-in of the few terms used. The catalog here is a small synthetic
one; ``test_exports.py`` checks the corpus catalog the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from live_server import SyntheticEntry, seed_catalog

from catalog.exports import ExportFormat, render
from catalog.exports.dcat import catalog_document
from catalog.exports.view import DatasetDetail, catalog_dates, export_datasets
from catalog.store import CatalogStore

EU = "http://publications.europa.eu/resource/authority/"
BASE = "http://127.0.0.1:8000"
PUBLISHER = "Sở Thông tin và Truyền thông"
ENTRIES = [
    SyntheticEntry("Cơ sở dữ liệu hộ nghèo", "Sở Lao động - Thương binh và Xã hội", "Lĩnh vực xã hội", "open",
                   "Dữ liệu mở", ("ANNUAL",), "Hằng năm", "tỉnh Hưng Yên"),
    SyntheticEntry("Dữ liệu giáo viên", "Sở Giáo dục và Đào tạo", "I. LĨNH VỰC GIÁO DỤC", "default",
                   "Chia sẻ mặc định", ("QUARTERLY", "ANNUAL"), "Hằng quý", "tỉnh Hà Tĩnh"),
    SyntheticEntry("Dữ liệu hộ tịch", "Sở Tư pháp", "Tư pháp", "restricted", "Mật", ("CONT",), "Thường xuyên"),
    SyntheticEntry("Dữ liệu khám chữa bệnh", "Sở Y tế", "Y tế", "on_request", "Theo yêu cầu", (), "", "tỉnh Hà Tĩnh"),
    SyntheticEntry("Dữ liệu tiêm chủng", "Sở Y tế", "Y tế", "by_regulation", "Theo quy định", (), "",
                   "tỉnh Hưng Yên"),
    SyntheticEntry("Dữ liệu chưa rõ đơn vị", ""),
]  # fmt: skip


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[DatasetDetail], datetime | None]]:
    folder = tmp_path_factory.mktemp("dcat")
    with CatalogStore(f"sqlite:///{folder}/dcat.db") as store:
        seed_catalog(store, ENTRIES)
        store.reconcile()
        yield export_datasets(store), catalog_dates(store)[1]


@pytest.fixture(scope="module")
def export(catalog: tuple[list[DatasetDetail], datetime | None]) -> dict[str, Any]:
    datasets, modified = catalog
    return catalog_document(datasets, base_url=BASE, publisher=PUBLISHER, modified=modified,
                            issued=datetime(2026, 1, 2, tzinfo=UTC))  # fmt: skip


def _datasets(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["dct:title"]["@value"]: d for d in export["dcat:dataset"]}


def _is_vi(value: Any) -> bool:
    return isinstance(value, dict) and value.get("@language") == "vi" and bool(value.get("@value"))


def _iris(node: Any) -> set[str]:
    """Every IRI a JSON-LD tree refers to."""
    if isinstance(node, list):
        return {iri for item in node for iri in _iris(item)}
    if isinstance(node, dict):
        own = {node["@id"]} if "@id" in node else set()
        return own | {iri for key, value in node.items() if key != "@context" for iri in _iris(value)}
    return set()


def test_catalog_node(export: dict[str, Any]) -> None:
    assert export["@type"] == "dcat:Catalog"
    assert any(_is_vi(t) for t in export["dct:title"]) and any(_is_vi(t) for t in export["dct:description"])
    publisher = export["dct:publisher"]
    assert publisher["@type"] == "foaf:Agent" and publisher["@id"].startswith(BASE + "/id/don-vi/")
    assert publisher["foaf:name"]["@value"].startswith(PUBLISHER)
    assert export["foaf:homepage"]["@id"] == BASE + "/v1/catalog"  # a real page, not the API's /docs
    assert export["dct:language"] == {"@id": EU + "language/VIE"}
    assert export["dcat:themeTaxonomy"] == {"@id": EU + "data-theme"}
    assert export["dct:license"]["@id"] == EU + "licence/CC_BY_4_0"
    assert export["dct:issued"]["@value"].startswith("2026-01-02") and export["dct:modified"]["@type"] == "xsd:dateTime"


def test_dataset_nodes(export: dict[str, Any]) -> None:
    datasets = _datasets(export)
    assert len(datasets) == len(ENTRIES)
    for dataset in datasets.values():
        assert dataset["@type"] == "dcat:Dataset" and dataset["@id"].startswith(BASE + "/v1/catalog/ds-")
        assert _is_vi(dataset["dct:title"]) and _is_vi(dataset["dct:description"])
        assert all(ref["@id"].startswith(BASE + "/v1/documents/") for ref in dataset["dct:isReferencedBy"])
        assert dataset["dct:publisher"]["@id"].startswith(BASE + "/id/don-vi/")
        distribution = dataset["dcat:distribution"]
        assert distribution["@type"] == "dcat:Distribution" and distribution["dcat:accessURL"]["@id"] == dataset["@id"]
        assert dataset["dcat:theme"] and dataset["dct:spatial"]["@id"] == EU + "country/VNM"
    poor = datasets["Cơ sở dữ liệu hộ nghèo"]
    assert poor["dct:accrualPeriodicity"] == {"@id": EU + "frequency/ANNUAL"}
    assert poor["dct:accessRights"] == {"@id": EU + "access-right/PUBLIC"}  # the IRI only: no restated label
    assert poor["dct:coverage"][0]["skos:prefLabel"]["@value"] == "tỉnh Hưng Yên"
    assert poor["dct:coverage"][0]["@id"] == BASE + "/id/dia-ban/tinh-hung-yen"
    assert {"@id": EU + "data-theme/SOCI"} in poor["dcat:theme"]
    teachers = datasets["Dữ liệu giáo viên"]
    assert teachers["dct:accessRights"] == {"@id": EU + "access-right/RESTRICTED"}
    assert datasets["Dữ liệu hộ tịch"]["dct:accessRights"] == {"@id": EU + "access-right/NON_PUBLIC"}
    # One unit, two provinces: two publishers.
    health = {datasets[t]["dct:publisher"]["@id"] for t in ("Dữ liệu khám chữa bệnh", "Dữ liệu tiêm chủng")}
    assert len(health) == 2
    # No unit named: the catalog's publisher makes the dataset available; no access right invented.
    unknown = datasets["Dữ liệu chưa rõ đơn vị"]
    assert unknown["dct:publisher"]["@id"] == export["dct:publisher"]["@id"] and "dct:accessRights" not in unknown
    # No EU term carries a label of ours.
    eu_nodes = [n for n in _nodes(export) if n.get("@id", "").startswith(EU)]
    assert eu_nodes and not any("skos:prefLabel" in n or "rdfs:label" in n for n in eu_nodes)


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [n for item in node for n in _nodes(item)]
    if isinstance(node, dict):
        return [node, *(n for value in node.values() for n in _nodes(value))]
    return []


def test_official_shapes(export: dict[str, Any]) -> None:
    pytest.importorskip("pyshacl")
    from dcat_shapes import STANDARDS, describe, eu_terms, residual_only, validate
    from rdflib import Graph

    if not STANDARDS.is_dir():
        pytest.skip(f"official DCAT-AP shapes not found at {STANDARDS} (shared/ beside the checkout)")
    used = {iri for iri in _iris(export) if iri.startswith((EU, "http://purl.org/adms/"))}
    assert used <= eu_terms() | {EU + "data-theme"}, used - eu_terms()  # the stand-in covers every EU term used
    results = validate(Graph().parse(data=json.dumps(export), format="json-ld"))
    assert residual_only(results, datasets=len(ENTRIES)), describe(results)
    # The shapes do bite: a frequency outside the EU table and a publisher without a name are violations.
    broken = json.loads(json.dumps(export))
    broken["dcat:dataset"][0]["dct:accrualPeriodicity"] = {"@id": BASE + "/tan-suat/hang-nam"}
    del broken["dcat:dataset"][0]["dct:publisher"]["foaf:name"]
    severities = {key[0] for found in validate(Graph().parse(data=json.dumps(broken), format="json-ld")).values()
                  for key in found}  # fmt: skip
    assert "Violation" in severities


def test_rdf_syntaxes_carry_the_same_graph(catalog: tuple[list[DatasetDetail], datetime | None]) -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    datasets, modified = catalog
    graphs = {}
    for fmt, syntax in ((ExportFormat.DCAT, "json-ld"), (ExportFormat.DCAT_TTL, "turtle"),
                        (ExportFormat.DCAT_RDF, "xml")):  # fmt: skip
        body = render(fmt, datasets, base_url=BASE, publisher=PUBLISHER, modified=modified)
        graphs[fmt] = Graph().parse(data=body, format=syntax)
    assert len(graphs[ExportFormat.DCAT]) > 100
    assert isomorphic(graphs[ExportFormat.DCAT], graphs[ExportFormat.DCAT_TTL])
    assert isomorphic(graphs[ExportFormat.DCAT], graphs[ExportFormat.DCAT_RDF])


def test_the_whole_catalog_is_written_as_it_is_read(
    catalog: tuple[list[DatasetDetail], datetime | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: the DCAT export of a whole catalog held its document (750 MiB at 10,000 documents). JSON-LD is now
    written node by node, the same bytes; Turtle and RDF/XML chunk by chunk, the same graph."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from catalog.exports import dcat

    datasets, modified = catalog
    built = dcat.serialise(catalog_document(datasets, base_url=BASE, publisher=PUBLISHER, modified=modified))
    assert render(ExportFormat.DCAT, datasets, base_url=BASE, publisher=PUBLISHER, modified=modified) == built
    monkeypatch.setattr(dcat, "TURTLE_CHUNK", 3)
    turtle = render(ExportFormat.DCAT_TTL, datasets, base_url=BASE, publisher=PUBLISHER, modified=modified)
    assert turtle.count(b"@prefix dcat:") >= len(datasets) // 3  # one chunk after another, each with its prefixes
    whole = Graph().parse(data=built, format="json-ld")
    assert isomorphic(Graph().parse(data=turtle, format="turtle"), whole)
    xml = render(ExportFormat.DCAT_RDF, datasets, base_url=BASE, publisher=PUBLISHER, modified=modified)
    assert xml.count(b"<rdf:RDF") == 1 and xml.count(b"</rdf:RDF>") == 1  # one document around every chunk
    assert isomorphic(Graph().parse(data=xml, format="xml"), whole)


def test_hydra_pages(catalog: tuple[list[DatasetDetail], datetime | None]) -> None:
    datasets, modified = catalog
    pages = [catalog_document(datasets, base_url=BASE, publisher=PUBLISHER, modified=modified, page=n, page_size=4)
             for n in (1, 2)]  # fmt: skip
    assert [len(p["dcat:dataset"]) for p in pages] == [4, len(ENTRIES) - 4]
    first, second = (p["hydra:view"] for p in pages)
    assert first["@type"] == "hydra:PartialCollectionView" and pages[0]["hydra:totalItems"]["@value"] == len(ENTRIES)
    assert first["hydra:next"]["@id"] == second["@id"] == f"{BASE}/v1/export?format=dcat&page=2&page_size=4"
    assert "hydra:previous" not in first and "hydra:next" not in second
    assert second["hydra:last"]["@id"] == second["@id"]
    whole = {d["@id"] for d in catalog_document(datasets, base_url=BASE, publisher=PUBLISHER,
                                                modified=modified)["dcat:dataset"]}  # fmt: skip
    assert {d["@id"] for p in pages for d in p["dcat:dataset"]} == whole
    assert "hydra:view" not in catalog_document(datasets, base_url=BASE, publisher=PUBLISHER, modified=modified)
