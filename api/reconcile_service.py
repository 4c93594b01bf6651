"""OpenRefine reconciliation (W3C Reconciliation Service API 0.2) against the unified catalog.

A score means something: 100 for the same title, under 50 for an unrelated one. Both the query and
the catalog titles are folded to plain ASCII (OpenRefine columns are often typed without
diacritics: "co so du lieu ho ngheo" must find "Cơ sở dữ liệu hộ nghèo"), the genre's generic
words ("cơ sở dữ liệu", "dữ liệu", "CSDL", "trên địa bàn tỉnh") and function words are dropped,
abbreviations expanded (TTHC, CSDL…), and what is left is compared as a weighted Dice overlap of
words: each word weighs its IDF over the catalog's titles, so sharing "nghèo" counts, sharing "hộ"
little. A word within a small edit of one opposite (a typo) counts as shared. `match` is decided
on the whole ranking, never on the truncated answer, so it does not depend on `limit`.
"""

from __future__ import annotations

import math
import re
import sys
import threading
from collections import Counter
from functools import lru_cache

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from api.catalog_view import CatalogView, fold
from api.settings import Settings
from matching.text import ABBREVIATIONS, STOPWORDS

DATASET_TYPE = {"id": "dataset", "name": "Tập dữ liệu / Dataset"}
UNIT_PROPERTIES = frozenset({"unit", "don_vi", "đơn vị", "don vi", "managing_unit"})
MAX_LIMIT = 50
MATCH_SCORE = 95.0  # a candidate this close is the same title
MATCH_LEAD = (85.0, 10.0)  # or this close and this far ahead of the runner-up
TYPO_RATIO = 85  # a word of 4+ letters this close to one opposite is the same word mistyped
_GENERIC = re.compile(
    r"\b(?:co so du lieu|tap du lieu|nhom du lieu|du lieu|csdl|he thong thong tin)(?: ve)?\b"
    r"|\btren dia ban(?: (?:tinh|xa|huyen|thanh pho|phuong))?\b"
)
_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS) - {"co"}  # "có" folds to "co" as "cơ (sở)" does
_FOLDED_ABBREVIATIONS = {fold(k): fold(v) for k, v in ABBREVIATIONS.items()}


class QueryProperty(BaseModel):
    pid: str = ""
    v: str | int | float | bool | list[str] | dict[str, str] | None = None


class ReconcileQuery(BaseModel):
    query: str = ""
    type: str | list[str] | None = None
    limit: int = Field(default=3, ge=0, le=1000)
    properties: list[QueryProperty] = Field(default_factory=list)
    type_strict: str | None = None


class Feature(BaseModel):
    id: str
    value: float


class Candidate(BaseModel):
    id: str
    name: str
    score: float
    match: bool
    type: list[dict[str, str]]
    description: str = ""
    features: list[Feature]


class CandidateList(BaseModel):
    result: list[Candidate]


@lru_cache(maxsize=100_000)
def title_words(text: str) -> tuple[str, ...]:
    """The identifying words of a title, folded: generic heads, place tail and function words dropped.

    Function words are dropped before folding when the text has its diacritics: folded, "có" (has)
    and "cơ" (of "cơ sở", an institution) are both "co".
    """
    lowered = re.sub(r"[^\w]+", " ", text.lower())
    accented = fold(lowered) != lowered
    if accented:
        lowered = " ".join(w for w in lowered.split() if w not in STOPWORDS)
    words = [_FOLDED_ABBREVIATIONS.get(w, w) for w in fold(lowered).split()]
    content = _GENERIC.sub(" ", " ".join(words))
    kept = tuple(w for w in content.split() if accented or w not in _FOLDED_STOPWORDS)
    return kept or tuple(words)


def comparison_key(text: str) -> str:
    return " ".join(title_words(text))


def _idf(titles: list[tuple[str, ...]]) -> dict[str, float]:
    df = Counter(w for words in titles for w in set(words))
    n = len(titles) + 1
    return {w: math.log(n / count) + 1.0 for w, count in df.items()}


def word_overlap(query: tuple[str, ...], title: tuple[str, ...], idf: dict[str, float]) -> float:
    """Weighted Dice of two word sets in [0, 1]; unseen words weigh as the rarest."""
    rare = max(idf.values(), default=1.0)
    a, b = set(query), set(title)
    weight = {w: idf.get(w, rare) for w in a | b}
    shared = 0.0
    for word in a:
        if word in b:
            shared += 2 * weight[word]
        elif len(word) >= 4:
            typo = process.extractOne(word, b, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO)
            if typo is not None:
                shared += weight[word] + weight[typo[0]]
    total = sum(weight[w] for w in a) + sum(weight[w] for w in b)
    return shared / total if total else 0.0


def _value_text(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("id") or "")
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


class ReconcileService:
    def __init__(self, catalog: CatalogView, settings: Settings) -> None:
        self.catalog = catalog
        self.settings = settings
        self._lock = threading.Lock()
        self._built_for: int | None = None  # the catalog version the index is of
        self._views: list[tuple[str, str, str]] = []  # (id, title, unit) of each dataset
        self._words: list[tuple[str, ...]] = []
        self._idf: dict[str, float] = {}
        self._postings: dict[str, list[int]] = {}

    def manifest(self) -> dict[str, object]:
        base = self.settings.base_url
        return {
            "versions": ["0.2"],
            "name": "danhmuc — Danh mục dữ liệu hợp nhất / unified data catalog",
            "identifierSpace": f"{base}/v1/catalog/",
            "schemaSpace": f"{base}/v1/schema/dataset",
            "defaultTypes": [DATASET_TYPE],
            "view": {"url": f"{base}/reconcile/view/{{{{id}}}}"},
            "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 430, "height": 200},
        }

    def _index(self) -> tuple[list[tuple[str, str, str]], list[tuple[str, ...]], dict[str, float]]:
        """Every dataset's (id, title, unit) and title words, with the words' postings, read once per catalog
        version from the stored summaries (a word a string shared by every title that has it)."""
        version = self.catalog.snapshot().version
        with self._lock:
            if self._built_for != version:
                views: list[tuple[str, str, str]] = []
                words: list[tuple[str, ...]] = []
                postings: dict[str, list[int]] = {}
                with self.catalog.headings() as listed:
                    for index, (dataset_id, title, unit) in enumerate(listed):
                        views.append((dataset_id, title, unit))
                        wording = tuple(sys.intern(word) for word in title_words(title))
                        words.append(wording)
                        for word in set(wording):
                            postings.setdefault(word, []).append(index)
                self._views, self._words, self._idf, self._postings = views, words, _idf(words), postings
                self._built_for = version
            return self._views, self._words, self._idf

    def _candidates_for(self, wanted: tuple[str, ...]) -> set[int]:
        """Titles sharing a word with the query, or a word within a typo of one of its words."""
        found: set[int] = set()
        vocabulary = list(self._postings)
        for word in set(wanted):
            found.update(self._postings.get(word, ()))
            if len(word) >= 4:
                for near, _score, _ in process.extract(word, vocabulary, scorer=fuzz.ratio,
                                                       score_cutoff=TYPO_RATIO, limit=20):  # fmt: skip
                    found.update(self._postings[near])
        return found

    def reconcile(self, queries: dict[str, ReconcileQuery]) -> dict[str, CandidateList]:
        return {name: CandidateList(result=self.candidates(query)) for name, query in queries.items()}

    def candidates(self, query: ReconcileQuery) -> list[Candidate]:
        views, words, idf = self._index()
        text = query.query.strip()
        if not text or not views:
            return []
        limit = min(query.limit or 3, MAX_LIMIT)
        wanted = title_words(text)
        # Only titles sharing a word (or a typo of one) can score: the word index finds them.
        scores: dict[int, float] = {}
        for index in self._candidates_for(wanted):
            overlap = word_overlap(wanted, words[index], idf)
            if overlap > 0:
                scores[index] = 100.0 * overlap
        unit_text = " ".join(_value_text(p.v) for p in query.properties if p.pid.strip().lower() in UNIT_PROPERTIES)
        ranked: list[tuple[float, float, float, int]] = []
        for index, title_score in scores.items():
            unit_score = fuzz.token_set_ratio(fold(unit_text), fold(views[index][2])) if unit_text else 0.0
            total = 0.8 * title_score + 0.2 * unit_score if unit_text else title_score
            ranked.append((round(total, 2), round(title_score, 2), round(unit_score, 2), index))
        ranked.sort(key=lambda item: (-item[0], views[item[3]][1], views[item[3]][0]))
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        results: list[Candidate] = []
        for position, (total, title_score, unit_score, index) in enumerate(ranked[:limit]):
            lead_score, lead = MATCH_LEAD
            is_match = position == 0 and (total >= MATCH_SCORE or (total >= lead_score and total - runner_up >= lead))
            dataset_id, title, unit = views[index]
            results.append(
                Candidate(
                    id=dataset_id, name=title, score=total, match=is_match, type=[DATASET_TYPE],
                    description=unit,
                    features=[Feature(id="title_score", value=title_score), Feature(id="unit_score", value=unit_score)],
                )
            )  # fmt: skip
        return results
