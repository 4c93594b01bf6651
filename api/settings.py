"""Service settings: environment first, command-line flags override; defaults are the safe choice.

Safe defaults: listen on loopback only, uploads up to 50 MiB, one document may take at most
five minutes, and nobody reads without an API key unless an operator opens reads on purpose.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

MIB = 2**20


def _env_int(name: str, default: int, *, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value >= minimum else default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw)
    except ValueError:
        return default
    return value if value > 0 else default


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    return default


def default_server_workers() -> int:
    """Two processes where there are two cores: one Python process cannot use more than one core."""
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "sqlite:///danhmuc.db"
    data_dir: Path = Path("danhmuc-data")  # original uploaded bytes and job spool files
    max_upload_bytes: int = 50 * MIB
    processing_timeout_seconds: float = 300.0
    workers: int = field(default_factory=lambda: default_server_workers())  # HTTP server processes
    extractors: int = 2  # extraction processes in all, shared out between the server processes; 0 = reads only
    anonymous_reads: bool = False  # writes always need a key, whatever this says
    # An upload of a typed file (text, DOCX, PDF with a text layer) up to this size is answered
    # 201 with the document when it is processed within the time budget; otherwise 202 + job.
    sync_upload_bytes: int = 2 * MIB
    sync_upload_seconds: float = 10.0
    reconcile_after_ingest: bool = True
    public_url: str = ""  # base of the IRIs in DCAT exports; default http://host:port
    publisher: str = "Đơn vị vận hành danh mục dữ liệu"  # dct:publisher of the exported DCAT catalog
    rate_limit: float = 200.0  # requests per second per key and server process (burst twice that); 0 = off

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read DANHMUC_* variables (and DATABASE_URL); explicit keyword overrides win when not None."""
        base = cls(
            host=os.environ.get("DANHMUC_HOST", cls.host),
            port=_env_int("DANHMUC_PORT", cls.port),
            database_url=os.environ.get("DATABASE_URL") or cls.database_url,
            data_dir=Path(os.environ.get("DANHMUC_DATA_DIR") or cls.data_dir),
            max_upload_bytes=_env_int("DANHMUC_MAX_UPLOAD_BYTES", cls.max_upload_bytes),
            processing_timeout_seconds=_env_float("DANHMUC_PROCESSING_TIMEOUT", cls.processing_timeout_seconds),
            workers=_env_int("DANHMUC_WORKERS", default_server_workers()),
            # DANHMUC_WORKERS=0 once meant "no extraction" (workers were extraction processes then):
            # kept meaning that, so an old read-only deployment does not start extracting.
            extractors=_env_int(
                "DANHMUC_EXTRACTORS", 0 if os.environ.get("DANHMUC_WORKERS", "").strip() == "0" else cls.extractors,
                minimum=0,
            ),
            anonymous_reads=_env_bool("DANHMUC_ANONYMOUS_READS", cls.anonymous_reads),
            sync_upload_bytes=_env_int("DANHMUC_SYNC_UPLOAD_BYTES", cls.sync_upload_bytes, minimum=0),
            sync_upload_seconds=_env_float("DANHMUC_SYNC_UPLOAD_SECONDS", cls.sync_upload_seconds),
            reconcile_after_ingest=_env_bool("DANHMUC_RECONCILE_AFTER_INGEST", cls.reconcile_after_ingest),
            public_url=os.environ.get("DANHMUC_PUBLIC_URL", cls.public_url),
            publisher=os.environ.get("DANHMUC_PUBLISHER") or cls.publisher,
            rate_limit=_env_float("DANHMUC_RATE_LIMIT", cls.rate_limit),
        )
        chosen = {name: value for name, value in overrides.items() if value is not None}
        return replace(base, **chosen)  # type: ignore[arg-type]

    @property
    def keys_stamp(self) -> Path:
        """Touched on every revocation; each server process drops its remembered keys when it changes."""
        return self.data_dir / "keys.version"

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")
