"""Prepared statements on the DBAPI cursor (catalog/fast_sql.py): what SQLAlchemy would store, on both
backends, inside the session's transaction; statements needing SQLAlchemy's conversions are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, insert, select, update

from catalog import CatalogStore
from catalog.fast_sql import Prepared
from catalog.incremental_state import HEADS, _table
from catalog.models import DatasetRow, LinkRow, MatchTermRow

ADD = Prepared(insert(_table(MatchTermRow)))
SET = Prepared(update(_table(MatchTermRow)).where(_table(MatchTermRow).c.term == bindparam("t"))
               .values(count=bindparam("c")))  # fmt: skip
COUNT_OF = Prepared(select(_table(MatchTermRow).c.count).where(_table(MatchTermRow).c.term == bindparam("t")))


def test_prepared_statements_write_and_read_in_the_sessions_transaction(store: CatalogStore) -> None:
    with store.transaction() as session:
        db = session.connection()
        ADD.run(db, [{"kind": "w", "term": "a", "count": 1}, {"kind": "w", "term": "b", "count": 2}])
        ADD.run(db, {"kind": "p", "term": "c"})  # the column's constant default (0) is sent
        SET.run(db, [{"t": "b", "c": 5}])
        assert COUNT_OF.scalar(db, {"t": "b"}) == 5
        assert COUNT_OF.scalar(db, {"t": "missing"}) is None
        assert ADD.run(db, []) is None
        # Core sees the rows the cursor wrote: the same connection and transaction.
        rows = set(db.execute(select(MatchTermRow.kind, MatchTermRow.term, MatchTermRow.count)).all())
        assert rows == {("w", "a", 1), ("w", "b", 5), ("p", "c", 0)}
        session.rollback()
    with store.snapshot() as session:
        assert session.scalar(select(MatchTermRow.term)) is None


def test_literal_values_and_booleans_are_sent_as_sqlalchemy_sends_them(store: CatalogStore) -> None:
    mark = Prepared(update(_table(DatasetRow)).where(HEADS.id == bindparam("d")).values(concept_id="cc-x"))
    with store.transaction() as session:
        db = session.connection()
        head = {"id": "ds-1", "origin": "k", "title": "t", "unit": "u", "member_count": 1, "document_count": 1}
        Prepared(insert(_table(DatasetRow))).run(db, head)
        mark.run(db, {"d": "ds-1"})
        row = db.execute(select(DatasetRow.concept_id, DatasetRow.canonical_title)).one()
        assert tuple(row) == ("cc-x", "")
        session.rollback()


def test_statements_needing_sqlalchemys_conversions_are_refused(store: CatalogStore) -> None:
    with store.transaction() as session:
        db = session.connection()
        with pytest.raises(ValueError, match="processing|default"):  # JSON reasons, a callable default
            Prepared(insert(_table(LinkRow))).run(
                db, {"left_key": "a", "right_key": "b", "score": 1.0, "accepted": True, "decided_by": "auto"}
            )
        session.rollback()
