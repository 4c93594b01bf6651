"""CKAN export: records ``ckanapi load`` can create, with names that survive a reviewer's edits.

``ckanapi load organizations|datasets -I FILE`` (ckanapi 4.11, ``cli/load.py``) reads one JSON
object per line and hands it to ``organization_create`` / ``package_create`` — or ``*_update``
when a record with that ``name`` exists. CKAN itself is not installed here, so the records are
checked against CKAN's documented validators: names of 2–100 characters in ``[a-z0-9_-]``, an
``owner_org`` that exists (loaded first), tags of ``[\\w .-]``, extras that do not shadow core
fields, ``private`` only with an owner.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from live_server import SyntheticEntry, seed_catalog

from catalog.exports import ExportFormat, render
from catalog.exports.ckan import DATASETS_FILE, GROUPS_FILE, ORGANIZATIONS_FILE, ckan_files, package_for
from catalog.exports.view import export_datasets
from catalog.store import CatalogStore
from matching.model import SetCanonical

BASE = "https://danhmuc.example.gov.vn"
NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG = re.compile(r"^[\w .-]{2,100}$")
CORE_FIELDS = {"name", "title", "notes", "owner_org", "private", "license_id", "tags", "resources", "extras",
               "url", "version", "author", "maintainer", "state", "type", "groups", "id"}  # fmt: skip
ENTRIES = [
    SyntheticEntry("Dữ liệu khám chữa bệnh", "Sở Y tế", "Y tế", "open", "Mở", ("ANNUAL",), "Hằng năm", "tỉnh Hà Tĩnh"),
    SyntheticEntry("Dữ liệu cán bộ", "Sở Nội vụ", "Nội vụ", "internal", "Nội bộ", (), "", "tỉnh Hà Tĩnh"),
    SyntheticEntry("Dữ liệu an ninh", "Công an tỉnh", "An ninh", "restricted", "Mật", (), "", "tỉnh Hưng Yên"),
    SyntheticEntry("Dữ liệu giá", "Sở Tài chính", "Tài chính", "on_request", "Theo yêu cầu", (), "", "tỉnh Hưng Yên"),
]  # fmt: skip


def check_records(files: dict[str, bytes]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The three files as ``ckanapi load`` reads them, checked against CKAN's rules."""
    assert list(files) == [ORGANIZATIONS_FILE, GROUPS_FILE, DATASETS_FILE]
    groups = [json.loads(line) for line in files[GROUPS_FILE].decode("utf-8").splitlines()]
    group_names = [g["name"] for g in groups]
    assert len(group_names) == len(set(group_names)) and all(NAME.match(n) for n in group_names)
    assert all(g["title"] for g in groups)
    organizations = [json.loads(line) for line in files[ORGANIZATIONS_FILE].decode("utf-8").splitlines()]
    packages = [json.loads(line) for line in files[DATASETS_FILE].decode("utf-8").splitlines()]
    names = [o["name"] for o in organizations]
    assert len(names) == len(set(names)) and all(NAME.match(n) for n in names)
    assert all(o["title"] for o in organizations)
    assert len({p["name"] for p in packages}) == len(packages)
    for package in packages:
        assert NAME.match(package["name"]) and package["owner_org"] in names
        assert isinstance(package["private"], bool) and package["license_id"] in {"other-open", "other-closed"}
        assert all(TAG.match(t["name"]) for t in package["tags"])
        keys = [e["key"] for e in package["extras"]]
        assert len(keys) == len(set(keys)) and not set(keys) & CORE_FIELDS and "spatial" not in keys
        assert package["resources"] and all(r["url"].startswith(BASE + "/v1/") for r in package["resources"])
        assert all(g["name"] in group_names for g in package["groups"])  # loaded before the packages
    return organizations, packages


@pytest.fixture()
def store(tmp_path: Path) -> Any:
    with CatalogStore(f"sqlite:///{tmp_path}/ckan.db") as opened:
        seed_catalog(opened, ENTRIES)
        opened.reconcile()
        yield opened


def test_private_licence_and_resources(store: CatalogStore) -> None:
    datasets = export_datasets(store)
    _organizations, packages = check_records(ckan_files(datasets, BASE))
    by_title = {p["title"]: p for p in packages}
    assert not by_title["Dữ liệu khám chữa bệnh"]["private"]
    assert by_title["Dữ liệu khám chữa bệnh"]["license_id"] == "other-open"
    assert by_title["Dữ liệu cán bộ"]["private"] and by_title["Dữ liệu an ninh"]["private"]  # internal, restricted
    assert not by_title["Dữ liệu giá"]["private"] and by_title["Dữ liệu giá"]["license_id"] == "other-closed"
    dataset = datasets[0]
    resources = by_title[dataset.title]["resources"]
    assert resources[0]["url"] == f"{BASE}/v1/catalog/{dataset.id}" and resources[0]["format"] == "JSON"
    assert [r["url"] for r in resources[1:]] == [f"{BASE}/v1/documents/{sha}/file" for sha in dataset.document_ids]


def test_name_survives_a_reviewer_renaming(store: CatalogStore) -> None:
    before = {p.name: p for p in (package_for(d, BASE) for d in export_datasets(store))}
    target = next(d for d in export_datasets(store) if d.title == "Dữ liệu khám chữa bệnh")
    store.add_decision(SetCanonical(dataset_id=target.id, title="Cơ sở dữ liệu khám bệnh, chữa bệnh",
                                    unit="Sở Nội vụ", who="reviewer", when=datetime.now(UTC)))  # fmt: skip
    store.reconcile()
    renamed = next(d for d in export_datasets(store) if d.id == target.id)
    assert renamed.title == "Cơ sở dữ liệu khám bệnh, chữa bệnh"
    after = package_for(renamed, BASE)
    assert after.name in before and before[after.name].title == "Dữ liệu khám chữa bệnh"  # same URL in CKAN
    # The reviewer moved it to another unit: it is owned by that unit of the same province.
    assert after.owner_org == "so_noivu-tinh-ha-tinh" and before[after.name].owner_org != after.owner_org


def test_api_bundle_is_the_two_files(store: CatalogStore) -> None:
    datasets = export_datasets(store)
    bundle = render(ExportFormat.CKAN, datasets, base_url=BASE, publisher="", modified=None)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        assert archive.namelist() == [ORGANIZATIONS_FILE, GROUPS_FILE, DATASETS_FILE]
        assert {n: archive.read(n) for n in archive.namelist()} == ckan_files(datasets, BASE)
    assert bundle == render(ExportFormat.CKAN, datasets, base_url=BASE, publisher="", modified=None)
