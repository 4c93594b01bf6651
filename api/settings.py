"""Service settings: one validated object, read from the environment, that fails fast.

Command-line flags override the environment; defaults are the safe choice: listen on loopback only,
uploads up to 50 MiB, one document may take at most five minutes, and nobody reads without an API
key unless an operator opens reads on purpose. A malformed value (``DANHMUC_PORT=80OO``,
``DANHMUC_PROCESSING_TIMEOUT=5m``) is an error naming the variable, never silently the default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, ValidationError, model_validator
from pydantic_settings import SettingsConfigDict

from catalog.settings import CatalogSettings
from extract.settings import SettingsError, extract_settings, settings_error
from extract.settings import variable_name as layer_variable_name
from nlp.settings import nlp_settings

MIB = 2**20
ENV_PREFIX = "DANHMUC_"


def default_server_workers() -> int:
    """Two processes where there are two cores: one Python process cannot use more than one core."""
    return max(1, min(2, os.cpu_count() or 1))


class Settings(CatalogSettings):  # database_url, data_dir: the catalog layer's
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_upload_bytes: int = Field(default=50 * MIB, ge=1)
    processing_timeout_seconds: float = Field(
        default=300.0, gt=0, validation_alias=AliasChoices("DANHMUC_PROCESSING_TIMEOUT", "processing_timeout_seconds")
    )
    workers: int = Field(default_factory=default_server_workers, ge=1)  # HTTP server processes
    extractors: int = Field(default=2, ge=0)  # extraction processes shared by the server processes; 0 = reads only
    anonymous_reads: bool = False  # writes always need a key, whatever this says
    # An upload of a typed file (text, DOCX, PDF with a text layer) up to this size is answered
    # 201 with the document when it is processed within the time budget; otherwise 202 + job.
    sync_upload_bytes: int = Field(default=2 * MIB, ge=0)
    sync_upload_seconds: float = Field(default=10.0, gt=0)
    reconcile_after_ingest: bool = True
    # Uploads finishing within this many seconds of each other share one reconciliation (0 = none).
    reconcile_debounce_seconds: float = Field(default=2.0, ge=0)
    public_url: str = ""  # base of the IRIs in DCAT exports; default http://host:port
    publisher: str = "Đơn vị vận hành danh mục dữ liệu"  # dct:publisher of the exported DCAT catalog
    rate_limit: float = Field(default=200.0, ge=0)  # requests/s per key and server process (burst 2×); 0 = off
    # Celery broker (redis://host:6379/0, amqp://…): set, uploads and `danhmuc ingest` are extracted
    # by `danhmuc worker` processes on any host reaching the broker and the database; empty, this
    # host extracts as before (docs/deployment.md).
    broker_url: str = ""
    # A task whose worker vanished (kill -9, host lost) is handed to another worker this long after it
    # was taken; it must exceed the longest task (0 = the processing timeout plus two minutes).
    task_redelivery_seconds: float = Field(default=0.0, ge=0)
    # A server process holding a job renews its lease every third of this; a job whose process died (kill -9,
    # host lost) is taken over by another server process this long after the last renewal.
    job_lease_seconds: float = Field(default=30.0, ge=3.0)
    # The name a Celery worker's leases carry in the jobs table (`danhmuc worker --name` sets it for its
    # processes); empty, the host name.
    worker_name: str = ""
    # The broker queue the workers read. Deployments (or test runs) sharing one Redis keep their tasks
    # apart with a queue each: a worker of another database would take a job id it cannot find.
    task_queue: str = Field(default="danhmuc", min_length=1, max_length=100, pattern=r"^[\w.\-]+$")
    # A job still queued this long after it was queued (or running under a lease that lapsed this
    # long ago) lost its broker message (broker flushed or restarted without persistence): a worker
    # sends it again, once per period (0 = the redelivery time above).
    task_resend_seconds: float = Field(default=0.0, ge=0)
    # Test-only faults (api/cluster/faults.py): a file whose name holds the marker stalls in C code, or
    # swallows the soft time limit's exception. Empty, as in every deployment: nothing happens.
    test_stall_in_c: str = ""
    test_swallow_limit: str = ""

    @property
    def job_renew_seconds(self) -> float:
        """How often a held lease is renewed: a lease outlasts two missed renewals."""
        return self.job_lease_seconds / 3

    @model_validator(mode="before")
    @classmethod
    def _workers_zero_means_no_extraction(cls, data: Any) -> Any:
        # DANHMUC_WORKERS=0 once meant "no extraction" (workers were extraction processes then): it keeps
        # meaning that, so an old read-only deployment does not start extracting.
        if isinstance(data, dict) and str(data.get("workers", "")).strip() == "0":
            data = {**data, "workers": default_server_workers()}
            data.setdefault("extractors", 0)
        return data

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read DANHMUC_* variables (and DATABASE_URL); explicit keyword overrides win when not None."""
        chosen = {name: value for name, value in overrides.items() if value is not None}
        extract_settings(), nlp_settings()  # a bad lower-layer variable stops the service now, not at an upload
        try:
            return cls.model_validate(chosen)
        except ValidationError as error:
            raise _settings_error(error) from None

    @property
    def keys_stamp(self) -> Path:
        """Touched on every revocation; each server process drops its remembered keys when it changes."""
        return self.data_dir / "keys.version"

    @property
    def uses_celery(self) -> bool:
        return bool(self.broker_url.strip())

    @property
    def redelivery_seconds(self) -> float:
        return self.task_redelivery_seconds or self.processing_timeout_seconds + 120.0

    @property
    def resend_seconds(self) -> float:
        return self.task_resend_seconds or self.redelivery_seconds

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


def variable_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    return layer_variable_name(Settings, field)


def _settings_error(error: ValidationError) -> SettingsError:
    return settings_error(Settings, error)
