"""benchmarks/scale_growth.py on a tiny store: it calls private functions of catalog.placing and
catalog.reconcile_run, and two merges broke it unnoticed; this runs `run`, `place` and `fit` end to end."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from benchmarks import scale_growth
from benchmarks.scale_store import variant
from catalog import incremental, placing
from catalog.store import CatalogStore
from danhmuc.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ("dong_cuu_ke_hoach_2026", "son_hai_ke_hoach_2026")  # two small corpus plans, 24-34 rows each
DOCUMENTS = 9


def _documents_in(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM match_documents").fetchone()[0])


def _rows_in(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM match_entries").fetchone()[0])


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of DOCUMENTS variants of two corpus plans, reconciled by `run` with copies at 3 and 6."""
    folder = tmp_path_factory.mktemp("growth")
    seeds = [process_file(str(ROOT / "corpus" / "docs" / f"{stem}.txt")) for stem in SEEDS]
    rng = random.Random(13)
    with CatalogStore(f"sqlite:///{folder / 's.db'}") as store:
        for index in range(DOCUMENTS):
            document = variant(seeds[index % len(seeds)], index, rng)
            store.add_document(document, path=document.source)
    real = placing.place_pending

    def two_a_transaction(*args: object, **kw: object) -> bool:
        kw.update(batch=2)  # else the run places all nine in its first transaction and copies nothing between
        return real(*args, **kw)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(placing, "place_pending", two_a_transaction)
        scale_growth.run(f"sqlite:///{folder / 's.db'}", folder / "growth.tsv", [3, 6])
        assert placing.place_pending is two_a_transaction  # run put back what it found
    return folder


def test_run_logs_each_transaction_and_copies_the_store_as_it_passes_each_size(grown: Path) -> None:
    lines = (grown / "growth.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith(f"# done: {DOCUMENTS} documents")
    assert "# copy at3.db at " in "\n".join(lines) and "# copy at6.db at " in "\n".join(lines)
    rows = [[float(v) for v in line.split("\t")] for line in lines if not line.startswith("#")]
    assert rows[0][0] == 0 and len(rows) >= 2
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)  # documents placed, CPU-s and wall only grow
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)
    assert 3 <= _documents_in(grown / "at3.db") < 6 <= _documents_in(grown / "at6.db") < DOCUMENTS
    assert _documents_in(grown / "s.db") == DOCUMENTS


def test_place_places_the_next_documents_one_a_transaction_and_dumps_the_same_result_twice(
    grown: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = _documents_in(grown / "at3.db")
    phases = [getattr(incremental.Matcher, name) for name in scale_growth.PHASES]
    dumps = []
    for run in (1, 2):
        out = grown / f"dump{run}.json"
        scale_growth.place(grown / "at3.db", grown / f"w{run}.db", 2, out)
        dumps.append(out.read_bytes())
        assert _documents_in(grown / f"w{run}.db") == start + 2
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 4 and all(line.startswith("at3.db: 2 documents, ") for line in printed[::2])
    assert printed[0].rsplit("digest ", 1)[1] == printed[2].rsplit("digest ", 1)[1]
    rows = int(printed[1].split()[0])
    assert rows == len(json.loads(dumps[0])["entries_index"]) - _rows_in(grown / "at3.db")
    # each document is charged to its template: the two seeds' names, two documents in all
    by_template = printed[1].split("by template: ", 1)[1]
    assert by_template.count("(") == by_template.count(")") and set(SEEDS) >= {
        part.split(" (")[0] for part in by_template.split("; ")[0].split(", ")
    }
    assert sum(int(part.split("(")[1].split(")")[0]) for part in by_template.split("; ")[0].split(", ")) == 2
    assert all(f"{phase} " in printed[0] for phase in scale_growth.PHASES)
    assert dumps[0] == dumps[1]
    dump = json.loads(dumps[0])
    assert len(dump["members"]) > 40 and dump["link_rows"] and dump["postings"] and dump["heads"]
    assert _documents_in(grown / "at3.db") == start  # the source is copied, never written
    # the timing wrappers are taken off again: other tests in this process see the real methods
    assert phases == [getattr(incremental.Matcher, name) for name in scale_growth.PHASES]
    assert placing.place_pending.__module__ == "catalog.placing"
    # --light: the result's rows only (no canonical_dump), the same digest twice
    for run in (3, 4):
        scale_growth.place(grown / "at3.db", grown / f"w{run}.db", 2, grown / f"dump{run}.json", light=True)
    light = capsys.readouterr().out.splitlines()
    assert light[0].rsplit("digest ", 1)[1] == light[2].rsplit("digest ", 1)[1] != printed[0].rsplit("digest ", 1)[1]
    dump = json.loads((grown / "dump3.json").read_bytes())
    assert "documents" not in dump and dump["members"] and "concept_rows" in dump


def test_fit_reads_the_log_of_run(grown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scale_growth.fit(grown / "growth.tsv", window=1)
    printed = capsys.readouterr().out
    assert f"total: {DOCUMENTS} documents" in printed
    assert "CPU-s a document" in printed


def test_slice_profiles_the_next_documents(grown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pstats

    scale_growth.slice_(grown / "at3.db", 2, grown / "slice.pstats")
    printed = capsys.readouterr().out
    # slice stops after the transaction that passes the count; a transaction places up to 50 documents
    assert 2 <= int(printed.split(": ", 1)[1].split(" documents in ")[0]) <= DOCUMENTS - 3
    names = {name for _, _, name in pstats.Stats(str(grown / "slice.pstats")).stats}  # type: ignore[attr-defined]
    assert "place_rows" in names
    assert placing.place_pending.__module__ == "catalog.placing"
