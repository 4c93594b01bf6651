"""Throughput of the nlp normalisers on one core: unit mentions/s and period strings/s.

    .venv/bin/python benchmarks/bench_nlp.py [--n 20000]

The inputs are distinct strings generated from the genre's spellings (units with commune and
province names, dash and case variants; periods with quarters, months, dates, years). "cold" is the
first pass after every cache is cleared (the lru caches and the registry's signature, expansion and
match memos); "warm" repeats the same strings (the lru caches answer). Rates are per second of this
process's CPU time on one pinned core; wall rates are printed alongside.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from nlp import parse_period, resolve_units
from nlp.periods import _parse as _parse_cached
from nlp.periods import _parse_key as _parse_key_cached
from nlp.periods import _period_key
from nlp.registry import _cached_registry, get_registry
from nlp.text import fold, normalize_text
from nlp.units import _EDGE_PUNCT, _resolve_one

UNIT_BASES = [
    "Phòng Văn hóa - Xã hội",
    "Phòng Văn hoá – Xã hội",
    "Phòng VH–XH",
    "Phòng VH - XH",
    "Phòng VHXH",
    "P. VH-XH",
    "Phòng VHXXH",
    "Phòng Kinh tế",
    "Văn phòng HĐND&UBND",
    "Văn phòng HĐND và UBND",
    "TTPVHCC",
    "TT PVHCC",
    "Trung tâm PVHCC",
    "Công an",
    "CA",
    "Trạm Y tế",
    "Ban CHQS",
    "BCH quân sự",
    "Sở GD&ĐT",
    "Sở LĐ-TB&XH",
    "Sở NN&PTNT",
    "Sở TN&MT",
    "Sở GTVT",
    "Sở TT&TT",
    "Sở KH&CN",
    "Sở KH&ĐT",
    "Sở VH,TT&DL",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "UBND cấp huyện",
    "BQL KCN",
    "Bộ phận Một cửa/Công an",
    "Sở Công Thương phối hợp thu thập, cung cấp",
    "- Sở Xây dựng; - UBND cấp huyện",
    "Phòng Kinh tế, Công an và các cơ quan, đơn vị liên quan",
]
PLACES = [
    "Đông Cứu",
    "Sơn Hải",
    "Hà Tĩnh",
    "Hưng Yên",
    "Bắc Ninh",
    "Tân Lập",
    "Phú Xuân",
    "Hòa Bình",
    "An Khánh",
]
LEVELS = ["xã", "phường", "huyện", "tỉnh"]


def unit_strings(n: int, rng: random.Random) -> list[str]:
    out: set[str] = set()
    for base, level, place, suffix in itertools.product(UNIT_BASES, LEVELS, PLACES, ["", ".", ";", " "]):
        out.add(f"{base} {level} {place}{suffix}")
        out.add(f"{base}{suffix}")
    strings = sorted(out)
    while len(strings) < n:
        strings.append(f"{rng.choice(UNIT_BASES)} {rng.choice(LEVELS)} {rng.choice(PLACES)} {len(strings)}")
    rng.shuffle(strings)
    return strings[:n]


def period_strings(n: int, rng: random.Random) -> list[str]:
    romans = ["I", "II", "III", "IV"]
    forms: list[Callable[[int], str]] = [
        lambda y: f"Quý {rng.choice(romans)}/{y}",
        lambda y: f"Quý {rng.choice(romans[:2])}, {rng.choice(romans[2:])}/{y}.",
        lambda y: f"Quý {rng.choice(romans[:2])}-{rng.choice(romans[2:])}/{y}",
        lambda y: f"quý {rng.randint(1, 4)} năm {y}",
        lambda y: f"6 tháng {rng.choice(['đầu', 'cuối'])} năm {y}",
        lambda y: f"Tháng {rng.randint(1, 12)}/{y}",
        lambda y: f"trước ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{y}",
        lambda y: f"năm {y}",
        lambda y: f"Giai đoạn {y}-{y + rng.randint(1, 9)}",
        lambda y: f"trước ngày {rng.randint(1, 28)} hằng tháng ({y})",
    ]
    out: set[str] = set()
    while len(out) < n:
        out.add(rng.choice(forms)(rng.randint(1990, 2099)) + rng.choice(["", ".", ";", " "]))
    return sorted(out)


def nlp_memos() -> list[Any]:
    """Every lru cache in the loaded nlp modules, found rather than listed, so a memo added later
    cannot leave "cold" warm. The registry loader is start-up, not throughput."""
    memos = []
    for name, module in sorted(sys.modules.items()):
        if name != "nlp" and not name.startswith("nlp."):
            continue
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)) and value is not _cached_registry:
                if value not in memos:
                    memos.append(value)
    return memos


def clear_caches() -> None:
    # The registry's own memos too: its alias signatures are built at load, but the signatures and
    # matches of the names it meets are throughput, and would otherwise stay warm between runs.
    registry = get_registry()
    registry._signature_cache.clear()
    registry._expansion_cache.clear()
    registry.match_cache.clear()
    memos = nlp_memos()
    for cached in memos:
        cached.cache_clear()
    missing = [
        f.__name__ for f in (normalize_text, fold, _resolve_one, _parse_cached, _parse_key_cached) if f not in memos
    ]
    assert not missing, f"memos not found: {missing}"


def rate(label: str, items: list[str], call: Callable[[str], object]) -> float:
    # CPU time of this process (one core, pinned) as well as wall time: on a shared machine the
    # wall clock also counts the time other processes held the core.
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for item in items:
        call(item)
    wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    per_second = len(items) / cpu
    print(f"{label:24s} {per_second:12,.0f} /s CPU  {len(items) / wall:12,.0f} /s wall  ({len(items)} items)")
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rng = random.Random(7)
    units = unit_strings(args.n, rng)
    periods = period_strings(args.n * 2, rng)
    get_registry()  # loading the registry is start-up, not throughput
    distinct_units = len({normalize_text(u).strip(_EDGE_PUNCT) for u in units})
    distinct_periods = len({_period_key(p) for p in periods})
    print(
        f"{len(units)} distinct unit strings ({distinct_units} after normalisation), "
        f"{len(periods)} distinct period strings ({distinct_periods} after normalisation)"
    )
    clear_caches()
    rate("unit mentions, cold", units, lambda s: resolve_units(s, locality="xã Đông Cứu"))
    rate("unit mentions, warm", units, lambda s: resolve_units(s, locality="xã Đông Cứu"))
    clear_caches()
    rate("period strings, cold", periods, lambda s: parse_period(s, default_year=2026))
    rate("period strings, warm", periods, lambda s: parse_period(s, default_year=2026))


if __name__ == "__main__":
    main()
