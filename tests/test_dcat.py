"""DCAT-AP 3.0 export: the catalog and its datasets carry the mandatory and recommended properties.

The property lists below are those of the DCAT-AP 3.0 specification (SEMIC) for the classes we
emit. Shapes of values are checked by hand and, with pyshacl, by a small SHACL shape set.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.testing import SyntheticEntry, seed_catalog
from catalog.exports.ckan import package_for, slug
from catalog.exports.dcat import catalog_document
from catalog.exports.view import export_datasets
from catalog.store import CatalogStore

CATALOG_MANDATORY = {"dct:description", "dct:publisher", "dct:title"}
CATALOG_RECOMMENDED = {"dcat:dataset", "foaf:homepage", "dct:language", "dct:license", "dct:issued",
                       "dct:spatial", "dcat:themeTaxonomy", "dct:modified"}  # fmt: skip
DATASET_MANDATORY = {"dct:description", "dct:title"}
DATASET_RECOMMENDED = {"dcat:contactPoint", "dcat:distribution", "dcat:keyword", "dct:publisher", "dct:spatial",
                       "dct:temporal", "dcat:theme"}  # fmt: skip
AGENT_MANDATORY = {"foaf:name"}
# What the source plans do not say, so the export leaves it out rather than invent it.
CATALOG_NOT_KNOWN = {"dct:license", "dct:issued", "dct:spatial"}
DATASET_NOT_KNOWN = {"dcat:distribution", "dct:temporal"}

EU = "http://publications.europa.eu/resource/authority/"
BASE = "http://127.0.0.1:8000"
ENTRIES = [
    SyntheticEntry("Cơ sở dữ liệu hộ nghèo", "Sở Lao động - Thương binh và Xã hội", "Lĩnh vực xã hội", "open",
                   "Dữ liệu mở", ("ANNUAL",), "Hằng năm", "tỉnh Hưng Yên"),
    SyntheticEntry("Dữ liệu giáo viên", "Sở Giáo dục và Đào tạo", "I. LĨNH VỰC GIÁO DỤC", "default",
                   "Chia sẻ mặc định", ("QUARTERLY", "ANNUAL"), "Hằng quý", "tỉnh Hà Tĩnh"),
    SyntheticEntry("Dữ liệu hộ tịch", "Sở Tư pháp", "Tư pháp", "restricted", "Mật", ("CONT",), "Thường xuyên"),
    SyntheticEntry("Dữ liệu chưa rõ đơn vị", ""),
]  # fmt: skip


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("dcat")
    with CatalogStore(f"sqlite:///{folder}/dcat.db") as store:
        seed_catalog(store, ENTRIES)
        last = store.last_reconciliation()
        yield catalog_document(export_datasets(store), base_url=BASE, publisher="Sở Thông tin và Truyền thông",
                               modified=last.created_at if last else None)  # fmt: skip


def _datasets(export: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["dct:title"]["@value"]: d for d in export["dcat:dataset"]}


def _is_vi(value: Any) -> bool:
    return isinstance(value, dict) and value.get("@language") == "vi" and bool(value.get("@value"))


def test_catalog_properties(export: dict[str, Any]) -> None:
    assert export["@type"] == "dcat:Catalog"
    assert CATALOG_MANDATORY <= set(export)
    assert CATALOG_RECOMMENDED - set(export) == CATALOG_NOT_KNOWN
    assert any(_is_vi(t) for t in export["dct:title"]) and any(_is_vi(t) for t in export["dct:description"])
    assert export["dct:publisher"]["@type"] == "foaf:Agent"
    assert AGENT_MANDATORY <= set(export["dct:publisher"])
    assert export["dct:language"]["@id"] == EU + "language/VIE"
    assert export["dcat:themeTaxonomy"]["@id"] == EU + "data-theme"
    assert export["dct:modified"]["@type"] == "xsd:dateTime"


def test_dataset_properties_and_shapes(export: dict[str, Any]) -> None:
    datasets = _datasets(export)
    assert len(datasets) == len(ENTRIES)
    for dataset in datasets.values():
        assert dataset["@type"] == "dcat:Dataset" and dataset["@id"].startswith(BASE + "/v1/catalog/ds-")
        assert DATASET_MANDATORY <= set(dataset)
        assert _is_vi(dataset["dct:title"]) and _is_vi(dataset["dct:description"])
        assert dataset["dct:identifier"].startswith("ds-")
        assert all(ref["@id"].startswith(BASE + "/v1/documents/") for ref in dataset["dct:isReferencedBy"])
        assert all(_is_vi(k) for k in dataset["dcat:keyword"])
    poor = datasets["Cơ sở dữ liệu hộ nghèo"]
    assert DATASET_RECOMMENDED - set(poor) == DATASET_NOT_KNOWN
    labour = "Sở Lao động - Thương binh và Xã hội"
    assert poor["dct:publisher"] == {"@type": "foaf:Agent", "foaf:name": {"@value": labour, "@language": "vi"}}
    assert poor["dct:accrualPeriodicity"] == {"@id": EU + "frequency/ANNUAL"}
    assert poor["dct:accessRights"]["@id"] == EU + "access-right/PUBLIC"
    assert poor["dct:accessRights"]["skos:prefLabel"] == {"@value": "Dữ liệu mở", "@language": "vi"}
    assert poor["dct:spatial"][0]["skos:prefLabel"]["@value"] == "tỉnh Hưng Yên"
    assert {"@id": EU + "data-theme/SOCI"} in poor["dcat:theme"]
    teachers = datasets["Dữ liệu giáo viên"]
    assert teachers["dct:accessRights"]["@id"] == EU + "access-right/RESTRICTED"
    assert teachers["dct:accrualPeriodicity"] == {"@id": EU + "frequency/QUARTERLY"}  # one value: the first
    assert {"@id": EU + "data-theme/EDUC"} in teachers["dcat:theme"]
    secret = datasets["Dữ liệu hộ tịch"]
    assert secret["dct:accessRights"]["@id"] == EU + "access-right/NON_PUBLIC"
    unknown = datasets["Dữ liệu chưa rõ đơn vị"]
    assert "dct:publisher" not in unknown and "dct:accessRights" not in unknown  # absent, never empty


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix s: <urn:danhmuc:shapes#> .

s:Catalog a sh:NodeShape ; sh:targetClass dcat:Catalog ;
  sh:property [ sh:path dct:title ; sh:minCount 1 ; sh:datatype rdf:langString ] ;
  sh:property [ sh:path dct:description ; sh:minCount 1 ; sh:datatype rdf:langString ] ;
  sh:property [ sh:path dct:publisher ; sh:minCount 1 ; sh:maxCount 1 ; sh:node s:Agent ] ;
  sh:property [ sh:path dcat:dataset ; sh:class dcat:Dataset ] .

s:Agent a sh:NodeShape ;
  sh:property [ sh:path foaf:name ; sh:minCount 1 ] ;
  sh:property [ sh:path rdf:type ; sh:hasValue foaf:Agent ] .

s:Dataset a sh:NodeShape ; sh:targetClass dcat:Dataset ;
  sh:property [ sh:path dct:title ; sh:minCount 1 ; sh:datatype rdf:langString ] ;
  sh:property [ sh:path dct:description ; sh:minCount 1 ; sh:datatype rdf:langString ] ;
  sh:property [ sh:path dct:publisher ; sh:maxCount 1 ; sh:node s:Agent ] ;
  sh:property [ sh:path dct:accrualPeriodicity ; sh:maxCount 1 ; sh:nodeKind sh:IRI ;
                sh:pattern "^http://publications.europa.eu/resource/authority/frequency/[A-Z_0-9]+$" ] ;
  sh:property [ sh:path dct:accessRights ; sh:maxCount 1 ; sh:nodeKind sh:IRI ;
                sh:in ( <http://publications.europa.eu/resource/authority/access-right/PUBLIC>
                        <http://publications.europa.eu/resource/authority/access-right/RESTRICTED>
                        <http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC> ) ] ;
  sh:property [ sh:path dcat:theme ; sh:nodeKind sh:IRI ;
                sh:pattern "^http://publications.europa.eu/resource/authority/data-theme/[A-Z]{4}$" ] ;
  sh:property [ sh:path dcat:keyword ; sh:datatype rdf:langString ] ;
  sh:property [ sh:path dct:isReferencedBy ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path dct:identifier ; sh:minCount 1 ] .
"""


def test_shacl_shapes(export: dict[str, Any]) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    import json

    from rdflib import Graph

    data = Graph().parse(data=json.dumps(export), format="json-ld")
    shapes = Graph().parse(data=SHAPES, format="turtle")
    conforms, _graph, report = pyshacl.validate(data, shacl_graph=shapes)
    assert conforms, report
    broken = dict(export, **{"dcat:dataset": [dict(export["dcat:dataset"][0], **{"dct:title": "no language"})]})
    conforms, _graph, _report = pyshacl.validate(
        Graph().parse(data=json.dumps(broken), format="json-ld"), shacl_graph=shapes
    )
    assert not conforms  # the shapes do catch a title without @language


def test_ckan_payloads(export: dict[str, Any], tmp_path: Path) -> None:
    assert slug("Sở Giáo dục và Đào tạo") == "so-giao-duc-va-dao-tao"
    with CatalogStore(f"sqlite:///{tmp_path}/ckan.db") as store:
        seed_catalog(store, ENTRIES)
        packages = [package_for(d, BASE) for d in export_datasets(store)]
    by_title = {p.title: p for p in packages}
    poor = by_title["Cơ sở dữ liệu hộ nghèo"]
    assert poor.name.startswith("co-so-du-lieu-ho-ngheo-") and poor.owner_org == "so-lao-dong-thuong-binh-va-xa-hoi"
    extras = {e.key: e.value for e in poor.extras}
    assert extras["frequency"] == "ANNUAL" and extras["access_rights"] == "PUBLIC"
    assert by_title["Dữ liệu chưa rõ đơn vị"].owner_org == "khong-ro-don-vi"
