"""Test-wide settings.

Under CI (CI=true) Hypothesis runs derandomized: a red CI must be reproducible by re-running it,
and exploration with fresh random examples happens on every developer's local run instead.

Tests that took a second or more on the 2-core machine (``pytest --durations=0``, 2026-12-05) are
marked ``slow`` here, in one list, so ``make test-fast`` (``-m "not slow"``) gives a quick loop; CI
runs everything. Modules whose fixtures start a server, a browser or OCR are slow as a whole
(deselecting their first test would only move the fixture's cost to the next one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from catalog.store import CatalogStore
from catalog.testing import postgres_schema_url, postgres_unreachable_reason, temporary_store

SLOW_MODULES = frozenset({
    "test_identity_incremental.py",
    "test_api.py",
    "test_api_guard.py",
    "test_api_jobs.py",
    "test_api_openrefine.py",
    "test_api_schemathesis.py",
    "test_celery_cluster.py",
    "test_concepts.py",
    "test_concepts_api.py",
    "test_decisions_undo.py",
    "test_determinism.py",
    "test_exports.py",
    "test_hostile_inputs.py",
    "test_legacy_doc_readers.py",
    "test_migrations.py",
    "test_ocr.py",
    "test_pdf_realdocs.py",
    "test_reports.py",
    "test_time_limit.py",
    "test_web_browser.py",
})
SLOW_TESTS = frozenset({
    "test_bench_scale.py::test_a_generated_text_document_is_read_with_its_new_issuer",
    "test_bench_scale.py::test_a_step_reports_its_child_processes_peak_rss_and_is_killed_past_the_limit",
    "test_corpus_render.py::test_docx_rendering_is_deterministic",
    "test_corpus_render.py::test_scan_rendering_is_deterministic",
    "test_dcat.py::test_official_shapes",
    "test_ingest.py::test_kill_minus_nine_then_rerun_finishes_with_nothing_lost_or_duplicated",
    "test_legacy.py::test_damaged_ole_structure_is_a_clear_error_or_passes",
    "test_legacy.py::test_doc_converts_to_the_same_blocks_as_the_docx",
    "test_matching_learning.py::test_twenty_decisions_on_held_out_documents_do_not_hurt",
    "test_metadata_real.py::test_parent_named_by_the_thuc_hien_opening",
    "test_metadata_real.py::test_scanned_metadata_of_real_documents",
    "test_prose_tasks.py::test_real_decision_conditions_are_not_tasks",
    "test_ocr_langmodel.py::test_a_real_scanned_page_is_only_made_better",
    "test_ocr_langmodel.py::test_pages_once_read_worse_than_plain_tesseract_are_not",
    "test_ocr_numerals.py::test_so_khcn_scan_reads_like_its_twin",
    "test_pdf_reader.py::test_backends_agree_on_corpus_pages",
    "test_pdf_reader.py::test_backends_agree_on_the_fixture",
    "test_pdf_reader.py::test_lines_are_paragraphs_and_wrapped_lines_are_joined",
    "test_prose_tasks.py::test_real_letter_giao_lines_with_lettered_items",
    "test_store.py::test_decisions_are_stored_typed_and_reapplied",
    "test_structure_stitch.py::test_btp_list_of_legal_documents_is_one_table",
})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.nodeid.split("::", 1)[0].removeprefix("tests/")
        test = item.nodeid.removeprefix("tests/").split("[", 1)[0]
        if module in SLOW_MODULES or test in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CatalogStore]:
    """A fresh store on each backend (PostgreSQL skipped with the reason when no server answers);
    a module that needs another kind of store defines its own ``store``."""
    if request.param == "postgres" and (reason := postgres_unreachable_reason()):
        pytest.skip(reason)
    with temporary_store(request.param, tmp_path) as opened:
        yield opened


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database on each backend (a PostgreSQL schema of its own), for a test that opens
    the store itself or hands the URL to a process."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/store.db"
        return
    if reason := postgres_unreachable_reason():
        pytest.skip(reason)
    with postgres_schema_url() as url:
        yield url
