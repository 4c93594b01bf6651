"""Gold annotation files (``../shared/gold-format.md``) as typed records."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from danhmuc.errors import DanhmucError


class GoldError(DanhmucError):
    code = "gold_error"


class _Gold(BaseModel):
    # Gold files may carry annotators' extra fields (notes, cited lists); they are ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")


class GoldCitation(_Gold):
    number: str
    date: str = ""


class GoldMeta(_Gold):
    # Absent or null: not annotated, not scored; "" means the document has none (a blank số hiệu).
    kind: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    parent: str | None = None
    place: str | None = None
    title: str | None = None
    signer: str | None = None  # real documents: the person's name; absent = not scored
    cited: list[GoldCitation] | None = None


class GoldEntry(_Gold):
    group: str = ""
    number: str = ""
    title: str = ""
    description: str = ""
    unit: str = ""
    sharing_raw: str = ""
    frequency_raw: str = ""
    note: str = ""
    unit_key: str = ""
    sharing: str = ""
    frequency: list[str] = Field(default_factory=list)
    dataset_key: str = ""


class GoldTask(_Gold):
    ref: str
    heading: str = ""
    time_raw: str = ""
    lead_raw: str = ""
    partner_raw: str | None = None
    periods: list[str] = Field(default_factory=list)
    lead_key: str = ""
    partner_keys: list[str] = Field(default_factory=list)
    parent_ref: str = ""
    source: str = ""  # real documents: "table", "labelled" or "prose"


class GoldFlag(_Gold):
    kind: str
    evidence: list[str] = Field(default_factory=list)


class GoldSampleRow(_Gold):
    row: int  # 0-based among the table's data rows
    cells: list[str]


class GoldTable(_Gold):
    """A logical table of a real document (continued over pages = one table)."""

    kind: str = "other"  # "catalog", "tasks", "other"
    pages: list[int] = Field(default_factory=list)
    columns: int = 0
    rows: int = 0
    header: list[str] = Field(default_factory=list)
    samples: list[GoldSampleRow] = Field(default_factory=list)


class GoldScanPage(_Gold):
    page: int  # 1-based
    text: str  # path of the hand-checked transcription, relative to the gold directory's parent


class GoldDocument(_Gold):
    name: str
    files: list[str]
    meta: GoldMeta
    catalog: list[GoldEntry] = Field(default_factory=list)
    tasks: list[GoldTask] = Field(default_factory=list)
    flags: list[GoldFlag] = Field(default_factory=list)
    # Real documents only (realdocs/gold): None = not annotated, so not scored.
    tables: list[GoldTable] | None = None
    scan_pages: list[GoldScanPage] = Field(default_factory=list)
    source: str = ""
    notes: str = ""

    def rendering(self, file_name: str) -> str:
        """The rendering label of one listed file: its name after the document name (".pdf", "_scan.pdf")."""
        stem = file_name[len(self.name) :] if file_name.startswith(self.name) else Path(file_name).suffix
        return stem or file_name


def load_gold_dir(gold_dir: Path) -> list[GoldDocument]:
    if not gold_dir.is_dir():
        raise GoldError(
            f"Không tìm thấy thư mục gold: {gold_dir}",
            f"Gold directory not found: {gold_dir}",
            path=str(gold_dir),
        )
    documents = []
    for path in sorted(gold_dir.glob("*.json")):
        try:
            documents.append(GoldDocument.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (json.JSONDecodeError, UnicodeDecodeError, ValidationError) as error:
            raise GoldError(
                f"Tệp gold không hợp lệ: {error}",
                f"Invalid gold file: {error}",
                path=str(path),
            ) from error
    if not documents:
        raise GoldError(
            "Thư mục gold không có tệp .json nào.",
            "The gold directory holds no .json file.",
            path=str(gold_dir),
        )
    return documents
