"""Word plans of UBND tỉnh Lâm Đồng rebuilt around real snippets (the trial documents are not committed), for the
session-14 and session-15 trial tests (docs/realdocs-trial.md)."""

from __future__ import annotations

import io

from docx import Document as new_docx

from extract.api import extract_bytes
from extract.model import Task
from nlp.frames import Context

LAM_DONG = Context(locality="tỉnh Lâm Đồng", issuer="UBND tỉnh Lâm Đồng")


def plan_tasks(*paragraphs: str, table: list[list[str]] | None = None) -> list[Task]:
    """The tasks of a Word plan of the province: each string one paragraph, an optional table after them."""
    document = new_docx()
    opening = ("ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 12/KH-UBND", "Lâm Đồng, ngày 10 tháng 3 năm 2026")
    closing = ("Nơi nhận:", "- Như trên;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A")
    for text in (*opening, "KẾ HOẠCH", "Tăng cường công tác phòng, chống ma túy năm 2026", *paragraphs):
        document.add_paragraph(text)
    if table is not None:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    for text in closing:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return extract_bytes(buffer.getvalue(), "fixture.docx").tasks


def by_ref(tasks: list[Task]) -> dict[str, Task]:
    return {task.ref: task for task in tasks}
