"""Số hiệu (document numbers) → one key per cited document across the archive.

``normalize_number`` repairs punctuation slips and spacing ("47/2020/NĐ;CP", "47 / 2020 / NĐ - CP",
"47/2020/ND-CP", "Số: 47/2020/nđ-cp" → "47/2020/NĐ-CP") and restores the canonical case of the
known type and issuer codes ("TTg", "TTr", "QĐ"). Unknown codes are kept as printed: the key must
never invent an issuer.

``suggest_number`` goes one step further for people: when an issuer code is one letter away from a
KNOWN issuer code ("24/TTr-SKHCCN" vs SKHCN) it proposes the correction with a reason, and the
caller decides; ``normalize_number`` never applies it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.text import fold, normalize_text

# Folded code → canonical spelling. Types of documents first, then common issuers.
KNOWN_CODES: dict[str, str] = {
    "nd": "NĐ",
    "qd": "QĐ",
    "nq": "NQ",
    "tt": "TT",
    "ttr": "TTr",
    "kh": "KH",
    "ct": "CT",
    "cv": "CV",
    "bc": "BC",
    "tb": "TB",
    "hd": "HD",
    "ttlt": "TTLT",
    "qh": "QH",
    "ubtvqh": "UBTVQH",
    "vbhn": "VBHN",
    "cp": "CP",
    "ttg": "TTg",
    "ubnd": "UBND",
    "hdnd": "HĐND",
    "bchtw": "BCHTW",
    "tw": "TW",
    "btttt": "BTTTT",
    "bkhcn": "BKHCN",
    "bca": "BCA",
    "btc": "BTC",
    "bnv": "BNV",
    "byt": "BYT",
    "bgddt": "BGDĐT",
    "bkhdt": "BKHĐT",
    "btnmt": "BTNMT",
    "bnnptnt": "BNNPTNT",
    "bldtbxh": "BLĐTBXH",
    "btp": "BTP",
    "bct": "BCT",
    "bxd": "BXD",
    "bgtvt": "BGTVT",
    "bvhttdl": "BVHTTDL",
    "vpcp": "VPCP",
    "stttt": "STTTT",
    "skhcn": "SKHCN",
    "stc": "STC",
    "snv": "SNV",
    "syt": "SYT",
    "sgddt": "SGDĐT",
    "skhdt": "SKHĐT",
    "stnmt": "STNMT",
    "snnptnt": "SNNPTNT",
    "sldtbxh": "SLĐTBXH",
    "stp": "STP",
    "sct": "SCT",
    "sxd": "SXD",
    "sgtvt": "SGTVT",
    "svhttdl": "SVHTTDL",
    "vp": "VP",
    "vpubnd": "VPUBND",
    "ca": "CA",
    "ub": "UB",
    "bql": "BQL",
}
ISSUER_CODES = frozenset(code for key, code in KNOWN_CODES.items() if key.startswith(("s", "b", "vp")))

_PREFIX_RE = re.compile(r"^\s*(?:số|so|no\.?)\s*[:.]?\s*", re.IGNORECASE)
_PART_SPLIT_RE = re.compile(r"\s*/\s*")
_CODE_SPLIT_RE = re.compile(r"\s*[-;:,.–—_]\s*|\s+")
_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
_QH_RE = re.compile(r"^(qh)(\d+)$")


def _canonical_code(code: str) -> str:
    folded = fold(code)
    if folded in KNOWN_CODES:
        return KNOWN_CODES[folded]
    qh = _QH_RE.match(folded)
    if qh:
        return f"QH{qh.group(2)}"
    return code


@lru_cache(maxsize=100_000)
def normalize_number(number: str) -> str:
    """Canonical số hiệu; "" for an empty one; idempotent; never raises."""
    if not isinstance(number, str):
        return ""
    # Dropping a prefix or an empty part can expose another ("Số: số", "1/ - "): iterate to the fixpoint.
    key = _normalize_number_once(number)
    for _ in range(4):
        again = _normalize_number_once(key)
        if again == key:
            break
        key = again
    return key


def _normalize_number_once(number: str) -> str:
    try:
        text = normalize_text(number).strip().rstrip(".;,")
        text = _PREFIX_RE.sub("", text)
        if not text:
            return ""
        blank_number = text.startswith("/")  # "Số: /KH-UBND": the number left blank, only the codes printed
        parts = [p for p in _PART_SPLIT_RE.split(text) if p]
        out: list[str] = [""] if blank_number else []
        for index, part in enumerate(parts):
            if (index == 0 and not blank_number) or part.isdigit() or _YEAR_RE.match(part):
                out.append(part.replace(" ", ""))
                continue
            codes = [c for c in _CODE_SPLIT_RE.split(part) if c]
            out.append("-".join(_canonical_code(code) for code in codes))
        return "/".join(out)
    except Exception:  # noqa: BLE001 - lenient by contract
        return number.strip() if isinstance(number, str) else ""


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@lru_cache(maxsize=20_000)
def suggest_number(number: str) -> tuple[str, list[str]]:
    """A proposed correction of an issuer-code slip, with reasons; (normalised, []) when none."""
    key = normalize_number(number)
    parts = key.split("/")
    reasons: list[str] = []
    if len(parts) < 2:
        return key, reasons
    codes = parts[-1].split("-")
    fixed: list[str] = []
    for code in codes:
        if code in KNOWN_CODES.values():
            fixed.append(code)
            continue
        near = sorted(known for known in ISSUER_CODES if _one_edit(fold(code), fold(known)))
        if len(near) == 1:
            reasons.append(
                f"mã cơ quan '{code}' gần với mã đã biết '{near[0]}' / issuer code close to a known one"
            )
            fixed.append(near[0])
        else:
            fixed.append(code)
    return "/".join([*parts[:-1], "-".join(fixed)]), reasons
