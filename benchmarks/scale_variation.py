"""How one archive document differs from its corpus seed: place, date, number, catalog rows.

Everything is drawn from a ``random.Random`` seeded by (archive seed, document index), so
document ``i`` is the same whatever the archive size: an archive of 1,000 documents is the one
of 250 plus 750 more. Place names are real Vietnamese communes, districts and provinces (the
project's ``nlp`` package recognises levels, not a gazetteer, so the names are listed here).
Benchmark data, not product code.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Provinces ("tỉnh"; the five centrally-run cities are left out: their documents say "thành phố").
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Đắk Lắk",
    "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Tĩnh",
    "Hải Dương", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum",
    "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)  # fmt: skip
DISTRICTS = (
    "Gia Bình", "Lương Tài", "Quế Võ", "Tiên Du", "Thuận Thành", "Yên Phong", "Cẩm Xuyên", "Kỳ Anh",
    "Thạch Hà", "Can Lộc", "Hương Khê", "Nghi Xuân", "Đức Thọ", "Vũ Quang", "Lộc Hà", "Ân Thi",
    "Kim Động", "Khoái Châu", "Văn Giang", "Yên Mỹ", "Phù Cừ", "Tiên Lữ", "Nam Đàn", "Quỳnh Lưu",
    "Diễn Châu", "Yên Thành", "Hậu Lộc", "Nga Sơn", "Tĩnh Gia", "Thọ Xuân", "Hải Hậu", "Giao Thủy",
    "Tiền Hải", "Vũ Thư", "Kiến Xương", "Hoằng Hóa", "Lục Nam", "Lạng Giang", "Hiệp Hòa", "Tân Yên",
)  # fmt: skip
COMMUNES = (
    "Đông Cứu", "Sơn Hải", "Nhân Thắng", "Xuân Lai", "Lãng Ngâm", "Đại Bái", "Quỳnh Phú", "Thái Bảo",
    "Đông Phong", "Mão Điền", "Ninh Xá", "Song Hồ", "Phù Lãng", "Đại Đồng", "Hoàn Sơn", "Tri Phương",
    "Cẩm Thịnh", "Thạch Kim", "Xuân Hội", "Sơn Kim", "Hương Trà", "Phú Gia", "Đức Lạng", "Kỳ Sơn",
    "Tân Dân", "Minh Đức", "Hồng Quang", "Nam Sơn", "Quang Vinh", "Hồng Tiến", "Liên Nghĩa",
    "Tân Tiến", "Đồng Than", "Nghĩa Trụ", "Long Hưng", "Diễn Thành", "Quỳnh Lâm", "Hưng Đạo",
    "Nga Thạch", "Hoằng Lộc", "Hải Anh", "Giao Thịnh", "Tây Giang", "Vũ Tiến", "Bình Nguyên",
    "Tân Sơn", "Phương Sơn", "Yên Lư", "Hợp Thịnh", "Phúc Hòa", "Mai Lâm", "Lạc Đạo", "Tam Đa",
)  # fmt: skip

# The place each seed is about; every spelling is replaced, in mixed case and in capitals.
SEED_PLACES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # seed: (level, name as printed, other spellings of it in the text)
    "dong_cuu_ke_hoach_2026": ("xã", "Đông Cứu", ()),
    "son_hai_ke_hoach_2026": ("xã", "Sơn Hải", ()),
    "ha_tinh_qd_1402_danh_muc_csdl": ("tỉnh", "Hà Tĩnh", ("Hà lĩnh",)),
    "bac_ninh_ke_hoach_2026": ("tỉnh", "Bắc Ninh", ()),
    "hung_yen_ke_hoach_du_lieu_mo": ("tỉnh", "Hưng Yên", ()),
}
SEED_PROVINCE = {"dong_cuu_ke_hoach_2026": "Bắc Ninh"}  # the province a commune seed names
SEED_YEAR = {
    "dong_cuu_ke_hoach_2026": 2026, "son_hai_ke_hoach_2026": 2026, "ha_tinh_qd_1402_danh_muc_csdl": 2022,
    "bac_ninh_ke_hoach_2026": 2026, "hung_yen_ke_hoach_du_lieu_mo": 2024,
}  # fmt: skip
SEED_NUMBER = {"ha_tinh_qd_1402_danh_muc_csdl": "1402"}
SEED_DATE = {"ha_tinh_qd_1402_danh_muc_csdl": "12/7/2022"}
SEEDS = tuple(SEED_PLACES)

_TITLE_PREFIX = re.compile(r"^(Cơ sở dữ liệu|CSDL|Tập dữ liệu|Dữ liệu)(\s+về)?\s+", re.IGNORECASE)
_PREFIXES = ("Cơ sở dữ liệu", "CSDL", "Dữ liệu", "Tập dữ liệu")
_WORD_SYNONYMS = (
    ("thông tin", "số liệu"), ("danh sách", "danh mục"), ("đăng ký", "đăng kí"), ("quản lý", "quản lí"),
    ("trên địa bàn", "trên phạm vi"), ("các", "những"), ("hộ nghèo", "hộ nghèo, cận nghèo"),
    ("trường", "cơ sở giáo dục"), ("doanh nghiệp", "DN"), ("thủ tục hành chính", "TTHC"),
)  # fmt: skip
_UNIT_SPELLINGS = ((" và ", " & "), ("&", " và "), ("Ủy ban nhân dân", "UBND"), ("UBND", "Ủy ban nhân dân"),
                   ("–", "-"), ("Văn phòng", "VP"), ("Phòng", "P."))  # fmt: skip
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_DATE_LINE = re.compile(r"ngày\s+(?:\d{1,2}\s+)?tháng\s+(?:\d{1,2}\s+)?năm\s+\d{4}")
_NUMBER_LINE = re.compile(r"^(\s*Số\s*:\s*)(\d*)(/)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Variant:
    """What document ``index`` changes in its seed; kept beside the file (JSON) for the store simulator."""

    index: int
    seed: str
    level: str  # xã, huyện, tỉnh
    place: str
    province: str
    year: int
    day: int
    month: int
    number: str  # "" keeps the seed's blank number
    kind: str  # docx, txt, pdf, scan

    @property
    def replacements(self) -> list[tuple[str, str]]:
        """(old, new) spellings of the place, most specific first (JSON- and text-safe)."""
        level, name, others = SEED_PLACES[self.seed]
        pairs: list[tuple[str, str]] = []
        if level == "xã" and self.level == "huyện":
            pairs += [(f"xã {name}", f"huyện {self.place}"), (f"XÃ {name.upper()}", f"HUYỆN {self.place.upper()}")]
        for old in (name, *others):
            pairs += [(old, self.place), (old.upper(), self.place.upper())]
        if self.seed in SEED_PROVINCE:
            old = SEED_PROVINCE[self.seed]
            pairs += [(old, self.province), (old.upper(), self.province.upper())]
        return pairs

    def to_json(self) -> str:
        return json.dumps({f: getattr(self, f) for f in self.__dataclass_fields__}, ensure_ascii=False)


def draw_variant(seed: int, index: int, scan_every: int = 20) -> Variant:
    rng = random.Random(f"{seed}:{index}")
    name = SEEDS[rng.randrange(len(SEEDS))]
    level = SEED_PLACES[name][0]
    province = rng.choice(PROVINCES)
    if level == "xã":
        if rng.random() < 0.2:
            level, place = "huyện", rng.choice(DISTRICTS)
        else:
            place = rng.choice(COMMUNES)
    else:
        place = province
    year = SEED_YEAR[name] - rng.choice((0, 0, 1, 2, 3, 4))
    if scan_every and index % scan_every == scan_every - 1:
        kind = "scan"
    else:
        kind = rng.choices(("docx", "txt", "pdf"), weights=(45, 30, 20))[0]
    number = "" if rng.random() < 0.12 else str(rng.randint(1, 2999))
    return Variant(index, name, level, place, province, year, rng.randint(1, 28), rng.randint(1, 12), number, kind)


@lru_cache(maxsize=1)
def unit_alternatives() -> dict[str, tuple[str, ...]]:
    """Every registry name or alias (folded case) -> the other spellings of the same unit type."""
    registry = json.loads((ROOT / "nlp" / "data" / "units.json").read_text(encoding="utf-8"))
    found: dict[str, tuple[str, ...]] = {}
    for unit in registry["units"]:
        spellings = (unit["name"], *unit.get("aliases", ()))
        for spelling in spellings:
            found[spelling.casefold()] = tuple(s for s in spellings if s != spelling)
    return found


def vary_title(title: str, rng: random.Random, variant: Variant) -> str:
    """A catalog title as another office would type it: other prefix, synonyms, a qualifier."""
    if rng.random() < 0.35:
        return title
    match = _TITLE_PREFIX.match(title)
    if match is not None and rng.random() < 0.6:
        rest = title[match.end() :]
        about = " về" if rng.random() < 0.3 else ""
        title = f"{rng.choice(_PREFIXES)}{about} {rest}"
    for old, new in _WORD_SYNONYMS:
        if old in title and rng.random() < 0.35:
            title = title.replace(old, new, 1)
    roll = rng.random()
    if roll < 0.12:
        title += f" năm {variant.year}"
    elif roll < 0.2:
        title += " (cập nhật)"
    elif roll < 0.28:
        title += f" của {variant.level} {variant.place}"
    elif roll < 0.33:
        title += f" giai đoạn {variant.year}-{variant.year + 5}"
    return title


def vary_unit(unit: str, rng: random.Random) -> str:
    if not unit.strip() or rng.random() < 0.5:
        return unit
    others = unit_alternatives().get(unit.strip().casefold())
    if others:
        return rng.choice(others)
    for old, new in _UNIT_SPELLINGS:
        if old in unit:
            return unit.replace(old, new, 1)
    return unit


def vary_text(text: str, variant: Variant) -> str:
    """The seed TXT with the variant's place, year, date, number and catalog rows."""
    rng = random.Random(f"rows:{variant.index}:{variant.seed}")
    for old, new in variant.replacements:
        text = text.replace(old, new)
    base = SEED_YEAR[variant.seed]
    shift = variant.year - base
    if shift:
        text = _YEAR.sub(lambda m: str(int(m.group()) + shift) if base <= int(m.group()) <= base + 12 else m.group(),
                         text)  # fmt: skip
    lines = text.split("\n")
    for i, line in enumerate(lines[:14]):  # the header's "<Place>, ngày … năm …"
        if _DATE_LINE.search(line):
            lines[i] = _DATE_LINE.sub(f"ngày {variant.day} tháng {variant.month} năm {variant.year}", line, count=1)
            break
    text = "\n".join(lines)
    if variant.number:
        text = _NUMBER_LINE.sub(lambda m: f"{m.group(1)}{variant.number}{m.group(3)}", text, count=1)
        if variant.seed in SEED_NUMBER:
            text = text.replace(f"{SEED_NUMBER[variant.seed]}/", f"{variant.number}/")
    if variant.seed in SEED_DATE:
        old = SEED_DATE[variant.seed].rsplit("/", 1)[0] + f"/{variant.year}"
        text = text.replace(old, f"{variant.day}/{variant.month}/{variant.year}")
    if rng.random() < 0.3:
        text = text.replace("Phát triển dữ liệu", "Phát triển, quản lý và khai thác dữ liệu", 1)
    return vary_rows(text, rng, variant)


def _fields(line: str) -> list[str]:
    return line.split("\t")


def _is_data_row(line: str) -> bool:
    return line.count("\t") >= 2 and _fields(line)[0].strip().isdigit()


def _next_nonblank(lines: list[str], index: int) -> str:
    for line in lines[index + 1 :]:
        if line.strip():
            return line
    return ""


def vary_rows(text: str, rng: random.Random, variant: Variant) -> str:
    """Catalog rows: titles and units respelled, ~6 % dropped, ~6 % added (a respelled neighbour), renumbered."""
    lines = text.split("\n")
    out: list[str] = []
    title_col, unit_col = 1, -1
    offset, last_raw = 0, 0
    for index, line in enumerate(lines):
        fields = _fields(line)
        if line.count("\t") >= 2 and fields[0].strip() in ("STT", "TT"):
            unit_col = next((k for k, f in enumerate(fields) if f.startswith(("Đơn vị", "Cơ quan"))), -1)
            out.append(line)
            continue
        if line.startswith("\t") and line.count("\t") == 1:  # Hà Tĩnh's one-cell-per-line table
            cell = line[1:]
            if _TITLE_PREFIX.match(cell):
                cell = vary_title(cell, rng, variant)
            else:
                cell = vary_unit(cell, rng)
            out.append("\t" + cell)
            continue
        if not _is_data_row(line):
            out.append(line)
            continue
        raw = int(fields[0].strip())
        if raw <= last_raw:  # numbering restarts (a new group or table)
            offset = 0
        last_raw = raw
        following = _next_nonblank(lines, index)
        plain_next = _is_data_row(following)
        if plain_next and rng.random() < 0.06:
            offset -= 1
            continue
        fields[0] = str(raw + offset)
        fields[title_col] = vary_title(fields[title_col], rng, variant)
        if 0 <= unit_col < len(fields):
            fields[unit_col] = vary_unit(fields[unit_col], rng)
        out.append("\t".join(fields))
        if plain_next and rng.random() < 0.06:
            offset += 1
            added = list(fields)
            added[0] = str(raw + offset)
            added[title_col] = vary_title(_fields(line)[title_col], random.Random(rng.random()), variant)
            added[title_col] += rng.choice((" (bổ sung)", " mở rộng", f" {variant.place}", " điện tử"))
            out.append("\t".join(added))
    return "\n".join(out)
