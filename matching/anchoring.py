"""Reviewer decisions follow their rows when a file gets a new version (or another rendering takes over).

Decisions name catalog rows by entry key (``sha256:table:row``), and a new version of a file has a
new content hash, so every key it had changes. Each row of the old version is looked for in the new
one — same number and a near-identical title, else the same title under another number — and a
decision naming it is *re-anchored* to that row, with the reason. A row that cannot be found (deleted,
retitled beyond recognition), a file withdrawn without a successor, or a dataset or flag that no
longer exists makes the decision *orphaned*: it is listed with its reason, is not applied, and is not
counted as applied.

Pure functions over Documents and decisions; catalog/anchoring.py keeps the state in the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field
from rapidfuzz import fuzz

from extract.model import CatalogEntry, Document, Record
from matching.model import ConfirmLink, Decision, RejectLink, SplitDataset, entry_key
from matching.text import fold

SAME_ROW_TITLE = 80  # title similarity (folded, 0..100) for a row under the same number
MOVED_ROW_TITLE = 92  # title similarity for a row found under another number


class AnchorStatus(StrEnum):
    APPLIED = "applied"  # names rows, datasets and flags that are all current
    REANCHORED = "reanchored"  # named rows, datasets or flags of an older version; follows them
    ORPHANED = "orphaned"  # no longer applies: not applied, not counted, listed with the reason


class AnchoredDecision(Record):
    id: int
    decision: Decision  # as the reviewer recorded it
    effective: Decision | None = None  # what is applied now; None when orphaned
    status: AnchorStatus
    reasons: list[str] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EntryMove:
    key: str  # the row's key in the new version
    reason: str


def entry_label(entry: CatalogEntry) -> str:
    """A row as a reviewer reads it: its number and title."""
    return f"dòng {entry.number or '?'} “{entry.title.strip()[:80]}”"


def entry_moves(old: Document, new: Document, *, what: str = "") -> dict[str, EntryMove]:
    """Old entry key -> its row in the new version, one to one, for every row that can be found.

    Pairs on the same number (and group) are taken before renumbered ones, then the closest titles
    first, so a row that merely moved down keeps its decision and a new row in its place does not.
    """
    titles = {id(e): fold(e.title) for e in [*old.catalog, *new.catalog]}
    candidates = []
    for a in old.catalog:
        for b in new.catalog:
            score = fuzz.ratio(titles[id(a)], titles[id(b)])
            same_row = fold(a.number) == fold(b.number) and fold(a.group) == fold(b.group)
            if (same_row and score >= SAME_ROW_TITLE) or score >= MOVED_ROW_TITLE:
                candidates.append((not same_row, -score, a, b))
    moves: dict[str, EntryMove] = {}
    taken: set[str] = set()
    for moved, _, a, b in sorted(candidates, key=lambda c: (c[0], c[1], c[2].table, c[2].row, c[3].row)):
        old_key, new_key = entry_key(old, a), entry_key(new, b)
        if old_key in moves or new_key in taken:
            continue
        taken.add(new_key)
        how = ("cùng tên, số thứ tự đổi / same title, renumbered" if moved
               else "cùng số thứ tự và tên / same number and title")  # fmt: skip
        moves[old_key] = EntryMove(new_key, f"{entry_label(a)} → {entry_label(b)} của {new.source}{what}: {how}")
    return moves


def follow_keys(
    decision: Decision, follow: Callable[[str, list[str]], str | None]
) -> tuple[Decision | None, list[str]]:
    """The decision with each entry key it names replaced by ``follow(key, reasons)``.

    ``follow`` returns the key's current row (itself when current) or None, adding its reasons. A
    link whose either end is gone is orphaned; a split keeps the rows still found and is orphaned
    only when none is.
    """
    reasons: list[str] = []
    if isinstance(decision, ConfirmLink | RejectLink):
        left, right = follow(decision.left, reasons), follow(decision.right, reasons)
        if left is None or right is None:
            return None, reasons
        if (left, right) == (decision.left, decision.right):
            return decision, reasons
        return decision.model_copy(update={"left": left, "right": right}), reasons
    if isinstance(decision, SplitDataset):
        members = [follow(key, reasons) for key in decision.members]
        kept = [key for key in members if key is not None]
        if not kept:
            return None, reasons
        if kept == decision.members:
            return decision, reasons
        return decision.model_copy(update={"members": kept}), reasons
    return decision, reasons
