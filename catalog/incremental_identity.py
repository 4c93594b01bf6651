"""Document identity in the incremental path: which matched file is the one flags are read from.

A file's possible other renderings are found by the indexed số hiệu column of match_documents (a
scan or a re-upload of a numbered plan keeps its number), or, for a file without one, among the
files with the same normalised title; only those few Documents are read and compared with
matching.identity.same_work (same number, kind, issuer and date, or ≥ 90 % shared folded word
3-grams). The best rendering (typed over scanned, then richer, then by content hash) is the
primary; the others raise no flags, so a document shown by four files is flagged once.

Each file also records its document's identity key (documents.identity_key) when first matched: the
key another rendering of the document already holds, else its metadata identity (số hiệu, issuer,
date), else its own content hash. Flag ids derive from it, so a finding keeps its id whichever
rendering raises it, and after a rebuild (the documents table is kept); catalog counts read it too.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog.models import DocumentRow, FileVersionRow, MatchDocumentRow
from extract.model import Document
from matching.flags import metadata_key
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
            # A scan whose number OCR lost is still found by its title.
            alike.append(MatchDocumentRow.title_norm == me.title_norm)
        if not alike:
            return [sha256]
        # One seek a column (ix_match_documents_number_key, _title_norm): asked with OR in one statement,
        # SQLite scanned every matched document. The first MAX_CANDIDATES of the union are among the
        # first MAX_CANDIDATES of each.
        found: set[str] = set()
        for condition in alike:
            found.update(session.scalars(
                select(MatchDocumentRow.sha256).where(condition, MatchDocumentRow.sha256 != sha256)
                .order_by(MatchDocumentRow.sha256).limit(MAX_CANDIDATES)
            ))  # fmt: skip
        others = sorted(found)[:MAX_CANDIDATES]
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


def identity_key(session: Session, sha256: str, load: Callable[[str], Document],
                 group: list[str] | None = None) -> str:  # fmt: skip
    """`sha256`'s document identity key, recorded on its first call for a matched file and kept after.

    A rendering already keyed lends its key (the smallest, should two have been keyed apart), so a
    better rendering arriving later changes no flag id; only a document seen for the first time
    takes its metadata identity, or failing that its first file's content hash. Within one run,
    files are matched in content-hash order, so which file is "first" does not depend on the walk.
    """
    with session.no_autoflush:
        stored = session.scalar(select(DocumentRow.identity_key).where(DocumentRow.sha256 == sha256))
        if stored:
            return stored
        others = [sha for sha in (group or renderings(session, sha256, load)) if sha != sha256]
        known = _keys_of(session, others)
        if not known:
            # A new version of a path (the old one has left the result by now) that still shows the
            # same document: it keeps the document's key, so the findings it shares keep their ids.
            mine = load(sha256)
            known = [key for sha, key in _earlier_versions(session, sha256) if same_work(mine, load(sha)).same][:1]
    key = known[0] if known else (metadata_key(load(sha256)) or sha256)
    session.execute(update(DocumentRow).where(DocumentRow.sha256 == sha256).values(identity_key=key))
    return key


def _keys_of(session: Session, shas: list[str]) -> list[str]:
    """The identity keys recorded for these files, smallest first."""
    if not shas:
        return []
    return sorted(set(session.scalars(
        select(DocumentRow.identity_key).where(DocumentRow.sha256.in_(shas), DocumentRow.identity_key != "")
    )))  # fmt: skip


def _earlier_versions(session: Session, sha256: str) -> list[tuple[str, str]]:
    """(sha256, identity key) of the keyed files that paths showing `sha256` held before, newest first."""
    paths = select(FileVersionRow.path).where(FileVersionRow.sha256 == sha256)
    found = session.execute(
        select(FileVersionRow.sha256, DocumentRow.identity_key)
        .join(DocumentRow, DocumentRow.sha256 == FileVersionRow.sha256)
        .where(FileVersionRow.path.in_(paths), FileVersionRow.sha256 != sha256, DocumentRow.identity_key != "")
        .order_by(FileVersionRow.version.desc(), FileVersionRow.path)
        .limit(MAX_CANDIDATES)
    ).all()  # fmt: skip
    return list(dict.fromkeys((sha, key) for sha, key in found))


def backfill(session: Session, load: Callable[[str], Document]) -> int:
    """Key the matched files a store from before documents.identity_key holds (0010_flagids); once."""
    waiting = list(session.scalars(
        select(MatchDocumentRow.sha256).join(DocumentRow, DocumentRow.sha256 == MatchDocumentRow.sha256)
        .where(DocumentRow.identity_key == "").order_by(MatchDocumentRow.seq)
    ))  # fmt: skip
    for sha in waiting:
        identity_key(session, sha, load)
    return len(waiting)
