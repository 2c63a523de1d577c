"""Soil standards: GB 36600-2018 (construction land) and GB 15618-2018 (farmland). Pure Python, no Django.

The values are data (``gb36600_2018.csv``, ``gb15618_2018.csv`` beside this file, transcribed from the MEE
PDFs), never typed into code. Decision rules (the standards' screening and intervention values; this reading of them is
recalled, not quoted [M]):

- construction land, per land-use class (1 = 第一类用地: residential, schools, hospitals, parks…; 2 = 第二类用地):
  value ≤ screening → ``"negligible"``; screening < value ≤ intervention → ``"between"`` (detailed survey
  and risk assessment); value > intervention → ``"above_intervention"`` (control or remediation in principle).
  Items with footnote a (arsenic, cobalt, vanadium) may be judged against the local background value: a
  value above screening but ≤ ``background`` is ``"background"`` (not treated as contamination).
- farmland, per pH bin (right-closed: ≤5.5 | 5.5–6.5 | 6.5–7.5 | >7.5) and land (paddy, orchard, other;
  ``rotation`` = 水旱轮作地, which takes the stricter of the paddy and other screening values, table 1 note b):
  ≤ screening → ``"priority"`` (优先保护类); above screening and ≤ intervention (or no intervention value)
  → ``"safe_use"`` (安全利用类); > intervention → ``"strict"`` (严格管控类). Each item's ``level`` says the
  same in the standard's words: ``"negligible"`` (≤ screening), ``"between"`` (> screening, ≤ intervention),
  ``"above_intervention"``, or ``"above_screening"`` for Cu, Ni, Zn and the organics, which have no
  intervention value (§5.1: possible risk, closer monitoring). Table 1 gives Cu for 果园 and 其他 only:
  paddy Cu reads the 其他 row.
- one farmland sample (several items measured at one point, one pH): ``assess_farmland_sample(values, ph,
  land)`` judges each item and takes the worst category as the sample's class.

``construction_item(name_or_cas)``, ``assess_construction(item, value, land_class, background=None)``,
``construction_items()``; ``ph_bin(ph)``, ``farmland_values(item, ph, land)``,
``assess_farmland(item, value, ph, land="other")``, ``assess_farmland_sample(values, ph, land)``,
``farmland_items()``;
``farmland_safe_use_rate(b, c, d, e)``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
GB36600 = "GB 36600-2018"
GB15618 = "GB 15618-2018"

LEVEL_LABELS = {"negligible": "不超过筛选值", "between": "超过筛选值、不超过管制值",
                "above_intervention": "超过管制值", "background": "超过筛选值但不超过背景值"}
CATEGORY_LABELS = {"priority": "优先保护类", "safe_use": "安全利用类", "strict": "严格管控类"}
FARMLAND_LEVEL_LABELS = {"negligible": "不超过筛选值", "between": "超过筛选值、不超过管制值",
                         "above_intervention": "超过管制值", "above_screening": "超过筛选值(该项无管制值)"}
LANDS = ("paddy", "orchard", "other", "rotation")


@dataclass(frozen=True)
class ConstructionItem:
    table: int
    no: int
    name: str
    cas: str
    group: str
    screening: tuple  # (class 1, class 2), mg/kg
    intervention: tuple
    footnote: str

    @property
    def background_applies(self) -> bool:
        return self.footnote == "a"


@dataclass(frozen=True)
class ConstructionVerdict:
    item: ConstructionItem
    value: float
    land_class: int
    screening: float
    intervention: float
    level: str
    background_applies: bool

    @property
    def exceeds_screening(self) -> bool:
        return self.level in ("between", "above_intervention")

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def multiple(self) -> float:
        """Exceedance multiple over the screening value (value / screening − 1; 0 when not above)."""
        return max(0.0, self.value / self.screening - 1)


def _rows(name):
    with open(HERE / name, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


@lru_cache(maxsize=1)
def _construction() -> dict:
    out = {}
    for r in _rows("gb36600_2018.csv"):
        it = ConstructionItem(int(r["table"]), int(r["item_no"]), r["pollutant"], r["cas"], r["group"],
                              (float(r["screening_1"]), float(r["screening_2"])),
                              (float(r["intervention_1"]), float(r["intervention_2"])), r["footnote"])
        out[it.name] = it
        for cas in filter(None, it.cas.split(",")):
            out.setdefault(cas.strip(), it)
    return out


def construction_items() -> list[ConstructionItem]:
    """The 85 items in table order (45 basic, 40 others)."""
    return sorted({id(i): i for i in _construction().values()}.values(), key=lambda i: (i.table, i.no))


def construction_item(name_or_cas: str) -> ConstructionItem:
    key = (name_or_cas or "").strip()
    table = _construction()
    # Full-width and ASCII brackets both name 铬（六价）.
    for k in (key, key.replace("(", "（").replace(")", "）"), key.replace("（", "(").replace("）", ")")):
        if k in table:
            return table[k]
    raise ValueError(f"{GB36600} has no item {name_or_cas!r}")


def _number(value, what) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if math.isnan(v) or v < 0:
        raise ValueError(f"{what} must be a non-negative number, got {value!r}")
    return v


def assess_construction(item, value, land_class: int, background=None) -> ConstructionVerdict:
    """Compare one measured value (mg/kg) with the screening and intervention values of `land_class` (1 or 2)."""
    it = item if isinstance(item, ConstructionItem) else construction_item(item)
    if land_class not in (1, 2):
        raise ValueError(f"land_class must be 1 (第一类用地) or 2 (第二类用地), got {land_class!r}")
    v = _number(value, "value")
    s, i = it.screening[land_class - 1], it.intervention[land_class - 1]
    if v <= s:
        level = "negligible"
    elif v > i:
        level = "above_intervention"
    else:
        level = "between"
    if level != "negligible" and it.background_applies and background is not None \
            and v <= _number(background, "background"):
        level = "background"
    return ConstructionVerdict(it, v, land_class, s, i, level, it.background_applies)


# ---- farmland ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FarmlandVerdict:
    item: str
    name: str
    value: float
    ph: float
    land: str
    screening: float
    intervention: float | None
    category: str

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self.category]

    @property
    def level(self) -> str:
        if self.value <= self.screening:
            return "negligible"
        if self.intervention is None:
            return "above_screening"
        return "above_intervention" if self.value > self.intervention else "between"

    @property
    def level_label(self) -> str:
        return FARMLAND_LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class FarmlandSampleVerdict:
    """Every measured item of one sample, in the table's order, and the sample's class (the worst)."""

    ph: float
    land: str
    items: tuple  # FarmlandVerdict, one per measured item
    category: str | None  # None when nothing was measured

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self.category] if self.category else ""

    @property
    def exceedances(self) -> tuple:
        return tuple(v for v in self.items if v.category != "priority")


@lru_cache(maxsize=1)
def _farmland() -> dict:
    out = {}
    for r in _rows("gb15618_2018.csv"):
        out[(r["item"], r["kind"], r["land"])] = (r["name"], tuple(float(r[f"ph{k}"]) for k in range(1, 5)))
    return out


def farmland_items() -> dict:
    """item code → Chinese name."""
    return {k[0]: v[0] for k, v in _farmland().items()}


def ph_bin(ph) -> int:
    """0: pH ≤ 5.5; 1: 5.5 < pH ≤ 6.5; 2: 6.5 < pH ≤ 7.5; 3: pH > 7.5 (right-closed)."""
    p = _number(ph, "pH")
    if p > 14:
        raise ValueError(f"pH must be between 0 and 14, got {ph!r}")
    return 0 if p <= 5.5 else 1 if p <= 6.5 else 2 if p <= 7.5 else 3


def farmland_values(item: str, ph, land: str = "other") -> tuple:
    """(name, screening, intervention or None) for one item at one pH on one kind of land."""
    code = (item or "").strip().lower()
    if land not in LANDS:
        raise ValueError(f"land must be one of {', '.join(LANDS)}, got {land!r}")
    table = _farmland()
    b = ph_bin(ph)
    if land == "rotation":  # table 1 note b: 水旱轮作地 takes the stricter of the two screening values
        name, ps, i = farmland_values(item, ph, "paddy")
        return name, min(ps, farmland_values(item, ph, "other")[1]), i

    def pick(kind):
        for key in ((code, kind, land), (code, kind, "other" if land != "other" else ""), (code, kind, "all")):
            if key in table:
                return table[key]
        return None

    scr = pick("screening")
    if scr is None:
        raise ValueError(f"{GB15618} has no item {item!r}")
    inter = pick("intervention")
    return scr[0], scr[1][b], (inter[1][b] if inter else None)


def assess_farmland(item: str, value, ph, land: str = "other") -> FarmlandVerdict:
    name, s, i = farmland_values(item, ph, land)
    v = _number(value, "value")
    if v <= s:
        cat = "priority"
    elif i is not None and v > i:
        cat = "strict"
    else:
        cat = "safe_use"
    return FarmlandVerdict(item.strip().lower(), name, v, float(ph), land, s, i, cat)


def assess_farmland_sample(values: dict, ph, land: str = "other") -> FarmlandSampleVerdict:
    """One sample: {item code: value or None} at one pH on one kind of land. Items left empty are not judged;
    the sample's class is the worst of its items' categories (None when none was measured)."""
    order = list(farmland_items())
    unknown = [k for k in values if (k or "").strip().lower() not in order]
    if unknown:
        raise ValueError(f"{GB15618} has no item {unknown[0]!r}")
    got = {k.strip().lower(): v for k, v in values.items() if v not in (None, "")}
    items = tuple(assess_farmland(k, got[k], ph, land) for k in order if k in got)
    return FarmlandSampleVerdict(float(_number(ph, "pH")), land, items, worst_category(v.category for v in items))


def worst_category(categories) -> str | None:
    order = {"priority": 0, "safe_use": 1, "strict": 2}
    cats = [c for c in categories if c]
    return max(cats, key=order.__getitem__) if cats else None


def farmland_safe_use_rate(b, c, d, e) -> float | None:
    """受污染耕地安全利用率 A = (B + C + D) / E (核算方法（试行）2020, formula inferred from its terms):
    B slightly polluted area under 优先保护 measures, C light/moderate area under 安全利用 measures meeting the
    produce standards, D heavy area under 严格管控, E all polluted farmland. None when E is 0."""
    b, c, d, e = (_number(x, n) for x, n in ((b, "B"), (c, "C"), (d, "D"), (e, "E")))
    if e == 0:
        return None
    if b + c + d > e:
        raise ValueError("B + C + D cannot exceed the polluted area E")
    return (b + c + d) / e
