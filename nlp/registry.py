"""The unit registry: canonical unit types, their aliases and abbreviations, shipped as data.

The registry lives in ``nlp/data/units.json`` (see docs/nlp.md for the format). Users extend it
without code: the environment variable ``DANHMUC_UNITS_EXTRA`` names a JSON file of the same shape
whose ``abbreviations`` are merged over the shipped ones and whose ``units`` are added (a unit with
an existing ``id`` replaces it, so a user can also fix an alias list).

Matching works on a *signature*: the name folded (lower case, no diacritics), "và"/"&" and
punctuation dropped, and abbreviation runs expanded ("Phòng VH - XH", "Phòng VHXH", "P. VH-XH" and
"Phòng Văn hoá – Xã hội" all give ``phong van hoa xa hoi``). A run of abbreviation tokens is
expanded as a whole when the registry knows it ("TT PVHCC" → ``ttpvhcc``), otherwise split into
the fewest known pieces ("pvhxh" → p | vh | xh); an unknown run ("VHXXH") stays as one token and
is left to the fuzzy matcher, which compares acronyms ("vhxxh" against "vhxh").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nlp.errors import RegistryError
from nlp.localities import split_locality_suffix
from nlp.settings import nlp_settings
from nlp.text import fold, normalize_text

EXTRA_ENV = "DANHMUC_UNITS_EXTRA"
# "agency": a division inside an agency ("Văn phòng Sở", "Phòng Kế hoạch - Tài chính"), identified
# through the agency that issued the document (see nlp.units).
SCOPES = ("national", "province", "local", "agency")

# Head words that name the kind of unit; fuzzy matching only compares names with the same head,
# so "Sở Giáo dục và Đào tạo" can never drift to "Bộ Giáo dục và Đào tạo".
HEADS = (
    "uy ban nhan dan",
    "hoi dong nhan dan",
    "ban chi huy",
    "trung tam",
    "van phong",
    "cong an",
    "chi cuc",
    "thanh tra",
    "bo phan",
    "ngan hang",
    "kho bac",
    "bao hiem",
    "phong",
    "so",
    "bo",
    "cuc",
    "tram",
    "ban",
    "truong",
    "thu vien",
    "dai",
)
_HEAD_WORDS = tuple(tuple(head.split()) for head in HEADS)
_VOWELS = set("aeiouy")
_DROPPED_TOKENS = frozenset({"va"})
_TOKEN_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class UnitType:
    id: str
    name: str
    level: str
    scope: str  # national | province | local | agency
    aliases: tuple[str, ...] = ()
    # A kind of unit ("Trường học", "Trường THCS"): a mention that adds a proper name to it is one
    # particular unit, resolved by nlp.unit_patterns rather than fuzzily onto the kind.
    generic: bool = False


@dataclass(frozen=True)
class Signature:
    """A unit name in matching form."""

    head: str  # "phong", "so", ... or "" when the name has no known head
    rest: str  # the words after the head: "van hoa xa hoi"
    acronym: str  # initials of the expanded words, unknown tokens kept whole: "vhxh", "vhxxh"
    has_unknown: bool  # an abbreviation the registry could not expand
    text: str = ""  # head and rest: the exact-match key

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", f"{self.head} {self.rest}".strip())


@dataclass(frozen=True)
class FuzzyPool:
    """Registry names of one head as parallel columns, so rapidfuzz scores them all in C."""

    rests: list[str]
    acronyms: list[str]
    texts: list[str]
    headed: list[bool]
    unit_ids: list[str]

    @classmethod
    def of(cls, entries: list[tuple[Signature, str]]) -> FuzzyPool:
        return cls(
            rests=[sig.rest for sig, _ in entries],
            acronyms=[sig.acronym for sig, _ in entries],
            texts=[sig.text for sig, _ in entries],
            headed=[bool(sig.head) for sig, _ in entries],
            unit_ids=[unit_id for _, unit_id in entries],
        )


@dataclass
class Registry:
    units: dict[str, UnitType]
    abbreviations: dict[str, str]
    known_words: frozenset[str] = frozenset()
    by_signature: dict[str, str] = field(default_factory=dict)
    by_head: dict[str, list[tuple[Signature, str]]] = field(default_factory=dict)
    pools: dict[str, FuzzyPool] = field(default_factory=dict)  # head → columns for rapidfuzz; "*" = all
    _expansion_cache: dict[str, list[str] | None] = field(default_factory=dict)
    _signature_cache: dict[str, Signature] = field(default_factory=dict)
    match_cache: dict[Signature, object] = field(default_factory=dict)  # Signature → unit_match.Match
    _folded_names: list[tuple[str, str]] = field(default_factory=list)  # (name's words folded, unit id)

    def completing(self, cut: str) -> tuple[str, ...]:
        """Ids of the units one of whose names begins with ``cut`` and goes on, word by word, "và" kept.

        A name cut after its connector ("Sở Văn hóa, Thể thao và", a heading wrapped over two lines) has the
        signature of a shorter name ("Sở Văn hóa và Thể thao"), "và" being no word of a signature: its
        beginning, not its signature, says which names it can be.
        """
        if not self._folded_names:
            for unit in self.units.values():
                for name in (unit.name, *unit.aliases):
                    self._folded_names.append((" ".join(_TOKEN_RE.findall(fold(name))), unit.id))
        prefix = " ".join(_TOKEN_RE.findall(fold(cut))) + " "
        return tuple(dict.fromkeys(unit_id for name, unit_id in self._folded_names if name.startswith(prefix)))

    # ------------------------------------------------------------ signatures

    def _expand_run(self, run: str) -> list[str] | None:
        """Split a compacted abbreviation run into the fewest known abbreviations; None if impossible."""
        if run in self._expansion_cache:
            return self._expansion_cache[run]
        best: list[list[str] | None] = [None] * (len(run) + 1)
        best[0] = []
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - 10), end):
                prefix = best[start]
                piece = run[start:end]
                if prefix is None or piece not in self.abbreviations:
                    continue
                candidate = [*prefix, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
        result = best[len(run)]
        words = None if result is None else [w for piece in result for w in self.abbreviations[piece].split()]
        self._expansion_cache[run] = words
        return words

    def _is_abbreviation(self, original: str, folded: str) -> bool:
        if folded in self.known_words:
            return False
        return folded in self.abbreviations or not (set(folded) & _VOWELS) or (len(original) > 1 and original.isupper())

    def signature(self, name: str) -> Signature:
        cached = self._signature_cache.get(name)
        if cached is None:
            cached = self._signature(name)
            if len(self._signature_cache) < 200_000:
                self._signature_cache[name] = cached
        return cached

    def _signature(self, name: str) -> Signature:
        words: list[str] = []
        acronym_parts: list[str] = []
        has_unknown = False
        run_original: list[str] = []

        def flush_run() -> None:
            nonlocal has_unknown
            if not run_original:
                return
            compact = "".join(fold(tok) for tok in run_original)
            expanded = self._expand_run(compact)
            if expanded is None:
                words.append(compact)
                acronym_parts.append(compact)
                has_unknown = True
            else:
                words.extend(expanded)
                acronym_parts.extend(w[0] for w in expanded)
            run_original.clear()

        for token in _TOKEN_RE.findall(name):
            folded = fold(token)
            if folded in _DROPPED_TOKENS:
                continue
            if self._is_abbreviation(token, folded):
                run_original.append(token)
                continue
            flush_run()
            words.append(folded)
            acronym_parts.append(folded[0])
        flush_run()

        head_len = 0
        for head_words in _HEAD_WORDS:
            if tuple(words[: len(head_words)]) == head_words:
                head_len = len(head_words)
                break
        head = " ".join(words[:head_len])
        rest_words = words[head_len:]
        rest_acronym = "".join(acronym_parts[head_len:]) if len(acronym_parts) == len(words) else ""
        return Signature(head=head, rest=" ".join(rest_words), acronym=rest_acronym, has_unknown=has_unknown)


def _read_json(path: Path | str, source: str) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8") if isinstance(path, Path) else path
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise RegistryError(source, f"không đọc được ({exc})", f"it cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise RegistryError(source, "phải là một đối tượng JSON", "it must be a JSON object")
    return data


def _parse_units(data: dict[str, object], source: str) -> tuple[list[UnitType], dict[str, str]]:
    raw_units = data.get("units", [])
    raw_abbrev = data.get("abbreviations", {})
    if not isinstance(raw_units, list) or not isinstance(raw_abbrev, dict):
        raise RegistryError(
            source,
            "'units' phải là danh sách và 'abbreviations' là đối tượng",
            "'units' must be a list and 'abbreviations' an object",
        )
    units: list[UnitType] = []
    for item in raw_units:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("name"), str):
            raise RegistryError(source, f"đơn vị thiếu id/name: {item!r}", f"a unit has no id or name: {item!r}")
        scope = item.get("scope", "local")
        if scope not in SCOPES:
            raise RegistryError(
                source, f"phạm vi {scope!r} không thuộc {SCOPES}", f"scope {scope!r} is not one of {SCOPES}"
            )
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise RegistryError(
                source, f"aliases của {item['id']} phải là danh sách chuỗi", f"aliases of {item['id']} must be strings"
            )
        units.append(
            UnitType(
                id=item["id"],
                name=normalize_text(item["name"]),
                level=str(item.get("level", "")),
                scope=str(scope),
                aliases=tuple(normalize_text(a) for a in aliases),
                generic=bool(item.get("generic", False)),
            )
        )
    abbreviations = {fold(str(k)).replace(" ", ""): fold(normalize_text(str(v))) for k, v in raw_abbrev.items()}
    return units, abbreviations


def build_registry(sources: list[tuple[str, dict[str, object]]]) -> Registry:
    units: dict[str, UnitType] = {}
    abbreviations: dict[str, str] = {}
    for source, data in sources:
        parsed_units, parsed_abbrev = _parse_units(data, source)
        abbreviations.update(parsed_abbrev)
        for unit in parsed_units:
            units[unit.id] = unit
    known_words: set[str] = set()
    for expansion in abbreviations.values():
        known_words.update(expansion.split())
    for unit in units.values():
        for name in (unit.name, *unit.aliases):
            for token in _TOKEN_RE.findall(name):
                if not (len(token) > 1 and token.isupper()):
                    known_words.add(fold(token))
    known_words -= set(abbreviations)
    registry = Registry(units=units, abbreviations=abbreviations, known_words=frozenset(known_words))
    for unit in units.values():
        for name in (unit.name, *unit.aliases):
            base, _ = split_locality_suffix(name)
            sig = registry.signature(base)
            registry.by_signature.setdefault(sig.text, unit.id)
            registry.by_head.setdefault(sig.head, []).append((sig, unit.id))
    registry.pools = {head: FuzzyPool.of(entries) for head, entries in registry.by_head.items()}
    registry.pools["*"] = FuzzyPool.of([entry for entries in registry.by_head.values() for entry in entries])
    return registry


@lru_cache(maxsize=1)
def _cached_registry(extra_path: str) -> Registry:
    shipped = resources.files("nlp").joinpath("data/units.json").read_text(encoding="utf-8")
    sources: list[tuple[str, dict[str, object]]] = [("nlp/data/units.json", _read_json(shipped, "nlp/data/units.json"))]
    if extra_path:
        sources.append((extra_path, _read_json(Path(extra_path), extra_path)))
    return build_registry(sources)


_current: list[Registry] = []


def get_registry() -> Registry:
    """The shipped registry merged with the file named by DANHMUC_UNITS_EXTRA.

    The variable is read when the registry is first used; after changing it at run time call
    :func:`reload_registry`.
    """
    if not _current:
        extra = nlp_settings().units_extra
        _current.append(_cached_registry(str(extra) if extra else ""))
    return _current[0]


def reload_registry() -> Registry:
    """Re-read DANHMUC_UNITS_EXTRA and the registry files, and forget every cached resolution."""
    _current.clear()
    _cached_registry.cache_clear()
    from nlp import units  # the resolution caches depend on the registry

    units.clear_caches()
    return get_registry()
