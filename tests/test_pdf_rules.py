"""Ruled tables read from their rules, on small PDFs drawn here operator by operator.

Each page is built the way real producers draw it: Word paints every border as a thin black
filled box and shades header paragraphs line by line; e-government templates paint white boxes
and white lines over the page; Word leaves the top border off a table continued on a new page;
a swimlane diagram is a grid with arrows and rounded boxes in it. Both PDF backends must read
the same table (or refuse the same diagram).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from extract.blocks import Paragraph, RawTable
from extract.pdf import source as pdf_source
from extract.pdf.layout import Line, TextRepairs, Word, join_cell_lines, page_words
from extract.pdf_reader import read_pdf
from tests.pdf_bytes import pdf_file

BACKENDS = ("pdfium", "pdfplumber")
PAGE_W, PAGE_H = 595, 842
SIZE = 11


def _pdf(pages: Sequence[str]) -> bytes:
    """A PDF whose pages have the given content streams, with Helvetica as /F1."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids: list[int] = []
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for content in pages:
        stream = content.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (PAGE_W, PAGE_H, content_id, font)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    return pdf_file(objects)


def _y(top: float) -> float:
    return PAGE_H - top


def _text(x: float, top: float, text: str) -> str:
    """Text whose baseline is one font size below ``top`` (top-based coordinates, as the reader's)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"BT /F1 {SIZE} Tf {x:.2f} {_y(top + SIZE):.2f} Td ({escaped}) Tj ET\n"


def _box(x0: float, top: float, x1: float, bottom: float, gray: float) -> str:
    return f"{gray} g {x0:.2f} {_y(bottom):.2f} {x1 - x0:.2f} {bottom - top:.2f} re f\n"


def _filled_grid(xs: Sequence[float], ys: Sequence[float], *, open_top: bool = False) -> str:
    """Borders as 0.5 pt black filled boxes, one per cell side, as Word prints them."""
    out = []
    for index, y in enumerate(ys):
        if open_top and index == 0:
            continue
        for x0, x1 in zip(xs, xs[1:], strict=False):
            out.append(_box(x0, y - 0.25, x1, y + 0.25, 0))
    for x in xs:
        for y0, y1 in zip(ys, ys[1:], strict=False):
            out.append(_box(x - 0.25, y0, x + 0.25, y1, 0))
    return "".join(out)


# columns: number, name, unit; rows: header, two data rows with cells of two lines
XS = (60.0, 100.0, 300.0, 500.0)
YS = (100.0, 130.0, 170.0, 210.0)
CELLS = [
    [["TT"], ["Ten du lieu"], ["Don vi"]],
    [["1"], ["Du lieu dan cu", "tren dia ban"], ["VP HDND-", "UBND tinh"]],
    [["2"], ["Du lieu dat dai"], ["So Tai nguyen", "va Moi truong"]],
]


def _cells_text(*, shading: bool) -> str:
    out = []
    for r, row in enumerate(CELLS):
        for c, lines in enumerate(row):
            for k, line in enumerate(lines):
                top = YS[r] + 4 + k * 14
                if shading:  # Word shades each line of a header or highlighted paragraph on its own
                    out.append(_box(XS[c] + 5, top, XS[c + 1] - 5, top + 14, 0.85))
                out.append("0 g " + _text(XS[c] + 6, top, line))
    return "".join(out)


def _read(data: bytes, backend: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(pdf_source.BACKEND_VARIABLE, backend)
    return read_pdf(data, "generated.pdf")


def _tables(stream: Any) -> list[RawTable]:
    return [block for block in stream.blocks if isinstance(block, RawTable)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_filled_rules_and_line_shading_give_one_row_per_ruled_band(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _filled_grid(XS, YS) + _cells_text(shading=True)
    (table,) = _tables(_read(_pdf([page]), backend, monkeypatch))
    assert [[cell.text for cell in row] for row in table.rows] == [
        ["TT", "Ten du lieu", "Don vi"],
        ["1", "Du lieu dan cu tren dia ban", "VP HDND-UBND tinh"],
        ["2", "Du lieu dat dai", "So Tai nguyen va Moi truong"],
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_white_paint_is_not_a_table(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """White boxes and white stroked lines over prose (e-government templates) are not rules."""
    lines = ["Ke hoach nay quy dinh viec chia se du lieu", "giua cac co quan nha nuoc tren dia ban tinh.", "Het."]
    page = "".join(_box(60, 100 + 20 * k, 500, 120 + 20 * k, 1) for k in range(3))
    page += "".join(f"1 G 0.48 w {x} {_y(100)} m {x} {_y(160)} l S\n" for x in (60, 200, 350, 500))
    page += "".join("0 g " + _text(62, 104 + 20 * k, line) for k, line in enumerate(lines))
    stream = _read(_pdf([page]), backend, monkeypatch)
    assert not _tables(stream)
    assert [block.text for block in stream.blocks if isinstance(block, Paragraph)][0].startswith("Ke hoach")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_table_continued_without_its_top_border_keeps_its_first_row(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _filled_grid(XS, YS) + _cells_text(shading=False)
    ys = (60.0, 100.0, 140.0)  # the page's first row has no top rule: it belonged to the page before
    second = _filled_grid(XS, ys, open_top=True)
    second += _text(66, 64, "3") + _text(106, 64, "Du lieu giao duc") + _text(306, 64, "So Giao duc")
    second += _text(66, 104, "4") + _text(106, 104, "Du lieu y te") + _text(306, 104, "So Y te")
    tables = _tables(_read(_pdf([first, second]), backend, monkeypatch))
    assert [row[0].text for table in tables for row in table.rows] == ["TT", "1", "2", "3", "4"]
    assert tables[-1].after_break


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_grid_with_arrows_and_rounded_boxes_is_a_diagram(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = _filled_grid(XS, (100.0, 130.0, 330.0))
    page += _text(66, 104, "Can bo") + _text(306, 104, "He thong")
    # a rounded box (Bezier corners) and an arrow (a slanted stroke) inside the lanes
    page += "0 G 1 w 120 600 m 180 600 l 190 600 190 590 190 580 c 190 560 l 120 560 l S\n"
    page += "0 G 1 w 200 580 m 320 540 l S\n"
    page += _text(125, 250, "Bat dau") + _text(320, 300, "Dong bo du lieu")
    stream = _read(_pdf([page]), backend, monkeypatch)
    assert not _tables(stream)
    texts = [block.text for block in stream.blocks if isinstance(block, Paragraph)]
    assert "Bat dau" in " ".join(texts)
    assert [code for code, _, page_number in stream.warnings] == ["diagram_not_table"]


class _FakePage:
    """A page source giving fixed words, to feed page_words characters a real PDF font produced."""

    def __init__(self, words: list[list[tuple[str, bool]]]) -> None:
        self._words = words

    def extract_words(self, **_settings: Any) -> list[dict[str, Any]]:
        out = []
        x = 50.0
        for word in self._words:
            chars = []
            for text, upright in word:
                chars.append(
                    {"text": text, "x0": x, "x1": x + 5, "top": 100.0, "bottom": 111.0, "size": 11.0,
                     "fontname": "Times", "upright": upright}
                )  # fmt: skip
                x += 5
            out.append({"text": "".join(t for t, _ in word), "x0": chars[0]["x0"], "x1": chars[-1]["x1"],
                        "top": 100.0, "bottom": 111.0, "chars": chars})  # fmt: skip
            x += 3
        return out


def _chars(text: str, upright: bool = True) -> list[tuple[str, bool]]:
    return [(char, upright) for char in text]


def test_control_characters_become_the_printed_hyphen_or_are_dropped() -> None:
    page = _FakePage([_chars("NĐ\x02CP"), _chars("HĐND\x02"), _chars("\x03UBND"), _chars("Sở")])
    repairs = TextRepairs()
    words = page_words(page, repairs)  # type: ignore[arg-type]
    assert [word.text for word in words] == ["NĐ-CP", "HĐND-", "UBND", "Sở"]
    assert repairs.controls == ["U+0003"]


def test_rotated_words_are_left_out_of_an_upright_page() -> None:
    upright = [_chars(word) for word in "Mô hình tổng thể của hệ thống".split()]
    page = _FakePage([*upright, _chars("HCÁS", upright=False)])
    repairs = TextRepairs()
    assert [word.text for word in page_words(page, repairs)] == "Mô hình tổng thể của hệ thống".split()  # type: ignore[arg-type]
    assert repairs.rotated_words == ["HCÁS"]
    sideways = _FakePage([_chars(word, upright=False) for word in ("Trang", "xoay")])
    assert [word.text for word in page_words(sideways)] == ["Trang", "xoay"]  # type: ignore[arg-type]


def test_a_roman_label_broken_in_a_narrow_number_column_is_glued() -> None:
    def line(text: str, x0: float, top: float) -> Line:
        return Line((Word(text, x0, x0 + 5.0 * len(text), top, top + 11, 11.0, False, False),))

    # "VII" fills the 16 pt wide cell; "I.1" wraps: the column printed "VIII.1" on two lines
    assert join_cell_lines([line("VII", 100, 10), line("I.1", 100, 24)], right_limit=116.0) == "VIII.1"
    assert join_cell_lines([line("Sở", 100, 10), line("I.1", 100, 24)], right_limit=111.0) == "Sở I.1"
    assert join_cell_lines([line("VII", 100, 10), line("I.1", 100, 24)], right_limit=160.0) == "VII I.1"


def test_narrow_column_fragments_glued_only_when_they_are_one_token() -> None:
    def line(text: str, top: float) -> Line:
        return Line((Word(text, 100.0, 100.0 + 5.0 * len(text), top, top + 11, 11.0, False, False),))

    limit = 100.0 + 5.0 * len("TONG_VON_DAU_T")
    assert join_cell_lines([line("TONG_VON_DAU_T", 10), line("U_USD", 24)], right_limit=limit) == "TONG_VON_DAU_TU_USD"
    assert join_cell_lines([line("THOI_GIAN_NGUNG", 10), line("_HD_DEN", 24)], right_limit=limit) == (
        "THOI_GIAN_NGUNG_HD_DEN"
    )
    # after a comma the next line is a new word, even an acronym that could be glued ("CB," / "LĐ")
    assert join_cell_lines([line("CB,", 10), line("LĐ", 24)], right_limit=115.0) == "CB, LĐ"
