"""One validated settings object per layer: a bad value names its variable; docs/api.md lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from api.settings import Settings
from catalog.blobs import default_blob_root
from catalog.db import database_url
from catalog.settings import CatalogSettings, catalog_settings
from extract.pdf.source import chosen_backend
from extract.safety import env_int, max_table_rows
from extract.settings import ExtractSettings, SettingsError, extract_settings, variable_name
from nlp.settings import NlpSettings

ROOT = Path(__file__).resolve().parent.parent
LAYERS: list[type[BaseSettings]] = [ExtractSettings, NlpSettings, CatalogSettings, Settings]


@pytest.mark.parametrize(
    ("variable", "value", "read"),
    [
        ("DANHMUC_MAX_PDF_PAGES", "2k", extract_settings),
        ("DANHMUC_MAX_TABLE_ROWS", "0", max_table_rows),
        ("DANHMUC_MAX_RENDER_PIXELS", "-5", extract_settings),
        ("DANHMUC_PDF_BACKEND", "mupdf", chosen_backend),
        ("DANHMUC_WORKER_MAX_RSS_MIB", "1G", lambda: env_int("DANHMUC_WORKER_MAX_RSS_MIB", 1024)),
        ("DANHMUC_MAX_IMAGE_FRAMES", "many", Settings.from_env),  # the service checks the lower layers at start
        ("DANHMUC_INGEST_WORKER_NICE", "40", catalog_settings),  # past nice's 19
    ],
)
def test_a_bad_value_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, read: object
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        read()  # type: ignore[operator]


def test_values_reach_the_old_entry_points(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert chosen_backend() == "pdfium" and max_table_rows() == 20_000
    monkeypatch.setenv("DANHMUC_PDF_BACKEND", " PDFPlumber ")
    monkeypatch.setenv("DANHMUC_MAX_TABLE_ROWS", "7")
    monkeypatch.setenv("DANHMUC_MAX_PDF_PAGES", "")  # empty means the default
    monkeypatch.setenv("DANHMUC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    assert chosen_backend() == "pdfplumber"
    assert max_table_rows() == 7 == env_int("DANHMUC_MAX_TABLE_ROWS", 1)
    assert extract_settings().max_pdf_pages == 2000
    assert default_blob_root() == tmp_path / "blobs"
    assert database_url() == "sqlite:///x.db" == Settings.from_env().database_url
    assert database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


def test_every_variable_is_documented() -> None:
    documented = set(re.findall(r"`((?:DANHMUC_|DATABASE_URL)[A-Z_]*)`", (ROOT / "docs" / "api.md").read_text()))
    variables = {variable_name(layer, field) for layer in LAYERS for field in layer.model_fields}
    assert "DANHMUC_MAX_PDF_PAGES" in variables and "DANHMUC_PORT" in variables
    assert variables - documented == set()
