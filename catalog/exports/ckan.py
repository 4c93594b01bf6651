"""The unified catalog as CKAN ``package_create`` payloads, one per dataset.

CKAN names must be 2–100 characters of lowercase ASCII letters, digits, '-' and '_', so titles
are folded to ASCII and the dataset id's hash keeps two datasets with the same title apart.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from catalog.exports.dcat import ACCESS_BY_SHARING
from catalog.exports.view import DatasetDetail, fold

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, max_length: int = 100) -> str:
    cleaned = _NOT_SLUG.sub("-", fold(text)).strip("-")
    return cleaned[:max_length].rstrip("-")


class Extra(BaseModel):
    key: str
    value: str


class Tag(BaseModel):
    name: str


class CkanPackage(BaseModel):
    name: str
    title: str
    notes: str
    owner_org: str
    tags: list[Tag]
    extras: list[Extra]


def package_for(dataset: DatasetDetail, base_url: str) -> CkanPackage:
    suffix = dataset.id.removeprefix("ds-")[:8]
    name = f"{slug(dataset.title, max_length=90) or 'dataset'}-{suffix}"
    extras = {
        "dataset_id": dataset.id,
        "uri": f"{base_url}/v1/catalog/{dataset.id}",
        "managing_unit": dataset.unit,
        "sharing": ", ".join(dataset.sharing),
        "sharing_label": "; ".join(dataset.sharing_labels),
        "access_rights": ", ".join(dict.fromkeys(ACCESS_BY_SHARING[s] for s in dataset.sharing
                                                 if s in ACCESS_BY_SHARING)),
        "frequency": ", ".join(dataset.frequency),
        "domains": "; ".join(dataset.domains),
        "spatial": "; ".join(dataset.localities),
        "source_documents": " ".join(f"{base_url}/v1/documents/{sha}" for sha in dataset.document_ids),
        "member_count": str(dataset.member_count),
    }  # fmt: skip
    tags = [Tag(name=t) for t in dict.fromkeys(slug(d, max_length=100) for d in dataset.domains) if len(t) >= 2]
    return CkanPackage(
        name=name,
        title=dataset.title,
        notes=dataset.description,
        owner_org=slug(dataset.unit) or "khong-ro-don-vi",
        tags=tags,
        extras=[Extra(key=k, value=v) for k, v in extras.items() if v],
    )


def to_json(datasets: list[DatasetDetail], base_url: str) -> bytes:
    """A JSON array of the payloads, compact, as the API has always sent it."""
    packages = [package_for(d, base_url).model_dump() for d in datasets]
    return json.dumps(packages, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
