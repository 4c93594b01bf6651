"""The layers below the CLI never import it: extract → nlp → matching → catalog → api → danhmuc."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("extract", "nlp", "matching", "catalog", "api")


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every absolute module an AST imports, at any depth (lazy imports inside functions count)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def cli_imports(tree: ast.AST) -> list[str]:
    return [
        f"{line}: {module}"
        for line, module in imported_modules(tree)
        if module == "danhmuc" or module.startswith("danhmuc.")
    ]


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_does_not_import_the_cli(layer: str) -> None:
    modules = sorted((ROOT / layer).rglob("*.py"))
    assert modules, f"no modules found under {layer}/"
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in modules
        # a module whose text never names the CLI cannot import it: only those are parsed (speed)
        if "danhmuc" in (text := path.read_text(encoding="utf-8"))
        and (found := cli_imports(ast.parse(text, filename=str(path))))
    }
    assert offenders == {}


def test_the_check_sees_lazy_and_aliased_imports() -> None:
    source = (
        "def f():\n    import danhmuc.pipeline as p\n    from danhmuc.errors import DanhmucError\nimport danhmucx\n"
    )
    assert cli_imports(ast.parse(source)) == ["2: danhmuc.pipeline", "3: danhmuc.errors"]


def test_cli_names_still_re_export_the_moved_objects() -> None:
    import danhmuc.errors
    import danhmuc.pipeline
    import extract.errors
    import nlp.pipeline

    assert danhmuc.errors.DanhmucError is extract.errors.DanhmucError
    assert danhmuc.pipeline.process_file is nlp.pipeline.process_file
