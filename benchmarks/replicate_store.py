"""A reconciled SQLite store made N times larger by copying its result, for measuring readers (reports).

    .venv/bin/python -m benchmarks.replicate_store --source /tmp/report-store/s1000.db \\
        --target /tmp/report-store/s3000x.db --times 3

Reconciling 3,000 store-level documents takes most of an hour on a loaded 2-core machine; a report
only reads the result. Each copy ``k`` adds every document (new sha256, source ``r<k>/…``, same
JSON), catalog row, dataset, member, link and flag under new keys, in the same localities and the same
concepts (whose stored dataset and row counts grow accordingly): the report then has N times the
datasets, links, flags and documents, and concepts N times as wide. This is a store-level simulation
of a larger archive, not a reconciliation of one: say so next to any figure it gives.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from pathlib import Path

SHA = "substr({c}, 1, 60) || printf('r%03d', {k})"  # a distinct 64-character "sha256" per copy


def replicate(source: Path, target: Path, times: int) -> None:
    shutil.copyfile(source, target)
    db = sqlite3.connect(target)
    db.execute("PRAGMA foreign_keys = OFF")
    top = db.execute("SELECT coalesce(max(position), 0) + 1 FROM flags").fetchone()[0]
    for k in range(1, times):

        def sha(column: str, k: int = k) -> str:
            return SHA.format(c=column, k=k)

        tag = f"'~{k}'"
        db.executescript(f"""
            INSERT INTO documents SELECT {sha("sha256")}, 'r{k}/' || source, format, size_bytes, page_count,
                schema_version, kind, number, issuer, title, issued, warning_count, entry_count, task_count,
                document_json, added_at FROM documents WHERE length(sha256) = 64 AND sha256 NOT LIKE '%r___';
            INSERT INTO file_versions (path, sha256, version, supersedes_id, is_current, run_id, added_at)
                SELECT 'r{k}/' || path, {sha("sha256")}, version, NULL, is_current, run_id, added_at
                FROM file_versions WHERE sha256 NOT LIKE '%r___';
            INSERT INTO document_localities SELECT {sha("sha256")}, locality FROM document_localities
                WHERE sha256 NOT LIKE '%r___';
            INSERT INTO catalog_entries SELECT key || {tag}, {sha("document_sha256")}, position, table_index,
                row_index, group_name, number, title, description, unit, sharing_raw, frequency_raw, note, sharing,
                frequency, unit_ids, title_key, page, provenance_json FROM catalog_entries WHERE key NOT LIKE '%~%';
            INSERT INTO datasets SELECT id || {tag}, origin || {tag}, title, unit, member_count, document_count,
                canonical_title, canonical_unit, concept_id FROM datasets WHERE id NOT LIKE '%~%';
            INSERT INTO dataset_members SELECT entry_key || {tag}, dataset_id || {tag}, position
                FROM dataset_members WHERE entry_key NOT LIKE '%~%';
            INSERT INTO concept_entries SELECT entry_key || {tag}, concept_id FROM concept_entries
                WHERE entry_key NOT LIKE '%~%';
            INSERT INTO links (left_key, right_key, score, reasons, accepted, decided_by)
                SELECT left_key || {tag}, right_key || {tag}, score, reasons, accepted, decided_by FROM links
                WHERE left_key NOT LIKE '%~%';
            INSERT INTO flags SELECT id || {tag}, position + {top * k}, kind, message, evidence,
                {sha("document_sha256")}, 'r{k}/' || document, provenance_json, dismissed, dismissed_by,
                CASE scope_key WHEN '' THEN '' ELSE scope_key || {tag} END FROM flags WHERE id NOT LIKE '%~%';
        """)  # fmt: skip
    db.execute(f"UPDATE concepts SET dataset_count = dataset_count * {times}, member_count = member_count * {times}")
    db.commit()
    db.execute("VACUUM")
    db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replicate_store", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--target", type=Path, required=True)
    parser.add_argument("--times", type=int, default=3)
    args = parser.parse_args(argv)
    replicate(args.source, args.target, args.times)
    db = sqlite3.connect(args.target)
    counts = {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "datasets", "links", "flags")
    }  # noqa: S608
    print(f"{args.target}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
