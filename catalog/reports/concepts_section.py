"""The dataset concepts in the reports: a section of the HTML report and a sheet of the workbook.

A reviewer harmonising the plans of several localities reads, for each concept of two or more
datasets or localities (or with a unit conflict), its harmonised title, who lists it, which
comparable localities do not, and the unit conflicts with their reasons. Concepts of a single
dataset in a single locality are counted, not listed: they have nothing to harmonise. The JSON
report carries every concept with all its facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from catalog.concept_facts import ConceptDetail

SHEET_CONCEPTS = "Khái niệm dữ liệu"
COLUMNS: tuple[tuple[str, float], ...] = (
    ("Tên khái niệm (hài hòa)", 40),
    ("Số tập dữ liệu", 10),
    ("Số địa bàn", 10),
    ("Địa bàn có liệt kê", 36),
    ("Địa bàn cùng cấp chưa liệt kê", 36),
    ("Xung đột đơn vị quản lý", 50),
    ("Đơn vị công bố", 40),
    ("Các tên gọi", 50),
    ("Mã khái niệm", 22),
)


def shown(concepts: Sequence[ConceptDetail]) -> list[ConceptDetail]:
    """The concepts a reviewer has something to harmonise in, most spread first."""
    found = [c for c in concepts if c.dataset_count > 1 or c.locality_count > 1 or c.conflicts]
    return sorted(found, key=lambda c: (-c.locality_count, -c.dataset_count, c.title.casefold(), c.id))


def _not_listed(concept: ConceptDetail) -> list[str]:
    return [item.locality for coverage in concept.coverage for item in coverage.not_listed]


def sheet_row(c: ConceptDetail) -> tuple[object, ...]:
    return (
        c.title, c.dataset_count, c.locality_count, "; ".join(c.localities), "; ".join(_not_listed(c)),
        "\n".join(conflict.reason for conflict in c.conflicts), "; ".join(p.title for p in c.publishers),
        "; ".join(c.titles), c.id,
    )  # fmt: skip


def sheet_rows(concepts: Sequence[ConceptDetail]) -> list[tuple[object, ...]]:
    return [sheet_row(c) for c in shown(concepts)]


def _escape(value: object) -> str:
    return escape(str(value))


HEADING = "Khái niệm dữ liệu / dataset concepts"
TABLE_OPEN = (
    "<table><thead><tr><th>Khái niệm</th><th>Số tập dữ liệu</th><th>Địa bàn có liệt kê</th>"
    "<th>Địa bàn cùng cấp chưa liệt kê</th><th>Xung đột đơn vị quản lý</th></tr></thead><tbody>"
)
TABLE_CLOSE = "</tbody></table>"


def html_intro(singles: int) -> str:
    """``singles``: the concepts of a single dataset in a single locality, counted not listed."""
    return (
        '<p class="small muted">Một khái niệm gom các tập dữ liệu cùng loại của các đơn vị, địa bàn khác nhau. '
        "“Chưa liệt kê”: địa bàn cùng cấp (cùng tỉnh, khi văn bản ghi rõ) có kế hoạch trong kho nhưng không có "
        f"dòng nào thuộc khái niệm. {singles} khái niệm chỉ có một tập dữ liệu ở một địa bàn không liệt kê ở đây.</p>"
    )


def html_row(c: ConceptDetail, e: Callable[[object], str] = _escape) -> str:
    gaps = _not_listed(c)
    conflicts = "".join(f'<div class="warn">{e(conflict.reason)}</div>' for conflict in c.conflicts)
    names = e("; ".join(c.titles))
    variants = "" if len(c.titles) < 2 else f'<br><span class="small muted">Tên gọi: {names}</span>'
    return (
        f'<tr id="{e(c.id)}"><td><b>{e(c.title)}</b>{variants}<br><code class=muted>{e(c.id)}</code></td>'
        f"<td>{c.dataset_count}</td><td>{e(', '.join(c.localities)) or '—'}</td>"
        f"<td>{e(', '.join(gaps)) or '—'}</td><td>{conflicts or '—'}</td></tr>"
    )
