"""A store copied into another database, table by table: the same rows, e.g. SQLite to PostgreSQL.

    .venv/bin/python -m benchmarks.copy_store --source sqlite:////tmp/fix/s10000x.db \\
        --target 'postgresql+psycopg2://postgres@127.0.0.1:5432/test' --schema bench10k

``replicate_store`` makes archives of 10,000 documents and more in SQLite only (its copies are SQL over
one file); the figures of a deployment (Celery workers on PostgreSQL: an upload's visibility, API reads)
need the same archive in PostgreSQL. The target is brought to the source's migration (refused if their
heads differ), emptied, and filled with every table's rows in foreign-key order, a few thousand rows per
statement; the sequences of integer keys then continue after the copied rows, and the planner's statistics
are gathered. With ``--schema`` the
target's tables live in that PostgreSQL schema (created when missing), and the URL to use afterwards is
printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, Integer, Table, create_engine, delete, func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.models import Base  # noqa: E402
from catalog.store import CatalogStore  # noqa: E402

ROWS = 5_000  # rows per insert statement
BYTES = 16 * 2**20  # ... or fewer, when the rows are large (documents carry their whole JSON)


def schema_url(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (created when missing)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    admin.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def _head(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def _size(row: dict[str, object]) -> int:
    return sum(len(value) if isinstance(value, str | bytes) else 8 for value in row.values())


def copy_table(source: Engine, target: Engine, table: Table) -> int:
    copied = 0
    with source.connect() as reading, target.begin() as writing:
        rows: list[dict[str, object]] = []
        held = 0
        for row in reading.execution_options(yield_per=ROWS).execute(select(table)).mappings():
            rows.append(dict(row))
            held += _size(rows[-1])
            if len(rows) >= ROWS or held >= BYTES:
                writing.execute(insert(table), rows)
                copied, rows, held = copied + len(rows), [], 0
        if rows:
            writing.execute(insert(table), rows)
            copied += len(rows)
    return copied


def analyze(target: Engine) -> None:
    """The planner's statistics of the copied tables: PostgreSQL's autovacuum gathers them some time after a bulk
    load, and until then plans as for empty tables (an add-10 run read the exemplars by scanning every member)."""
    with target.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def continue_sequences(target: Engine) -> None:
    """PostgreSQL's sequences of integer keys start after the copied rows (SQLite needs nothing)."""
    if target.dialect.name != "postgresql":
        return
    with target.begin() as connection:
        for table in Base.metadata.sorted_tables:
            for column in table.primary_key.columns:
                if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                    sequence = connection.scalar(select(func.pg_get_serial_sequence(table.name, column.name)))
                    if sequence:
                        highest = connection.scalar(select(func.max(column))) or 0
                        connection.execute(select(func.setval(sequence, max(highest, 1), highest > 0)))


def copy_store(source_url: str, target_url: str) -> dict[str, int]:
    source = create_engine(source_url)
    CatalogStore(target_url).close()  # the target at the head of the migrations
    target = create_engine(target_url)
    if (source_head := _head(source)) != (target_head := _head(target)):
        raise SystemExit(f"the source is at migration {source_head}, the target at {target_head}: open the source "
                         "with this checkout first (it migrates), then copy")  # fmt: skip
    with target.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        started = time.perf_counter()
        counts[table.name] = copy_table(source, target, table)
        print(f"  {table.name}: {counts[table.name]} rows in {time.perf_counter() - started:.1f} s", flush=True)
    continue_sequences(target)
    analyze(target)
    source.dispose()
    target.dispose()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="the store's URL (sqlite:////path/to/store.db)")
    parser.add_argument("--target", required=True, help="the database to copy it into")
    parser.add_argument("--schema", default="", help="PostgreSQL: the schema the copy's tables live in")
    arguments = parser.parse_args()
    target = schema_url(arguments.target, arguments.schema) if arguments.schema else arguments.target
    started = time.perf_counter()
    counts = copy_store(arguments.source, target)
    print(f"copied {sum(counts.values())} rows of {len(counts)} tables in {time.perf_counter() - started:.0f} s")
    print(f"target: {target}")


if __name__ == "__main__":
    main()
