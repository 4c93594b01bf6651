"""The HTTP service end to end: a real uvicorn server in a subprocess, spoken to over HTTP with httpx.

Runs on SQLite, and on PostgreSQL (marked ``postgres``; a throw-away schema of the test database).
"""

from __future__ import annotations

import base64
import csv
import email.message
import email.utils
import io
import json
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from live_server import running_server, wait_for_job

from api.keys import Role, create_key
from catalog.store import CatalogStore
from catalog.testing import postgres_schema_url, postgres_unreachable_reason
from extract.legacy.encodings import encode_tcvn3

DOCS = Path(__file__).resolve().parent.parent / "corpus" / "docs"
HUNG_YEN = DOCS / "hung_yen_ke_hoach_du_lieu_mo.txt"
DONG_CUU = DOCS / "dong_cuu_ke_hoach_2026.txt"
SON_HAI = DOCS / "son_hai_ke_hoach_2026.txt"


@dataclass
class Service:
    base: str
    url: str
    keys: dict[Role, str]
    documents: dict[str, str]  # file name -> document id

    def client(self, role: Role | None = Role.ADMIN) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[role]}"} if role else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=120)


def _postgres_url() -> Iterator[str]:
    if reason := postgres_unreachable_reason():
        pytest.skip(reason)
    with postgres_schema_url() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db')}/api.db"
    else:
        yield from _postgres_url()


def _keys(url: str) -> dict[Role, str]:
    with CatalogStore(url) as store:
        return {role: create_key(store.engine, f"Cán bộ {role.value}", role) for role in Role}


@pytest.fixture(scope="module")
def service(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    keys = _keys(database_url)
    # A generous budget for answering small typed files directly, so the 201 path is what runs here
    # even on a busy machine; the 202 path is exercised by the limits test below.
    data = tmp_path_factory.mktemp("data")
    with running_server(database_url, data, extractors="1", sync_upload_seconds="120") as base:
        live = Service(base=base, url=database_url, keys=keys, documents={})
        with live.client(Role.UPLOADER) as client:
            for path in (HUNG_YEN, DONG_CUU):
                answer = client.post("/v1/documents", files={"file": (path.name, path.read_bytes())})
                assert answer.status_code == 201, answer.text
                document = answer.json()
                assert document["sha256"] and document["catalog"], "the 201 answer is the extracted document"
                assert answer.headers["location"] == f"/v1/documents/{document['sha256']}"
                job = wait_for_job(client, answer.headers["x-job-id"])
                assert job["status"] == "succeeded" and job["document_id"] == document["sha256"]
                live.documents[path.name] = document["sha256"]
            _wait_for_reconcile(client)
        yield live


def _wait_for_reconcile(client: httpx.Client) -> None:
    for job in client.get("/v1/jobs", params={"limit": 20}).json():
        if job["kind"] == "reconcile":
            assert wait_for_job(client, job["id"])["status"] == "succeeded"


def _job_id(answer: httpx.Response) -> str:
    """201 answers carry the document and name the job in X-Job-Id; 202 answers are the job."""
    return answer.headers["x-job-id"] if answer.status_code == 201 else str(answer.json()["id"])


def _error(response: httpx.Response) -> dict[str, str]:
    body: dict[str, dict[str, str]] = response.json()
    return body["error"]


# ---------------------------------------------------------------- access


def test_reads_need_a_key_by_default_and_errors_are_vietnamese(service: Service) -> None:
    with service.client(None) as anonymous:
        response = anonymous.get("/v1/catalog")
        assert response.status_code == 401
        assert _error(response)["code"] == "not_authenticated"
        assert "Cần khóa API" in _error(response)["message"]
        bad = anonymous.get("/v1/catalog", headers={"X-API-Key": "dm_nothere_secret"})
        assert bad.status_code == 401 and _error(bad)["code"] == "invalid_api_key"


def test_roles_are_ordered(service: Service) -> None:
    with service.client(Role.READER) as reader:
        assert reader.get("/v1/catalog").status_code == 200
        upload = reader.post("/v1/documents", files={"file": ("a.txt", b"KE HOACH")})
        assert upload.status_code == 403 and _error(upload)["code"] == "forbidden"
    with service.client(Role.UPLOADER) as uploader:
        review = uploader.post("/v1/reviews", json={"kind": "dismiss_flag", "flag_id": "fl-x"})
        assert review.status_code == 403


# ---------------------------------------------------------------- documents


def test_document_endpoints(service: Service) -> None:
    document_id = service.documents[HUNG_YEN.name]
    with service.client(Role.READER) as client:
        listing = client.get("/v1/documents", params={"kind": "ke hoach"}).json()
        assert {item["sha256"] for item in listing["items"]} >= set(service.documents.values())
        assert client.get("/v1/documents", params={"issuer": "Hưng Yên"}).json()["total"] == 1
        document = client.get(f"/v1/documents/{document_id}").json()
        assert document["sha256"] == document_id and document["metadata"]["kind"]
        assert len(client.get(f"/v1/documents/{document_id}/tables").json()) == len(document["tables"])
        assert len(client.get(f"/v1/documents/{document_id}/tasks").json()) == len(document["tasks"])
        entries = client.get(f"/v1/documents/{document_id}/catalog").json()
        assert len(entries) == len(document["catalog"]) > 0
        assert all(entry["dataset_id"].startswith("ds-") for entry in entries)
        assert client.get(f"/v1/documents/{document_id}/flags").status_code == 200
        original = client.get(f"/v1/documents/{document_id}/file")
        assert original.content == HUNG_YEN.read_bytes()
        missing = client.get(f"/v1/documents/{'0' * 64}")
        assert missing.status_code == 404 and _error(missing)["code"] == "not_found"


def _download_name(header: str) -> tuple[str, str]:
    """(filename*, filename) as the standard library's RFC 2231/5987 decoder reads them."""
    message = email.message.Message()
    message["Content-Disposition"] = header
    params = [value for key, value in message.get_params(header="content-disposition") or [] if key == "filename"]
    extended = [email.utils.collapse_rfc2231_value(value) for value in params if isinstance(value, tuple)]
    plain = [value for value in params if isinstance(value, str)]
    assert len(extended) == len(plain) == 1, header
    return extended[0], plain[0]


def test_the_original_comes_back_under_its_vietnamese_name(service: Service) -> None:
    name = "Kế hoạch số 12.pdf"
    with service.client(Role.UPLOADER) as client:
        pdf = (DOCS / "bac_ninh_ke_hoach_2026.pdf").read_bytes()
        answer = client.post("/v1/documents", files={"file": (name, pdf)})
        assert answer.status_code in (201, 202), answer.text
        document_id = str(wait_for_job(client, _job_id(answer))["document_id"])
        original = client.get(f"/v1/documents/{document_id}/file")
    assert original.status_code == 200 and original.content[:5] == b"%PDF-"
    header = original.headers["content-disposition"]
    assert header.isascii() and "K__" not in header
    assert _download_name(header) == (name, "Ke hoach so 12.pdf")


def test_a_web_page_saved_as_doc_is_answered_at_once_and_served_back_as_html(service: Service) -> None:
    """Word's "Save as Web page" named .doc (realdocs18b): typed, so the upload is read in the request, and its
    original comes back as text/html, not as an unknown binary."""
    page = (
        '<html><head><meta charset="utf-8"><style>p.MsoNormal {margin:0}</style></head><body>'
        "<p>ỦY BAN NHÂN DÂN XÃ AN HÒA</p><p>Số: 15/KH-UBND</p><p>An Hòa, ngày 6 tháng 3 năm 2026</p>"
        "<p>KẾ HOẠCH</p><p>Tập huấn quản lý văn bản năm 2026</p><p>1. Tổ chức lớp tập huấn trong quý II năm 2026.</p>"
        "</body></html>"
    ).encode()
    with service.client(Role.UPLOADER) as client:
        answer = client.post("/v1/documents", files={"file": ("ke-hoach-tap-huan.doc", page)})
        assert answer.status_code == 201, answer.text
        created = answer.json()
        original = client.get(f"/v1/documents/{created['sha256']}/file")
    assert created["format"] == "html" and created["metadata"]["number"] == "15/KH-UBND", created
    assert original.status_code == 200 and original.headers["content-type"].startswith("text/html")
    assert original.content == page
    # the same page as Word's one-file web page (.mht): read alike, served back as the MIME archive it is
    archive = (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b0"\r\n\r\n--b0\r\n'
        b"Content-Transfer-Encoding: base64\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n"
        + base64.encodebytes(page) + b"\r\n--b0--\r\n"
    )
    with service.client(Role.UPLOADER) as client:
        answer = client.post("/v1/documents", files={"file": ("ke-hoach-tap-huan.mht", archive)})
        assert answer.status_code == 201, answer.text
        original = client.get(f"/v1/documents/{answer.json()['sha256']}/file")
    assert answer.json()["metadata"]["number"] == "15/KH-UBND"
    assert original.headers["content-type"].startswith("multipart/related") and original.content == archive


def test_documents_carry_their_extraction_warnings(service: Service) -> None:
    # A short plan typed in TCVN3: read, with a "legacy_encoding" warning saying it was converted.
    plan = (
        "ỦY BAN NHÂN DÂN XÃ AN HÒA\nSố: 12/KH-UBND\nAn Hòa, ngày 5 tháng 3 năm 2026\nKẾ HOẠCH\n"
        "Về việc rà soát dữ liệu năm 2026\n1. Rà soát hồ sơ hộ tịch.\n"
    )  # number and date printed: the conversion is its only warning
    with service.client(Role.UPLOADER) as client:
        answer = client.post("/v1/documents", files={"file": ("tcvn3.txt", encode_tcvn3(plan))})
        assert answer.status_code == 201, answer.text
        created = answer.json()
    assert [w["code"] for w in created["warnings"]] == ["legacy_encoding"]
    document_id = created["sha256"]
    with service.client(Role.READER) as client:
        warnings = client.get(f"/v1/documents/{document_id}/warnings").json()
        assert warnings == client.get(f"/v1/documents/{document_id}").json()["warnings"] == created["warnings"]
        assert set(warnings[0]) == {"code", "message", "provenance"}
        assert warnings[0]["provenance"]["file"] == "tcvn3.txt" and " / " in warnings[0]["message"]
        listing = client.get("/v1/documents", params={"limit": 200}).json()["items"]
        assert {item["sha256"]: item["warning_count"] for item in listing}[document_id] == 1
        # Hưng Yên's plan leaves its số hiệu and day blank, which is exactly what its warnings say.
        blank = client.get(f"/v1/documents/{service.documents[HUNG_YEN.name]}/warnings")
        assert blank.status_code == 200
        assert sorted(w["code"] for w in blank.json()) == ["metadata_date_missing", "metadata_number_missing"]
        assert client.get(f"/v1/documents/{'0' * 64}/warnings").status_code == 404


def test_concurrent_uploads_of_one_file_make_one_document(service: Service) -> None:
    data = SON_HAI.read_bytes()
    answers: list[httpx.Response] = []

    def upload() -> None:
        with service.client(Role.UPLOADER) as client:
            answers.append(client.post("/v1/documents", files={"file": (SON_HAI.name, data)}))

    threads = [threading.Thread(target=upload) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} <= {201, 202}
    with service.client() as client:
        finished = [wait_for_job(client, _job_id(a)) for a in answers]
    assert {job["status"] for job in finished} == {"succeeded"}
    assert len({job["document_id"] for job in finished}) == 1
    with CatalogStore(service.url) as store:
        sha = str(finished[0]["document_id"])
        assert [d.sha256 for d in store.list_documents()].count(sha) == 1
        assert store.check_consistency() == []


def test_content_type_comes_from_the_bytes(service: Service) -> None:
    with service.client(Role.UPLOADER) as client:
        binary = client.post("/v1/documents", files={"file": ("plan.pdf", bytes(range(256)) * 40)})
        assert binary.status_code == 415 and _error(binary)["code"] == "unsupported_format"
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("notes.txt", "không phải DOCX")
        not_docx = client.post("/v1/documents", files={"file": ("plan.docx", archive.getvalue())})
        assert not_docx.status_code == 415
        empty = client.post("/v1/documents", files={"file": ("empty.txt", b"")})
        assert empty.status_code == 415 and _error(empty)["code"] == "empty_file"


def test_docx_zip_bomb_and_path_guards(service: Service) -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (30 * 2**20))
    unsafe = io.BytesIO()
    with zipfile.ZipFile(unsafe, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("../../etc/evil", "x")
    with service.client(Role.UPLOADER) as client:
        answer = client.post("/v1/documents", files={"file": ("bomb.docx", bomb.getvalue())})
        assert answer.status_code == 413 and _error(answer)["code"] == "limit_exceeded"
        assert "bom nén" in _error(answer)["message"]
        answer = client.post("/v1/documents", files={"file": ("evil.docx", unsafe.getvalue())})
        assert answer.status_code == 422 and _error(answer)["code"] == "corrupt_file"


# ---------------------------------------------------------------- catalog


def test_catalog_search_with_and_without_diacritics(service: Service) -> None:
    with service.client(Role.READER) as client:
        everything = client.get("/v1/catalog", params={"limit": 500}).json()
        assert everything["total"] > 100
        accented = client.get("/v1/catalog", params={"q": "hộ nghèo"}).json()
        plain = client.get("/v1/catalog", params={"q": "ho ngheo"}).json()
        assert accented["total"] >= 1
        assert {i["id"] for i in accented["items"]} <= {i["id"] for i in plain["items"]}
        paged = client.get("/v1/catalog", params={"limit": 5, "offset": 5}).json()
        assert [i["id"] for i in paged["items"]] == [i["id"] for i in everything["items"][5:10]]
        open_data = client.get("/v1/catalog", params={"sharing": "open", "limit": 500}).json()
        assert 0 < open_data["total"] and all("open" in i["sharing"] for i in open_data["items"])
        annual = client.get("/v1/catalog", params={"frequency": "annual", "limit": 500}).json()
        assert all("ANNUAL" in i["frequency"] for i in annual["items"])
        health = client.get("/v1/catalog", params={"unit": "so y te", "limit": 500}).json()
        assert health["total"] > 0
        domain = client.get("/v1/catalog", params={"domain": "giao duc", "limit": 500}).json()
        assert all(any("GIÁO DỤC" in d.upper() for d in i["domains"]) for i in domain["items"])
        assert client.get("/v1/catalog", params={"limit": 0}).status_code == 422


def test_catalog_lists_the_datasets_of_one_document(service: Service) -> None:
    with service.client(Role.READER) as client:
        everything = client.get("/v1/catalog", params={"limit": 500}).json()["items"]
        document = everything[0]["document_ids"][0]
        wanted = [i["id"] for i in everything if document in i["document_ids"]]
        listed = client.get("/v1/catalog", params={"document_id": document, "limit": 500}).json()
        assert [i["id"] for i in listed["items"]] == wanted and listed["total"] == len(wanted) < len(everything)
        both = client.get("/v1/catalog", params={"document_id": document, "q": everything[0]["title"]}).json()
        assert everything[0]["id"] in [i["id"] for i in both["items"]]
        assert client.get("/v1/catalog", params={"document_id": "0" * 64}).json()["total"] == 0
        assert client.get("/v1/catalog", params={"document_id": "0" * 65}).status_code == 422


def test_dataset_detail_lists_sources_and_links(service: Service) -> None:
    with service.client(Role.READER) as client:
        first = client.get("/v1/catalog", params={"limit": 1}).json()["items"][0]
        detail = client.get(f"/v1/catalog/{first['id']}").json()
        assert detail["members"] and detail["members"][0]["provenance"]["file"]
        assert isinstance(detail["links"], list)
        assert client.get("/v1/catalog/ds-unknown").status_code == 404


# ---------------------------------------------------------------- reviews


def test_reviews_are_recorded_with_the_key_owner_and_applied(service: Service) -> None:
    with service.client(Role.READER) as reader:
        target = reader.get("/v1/catalog", params={"q": "ho ngheo"}).json()["items"][0]
    with service.client(Role.REVIEWER) as client:
        answer = client.post(
            "/v1/reviews",
            json={"kind": "set_canonical", "dataset_id": target["id"], "title": "Dữ liệu hộ nghèo (chuẩn)",
                  "reason": "tên thống nhất"},
        )  # fmt: skip
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["decision"]["who"] == "Cán bộ reviewer"
        assert wait_for_job(client, body["job"]["id"])["status"] == "succeeded"
        assert client.get(f"/v1/catalog/{target['id']}").json()["title"] == "Dữ liệu hộ nghèo (chuẩn)"
        listed = client.get("/v1/reviews").json()["items"]
        assert any(d["kind"] == "set_canonical" and d["dataset_id"] == target["id"] for d in listed)
        unknown = client.post("/v1/reviews", json={"kind": "dismiss_flag", "flag_id": "fl-nothere"})
        assert unknown.status_code == 404 and _error(unknown)["code"] == "unknown_reference"
        incomplete = client.post("/v1/reviews", json={"kind": "confirm_link", "left": "x"})
        assert incomplete.status_code == 422 and _error(incomplete)["code"] == "invalid_parameter"


def test_dismissing_a_flag(service: Service) -> None:
    with service.client(Role.REVIEWER) as client:
        flags = client.get("/v1/flags").json()["items"]
        assert flags, "the corpus documents raise flags (missing số hiệu, unit conflicts…)"
        answer = client.post(
            "/v1/reviews", json={"kind": "dismiss_flag", "flag_id": flags[0]["id"], "reason": "đã xem"}
        )
        assert answer.status_code == 201
        assert wait_for_job(client, answer.json()["job"]["id"])["status"] == "succeeded"
        open_ids = {f["id"] for f in client.get("/v1/flags", params={"limit": 500}).json()["items"]}
        assert flags[0]["id"] not in open_ids


# ---------------------------------------------------------------- exports

CKAN_NAME = re.compile(r"^[a-z0-9_-]{2,100}$")


def test_exports(service: Service) -> None:
    with service.client(Role.READER) as client:
        total = client.get("/v1/catalog").json()["total"]
        table = list(csv.reader(io.StringIO(client.get("/v1/export", params={"format": "csv"}).text.lstrip("\ufeff"))))
        assert table[0][:3] == ["id", "title", "unit"] and len(table) == total + 1
        lines = client.get("/v1/export", params={"format": "jsonl"}).text.splitlines()
        assert len(lines) == total and json.loads(lines[0])["members"]
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(client.get("/v1/export", params={"format": "xlsx"}).content))
        assert book.active is not None and book.active.max_row == total + 1
        import zipfile

        with zipfile.ZipFile(io.BytesIO(client.get("/v1/export", params={"format": "ckan"}).content)) as bundle:
            packages = [json.loads(line) for line in bundle.read("datasets.jsonl").splitlines()]
        assert len(packages) == total
        assert all(CKAN_NAME.match(p["name"]) and CKAN_NAME.match(p["owner_org"]) for p in packages)
        assert len({p["name"] for p in packages}) == total
        assert client.get("/v1/export", params={"format": "rdf"}).status_code == 422


# ---------------------------------------------------------------- limits, anonymous reads, restarts


def test_limits_timeout_and_anonymous_reads(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/limits.db"
    keys = _keys(url)
    with running_server(
        url, tmp_path, max_upload_bytes="100000", processing_timeout="0.01", anonymous_reads="1", extractors="1"
    ) as base:
        with httpx.Client(base_url=base, timeout=120) as anonymous:
            assert anonymous.get("/v1/catalog").status_code == 200
            assert anonymous.post("/v1/documents", files={"file": ("a.txt", b"x")}).status_code == 401
        with httpx.Client(base_url=base, headers={"X-API-Key": keys[Role.UPLOADER]}, timeout=120) as client:
            too_big_file = DOCS / "hung_yen_ke_hoach_du_lieu_mo.pdf"  # 105 kB
            too_big = client.post("/v1/documents", files={"file": (too_big_file.name, too_big_file.read_bytes())})
            assert too_big.status_code == 413
            assert _error(too_big)["code"] == "payload_too_large" and "quá lớn" in _error(too_big)["message"]
            # a .doc goes through LibreOffice (seconds), so it cannot finish in 10 ms however fast the machine
            slow = (DOCS / "son_hai_ke_hoach_2026.doc").read_bytes()
            answer = client.post("/v1/documents", files={"file": ("son_hai.doc", slow)})
            assert answer.status_code == 202, "a file that is not small typed text is answered as a job"
            failed = wait_for_job(client, answer.json()["id"])
            assert failed["status"] == "failed" and failed["error_code"] == "processing_timeout"
            assert "thời gian" in str(failed["error_message"])


def test_jobs_survive_a_restart(tmp_path: Path) -> None:
    from api.jobs import JobManager
    from api.settings import Settings
    from catalog.blobs import BlobStore
    from catalog.models import JobRow

    url = f"sqlite:///{tmp_path}/restart.db"
    keys = _keys(url)
    settings = Settings(database_url=url, data_dir=tmp_path)
    with CatalogStore(url) as store:  # a server that queued two jobs and died, one of them mid-run
        manager = JobManager(store, settings, BlobStore(tmp_path / "blobs"))
        queued, _ = manager.submit_upload(DONG_CUU.read_bytes(), DONG_CUU.name, "", "Cán bộ uploader")
        running, _ = manager.submit_upload(SON_HAI.read_bytes(), SON_HAI.name, "", "Cán bộ uploader")
        with sa.orm.Session(store.engine) as session, session.begin():
            row = session.get(JobRow, running.id)
            assert row is not None
            row.status, row.stage = "running", "extracting"
    with running_server(url, tmp_path, extractors="1") as base:
        with httpx.Client(base_url=base, headers={"X-API-Key": keys[Role.READER]}, timeout=120) as client:
            for job in (queued, running):
                assert wait_for_job(client, job.id)["status"] == "succeeded"
            assert client.get("/v1/documents").json()["total"] == 2
    with CatalogStore(url) as store:
        assert store.check_consistency() == []
