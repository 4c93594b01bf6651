"""Catalog exports: `danhmuc export` in every format, and the same bytes from `GET /v1/export`.

The store is built from the corpus files (extracted, stored, reconciled), and the API side is the
real server in a subprocess reading that same store.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import running_server
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from api.catalog_view import CatalogView
from catalog import CatalogStore
from catalog.exports import ExportFormat
from catalog.exports.csv import COLUMNS
from catalog.exports.view import DatasetDetail, export_datasets
from catalog.exports.xlsx import HEADERS, SHEET
from danhmuc.cli import app
from danhmuc.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "corpus" / "docs" / f"{path.stem}.txt" for path in sorted((ROOT / "corpus" / "gold").glob("*.json"))]
BASE = "https://danhmuc.example.gov.vn"
PUBLISHER = "Sở Khoa học và Công nghệ"
HOSTILE = "=1+1<script>alert(1)</script>"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('exports')}/store.db"
    documents = [process_file(path) for path in DOCS]
    first = next(d for d in documents if d.catalog)
    # Text from a document that a spreadsheet would run as a formula must come out as text.
    entry = first.catalog[0].model_copy(update={"title": HOSTILE})
    documents[documents.index(first)] = first.model_copy(update={"catalog": [entry, *first.catalog[1:]]})
    with CatalogStore(url) as store:
        for document in documents:
            store.add_document(document)
        store.reconcile()
    return url


@pytest.fixture(scope="module")
def datasets(database: str) -> list[DatasetDetail]:
    with CatalogStore(database) as store:
        return export_datasets(store)


@pytest.fixture(scope="module")
def cli_files(database: str, tmp_path_factory: pytest.TempPathFactory) -> dict[ExportFormat, bytes]:
    """Every format as written by `danhmuc export`, IRIs and publisher taken from the server's variables."""
    folder = tmp_path_factory.mktemp("cli")
    env = {"DATABASE_URL": database, "DANHMUC_PUBLIC_URL": BASE, "DANHMUC_PUBLISHER": PUBLISHER}
    written: dict[ExportFormat, bytes] = {}
    for fmt in ExportFormat:
        out = folder / "sub" / (f"catalog.{fmt.value}" if fmt is not ExportFormat.CKAN else "ckan.zip")
        result = CliRunner().invoke(app, ["export", "--format", fmt.value, "--out", str(out)], env=env)
        assert result.exit_code == 0, result.output
        assert str(out) in result.output
        written[fmt] = out.read_bytes()
    refused = CliRunner().invoke(app, ["export", "--format", "rdf", "--out", str(folder / "x")], env=env)
    assert refused.exit_code != 0 and not (folder / "x").exists()
    return written


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())  # Excel needs the BOM to read the accents
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


def _sheet_rows(body: bytes) -> tuple[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(body))
    sheet = book.active
    assert sheet is not None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # For people: the header stays in view and filters, and columns are wide enough to read.
    last = get_column_letter(len(COLUMNS))
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
    assert sheet.column_dimensions["B"].width >= 40 and all(cell.font.b for cell in sheet[1])
    return sheet.title, [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_in_memory_catalog_reads_datasets_as_the_export(database: str, datasets: list[DatasetDetail]) -> None:
    with CatalogStore(database) as store:
        assert CatalogView(store).details() == datasets
    assert datasets and all(d.member_count == len(d.members) for d in datasets)


def test_cli_csv_and_xlsx_rows(
    database: str, cli_files: dict[ExportFormat, bytes], datasets: list[DatasetDetail]
) -> None:
    table = _csv_rows(cli_files[ExportFormat.CSV])
    assert tuple(table[0]) == COLUMNS
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in table[1:]]
    assert [r["id"] for r in rows] == [d.id for d in datasets]
    with CatalogStore(database) as store:
        assert sum(int(r["member_count"]) for r in rows) == len(store.entry_keys())
    for row, dataset in zip(rows, datasets, strict=True):
        assert int(row["member_count"]) == len(dataset.members)
        assert row["members"].count(" | ") == len(dataset.members) - 1
        for member in dataset.members:  # every member with its document and place in it
            assert member.document in row["members"] and member.document in row["documents"]
            if member.provenance.row is not None:
                assert f"dòng {member.provenance.row}" in row["members"]
    # CSV injection: the hostile title comes out with an apostrophe, and no cell starts as a formula would.
    assert any(r["title"] == "'" + HOSTILE for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in table for cell in row)
    # Each dataset names its concept; two provinces' driving-licence lists are one concept.
    assert all(r["concept_id"].startswith("cc-") and r["concept_title"] for r in rows)
    licences = {r["concept_id"] for r in rows if "giấy phép lái xe" in r["title"].lower()}
    assert len(licences) == 1 and sum(r["concept_id"] in licences for r in rows) >= 2

    title, sheet = _sheet_rows(cli_files[ExportFormat.XLSX])
    assert title == SHEET == "Danh mục dữ liệu"
    assert sheet[0] == tuple(HEADERS[c][0] for c in COLUMNS) and sheet[0][:2] == ("Mã tập dữ liệu",
                                                                                   "Tên cơ sở dữ liệu / tập dữ liệu")
    assert len(sheet) == len(rows) + 1
    assert [row[0] for row in sheet[1:]] == [r["id"] for r in rows]
    counts = COLUMNS.index("member_count"), COLUMNS.index("document_count")
    assert all(isinstance(row[i], int) for row in sheet[1:] for i in counts)  # numbers, not text
    assert [row[counts[0]] for row in sheet[1:]] == [int(r["member_count"]) for r in rows]
    assert any(HOSTILE in str(value) for row in sheet for value in row)
    assert not any(str(value).startswith("=") for row in sheet for value in row)


def test_cli_jsonl_keeps_provenance(cli_files: dict[ExportFormat, bytes], datasets: list[DatasetDetail]) -> None:
    lines = cli_files[ExportFormat.JSONL].decode("utf-8").splitlines()
    assert [DatasetDetail.model_validate_json(line) for line in lines] == datasets
    member = json.loads(lines[0])["members"][0]
    assert member["document"] and member["document_id"]
    assert {"file", "page", "table", "row", "line"} <= set(member["provenance"])


def test_cli_dcat_conforms(cli_files: dict[ExportFormat, bytes], datasets: list[DatasetDetail]) -> None:
    document = json.loads(cli_files[ExportFormat.DCAT])
    assert document["@type"] == "dcat:Catalog" and document["@id"] == f"{BASE}/v1/export?format=dcat"
    assert document["dct:publisher"]["foaf:name"]["@value"].startswith(PUBLISHER)
    assert "dct:modified" in document and "dct:issued" in document  # the store's reconciliations
    nodes = document["dcat:dataset"]
    assert [node["dct:identifier"] for node in nodes] == [d.id for d in datasets]
    assert all(node["@id"] == f"{BASE}/v1/catalog/{node['dct:identifier']}" for node in nodes)
    # Two provinces' Sở Y tế are two publishers.
    publishers = {n["dct:publisher"]["@id"] for n in nodes}
    health = {iri for iri in publishers if iri.rsplit("/", 1)[-1].startswith("so_yte-")}
    assert health == {f"{BASE}/id/don-vi/so_yte-tinh-ha-tinh", f"{BASE}/id/don-vi/so_yte-tinh-hung-yen"}
    pytest.importorskip("pyshacl")
    from dcat_shapes import STANDARDS, describe, residual_only, validate
    from rdflib import Graph

    if not STANDARDS.is_dir():
        pytest.skip(f"official DCAT-AP shapes not found at {STANDARDS} (shared/ beside the checkout)")
    results = validate(Graph().parse(data=cli_files[ExportFormat.DCAT_TTL], format="turtle"))
    series = {n["dcat:inSeries"]["@id"] for n in nodes if "dcat:inSeries" in n}
    assert series and all(iri.startswith(f"{BASE}/v1/concepts/cc-") for iri in series)  # corpus concepts
    assert residual_only(results, datasets=len(datasets), series=len(series)), describe(results)


def _ckan(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_cli_ckan_records(
    database: str, cli_files: dict[ExportFormat, bytes], datasets: list[DatasetDetail], tmp_path: Path
) -> None:
    from test_ckan import check_records

    env = {"DATABASE_URL": database, "DANHMUC_PUBLIC_URL": BASE}
    result = CliRunner().invoke(app, ["export", "--format", "ckan", "--out", str(tmp_path / "ckan")], env=env)
    assert result.exit_code == 0, result.output
    files = {path.name: path.read_bytes() for path in sorted((tmp_path / "ckan").iterdir())}
    assert files == _ckan(cli_files[ExportFormat.CKAN])  # the folder holds the ZIP's three files
    organizations, packages = check_records(_ckan(cli_files[ExportFormat.CKAN]))
    # A concept of several datasets is a group its packages name: the two provinces' driving licences.
    grouped = [p for p in packages if p["groups"]]
    licences = [p for p in grouped if "giấy phép lái xe" in p["title"].lower()]
    assert len(licences) >= 2 and len({p["groups"][0]["name"] for p in licences}) == 1
    assert all(any(e["key"] == "concept_id" for e in p["extras"]) for p in packages)
    assert [p["extras"][0]["value"] for p in packages] == [d.id for d in datasets]  # dataset_id first
    orgs = {o["name"]: {e["key"]: e["value"] for e in o["extras"]} for o in organizations}
    # One organisation per unit and locality: Hà Tĩnh's and Hưng Yên's Sở Y tế are two.
    assert {name for name, extras in orgs.items() if extras.get("unit_id", "").startswith("so_yte@")} == {
        "so_yte-tinh-ha-tinh", "so_yte-tinh-hung-yen"}
    by_id = {d.id: d for d in datasets}
    for package in packages:
        extras = {e["key"]: e["value"] for e in package["extras"]}
        dataset = by_id[extras["dataset_id"]]
        assert package["private"] == bool({"internal", "restricted"} & set(dataset.sharing))
        assert package["name"] == "danhmuc-" + dataset.id.removeprefix("ds-")
    assert sum(p["private"] for p in packages) == sum(1 for d in datasets if "internal" in d.sharing) > 0
    # A cell naming two units: the first owns the package, the other is a co-unit.
    shared = [p for p in packages if any(e["key"] == "co_unit_orgs" for e in p["extras"])]
    assert shared
    for package in shared:
        extras = {e["key"]: e["value"] for e in package["extras"]}
        assert package["owner_org"] not in extras["co_unit_orgs"].split()
        assert all(name in orgs for name in extras["co_unit_orgs"].split())
    building = next(p for p in packages if {e["key"]: e["value"] for e in p["extras"]}.get("managing_unit")
                    == "- Sở Xây dựng; - UBND cấp huyện")  # fmt: skip
    assert building["owner_org"] == "so_xaydung-tinh-hung-yen"


def test_api_and_cli_give_the_same_export(
    database: str, cli_files: dict[ExportFormat, bytes], tmp_path: Path
) -> None:
    with (
        running_server(database, tmp_path, anonymous_reads="1", public_url=BASE, publisher=PUBLISHER) as base,
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        served = {}
        for fmt in ExportFormat:
            response = client.get("/v1/export", params={"format": fmt.value})
            assert response.status_code == 200, response.text
            served[fmt] = response.content
        negotiated = {
            accept: client.get("/v1/export", params={"format": "dcat"}, headers={"Accept": accept})
            for accept in ("text/turtle", "application/rdf+xml;q=0.9, text/turtle;q=0.5", "application/ld+json")
        }
        paged = client.get("/v1/export", params={"format": "dcat", "page": 2, "page_size": 50})
        beyond = client.get("/v1/export", params={"format": "dcat", "page": 99, "page_size": 50})
    assert _csv_rows(served[ExportFormat.CSV]) == _csv_rows(cli_files[ExportFormat.CSV])
    assert json.loads(served[ExportFormat.DCAT]) == json.loads(cli_files[ExportFormat.DCAT])
    assert _ckan(served[ExportFormat.CKAN]) == _ckan(cli_files[ExportFormat.CKAN])
    assert served[ExportFormat.JSONL] == cli_files[ExportFormat.JSONL]
    assert _sheet_rows(served[ExportFormat.XLSX]) == _sheet_rows(cli_files[ExportFormat.XLSX])
    for fmt in (ExportFormat.CSV, ExportFormat.DCAT, ExportFormat.DCAT_TTL, ExportFormat.DCAT_RDF, ExportFormat.CKAN):
        assert served[fmt] == cli_files[fmt]  # byte for byte, not only the same values
    # format=dcat answers in the syntax the client prefers.
    turtle, rdfxml, jsonld = negotiated.values()
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert turtle.content == cli_files[ExportFormat.DCAT_TTL]
    assert rdfxml.headers["content-type"] == "application/rdf+xml"
    assert rdfxml.content == cli_files[ExportFormat.DCAT_RDF]
    assert jsonld.content == cli_files[ExportFormat.DCAT] and jsonld.headers["vary"] == "Accept"
    page = paged.json()
    assert paged.status_code == 200 and page["hydra:view"]["@id"].endswith("page=2&page_size=50")
    whole = json.loads(cli_files[ExportFormat.DCAT])["dcat:dataset"]
    assert [d["@id"] for d in page["dcat:dataset"]] == [d["@id"] for d in whole[50:100]]
    assert beyond.status_code == 404
