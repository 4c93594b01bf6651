"""The document's number as the scan shows it: is it printed, or written in by hand?

The số hiệu is often typed as "Số:      /QĐ-TTg" and its digits written in by hand after signing.
Tesseract reads handwriting as print with little confidence and no error ("1380" read "280"), so
the metadata takes a wrong number for a right one. Only the OCR stage still has the words'
confidences; it says when the digits after "Số:" on the first page were read with low confidence,
and the reader checks the number (docs/realdocs-trial.md, session 13).

Measured on the first pages of nine real scans (session 13): typed numbers 0.89 (09/2025/QĐ-TTg);
handwritten ones 0.40-0.65, right ("Số:04" 0.60, "Số:4214/BCA-C04" 0.40) or wrong ("Số:280" 0.48
for 1380).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extract.ocr.engine import Word

# Below this the digits are as likely handwritten as printed; a printed number reads 0.85 and more.
NUMBER_CONFIDENCE = 0.7
# "Số:" as read, any mark on the o ("Só:492" in TB 493/TB-UBND Lâm Đồng): only the label's place matters.
_NUMBER_LABEL = re.compile(r"^S[oóòỏõọôốồổỗộơớờởỡợ]\s*:", re.IGNORECASE)
_WORDS_AFTER_LABEL = 2  # "Số:" "1380" "/QĐ-TTg": the digits are in the label's word or the next two


def uncertain_number(words: Sequence[Word]) -> tuple[str, float] | None:
    """The "Số: …" reading and its confidence when its digits were read with low confidence."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    for line in lines.values():
        for index, word in enumerate(line):
            label = _NUMBER_LABEL.match(word.text)
            if label is None:
                continue
            rest = word.text[label.end() :]
            carriers = ([word] if rest else []) + line[index + 1 : index + 1 + _WORDS_AFTER_LABEL]
            digits = [carrier for carrier in carriers if any(char.isdigit() for char in carrier.text)]
            if not digits:
                return None  # no digit read: the metadata says the number is missing
            confidence = min(carrier.confidence for carrier in digits)
            if confidence < NUMBER_CONFIDENCE:
                return " ".join(item.text for item in line[index : index + 1 + _WORDS_AFTER_LABEL]), confidence
            return None
    return None
