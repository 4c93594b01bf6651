"""Every DANHMUC_* variable is read through a validated settings object, never straight from os.environ.

A direct read (``os.environ.get("DANHMUC_X", "")``) silently accepts a malformed value and is missing
from docs/api.md; the source is scanned with ast so a new one fails here, whatever its spelling.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.settings import Settings
from catalog.settings import CatalogSettings
from extract.settings import ExtractSettings, variable_name
from nlp.settings import NlpSettings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("danhmuc", "extract", "nlp", "matching", "catalog", "api")
HARNESSES = ("benchmarks", "scripts", "tests")  # may read their own variables (DANHMUC_REALDOCS), not the settings'
SETTINGS_MODULES = {"extract/settings.py", "nlp/settings.py", "catalog/settings.py", "api/settings.py"}
SETTING_VARIABLES = {
    variable_name(layer, field)
    for layer in (ExtractSettings, NlpSettings, CatalogSettings, Settings)
    for field in layer.model_fields
}


def _is_environ(node: ast.expr) -> bool:
    """``os.environ`` or a bare ``environ`` (from os import environ)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id == "environ"


def _read_key(node: ast.AST) -> tuple[bool, ast.expr | None]:
    """Whether ``node`` reads one environment variable, and the expression naming it."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault") and _is_environ(func.value):
            return True, node.args[0]
        if (isinstance(func, ast.Attribute) and func.attr == "getenv") or (
            isinstance(func, ast.Name) and func.id == "getenv"
        ):
            return True, node.args[0]
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
        return True, node.slice
    if isinstance(node, ast.Compare) and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
        if any(_is_environ(right) for right in node.comparators):
            return True, node.left
    return False, None


def environment_reads(source: str, *, package: bool) -> Iterator[tuple[int, str]]:
    """(line, variable) of each forbidden read in ``source``.

    In the package every DANHMUC_* or DATABASE_URL read is forbidden, and so is a read whose name is
    computed (it could be any of them); in a harness only a read of a variable a settings object owns.
    """
    for node in ast.walk(ast.parse(source)):
        reads, key = _read_key(node)
        if not reads:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            name = key.value
            owned = name in SETTING_VARIABLES
            if owned or (package and (name.startswith("DANHMUC_") or name == "DATABASE_URL")):
                yield node.lineno, name
        elif package:
            yield node.lineno, ast.unparse(key) if key is not None else "?"


def _sources(folders: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in SETTINGS_MODULES:
                yield relative, path


def test_no_module_reads_a_setting_from_the_environment() -> None:
    found = [
        f"{relative}:{line}: {name}"
        for folders, package in ((PACKAGES, True), (HARNESSES, False))
        for relative, path in _sources(folders)
        for line, name in environment_reads(path.read_text(encoding="utf-8"), package=package)
    ]
    assert found == [], "read these through extract/nlp/catalog/api settings (and list them in docs/api.md)"


@pytest.mark.parametrize(
    "snippet",
    [
        'import os\nname = os.environ.get("DANHMUC_WORKER_NAME", "")',
        'import os\nname = os.environ["DANHMUC_WORKER_NAME"]',
        'import os\nname = os.getenv("DATABASE_URL")',
        'from os import environ, getenv\nname = environ.get("DANHMUC_X") or getenv("DANHMUC_Y")',
        'import os\nflag = "DANHMUC_DEBUG" in os.environ',
        "import os\ndef read(name):\n    return os.environ.get(name)",
    ],
)
def test_the_scan_sees_each_spelling_of_a_read(snippet: str) -> None:
    assert list(environment_reads(snippet, package=True)) != []


def test_the_scan_lets_writes_copies_and_harness_variables_pass() -> None:
    allowed = (
        "import os\n"
        'os.environ["DANHMUC_WORKER_NAME"] = "w1"\n'
        'os.environ.update({"DANHMUC_PORT": "8000"})\n'
        "env = {**os.environ}\n"
        'other = os.environ.get("OMP_THREAD_LIMIT")\n'
    )
    assert list(environment_reads(allowed, package=True)) == []
    harness = 'import os\nreal = os.environ.get("DANHMUC_REALDOCS")\nport = os.environ.get("DANHMUC_PORT")'
    assert list(environment_reads(harness, package=False)) == [(3, "DANHMUC_PORT")]
