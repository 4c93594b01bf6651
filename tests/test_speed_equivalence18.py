"""Session 18's speed changes give what the code before them gave (the former code kept here as reference).

- PDF characters (``pdfium_source._chars``), word grouping (``extract/pdf/words.py`` against pdfplumber's
  own ``extract_words``) and words (``layout._word``) on every page of the corpus' and the real set's PDFs,
  and on random characters (rotated ones, ligatures, blanks, sizes and fonts mixed in a word);
- DOCX: styles and numbering parts parsed once for the documents that carry the same bytes: every corpus
  and real DOCX read with the caches cold and warm, alone and after other documents, gives the same blocks;
- the ingest's processes collect garbage less often (``batch_gc``): a worker so set extracts the same Documents
  (the reconciler's side: tests/test_ingest_reconciler.py compares it with one run at the end in the parent).
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import random
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pypdfium2.raw as pdfium_c
import pytest
from pdfplumber.utils import extract_words as plumber_extract_words

from catalog.ingest_reconciler import BATCH_GC_THRESHOLD, batch_gc
from extract import docx_package, docx_reader
from extract.docx_reader import read_docx
from extract.pdf import layout, pdfium_source
from extract.pdf.words import LAYOUT_SETTINGS, extract_words
from realdocs import REALDOCS

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "docs"


def _files(suffix: str) -> list[Path]:
    found = sorted(CORPUS.glob(f"*{suffix}"))
    if REALDOCS.is_dir():
        found += sorted(REALDOCS.glob(f"*{suffix}"))
    return found


# ---------------------------------------------------------------- PDF characters, as before


def _chars_before(text_page: Any, left: float, top: float) -> list[dict[str, Any]]:
    handle = text_page.raw
    address = ctypes.cast(handle, ctypes.c_void_p).value
    styles: dict[int, tuple[str, float, bool]] = {}
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    x_address, y_address = ctypes.addressof(origin_x), ctypes.addressof(origin_y)
    box = pdfium_c.FS_RECTF()
    box_address = ctypes.addressof(box)
    chars: list[dict[str, Any]] = []
    for index in range(pdfium_c.FPDFText_CountChars(handle)):
        code = pdfium_source._get_unicode(address, index)
        if code in pdfium_source._GENERATED_CODES and pdfium_source._is_generated(address, index):
            continue
        if code == 0 or 0xD800 <= code <= 0xDFFF or code == 0xFFFE:
            continue
        text = chr(code)
        key = pdfium_source._text_object_address(address, index) or 0
        style = styles.get(key)
        if style is None:
            style = styles[key] = pdfium_source._style(handle, index)
        fontname, size, upright = style[:3]  # the former reader had no legacy encodings
        pdfium_source._get_origin(address, index, x_address, y_address)
        pdfium_source._get_loose_box(address, index, box_address)
        x0 = origin_x.value - left
        x1 = max(box.right, box.left) - left
        if upright:
            char_bottom = top - origin_y.value
            char_top = char_bottom - size
        else:
            x0, x1 = min(box.left, box.right) - left, x1
            char_top, char_bottom = top - max(box.top, box.bottom), top - min(box.top, box.bottom)
        if chars and unicodedata.combining(text) and pdfium_source._overlaps(chars[-1], x0, x1):
            previous = chars[-1]
            previous["text"] = unicodedata.normalize("NFC", previous["text"] + text)
            continue
        chars.append(
            {
                "text": text, "x0": x0, "x1": x1, "top": char_top, "bottom": char_bottom, "doctop": char_top,
                "width": x1 - x0, "height": char_bottom - char_top, "size": size, "upright": upright,
                "fontname": fontname, "object_type": "char",
            }
        )  # fmt: skip
    return chars


def _pages() -> list[list[dict[str, Any]]]:
    """The characters of every page of the corpus' and the real set's PDFs (checked against the former code)."""
    pages = []
    for path in _files(".pdf"):
        document = pdfium_source.PdfiumDocument(path.read_bytes())
        try:
            for index in range(len(document)):
                page = document._document[index]
                left, _, _, top = page.get_mediabox()
                text_page = page.get_textpage()
                try:
                    chars = pdfium_source._chars(text_page, float(left), float(top))
                    assert chars == _chars_before(text_page, float(left), float(top)), (path.name, index)
                finally:
                    text_page.close()
                    page.close()
                pages.append(chars)
        finally:
            document.close()
    return pages


@pytest.fixture(scope="module")
def pdf_pages() -> list[list[dict[str, Any]]]:
    return _pages()


def test_pdf_characters_and_words_as_before(pdf_pages: list[list[dict[str, Any]]]) -> None:
    assert sum(len(chars) for chars in pdf_pages) > 50_000  # the corpus alone has ~20 pages of text
    plumber = {key: value for key, value in LAYOUT_SETTINGS.items() if key != "return_chars"}
    for chars in pdf_pages:
        assert extract_words(chars, **LAYOUT_SETTINGS) == plumber_extract_words(chars, return_chars=True, **plumber)


def _random_chars(rng: random.Random, count: int) -> list[dict[str, Any]]:
    chars: list[dict[str, Any]] = []
    x, top = rng.random() * 50, 100.0
    upright = True
    for _ in range(count):
        if rng.random() < 0.05:
            upright = not upright  # runs of rotated characters between upright ones
        size = rng.choice([6.0, 9.5, 12.0, 13.0, 14.0])
        if rng.random() < 0.15:
            top += rng.choice([0.0, 0.5, 2.9, 3.0, 3.1, 6.0, 14.0, -14.0])
        if rng.random() < 0.1:
            x = rng.random() * 400
        text = rng.choice(["a", "ệ", " ", "\u00a0", "ﬁ", "ﬀ", "", "1", ".", "Đ", "\t"])
        width = size * rng.uniform(0.0, 0.7)
        step = rng.choice([0.0, 0.1, size * 0.19, size * 0.2, size * 0.21, size, -1.0])
        x0 = x + step
        chars.append(
            {
                "text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + size, "doctop": top,
                "width": width, "height": size, "size": size, "upright": upright,
                "fontname": rng.choice(["Times-Bold", "Times", "Times-Italic"]), "object_type": "char",
            }
        )  # fmt: skip
        x = x0 + width
    return chars


def test_words_of_random_characters_as_pdfplumber() -> None:
    rng = random.Random(18)
    plumber = {key: value for key, value in LAYOUT_SETTINGS.items() if key != "return_chars"}
    for _ in range(500):
        chars = _random_chars(rng, rng.randint(0, 60))
        assert extract_words(chars, **LAYOUT_SETTINGS) == plumber_extract_words(chars, return_chars=True, **plumber)
    # Another setting, or a coordinate that is not a number: pdfplumber itself.
    chars = _random_chars(rng, 30)
    assert extract_words(chars, x_tolerance=2) == plumber_extract_words(chars, x_tolerance=2)
    chars[3]["top"] = math.nan
    assert str(extract_words(chars, **LAYOUT_SETTINGS)) == str(
        plumber_extract_words(chars, return_chars=True, **plumber)
    )


# ---------------------------------------------------------------- layout words, as before


def _word_before(item: dict[str, Any], chars: list[dict[str, Any]]) -> layout.Word:
    sizes = [float(ch["size"]) for ch in chars]
    size = max(sizes)
    floor = 0.8 * size
    baseline = max(float(ch["bottom"]) for ch, char_size in zip(chars, sizes, strict=True) if char_size >= floor)
    text = layout._script_text(chars, size, baseline) if min(sizes) < floor else "".join(ch["text"] for ch in chars)
    letters = [ch for ch in chars if ch["text"].isalnum()] or chars
    styles = [layout._font_style(str(ch["fontname"])) for ch in letters]
    bold = sum(is_bold for is_bold, _ in styles) * 2 > len(letters)
    italic = sum(is_italic for _, is_italic in styles) * 2 > len(letters)
    return layout.Word(
        text=text, x0=float(item["x0"]), x1=float(item["x1"]), top=float(item["top"]),
        bottom=float(item["bottom"]), size=size, bold=bold, italic=italic,
    )  # fmt: skip


def test_layout_words_as_before(pdf_pages: list[list[dict[str, Any]]]) -> None:
    rng = random.Random(181)
    items = [item for chars in pdf_pages for item in extract_words(chars, **LAYOUT_SETTINGS)]
    items += [item for _ in range(300) for item in extract_words(_random_chars(rng, 40), **LAYOUT_SETTINGS)]
    for item in items:
        chars = layout._word_chars(item, None)
        if chars:
            assert layout._word(item, chars) == _word_before(item, chars)
    # Small raised characters inside a word, a font change, a negative size.
    base = {"x0": 0.0, "x1": 9.0, "top": 0.0, "bottom": 12.0, "fontname": "Arial", "size": 12.0, "text": "m"}
    cases = [
        [base, {**base, "text": "2", "size": 7.0, "bottom": 8.0}],
        [base, {**base, "fontname": "Arial-Bold"}, {**base, "fontname": "Arial-Bold"}],
        [{**base, "size": -3.0}, {**base, "size": -3.0}],
        [{**base, "size": 0.0}],
    ]
    for chars in cases:
        assert _outcome(layout._word, base, chars) == _outcome(_word_before, base, chars)


def _outcome(function: Any, *arguments: Any) -> Any:
    """The result, or the kind of error raised (a negative size has no character at the word's size)."""
    try:
        return function(*arguments)
    except ValueError as error:
        return type(error)


# ---------------------------------------------------------------- DOCX styles and numbering kept


def _cold() -> None:
    docx_package._kept.__dict__.clear()
    docx_reader._last_table.__dict__.clear()


def test_docx_blocks_with_kept_styles_as_cold() -> None:
    paths = _files(".docx")
    assert len(paths) >= 6
    cold = {}
    for path in paths:
        _cold()
        cold[path] = read_docx(path.read_bytes(), path.name)
    rng = random.Random(182)
    for _ in range(3):  # warm, in orders where every document follows others with other styles
        order = paths * 2
        rng.shuffle(order)
        for path in order:
            assert read_docx(path.read_bytes(), path.name) == cold[path], path.name


def test_kept_parts_are_not_shared_between_threads() -> None:
    path = _files(".docx")[0]
    data = path.read_bytes()
    _cold()
    mine = docx_package.open_docx(data, path.name).styles
    assert docx_package.open_docx(data, path.name).styles is mine  # kept in this thread
    theirs: list[Any] = []
    thread = threading.Thread(target=lambda: theirs.append(docx_package.open_docx(data, path.name).styles))
    thread.start()
    thread.join()
    assert theirs[0] is not None and theirs[0] is not mine


# ---------------------------------------------------------------- collections in the ingest's processes


def _document_json(path: str) -> str:
    import gc

    from nlp.pipeline import process_file

    assert gc.get_threshold()[0] == BATCH_GC_THRESHOLD and gc.get_freeze_count() > 0  # batch_gc ran here
    return process_file(Path(path), name=Path(path).name).model_dump_json()


def test_documents_with_the_ingest_collections_as_default() -> None:
    """A worker with ``batch_gc`` (rarer collections, inherited objects frozen) extracts what the default gives."""
    paths = [p for suffix in (".txt", ".docx", ".pdf") for p in _files(suffix) if "_scan" not in p.name][:24]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context, initializer=batch_gc) as pool:
        # Every file handed to the worker first, so that it and this process (the default) read them side by side.
        found = pool.map(_document_json, [str(p) for p in paths])
        expected = [_document_json_default(path) for path in paths]
        assert list(found) == expected


def _document_json_default(path: Path) -> str:
    from nlp.pipeline import process_file

    return process_file(path, name=path.name).model_dump_json()
