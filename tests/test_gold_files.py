"""Checks on the hand-annotated gold files in corpus/gold/.

The gold is the ruler every extractor is scored with, so a slip in it (a code outside the
vocabulary, a title that is not in the document, a flag pointing at nothing, a unit key that
collides with another locality's) silently skews every score. These tests read every
``corpus/gold/*.json`` present, whoever wrote it; the format is ``/work/shared/gold-format.md``
and the judgement calls are ``docs/gold-conventions.md``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extract.textforms import fold

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "corpus" / "gold"
DOCS_DIR = ROOT / "corpus" / "docs"
GOLD_PATHS = sorted(GOLD_DIR.glob("*.json"))
OWN_GOLD = ("dong_cuu_ke_hoach_2026", "son_hai_ke_hoach_2026", "bac_ninh_ke_hoach_2026")

TOP_KEYS = ["name", "files", "meta", "catalog", "tasks", "flags"]
META_KEYS = ["kind", "number", "date", "issuer", "parent"]
CATALOG_KEYS = ["group", "number", "title", "description", "unit", "sharing_raw", "frequency_raw", "note",
                "unit_key", "sharing", "frequency", "dataset_key"]
TASK_KEYS = ["ref", "heading", "time_raw", "lead_raw", "periods", "lead_key", "partner_keys", "parent_ref"]
SHARING_CODES = {"open", "default", "on_request", "by_regulation", "role_based", "internal", "restricted", ""}
FREQUENCY_CODES = {"DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL_2", "ANNUAL", "IRREG", "CONT", "OTHER"}
FLAG_KINDS = {"duplicate_entry", "numbering_gap", "missing_field", "period_after_parent", "unit_conflict",
              "missing_metadata", "citation_conflict"}
PERIOD_RE = re.compile(r"^\d{4}-Q[1-4]$")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SNAKE_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
# <unit>_<locality>: at least one underscore, the last segment names the locality.
UNIT_KEY_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*_(?P<locality>[a-z0-9]+)$")
REF_RE = re.compile(r"^[0-9a-zđ]+(?:\.[0-9a-zđ]+)*$")

Gold = dict[str, Any]  # raw JSON as annotated; the test validates its shape


@cache
def load_gold(path: Path) -> Gold:
    data: Gold = json.loads(path.read_text(encoding="utf-8"))
    return data


def all_gold() -> list[Gold]:
    return [load_gold(p) for p in GOLD_PATHS]


def gold_id(path: Path) -> str:
    return path.stem


def fold_ascii(text: str) -> str:
    """'Đông Cứu' -> 'dongcuu': how locality suffixes of unit keys are spelt."""
    return re.sub(r"[^a-z0-9]", "", fold(text, keep_case=True).lower())


def unit_keys(doc: Gold) -> list[str]:
    keys: list[str] = []
    for row in doc["catalog"]:
        keys += [k for k in row["unit_key"].split("+") if k]
    for task in doc["tasks"]:
        keys += [k for k in task["lead_key"].split("+") if k]
        keys += list(task["partner_keys"])
    return keys


def home_locality(doc: Gold) -> str:
    place = doc["meta"].get("place", "")
    if place:
        return fold_ascii(place)
    suffixes = Counter(k.rsplit("_", 1)[-1] for k in unit_keys(doc))
    return suffixes.most_common(1)[0][0] if suffixes else ""


# ---------------------------------------------------------------- seed text as the annotator reads it

SUPERSCRIPTS = dict(zip("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ", strict=True))
SUBSCRIPTS = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))


def _script(table: dict[str, str]) -> Any:
    def replace(match: re.Match[str]) -> str:
        inner = match.group(2)
        if inner and all(c in table for c in inner):
            return "".join(table[c] for c in inner)
        return match.group(1) + inner

    return replace


def seed_text_without_markup(name: str) -> str:
    text = unicodedata.normalize("NFC", (DOCS_DIR / f"{name}.txt").read_text(encoding="utf-8"))
    text = re.sub(r"(\s*)<sup>(.*?)</sup>", _script(SUPERSCRIPTS), text)
    text = re.sub(r"(\s*)<sub>(.*?)</sub>", _script(SUBSCRIPTS), text)
    text = re.sub(r"</?[A-Za-z][^>]*>", "", text)
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE).replace("*", "")
    return re.sub(r"\s+", " ", text)


def word_runs_in_order(title: str, text: str) -> int | None:
    """How many runs of consecutive words the title splits into, found in order in text; None if not found.

    A cell continued on the next page or on a fragment line is joined in the gold, so its
    words are not contiguous in the seed; each run (greedy, longest first) must still be there.
    """
    words, position, runs, start = title.split(), 0, 0, 0
    while start < len(words):
        for end in range(len(words), start, -1):
            run = " ".join(words[start:end])
            found = text.find(run, position)
            if found >= 0:
                position, start, runs = found + len(run), end, runs + 1
                break
        else:
            return None
    return runs


# ---------------------------------------------------------------- per file

def test_own_gold_files_present() -> None:
    names = {p.stem for p in GOLD_PATHS}
    assert set(OWN_GOLD) <= names


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_file_is_nfc_json_in_canonical_layout(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", raw) == raw, "not NFC"
    doc = json.loads(raw)
    canonical = json.dumps(doc, ensure_ascii=False, indent=2)
    assert raw.rstrip("\n") == canonical, "not 2-space indented with ensure_ascii=False"


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_keys_present_and_in_format_order(path: Path) -> None:
    doc = load_gold(path)
    assert [k for k in doc if not k.startswith("_")] == TOP_KEYS
    assert list(doc["meta"])[: len(META_KEYS)] == META_KEYS
    for row in doc["catalog"]:
        assert list(row) == CATALOG_KEYS, row
    for task in doc["tasks"]:
        assert [k for k in task if k in TASK_KEYS] == TASK_KEYS, task
        assert set(task) <= set(TASK_KEYS) | {"partner_raw"}, task


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_files_are_renderings_named_after_the_document(path: Path) -> None:
    doc = load_gold(path)
    name = doc["name"]
    assert name == path.stem
    assert f"{name}.txt" in doc["files"]
    assert (DOCS_DIR / f"{name}.txt").is_file()
    for file_name in doc["files"]:
        assert file_name.startswith(name) and file_name != name, file_name


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_meta_values(path: Path) -> None:
    meta = load_gold(path)["meta"]
    assert meta["kind"] and meta["kind"] == meta["kind"].upper()
    assert meta["date"] == "" or ISO_DATE_RE.match(meta["date"])
    assert meta["issuer"]
    if "year" in meta:
        assert isinstance(meta["year"], int)
        assert meta["date"] == "" or meta["date"].startswith(str(meta["year"]))
    for cited in meta.get("cited", []):
        assert set(cited) >= {"number", "date"} and cited["number"], cited
        assert cited["date"] == "" or ISO_DATE_RE.match(cited["date"]), cited
    numbers = [c["number"] for c in meta.get("cited", [])]
    assert len(numbers) == len(set(numbers)), "each cited số hiệu once"


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_catalog_rows(path: Path) -> None:
    for row in load_gold(path)["catalog"]:
        assert all(isinstance(row[k], str) for k in CATALOG_KEYS if k != "frequency"), row
        assert row["title"].strip(), row
        for key in CATALOG_KEYS:
            if isinstance(row[key], str):
                assert row[key] == " ".join(row[key].split()), f"whitespace not collapsed in {key}: {row}"
        assert SNAKE_RE.match(row["dataset_key"]), row
        if row["unit"]:
            assert row["unit_key"], row
        assert row["sharing"] in SHARING_CODES, row
        assert isinstance(row["frequency"], list) and set(row["frequency"]) <= FREQUENCY_CODES, row
        if row["sharing_raw"] == "":
            assert row["sharing"] in {"", "open"}, row  # open only when the whole list is declared open


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_tasks(path: Path) -> None:
    tasks = load_gold(path)["tasks"]
    refs = [t["ref"] for t in tasks]
    assert len(refs) == len(set(refs)), "duplicate task ref"
    for task in tasks:
        assert REF_RE.match(task["ref"]), task
        assert task["heading"].strip(), task
        assert all(PERIOD_RE.match(p) for p in task["periods"]), task
        assert task["periods"] == sorted(set(task["periods"])), task
        if task["time_raw"]:
            assert task["periods"], task
        if task["lead_raw"]:
            assert task["lead_key"], task
        assert all(isinstance(k, str) and k for k in task["partner_keys"]), task


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_flags_point_at_real_entries(path: Path) -> None:
    doc = load_gold(path)
    numbers = {row["number"] for row in doc["catalog"]}
    titles = {row["title"] for row in doc["catalog"]}
    refs = {task["ref"] for task in doc["tasks"]}
    blank_meta = {field for field in ("number", "date") if doc["meta"][field] == ""}
    kinds = Counter(flag["kind"] for flag in doc["flags"])
    assert kinds["missing_metadata"] == (1 if blank_meta else 0)
    for flag in doc["flags"]:
        kind, evidence = flag["kind"], flag["evidence"]
        assert kind in FLAG_KINDS, flag
        assert evidence and all(isinstance(e, str) and e for e in evidence), flag
        if kind == "missing_metadata":
            assert set(evidence) == blank_meta, flag
        elif kind in {"duplicate_entry", "numbering_gap"}:
            assert set(evidence) <= numbers, flag
        elif kind == "period_after_parent":
            assert set(evidence) <= refs, flag
        elif kind == "unit_conflict":
            assert set(evidence) <= titles, flag


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_duplicated_dataset_keys_are_flagged(path: Path) -> None:
    doc = load_gold(path)
    rows_by_key: dict[str, list[str]] = defaultdict(list)
    for row in doc["catalog"]:
        rows_by_key[row["dataset_key"]].append(row["number"])
    flagged = [set(f["evidence"]) for f in doc["flags"] if f["kind"] == "duplicate_entry"]
    duplicates = {key: set(nums) for key, nums in rows_by_key.items() if len(nums) > 1}
    for key, nums in duplicates.items():
        assert nums in flagged, f"{key} listed as rows {sorted(nums)} but not flagged"
    assert len(flagged) == len(duplicates), "a duplicate_entry flag without a shared dataset_key"


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_catalog_titles_are_printed_in_the_seed(path: Path) -> None:
    doc = load_gold(path)
    text = seed_text_without_markup(doc["name"])
    for row in doc["catalog"]:
        runs = word_runs_in_order(row["title"], text)
        assert runs is not None and runs <= 3, f"title not in seed: {row['number']} {row['title']!r}"


# ---------------------------------------------------------------- across files

def test_unit_keys_carry_a_locality_and_never_collide() -> None:
    docs = all_gold()
    homes = {doc["name"]: home_locality(doc) for doc in docs}
    places = defaultdict(set)
    for doc in docs:
        places[homes[doc["name"]]].add(doc["meta"].get("place", doc["name"]))
    assert all(len(p) == 1 for p in places.values()), f"two localities share a key suffix: {dict(places)}"
    for doc in docs:
        # A plan may name its parent plan's units (a commune naming a Sở of its province),
        # never a unit of an unrelated locality.
        allowed = {homes[doc["name"]]}
        parent = find_parent_gold(doc, docs)
        if parent is not None:
            allowed.add(homes[parent["name"]])
        for key in unit_keys(doc):
            match = UNIT_KEY_RE.match(key)
            assert match, f"{doc['name']}: unit key without locality suffix: {key}"
            assert match["locality"] in allowed, f"{doc['name']}: {key} belongs to another locality"


def test_dataset_keys_shared_only_between_sibling_plans() -> None:
    docs = all_gold()
    owners: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for row in doc["catalog"]:
            owners[row["dataset_key"]].add(doc["name"])
    parent_of = {doc["name"]: doc["meta"]["parent"] for doc in docs}
    for key, names in owners.items():
        parents = {parent_of[n] for n in names}
        assert len(names) == 1 or (len(parents) == 1 and "" not in parents), f"{key} links {sorted(names)}"


def test_cross_document_flags_recorded_in_every_document_involved() -> None:
    docs = all_gold()
    for doc in docs:
        for flag in doc["flags"]:
            if flag["kind"] == "unit_conflict":
                keys = {r["dataset_key"] for r in doc["catalog"] if r["title"] in flag["evidence"]}
                others = [d for d in docs if d is not doc and keys & {r["dataset_key"] for r in d["catalog"]}]
                assert others, f"{doc['name']}: {flag} has no other document"
                for other in others:
                    assert any(f["kind"] == "unit_conflict" for f in other["flags"]), other["name"]
            if flag["kind"] == "citation_conflict":
                assert any(flag in d["flags"] for d in docs if d is not doc), f"{doc['name']}: {flag}"


def find_parent_gold(doc: Gold, docs: list[Gold]) -> Gold | None:
    """The parent plan's gold: by số hiệu, or — when the parent leaves its own number blank — by title.

    The child's implementing line names both ("Thực hiện Kế hoạch số 41/KH-UBND ... về việc
    Phát triển dữ liệu tỉnh Bắc Ninh năm 2026").
    """
    number = doc["meta"]["parent"]
    for other in docs:
        if number and other["meta"]["number"] == number:
            return other
    lines = seed_text_without_markup(doc["name"]).casefold()
    for other in docs:
        title = other["meta"].get("title", "").casefold()
        if other is not doc and title and number and re.search(re.escape(number.casefold()) + r".{0,200}"
                                                               + re.escape(title), lines):
            return other
    return None


@pytest.mark.parametrize("path", GOLD_PATHS, ids=gold_id)
def test_period_after_parent_flags_match_the_parent_gold(path: Path) -> None:
    doc = load_gold(path)
    if not any(t["parent_ref"] for t in doc["tasks"]):
        assert not any(f["kind"] == "period_after_parent" for f in doc["flags"])
        return
    parent = find_parent_gold(doc, all_gold())
    assert parent is not None, "tasks have parent_ref but the parent plan's gold is not found"
    parent_last = {t["ref"]: max(t["periods"]) for t in parent["tasks"] if t["periods"]}
    expected = set()
    for task in doc["tasks"]:
        if task["parent_ref"]:
            assert task["parent_ref"] in parent_last, task
            if task["periods"] and max(task["periods"]) > parent_last[task["parent_ref"]]:
                expected.add(task["ref"])
    flagged = [f["evidence"] for f in doc["flags"] if f["kind"] == "period_after_parent"]
    assert all(len(e) == 1 for e in flagged), "one flag per task"
    assert {e[0] for e in flagged} == expected
    assert len(flagged) == len(expected)
