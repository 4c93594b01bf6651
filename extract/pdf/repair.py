"""A PDF cut short (an interrupted download or copy): give it back the trailer it lost.

A PDF ends with its cross-reference table, a ``trailer`` naming the document catalog, and ``%%EOF``;
a file missing its last bytes loses exactly those, and PDFium and pdfminer then refuse it ("No /Root
object") although every page before the cut is intact (poppler rebuilds the table and reads it). When
the end marker is missing, a trailer naming the last catalog object found in the bytes is appended:
both readers then rebuild the cross-reference by scanning the objects. A catalog kept inside a
compressed object stream cannot be found this way; the reader's error then says the file is truncated.
"""

from __future__ import annotations

import re

# Readers look for %%EOF in the last KiB; a few KiB more tolerates junk some producers append.
_TAIL_BYTES = 4096
_CATALOG = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj\s*<<(?:(?!endobj).){0,2000}?/Type\s*/Catalog\b", re.DOTALL)


def is_truncated(data: bytes) -> bool:
    """True when the end-of-file marker is missing from the tail: the file was cut short."""
    return b"%%EOF" not in data[-_TAIL_BYTES:]


def complete_truncated(data: bytes) -> bytes | None:
    """``data`` with a trailer naming its catalog appended, or None when it is not truncated or no
    catalog object can be found in it."""
    if not is_truncated(data):
        return None
    # The last one: an incremental update redefines the catalog.
    found = max(_CATALOG.finditer(data), key=lambda match: match.start(), default=None)
    if found is None:
        return None
    number, generation = found.group(1), found.group(2)
    return data + b"\ntrailer\n<< /Root " + number + b" " + generation + b" R >>\n%%EOF\n"
