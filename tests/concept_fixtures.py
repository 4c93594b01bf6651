"""Three commune plans of one province, normalised by the real nlp stage, for the concept tests.

Each implements the province's plan (UBND tỉnh Bình Lợi, its parent): the issuer names only the
commune. An Bình and Tân Lập list "Dữ liệu hộ nghèo", kept by Phòng Kinh tế in one and by Phòng
Văn hóa - Xã hội in the other (a unit conflict); Hòa Phú's plan does not list it (a coverage gap).
"""

from __future__ import annotations

import hashlib

from catalog.exports.agencies import slug
from extract.model import CatalogEntry, CitedDocument, Document, Metadata, Provenance, SourceFormat
from nlp.document import normalize_document

PLANS: dict[str, list[tuple[str, str]]] = {
    "xã An Bình": [
        ("Dữ liệu hộ nghèo", "Phòng Kinh tế"),
        ("Dữ liệu người có công", "Phòng Văn hóa - Xã hội"),
        ("Dữ liệu đất đai", "Công chức Địa chính - Xây dựng"),
    ],
    "xã Tân Lập": [
        ("Dữ liệu hộ nghèo", "Phòng Văn hóa - Xã hội"),
        ("Dữ liệu người có công", "Phòng Văn hóa - Xã hội"),
    ],
    "xã Hòa Phú": [
        ("Dữ liệu người có công", "Phòng Văn hóa - Xã hội"),
        ("Dữ liệu trường mầm non", "Phòng Văn hóa - Xã hội"),
    ],
}


PROVINCE = "tỉnh Bình Lợi"


def plan(place: str, rows: list[tuple[str, str]], *, tag: str = "", province: str = PROVINCE) -> Document:
    source = f"ke-hoach-{slug(place)}{tag}.txt"
    sha = hashlib.sha256(f"{source}|{rows}".encode()).hexdigest()
    catalog = [
        CatalogEntry(
            number=str(i), title=title, unit=unit, table=0, row=i,
            provenance=Provenance(file=source, table=0, row=i, raw=title),
        )
        for i, (title, unit) in enumerate(rows, start=1)
    ]  # fmt: skip
    document = Document(
        source=source, sha256=sha, format=SourceFormat.TEXT, size_bytes=100, page_count=1,
        metadata=Metadata(
            kind="KẾ HOẠCH", number=f"{len(rows)}/KH-UBND", issuer=f"UBND {place}",
            title=f"Kế hoạch chuyển đổi số năm 2026 {place}",
            parent=CitedDocument(
                kind="Kế hoạch", number="120/KH-UBND", issuer=f"UBND {province}", role="implements",
                provenance=Provenance(file=source, line=3, raw=f"Kế hoạch số 120/KH-UBND của UBND {province}"),
            ),
        ),
        catalog=catalog,
    )  # fmt: skip
    return normalize_document(document)


def plans() -> list[Document]:
    return [plan(place, rows) for place, rows in PLANS.items()]
