"""The statements the report reads links and link ends' labels with (catalog.reports.reader).

On SQLite they run on the driver's cursor (catalog.fast_sql): SQLAlchemy's rows, two queries a page
and a sort in Python were half the time of reading the 500,000 links of a 10,000-document catalog.
"""

from __future__ import annotations

from sqlalchemy import String, bindparam, cast, func, select

from catalog.fast_sql import Prepared
from catalog.models import CatalogEntryRow, DatasetMemberRow, LinkRow

# A stored link as the report orders and shows it: its row id (the last tie-break), left key, right key,
# score, reasons, accepted, decided by. A plain tuple: built for every link of the archive (half a
# million at 10,000 documents), where a named tuple's constructor is a Python call each.
StoredLink = tuple[int, str, str, float, tuple[str, ...], bool, str]


LINK_COLUMNS = (LinkRow.id, LinkRow.left_key, LinkRow.right_key, LinkRow.score, cast(LinkRow.reasons, String),
                LinkRow.accepted, LinkRow.decided_by)  # fmt: skip
_KEYS = select(func.json_each(bindparam("keys", type_=String)).table_valued("value").c.value)
# A row's label (document, number, title) by its key; each key is one dataset's member at most.
LABELS = (
    select(CatalogEntryRow.key, CatalogEntryRow.document_sha256, CatalogEntryRow.number, CatalogEntryRow.title)
    .select_from(DatasetMemberRow)
    .join(CatalogEntryRow, CatalogEntryRow.key == DatasetMemberRow.entry_key)
)  # fmt: skip
LABELS_OF_KEYS = Prepared(LABELS.where(DatasetMemberRow.entry_key.in_(_KEYS)))
# SQLite: the links with an end among the keys (a JSON list), in the report's order (_links_touching).
LINKS_OF_KEYS = Prepared(
    select(*LINK_COLUMNS).where(LinkRow.left_key.in_(_KEYS) | LinkRow.right_key.in_(_KEYS))
    .order_by(LinkRow.accepted.desc(), LinkRow.score.desc(), LinkRow.id)
)  # fmt: skip
