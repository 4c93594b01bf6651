"""A reconciled SQLite store made N times larger by copying its result and its matching index.

    .venv/bin/python -m benchmarks.replicate_store --source /tmp/report-store/s1000.db \\
        --target /tmp/report-store/s3000x.db --times 3

Reconciling 10,000 store-level documents takes most of a CPU-hour on a loaded 2-core machine; a
report only reads the result, and adding a few documents (`scale_store.py add`) only needs
a result with its index. Each copy ``k`` adds every document under a new sha256 (the first 60
characters of the original's then ``r00k``), source ``r<k>/…``, its số hiệu suffixed ``-R<k>`` and
its title `` (bản sao k)`` — so the copies are distinct plans, not renderings of one
(catalog/incremental_identity.py) — with its catalog rows (keys ``<new sha>:<table>:<row>``), datasets
(ids derived from their new origin row as matching.model.dataset_id_for derives them), members,
value counts, links, flags (ids from matching.model.flag_id) and concepts, in the same localities.
The matching index comes along so that an incremental reconciliation finds nothing to do: each
copy's match_documents (sequence numbers continuing the counter), match_entries (exemplar and
concept-representative marks), match_postings, match_citations (its own số hiệu renamed, what it
cites kept), the concept wordings of numbered sub-rows (which carry their row key), and the counts
of match_terms and match_state. A copied dataset keeps its concept (a wording is unique: a copy's
row finds the original's wording), so concepts grow N times as wide.

The copies' rows form datasets of their own rather than joining the originals', as a real
reconciliation of identical rows would: the archive has N times the datasets, links, flags and
exemplars, and the blocking index N times the postings. Decisions and tasks are not copied. This is
a store-level simulation of a larger archive, not a reconciliation of one: say so next to any
figure it gives.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.flags import number_key  # noqa: E402
from matching.model import FlagKind, dataset_id_for, flag_id  # noqa: E402
from matching.text import normalize  # noqa: E402


def copy_number(number: str | None, k: int) -> str:
    return f"{number}-R{k}" if number else ""


def copy_title(title: str | None, k: int) -> str:
    return f"{title} (bản sao {k})" if title else ""


def _new_key(key: str, k: int) -> str:
    return f"{key[:60]}r{k:03d}{key[64:]}"


def _copy_dataset_id(dataset: str, origin: str, k: int) -> str:
    """The id a copied dataset gets from its copied origin row, as incremental matching names a new one."""
    if dataset == dataset_id_for(origin):
        return dataset_id_for(_new_key(origin, k))
    if dataset == dataset_id_for(f"{origin}#split"):
        return dataset_id_for(f"{_new_key(origin, k)}#split")
    return "ds-" + hashlib.sha256(f"{dataset}~{k}".encode()).hexdigest()[:16]  # a decision's id: kept unique


def _functions(db: sqlite3.Connection) -> None:
    db.create_function("copy_number", 2, copy_number, deterministic=True)
    db.create_function("copy_title", 2, copy_title, deterministic=True)
    db.create_function("number_key", 1, number_key, deterministic=True)
    db.create_function("normalize", 1, normalize, deterministic=True)
    db.create_function("copy_dataset_id", 3, _copy_dataset_id, deterministic=True)
    db.create_function("flag_id", 3, lambda kind, sha, evidence: flag_id(FlagKind(kind), sha, json.loads(evidence)),
                       deterministic=True)  # fmt: skip


def _state(db: sqlite3.Connection, name: str) -> int:
    found = db.execute("SELECT value FROM match_state WHERE name = ?", (name,)).fetchone()
    return int(found[0]) if found else 0


def replicate(source: Path, target: Path, times: int) -> None:
    shutil.copyfile(source, target)
    db = sqlite3.connect(target)
    _functions(db)
    db.execute("PRAGMA foreign_keys = OFF")
    if _state(db, "placing_seq") or _state(db, "run_owed"):
        raise SystemExit(f"{source}: a reconciliation is unfinished there; run it to the end first")
    seq = _state(db, "seq")
    numbered_reps = {  # concept wordings of numbered sub-rows end with their row's key (catalog.incremental)
        wording.rsplit("#", 1)[1]: (wording.rsplit("#", 1)[0], concept)
        for wording, concept in db.execute("SELECT wording, concept_id FROM concept_wordings WHERE wording LIKE '%#%'")
    }  # fmt: skip
    db.executescript("""
        CREATE TEMP TABLE originals (sha256 TEXT PRIMARY KEY);
        INSERT INTO originals SELECT sha256 FROM documents;
        CREATE TEMP TABLE own_numbers (sha256 TEXT PRIMARY KEY, number TEXT, title TEXT, dated INTEGER);
        INSERT INTO own_numbers SELECT sha256, json_extract(document_json, '$.metadata.number'),
            json_extract(document_json, '$.metadata.title'),
            coalesce(json_extract(document_json, '$.metadata.date'), '') != '' FROM documents;
        CREATE TEMP TABLE numbered_reps (key TEXT PRIMARY KEY);
        CREATE TEMP TABLE dataset_ids (old TEXT PRIMARY KEY, new TEXT);
    """)  # fmt: skip
    db.executemany("INSERT INTO numbered_reps VALUES (?)", [(key,) for key in numbered_reps])
    for k in range(1, times):
        _copy(db, k, seq)
        wordings = [(f"{words}#{_new_key(key, k)}", concept) for key, (words, concept) in numbered_reps.items()]
        db.executemany("INSERT INTO concept_wordings VALUES (?, ?)", wordings)
    _recount(db, times, seq)
    if times > 1 and db.execute("SELECT 1 FROM sqlite_master WHERE name = 'dataset_summaries'").fetchone():
        # The copies' datasets have no summaries (0020): the first reader summarises the whole catalog again.
        db.execute("DELETE FROM dataset_summaries")
        db.execute("UPDATE reconcile_runs SET summaries_written = 0")
    db.commit()
    db.execute("VACUUM")
    db.close()


def _copy(db: sqlite3.Connection, k: int, seq: int) -> None:
    tail = f"r{k:03d}"

    def sha(column: str) -> str:
        return f"substr({column}, 1, 60) || '{tail}'"

    def key(column: str) -> str:
        return f"{sha(column)} || substr({column}, 65)"

    mine = "IN (SELECT sha256 FROM temp.originals)"
    db.executescript(f"""
        INSERT INTO documents SELECT {sha("d.sha256")}, 'r{k}/' || source, format, size_bytes, page_count,
            schema_version, kind, copy_number(d.number, {k}), issuer, copy_title(d.title, {k}), issued,
            warning_count, entry_count, task_count,
            json_set(document_json, '$.sha256', {sha("d.sha256")}, '$.source', 'r{k}/' || source,
                     '$.metadata.number', copy_number(o.number, {k}), '$.metadata.title', copy_title(o.title, {k})),
            added_at, {sha("d.sha256")} FROM documents d JOIN temp.own_numbers o ON o.sha256 = d.sha256
            WHERE d.sha256 {mine};
        INSERT INTO file_versions (path, sha256, version, supersedes_id, is_current, run_id, added_at)
            SELECT 'r{k}/' || path, {sha("sha256")}, version, NULL, is_current, run_id, added_at
            FROM file_versions WHERE sha256 {mine};
        INSERT INTO document_localities SELECT {sha("sha256")}, locality FROM document_localities WHERE sha256 {mine};
        INSERT INTO catalog_entries SELECT {key("key")}, {sha("document_sha256")}, position, table_index,
            row_index, group_name, number, title, description, unit, sharing_raw, frequency_raw, note, sharing,
            frequency, unit_ids, title_key, page, provenance_json FROM catalog_entries WHERE document_sha256 {mine};
        DELETE FROM temp.dataset_ids;
        INSERT INTO temp.dataset_ids SELECT id, copy_dataset_id(id, origin, {k}) FROM datasets
            WHERE substr(origin, 1, 64) {mine};
        INSERT INTO datasets SELECT m.new, {key("origin")}, title, unit, member_count, document_count,
            canonical_title, canonical_unit, concept_id FROM datasets JOIN temp.dataset_ids m ON m.old = id;
        INSERT INTO dataset_values SELECT m.new, kind, value, count, first_position FROM dataset_values
            JOIN temp.dataset_ids m ON m.old = dataset_id;
        INSERT INTO dataset_members SELECT {key("entry_key")}, m.new, position, exemplar FROM dataset_members
            JOIN temp.dataset_ids m ON m.old = dataset_id;
        INSERT INTO concept_entries SELECT {key("entry_key")}, concept_id, coalesce(m.new, '') FROM concept_entries
            LEFT JOIN temp.dataset_ids m ON m.old = dataset_id WHERE substr(entry_key, 1, 64) {mine};
        INSERT INTO concept_values SELECT concept_id, kind, m.new, count FROM concept_values
            JOIN temp.dataset_ids m ON m.old = value WHERE kind = 'd';
        INSERT INTO links (left_key, right_key, score, reasons, accepted, decided_by)
            SELECT {key("left_key")}, {key("right_key")}, score, reasons, accepted, decided_by FROM links
            WHERE substr(left_key, 1, 64) {mine};
        INSERT INTO match_documents SELECT {sha("d.sha256")}, seq + {k * seq}, 'r{k}/' || source, scope_level,
            scope_province, CASE number_key WHEN '' THEN '' ELSE number_key(copy_number(o.number, {k})) END,
            parent_key, parent_title,
            CASE title_norm WHEN '' THEN '' ELSE normalize(copy_title(o.title, {k})) END,
            parent_sha, parent_score
            FROM match_documents d JOIN temp.own_numbers o ON o.sha256 = d.sha256 WHERE d.sha256 {mine};
        INSERT INTO match_entries SELECT {key("key")}, {sha("document_sha256")}, unit_types, unit_label, exemplar,
            concept_rep AND key IN (SELECT key FROM temp.numbered_reps) FROM match_entries
            WHERE document_sha256 {mine};
        INSERT INTO match_postings (token, scope, entry_key) SELECT token, scope, {key("entry_key")}
            FROM match_postings WHERE substr(entry_key, 1, 64) {mine} ORDER BY id;
        INSERT INTO match_citations (document_sha256, key, date, position, provenance_json)
            SELECT {sha("c.document_sha256")},
                CASE WHEN c.position = 0 AND o.number != '' AND o.dated THEN number_key(copy_number(o.number, {k}))
                     ELSE c.key END, date, position, provenance_json
            FROM match_citations c JOIN temp.own_numbers o ON o.sha256 = c.document_sha256
            WHERE c.document_sha256 {mine} ORDER BY c.id;
        INSERT INTO flags SELECT flag_id(kind, {sha("document_sha256")}, evidence), position + {10 * k * seq}, kind,
            message, evidence, {sha("document_sha256")}, 'r{k}/' || document, provenance_json, dismissed, dismissed_by,
            CASE kind WHEN 'unit_conflict' THEN (SELECT new FROM temp.dataset_ids WHERE old = scope_key)
                      ELSE scope_key END
            FROM flags WHERE document_sha256 {mine};
        -- A copy's own số hiệu is its own: a conflict the original had on it is not the copy's.
        DELETE FROM flags WHERE kind = 'citation_conflict' AND substr(document_sha256, 61) = '{tail}'
            AND NOT EXISTS (SELECT 1 FROM match_citations c WHERE c.document_sha256 = flags.document_sha256
                            AND c.key = flags.scope_key);
    """)  # fmt: skip


def _recount(db: sqlite3.Connection, times: int, seq: int) -> None:
    """Counters kept for matching, recounted from the copied tables where they can be."""
    rows = _state(db, "rows")
    db.executescript(f"""
        UPDATE match_state SET value = {rows * times} WHERE name = 'rows';
        UPDATE match_state SET value = {seq * times} WHERE name = 'seq';
        -- "w": rows containing the word; every copy adds the same rows, so each count N times.
        UPDATE match_terms SET count = count * {times} WHERE kind = 'w';
        -- "p": postings under the token, counted again from the index.
        UPDATE match_terms SET count = (SELECT count(*) FROM match_postings WHERE token = term) WHERE kind = 'p';
        UPDATE concepts SET dataset_count = dataset_count * {times}, member_count = member_count * {times};
        -- A copy's rows are in the original's localities, published by the same agencies.
        UPDATE concept_values SET count = count * {times} WHERE kind != 'd';
        UPDATE match_state SET value = {seq * times} WHERE name = 'concepts_seq';
        -- The last run's summary shows the result as it is now.
        UPDATE reconcile_runs SET document_count = (SELECT count(*) FROM match_documents),
            entry_count = (SELECT count(*) FROM dataset_members), dataset_count = (SELECT count(*) FROM datasets),
            link_count = (SELECT count(*) FROM links), candidate_pairs = (SELECT count(*) FROM links),
            flag_count = (SELECT count(*) FROM flags)
            WHERE id = (SELECT max(id) FROM reconcile_runs);
    """)  # fmt: skip


def index_problems(path: Path) -> list[str]:
    """Where the matching index disagrees with the result it indexes (empty: consistent).

    What incremental matching relies on between runs: counters equal to what they count, every
    matched row indexed and placed, postings only under exemplars, word and posting counts equal to
    a recount, dataset sizes and value counts equal to their members.
    """
    from collections import Counter

    from matching.placement import _text

    db = sqlite3.connect(path)
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    problems = []
    checks = {
        "state rows != match_entries": "SELECT (SELECT value FROM match_state WHERE name = 'rows') "
                                       "!= (SELECT count(*) FROM match_entries)",
        "state seq != max(seq)": "SELECT (SELECT value FROM match_state WHERE name = 'seq') "
                                 "!= (SELECT max(seq) FROM match_documents)",
        "current document not matched": "SELECT count(*) FROM file_versions WHERE is_current "
                                        "AND sha256 NOT IN (SELECT sha256 FROM match_documents)",
        "row of a matched document not indexed": "SELECT count(*) FROM catalog_entries WHERE document_sha256 IN "
            "(SELECT sha256 FROM match_documents) AND key NOT IN (SELECT key FROM match_entries)",
        "indexed row not placed": "SELECT count(*) FROM match_entries WHERE key NOT IN "
                                  "(SELECT entry_key FROM dataset_members)",
        "indexed row of another document": "SELECT count(*) FROM match_entries WHERE substr(key, 1, 64) "
                                           "!= document_sha256",
        "member marked unlike its entry": "SELECT count(*) FROM dataset_members m JOIN match_entries e "
                                          "ON e.key = m.entry_key WHERE m.exemplar != e.exemplar",
        "posting of a non-exemplar": "SELECT count(*) FROM match_postings WHERE entry_key NOT IN "
                                     "(SELECT key FROM match_entries WHERE exemplar)",
        "posting count != postings": "SELECT count(*) FROM (SELECT token, count(*) n FROM match_postings "
            "GROUP BY token) p LEFT JOIN match_terms t ON t.kind = 'p' AND t.term = p.token "
            "WHERE t.count IS NULL OR t.count != p.n",
        "dataset size != members": "SELECT count(*) FROM datasets d WHERE member_count != (SELECT count(*) "
                                   "FROM dataset_members WHERE dataset_id = d.id)",
        "dataset documents != members'": "SELECT count(*) FROM datasets d WHERE document_count != (SELECT "
            "count(DISTINCT substr(entry_key, 1, 64)) FROM dataset_members WHERE dataset_id = d.id)",
        "title counts != members": "SELECT count(*) FROM (SELECT m.dataset_id, e.title, count(*) n "
            "FROM dataset_members m JOIN catalog_entries e ON e.key = m.entry_key GROUP BY 1, 2) c "
            "LEFT JOIN dataset_values v ON v.dataset_id = c.dataset_id AND v.kind = 't' AND v.value = c.title "
            "WHERE v.count IS NULL OR v.count != c.n",
        "concept dataset counts != rows": "SELECT count(*) FROM (SELECT concept_id, dataset_id, count(*) n "
            "FROM concept_entries GROUP BY 1, 2) c LEFT JOIN concept_values v ON v.concept_id = c.concept_id "
            "AND v.kind = 'd' AND v.value = c.dataset_id WHERE v.count IS NULL OR v.count != c.n",
        "member of no dataset": "SELECT count(*) FROM dataset_members "
                                "WHERE dataset_id NOT IN (SELECT id FROM datasets)",
        "dataset of no concept wording": "SELECT count(*) FROM datasets WHERE concept_id NOT IN "
                                         "(SELECT concept_id FROM concept_wordings)",
        "link to a row not placed": "SELECT count(*) FROM links WHERE left_key NOT IN (SELECT key FROM match_entries) "
                                    "OR right_key NOT IN (SELECT key FROM match_entries) OR left_key >= right_key",
        "parent not matched": "SELECT count(*) FROM match_documents WHERE parent_sha != '' AND parent_sha NOT IN "
                              "(SELECT sha256 FROM match_documents)",
        "unit conflict of no dataset": "SELECT count(*) FROM flags WHERE kind = 'unit_conflict' "
                                       "AND scope_key NOT IN (SELECT id FROM datasets)",
        "document key != its JSON's sha256": "SELECT count(*) FROM documents "
                                             "WHERE json_extract(document_json, '$.sha256') != sha256",
    }  # fmt: skip
    for name, sql in checks.items():
        if found := one(sql):
            problems.append(f"{name}: {found}")
    words: Counter[str] = Counter()
    for title_key, description, title in db.execute(
        "SELECT title_key, description, title FROM catalog_entries WHERE key IN (SELECT key FROM match_entries)"
    ):
        words.update(_text(title_key, description, title).tokens)
    stored = dict(db.execute("SELECT term, count FROM match_terms WHERE kind = 'w'").fetchall())
    wrong = {w for w in set(words) | set(stored) if words.get(w, 0) != stored.get(w, 0)}
    if wrong:
        problems.append(f"word counts != rows: {len(wrong)} words, e.g. {sorted(wrong)[:3]}")
    db.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replicate_store", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--target", type=Path, required=True)
    parser.add_argument("--times", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="check the copy's matching index (a minute per 1,000)")
    args = parser.parse_args(argv)
    replicate(args.source, args.target, args.times)
    for problem in index_problems(args.target) if args.check else []:
        print(f"index: {problem}")  # noqa: T201
    db = sqlite3.connect(args.target)
    tables = ("documents", "datasets", "links", "flags", "match_documents", "match_entries", "match_postings")
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608
    print(f"{args.target}: {counts}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
