"""Document identity in the incremental path: which matched file is the one flags are read from.

A file's possible other renderings are found by the indexed số hiệu column of match_documents (a
scan or a re-upload of a numbered plan keeps its number), or, for a file without one, among the
files with the same normalised title; only those few Documents are read and compared with
matching.identity.same_work (same number, kind, issuer and date, or ≥ 90 % shared folded word
3-grams). The best rendering (typed over scanned, then richer, then by content hash) is the
primary; the others raise no flags, so a document shown by four files is flagged once.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from catalog.models import MatchDocumentRow
from extract.model import Document
from matching.identity import _primary, same_work

MAX_CANDIDATES = 32  # files sharing a number or title looked at: renderings of one plan are few


def renderings(session: Session, sha256: str, load: Callable[[str], Document]) -> list[str]:
    """The matched files showing the same document as `sha256` (itself included), by content hash."""
    with session.no_autoflush:
        me = session.get(MatchDocumentRow, sha256)
        if me is None:
            return [sha256]
        alike = [MatchDocumentRow.number_key == me.number_key] if me.number_key else []
        if me.title_norm:
            # A scan whose number OCR lost is still found by its title (unindexed: the fallback only).
            alike.append(MatchDocumentRow.title_norm == me.title_norm)
        if not alike:
            return [sha256]
        others = list(session.scalars(
            select(MatchDocumentRow.sha256).where(or_(*alike), MatchDocumentRow.sha256 != sha256)
            .order_by(MatchDocumentRow.sha256).limit(MAX_CANDIDATES)
        ))  # fmt: skip
    if not others:
        return [sha256]
    mine = load(sha256)
    same = [other for other in others if same_work(mine, load(other)).same]
    return sorted([sha256, *same])


def primary_of(group: list[str], load: Callable[[str], Document]) -> str:
    """The rendering flags are read from (matching.identity._primary over files in content-hash order)."""
    if len(group) == 1:
        return group[0]
    return _primary([load(sha) for sha in sorted(group)])[0].sha256
