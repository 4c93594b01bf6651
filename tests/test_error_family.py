"""One error family: every layer's errors derive from DanhmucError, and the CLI and the API map them once.

The nlp layer's errors (a broken unit registry, a missing optional library) used to be plain
exceptions: `danhmuc extract` printed a traceback and the API answered 500. Here a broken
DANHMUC_UNITS_EXTRA file goes through a real `danhmuc extract` process and the API's one mapping.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.errors import error_response, status_for
from extract.errors import DanhmucError
from nlp.errors import NlpError, OptionalDependencyError, RegistryError

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("extract", "nlp", "matching", "catalog", "api", "danhmuc")
PLAN = ROOT / "corpus" / "docs" / "ha_tinh_qd_1402_danh_muc_csdl.txt"


def _raised_error_classes() -> list[str]:
    """Public exception classes (name ends in Error) defined in the layers, as module:Class."""
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.ClassDef) and node.name.endswith("Error") and not node.name.startswith("_"):
                    module = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
                    found.append(f"{module}:{node.name}")
    return found


# Signals inside the extract layer: each is caught in extract (doc_reader, legacy/doc, pdf/source,
# ocr/engine) and becomes a DanhmucError or a fallback. Listed by name so a new one is looked at.
INTERNAL = {
    "extract.ocr.engine:OcrEngineError",
    "extract.legacy.antiword:AntiwordError",
    "extract.legacy.soffice:SofficeError",
    "extract.legacy.ole:TruncatedOleError",
    "extract.legacy.ole:MalformedOleError",
    "extract.pdf.pdfium_source:RotatedPageError",
}


def test_every_layer_error_is_a_danhmuc_error() -> None:
    import importlib

    outside = []
    for name in _raised_error_classes():
        module, cls = name.split(":")
        if name not in INTERNAL and not issubclass(getattr(importlib.import_module(module), cls), DanhmucError):
            outside.append(name)
    assert outside == []
    assert issubclass(RegistryError, NlpError) and issubclass(OptionalDependencyError, NlpError)


def test_nlp_errors_say_what_happened_and_what_to_do() -> None:
    broken = RegistryError("x.json", "không đọc được", "it cannot be read")
    assert broken.code == "unit_registry_invalid"
    assert "x.json" in broken.message_vi and "Hãy sửa" in broken.message_vi
    assert "x.json" in broken.message_en and "Fix the file" in broken.message_en
    missing = OptionalDependencyError("spaCy", "spacy", "build_pipeline")
    assert missing.code == "optional_dependency_missing" and "pip install danhmuc[spacy]" in missing.message_en


def test_the_api_maps_nlp_errors_once() -> None:
    broken = RegistryError("x.json", "không đọc được", "it cannot be read")
    assert status_for(broken) == 503  # the service is misconfigured, not the request wrong
    body = json.loads(bytes(error_response(broken).body))
    assert body["error"]["code"] == "unit_registry_invalid" and "x.json" in body["error"]["message"]
    assert status_for(OptionalDependencyError("spaCy", "spacy", "build_pipeline")) == 501


@pytest.mark.parametrize("content", ["{not json", '{"units": {"a": 1}}', '{"units": [{"id": "x"}]}'])
def test_danhmuc_extract_with_a_broken_registry_says_so_in_one_line(tmp_path: Path, content: str) -> None:
    extra = tmp_path / "units.json"
    extra.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", "from danhmuc.cli import app; app()", "extract", str(PLAN)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DANHMUC_UNITS_EXTRA": str(extra)},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "[unit_registry_invalid]" in done.stderr and str(extra) in done.stderr
    assert done.stdout == ""


def test_python_dash_m_danhmuc_is_the_same_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "danhmuc", "extract", "/nonexistent.pdf"], capture_output=True, text=True,
        timeout=300, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "[file_not_found]" in done.stderr
