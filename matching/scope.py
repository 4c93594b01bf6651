"""The administrative scope of a document: its level (commune, district, province, ministry) and province.

A commune's list of poor households and a province's count of them are different datasets, and
two provinces' catalogs are different catalogs even when their titles read alike, so the scope
of the issuing body is a comparison level of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.model import Document
from matching.text import fold

_LEVELS: list[tuple[str, re.Pattern[str]]] = [
    ("xa", re.compile(r"\b(?:xa(?! hoi)|phuong|thi tran)\s+[a-z]")),
    ("huyen", re.compile(r"\b(?:huyen|quan(?! ly)|thi xa)\s+[a-z]")),
    ("tinh", re.compile(r"\b(?:tinh|thanh pho)\s+[a-z]")),
    ("bo", re.compile(r"\b(?:bo|chinh phu|thu tuong)\b")),
]
_PROVINCE = re.compile(r"\btinh\s+((?:[a-z]+\s?){1,3}?)(?=\s*(?:$|[,.;(]|nam\b|ve\b|giai\b|den\b|\d))")
LEVEL_NAMES = {"xa": "xã", "huyen": "huyện", "tinh": "tỉnh", "bo": "bộ/trung ương"}


@dataclass(frozen=True, slots=True)
class Scope:
    level: str  # xa, huyen, tinh, bo, "" when unknown
    province: str  # folded province name, "" when unknown


def _level_of(text: str) -> str:
    folded = fold(text)
    for level, pattern in _LEVELS:
        if pattern.search(folded):
            return level
    return ""


def _province_in(text: str) -> str:
    match = _PROVINCE.search(fold(text))
    return match.group(1).strip() if match else ""


def document_scope(document: Document) -> Scope:
    """Level from the issuer (else the title); province from the issuer, else the parent plan or citations."""
    meta = document.metadata
    level = _level_of(meta.issuer) or _level_of(meta.title)
    province = _province_in(meta.issuer)
    if not province and level == "tinh":
        province = _province_in(meta.title)
    if not province:
        # A commune's province is its parent plan's issuer ("UBND tỉnh Bắc Ninh").
        cited = ([meta.parent] if meta.parent else []) + list(meta.cited)
        for citation in cited:
            province = _province_in(citation.issuer) or _province_in(citation.title)
            if province:
                break
    return Scope(level=level, province=province)
