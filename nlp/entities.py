"""A spaCy pipeline that finds units, periods and số hiệu in running paragraphs (no labels there).

The pipeline is ``spacy.blank("vi")`` with ``use_pyvi = False``: spaCy's Vietnamese tokenizer only
needs pyvi for word segmentation, and pyvi (with its sklearn-crfsuite model) is not a dependency
we want for rule matching. Our tokenizer splits words and punctuation instead ("Quý III/2026;" →
Quý, III, /, 2026, ;), so entity boundaries always fall on token boundaries. Word segmentation
proper (compounds) is done by underthesea in ``nlp.titles``.

One rule-based component, ``danhmuc_entities``, labels:

- ``DOCNUM``: a số hiệu ("47/2020/NĐ;CP"), normalised with ``normalize_number``;
- ``UNIT``: a unit name starting at a head word (Phòng, Sở, Công an, UBND, …), the longest stretch
  the registry resolves (``resolve_single``), so "Sở Khoa học và Công nghệ các đơn vị liên quan"
  gives "Sở Khoa học và Công nghệ";
- ``PERIOD``: a time expression (``PERIOD_SPAN_RE``), normalised with ``parse_period``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from nlp.citations import normalize_number
from nlp.periods import PERIOD_SPAN_RE, parse_period
from nlp.text import fold, normalize_text
from nlp.units import RESOLVE_THRESHOLD, resolve_single

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


class _PunctTokenizer:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for match in _TOKEN_RE.finditer(text):
            words.append(match.group(0))
            spaces.append(match.end() < len(text) and text[match.end()].isspace())
        return Doc(self.vocab, words=words, spaces=spaces)


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


@Language.factory(COMPONENT, default_config={"locality": "", "default_year": 0})
def _make_component(nlp: Language, name: str, locality: str, default_year: int) -> _EntityComponent:
    return _EntityComponent(locality, default_year or None)


class _EntityComponent:
    def __init__(self, locality: str, default_year: int | None) -> None:
        self.locality = locality
        self.default_year = default_year
        if not Span.has_extension("norm"):
            Span.set_extension("norm", default="")

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        spans: list[Span] = []
        norms: dict[tuple[int, int, str], str] = {}
        for label, found in (
            ("DOCNUM", _docnum_spans(text)),
            ("UNIT", _unit_spans(text, self.locality)),
            ("PERIOD", _period_spans(text, self.default_year)),
        ):
            for start, end, norm in found:
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
                    norms[(span.start_char, span.end_char, label)] = norm
        # Longest span wins an overlap: "47/2020/NĐ-CP" is a số hiệu, not the year 2020.
        kept = filter_spans(spans)
        for span in kept:
            span._.norm = norms.get((span.start_char, span.end_char, span.label_), "")
        doc.ents = kept
        return doc


@lru_cache(maxsize=16)
def build_pipeline(locality: str = "", default_year: int | None = None) -> Language:
    """spacy.blank('vi') without pyvi, our punctuation tokenizer and the rule-based entity component."""
    import spacy

    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _PunctTokenizer(nlp.vocab)
    nlp.add_pipe(COMPONENT, config={"locality": locality, "default_year": default_year or 0})
    return nlp


def find_entities(text: str, *, locality: str = "", default_year: int | None = None) -> list[Entity]:
    """Units, periods and số hiệu in a paragraph, in order; never raises."""
    if not isinstance(text, str) or not text.strip():
        return []
    normalized = normalize_text(text)
    try:
        doc = build_pipeline(locality, default_year)(normalized)
    except Exception:  # noqa: BLE001 - lenient by contract
        return []
    return [Entity(ent.label_, ent.text, ent.start_char, ent.end_char, str(ent._.norm)) for ent in doc.ents]
