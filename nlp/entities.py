"""Units, periods and số hiệu in running paragraphs (no labels there).

Three rule-based span finders label:

- ``DOCNUM``: a số hiệu ("47/2020/NĐ;CP"), normalised with ``normalize_number``;
- ``UNIT``: a unit name starting at a head word (Phòng, Sở, Công an, UBND, …), the longest stretch
  the registry resolves (``resolve_single``), so "Sở Khoa học và Công nghệ các đơn vị liên quan"
  gives "Sở Khoa học và Công nghệ";
- ``PERIOD``: a time expression (``PERIOD_SPAN_RE``), normalised with ``parse_period``.

Where spans overlap the longest wins ("47/2020/NĐ-CP" is a số hiệu, not the year 2020).

spaCy is not needed to read them (issue #16, measured on the real documents): its blank
Vietnamese pipeline has no tagger or parser, only a tokenizer, so it added an import of 0.6-1.0 s
and made ``find_entities`` about seven times slower (41 ms against 6 ms a document) for the same
spans. ``find_entities`` therefore runs without it; ``build_pipeline`` still wraps the same finders
as a spaCy component (``spacy.blank("vi")`` with ``use_pyvi = False`` and a punctuation tokenizer)
for callers that want a ``Doc``, and imports spaCy only when called. Assignment frames in running
text (who is given which task) are read in ``nlp.frames``, also without spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from nlp.citations import normalize_number
from nlp.errors import OptionalDependencyError
from nlp.periods import PERIOD_SPAN_RE, parse_period
from nlp.text import fold, normalize_text
from nlp.units import RESOLVE_THRESHOLD, resolve_single

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

COMPONENT = "danhmuc_entities"
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
_DOCNUM_RE = re.compile(
    r"(?<![\w/])\d{1,5}\s*/\s*(?:(?:19|20)\d{2}\s*/\s*)?[A-ZĐ][A-Za-zĐđ0-9]*(?:\s*[-;–]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*"
)
_UNIT_HEAD_RE = re.compile(
    r"(?<![^\W\d_])(?:Phòng|Sở|Bộ phận|Bộ|Trung tâm|TTPVHCC|Trạm|Công an|Văn phòng|Ban|UBND|Ủy ban nhân dân|"
    r"Chi cục|Cục|Thanh tra|Ngân hàng|BCH|Kho bạc|Bảo hiểm xã hội)(?![^\W\d_])",
    re.IGNORECASE,
)
_UNIT_STOP_RE = re.compile(r"[;:.()\n]|\s(?:để|trong|theo|về|có|là|chịu|phối|chủ|thực|tổ|đối|tại|trên|khi)\s")
_MAX_UNIT_TOKENS = 12


@dataclass(frozen=True)
class Entity:
    label: str  # UNIT, PERIOD, DOCNUM
    text: str
    start: int  # character offsets in the normalised text
    end: int
    norm: str  # unit_id, quarters joined by ",", or the số hiệu key


def _unit_spans(text: str, locality: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for head in _UNIT_HEAD_RE.finditer(text):
        stop = _UNIT_STOP_RE.search(text, head.end())
        limit = stop.start() if stop else len(text)
        words = list(re.finditer(r"\S+", text[head.start() : limit]))[:_MAX_UNIT_TOKENS]
        fuzzy: tuple[int, int, str] | None = None
        exact: tuple[int, int, str] | None = None
        for count in range(len(words), 0, -1):
            end = head.start() + words[count - 1].end()
            candidate = text[head.start() : end].rstrip(",")
            mention = resolve_single(candidate, locality=locality)
            if mention.unit_id and mention.score >= 1.0:
                exact = (head.start(), head.start() + len(candidate), mention.unit_id)
                break
            if mention.unit_id and mention.score >= RESOLVE_THRESHOLD and fuzzy is None:
                fuzzy = (head.start(), head.start() + len(candidate), mention.unit_id)
        # The longest exact name beats a longer fuzzy one that swallowed the next words.
        chosen = exact or fuzzy
        if chosen:
            found.append(chosen)
    return found


def _docnum_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), normalize_number(m.group(0))) for m in _DOCNUM_RE.finditer(text)]


def _period_spans(text: str, default_year: int | None) -> list[tuple[int, int, str]]:
    folded = fold(text)
    if len(folded) != len(text):  # offsets would not map back; rare characters change length
        return []
    spans = []
    for match in PERIOD_SPAN_RE.finditer(folded):
        start, end = match.span()
        period = parse_period(text[start:end], default_year=default_year)
        spans.append((start, end, ",".join(period.quarters) or period.recurring))
    return spans


def _spans(text: str, locality: str, default_year: int | None) -> list[tuple[int, int, str, str]]:
    """(start, end, label, norm) of every entity, the longest kept where they overlap, in text order."""
    found = [
        (start, end, label, norm)
        for label, spans in (
            ("DOCNUM", _docnum_spans(text)),
            ("UNIT", _unit_spans(text, locality)),
            ("PERIOD", _period_spans(text, default_year)),
        )
        for start, end, norm in spans
    ]
    kept: list[tuple[int, int, str, str]] = []
    for span in sorted(found, key=lambda s: (s[0] - s[1], s[0])):  # longest first, as spaCy's filter_spans
        if all(span[1] <= other[0] or span[0] >= other[1] for other in kept):
            kept.append(span)
    return sorted(kept)


def find_entities(text: str, *, locality: str = "", default_year: int | None = None) -> list[Entity]:
    """Units, periods and số hiệu in a paragraph, in order; never raises."""
    if not isinstance(text, str) or not text.strip():
        return []
    normalized = normalize_text(text)
    try:
        spans = _spans(normalized, locality, default_year)
    except Exception:  # noqa: BLE001 - lenient by contract
        return []
    return [Entity(label, normalized[start:end], start, end, norm) for start, end, label, norm in spans]


@lru_cache(maxsize=16)
def build_pipeline(locality: str = "", default_year: int | None = None) -> Language:
    """spacy.blank('vi') without pyvi, a punctuation tokenizer and the same finders as a component.

    spaCy is optional (``pip install danhmuc[spacy]``); nothing in the pipeline calls this.
    """
    try:
        import spacy
    except ImportError as error:
        raise OptionalDependencyError("spaCy", "spacy", "build_pipeline") from error
    from spacy.language import Language
    from spacy.tokens import Span

    if not Span.has_extension("norm"):
        Span.set_extension("norm", default="")
    if COMPONENT not in Language.factories:

        @Language.factory(COMPONENT, default_config={"locality": "", "default_year": 0})
        def _make_component(nlp: Language, name: str, locality: str, default_year: int) -> Any:
            def component(doc: Doc) -> Doc:
                ents = []
                for start, end, label, norm in _spans(doc.text, locality, default_year or None):
                    span = doc.char_span(start, end, label=label, alignment_mode="expand")
                    if span is not None:
                        span._.norm = norm
                        ents.append(span)
                doc.ents = spacy.util.filter_spans(ents)
                return doc

            return component

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _punct_tokenizer(nlp.vocab)
    nlp.add_pipe(COMPONENT, config={"locality": locality, "default_year": default_year or 0})
    return nlp


def _punct_tokenizer(vocab: Vocab) -> Any:
    """Words and punctuation ("Quý III/2026;" → Quý, III, /, 2026, ;): entity edges fall on tokens."""
    from spacy.tokens import Doc

    def tokenize(text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for match in _TOKEN_RE.finditer(text):
            words.append(match.group(0))
            spaces.append(match.end() < len(text) and text[match.end()].isspace())
        return Doc(vocab, words=words, spaces=spaces)

    return tokenize
