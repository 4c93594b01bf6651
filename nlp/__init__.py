"""Vietnamese normalisation: text, units, periods, frequencies, sharing levels, titles, citations.

Public API (other packages call these names):

- ``normalize_text``, ``correct_slips`` — text (NFC, tone marks, dashes, markup, certain slips)
- ``resolve_units``, ``locality_of_issuer`` — unit mentions → (unit type, locality)
- ``parse_period`` — time expressions → quarters YYYY-Qn, dates, recurring deadlines
- ``parse_frequency`` — EU frequency codes
- ``parse_sharing`` — sharing-level codes
- ``title_key`` — dataset title matching key
- ``normalize_number`` — số hiệu key
- ``normalize_document`` — fill the ``norm`` fields of an extracted Document
- ``find_entities`` — units, periods and số hiệu in running text (spaCy pipeline; imported lazily)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nlp.citations import normalize_number, suggest_number
from nlp.document import normalize_document
from nlp.errors import NlpError, RegistryError
from nlp.frequency import parse_frequency
from nlp.periods import parse_period
from nlp.registry import get_registry
from nlp.sharing import parse_sharing
from nlp.text import correct_slips, fold, normalize_text
from nlp.titles import title_key
from nlp.units import locality_of_issuer, parent_unit_type, resolve_units, unit_key, unit_types_agree

if TYPE_CHECKING:
    from nlp.entities import Entity, find_entities

__all__ = [
    "Entity",
    "NlpError",
    "RegistryError",
    "correct_slips",
    "find_entities",
    "fold",
    "get_registry",
    "locality_of_issuer",
    "normalize_document",
    "normalize_number",
    "normalize_text",
    "parent_unit_type",
    "parse_frequency",
    "parse_period",
    "parse_sharing",
    "resolve_units",
    "suggest_number",
    "title_key",
    "unit_key",
    "unit_types_agree",
]


def __getattr__(name: str) -> Any:
    # spaCy takes about a second to import; only callers of the entity finder pay for it.
    if name in ("find_entities", "Entity"):
        from nlp import entities

        return getattr(entities, name)
    raise AttributeError(f"module 'nlp' has no attribute {name!r}")
