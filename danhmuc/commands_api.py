"""`danhmuc serve` and `danhmuc keys create|list|revoke`: command adapters over the api package.

Registered by danhmuc/cli.py (wrapped there in ``handles_errors``, so this module never imports
the CLI module and there is no import cycle):

    from danhmuc import commands_api
    app.command(name="serve")(handles_errors(commands_api.serve))
    keys_app = typer.Typer(no_args_is_help=True, help="Khóa API / API keys")
    keys_app.command(name="create")(handles_errors(commands_api.keys_create))
    keys_app.command(name="list")(handles_errors(commands_api.keys_list))
    keys_app.command(name="revoke")(handles_errors(commands_api.keys_revoke))
    app.add_typer(keys_app, name="keys")
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve(
    host: Annotated[str | None, typer.Option(help="Địa chỉ nghe (mặc định 127.0.0.1) / listen address")] = None,
    port: Annotated[int | None, typer.Option(help="Cổng (mặc định 8000) / port")] = None,
    database_url: Annotated[str | None, typer.Option("--database-url", help="Mặc định: $DATABASE_URL")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục lưu tệp gốc / uploaded files")] = None,
    max_upload_mb: Annotated[float | None, typer.Option(help="Giới hạn tải lên, MiB (mặc định 50)")] = None,
    timeout: Annotated[float | None, typer.Option(help="Thời gian tối đa cho một tài liệu, giây")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Số tiến trình máy chủ HTTP (mặc định min(2, số lõi)) / HTTP server processes",
                     min=1),
    ] = None,
    extractors: Annotated[
        int | None,
        typer.Option(help="Số tiến trình trích xuất, tổng (mặc định 2; 0 = chỉ đọc) / extraction processes", min=0),
    ] = None,
    anonymous_reads: Annotated[
        bool | None, typer.Option("--anonymous-reads/--no-anonymous-reads", help="Cho phép đọc không cần khóa")
    ] = None,
) -> None:
    """Chạy dịch vụ HTTP / run the HTTP service (OpenAPI at /docs)."""
    from api.serve import run
    from api.settings import Settings

    settings = Settings.from_env(
        host=host, port=port, database_url=database_url, data_dir=data_dir,
        max_upload_bytes=int(max_upload_mb * 2**20) if max_upload_mb else None,
        processing_timeout_seconds=timeout, workers=workers, extractors=extractors,
        anonymous_reads=anonymous_reads,
    )  # fmt: skip
    if settings.host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"Cảnh báo / warning: nghe trên {settings.host}, không chỉ máy này / not loopback only.", err=True)
    run(settings)


def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="Số tiến trình trích xuất (mặc định: số lõi) / extraction processes", min=1)
    ] = None,
    name: Annotated[str | None, typer.Option(help="Tên tiến trình trong hàng đợi / worker name")] = None,
    database_url: Annotated[str | None, typer.Option("--database-url", help="Mặc định: $DATABASE_URL")] = None,
    broker_url: Annotated[str | None, typer.Option("--broker-url", help="Mặc định: $DANHMUC_BROKER_URL")] = None,
    loglevel: Annotated[str, typer.Option(help="Mức nhật ký / log level")] = "INFO",
) -> None:
    """Chạy tiến trình xử lý Celery trên máy này / run a Celery worker on this host (docs/deployment.md)."""
    from api.cluster.worker import run_worker
    from api.settings import Settings

    settings = Settings.from_env(database_url=database_url, broker_url=broker_url)
    run_worker(settings, concurrency=concurrency, name=name, loglevel=loglevel)


def keys_create(
    role: Annotated[str, typer.Option(help="reader | uploader | reviewer | admin")],
    owner: Annotated[str, typer.Option(help="Người/đơn vị giữ khóa (ghi vào quyết định rà soát)")],
    database_url: Annotated[str | None, typer.Option("--database-url", help="Mặc định: $DATABASE_URL")] = None,
) -> None:
    """Tạo khóa API và in ra một lần duy nhất / create an API key, printed once."""
    from api.keys import Role, create_key
    from catalog.store import CatalogStore

    try:
        chosen = Role(role.strip().lower())
    except ValueError:
        typer.echo(f"Vai trò không hợp lệ / invalid role {role!r}: reader, uploader, reviewer, admin.", err=True)
        raise typer.Exit(code=2) from None
    with CatalogStore(database_url) as store:
        key = create_key(store.engine, owner.strip() or "unknown", chosen)
    typer.echo(key)
    typer.echo("Lưu khóa này ngay: sẽ không hiển thị lại / store this key now: it is not shown again.", err=True)


def keys_list(
    database_url: Annotated[str | None, typer.Option("--database-url", help="Mặc định: $DATABASE_URL")] = None,
) -> None:
    """Liệt kê khóa API (không hiện bí mật) / list API keys (secrets are never shown)."""
    from api.keys import list_keys
    from catalog.store import CatalogStore

    with CatalogStore(database_url) as store:
        keys = list_keys(store.engine)
    typer.echo(f"{'id':<14} {'vai trò/role':<10} {'trạng thái/state':<18} {'tạo lúc/created':<20} chủ/owner")
    for info in keys:
        state = "đã thu hồi/revoked" if info.revoked else "hiệu lực/active"
        created = info.created_at.strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{info.id:<14} {info.role.value:<10} {state:<18} {created:<20} {info.owner}")


def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="Mã khóa (phần sau dm_) hoặc cả khóa / key id or the whole key")],
    database_url: Annotated[str | None, typer.Option("--database-url", help="Mặc định: $DATABASE_URL")] = None,
) -> None:
    """Thu hồi khóa API, có hiệu lực ngay / revoke an API key, effective at once."""
    from api.keys import key_id_of, revoke_key
    from api.settings import Settings
    from catalog.store import CatalogStore

    with CatalogStore(database_url) as store:
        found = revoke_key(store.engine, key_id, stamp=Settings.from_env().keys_stamp)
    if not found:
        typer.echo(f"Lỗi / error [not_found]: không có khóa / no such key {key_id_of(key_id)!r}.", err=True)
        raise typer.Exit(code=2)
    typer.echo(f"Đã thu hồi / revoked: {key_id_of(key_id)}")
