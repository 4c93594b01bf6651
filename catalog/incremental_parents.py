"""A document's parent by title (matching.flags.find_parent), without scoring the whole archive each time.

A document whose parent's số hiệu is not in the archive looks for it by title: the first document, in
matching order, whose title scores best against the title it wants, if at least PARENT_TITLE. That
read and scored every titled document for each such newcomer, so each cost more as the archive grew
(~10 ms a document at 4,500 documents: docs/benchmarks.md, "Session 13: linear growth").

Documents only ever join at the end of the matching order (a new one takes the next seq) until one is
removed, and a pair's score depends on the two titles alone. So for each wanted title the two best
documents so far are kept with the last seq scored: a later search scores only the documents that
came since, and the best other than the searching document is among those two. Whoever removes a
matched document, or changes the store between a run's transactions, calls `clear` (the run's
PlacingIndex clears it with the rest of what it read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, bindparam, select

from catalog.models import MatchDocumentRow
from matching.flags import PARENT_TITLE, parent_title_scores

_DOC = MatchDocumentRow
TITLED_AFTER = select(_DOC.seq, _DOC.sha256, _DOC.title_norm).where(
    _DOC.title_norm != "", _DOC.seq > bindparam("after")
).order_by(_DOC.seq)


@dataclass
class TitleSearch:
    # wanted title -> (the last seq scored, the best two at or above PARENT_TITLE as (-score, seq, sha256))
    best: dict[str, tuple[int, list[tuple[float, int, str]]]] = field(default_factory=dict)

    def clear(self) -> None:
        self.best.clear()

    def parent(self, db: Connection, wanted: str, sha256: str) -> tuple[str, int]:
        """The first best-scoring titled document but `sha256` for `wanted`, and its score; ("", 0) if none
        reaches PARENT_TITLE. Ties keep the earlier document (the one first in seq order)."""
        after, top = self.best.get(wanted, (0, []))
        rows = db.execute(TITLED_AFTER, {"after": after}).all()
        if rows:
            scores = parent_title_scores(wanted, [title for _, _, title in rows])
            found = [(-score, seq, sha) for (seq, sha, _), score in zip(rows, scores, strict=True)
                     if score >= PARENT_TITLE]  # fmt: skip
            top = sorted(top + found)[:2]
            after = rows[-1][0]
        self.best[wanted] = (after, top)
        return next(((sha, int(-score)) for score, _, sha in top if sha != sha256), ("", 0))
