"""The report's flags and concepts written by a forked child (catalog.reports.forked): the same files as
in one process, and a failure in the child is the parent's failure."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from catalog import CatalogStore
from catalog.reports import write_report_files
from catalog.reports.forked import ChildFailed
from catalog.reports.reader import ReportReader
from danhmuc.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(path.stem for path in (ROOT / "corpus" / "gold").glob("*.json"))
WRITTEN_AT = re.compile(r"Lập lúc \d\d:\d\d \d\d/\d\d/\d{4}")

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="no fork on this system")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    with CatalogStore(url) as store:
        for stem in SEEDS:
            document = process_file(ROOT / "corpus" / "docs" / f"{stem}.txt")
            store.add_document(document, path=f"/archive/{document.source}")
        store.reconcile()
    return url


@pytest.fixture(autouse=True)
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The report forks here even if earlier tests left threads in this process (its guard,
    ``can_fork``, is for processes that may have a thread inside SQLite); each fork is counted."""
    import catalog.reports.files as files

    started: list[int] = []
    real_in_child = files.in_child

    def counted(work):  # type: ignore[no-untyped-def]
        started.append(1)
        return real_in_child(work)

    monkeypatch.setattr(files, "can_fork", lambda: True)
    monkeypatch.setattr(files, "in_child", counted)
    return started


def _contents(out: Path) -> dict[str, object]:
    """Every file, but for the time it was written."""
    found: dict[str, object] = {}
    for path in sorted(out.iterdir()):
        if path.suffix == ".html":
            found[path.name] = WRITTEN_AT.sub("", path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            report = json.loads(path.read_text(encoding="utf-8"))
            report["summary"].pop("generated_at")
            found[path.name] = report
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                found[path.name] = {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}
        else:
            found[path.name] = path.read_bytes()
    return found


@pytest.mark.parametrize("page_rows", [3, 500])  # sections over many pages, and each on bao-cao.html
def test_forked_report_is_the_one_process_report(
    database: str, tmp_path: Path, page_rows: int, forks: list[int]
) -> None:
    with CatalogStore(database) as store:
        alone = write_report_files(store, tmp_path / "alone", page_rows=page_rows, fork=False)
        assert not forks
        forked = write_report_files(store, tmp_path / "forked", page_rows=page_rows)
        assert forks == [1]
    assert alone.summary.flags_open and alone.summary.concepts  # both parts have rows to write
    assert forked.summary.model_copy(update={"generated_at": alone.summary.generated_at}) == alone.summary
    assert _contents(tmp_path / "forked") == _contents(tmp_path / "alone")
    assert not list((tmp_path / "forked").glob("*.part")) and not list((tmp_path / "forked").glob("*.flags"))


def test_a_failure_in_the_child_fails_the_report(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: ReportReader, keys: object = None) -> None:
        raise ValueError("khái niệm hỏng")

    monkeypatch.setattr(ReportReader, "concepts", broken)
    with CatalogStore(database) as store, pytest.raises(ChildFailed, match="khái niệm hỏng"):
        write_report_files(store, tmp_path)


def test_a_process_with_other_threads_does_not_fork() -> None:
    import threading

    from catalog.reports.forked import can_fork

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        other.join()
