"""The catalog layer's settings (validated, read from the environment; listed in docs/api.md).

The API's Settings extends this class, so the CLI and the service read the database and the data
folder from the same variables with the same defaults.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings

from extract.settings import layer_config, load_settings

DEFAULT_URL = "sqlite:///danhmuc.db"
DEFAULT_DATA_DIR = Path("danhmuc-data")


class CatalogSettings(BaseSettings):
    model_config = layer_config()

    database_url: str = Field(
        default=DEFAULT_URL, validation_alias=AliasChoices("DATABASE_URL", "DANHMUC_DATABASE_URL")
    )
    data_dir: Path = DEFAULT_DATA_DIR  # original uploaded bytes (blobs/) and job spool files
    # Nice steps of `danhmuc ingest`'s extraction workers beside its reconciler (catalog/ingest.py):
    # 0 on a host shared with other programs, where niced workers only lose their share to them.
    ingest_worker_nice: int = Field(default=4, ge=0, le=19)


def catalog_settings() -> CatalogSettings:
    return load_settings(CatalogSettings)
