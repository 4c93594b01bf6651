"""The unified catalog as DCAT-AP 3.0 JSON-LD: one dcat:Catalog with a dcat:Dataset per dataset.

Controlled values use the EU Publications Office authority tables (frequency, access right,
language, data theme), so portals that harvest DCAT-AP understand them without a mapping; the
Vietnamese wording as printed is kept beside them as skos:prefLabel with @language "vi".
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from catalog.exports.view import DatasetDetail, fold

EU = "http://publications.europa.eu/resource/authority"
FREQUENCY = f"{EU}/frequency/"
ACCESS_RIGHT = f"{EU}/access-right/"
DATA_THEME = f"{EU}/data-theme"
LANGUAGE_VI = f"{EU}/language/VIE"

CONTEXT: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# Sharing level (nlp codes) → EU access right. Everything shared only under conditions (the
# default sharing of Decree 47/2020, on request, by regulation, by role) is RESTRICTED.
ACCESS_BY_SHARING: dict[str, str] = {
    "open": "PUBLIC",
    "default": "RESTRICTED",
    "on_request": "RESTRICTED",
    "by_regulation": "RESTRICTED",
    "role_based": "RESTRICTED",
    "internal": "NON_PUBLIC",
    "restricted": "NON_PUBLIC",
}
SHARING_LABELS_VI: dict[str, str] = {
    "open": "Dữ liệu mở",
    "default": "Chia sẻ mặc định",
    "on_request": "Chia sẻ theo yêu cầu đặc thù",
    "by_regulation": "Chia sẻ theo quy định",
    "role_based": "Chia sẻ theo phân quyền",
    "internal": "Nội bộ",
    "restricted": "Hạn chế / không chia sẻ",
}
# Folded domain words → EU data themes (first hit wins; more specific words first).
THEMES: tuple[tuple[str, str], ...] = (
    ("giao duc", "EDUC"), ("dao tao", "EDUC"), ("van hoa", "EDUC"), ("the thao", "EDUC"), ("du lich", "EDUC"),
    ("y te", "HEAL"), ("suc khoe", "HEAL"),
    ("nong nghiep", "AGRI"), ("lam nghiep", "AGRI"), ("thuy san", "AGRI"),
    ("tai chinh", "ECON"), ("kinh te", "ECON"), ("doanh nghiep", "ECON"), ("dau tu", "ECON"), ("thue", "ECON"),
    ("moi truong", "ENVI"), ("tai nguyen", "ENVI"),
    ("giao thong", "TRAN"), ("van tai", "TRAN"),
    ("nang luong", "ENER"), ("dien luc", "ENER"),
    ("khoa hoc", "TECH"), ("cong nghe", "TECH"), ("thong tin va truyen thong", "TECH"),
    ("tu phap", "JUST"), ("phap luat", "JUST"), ("an ninh", "JUST"), ("ho tich", "JUST"),
    ("dat dai", "REGI"), ("xay dung", "REGI"), ("do thi", "REGI"), ("dia gioi", "REGI"),
    ("dan cu", "SOCI"), ("lao dong", "SOCI"), ("xa hoi", "SOCI"), ("ho ngheo", "SOCI"), ("dan so", "SOCI"),
    ("hanh chinh", "GOVE"), ("noi vu", "GOVE"), ("can bo", "GOVE"), ("cong chuc", "GOVE"),
    ("quoc te", "INTR"), ("ngoai vu", "INTR"),
)  # fmt: skip


def vi(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "vi"}


def themes_for(dataset: DatasetDetail) -> list[str]:
    found: list[str] = []
    for text in [*dataset.domains, dataset.title]:
        folded = fold(text)
        for word, theme in THEMES:
            if word in folded and theme not in found:
                found.append(theme)
                break
    return found


def _description(dataset: DatasetDetail) -> str:
    if dataset.description:
        return dataset.description
    unit = f" do {dataset.unit} quản lý" if dataset.unit else ""
    return f"Tập dữ liệu “{dataset.title}”{unit}; tổng hợp từ {dataset.document_count} văn bản kế hoạch, quyết định."


def agent(name: str) -> dict[str, Any]:
    return {"@type": "foaf:Agent", "foaf:name": vi(name)}


def dataset_node(dataset: DatasetDetail, base_url: str) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"{base_url}/v1/catalog/{dataset.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": vi(dataset.title),
        "dct:description": vi(_description(dataset)),
        "dct:language": {"@id": LANGUAGE_VI},
    }
    if dataset.unit:
        node["dct:publisher"] = agent(dataset.unit)
        node["dcat:contactPoint"] = {"@type": "vcard:Organization", "vcard:fn": dataset.unit}
    if dataset.frequency:
        node["dct:accrualPeriodicity"] = {"@id": FREQUENCY + dataset.frequency[0]}
    access = next((ACCESS_BY_SHARING[s] for s in dataset.sharing if s in ACCESS_BY_SHARING), "")
    if access:
        label = dataset.sharing_labels[0] if dataset.sharing_labels else SHARING_LABELS_VI[dataset.sharing[0]]
        node["dct:accessRights"] = {
            "@id": ACCESS_RIGHT + access,
            "@type": "dct:RightsStatement",
            "skos:prefLabel": vi(label),
        }
    if dataset.localities:
        node["dct:spatial"] = [{"@type": "dct:Location", "skos:prefLabel": vi(place)} for place in dataset.localities]
    node["dct:isReferencedBy"] = [{"@id": f"{base_url}/v1/documents/{sha}"} for sha in dataset.document_ids]
    themes = themes_for(dataset)
    if themes:
        node["dcat:theme"] = [{"@id": f"{DATA_THEME}/{theme}"} for theme in themes]
    keywords = [d for d in dataset.domains if d] or [dataset.title]
    node["dcat:keyword"] = [vi(word) for word in keywords]
    return node


def catalog_document(
    datasets: list[DatasetDetail], *, base_url: str, publisher: str, modified: datetime | None
) -> dict[str, Any]:
    catalog: dict[str, Any] = {
        "@id": f"{base_url}/v1/export?format=dcat",
        "@type": "dcat:Catalog",
        "dct:title": [vi("Danh mục dữ liệu hợp nhất"), {"@value": "Unified data catalog", "@language": "en"}],
        "dct:description": [
            vi("Danh mục cơ sở dữ liệu, tập dữ liệu hợp nhất từ các kế hoạch, quyết định của cơ quan nhà nước."),
            {"@value": "Datasets reconciled from Vietnamese government plans and decisions.", "@language": "en"},
        ],
        "dct:publisher": agent(publisher),
        "foaf:homepage": {"@id": f"{base_url}/docs"},
        "dct:language": {"@id": LANGUAGE_VI},
        "dcat:themeTaxonomy": {"@id": DATA_THEME},
        "dcat:dataset": [dataset_node(d, base_url) for d in datasets],
    }
    if modified is not None:
        catalog["dct:modified"] = {"@value": modified.isoformat(), "@type": "xsd:dateTime"}
    return {"@context": CONTEXT, **catalog}


def to_jsonld(datasets: list[DatasetDetail], *, base_url: str, publisher: str, modified: datetime | None) -> bytes:
    document = catalog_document(datasets, base_url=base_url, publisher=publisher, modified=modified)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")
