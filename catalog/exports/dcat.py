"""The unified catalog as DCAT-AP 3.0.1: one dcat:Catalog with a dcat:Dataset per dataset.

Checked against the official SEMIC shapes (mandatory, recommended, ranges, controlled vocabularies)
in ``tests/test_dcat.py``. What the export states, and why:

- Controlled values are the EU Publications Office authority terms (frequency, access right,
  language, data theme, file type, licence, planned availability, country) by IRI only: their labels
  belong to the EU tables, so none is restated here (the Vietnamese sharing wording as printed is in
  the CSV/JSONL, not on the EU term).
- Publishers are ``foaf:Agent``s with stable IRIs ``{base}/id/don-vi/{agency}`` built from the unit
  resolver's canonical unit and locality (``agencies.py``), typed with the ADMS publisher type.
- ``dct:spatial`` is the EU country term for Viet Nam, with its bounding box and centroid; the
  province or commune a dataset belongs to is a ``skos:Concept`` of the catalog's own scheme of
  localities (``dct:coverage``): DCAT-AP asks a ``dct:spatial`` value to come from an EU or GeoNames
  gazetteer and to carry a geometry, which the plans do not give for a commune.
- Each dataset has one ``dcat:Distribution``: its record in the API (JSON), licensed CC BY 4.0 as
  the catalog's metadata is; the source plans are ``dct:isReferencedBy``.
- A dataset concept (the same kind of data kept by several publishers, docs/concepts.md) holding two
  or more datasets is a ``dcat:DatasetSeries`` ``{base}/v1/concepts/{id}`` with the harmonised title;
  each member dataset points to it with ``dcat:inSeries`` (the series node is embedded in each member,
  so every page of a paged export is complete). Its publisher and contact are the catalog's: the
  grouping is the catalog's own, not any member publisher's. A concept of one dataset is no series.
- Not stated because the plans do not say it: ``dct:temporal``; and the agencies are not in the EU
  corporate-body table (a Vietnamese agency never is), which the shapes report as warnings.

``catalog_document`` builds the JSON-LD; ``serialise`` gives it as JSON-LD, Turtle or RDF/XML; ``write_catalog``
writes the whole catalog in any of the three as its datasets are read.
Paging (``page``/``page_size``) follows Hydra: the page lists its slice of datasets and a
``hydra:PartialCollectionView`` links first, previous, next and last pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import chain
from typing import IO, Any

from catalog.exports.agencies import Agency, agencies_of, agency, slug
from catalog.exports.view import DatasetDetail, fold

EU = "http://publications.europa.eu/resource/authority"
FREQUENCY = f"{EU}/frequency/"
ACCESS_RIGHT = f"{EU}/access-right/"
DATA_THEME = f"{EU}/data-theme"
LANGUAGE_VI = f"{EU}/language/VIE"
COUNTRY_VN = f"{EU}/country/VNM"
FILE_TYPE_JSON = f"{EU}/file-type/JSON"
AVAILABILITY_STABLE = f"{EU}/planned-availability/STABLE"
LICENCE = f"{EU}/licence/CC_BY_4_0"  # of the catalog's metadata and of the records it distributes
LICENCE_TYPE = "http://purl.org/adms/licencetype/Attribution"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
MEDIA_TYPE_JSON = "https://www.iana.org/assignments/media-types/application/json"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
# Viet Nam's extent and centre (GeoNames country info 1562822), for the country term's geometry.
VN_BBOX = ("POLYGON((102.14459 8.559611,109.464638 8.559611,109.464638 23.388834,102.14459 23.388834,"
           "102.14459 8.559611))")
VN_CENTROID = "POINT(107.8333 16.1667)"
FALLBACK_THEME = "GOVE"  # every dataset here is held by a public body: "Government and public sector"
DEFAULT_PAGE_SIZE = 1000

CONTEXT: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatap": "http://data.europa.eu/r5r/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
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
    return found or [FALLBACK_THEME]


def access_right(dataset: DatasetDetail) -> str:
    """The most restrictive EU access right of the members' sharing levels, "" when none is known."""
    rights = {ACCESS_BY_SHARING[s] for s in dataset.sharing if s in ACCESS_BY_SHARING}
    return next((right for right in ("NON_PUBLIC", "RESTRICTED", "PUBLIC") if right in rights), "")


def _description(dataset: DatasetDetail) -> str:
    if dataset.description:
        return dataset.description
    unit = f" do {dataset.unit} quản lý" if dataset.unit else ""
    return f"Tập dữ liệu “{dataset.title}”{unit}; tổng hợp từ {dataset.document_count} văn bản kế hoạch, quyết định."


def agent_iri(base_url: str, found: Agency) -> str:
    return f"{base_url}/id/don-vi/{found.name}"


def agent_node(base_url: str, found: Agency) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": agent_iri(base_url, found), "@type": "foaf:Agent", "foaf:name": vi(found.title)}
    if found.publisher_type:
        node["dct:type"] = {"@id": PUBLISHER_TYPE + found.publisher_type}
    return node


def publisher_agency(name: str) -> Agency:
    """The catalog's publisher (a setting, free text) as an agency, resolved when the registry knows it."""
    from nlp.units import resolve_single

    mention = resolve_single(name)
    if mention.unit_id or mention.unit_type:
        return agency(mention.unit_id or mention.unit_type)
    unresolved = agency(name)
    return replace(unresolved, title=name, publisher_type="")


def _contact(base_url: str, found: Agency) -> dict[str, Any]:
    return {"@id": agent_iri(base_url, found) + "#lien-he", "@type": ["vcard:Organization", "vcard:Kind"],
            "vcard:fn": found.title}  # fmt: skip


def locality_scheme(base_url: str) -> dict[str, Any]:
    return {"@id": f"{base_url}/id/dia-ban", "@type": "skos:ConceptScheme",
            "dct:title": vi("Địa bàn hành chính của danh mục")}  # fmt: skip


def locality_node(base_url: str, place: str) -> dict[str, Any]:
    return {"@id": f"{base_url}/id/dia-ban/{slug(place) or 'khong-ro'}", "@type": "skos:Concept",
            "skos:prefLabel": vi(place), "skos:inScheme": locality_scheme(base_url)}  # fmt: skip


def country_node() -> dict[str, Any]:
    return {"@id": COUNTRY_VN, "dcat:bbox": {"@value": VN_BBOX, "@type": WKT},
            "dcat:centroid": {"@value": VN_CENTROID, "@type": WKT}}  # fmt: skip


def distribution_node(dataset: DatasetDetail, base_url: str) -> dict[str, Any]:
    record = f"{base_url}/v1/catalog/{dataset.id}"
    return {
        "@id": f"{record}#ban-ghi",
        "@type": "dcat:Distribution",
        "dct:title": vi("Bản ghi tập dữ liệu (JSON)"),
        "dct:description": vi("Bản ghi của tập dữ liệu trong danh mục hợp nhất: đơn vị, mức chia sẻ, tần suất "
                              "cập nhật và các văn bản nguồn (số, trang, bảng, dòng)."),
        "dcat:accessURL": {"@id": record},
        "dct:format": {"@id": FILE_TYPE_JSON},
        "dcat:mediaType": {"@id": MEDIA_TYPE_JSON},
        "dcatap:availability": {"@id": AVAILABILITY_STABLE},
        "dct:license": _licence(),
    }  # fmt: skip


def _licence() -> dict[str, Any]:
    return {"@id": LICENCE, "@type": "dct:LicenseDocument", "dct:type": {"@id": LICENCE_TYPE}}


def dataset_node(dataset: DatasetDetail, base_url: str, publisher: Agency) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": f"{base_url}/v1/catalog/{dataset.id}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.id,
        "dct:title": vi(dataset.title),
        "dct:description": vi(_description(dataset)),
        "dct:language": {"@id": LANGUAGE_VI},
    }
    agencies = agencies_of(dataset)
    # With no unit named, the catalog's publisher is the one making the dataset available.
    lead = agencies[0] if agencies else publisher
    node["dct:publisher"] = agent_node(base_url, lead)
    if agencies[1:]:
        node["dct:contributor"] = [agent_node(base_url, a) for a in agencies[1:]]
    node["dcat:contactPoint"] = _contact(base_url, lead)
    if dataset.frequency:
        node["dct:accrualPeriodicity"] = {"@id": FREQUENCY + dataset.frequency[0]}
    access = access_right(dataset)
    if access:
        node["dct:accessRights"] = {"@id": ACCESS_RIGHT + access}
    node["dct:spatial"] = country_node()
    if dataset.localities:
        node["dct:coverage"] = [locality_node(base_url, place) for place in dataset.localities]
    node["dct:isReferencedBy"] = [{"@id": f"{base_url}/v1/documents/{sha}"} for sha in dataset.document_ids]
    node["dcat:theme"] = [{"@id": f"{DATA_THEME}/{theme}"} for theme in themes_for(dataset)]
    keywords = [d for d in dataset.domains if d] or [dataset.title]
    node["dcat:keyword"] = [vi(word) for word in keywords]
    node["dcat:distribution"] = distribution_node(dataset, base_url)
    return node


def series_node(concept_id: str, title: str, size: int, base_url: str, owner: Agency) -> dict[str, Any]:
    """The concept as a dcat:DatasetSeries (see the module's notes)."""
    return {
        "@id": f"{base_url}/v1/concepts/{concept_id}",
        "@type": "dcat:DatasetSeries",
        "dct:identifier": concept_id,
        "dct:title": vi(title),
        "dct:description": vi(f"Khái niệm dữ liệu “{title}”: {size} tập dữ liệu cùng loại của các đơn vị, địa bàn "
                              "khác nhau trong danh mục hợp nhất."),
        "dct:publisher": agent_node(base_url, owner),
        "dcat:contactPoint": _contact(base_url, owner),
    }  # fmt: skip


def listed_node(dataset: DatasetDetail, base_url: str, owner: Agency, sizes: dict[str, int]) -> dict[str, Any]:
    """A dataset as the catalog lists it: its node, in its concept's series when that concept has two or more."""
    node = dataset_node(dataset, base_url, owner)
    if sizes.get(dataset.concept_id, 0) >= 2:
        node["dcat:inSeries"] = series_node(
            dataset.concept_id, dataset.concept_title, sizes[dataset.concept_id], base_url, owner
        )
    return node


def concept_sizes(datasets: Iterable[DatasetDetail]) -> dict[str, int]:
    """Datasets per concept over the whole catalog (not one page): which concepts are series."""
    sizes: dict[str, int] = {}
    for dataset in datasets:
        if dataset.concept_id:
            sizes[dataset.concept_id] = sizes.get(dataset.concept_id, 0) + 1
    return sizes


def export_iri(base_url: str, page: int | None = None, page_size: int = DEFAULT_PAGE_SIZE) -> str:
    iri = f"{base_url}/v1/export?format=dcat"
    return iri if page is None else f"{iri}&page={page}&page_size={page_size}"


def _view(base_url: str, total: int, page: int, page_size: int) -> dict[str, Any]:
    last = max(1, -(-total // page_size))
    view: dict[str, Any] = {
        "@id": export_iri(base_url, page, page_size),
        "@type": "hydra:PartialCollectionView",
        "hydra:first": {"@id": export_iri(base_url, 1, page_size)},
        "hydra:last": {"@id": export_iri(base_url, last, page_size)},
    }
    if page > 1:
        view["hydra:previous"] = {"@id": export_iri(base_url, min(page - 1, last), page_size)}
    if page < last:
        view["hydra:next"] = {"@id": export_iri(base_url, page + 1, page_size)}
    return view


def catalog_document(
    datasets: Sequence[DatasetDetail],
    *,
    base_url: str,
    publisher: str,
    modified: datetime | None,
    issued: datetime | None = None,
    page: int | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, Any]:
    """The catalog as JSON-LD; with ``page`` (from 1) only that page's datasets and a Hydra view."""
    owner = publisher_agency(publisher)
    shown = datasets if page is None else datasets[(page - 1) * page_size : page * page_size]
    catalog: dict[str, Any] = {
        "@id": export_iri(base_url),
        "@type": "dcat:Catalog",
        "dct:title": [vi("Danh mục dữ liệu hợp nhất"), {"@value": "Unified data catalog", "@language": "en"}],
        "dct:description": [
            vi("Danh mục cơ sở dữ liệu, tập dữ liệu hợp nhất từ các kế hoạch, quyết định của cơ quan nhà nước."),
            {"@value": "Datasets reconciled from Vietnamese government plans and decisions.", "@language": "en"},
        ],
        "dct:publisher": agent_node(base_url, owner),
        # The catalog's listing in the API: a page anyone with read access opens (not the API's /docs).
        "foaf:homepage": {"@id": f"{base_url}/v1/catalog", "@type": "foaf:Document"},
        "dct:language": {"@id": LANGUAGE_VI},
        "dct:license": _licence(),
        "dct:spatial": country_node(),
        "dcat:themeTaxonomy": {"@id": DATA_THEME},
        "dcat:dataset": [],
    }
    if shown:
        sizes = concept_sizes(datasets)
        catalog["dcat:dataset"] = [listed_node(d, base_url, owner, sizes) for d in shown]
    if issued is not None:
        catalog["dct:issued"] = {"@value": issued.isoformat(), "@type": "xsd:dateTime"}
    if modified is not None:
        catalog["dct:modified"] = {"@value": modified.isoformat(), "@type": "xsd:dateTime"}
    if page is not None:
        catalog["@type"] = ["dcat:Catalog", "hydra:Collection"]
        catalog["hydra:totalItems"] = {"@value": len(datasets), "@type": "xsd:nonNegativeInteger"}
        catalog["hydra:view"] = _view(base_url, len(datasets), page, page_size)
    return {"@context": CONTEXT, **catalog}


RDF_FORMATS = {"json-ld": "application/ld+json", "turtle": "text/turtle", "xml": "application/rdf+xml"}


def serialise(document: dict[str, Any], rdf_format: str = "json-ld") -> bytes:
    """JSON-LD as built (compact, stable); Turtle or RDF/XML through rdflib, with the same triples."""
    text = json.dumps(document, ensure_ascii=False)
    if rdf_format == "json-ld":
        return text.encode("utf-8")
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in CONTEXT.items():
        graph.bind(prefix, namespace)
    graph.parse(data=text, format="json-ld")
    if rdf_format == "turtle":  # rdflib sorts Turtle itself
        return graph.serialize(format=rdf_format, encoding="utf-8")
    # rdflib writes RDF/XML subjects in the store's order, which hashing perturbs: sorted subjects
    # give the same bytes in every process, so the CLI's file and the server's answer compare equal.
    ordered = _sorted_graph_class()()
    for prefix, namespace in CONTEXT.items():
        ordered.bind(prefix, namespace)
    ordered += graph
    return ordered.serialize(format=rdf_format, encoding="utf-8")


def _sorted_graph_class() -> type:
    from rdflib import Graph

    class SortedGraph(Graph):
        def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002
            found = super().subjects(predicate, object, unique)
            if predicate is None and object is None:
                return iter(sorted(set(found), key=str))
            return found

        def predicate_objects(self, subject=None, unique=False):
            return iter(sorted(super().predicate_objects(subject, unique), key=lambda po: (str(po[0]), po[1].n3())))

    return SortedGraph


# Datasets whose triples a Turtle chunk's graph holds at once (a streamed whole-catalog export).
TURTLE_CHUNK = 200


def write_catalog(out: IO[bytes], datasets: Sequence[DatasetDetail], *, base_url: str, publisher: str,
                  modified: datetime | None, issued: datetime | None, rdf_format: str) -> None:  # fmt: skip
    """The whole catalog (no page) written as its datasets are read, never all held: memory follows a chunk.

    JSON-LD: the bytes of ``serialise(catalog_document(...))``, the catalog's fields around its datasets' nodes
    written one by one. Turtle and RDF/XML: the catalog, then chunks of ``TURTLE_CHUNK`` datasets, each chunk's
    graph serialised alone: in Turtle with its own prefixes (Turtle allows ``@prefix`` anywhere), in RDF/XML its
    descriptions inside one ``rdf:RDF`` element declaring every namespace of the context. The same graph as one
    serialised whole, in other bytes. Two passes over ``datasets``: the concept sizes (which concepts are series)
    and the nodes.
    """
    head = catalog_document((), base_url=base_url, publisher=publisher, modified=modified, issued=issued)
    owner = publisher_agency(publisher)
    sizes = concept_sizes(datasets)
    nodes = (listed_node(dataset, base_url, owner, sizes) for dataset in datasets)
    if rdf_format == "json-ld":
        text = json.dumps(head, ensure_ascii=False)
        marker = '"dcat:dataset": []'
        if text.count(marker) != 1:  # the catalog's other fields (titles, publisher) would have to print it
            raise ValueError(f"the catalog's JSON-LD holds {marker!r} {text.count(marker)} times, not once")
        before, after = text.split(marker)
        out.write(f'{before}"dcat:dataset": ['.encode())
        for number, node in enumerate(nodes):
            out.write(((", " if number else "") + json.dumps(node, ensure_ascii=False)).encode())
        out.write(f"]{after}".encode())
        return
    xml = rdf_format == "xml"
    if xml:
        out.write(_XML_OPEN)
    out.write(_xml_body(serialise(head, "xml")) if xml else serialise(head, rdf_format))
    catalog_iri = head["@id"]
    chunk: list[dict[str, Any]] = []
    for item in chain(nodes, [None]):
        if item is not None:
            chunk.append(item)
        if chunk and (item is None or len(chunk) == TURTLE_CHUNK):
            listed = {"@id": catalog_iri, "dcat:dataset": [{"@id": member["@id"]} for member in chunk]}
            body = serialise({"@context": CONTEXT, "@graph": [listed, *chunk]}, rdf_format)
            out.write(_xml_body(body) if xml else b"\n" + body)
            chunk = []
    if xml:
        out.write(b"</rdf:RDF>\n")


# Every namespace the streamed rdf:RDF element declares, and so the only ones a chunk may declare.
_NAMESPACES = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", **CONTEXT}
_XML_OPEN = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF\n'
    + "".join(f'   xmlns:{prefix}="{iri}"\n' for prefix, iri in _NAMESPACES.items())
    + ">\n"
).encode()
_DECLARABLE = {prefix.encode(): iri.encode() for prefix, iri in _NAMESPACES.items()}


def _xml_body(document: bytes) -> bytes:
    """The descriptions of one serialised RDF/XML document, to go inside the streamed ``rdf:RDF`` element; its
    namespace declarations must be those the element makes (rdflib declares the prefixes bound from the context)."""
    start = document.index(b"<rdf:RDF")
    opened = document.index(b">", start) + 1
    declared = dict(re.findall(rb'xmlns(?::([\w.-]+))?="([^"]*)"', document[start:opened]))
    if any(_DECLARABLE.get(prefix) != iri for prefix, iri in declared.items()):
        raise ValueError(f"RDF/XML chunk declares namespaces outside the context: {declared!r}")
    return document[opened : document.rindex(b"</rdf:RDF>")].strip(b"\n") + b"\n"


def to_jsonld(datasets: Sequence[DatasetDetail], *, base_url: str, publisher: str, modified: datetime | None) -> bytes:
    document = catalog_document(datasets, base_url=base_url, publisher=publisher, modified=modified)
    return serialise(document)
