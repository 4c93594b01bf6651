"""catalog.incremental_parents: the parent search by title kept between searches gives what scoring
every titled document each time gives (matching.flags.find_parent's choice, as _parent made it)."""

from __future__ import annotations

import random

from rapidfuzz import fuzz, process
from sqlalchemy import create_engine, insert

from catalog.incremental_parents import TitleSearch
from catalog.models import MatchDocumentRow
from matching.flags import PARENT_TITLE

WORDS = ("kế hoạch", "phát triển", "dữ liệu", "tỉnh", "bắc ninh", "năm 2026", "chuyển đổi số", "hà tĩnh", "xã")


def _everything(titled: list[tuple[int, str, str]], wanted: str, sha256: str) -> tuple[str, int]:
    """The search before: every titled document but the searching one, in seq order, first best."""
    others = [(sha, title) for _, sha, title in titled if sha != sha256 and title]
    if not others:
        return "", 0
    scores = process.cdist([wanted], [t for _, t in others], scorer=fuzz.token_set_ratio)[0]
    best = int(scores.argmax())
    return (others[best][0], int(scores[best])) if scores[best] >= PARENT_TITLE else ("", 0)


def test_the_kept_search_equals_scoring_every_titled_document() -> None:
    rng = random.Random(13)
    engine = create_engine("sqlite://")
    MatchDocumentRow.__table__.create(engine)  # type: ignore[attr-defined]
    search, titled = TitleSearch(), []
    wanted = ["phát triển dữ liệu tỉnh bắc ninh năm 2026", "kế hoạch chuyển đổi số", "dữ liệu xã"]
    with engine.begin() as db:
        for seq in range(1, 400):
            title = "" if rng.random() < 0.1 else " ".join(rng.sample(WORDS, rng.randint(1, 5)))
            sha = f"{rng.getrandbits(64):016x}"
            db.execute(insert(MatchDocumentRow), [{
                "sha256": sha, "seq": seq, "source": "", "scope_level": "", "scope_province": "", "number_key": "",
                "parent_key": "", "parent_title": "", "title_norm": title, "parent_sha": "", "parent_score": 0}])
            titled.append((seq, sha, title))
            for _ in range(rng.randint(0, 2)):  # searches by the newcomer and by documents before it
                who = rng.choice(titled)[1]
                title_wanted = rng.choice(wanted + [title or "x"])
                assert search.parent(db, title_wanted, who) == _everything(titled, title_wanted, who), seq
    assert any(top for _, top in search.best.values())
