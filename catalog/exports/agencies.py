"""The agencies of a dataset as the portals see them: one agency per canonical unit and locality.

Hà Tĩnh's and Hưng Yên's Sở Y tế are two agencies (``so_yte@tỉnh Hà Tĩnh``, ``so_yte@tỉnh Hưng
Yên``); a cell naming several units ("- Sở Xây dựng; - UBND cấp huyện") gives one agency each, the
first (lead) one owning the dataset. The key comes from the unit resolver (``UnitMention.unit_id``,
stored per entry), never from the wording as printed, so "Sở NN&PTNT" and "Sở Nông nghiệp và Phát
triển nông thôn" of one province are one agency, and both the CKAN organisation name and the DCAT
publisher IRI stay stable when the wording or the dataset's title changes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from catalog.exports.view import DatasetDetail, fold

_NOT_SLUG = re.compile(r"[^a-z0-9_]+")
NAME_LIMIT = 100  # CKAN's name length limit; DCAT IRIs use the same key
_LOCAL = ("xa ", "phuong ", "thi tran ", "huyen ", "quan ", "thi xa ", "cap huyen", "cap xa", "thanh pho thuoc")
_REGIONAL = ("tinh ", "thanh pho ")
# ADMS publisher types (http://purl.org/adms/publishertype/1.0), the vocabulary DCAT-AP recommends.
NATIONAL, REGIONAL, LOCAL = "NationalAuthority", "RegionalAuthority", "LocalAuthority"


def slug(text: str, *, max_length: int = NAME_LIMIT) -> str:
    """Lowercase ASCII letters, digits, '-' and '_' (CKAN's name alphabet), at most ``max_length``."""
    cleaned = _NOT_SLUG.sub("-", fold(text)).strip("-_")
    return cleaned[:max_length].rstrip("-_")


def bounded(key: str, *, max_length: int = NAME_LIMIT) -> str:
    """``key`` as a name of at most ``max_length``: a long one keeps a hash of the whole so it stays unique."""
    if len(key) <= max_length:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{key[: max_length - 9].rstrip('-_')}-{digest}"


@dataclass(frozen=True)
class Agency:
    unit_id: str  # the resolver's key: unit_type@locality, or the printed text when unresolved
    name: str  # stable ASCII key: CKAN organisation name, last segment of the DCAT publisher IRI
    title: str  # canonical name with its locality: "Sở Y tế tỉnh Hà Tĩnh"
    unit_name: str  # canonical name alone: "Sở Y tế"
    locality: str  # "tỉnh Hà Tĩnh", "" when unknown
    publisher_type: str  # ADMS publisher type (NationalAuthority, RegionalAuthority, LocalAuthority)
    resolved: bool  # False: the resolver did not recognise the unit; the key is the printed text


@lru_cache(maxsize=4096)
def agency(unit_id: str, printed: str = "") -> Agency:
    """The agency of a resolver key; ``printed`` (the cell as written) names it when unresolved."""
    from nlp.registry import get_registry

    unit_type, _, locality = unit_id.partition("@")
    unit = get_registry().units.get(unit_type)
    unit_name = unit.name if unit else (printed or unit_type)
    title = f"{unit_name} {locality}".strip() if locality and fold(locality) not in fold(unit_name) else unit_name
    folded = fold(locality) + " "
    if (unit and unit.scope == "national") or fold(locality) == "viet nam":
        kind = NATIONAL
    elif folded.startswith(_LOCAL) or " thuoc " in folded:
        kind = LOCAL
    elif folded.startswith(_REGIONAL) or (unit and unit.scope == "province"):
        kind = REGIONAL
    else:
        kind = LOCAL
    key = slug(f"{unit_type}--{locality}" if unit else unit_id, max_length=400) or "khong-ro-don-vi"
    return Agency(unit_id=unit_id, name=bounded(key), title=title, unit_name=unit_name, locality=locality,
                  publisher_type=kind, resolved=unit is not None)  # fmt: skip


def _unit_ids(dataset: DatasetDetail) -> list[str]:
    ids = dict.fromkeys(uid for member in dataset.members for uid in member.unit_ids if uid)
    return list(ids)


def _reviewed_unit(dataset: DatasetDetail, ids: list[str]) -> str:
    """The unit a reviewer set on the dataset (``set_canonical``), resolved in the members' locality.

    "" when the dataset's unit is one a member printed: the members' own resolution then stands.
    """
    if not dataset.unit or any(dataset.unit == member.unit for member in dataset.members):
        return ""
    from nlp.units import resolve_single

    locality = next((uid.partition("@")[2] for uid in ids if "@" in uid), "")
    mention = resolve_single(dataset.unit, locality=locality)
    return mention.unit_id or mention.unit_type


def agencies_of(dataset: DatasetDetail) -> list[Agency]:
    """The dataset's agencies, the lead (owner) first; [] when no member names a unit."""
    ids = _unit_ids(dataset)
    reviewed = _reviewed_unit(dataset, ids)
    if reviewed:
        ids = [reviewed, *(uid for uid in ids if uid != reviewed)]
    elif not ids and dataset.unit:
        ids = [dataset.unit]
    printed = {uid: member.unit for member in reversed(dataset.members) for uid in member.unit_ids}
    found = [agency(uid, printed.get(uid, "") if len(ids) == 1 else "") for uid in ids]
    return list({a.name: a for a in found}.values())
