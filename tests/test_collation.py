"""The stored sort column (``sort_text``) orders titles as the Vietnamese dictionary order (``sort_key``) does.

The web catalog list is ordered by the database on ``dataset_summaries.sort_text`` (0020): any two titles must
compare the same way by their strings as by their keys, in code points and in the database's own collation.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from catalog import CatalogStore
from nlp.collation import sort_key, sort_text

# Vietnamese letters with every tone, digits, spaces and punctuation: what titles are made of.
LETTERS = ("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ0123456789 -,.()/"
           "àằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ")
TITLES = st.text(alphabet=LETTERS, max_size=30)


@given(TITLES, TITLES)
def test_the_stored_string_orders_as_the_dictionary_key(left: str, right: str) -> None:
    by_key = (sort_key(left) > sort_key(right)) - (sort_key(left) < sort_key(right))
    by_text = (sort_text(left) > sort_text(right)) - (sort_text(left) < sort_text(right))
    assert by_text == by_key
    assert sort_text(left).isascii() and sort_text(left).isalnum()  # no character a collation could ignore


def test_a_database_orders_the_column_as_python_does(store: CatalogStore) -> None:
    titles = ["Đất đai", "Dân cư", "an toàn", "an", "anh", "Ắc quy", "Ác", "Ưu đãi", "Uống", "Y tế", "2024", "10"]
    with store.engine.begin() as connection:  # PostgreSQL in its database's collation, not "C"
        connection.execute(text("CREATE TEMPORARY TABLE t (title TEXT, key TEXT)"))
        connection.execute(text("INSERT INTO t VALUES (:title, :key)"),
                           [{"title": t, "key": sort_text(t)} for t in titles])  # fmt: skip
        ordered = list(connection.scalars(text("SELECT title FROM t ORDER BY key")))
    assert ordered == sorted(titles, key=sort_key)
    assert ordered.index("Dân cư") < ordered.index("Đất đai") < ordered.index("Y tế")  # đ after d, before e
    assert ordered.index("an") < ordered.index("an toàn") < ordered.index("anh")
