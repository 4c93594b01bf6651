"""Compose the structure steps into one Document."""

from __future__ import annotations

from extract.blocks import BlockStream, Paragraph
from extract.model import Document, ExtractionWarning, Provenance, SourceFormat, Table

# After stitching, the stream holds paragraphs and finished tables, in reading order.
Item = Paragraph | Table


def build_document(stream: BlockStream, *, source: str, sha256: str, fmt: SourceFormat, size_bytes: int) -> Document:
    from extract.structure.catalog import extract_catalog
    from extract.structure.contents import split_contents
    from extract.structure.metadata import extract_metadata
    from extract.structure.metadata_warnings import metadata_warnings
    from extract.structure.numbering import logical_lines
    from extract.structure.sections import build_sections
    from extract.structure.tables import stitch_tables
    from extract.structure.tasks import extract_tasks

    warnings = [
        ExtractionWarning(code=code, message=message, provenance=Provenance(file=source, page=page))
        for code, message, page in stream.warnings
    ]
    items, table_warnings = stitch_tables(stream.blocks, source=source)
    warnings.extend(table_warnings)
    lines, contents = split_contents(logical_lines(items))  # read-only records, shared by metadata and sections
    if contents:
        warnings.append(
            ExtractionWarning(
                code="table_of_contents_skipped",
                message=f"Mục lục bỏ qua ({len(contents)} dòng, trang {contents[0].page}) / "
                f"table of contents skipped ({len(contents)} lines, page {contents[0].page})",
                provenance=Provenance(file=source, page=contents[0].page, line=contents[0].line, raw=contents[0].raw),
            )
        )
    metadata = extract_metadata(
        items, source=source, lines=lines, stamps=stream.stamps, ocr_pages=stream.needs_ocr_pages
    )
    warnings.extend(metadata_warnings(metadata, stream.stamps, source=source))
    sections = build_sections(items, source=source, lines=lines)
    tasks = extract_tasks(items, sections, source=source, lines=lines, issuer=metadata.issuer)
    catalog, catalog_warnings = extract_catalog(items, source=source)
    warnings.extend(catalog_warnings)
    return Document(
        source=source,
        sha256=sha256,
        format=fmt,
        size_bytes=size_bytes,
        page_count=stream.page_count,
        encoding=stream.encoding,
        needs_ocr_pages=stream.needs_ocr_pages,
        warnings=warnings,
        metadata=metadata,
        sections=sections,
        tasks=tasks,
        tables=[item for item in items if isinstance(item, Table)],
        catalog=catalog,
    )
