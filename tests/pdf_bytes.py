"""A PDF file written from its objects' bodies: tests that draw small PDFs operator by operator share it."""

from __future__ import annotations

from collections.abc import Sequence


def pdf_file(objects: Sequence[bytes]) -> bytes:
    """The objects numbered from 1 in order (the first the catalog), with their cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
