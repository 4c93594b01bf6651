"""`danhmuc ingest | report | export | decide`: thin adapters over the catalog store.

Registered in danhmuc/cli.py, wrapped by its `handles_errors`, so every catalog failure becomes
one clear Vietnamese/English line and exit code 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer

from catalog.errors import InvalidDecisionError, UnknownReferenceError
from catalog.exports import ExportFormat
from catalog.walk import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # the store and matching load only when a command runs, not for `danhmuc --help`
    from catalog.records import FileOutcome
    from catalog.store import CatalogStore
    from matching.model import Decision

DEFAULT_ERRORS_CSV = Path("out") / "ingest-errors.csv"

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="DATABASE_URL",
        help="URL cơ sở dữ liệu (mặc định sqlite:///danhmuc.db) / database URL",
        show_default=False,
    ),
]


@contextmanager
def _replaced(path: Path) -> Iterator[BinaryIO]:
    """A file written beside ``path`` and put in its place only once complete: a failed export leaves what was
    there before, never half a file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as sink:
            yield sink
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _echo_err(message: str) -> None:
    typer.echo(message, err=True)


def ingest(
    folder: Annotated[Path, typer.Argument(help="Thư mục lưu trữ cần nạp / archive folder to ingest")],
    workers: Annotated[
        int | None,
        typer.Option(help="Số tiến trình trích xuất (mặc định: số lõi CPU) / extraction processes", min=1),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Bỏ qua tệp lớn hơn (byte) / skip larger files (bytes)", min=1)
    ] = DEFAULT_MAX_BYTES,
    errors: Annotated[
        Path, typer.Option("--errors", help="Danh sách tệp lỗi (CSV) / per-file error list (CSV)")
    ] = DEFAULT_ERRORS_CSV,
    reconcile: Annotated[bool, typer.Option(help="Hợp nhất danh mục sau khi nạp / reconcile after ingest")] = True,
    timeout: Annotated[
        float | None,
        typer.Option(help="Giây tối đa cho một tệp (mặc định 300; 0 = không giới hạn) / seconds per file", min=0),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Nạp cả thư mục vào kho (chạy lại được sau khi bị dừng) / ingest a folder (resumable).

    Khi đặt DANHMUC_BROKER_URL, các tiến trình `danhmuc worker` trích xuất (--workers, --timeout do
    chúng quyết định) / with DANHMUC_BROKER_URL set, `danhmuc worker` processes extract (docs/deployment.md).
    """
    from api.settings import Settings
    from catalog.blobs import BlobStore, default_blob_root
    from catalog.ingest import ingest_directory
    from catalog.store import CatalogStore
    from extract.processes import DEFAULT_TIMEOUT_SECONDS

    settings = Settings.from_env(database_url=database)
    with CatalogStore(settings.database_url) as store:
        if settings.uses_celery:  # extraction and reconciliation by `danhmuc worker`, on any host
            from api.cluster.ingest import CeleryExtraction
            from catalog.blob_table import DatabaseBlobStore

            report = ingest_directory(
                store, folder, max_bytes=max_bytes, errors_csv=errors, progress=sys.stderr, reconcile=reconcile,
                blobs=DatabaseBlobStore(store.engine), remote=CeleryExtraction(settings, log=_echo_err),
            )  # fmt: skip
        else:
            report = ingest_directory(
                store, folder, workers=workers, max_bytes=max_bytes, errors_csv=errors,
                progress=sys.stderr, reconcile=reconcile,
                timeout=DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout or None,
                blobs=BlobStore(default_blob_root()),  # originals for the API, in $DANHMUC_DATA_DIR like the server's
            )  # fmt: skip
        warned = _warnings_by_file(store, report.outcomes)
    counts = report.counts
    typer.echo(
        f"Nạp xong / done: {len(report.outcomes)} tệp / files — "
        + ", ".join(f"{status} {number}" for status, number in sorted(counts.items()))
    )
    typer.echo(
        f"Trích xuất / extracted {report.extracted} tệp trong / files in {report.seconds:.1f} s "
        f"({report.files_per_second:.2f} tệp/s, {report.workers} tiến trình / workers)"
    )
    if report.reconciliation is not None:
        rec = report.reconciliation
        typer.echo(
            f"Hợp nhất / reconciled: {rec.document_count} văn bản, {rec.entry_count} mục → "
            f"{rec.dataset_count} tập dữ liệu / datasets, {rec.flag_count} cảnh báo / flags"
        )
    problems = counts.get("failed", 0) + counts.get("skipped", 0)
    if problems:
        typer.echo(f"{problems} tệp lỗi hoặc bị bỏ qua, xem / failed or skipped files, see {report.errors_csv}")
    for line in _warning_lines(warned, extracted=sum(1 for o in report.outcomes if o.status in _EXTRACTED)):
        typer.echo(line)


# statuses whose file went through extraction in this run (a duplicate reuses another path's document)
_EXTRACTED = {"ingested", "new_version"}
WARNED_FILES_LISTED = 20


def _warning_counts(store: CatalogStore, sha256s: list[str]) -> dict[str, int]:
    """sha256 -> warnings of this run's documents, from their rows' counts: ``list_documents`` reads
    every stored document's whole JSON, which at the end of an ingest was the whole store's."""
    from sqlalchemy import select

    from catalog.models import DocumentRow

    wanted = list(dict.fromkeys(sha256s))
    found: dict[str, int] = {}
    with store.snapshot() as session:
        for start in range(0, len(wanted), 500):  # under SQLite's bound on query parameters
            chosen = select(DocumentRow.sha256, DocumentRow.warning_count).where(
                DocumentRow.sha256.in_(wanted[start : start + 500])
            )
            found.update((sha, int(count)) for sha, count in session.execute(chosen))
    return found


def _warnings_by_file(store: CatalogStore, outcomes: list[FileOutcome]) -> list[tuple[str, int, list[str]]]:
    """(path, warning count, codes by frequency) of this run's extracted files that carry warnings."""
    from danhmuc.warning_summary import count_by_code

    counts = _warning_counts(store, [o.sha256 for o in outcomes if o.status in _EXTRACTED and o.sha256])
    warned: list[tuple[str, int, list[str]]] = []
    for outcome in outcomes:
        if outcome.status in _EXTRACTED and counts.get(outcome.sha256, 0) > 0:
            codes: list[str] = []
            if len(warned) < WARNED_FILES_LISTED:  # the codes need the stored document: only for the lines shown
                warnings = store.stored_warnings([outcome.sha256]).get(outcome.sha256)
                codes = [f"{code} ×{n}" for code, n in count_by_code(warnings)] if warnings is not None else []
            warned.append((outcome.path, counts[outcome.sha256], codes))
    return warned


def _warning_lines(warned: list[tuple[str, int, list[str]]], *, extracted: int) -> list[str]:
    if not warned:
        return [f"Cảnh báo khi trích xuất / extraction warnings: 0 ({extracted} tệp / files)"] if extracted else []
    total = sum(number for _, number, _ in warned)
    lines = [
        f"Cảnh báo khi trích xuất / extraction warnings: {total} ở / in {len(warned)}/{extracted} tệp / files "
        "(chi tiết / details: danhmuc report, GET /v1/documents/{id}/warnings)"
    ]
    for path, number, codes in warned[:WARNED_FILES_LISTED]:
        lines.append(f"  {path}: {number}" + (f" — {', '.join(codes)}" if codes else ""))
    if len(warned) > WARNED_FILES_LISTED:
        lines.append(f"  … {len(warned) - WARNED_FILES_LISTED} tệp nữa / more files")
    return lines


def report(
    out: Annotated[Path, typer.Option(help="Thư mục ghi báo cáo / output directory")] = Path("out") / "report",
    reconcile: Annotated[
        bool, typer.Option(help="Hợp nhất phần thay đổi trước khi lập báo cáo / reconcile what changed first")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Lập báo cáo HTML, XLSX và JSON (tiếng Việt) / write the HTML, XLSX and JSON reports.

    Phần dài được chia trang / long sections are split: bao-cao.html liệt kê các trang bao-cao-*.html;
    bao-cao.json không chứa các tập dữ liệu và khái niệm: chúng ở bao-cao-tap-du-lieu-*.jsonl và
    bao-cao-khai-niem-*.jsonl (JSON Lines).
    """
    from catalog.reports import write_report_files
    from catalog.store import CatalogStore

    with CatalogStore(database) as store:
        files = write_report_files(store, out, reconcile=reconcile)
    s = files.summary
    typer.echo(
        f"{s.documents} văn bản, {s.datasets} tập dữ liệu ({s.multi_source_datasets} ở nhiều văn bản), "
        f"{s.flags_open} cảnh báo cần xử lý / documents, datasets, open flags"
    )
    for path in (files.html, files.xlsx, files.json):
        typer.echo(f"  {path}")
    if files.pages or len(files.parts) > 1:
        typer.echo(
            f"  + {len(files.pages)} trang HTML, {len(files.parts)} tệp JSON Lines / HTML pages, JSON Lines parts"
        )


def export(
    out: Annotated[
        Path,
        typer.Option(help="Tệp kết quả; với ckan: thư mục (hoặc tệp .zip) / output file; ckan: a folder or a .zip"),
    ],
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="csv | jsonl | xlsx | dcat (JSON-LD) | dcat-ttl | dcat-rdf | ckan"),
    ] = ExportFormat.CSV,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            envvar="DANHMUC_PUBLIC_URL",
            show_default=False,
            help="Gốc của các IRI trong DCAT/CKAN, như máy chủ (mặc định http://host:port) / base of the IRIs",
        ),
    ] = None,
    publisher: Annotated[
        str | None,
        typer.Option(
            envvar="DANHMUC_PUBLISHER",
            show_default=False,
            help="Đơn vị công bố danh mục (DCAT) / publisher of the DCAT catalog",
        ),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Xuất danh mục hợp nhất như GET /v1/export, mỗi tập dữ liệu một dòng / export the catalog.

    ckan: ghi organizations.jsonl, groups.jsonl và datasets.jsonl vào thư mục OUT cho `ckanapi load
    organizations -I organizations.jsonl`, `ckanapi load groups -I groups.jsonl` rồi `ckanapi load
    datasets -I datasets.jsonl`; OUT kết thúc bằng .zip thì ghi đúng tệp ZIP mà GET
    /v1/export?format=ckan trả về.
    """
    from api.settings import Settings
    from catalog.exports import DCAT_FORMATS, render_to
    from catalog.exports.view import StoredCatalog, catalog_dates
    from catalog.store import CatalogStore

    # The server's settings from the same environment, so both name the catalog's IRIs alike.
    settings = Settings.from_env(public_url=base_url, publisher=publisher)
    with CatalogStore(database) as store, store.snapshot() as session:
        # The stored result as it is: reconciling is `danhmuc ingest` or `danhmuc reconcile`, never an export's.
        # Streamed from one snapshot, chunk by chunk: the catalog's rows are never all in memory.
        datasets = StoredCatalog(session)
        issued, modified = catalog_dates(store) if fmt in DCAT_FORMATS else (None, None)
        if fmt is ExportFormat.CKAN and out.suffix.lower() != ".zip":
            from catalog.exports.ckan import ckan_parts

            out.mkdir(parents=True, exist_ok=True)
            for name, lines in ckan_parts(datasets, settings.base_url):
                with _replaced(out / name) as sink:
                    sink.writelines(lines)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            with _replaced(out) as sink:
                render_to(sink, fmt, datasets, base_url=settings.base_url, publisher=settings.publisher,
                          modified=modified, issued=issued)  # fmt: skip
        count = len(datasets)
    typer.echo(f"Đã ghi / wrote {count} tập dữ liệu / datasets → {out}")


def decide(
    who: Annotated[str, typer.Option("--who", help="Người quyết định (bắt buộc) / reviewer (required)")],
    reason: Annotated[str, typer.Option(help="Lý do / reason")] = "",
    confirm_link: Annotated[
        tuple[str, str] | None,
        typer.Option(help="Xác nhận hai mục là một tập dữ liệu: KHÓA KHÓA / must-link two entry keys"),
    ] = None,
    reject_link: Annotated[
        tuple[str, str] | None,
        typer.Option(help="Bác bỏ liên kết giữa hai mục: KHÓA KHÓA / cannot-link two entry keys"),
    ] = None,
    merge: Annotated[
        list[str] | None, typer.Option(help="Gộp các tập dữ liệu (lặp lại, ít nhất 2) / merge datasets")
    ] = None,
    split: Annotated[
        str | None, typer.Option(help="Tách khỏi tập dữ liệu này các --member / split members out")
    ] = None,
    member: Annotated[list[str] | None, typer.Option(help="Khóa mục cần tách / entry key to split out")] = None,
    set_canonical: Annotated[
        str | None, typer.Option(help="Đặt tên/đơn vị chuẩn cho tập dữ liệu / dataset to name")
    ] = None,
    title: Annotated[str, typer.Option(help="Tên chuẩn / canonical title")] = "",
    unit: Annotated[str, typer.Option(help="Đơn vị chuẩn / canonical unit")] = "",
    dismiss_flag: Annotated[str | None, typer.Option(help="Bỏ qua cảnh báo (cần --reason) / dismiss a flag")] = None,
    database: DatabaseOption = None,
) -> None:
    """Ghi quyết định của người rà soát; áp dụng lại ở mọi lần chạy / record a reviewer decision."""
    from catalog.store import CatalogStore

    with CatalogStore(database) as store:
        decision = _decision(
            store, who=who, reason=reason, confirm_link=confirm_link, reject_link=reject_link,
            merge=merge or [], split=split, members=member or [], set_canonical=set_canonical,
            title=title, unit=unit, dismiss_flag=dismiss_flag,
        )  # fmt: skip
        number = store.add_decision(decision)
        result = store.reconcile()
    typer.echo(f"Đã ghi quyết định #{number} ({decision.kind}) của {who} / decision recorded and applied.")
    typer.echo(f"Danh mục hiện có / catalog now has {result.dataset_count} tập dữ liệu / datasets.")


def reconcile(
    rebuild: Annotated[
        bool, typer.Option(help="Hợp nhất lại toàn bộ từ đầu / rebuild the whole result from the documents")
    ] = False,
    database: DatabaseOption = None,
) -> None:
    """Hợp nhất phần thay đổi (văn bản mới, văn bản bị thay, quyết định mới) / reconcile what changed."""
    import time

    from catalog.store import CatalogStore

    started = time.perf_counter()
    with CatalogStore(database) as store:
        s = store.reconcile(rebuild=rebuild)
    typer.echo(
        f"Hợp nhất / reconciled in {time.perf_counter() - started:.1f} s: {s.document_count} văn bản, "
        f"{s.entry_count} mục → {s.dataset_count} tập dữ liệu, {s.link_count} liên kết, {s.flag_count} cảnh báo"
    )


def _decision(
    store: CatalogStore,
    *,
    who: str,
    reason: str,
    confirm_link: tuple[str, str] | None,
    reject_link: tuple[str, str] | None,
    merge: list[str],
    split: str | None,
    members: list[str],
    set_canonical: str | None,
    title: str,
    unit: str,
    dismiss_flag: str | None,
) -> Decision:
    _one_action(
        confirm_link=confirm_link, reject_link=reject_link, merge=merge, split=split,
        set_canonical=set_canonical, dismiss_flag=dismiss_flag,
    )  # fmt: skip
    if not who.strip():
        raise InvalidDecisionError("--who không được để trống", "--who must not be empty")
    common: dict[str, Any] = {"who": who.strip(), "when": datetime.now(UTC), "reason": reason}
    if confirm_link or reject_link:
        return _link_decision(store, common, confirm_link, reject_link)
    if merge:
        return _merge_decision(store, common, merge)
    if split:
        return _split_decision(store, common, split, members)
    if set_canonical:
        return _canonical_decision(store, common, set_canonical, title, unit)
    assert dismiss_flag is not None
    return _dismiss_decision(store, common, dismiss_flag)


def _one_action(**actions: object) -> None:
    """Exactly one of the action options is given (their names as the command spells them)."""
    chosen = ["--" + name.replace("_", "-") for name, value in actions.items() if value]
    if len(chosen) != 1:
        raise InvalidDecisionError(
            f"cần đúng một hành động, nhận được {len(chosen)} ({', '.join(chosen) or 'không có'})",
            f"give exactly one action, got {len(chosen)} ({', '.join(chosen) or 'none'})",
        )


def _link_decision(
    store: CatalogStore,
    common: dict[str, Any],
    confirm_link: tuple[str, str] | None,
    reject_link: tuple[str, str] | None,
) -> Decision:
    from matching.model import ConfirmLink, RejectLink

    left, right = sorted(confirm_link or reject_link or ("", ""))
    _require(store.entry_keys(), [left, right], "mục danh mục", "catalog entry")
    if confirm_link:
        return ConfirmLink(left=left, right=right, **common)
    return RejectLink(left=left, right=right, **common)


def _merge_decision(store: CatalogStore, common: dict[str, Any], merge: list[str]) -> Decision:
    from matching.model import MergeDatasets

    if len(set(merge)) < 2:
        raise InvalidDecisionError("--merge cần ít nhất hai tập dữ liệu", "--merge needs two datasets")
    _require(store.dataset_ids(), merge, "tập dữ liệu", "dataset")
    return MergeDatasets(dataset_ids=list(dict.fromkeys(merge)), **common)


def _split_decision(store: CatalogStore, common: dict[str, Any], split: str, members: list[str]) -> Decision:
    from matching.model import SplitDataset

    if not members:
        raise InvalidDecisionError("--split cần ít nhất một --member", "--split needs at least one --member")
    _require(store.dataset_ids(), [split], "tập dữ liệu", "dataset")
    _require(store.entry_keys(), members, "mục danh mục", "catalog entry")
    return SplitDataset(dataset_id=split, members=members, **common)


def _canonical_decision(store: CatalogStore, common: dict[str, Any], dataset: str, title: str, unit: str) -> Decision:
    from matching.model import SetCanonical

    if not (title or unit):
        raise InvalidDecisionError("--set-canonical cần --title hoặc --unit", "--set-canonical needs --title/--unit")
    _require(store.dataset_ids(), [dataset], "tập dữ liệu", "dataset")
    return SetCanonical(dataset_id=dataset, title=title, unit=unit, **common)


def _dismiss_decision(store: CatalogStore, common: dict[str, Any], flag: str) -> Decision:
    from matching.model import DismissFlag

    if not common["reason"].strip():
        raise InvalidDecisionError("bỏ qua cảnh báo cần --reason", "dismissing a flag needs --reason")
    _require(store.flag_ids(), [flag], "cảnh báo", "flag")
    return DismissFlag(flag_id=flag, **common)


def _require(known: set[str], values: list[str], what_vi: str, what_en: str) -> None:
    for value in values:
        if value not in known:
            raise UnknownReferenceError(what_vi, what_en, value)
