"""The official DCAT-AP 3.0.1 shapes, and a stand-in for the EU vocabularies they check values against.

The shapes are read unchanged from ``shared/standards/dcat-ap-3.0.1/`` beside the checkout (SEMIC,
commit 7c531da). They expect the EU authority tables (``imports.ttl``, ``mdr_imports.ttl``) in the
data graph; those are not shipped, so ``stand_in`` states the few terms the export uses as the EU
tables do: type, class expected by the range shapes, English label, ``skos:inScheme`` — and nothing
about the catalog's own nodes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

# shared/ sits beside the checkout (CI); a git worktree nests the checkout one level deeper.
STANDARDS = next(
    (found for parent in Path(__file__).resolve().parents[1:4]
     if (found := parent / "shared" / "standards" / "dcat-ap-3.0.1").is_dir()),
    Path(__file__).resolve().parents[1].parent / "shared" / "standards" / "dcat-ap-3.0.1",
)  # fmt: skip
# dcat-ap-SHACL.ttl is shapes.ttl + range.ttl in one file; ranges.ttl repeats range.ttl under the
# same shape IRIs (pyshacl refuses the two merged), so each file is its own shapes graph.
SHAPE_FILES = ("dcat-ap-SHACL.ttl", "shapes.ttl", "shapes_recommended.ttl", "range.ttl",
               "mdr-vocabularies.shape.ttl")  # fmt: skip
SH = Namespace("http://www.w3.org/ns/shacl#")
EU = "http://publications.europa.eu/resource/authority/"
ADMS = "http://purl.org/adms/"

# scheme → (classes its terms must have for the range shapes, {code: English label})
_TABLES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    f"{EU}language": (("LinguisticSystem",), {"VIE": "Vietnamese"}),
    f"{EU}frequency": (("Frequency",), {
        "DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "QUARTERLY": "quarterly",
        "ANNUAL_2": "semiannual", "ANNUAL": "annual", "IRREG": "irregular", "CONT": "continuous", "OTHER": "other",
    }),
    f"{EU}access-right": (("RightsStatement",), {"PUBLIC": "public", "RESTRICTED": "restricted",
                                                  "NON_PUBLIC": "non-public"}),
    f"{EU}data-theme": ((), {
        "AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
        "EDUC": "Education, culture and sport", "ENER": "Energy", "ENVI": "Environment",
        "GOVE": "Government and public sector", "HEAL": "Health", "INTR": "International issues",
        "JUST": "Justice, legal system and public safety", "REGI": "Regions and cities",
        "SOCI": "Population and society", "TECH": "Science and technology", "TRAN": "Transport",
    }),
    f"{EU}country": (("Location",), {"VNM": "Viet Nam"}),
    f"{EU}file-type": (("MediaTypeOrExtent",), {"JSON": "JSON"}),
    f"{EU}planned-availability": ((), {"STABLE": "stable"}),
    f"{EU}licence": (("LicenseDocument",), {"CC_BY_4_0": "Creative Commons Attribution 4.0 International"}),
    f"{ADMS}licencetype/1.0": ((), {"Attribution": "Attribution"}),
    f"{ADMS}publishertype/1.0": ((), {"NationalAuthority": "National authority",
                                      "RegionalAuthority": "Regional authority", "LocalAuthority": "Local authority"}),
}  # fmt: skip
IANA_JSON = URIRef("https://www.iana.org/assignments/media-types/application/json")


def _term(scheme: str, code: str) -> URIRef:
    base = scheme.removesuffix("/1.0") if scheme.startswith(ADMS) else scheme
    return URIRef(f"{base}/{code}")


def stand_in() -> Graph:
    graph = Graph()
    for scheme, (classes, codes) in _TABLES.items():
        graph.add((URIRef(scheme), RDF.type, SKOS.ConceptScheme))
        graph.add((URIRef(scheme), DCTERMS.title, Literal(scheme.rsplit("/", 2)[-1], lang="en")))
        for code, label in codes.items():
            term = _term(scheme, code)
            graph.add((term, RDF.type, SKOS.Concept))
            graph.add((term, SKOS.prefLabel, Literal(label, lang="en")))
            graph.add((term, SKOS.inScheme, URIRef(scheme)))
            for cls in classes:
                graph.add((term, RDF.type, DCTERMS[cls]))
    graph.add((IANA_JSON, RDF.type, DCTERMS.MediaType))
    return graph


def eu_terms() -> set[str]:
    return {str(_term(scheme, code)) for scheme, (_, codes) in _TABLES.items() for code in codes}


def validate(data: Graph) -> dict[str, Counter[tuple[str, str, str]]]:
    """Every official shape file's results on ``data``: (severity, path, source shape) → count."""
    import pyshacl

    results: dict[str, Counter[tuple[str, str, str]]] = {}
    for name in SHAPE_FILES:
        shapes = Graph().parse(STANDARDS / name)
        # The stand-in joins the data graph, as the imported EU tables would (ont_graph is only
        # mixed in when pyshacl runs inference).
        _conforms, report, _text = pyshacl.validate(data + stand_in(), shacl_graph=shapes)
        found: Counter[tuple[str, str, str]] = Counter()
        for result in report.objects(None, SH.result):  # top level: sh:detail nests the causes
            severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
            path = str(report.value(result, SH.resultPath))
            message = str(report.value(result, SH.resultMessage))
            found[(severity, path, message[:120])] += 1
        results[name] = found
    return results


def describe(results: dict[str, Any]) -> str:
    return "\n".join(f"{name}: {count} × {key}" for name, found in results.items() for key, count in found.items())


DCT = "http://purl.org/dc/terms/"
# What the export cannot state truthfully, so the official shapes keep warning about it — once per
# dataset, plus the given number for the catalog node:
# - dct:temporal (recommended on datasets): the plans list datasets, not the period their data covers;
# - dct:publisher outside the EU corporate-body table (datasets and catalog): a Vietnamese agency never is in it.
RESIDUAL: dict[tuple[str, str, str], int] = {
    ("shapes_recommended.ttl", "Warning", DCT + "temporal"): 0,
    ("mdr-vocabularies.shape.ttl", "Warning", DCT + "publisher"): 1,
}


def residual_only(results: dict[str, Counter[tuple[str, str, str]]], *, datasets: int, series: int = 0) -> bool:
    """No violation, and no warning but the residual ones, each exactly once per node it concerns
    (a dataset series, whose publisher is the catalog's, adds one publisher warning)."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for name, found in results.items():
        for (severity, path, _message), count in found.items():
            counts[(name, severity, path)] += count
    expected = {key: datasets + extra for key, extra in RESIDUAL.items()}
    expected[("mdr-vocabularies.shape.ttl", "Warning", DCT + "publisher")] += series
    return dict(counts) == expected
