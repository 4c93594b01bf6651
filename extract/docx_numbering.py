"""Word automatic numbering: rebuild the label Word prints in front of a numbered paragraph.

The label ("3.2.", "a)", "II.") is not in the paragraph's text: Word computes it from
numbering.xml while laying out the document. A plan whose headings were numbered
automatically would lose its whole section tree if the label were not rebuilt here, so the
reader asks :class:`NumberingTracker` for the label of every paragraph that has a ``w:numPr``
(directly or through its paragraph style) in document order.

What Word does, and so what this module reproduces:

* ``w:num`` instances point at an ``w:abstractNum``; instances of one abstract list share
  their counters (the list continues) unless an instance has a ``w:startOverride`` for a
  level, which restarts that level the first time the instance is used.
* A level restarts when a higher level (smaller ilvl) is used after it, unless
  ``w:lvlRestart`` says otherwise (0 = never, N = only after level N, 1-based).
* ``w:lvlText`` is a template: ``%1`` is level 0's current value in its own number format,
  ``%2`` level 1's and so on; ``w:isLgl`` forces decimal for every placeholder.
* ``lowerLetter`` is the Latin alphabet a, b, c, d, e, f... — Word does not know the
  Vietnamese letter sequence (a, b, c, d, đ, e, g...). Vietnamese plans that type "đ)"
  by hand are read as typed; those numbered by Word print "e)" after "d)", and so do we.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from extract.textforms import to_roman

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
MAX_LEVELS = 9

# Symbol/Wingdings bullets live in the Private Use Area; what the reader sees is a dot.
_PUA_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓", "\uf0a8": "•"}


def w_val(element: etree._Element | None, attr: str = "val") -> str | None:
    if element is None:
        return None
    value = element.get(f"{W}{attr}")
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class LevelDef:
    start: int = 1
    num_fmt: str = "decimal"
    lvl_text: str = "%1."
    restart_after: int | None = None  # lvlRestart as given (1-based level), None = default
    legal: bool = False
    suffix: str = "tab"


@dataclass(frozen=True, slots=True)
class NumDef:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, LevelDef] = field(default_factory=dict)


@dataclass(slots=True)
class _ListState:
    counters: list[int | None] = field(default_factory=lambda: [None] * MAX_LEVELS)


class NumberingTracker:
    """Counts numbered paragraphs in document order and renders each one's label."""

    def __init__(self, numbering_xml: etree._Element | None, num_id_by_style: dict[str, str]) -> None:
        self._abstracts: dict[str, dict[int, LevelDef]] = {}
        self._abstract_style_link: dict[str, str] = {}
        self._nums: dict[str, NumDef] = {}
        self._num_id_by_style = num_id_by_style
        self._states: dict[str, _ListState] = {}
        self._started_nums: set[str] = set()
        if numbering_xml is not None:
            self._load(numbering_xml)

    def _load(self, root: etree._Element) -> None:
        for abstract in root.iterchildren(f"{W}abstractNum"):
            abstract_id = w_val(abstract, "abstractNumId")
            if abstract_id is None:
                continue
            self._abstracts[abstract_id] = {
                int(w_val(lvl, "ilvl") or 0): _parse_level(lvl) for lvl in abstract.iterchildren(f"{W}lvl")
            }
            link = w_val(abstract.find(f"{W}numStyleLink"))
            if link:
                self._abstract_style_link[abstract_id] = link
        for num in root.iterchildren(f"{W}num"):
            num_id = w_val(num, "numId")
            abstract_id = w_val(num.find(f"{W}abstractNumId"))
            if num_id is None or abstract_id is None:
                continue
            starts: dict[int, int] = {}
            levels: dict[int, LevelDef] = {}
            for override in num.iterchildren(f"{W}lvlOverride"):
                ilvl = int(w_val(override, "ilvl") or 0)
                start = w_val(override.find(f"{W}startOverride"))
                if start is not None and start.lstrip("-").isdigit():
                    starts[ilvl] = int(start)
                lvl = override.find(f"{W}lvl")
                if lvl is not None:
                    levels[ilvl] = _parse_level(lvl)
            self._nums[num_id] = NumDef(abstract_id, starts, levels)

    def _resolve_abstract(self, num: NumDef) -> tuple[str, dict[int, LevelDef]]:
        """Follow a numStyleLink (a list style) to the abstract list that really holds the levels."""
        abstract_id = num.abstract_id
        for _ in range(4):
            link = self._abstract_style_link.get(abstract_id)
            if link is None:
                break
            linked_num = self._nums.get(self._num_id_by_style.get(link, ""))
            if linked_num is None or linked_num.abstract_id == abstract_id:
                break
            abstract_id = linked_num.abstract_id
        return abstract_id, self._abstracts.get(abstract_id, {})

    def label(self, num_id: str, ilvl: int) -> tuple[str, str] | None:
        """Advance the list and return (label, separator) for a paragraph, or None if not numbered."""
        num = self._nums.get(num_id)
        if num is None or num_id == "0":
            return None
        abstract_id, levels = self._resolve_abstract(num)
        ilvl = max(0, min(ilvl, MAX_LEVELS - 1))
        defs = [num.level_overrides.get(i) or levels.get(i) or LevelDef() for i in range(MAX_LEVELS)]
        state = self._states.setdefault(abstract_id, _ListState())
        if num_id not in self._started_nums:
            self._started_nums.add(num_id)
            # A startOverride restarts its level at the instance's first use; afterwards the
            # instance's levels restart at the overridden value too.
            for overridden in num.start_overrides:
                if 0 <= overridden < MAX_LEVELS:
                    state.counters[overridden] = None
        starts = {**{i: d.start for i, d in enumerate(defs)}, **num.start_overrides}
        current = state.counters[ilvl]
        state.counters[ilvl] = starts[ilvl] if current is None else current + 1
        for deeper in range(ilvl + 1, MAX_LEVELS):
            restart_after = defs[deeper].restart_after
            if restart_after is None or (restart_after > 0 and ilvl < restart_after):
                state.counters[deeper] = None
        level = defs[ilvl]
        if level.num_fmt == "none":
            return None
        values: list[int] = []
        for i in range(MAX_LEVELS):
            counter = state.counters[i]
            values.append(starts[i] if counter is None else counter)
        text = _render(level, defs, values)
        if not text.strip():
            return None
        separator = {"space": " ", "nothing": ""}.get(level.suffix, " ")
        return text, separator


def _parse_level(lvl: etree._Element) -> LevelDef:
    start_raw = w_val(lvl.find(f"{W}start"))
    restart_raw = w_val(lvl.find(f"{W}lvlRestart"))
    legal = lvl.find(f"{W}isLgl")
    return LevelDef(
        start=int(start_raw) if start_raw and start_raw.lstrip("-").isdigit() else 1,
        num_fmt=w_val(lvl.find(f"{W}numFmt")) or "decimal",
        lvl_text=w_val(lvl.find(f"{W}lvlText")) or "",
        restart_after=int(restart_raw) if restart_raw and restart_raw.isdigit() else None,
        legal=legal is not None and w_val(legal) not in ("0", "false"),
        suffix=w_val(lvl.find(f"{W}suff")) or "tab",
    )


def _render(level: LevelDef, defs: list[LevelDef], values: list[int]) -> str:
    if level.num_fmt == "bullet":
        return "".join(_PUA_BULLETS.get(ch, ch) for ch in level.lvl_text)
    out: list[str] = []
    text = level.lvl_text
    i = 0
    while i < len(text):
        if text[i] == "%" and i + 1 < len(text) and text[i + 1].isdigit():
            ref = int(text[i + 1]) - 1
            if 0 <= ref < MAX_LEVELS:
                fmt = "decimal" if level.legal else defs[ref].num_fmt
                out.append(format_number(values[ref], fmt))
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)




def format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _to_roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        # Word's letter sequence: a..z, then aa..zz, then aaa... (the letter repeated).
        if value < 1:
            return str(value)
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _to_roman(value: int) -> str:
    if value <= 0:
        return str(value)
    return to_roman(value)
