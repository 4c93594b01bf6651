"""DOCX reader: body order, styles, Word automatic numbering, merged cells, guards; corpus renderings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from extract.blocks import BlockStream, Paragraph, RawTable
from extract.docx_numbering import format_number
from extract.docx_reader import read_docx

DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"


def _levels(*levels: tuple[str, str]) -> str:
    return "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:suff w:val="space"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )


def _add_list(
    document: object, abstract_id: int, num_id: int, levels: str, start_override: int | None = None
) -> None:
    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{levels}</w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
        if start_override is not None
        else ""
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
        )
    )


def _numbered(document: object, text: str, num_id: int, ilvl: int) -> None:
    paragraph = document.add_paragraph(text)  # type: ignore[attr-defined]
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _read(document: object) -> BlockStream:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return read_docx(buffer.getvalue(), "fixture.docx")


def _paragraphs(stream: BlockStream) -> list[Paragraph]:
    return [block for block in stream.blocks if isinstance(block, Paragraph)]


def _tables(stream: BlockStream) -> list[RawTable]:
    return [block for block in stream.blocks if isinstance(block, RawTable)]


# ---------------------------------------------------------------- fixtures built here


def test_automatic_numbering_is_rebuilt_with_restarts_and_overrides() -> None:
    document = new_docx()
    _add_list(document, 90, 90, _levels(("upperRoman", "%1."), ("decimal", "%2."), ("decimal", "%2.%3."),
                                         ("lowerLetter", "%4)")))  # fmt: skip
    _numbered(document, "MỤC ĐÍCH", 90, 0)
    _numbered(document, "Hoàn thiện thể chế", 90, 1)
    _numbered(document, "Xây dựng văn bản", 90, 2)
    _numbered(document, "Bộ chỉ số", 90, 2)
    _numbered(document, "Dữ liệu chuyên ngành", 90, 1)
    _numbered(document, "Tài chính", 90, 3)
    _numbered(document, "Khoa học", 90, 3)
    _numbered(document, "Nội vụ", 90, 3)
    _numbered(document, "Giáo dục", 90, 3)
    _numbered(document, "Y tế", 90, 3)
    _numbered(document, "NHIỆM VỤ", 90, 0)
    _numbered(document, "Kinh phí", 90, 1)
    # A second instance of another list with startOverride=5 starts at 5.
    _add_list(document, 91, 91, _levels(("decimal", "%1.")), start_override=5)
    _numbered(document, "Điều năm", 91, 0)
    texts = [p.text for p in _paragraphs(_read(document))]
    assert texts == [
        "I. MỤC ĐÍCH",
        "1. Hoàn thiện thể chế",
        "1.1. Xây dựng văn bản",
        "1.2. Bộ chỉ số",
        "2. Dữ liệu chuyên ngành",
        "a) Tài chính",
        "b) Khoa học",
        "c) Nội vụ",
        "d) Giáo dục",
        "e) Y tế",  # Word's lowerLetter has no "đ": it prints e) here, and so do we
        "II. NHIỆM VỤ",
        "1. Kinh phí",  # level 2 restarted when level 1 advanced
        "5. Điều năm",
    ]
    assert all(p.auto_label for p in _paragraphs(_read(document)))


def test_number_formats() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 4, 5, 26, 27)] == ["a", "d", "e", "z", "aa"]
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14, 40)] == ["I", "IV", "IX", "XIV", "XL"]
    assert format_number(3, "decimalZero") == "03"


def test_styles_runs_and_line_breaks() -> None:
    document = new_docx()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("KẾ HOẠCH").bold = True
    mixed = document.add_paragraph("giá tiền/1m ")
    mixed.add_run("2").font.superscript = True
    mixed.add_run(" và SO")
    mixed.add_run("2").font.subscript = True
    broken = document.add_paragraph()
    broken.add_run("- Thời gian: Quý II/2026.")
    broken.add_run().add_break()
    broken.add_run("- Đơn vị chủ trì: Sở Tài chính.")
    italic = document.add_paragraph()
    italic.add_run("Nơi nhận:").italic = True
    paragraphs = _paragraphs(_read(document))
    assert [p.text for p in paragraphs] == [
        "KẾ HOẠCH",
        "giá tiền/1m² và SO₂",
        "- Thời gian: Quý II/2026.",
        "- Đơn vị chủ trì: Sở Tài chính.",
        "Nơi nhận:",
    ]
    assert paragraphs[0].bold and paragraphs[0].centered and not paragraphs[1].bold
    assert paragraphs[2].line == paragraphs[3].line  # one Word paragraph, two lines
    assert paragraphs[4].italic


def test_tables_spans_merges_nesting_and_borders() -> None:
    document = new_docx()
    document.add_paragraph("Trước bảng")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for row, values in enumerate(
        [["TT", "Tên", "Đơn vị"], ["1", "A", "Sở Y tế"], ["2", "B", ""], ["3", "C", ""]]
    ):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    table.cell(1, 2).merge(table.cell(3, 2))  # vertical merge: the unit spans rows 1-3
    table.cell(0, 0)  # untouched
    group = document.add_table(rows=1, cols=3)
    group.style = "Table Grid"
    merged = group.cell(0, 1).merge(group.cell(0, 2))
    merged.text = "LĨNH VỰC Y TẾ"
    group.cell(0, 0).text = "I"
    nested_host = group.cell(0, 0).add_table(rows=1, cols=2)
    nested_host.cell(0, 0).text = "x"
    nested_host.cell(0, 1).text = "y"
    header = document.add_table(rows=1, cols=2)  # python-docx's default style draws no borders
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("Sau bảng")
    stream = _read(document)
    kinds = [type(block).__name__ for block in stream.blocks]
    assert kinds == ["Paragraph", "RawTable", "RawTable", "RawTable", "Paragraph"]
    units, groups, national = _tables(stream)
    assert [cell.text for cell in units.rows[2]] == ["2", "B", "Sở Y tế"]
    assert units.rows[1][2].row_span == 3 and not units.rows[1][2].inherited
    assert units.rows[2][2].inherited and units.rows[3][2].inherited
    assert [cell.text for cell in groups.rows[0]] == ["I x y", "LĨNH VỰC Y TẾ", "LĨNH VỰC Y TẾ"]
    assert groups.rows[0][1].col_span == 2
    assert not units.borderless and national.borderless
    assert units.page is None and stream.page_count >= 1


def test_text_box_paragraphs_are_read_once() -> None:
    document = new_docx()
    host = document.add_paragraph("Trước")
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = "<w:txbxContent><w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p></w:txbxContent>"
    host._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")} xmlns:mc="{mc}"><mc:AlternateContent><mc:Choice Requires="wps">{box}'
            f"</mc:Choice><mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>"
        )
    )
    assert [p.text for p in _paragraphs(_read(document))] == ["Trước", "ỦY BAN NHÂN DÂN"]


# ---------------------------------------------------------------- corpus renderings


def _corpus(name: str) -> bytes:
    path = DOCS / name
    if not path.exists():
        pytest.skip(f"{name} not rendered yet")
    return path.read_bytes()


def test_bac_ninh_automatic_numbering_labels() -> None:
    stream = read_docx(_corpus("bac_ninh_ke_hoach_2026.docx"), "bac_ninh_ke_hoach_2026.docx")
    paragraphs = _paragraphs(stream)
    auto = [p.text for p in paragraphs if p.auto_label]
    assert any(text.startswith("3. ") for text in auto)
    assert any(text.startswith("a) ") for text in auto) and any(text.startswith("e) ") for text in auto)
    texts = [p.text for p in paragraphs]
    letters = [text.split(")")[0] for text in texts if len(text) > 2 and text[1] == ")" and text[0].isalpha()]
    assert letters[:6] == ["a", "b", "c", "d", "đ", "e"]  # typed "đ)" between Word's d) and e)
    assert any(text.startswith("3.2. ") for text in texts)


def test_ha_tinh_unit_column_inherits_merged_cells() -> None:
    stream = read_docx(_corpus("ha_tinh_qd_1402_danh_muc_csdl.docx"), "ha_tinh.docx")
    catalog = max(_tables(stream), key=lambda table: len(table.rows))
    inherited = [row[2] for row in catalog.rows if row[2].inherited]
    assert len(inherited) >= 10
    assert all(cell.text.startswith(("Sở", "Văn phòng")) for cell in inherited)
    assert catalog.rows[2][2].text == catalog.rows[1][2].text


@pytest.mark.parametrize(
    ("name", "tables"),
    [
        ("hung_yen_ke_hoach_du_lieu_mo.docx", 2),
        ("dong_cuu_ke_hoach_2026.docx", 7),
        ("son_hai_ke_hoach_2026.docx", 8),
    ],
)
def test_corpus_table_counts(name: str, tables: int) -> None:
    stream = read_docx(_corpus(name), name)
    assert len(_tables(stream)) == tables
    assert _tables(stream)[0].borderless  # the national header


def test_hung_yen_superscripts_and_single_header_after_stitching() -> None:
    from extract import extract_bytes

    document = extract_bytes(
        _corpus("hung_yen_ke_hoach_du_lieu_mo.docx"), "hung_yen_ke_hoach_du_lieu_mo.docx"
    )
    assert len(document.catalog) == 133
    (catalog_table,) = document.tables
    assert sum(1 for row in catalog_table.rows if row.kind == "header") == 1
    descriptions = " ".join(entry.description for entry in document.catalog)
    assert "1m²" in descriptions and "Ca²⁺" in descriptions


def test_legacy_vntime_runs_are_converted_to_unicode() -> None:
    """A DOCX typed in .VnTime (TCVN3 bytes in each run) reads exactly like its Unicode twin."""
    from extract import extract_file

    docs = Path(__file__).resolve().parent.parent / "corpus" / "docs"
    legacy = extract_file(docs / "dong_cuu_ke_hoach_2026_vntime.docx")
    unicode = extract_file(docs / "dong_cuu_ke_hoach_2026.docx")
    assert [e.title for e in legacy.catalog] == [e.title for e in unicode.catalog]
    assert [t.lead_raw for t in legacy.tasks] == [t.lead_raw for t in unicode.tasks]
    assert legacy.metadata.kind == "KẾ HOẠCH"
