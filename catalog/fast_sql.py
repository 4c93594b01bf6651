"""Statements the reconciler runs once per row, compiled once and run on the DBAPI cursor.

A prebuilt Core statement still costs ~23 µs of SQLAlchemy per execution (cache key, compiled
context, parameter processing, result set-up) against ~1.5 µs for the cursor itself, and one run
of `store.reconcile()` over 190 documents ran ~64,000 of them (docs/benchmarks.md, "Session 8:
reconciler per document"). `Prepared` compiles its statement once per dialect and set of parameter
names and hands the SQL to the cursor of the session's own connection, so it runs in the same
transaction. It only takes statements whose parameters need no conversion by SQLAlchemy (text,
numbers, booleans) and whose Python-side defaults are constants; anything else is refused when
first compiled (a ValueError), so a column type change cannot silently store something else.
Rows are returned as the driver gives them: only for columns that need no result conversion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Connection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

Params = Mapping[str, Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # parameter names in the order a positional driver takes them
    positional: bool
    constants: tuple[tuple[str, Any], ...]  # literal values and constant defaults of columns not given


class Prepared:
    """One statement, compiled on first use for each dialect and set of parameter names."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, frozenset[str]], _Compiled] = {}

    def run(self, db: Connection, params: Params | Sequence[Params]) -> Any:
        """Execute with one set of parameters (returns the cursor, for reading) or many (executemany, None)."""
        many = not isinstance(params, Mapping)
        batch: Sequence[Params] = params if many else [params]  # type: ignore[assignment, list-item]
        if not batch:
            return None
        compiled = self._compile(db, batch[0])
        cursor = db.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        values = [_values(compiled, p) for p in batch]
        if many:
            cursor.executemany(compiled.sql, values)
            cursor.close()  # nothing to read; the server-side resources go now, not at garbage collection
            return None
        cursor.execute(compiled.sql, values[0])
        return cursor

    def scalar(self, db: Connection, params: Params) -> Any:
        row = self.run(db, params).fetchone()
        return None if row is None else row[0]

    def _compile(self, db: Connection, params: Params) -> _Compiled:
        key = (db.dialect.name + "+" + str(db.dialect.driver), frozenset(params))
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(self.statement, db, sorted(params))
        return found


def _compile(statement: ClauseElement, db: Connection, keys: list[str]) -> _Compiled:
    dialect = db.dialect
    compiled = statement.compile(dialect=dialect, column_keys=keys, for_executemany=True)
    assert isinstance(compiled, SQLCompiler)
    for name, bind in compiled.binds.items():
        if isinstance(bind.type, Boolean):
            continue  # both drivers take Python booleans as SQLAlchemy would send them
        if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None or bind.expanding:
            raise ValueError(f"parameter {name} of {statement} needs SQLAlchemy's processing")
    constants = {name: bind.effective_value for name, bind in compiled.binds.items() if name not in keys}
    for column in [*compiled.insert_prefetch, *compiled.update_prefetch]:
        default = column.default
        if default is None or not getattr(default, "is_scalar", False):
            raise ValueError(f"column {column} of {statement} has a default only SQLAlchemy computes")
        constants[column.key] = default.arg  # type: ignore[attr-defined]
    names = tuple(compiled.positiontup or ()) if dialect.positional else ()
    return _Compiled(compiled.string, names, bool(dialect.positional), tuple(constants.items()))


def _values(compiled: _Compiled, params: Params) -> Any:
    if compiled.constants:
        params = {**dict(compiled.constants), **params}
    if compiled.positional:
        return tuple(params[name] for name in compiled.names)
    return params
