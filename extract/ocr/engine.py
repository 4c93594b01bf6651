"""Tesseract, kept loaded in the process: the C API of libtesseract through ctypes.

Cell-by-cell OCR calls the recogniser dozens of times per page; a process per call (the
pytesseract way) costs ~0.2 s of start-up and model loading each time. The C API lets one
engine per worker process hold the image once and recognise rectangles of it. libtesseract
ships the C API in the shared library itself, so no headers (libtesseract-dev) or compiled
binding (tesserocr) are needed. When the library cannot be loaded we fall back to pytesseract.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import multiprocessing.util
import os
from dataclasses import dataclass
from functools import cache

import numpy as np

LANGUAGE = "vie"

# Page segmentation modes (tesseract's PageSegMode enum).
PSM_SINGLE_COLUMN = 4
PSM_SINGLE_BLOCK = 6
PSM_SINGLE_LINE = 7
PSM_SINGLE_WORD = 8
PSM_SPARSE = 11

# Result iterator levels (tesseract's PageIteratorLevel enum).
_RIL_WORD = 3
_RIL_SYMBOL = 4


@dataclass(frozen=True, slots=True)
class Symbol:
    """One character of a word with its own box: a mark glued to a word may be a speck."""

    text: str
    confidence: float  # 0..1
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its box in the coordinates of the image given to the engine."""

    text: str
    confidence: float  # 0..1
    left: int
    top: int
    width: int
    height: int
    block: int
    paragraph: int
    line: int
    # Characters as read, before clean_word; empty when the engine cannot say (CLI fallback).
    symbols: tuple[Symbol, ...] = ()

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


class OcrEngineError(RuntimeError):
    pass


# Tesseract's Vietnamese model sometimes emits look-alike code points.
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u2014": "\u2013"})
_STRAY_LEAD = "'‘’`_|\""
_STRAY_TRAIL = "_|`"


def clean_word(text: str) -> str:
    """Look-alike characters mapped, stray quote/underscore marks glued to a word's edge dropped."""
    # "QĐ" comes back as "QĐÐ" (the bar read twice, once as an Icelandic eth).
    text = text.replace("\u0110\u00d0", "\u0110").translate(_LOOKALIKES)
    if (
        len(text) > 1
        and text[0] in _STRAY_LEAD
        and text[1].isalpha()
        and not any(c in text[1:] for c in "'’\"")
    ):
        text = text[1:]
    if len(text) > 1 and text[-1] in _STRAY_TRAIL:
        text = text[:-1]
    return text


def _parse_tsv(
    tsv: str, offset_x: int = 0, offset_y: int = 0, symbols: list[tuple[Symbol, ...]] | None = None
) -> list[Word]:
    """Words of Tesseract's TSV; ``symbols`` are the words' characters in reading order, matched
    to the TSV words by their text (the two come from the same iterator, so they agree in order)."""
    words: list[Word] = []
    pending = list(symbols or [])
    for row in tsv.splitlines():
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        raw = parts[11].strip()
        characters = _take_symbols(pending, raw)
        text = clean_word(raw)
        if not text:
            continue
        try:
            conf = float(parts[10])
        except ValueError:
            continue
        words.append(
            Word(
                text=text,
                confidence=max(0.0, min(1.0, conf / 100.0)),
                left=int(parts[6]) + offset_x,
                top=int(parts[7]) + offset_y,
                width=int(parts[8]),
                height=int(parts[9]),
                block=int(parts[2]),
                paragraph=int(parts[3]),
                line=int(parts[4]),
                symbols=characters,
            )
        )
    return words


def _take_symbols(pending: list[tuple[Symbol, ...]], raw: str) -> tuple[Symbol, ...]:
    """The characters of the next word spelling ``raw`` (a few words ahead at most), or none."""
    if not raw:
        return ()
    for index, group in enumerate(pending[:4]):
        if "".join(symbol.text for symbol in group) == raw:
            del pending[: index + 1]
            return group
    return ()


# Leptonica's L_SEVERITY_NONE: its messages ("Error in boxClipToRectangle: box outside rectangle") are
# about boxes Tesseract clips on its own, printed to the user's terminal on every scan; a page that really
# fails reaches us as Tesseract's return code and becomes a warning on the result.
_LEPTONICA_SILENT = 6


@cache
def _quiet_leptonica() -> None:
    name = ctypes.util.find_library("lept") or "liblept.so.5"
    try:
        ctypes.CDLL(name).setMsgSeverity(ctypes.c_int(_LEPTONICA_SILENT))
    except (OSError, AttributeError):
        pass  # another Leptonica build: its messages stay, nothing else changes


class _CApiEngine:
    def __init__(self, language: str) -> None:
        name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
        lib = ctypes.CDLL(name)
        _quiet_leptonica()
        lib.TessBaseAPICreate.restype = ctypes.c_void_p
        lib.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPIInit3.restype = ctypes.c_int
        lib.TessBaseAPISetPageSegMode.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPISetImage.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.TessBaseAPISetSourceResolution.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPISetRectangle.argtypes = [ctypes.c_void_p] + [ctypes.c_int] * 4
        lib.TessBaseAPIRecognize.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.TessBaseAPIRecognize.restype = ctypes.c_int
        lib.TessBaseAPIGetTsvText.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPISetVariable.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPIGetIterator.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIGetIterator.restype = ctypes.c_void_p
        lib.TessResultIteratorGetPageIterator.argtypes = [ctypes.c_void_p]
        lib.TessResultIteratorGetPageIterator.restype = ctypes.c_void_p
        lib.TessResultIteratorNext.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessResultIteratorNext.restype = ctypes.c_int
        lib.TessResultIteratorGetUTF8Text.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessResultIteratorGetUTF8Text.restype = ctypes.c_void_p
        lib.TessResultIteratorConfidence.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessResultIteratorConfidence.restype = ctypes.c_float
        int_pointer = ctypes.POINTER(ctypes.c_int)
        lib.TessPageIteratorBoundingBox.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            int_pointer,
            int_pointer,
            int_pointer,
            int_pointer,
        ]
        lib.TessPageIteratorBoundingBox.restype = ctypes.c_int
        lib.TessPageIteratorIsAtBeginningOf.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessPageIteratorIsAtBeginningOf.restype = ctypes.c_int
        lib.TessResultIteratorDelete.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIClear.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIDelete.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIEnd.argtypes = [ctypes.c_void_p]
        self._lib = lib
        self._handle = ctypes.c_void_p(lib.TessBaseAPICreate())
        # "+osd" so one engine also answers orientation questions.
        if lib.TessBaseAPIInit3(self._handle, None, f"{language}+osd".encode()) != 0:
            if lib.TessBaseAPIInit3(self._handle, None, language.encode()) != 0:
                raise OcrEngineError(f"tesseract cannot load language {language!r}")
        # Tesseract writes diagnostics ("Detected 34 diacritics") to stderr; users should not see them.
        lib.TessBaseAPISetVariable(self._handle, b"debug_file", os.devnull.encode())
        self._image: np.ndarray | None = None
        self._dpi = 300
        # Release the engine before the process ends: otherwise Tesseract's cache destructor prints
        # "WARNING! LEAK!" lines at exit. Pool workers skip atexit but run multiprocessing finalisers.
        multiprocessing.util.Finalize(self, self.close, exitpriority=10)
        atexit.register(self.close)

    def close(self) -> None:
        if self._handle:
            self._lib.TessBaseAPIEnd(self._handle)
            self._lib.TessBaseAPIDelete(self._handle)
            self._handle = ctypes.c_void_p(None)

    def set_image(self, image: np.ndarray, dpi: int) -> None:
        image = np.ascontiguousarray(image, dtype=np.uint8)
        self._image = image  # keep the buffer alive while tesseract points at it
        height, width = image.shape[:2]
        self._lib.TessBaseAPISetImage(self._handle, image.ctypes.data, width, height, 1, width)
        self._lib.TessBaseAPISetSourceResolution(self._handle, dpi)
        self._dpi = dpi

    def words(self, psm: int, rect: tuple[int, int, int, int] | None = None) -> list[Word]:
        if self._image is None:
            raise OcrEngineError("no image set")
        lib = self._lib
        lib.TessBaseAPISetPageSegMode(self._handle, psm)
        if rect is not None:
            left, top, width, height = rect
            lib.TessBaseAPISetRectangle(self._handle, left, top, width, height)
        else:
            height, width = self._image.shape[:2]
            lib.TessBaseAPISetRectangle(self._handle, 0, 0, width, height)
        if lib.TessBaseAPIRecognize(self._handle, None) != 0:
            return []
        pointer = lib.TessBaseAPIGetTsvText(self._handle, 0)
        if not pointer:
            return []
        try:
            tsv = ctypes.string_at(pointer).decode("utf-8", errors="replace")
        finally:
            lib.TessDeleteText(pointer)
        # TSV boxes are already in full-image coordinates when a rectangle is set.
        return _parse_tsv(tsv, symbols=self._symbols())

    def _symbols(self) -> list[tuple[Symbol, ...]]:
        """Every character of the last recognition with its box and confidence, grouped by word."""
        lib = self._lib
        iterator = lib.TessBaseAPIGetIterator(self._handle)
        if not iterator:
            return []
        page_iterator = lib.TessResultIteratorGetPageIterator(iterator)
        left, top, right, bottom = (ctypes.c_int() for _ in range(4))
        groups: list[list[Symbol]] = []
        try:
            while True:
                pointer = lib.TessResultIteratorGetUTF8Text(iterator, _RIL_SYMBOL)
                if pointer:
                    text = ctypes.string_at(pointer).decode("utf-8", errors="replace")
                    lib.TessDeleteText(pointer)
                    confidence = lib.TessResultIteratorConfidence(iterator, _RIL_SYMBOL)
                    lib.TessPageIteratorBoundingBox(
                        page_iterator,
                        _RIL_SYMBOL,
                        ctypes.byref(left),
                        ctypes.byref(top),
                        ctypes.byref(right),
                        ctypes.byref(bottom),
                    )
                    if not groups or lib.TessPageIteratorIsAtBeginningOf(page_iterator, _RIL_WORD):
                        groups.append([])
                    groups[-1].append(
                        Symbol(
                            text,
                            max(0.0, min(1.0, confidence / 100.0)),
                            left.value,
                            top.value,
                            right.value - left.value,
                            bottom.value - top.value,
                        )
                    )
                if not lib.TessResultIteratorNext(iterator, _RIL_SYMBOL):
                    break
        finally:
            lib.TessResultIteratorDelete(iterator)
        return [tuple(group) for group in groups]


class _CliEngine:
    """pytesseract fallback: one process per call, so the caller should prefer whole pages."""

    def __init__(self, language: str) -> None:
        import pytesseract

        self._tess = pytesseract
        self._language = language
        self._image: np.ndarray | None = None
        self._dpi = 300

    def set_image(self, image: np.ndarray, dpi: int) -> None:
        self._image = np.ascontiguousarray(image, dtype=np.uint8)
        self._dpi = dpi

    def words(self, psm: int, rect: tuple[int, int, int, int] | None = None) -> list[Word]:
        if self._image is None:
            raise OcrEngineError("no image set")
        image = self._image
        offset_x = offset_y = 0
        if rect is not None:
            left, top, width, height = rect
            image = image[top : top + height, left : left + width]
            offset_x, offset_y = left, top
        tsv = self._tess.image_to_data(image, lang=self._language, config=f"--psm {psm} --dpi {self._dpi}")
        return _parse_tsv(tsv, offset_x, offset_y)


Engine = _CApiEngine | _CliEngine
_ENGINE: Engine | None = None


def get_engine() -> Engine:
    """The engine of this process, created on first use (each pool worker gets its own)."""
    global _ENGINE
    if _ENGINE is None:
        # Tesseract's OpenMP threads fight the page-level process pool for the same cores.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        try:
            _ENGINE = _CApiEngine(LANGUAGE)
        except (OSError, AttributeError, OcrEngineError):
            _ENGINE = _CliEngine(LANGUAGE)
    return _ENGINE
