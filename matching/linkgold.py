"""The linking gold (matching/data/linking_gold.json): labelled entries of several catalogs and labelled pairs.

Two levels are labelled for every pair (docs/matching.md, "Linking gold"):

* **dataset**: the same dataset of one publisher — one province's (a commune plan implementing the
  provincial plan lists the province's datasets, the seed plans' convention);
* **concept**: the same kind of data, whatever the locality ("Dữ liệu các trường tiểu học" of two provinces).

`gold_documents` turns the entries into normalised Documents (unit keys become unit types as in
matching.goldset), so that matching is measured on its own, not through extraction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from extract.model import CatalogEntry, CatalogNorm, CitedDocument, Document, Metadata, Provenance, SourceFormat
from matching.calibrate import PairwiseScores
from matching.errors import GoldFormatError
from matching.goldset import _title_key, _units
from matching.model import entry_key
from nlp.pairwise import precision_recall_f1

LINKING_GOLD = Path(__file__).with_name("data") / "linking_gold.json"


@dataclass(frozen=True, slots=True)
class GoldPair:
    left: str  # entry ids ("hung_yen:6")
    right: str
    same_dataset: bool
    same_concept: bool
    relation: str  # same_document, same_province, across_provinces


@dataclass(frozen=True)
class LinkingGold:
    documents: list[Document]
    names: list[str]  # document ids, in the order of `documents`
    keys: dict[str, str]  # entry id -> entry key of the built Document
    pairs: list[GoldPair]
    concept: dict[str, str]  # entry id -> concept label
    dataset: dict[str, str]  # entry id -> dataset label

    def subset(self, names: Iterable[str]) -> LinkingGold:
        """The documents named, and the pairs whose both entries belong to them."""
        wanted = set(names)
        docs = [(n, d) for n, d in zip(self.names, self.documents, strict=True) if n in wanted]
        inside = {i for i in self.keys if i.partition(":")[0] in wanted}
        return LinkingGold(
            documents=[d for _, d in docs], names=[n for n, _ in docs],
            keys={i: k for i, k in self.keys.items() if i in inside},
            pairs=[p for p in self.pairs if p.left in inside and p.right in inside],
            concept={i: c for i, c in self.concept.items() if i in inside},
            dataset={i: c for i, c in self.dataset.items() if i in inside},
        )  # fmt: skip


def _document(spec: dict) -> tuple[Document, dict[str, str]]:
    source = f"{spec['id']}.json"
    parent = None
    if spec.get("parent_issuer"):
        parent = CitedDocument(kind="Kế hoạch", issuer=spec["parent_issuer"], role="implements",
                               provenance=Provenance(file=source))  # fmt: skip
    metadata = Metadata(issuer=spec["issuer"], title=spec.get("title", ""), parent=parent)
    entries = []
    for row, item in enumerate(spec["entries"], start=1):
        entries.append(CatalogEntry(
            group=item.get("group", ""), number=item["number"], title=item["title"],
            description=item.get("description", ""), unit=item.get("unit", ""), table=1, row=row,
            provenance=Provenance(file=source, table=1, row=row, raw=item["title"]),
            norm=CatalogNorm(units=_units(item.get("unit", ""), item.get("unit_key", "")),
                             title_key=_title_key(item["title"])),
        ))  # fmt: skip
    digest = hashlib.sha256(json.dumps(spec, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    document = Document(source=source, sha256=digest, format=SourceFormat.TEXT, size_bytes=0, page_count=1,
                        metadata=metadata, catalog=entries)  # fmt: skip
    keys = {item["id"]: entry_key(document, e) for item, e in zip(spec["entries"], entries, strict=True)}
    return document, keys


def load_linking_gold(path: Path = LINKING_GOLD) -> LinkingGold:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        documents, names, keys, concept, dataset = [], [], {}, {}, {}
        for spec in data["documents"]:
            document, doc_keys = _document(spec)
            documents.append(document)
            names.append(spec["id"])
            keys.update(doc_keys)
            concept.update({e["id"]: e["concept"] for e in spec["entries"]})
            dataset.update({e["id"]: e["dataset"] for e in spec["entries"]})
        pairs = [
            GoldPair(p["left"], p["right"], p["dataset"] == "same", p["concept"] == "same", p["relation"])
            for p in data["pairs"]
        ]
    except (OSError, KeyError, ValueError, TypeError) as error:
        raise GoldFormatError(str(path), str(error)) from error
    return LinkingGold(documents, names, keys, pairs, concept, dataset)


def _scores(truth: Sequence[bool], predicted: Sequence[bool]) -> PairwiseScores:
    correct = sum(1 for t, p in zip(truth, predicted, strict=True) if t and p)
    n_true, n_pred = sum(truth), sum(predicted)
    precision, recall, f1 = precision_recall_f1(correct, n_pred, n_true)
    return PairwiseScores(precision, recall, f1, n_true, n_pred, correct)


def score_pairs(
    gold: LinkingGold, same: Callable[[str, str], bool], *, level: str = "dataset", pairs: Sequence[GoldPair] = ()
) -> PairwiseScores:
    """Precision/recall/F1 over the labelled pairs; `same(left_key, right_key)` is the prediction."""
    chosen = list(pairs) or gold.pairs
    truth = [p.same_dataset if level == "dataset" else p.same_concept for p in chosen]
    predicted = [same(gold.keys[p.left], gold.keys[p.right]) for p in chosen]
    return _scores(truth, predicted)


def same_by(assignment: Mapping[str, str]) -> Callable[[str, str], bool]:
    return lambda a, b: a in assignment and assignment.get(a) == assignment.get(b)
