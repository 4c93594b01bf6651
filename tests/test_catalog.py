"""Catalog extraction against the gold, plus the stitching and column-mapping rules on crafted tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import extract
from extract.blocks import Paragraph, RawCell, RawTable
from extract.model import CatalogEntry, RowKind, Table
from extract.structure.catalog import extract_catalog, is_open_data_list, map_columns
from extract.structure.columns import ColumnRole, header_role
from extract.structure.tables import stitch_tables

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "corpus" / "docs"
GOLD = ROOT / "corpus" / "gold"
FIELDS = ("group", "number", "title", "description", "unit", "sharing_raw", "frequency_raw", "note")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _score(got: list[CatalogEntry], expected: list[dict[str, str]]) -> tuple[float, float, float, list[str]]:
    """Recall, precision, field accuracy and the differences, matching rows on number + title."""
    rows = [{name: _collapse(getattr(entry, name)) for name in FIELDS} for entry in got]
    gold = [{name: _collapse(row[name]) for name in FIELDS} for row in expected]
    used: set[int] = set()
    matched = correct = 0
    problems: list[str] = []
    for want in gold:
        candidates = [i for i, row in enumerate(rows) if i not in used and row["number"] == want["number"]]
        exact = [i for i in candidates if rows[i]["title"] == want["title"]]
        by_group = [i for i in candidates if rows[i]["group"] == want["group"]]
        if not exact and not by_group:
            problems.append(f"missing {want['number']} {want['title']}")
            continue
        pick = (exact or by_group)[0]
        used.add(pick)
        matched += 1
        for name in FIELDS:
            if rows[pick][name] == want[name]:
                correct += 1
            else:
                problems.append(f"{want['number']} {name}: {rows[pick][name]!r} != {want[name]!r}")
    problems.extend(
        f"extra {rows[i]['number']} {rows[i]['title']}" for i in range(len(rows)) if i not in used
    )
    recall = matched / len(gold) if gold else 1.0
    precision = matched / len(rows) if rows else (1.0 if not gold else 0.0)
    accuracy = correct / (matched * len(FIELDS)) if matched else 1.0
    return recall, precision, accuracy, problems


def _documents(suffix: str) -> list[Path]:
    return sorted(DOCS.glob(f"*{suffix}"))


@pytest.mark.parametrize("path", _documents(".txt") + _documents(".docx"), ids=lambda path: path.name)
def test_catalog_matches_gold(path: Path) -> None:
    # every rendering (TCVN3/VNI text, .VnTime DOCX …) is scored against its seed's gold, which lists it
    golds = [gold for gold in GOLD.glob("*.json") if path.stem.startswith(gold.stem)]
    assert golds, f"no gold for {path.name}"
    gold = json.loads(max(golds, key=lambda gold: len(gold.stem)).read_text(encoding="utf-8"))
    assert path.name in gold["files"], f"{path.name} is not listed in its gold"
    expected = gold["catalog"]
    document = extract.extract_file(path)
    recall, precision, accuracy, problems = _score(document.catalog, expected)
    assert recall >= 0.99 and precision >= 0.99 and accuracy >= 0.98, problems[:10]
    for entry in document.catalog:
        assert entry.provenance.file == path.name
        assert entry.provenance.table == entry.table and entry.provenance.row == entry.row
        assert " | " in entry.provenance.raw


def test_catalog_provenance_points_at_the_row() -> None:
    document = extract.extract_file(DOCS / "hung_yen_ke_hoach_du_lieu_mo.txt")
    tables = {table.index: table for table in document.tables}
    for entry in document.catalog:
        row = tables[entry.table].rows[entry.row - 1]
        assert row.index == entry.row and row.kind is RowKind.DATA
        assert entry.title in entry.provenance.raw


# ---------------------------------------------------------------- crafted tables


def _raw(rows: list[list[str]], **options: object) -> RawTable:
    return RawTable(rows=[[RawCell(text=text) for text in row] for row in rows], **options)  # type: ignore[arg-type]


HEADER = ["STT", "Tên dữ liệu", "Mô tả", "Đơn vị quản lý", "Tần suất cập nhật"]


def _only_table(items: list[Paragraph | Table]) -> Table:
    tables = [item for item in items if isinstance(item, Table)]
    assert len(tables) == 1
    return tables[0]


def test_row_cut_by_a_page_break_is_joined_onto_the_row_above() -> None:
    first = _raw([HEADER, ["1", "Dữ liệu A", "Tên; địa", "Sở Lao động -", "Năm"]], page=1, ruled=True)
    second = _raw([HEADER, ["", "", "chỉ", "Thương binh và Xã hội", ""], ["2", "B", "x", "Sở Y tế", "Quý"]])
    second = RawTable(rows=second.rows, page=2, ruled=True, after_break=True)
    items, _ = stitch_tables([first, Paragraph(text="- 2 -", page=1), second], source="t.pdf")
    table = _only_table(items)
    data = [row for row in table.rows if row.kind is RowKind.DATA]
    assert [cell.text for cell in data[0].cells] == [
        "1",
        "Dữ liệu A",
        "Tên; địa chỉ",
        "Sở Lao động - Thương binh và Xã hội",
        "Năm",
    ]
    assert len(data) == 2 and table.pages == [1, 2]
    assert not any(isinstance(item, Paragraph) for item in items)  # the page number was furniture


def test_row_with_blank_number_without_a_break_is_a_sub_row() -> None:
    table_rows = [
        HEADER,
        ["124", "Dữ liệu quy hoạch", "Phương án tỉnh", "Sở KH&ĐT", "Giai đoạn"],
        ["", "", "Kế hoạch cấp tỉnh", "Sở TN&MT", "5 năm"],
    ]
    items, _ = stitch_tables([_raw(table_rows, ruled=False)], source="t.txt")
    entries, _ = extract_catalog(items, source="t.txt")
    assert [(entry.number, entry.title, entry.description) for entry in entries] == [
        ("124", "Dữ liệu quy hoạch", "Phương án tỉnh"),
        ("124", "Dữ liệu quy hoạch", "Kế hoạch cấp tỉnh"),
    ]
    sub_row = _only_table(items).rows[2]
    assert sub_row.cells[0].inherited and sub_row.cells[1].inherited and not sub_row.cells[2].inherited


def test_only_the_unit_column_inherits_blank_cells_in_unruled_tables() -> None:
    table_rows = [HEADER, ["1", "A", "mô tả", "Sở X", "Năm"], ["2", "B", "", "", ""]]
    items, _ = stitch_tables([_raw(table_rows, ruled=False)], source="t.txt")
    entries, _ = extract_catalog(items, source="t.txt")
    assert (entries[1].unit, entries[1].description, entries[1].frequency_raw) == ("Sở X", "", "")
    ruled, _ = stitch_tables([_raw(table_rows, ruled=True)], source="t.docx")
    assert extract_catalog(ruled, source="t.docx")[0][1].unit == ""  # ruled: the reader knows the merges


def test_group_rows_and_heading_groups() -> None:
    blocks: list[Paragraph | RawTable] = [
        Paragraph(text="2. Nhóm dữ liệu y tế", bold=True),
        _raw([HEADER, ["I", "LĨNH VỰC Y TẾ", "", "", ""], ["1", "A", "", "Sở Y tế", "Năm"]]),
        Paragraph(text="3. Nhóm dữ liệu khác"),
        _raw([HEADER, ["1", "B", "", "Sở X", "Năm"]]),
    ]
    items, _ = stitch_tables(blocks, source="t.txt")
    entries, _ = extract_catalog(items, source="t.txt")
    assert [entry.group for entry in entries] == ["I LĨNH VỰC Y TẾ", "3. Nhóm dữ liệu khác"]
    assert [entry.table for entry in entries] == [1, 2]


def test_national_header_table_becomes_paragraphs() -> None:
    header = RawTable(
        rows=[
            [
                RawCell(text="ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 1402/QĐ-UBND"),
                RawCell(text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
            ]
        ],
        borderless=True,
    )
    items, _ = stitch_tables([header, Paragraph(text="QUYẾT ĐỊNH")], source="t.docx")
    assert [item.text for item in items if isinstance(item, Paragraph)] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH HÀ TĨNH",
        "Số: 1402/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "QUYẾT ĐỊNH",
    ]


def test_different_tables_are_not_stitched() -> None:
    first = _raw([HEADER, ["1", "A", "", "Sở X", "Năm"]])
    other = _raw(
        [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"], ["1", "Làm A", "Sở X", "2026"]]
    )
    items, _ = stitch_tables([first, RawTable(rows=other.rows, after_break=True)], source="t.pdf")
    tables = [item for item in items if isinstance(item, Table)]
    assert len(tables) == 2
    entries, _ = extract_catalog(items, source="t.pdf")
    assert [entry.title for entry in entries] == ["A"]  # the task table is not a catalog


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Tên CSDL", ColumnRole.TITLE),
        ("TÊN CƠ SỞ DỮ LIỆU", ColumnRole.TITLE),
        ("Ten tap du lieu", ColumnRole.TITLE),
        ("Dữ liệu", ColumnRole.TITLE),
        ("Tên đơn vị quản lý", ColumnRole.UNIT),
        ("Bộ phận quản lý", ColumnRole.UNIT),
        ("Cơ quan, đơn vị chủ trì cung cấp", ColumnRole.UNIT),
        ("Mô tả mục đích, phạm vi, nội dung của cơ sở dữ liệu", ColumnRole.DESCRIPTION),
        ("Nội dung", ColumnRole.DESCRIPTION),
        ("Phạm vi chia sẻ", ColumnRole.SHARING),
        ("Hình thức chia sẻ dữ liệu", ColumnRole.SHARING),
        ("Tần suất cập nhật/cung cấp", ColumnRole.FREQUENCY),
        ("Cơ chế thu thập, cập nhật, nguồn dữ liệu", ColumnRole.SOURCE),
        ("Số TT", ColumnRole.NUMBER),
        ("Ghi chú", ColumnRole.NOTE),
        ("Nhiệm vụ", ColumnRole.TASK),
    ],
)
def test_header_roles(label: str, role: ColumnRole) -> None:
    assert header_role(label) is role


def test_misleading_header_is_mapped_by_content() -> None:
    rows = [
        ["STT", "Tên tập dữ liệu", "Tên dữ liệu mở", "Nội dung", "Ghi chú"],
        ["1", "Danh mục TTHC", "Thông tin công khai", "Có thể mở", ""],
        ["2", "Thống kê hồ sơ", "Dữ liệu tổng hợp", "Có thể mở", ""],
    ]
    items, _ = stitch_tables([Paragraph(text="III. DỮ LIỆU ĐỀ XUẤT MỞ"), _raw(rows)], source="t.txt")
    columns = map_columns(_only_table(items))
    assert columns is not None
    assert (columns.title, columns.description, columns.sharing, columns.note) == (1, 2, 3, 4)


def test_columns_in_any_order_and_wording() -> None:
    rows = [
        ["Tần suất", "Cơ quan quản lý", "Tên CSDL", "Số TT", "Mức độ chia sẻ"],
        ["Hằng năm", "Sở Tư pháp", "CSDL hộ tịch", "1", "Theo quy định"],
    ]
    items, _ = stitch_tables([_raw(rows)], source="t.docx")
    entries, _ = extract_catalog(items, source="t.docx")
    assert [(e.number, e.title, e.unit, e.sharing_raw, e.frequency_raw) for e in entries] == [
        ("1", "CSDL hộ tịch", "Sở Tư pháp", "Theo quy định", "Hằng năm")
    ]


def test_open_data_list() -> None:
    document = extract.extract_file(DOCS / "hung_yen_ke_hoach_du_lieu_mo.txt")
    assert is_open_data_list(document.tables[0])
    son_hai = extract.extract_file(DOCS / "son_hai_ke_hoach_2026.txt")
    assert not any(is_open_data_list(table) for table in son_hai.tables)  # a sharing column exists


def test_national_header_given_as_one_line_per_cell_is_split() -> None:
    header = _raw(
        [
            [
                "UỶ BAN NHÂN DÂN XÃ ĐÔNG CỨU Số: /KH-UBND",
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
                "Đông Cứu, ngày tháng 5 năm 2026",
            ]
        ],
        borderless=True,
        page=1,
    )
    items, _ = stitch_tables([header], source="t.pdf")
    assert [item.text for item in items if isinstance(item, Paragraph)] == [
        "UỶ BAN NHÂN DÂN XÃ ĐÔNG CỨU",
        "Số: /KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đông Cứu, ngày tháng 5 năm 2026",
    ]


def test_wrapped_cell_lines_are_joined_as_printed() -> None:
    rows = [
        HEADER,
        ["1", "Dữ liệu\nbảo trợ", "", "Phòng VH–\nXH", ""],
        ["2", "B", "", "Sở Lao động -\nThương binh", ""],
    ]
    items, _ = stitch_tables([_raw(rows)], source="t.docx")
    assert [entry.unit for entry in extract_catalog(items, source="t.docx")[0]] == [
        "Phòng VH–XH",
        "Sở Lao động - Thương binh",
    ]
    assert _only_table(items).rows[1].cells[1].text == "Dữ liệu bảo trợ"


def test_numbered_group_row_inside_the_table() -> None:
    rows = [HEADER, ["1.", "Nhóm dữ liệu dân cư", "", "", ""], ["1", "Dữ liệu A", "", "Sở X", ""]]
    items, _ = stitch_tables([_raw(rows)], source="t.docx")
    table = _only_table(items)
    assert [row.kind for row in table.rows] == [RowKind.HEADER, RowKind.GROUP, RowKind.DATA]
    assert extract_catalog(items, source="t.docx")[0][0].group == "1. Nhóm dữ liệu dân cư"


def test_a_header_garbled_by_ocr_still_maps_but_unrelated_headers_do_not() -> None:
    """One misread letter in a scanned header ("Tên cổ sự dữ liệu") must not lose the whole catalog."""
    from extract.structure.columns import ColumnRole, header_role

    assert header_role("Tên cổ sự\ndữ liệu") is ColumnRole.TITLE
    assert header_role("Tên đơn vị quản lỷ") is ColumnRole.UNIT
    assert header_role("Ghi chép") is ColumnRole.OTHER
    assert header_role("Địa chỉ liên hệ") is ColumnRole.OTHER
