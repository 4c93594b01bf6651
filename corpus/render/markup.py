"""Inline markup residue of the seeds (Markdown ``**``/``*``, HTML ``<b>``/``<i>``/``<sup>``) -> runs."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

_TOKEN = re.compile(r"(\*\*\*|\*\*|\*|</?b>|</?i>|</?sup>|</?sub>|<https?://[^>\s]+>)")
_HEADING_MARK = re.compile(r"^\s*#{1,6}\s+")


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    subscript: bool = False


@dataclass(slots=True)
class MarkupState:
    """Open styles; carried across the lines of one block because ``**`` spans line ends in the seeds."""

    md_bold: bool = False
    md_italic: bool = False
    html_bold: bool = False
    html_italic: bool = False
    sup: bool = False
    sub: bool = False


def strip_heading_marker(line: str) -> tuple[str, bool]:
    """Drop a leading ``#``..``######`` marker; the flag says the line was a heading."""
    match = _HEADING_MARK.match(line)
    if match is None:
        return line, False
    return line[match.end() :], True


def parse_runs(text: str, state: MarkupState | None = None) -> list[Run]:
    """Split ``text`` into runs; ``state`` (mutated) carries open styles to the next line."""
    st = state if state is not None else MarkupState()
    runs: list[Run] = []
    for piece in _TOKEN.split(text):
        if not piece:
            continue
        if piece == "***":
            st.md_bold = not st.md_bold
            st.md_italic = not st.md_italic
        elif piece == "**":
            st.md_bold = not st.md_bold
        elif piece == "*":
            st.md_italic = not st.md_italic
        elif piece in ("<b>", "</b>"):
            st.html_bold = piece == "<b>"
        elif piece in ("<i>", "</i>"):
            st.html_italic = piece == "<i>"
        elif piece in ("<sup>", "</sup>", "<sub>", "</sub>"):
            if piece in ("<sup>", "<sub>") and runs:
                # "1m <sup>2</sup>": the converter's space before the tag was not in the original.
                runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
            st.sup = piece == "<sup>" if "sup" in piece else st.sup
            st.sub = piece == "<sub>" if "sub" in piece else st.sub
        else:
            # An autolink <https://...> is printed as its plain address.
            plain = piece[1:-1] if piece.startswith("<http") and piece.endswith(">") else piece
            runs.append(
                Run(
                    text=plain,
                    bold=st.md_bold or st.html_bold,
                    italic=st.md_italic or st.html_italic,
                    superscript=st.sup,
                    subscript=st.sub,
                )
            )
    return _merge_adjacent(runs)


def plain_text(text: str) -> str:
    """The text with all markup removed (used to compare header rows)."""
    return "".join(run.text for run in parse_runs(text))


def _merge_adjacent(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if merged and _same_style(merged[-1], run):
            last = merged.pop()
            merged.append(Run(last.text + run.text, last.bold, last.italic, last.superscript, last.subscript))
        else:
            merged.append(run)
    return merged


def _same_style(a: Run, b: Run) -> bool:
    return (a.bold, a.italic, a.superscript, a.subscript) == (b.bold, b.italic, b.superscript, b.subscript)
