"""A unit name's signature matched against the registry: exactly, else fuzzily among the names of its head word.

A fuzzy match resolves only above ``RESOLVE_THRESHOLD`` and ahead of the next candidate by ``_AMBIGUITY_MARGIN``;
otherwise the best candidates are kept for a reviewer (``nlp.units`` leaves the mention unresolved).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from rapidfuzz import fuzz, process

from nlp.registry import Registry, Signature

RESOLVE_THRESHOLD = 0.86
_AMBIGUITY_MARGIN = 0.04


@dataclass(frozen=True)
class Match:
    unit_id: str
    score: float
    reasons: tuple[str, ...]
    candidates: tuple[str, ...]


def match_signature(registry: Registry, sig: Signature) -> Match:
    cached = registry.match_cache.get(sig)
    if cached is None:
        cached = _match_signature_uncached(registry, sig)
        if len(registry.match_cache) < 100_000:
            registry.match_cache[sig] = cached
    return cast(Match, cached)


def _match_signature_uncached(registry: Registry, sig: Signature) -> Match:
    exact = registry.by_signature.get(sig.text)
    if exact:
        return Match(exact, 1.0, (f"tên khớp danh mục '{sig.text}' / exact alias",), ())
    pool = registry.pools.get(sig.head if sig.head else "*")
    if pool is None or not pool.unit_ids:
        return Match("", 0.0, ("không có tên cùng loại trong danh mục / no registry name of this kind",), ())
    scores = process.cdist([sig.rest], pool.rests, scorer=fuzz.ratio)[0] / 100.0
    if sig.has_unknown and sig.acronym:
        acronym_scores = process.cdist([sig.acronym], pool.acronyms, scorer=fuzz.ratio)[0] / 100.0 * 0.98
        scores = np.maximum(scores, np.where([bool(a) for a in pool.acronyms], acronym_scores, 0.0))
    if not sig.head:
        # Without a head word the whole name must be close, head included.
        text_scores = process.cdist([sig.text], pool.texts, scorer=fuzz.ratio)[0] / 100.0
        scores = np.where(pool.headed, np.minimum(scores, text_scores), scores)
    best: dict[str, float] = {}
    for index in np.argsort(-scores)[:12]:
        unit_id, score = pool.unit_ids[int(index)], float(scores[int(index)])
        if score > best.get(unit_id, -1.0):
            best[unit_id] = score
    ranked = sorted(best.items(), key=lambda item: -item[1])[:3]
    top_id, top_score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    candidates = tuple(f"{uid}:{score:.2f}" for uid, score in ranked)
    if top_score >= RESOLVE_THRESHOLD and top_score - second >= _AMBIGUITY_MARGIN:
        return Match(
            top_id,
            round(top_score, 3),
            (f"khớp gần đúng '{sig.text}' ({top_score:.2f}) / fuzzy match",),
            candidates,
        )
    reason = "dưới ngưỡng" if top_score < RESOLVE_THRESHOLD else "nhập nhằng giữa các ứng viên"
    return Match("", round(top_score, 3), (f"{reason} ({top_score:.2f}) / below threshold or ambiguous",), candidates)
