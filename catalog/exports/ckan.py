"""The unified catalog for CKAN: organisations and packages, as ``ckanapi load`` reads them.

``ckanapi load organizations -I organizations.jsonl``, ``ckanapi load groups -I groups.jsonl``, then
``ckanapi load datasets -I datasets.jsonl``: each line is one JSON object handed to
``organization_create`` / ``group_create`` / ``package_create`` (or ``*_update`` when a record of
that ``name`` exists, so loading again updates rather than duplicates). Hence:

- one organisation per agency (canonical unit + locality, ``agencies.py``), loaded first, so every
  package's ``owner_org`` exists; the other units of a multi-unit cell go to the ``co_units`` extra;
- one CKAN group per dataset concept holding two or more datasets (the same kind of data kept by
  several publishers, docs/concepts.md), named from the concept id (``cc-<hash>`` →
  ``khai-niem-<hash>``) and titled with the harmonised title; each member package lists it in
  ``groups``, and every package carries ``concept_id``/``concept_title`` extras. A group, not an
  organisation: a concept owns nothing, it gathers packages of many organisations, which is what
  CKAN groups are for;
- package names derived from the dataset id only (``ds-<hash>`` → ``danhmuc-<hash>``): a reviewer
  renaming a dataset changes its title, never its URL in the portal;
- ``private`` for datasets whose sharing level is internal or restricted (CKAN then shows them to
  the organisation's members only);
- ``license_id``: ``other-open`` for open data, ``other-closed`` otherwise — CKAN's default
  licence list has no Vietnamese open-data licence, and Decree 47/2020 names sharing levels, not a
  licence, so the generic ids state what is known without inventing terms of use;
- a resource per dataset (its record in the API, JSON) and one per source document (the original
  file); no ``spatial`` extra, which ckanext-spatial parses as GeoJSON: the place names go to
  ``spatial_text``.

``to_zip`` packs the three files for ``GET /v1/export?format=ckan``; ``danhmuc export --format ckan``
writes the same three files into a directory (or the same ZIP when ``--out`` ends in ``.zip``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from pydantic import BaseModel

from catalog.exports.agencies import Agency, agencies_of, slug
from catalog.exports.dcat import ACCESS_BY_SHARING
from catalog.exports.view import DatasetDetail

ORGANIZATIONS_FILE = "organizations.jsonl"
GROUPS_FILE = "groups.jsonl"
DATASETS_FILE = "datasets.jsonl"
NO_UNIT = "khong-ro-don-vi"  # the organisation of datasets no member names a unit for
PRIVATE_SHARING = frozenset({"internal", "restricted"})
OPEN_LICENSE, CLOSED_LICENSE = "other-open", "other-closed"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same catalog gives the same bytes


class Extra(BaseModel):
    key: str
    value: str


class Tag(BaseModel):
    name: str


class Resource(BaseModel):
    name: str
    url: str
    format: str
    description: str = ""


class CkanOrganization(BaseModel):
    name: str
    title: str
    description: str
    extras: list[Extra]


class CkanGroup(BaseModel):
    name: str
    title: str
    description: str
    extras: list[Extra]


class GroupRef(BaseModel):
    name: str


class CkanPackage(BaseModel):
    name: str
    title: str
    notes: str
    owner_org: str
    private: bool
    license_id: str
    tags: list[Tag]
    resources: list[Resource]
    extras: list[Extra]
    groups: list[GroupRef] = []


def package_name(dataset_id: str) -> str:
    """``ds-94c8b7c3ab6454bf`` → ``danhmuc-94c8b7c3ab6454bf``: from the id, never from the title."""
    return "danhmuc-" + slug(dataset_id.removeprefix("ds-"))


def group_name(concept_id: str) -> str:
    """``cc-94c8b7c3ab6454bf`` → ``khai-niem-94c8b7c3ab6454bf``."""
    return "khai-niem-" + slug(concept_id.removeprefix("cc-"))


def groups_for(datasets: Iterable[DatasetDetail]) -> list[CkanGroup]:
    """One group per concept of two or more datasets, in order of first appearance."""
    seen: dict[str, tuple[str, int]] = {}  # concept id → (title of its first dataset, datasets): not the datasets
    for dataset in datasets:
        if dataset.concept_id:
            title, count = seen.get(dataset.concept_id, (dataset.concept_title, 0))
            seen[dataset.concept_id] = (title, count + 1)
    return [
        CkanGroup(
            name=group_name(concept_id), title=title,
            description=f"Khái niệm dữ liệu “{title}”: {count} tập dữ liệu cùng loại của các "
                        "đơn vị, địa bàn khác nhau / a dataset concept kept by several publishers.",
            extras=[Extra(key="concept_id", value=concept_id), Extra(key="dataset_count", value=str(count))],
        )
        for concept_id, (title, count) in seen.items()
        if count >= 2
    ]  # fmt: skip


def organization_for(agency: Agency) -> CkanOrganization:
    extras = {"unit_id": agency.unit_id, "unit_name": agency.unit_name, "locality": agency.locality,
              "publisher_type": agency.publisher_type, "resolved": "true" if agency.resolved else "false"}  # fmt: skip
    description = f"{agency.title} — đơn vị quản lý dữ liệu trong danh mục hợp nhất / data-holding agency."
    return CkanOrganization(name=agency.name, title=agency.title, description=description,
                            extras=[Extra(key=k, value=v) for k, v in extras.items() if v])  # fmt: skip


UNKNOWN_ORGANIZATION = CkanOrganization(
    name=NO_UNIT, title="Chưa rõ đơn vị quản lý",
    description="Tập dữ liệu mà văn bản nguồn không ghi đơn vị quản lý / datasets whose source names no unit.",
    extras=[],
)  # fmt: skip


def is_private(dataset: DatasetDetail) -> bool:
    return any(level in PRIVATE_SHARING for level in dataset.sharing)


def _extension(source: str) -> str:
    suffix = Path(source).suffix.lstrip(".").upper()
    return suffix if suffix.isalnum() else ""


def resources_for(dataset: DatasetDetail, base_url: str) -> list[Resource]:
    record = Resource(
        name="Bản ghi tập dữ liệu (JSON)", url=f"{base_url}/v1/catalog/{dataset.id}", format="JSON",
        description="Bản ghi của tập dữ liệu trong danh mục hợp nhất, với các văn bản nguồn / the dataset's record.",
    )  # fmt: skip
    documents = {member.document_id: member for member in dataset.members}
    files = [
        Resource(
            name=member.document_title or member.document or sha, url=f"{base_url}/v1/documents/{sha}/file",
            format=_extension(member.document),
            description=" ".join(part for part in ("Văn bản nguồn", member.document_number, member.document) if part),
        )
        for sha, member in documents.items()
    ]  # fmt: skip
    return [record, *files]


def package_for(dataset: DatasetDetail, base_url: str, groups: frozenset[str] = frozenset()) -> CkanPackage:
    """The package of a dataset; ``groups``: the group names exported (its concept's, when a group)."""
    agencies = agencies_of(dataset)
    owner = agencies[0].name if agencies else NO_UNIT
    extras = {
        "dataset_id": dataset.id,
        "uri": f"{base_url}/v1/catalog/{dataset.id}",
        "managing_unit": dataset.unit,
        "co_units": "; ".join(a.title for a in agencies[1:]),
        "co_unit_orgs": " ".join(a.name for a in agencies[1:]),
        "sharing": ", ".join(dataset.sharing),
        "sharing_label": "; ".join(dataset.sharing_labels),
        "access_rights": ", ".join(dict.fromkeys(ACCESS_BY_SHARING[s] for s in dataset.sharing
                                                 if s in ACCESS_BY_SHARING)),
        "frequency": ", ".join(dataset.frequency),
        "domains": "; ".join(dataset.domains),
        "spatial_text": "; ".join(dataset.localities),
        "source_documents": " ".join(f"{base_url}/v1/documents/{sha}" for sha in dataset.document_ids),
        "member_count": str(dataset.member_count),
        "concept_id": dataset.concept_id,
        "concept_title": dataset.concept_title,
    }  # fmt: skip
    group = group_name(dataset.concept_id) if dataset.concept_id else ""
    tags = [Tag(name=t) for t in dict.fromkeys(slug(d) for d in dataset.domains) if len(t) >= 2]
    return CkanPackage(
        name=package_name(dataset.id), title=dataset.title, notes=dataset.description, owner_org=owner,
        private=is_private(dataset), license_id=CLOSED_LICENSE if is_private(dataset) or "open" not in dataset.sharing
        else OPEN_LICENSE,
        tags=tags, resources=resources_for(dataset, base_url),
        extras=[Extra(key=k, value=v) for k, v in extras.items() if v],
        groups=[GroupRef(name=group)] if group in groups else [],
    )  # fmt: skip


def organizations_for(datasets: Iterable[DatasetDetail]) -> list[CkanOrganization]:
    """Every agency named by a dataset (owners and co-units), in order of first appearance."""
    found: dict[str, CkanOrganization] = {}
    for dataset in datasets:
        agencies = agencies_of(dataset)
        if not agencies:
            found.setdefault(NO_UNIT, UNKNOWN_ORGANIZATION)
        for agency in agencies:
            if agency.name not in found:
                found[agency.name] = organization_for(agency)
    return list(found.values())


def _jsonl_lines(records: Iterable[BaseModel]) -> Iterator[bytes]:
    for record in records:
        line = json.dumps(record.model_dump(), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        yield (line + "\n").encode("utf-8")


def ckan_parts(datasets: Sequence[DatasetDetail], base_url: str) -> list[tuple[str, Iterator[bytes]]]:
    """The three files ``ckanapi load`` reads, in loading order (organisations and groups before the packages
    that name them), each as its lines: the packages are made as they are written, never all held."""
    groups = groups_for(datasets)
    names = frozenset(g.name for g in groups)
    return [
        (ORGANIZATIONS_FILE, _jsonl_lines(organizations_for(datasets))),
        (GROUPS_FILE, _jsonl_lines(groups)),
        (DATASETS_FILE, _jsonl_lines(package_for(d, base_url, names) for d in datasets)),
    ]


def ckan_files(datasets: Sequence[DatasetDetail], base_url: str) -> dict[str, bytes]:
    """``ckan_parts`` as whole files, by file name."""
    return {name: b"".join(lines) for name, lines in ckan_parts(datasets, base_url)}


def write_zip(parts: Iterable[tuple[str, Iterable[bytes]]], out: IO[bytes], *, large: bool = False) -> None:
    """The files into a ZIP written to ``out`` (seekable) as their lines come. ``large``: sizes past 2 GiB allowed
    (ZIP64 headers; a catalog of tens of thousands of datasets)."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, lines in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=large) as member:
                for line in lines:
                    member.write(line)


def to_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    write_zip(((name, [data]) for name, data in files.items()), out)
    return out.getvalue()
