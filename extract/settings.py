"""Validated settings, one object per layer, read from the environment; a bad value stops with its name.

This module holds the shared machinery (:class:`SettingsError`, :func:`load_settings`) and the
extraction layer's own :class:`ExtractSettings`. nlp (:mod:`nlp.settings`), catalog
(:mod:`catalog.settings`) and api (:mod:`api.settings`) build theirs the same way. Every variable is
listed in docs/api.md. A malformed value (``DANHMUC_MAX_PDF_PAGES=2k``) is an error naming
the variable, never silently the default; an empty one means the default.

Validating costs milliseconds, and the limits are read per page and per image, so an object is
kept per model and per snapshot of the DANHMUC_*/DATABASE_URL variables: a variable changed at run
time (tests, benchmarks) still takes effect at the next read, as the scattered reads it replaced did.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal, TypeVar

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from extract.errors import DanhmucError
from extract.safety import (
    DEFAULT_MAX_DOCX_XML_BYTES,
    DEFAULT_MAX_IMAGE_FRAMES,
    DEFAULT_MAX_IMAGE_PIXELS,
    DEFAULT_MAX_RENDER_PIXELS,
    DEFAULT_MAX_TABLE_CELLS,
    DEFAULT_MAX_TABLE_ROWS,
    DEFAULT_MAX_TEXT_CHARS,
    DEFAULT_WORKER_MAX_RSS_MIB,
)

ENV_PREFIX = "DANHMUC_"
WATCHED = (ENV_PREFIX, "DATABASE_URL")  # every variable a layer's settings read starts so
DEFAULT_MAX_PDF_PAGES = 2000
DEFAULT_MAX_PDF_SECONDS = 900
PdfBackend = Literal["pdfium", "pdfplumber"]

S = TypeVar("S", bound=BaseSettings)


class SettingsError(DanhmucError):
    code = "invalid_setting"


def layer_config() -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="ignore", populate_by_name=True, env_ignore_empty=True
    )


class ExtractSettings(BaseSettings):
    """Bounds of one extraction (see extract/safety.py for why each default) and the PDF backend."""

    model_config = layer_config()

    max_render_pixels: int = Field(default=DEFAULT_MAX_RENDER_PIXELS, gt=0)
    max_image_pixels: int = Field(default=DEFAULT_MAX_IMAGE_PIXELS, gt=0)
    max_image_frames: int = Field(default=DEFAULT_MAX_IMAGE_FRAMES, gt=0)
    max_table_rows: int = Field(default=DEFAULT_MAX_TABLE_ROWS, gt=0)
    max_table_cells: int = Field(default=DEFAULT_MAX_TABLE_CELLS, gt=0)
    max_docx_xml_bytes: int = Field(default=DEFAULT_MAX_DOCX_XML_BYTES, gt=0)
    max_text_chars: int = Field(default=DEFAULT_MAX_TEXT_CHARS, gt=0)
    max_pdf_pages: int = Field(default=DEFAULT_MAX_PDF_PAGES, gt=0)
    max_pdf_seconds: int = Field(default=DEFAULT_MAX_PDF_SECONDS, gt=0)
    worker_max_rss_mib: int = Field(default=DEFAULT_WORKER_MAX_RSS_MIB, gt=0)
    pdf_backend: PdfBackend = "pdfium"

    @field_validator("pdf_backend", mode="before")
    @classmethod
    def _backend_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value


def extract_settings() -> ExtractSettings:
    return load_settings(ExtractSettings)


def load_settings(model: type[S], **overrides: object) -> S:
    """``model`` from the environment; keyword overrides win when not None. Raises SettingsError."""
    chosen = {name: value for name, value in overrides.items() if value is not None}
    if chosen:
        return _validate(model, chosen)
    return _from_environment(model, _environment_key())


def _validate(model: type[S], values: dict[str, object]) -> S:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise settings_error(model, error) from None


def _environment_key() -> tuple[tuple[str, str], ...]:
    # Names are matched without regard to case, as pydantic-settings reads them.
    return tuple(sorted((name, value) for name, value in os.environ.items() if name.upper().startswith(WATCHED)))


@lru_cache(maxsize=32)
def _from_environment(model: type[S], key: tuple[tuple[str, str], ...]) -> S:
    return _validate(model, {})  # ``key`` only tells the cache when the environment changed


def variable_name(model: type[BaseSettings], field: str) -> str:
    """The environment variable that sets ``field`` of ``model``."""
    alias = model.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    prefix = model.model_config.get("env_prefix", "")
    return prefix + field.upper()


def settings_error(model: type[BaseSettings], error: ValidationError) -> SettingsError:
    parts_vi: list[str] = []
    parts_en: list[str] = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = variable_name(model, field) if field in model.model_fields else field
        given = problem.get("input")
        parts_vi.append(f"{name}={given!r} không hợp lệ ({problem['msg']})")
        parts_en.append(f"{name}={given!r} is invalid ({problem['msg']})")
    return SettingsError(
        "Cấu hình sai: " + "; ".join(parts_vi) + ". Hãy sửa biến môi trường rồi chạy lại.",
        "Bad configuration: " + "; ".join(parts_en) + ". Fix the environment variable and run again.",
    )
