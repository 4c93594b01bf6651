"""OpenRefine reconciliation (W3C Reconciliation Service API 0.2) against the unified catalog.

Titles are compared the way matching compares them: nlp's ``title_key`` removes the genre's
generic heads ("Cơ sở dữ liệu về …") and expands abbreviations, then rapidfuzz scores the keys.
Both sides are also folded to plain ASCII, because OpenRefine columns are often typed without
diacritics ("co so du lieu ho ngheo" must find "Cơ sở dữ liệu hộ nghèo").
"""

from __future__ import annotations

import threading

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from api.catalog_view import CatalogView, DatasetView, fold
from api.settings import Settings

DATASET_TYPE = {"id": "dataset", "name": "Tập dữ liệu / Dataset"}
UNIT_PROPERTIES = frozenset({"unit", "don_vi", "đơn vị", "don vi", "managing_unit"})
MAX_LIMIT = 50


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


def comparison_key(text: str) -> str:
    try:
        from nlp import title_key

        keyed = title_key(text)
    except Exception:  # noqa: BLE001 - without nlp the folded title still reconciles, less precisely
        keyed = text
    return " ".join(fold(keyed).replace("_", " ").split())


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
        self._built_for: object | None = None
        self._views: list[DatasetView] = []
        self._keys: list[str] = []
        self._folded: list[str] = []

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

    def _index(self) -> tuple[list[DatasetView], list[str], list[str]]:
        items = self.catalog.items()
        with self._lock:
            if self._built_for is not items:
                self._views = [i.view for i in items]
                self._keys = [comparison_key(v.title) for v in self._views]
                self._folded = [" ".join(fold(v.title).split()) for v in self._views]
                self._built_for = items
            return self._views, self._keys, self._folded

    def reconcile(self, queries: dict[str, ReconcileQuery]) -> dict[str, CandidateList]:
        return {name: CandidateList(result=self.candidates(query)) for name, query in queries.items()}

    def candidates(self, query: ReconcileQuery) -> list[Candidate]:
        views, keys, folded = self._index()
        text = query.query.strip()
        if not text or not views:
            return []
        limit = min(query.limit or 3, MAX_LIMIT)
        scores: dict[int, float] = {}
        pool = max(limit * 4, 20)
        for needle, haystack in ((comparison_key(text), keys), (" ".join(fold(text).split()), folded)):
            for _choice, score, index in process.extract(needle, haystack, scorer=fuzz.WRatio, limit=pool):
                scores[index] = max(scores.get(index, 0.0), float(score))
        unit_text = " ".join(_value_text(p.v) for p in query.properties if p.pid.strip().lower() in UNIT_PROPERTIES)
        ranked: list[tuple[float, float, float, int]] = []
        for index, title_score in scores.items():
            unit_score = fuzz.token_set_ratio(fold(unit_text), fold(views[index].unit)) if unit_text else 0.0
            total = 0.8 * title_score + 0.2 * unit_score if unit_text else title_score
            ranked.append((round(total, 2), round(title_score, 2), round(unit_score, 2), index))
        ranked.sort(key=lambda item: (-item[0], views[item[3]].title, views[item[3]].id))
        best = ranked[:limit]
        results: list[Candidate] = []
        for position, (total, title_score, unit_score, index) in enumerate(best):
            runner_up = best[position + 1][0] if position + 1 < len(best) else 0.0
            is_match = position == 0 and (total >= 97 or (total >= 88 and total - runner_up >= 10))
            view = views[index]
            results.append(
                Candidate(
                    id=view.id, name=view.title, score=total, match=is_match, type=[DATASET_TYPE],
                    description=view.unit,
                    features=[Feature(id="title_score", value=title_score), Feature(id="unit_score", value=unit_score)],
                )
            )  # fmt: skip
        return results
