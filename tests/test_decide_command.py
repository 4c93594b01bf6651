"""`danhmuc decide` refuses each malformed decision with one line saying what to give instead.

Run through the real command (its one error mapping) on an empty store, so every reference is
unknown: the checks of the options come first, then the store is asked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from danhmuc.cli import app

WHO = ["--who", "Trần Chi"]


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (WHO, "invalid_decision", "give exactly one action, got 0 (none)"),
        (
            [*WHO, "--merge", "a", "--merge", "b", "--split", "c", "--member", "x"],
            "invalid_decision",
            "got 2 (--merge, --split)",
        ),
        (["--who", " ", "--merge", "a", "--merge", "b"], "invalid_decision", "--who must not be empty"),
        ([*WHO, "--merge", "a", "--merge", "a"], "invalid_decision", "--merge needs two datasets"),
        ([*WHO, "--split", "d"], "invalid_decision", "--split needs at least one --member"),
        ([*WHO, "--set-canonical", "d"], "invalid_decision", "--set-canonical needs --title/--unit"),
        ([*WHO, "--dismiss-flag", "f", "--reason", "  "], "invalid_decision", "dismissing a flag needs --reason"),
        ([*WHO, "--merge", "ds-x", "--merge", "ds-y"], "unknown_reference", "No dataset 'ds-x'"),
        ([*WHO, "--confirm-link", "k2", "k1"], "unknown_reference", "No catalog entry 'k1'"),
        ([*WHO, "--reject-link", "k2", "k1"], "unknown_reference", "No catalog entry 'k1'"),
        ([*WHO, "--split", "d", "--member", "k"], "unknown_reference", "No dataset 'd'"),
        ([*WHO, "--set-canonical", "d", "--unit", "Sở Tư pháp"], "unknown_reference", "No dataset 'd'"),
        ([*WHO, "--dismiss-flag", "f", "--reason", "đã đối chiếu"], "unknown_reference", "No flag 'f'"),
    ],  # fmt: skip
)
def test_a_malformed_decision_is_one_clear_line(tmp_path: Path, args: list[str], code: str, said: str) -> None:
    result = CliRunner().invoke(app, ["decide", *args], env={"DATABASE_URL": f"sqlite:///{tmp_path / 'kho.db'}"})
    assert result.exit_code == 2, result.output
    assert f"[{code}]" in result.stderr and said in result.stderr
    assert "Traceback" not in result.output
