"""A second look, at twice the scale, at a short number or code read with little confidence.

At a scan's native 200 dpi the recogniser confuses digits of a Times-like face whose strokes lie a
pixel or two apart ("57" read "37" in QĐ 09/2025's one-row tables, where no column sequence can
correct it); enlarged twice they part. Only a cell that is one short number or code read below
``SURE_SHORT`` is read again, twice (its grey canvas enlarged, and that canvas thresholded): the new
text is taken when both readings agree on it, it has the same form (digits only, or a letter
prefix and digits) and both are surer than the first reading. Otherwise the first reading stays;
a change is a :class:`Correction` ("reread"), so what was read first stays on record.
"""

from __future__ import annotations

import dataclasses
import re

import cv2
import numpy as np

from extract.ocr.engine import PSM_SINGLE_LINE, Engine, Word
from extract.ocr.postcorrect import Correction

SURE_SHORT = 0.8  # a short cell read at least this sure is not read again
SCALE = 2.0
_FORMS = (re.compile(r"^\d{1,4}$"), re.compile(r"^[A-ZĐ]{1,3}\d{1,5}$"))


def is_short(text: str) -> bool:
    return any(form.match(text) for form in _FORMS)


def reread_short(
    engine: Engine, grey: np.ndarray, dpi: int, words: list[Word], confidence: float
) -> tuple[list[Word], Correction | None]:
    """``words`` (one short number or code read with ``confidence``) or the agreeing, surer reading
    of ``grey`` (the cell's canvas before thresholding) at twice the scale, with boxes in the
    canvas's own coordinates."""
    text = " ".join(word.text for word in words)
    form = next((form for form in _FORMS if form.match(text)), None)
    if form is None or confidence >= SURE_SHORT:
        return words, None
    enlarged = cv2.resize(grey, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC)
    _, binary = cv2.threshold(enlarged, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    readings = []
    for image in (enlarged, binary):
        engine.set_image(image, round(dpi * SCALE))
        readings.append(engine.words(PSM_SINGLE_LINE))
    texts = {" ".join(word.text for word in reading) for reading in readings}
    if len(texts) != 1:
        return words, None
    (new_text,) = texts
    surer = all(reading and min(word.confidence for word in reading) > confidence for reading in readings)
    if new_text == text or not form.match(new_text) or not surer:
        return words, None
    # The thresholded reading, as the first was, its boxes brought back to the canvas's scale.
    rescaled = [_shrink(word) for word in readings[1]]
    return rescaled, Correction(None, text, new_text, text, "reread")


def _shrink(word: Word) -> Word:
    def scaled(value: int) -> int:
        return round(value / SCALE)

    symbols = tuple(
        dataclasses.replace(
            symbol,
            left=scaled(symbol.left),
            top=scaled(symbol.top),
            width=scaled(symbol.width),
            height=scaled(symbol.height),
        )
        for symbol in word.symbols
    )
    return dataclasses.replace(
        word,
        left=scaled(word.left),
        top=scaled(word.top),
        width=scaled(word.width),
        height=scaled(word.height),
        symbols=symbols,
    )
