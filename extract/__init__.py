"""Extraction: files (text, DOCX, PDF, scans) into the typed document model."""

from extract.api import extract_bytes, extract_file
from extract.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    ExtractError,
    FileMissingError,
    LimitExceededError,
    UnsupportedFormatError,
)
from extract.model import (
    SCHEMA_VERSION,
    CatalogEntry,
    Cell,
    CitedDocument,
    Document,
    Metadata,
    Provenance,
    Section,
    Table,
    TableRow,
    Task,
)

__all__ = [
    "SCHEMA_VERSION",
    "CatalogEntry",
    "Cell",
    "CitedDocument",
    "CorruptFileError",
    "Document",
    "EmptyFileError",
    "EncryptedFileError",
    "ExtractError",
    "FileMissingError",
    "LimitExceededError",
    "Metadata",
    "Provenance",
    "Section",
    "Table",
    "TableRow",
    "Task",
    "UnsupportedFormatError",
    "extract_bytes",
    "extract_file",
]
