"""One settings object that fails fast, naming the variable (issue #16 "Settings")."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.serve import settings_environment
from api.settings import Settings, SettingsError
from danhmuc.cli import app as cli


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DANHMUC_PORT", "80OO"),
        ("DANHMUC_PORT", "70000"),
        ("DANHMUC_PROCESSING_TIMEOUT", "5m"),
        ("DANHMUC_PROCESSING_TIMEOUT", "-1"),
        ("DANHMUC_MAX_UPLOAD_BYTES", "50MB"),
        ("DANHMUC_ANONYMOUS_READS", "maybe"),
        ("DANHMUC_EXTRACTORS", "-2"),
        ("DANHMUC_RATE_LIMIT", "fast"),
    ],
)
def test_a_bad_value_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env()
    assert variable in str(caught.value) and repr(value) in str(caught.value)
    assert " / " in str(caught.value)


def test_values_are_read_and_overrides_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DANHMUC_PORT", "8123")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/a.db")
    monkeypatch.setenv("DANHMUC_PROCESSING_TIMEOUT", "90")
    monkeypatch.setenv("DANHMUC_ANONYMOUS_READS", "yes")
    settings = Settings.from_env(port=9000, publisher=None)
    assert settings.port == 9000  # the flag wins
    assert settings.database_url.endswith("a.db") and settings.processing_timeout_seconds == 90.0
    assert settings.anonymous_reads is True


def test_workers_zero_keeps_its_old_meaning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANHMUC_WORKERS", "0")
    settings = Settings.from_env()
    assert settings.workers >= 1 and settings.extractors == 0


def test_the_environment_written_for_server_processes_reads_back_the_same(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/s.db", data_dir=tmp_path, port=8765, rate_limit=7.5, extractors=0
    )
    with pytest.MonkeyPatch.context() as patch:
        for name, value in settings_environment(settings).items():
            patch.setenv(name, value)
        assert Settings.from_env() == settings.model_copy(update={"data_dir": tmp_path.resolve()})


def test_cli_reports_a_bad_setting_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DANHMUC_PORT", "80OO")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "invalid_setting" in result.output and "DANHMUC_PORT" in result.output
    assert "Traceback" not in result.output
