"""The nlp layer's settings (validated, read from the environment; listed in docs/api.md)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings

from extract.settings import layer_config, load_settings


class NlpSettings(BaseSettings):
    model_config = layer_config()

    # A JSON file of the same shape as nlp/data/units.json, merged over it (a province's own units).
    units_extra: Path | None = None


def nlp_settings() -> NlpSettings:
    return load_settings(NlpSettings)
