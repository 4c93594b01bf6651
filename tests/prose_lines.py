"""Tasks read from a real document's lines, for the trial tests that quote prose assignments."""

from __future__ import annotations

from extract.blocks import Paragraph
from extract.model import Table
from extract.structure.sections import build_sections
from extract.structure.tasks import extract_tasks


def task_leads(lines: list[str], issuer: str) -> list[tuple[str, str]]:
    """(ref, lead as printed) of each task read from `lines`, one paragraph each on page 1, as the issuer's."""
    items: list[Paragraph | Table] = [Paragraph(text=text, line=index + 1, page=1) for index, text in enumerate(lines)]
    sections = build_sections(items, source="x.pdf")
    return [(task.ref, task.lead_raw) for task in extract_tasks(items, sections, source="x.pdf", issuer=issuer)]
