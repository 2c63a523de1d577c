"""Surface water: GB 3838-2002 classes, 地表水环境质量评价办法（试行）(环办〔2011〕22号) and
城市地表水环境质量排名技术规定（试行）(环办监测〔2017〕51号, CWQI).

Classes are integers 1..6 (Ⅰ … Ⅴ, 6 = 劣Ⅴ); 0 = not classified (missing value, or an item that
has no class such as water temperature).  Values in mg/L (fecal coliform: count/L, pH
dimensionless).  A value written "0.01L" or "<0.01" is below the detection limit 0.01 and is
taken as ½ × DL (环办监测函〔2020〕82号 point 7).  Unknown item codes are ignored with a warning.

Limits are compared exactly (values are taken to 9 decimals and compared as integers).

Item codes: ph do codmn cod bod5 nh3n tp tn cu zn f se as hg cd cr6 pb cn phenol oil las s2
fcoli (and temp, ignored for the class).  The class uses the 21 items of
:data:`EVALUATION_ITEMS` (table 1 minus temperature, TN and fecal coliform); TN and fecal
coliform are classed and reported separately.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

import numpy as np

from . import tables
from .rounding import format_fixed, round_half_even, scaled_constant, to_scaled  # noqa: F401

__all__ = [
    "CLASS_NAMES", "ITEMS", "EVALUATION_ITEMS", "parse_class", "class_name", "parse_value", "item_class",
    "item_class_array", "classify", "classify_arrays", "WaterResult", "period_mean", "section_means",
    "set_grade", "SetAssessment", "assess_sections", "cwqi_items", "cwqi_section", "cwqi_city", "tli",
    "exceedance_multiple", "grade_of_class",
]

CLASS_NAMES = tables.WATER_CLASS_NAMES
ITEMS = tables.WATER_ITEMS
EVALUATION_ITEMS = tables.WATER_EVALUATION_ITEMS
SEPARATE_ITEMS = ("tn", "fcoli")
_DIGITS = 9

ALIASES = {
    "ph值": "ph", "溶解氧": "do", "高锰酸盐指数": "codmn", "化学需氧量": "cod", "五日生化需氧量": "bod5",
    "氨氮": "nh3n", "总磷": "tp", "总氮": "tn", "铜": "cu", "锌": "zn", "氟化物": "f", "硒": "se", "砷": "as",
    "汞": "hg", "镉": "cd", "六价铬": "cr6", "铅": "pb", "氰化物": "cn", "挥发酚": "phenol", "石油类": "oil",
    "阴离子表面活性剂": "las", "硫化物": "s2", "粪大肠菌群": "fcoli", "水温": "temp",
    "cod_mn": "codmn", "nh3_n": "nh3n", "nh3-n": "nh3n", "bod": "bod5", "cr(vi)": "cr6",
}


def _item_code(name: str) -> str | None:
    k = name.strip().lower()
    k = ALIASES.get(k, k)
    return k if k in ITEMS else None


def parse_class(value) -> int:
    """'Ⅲ', 'III', '3', 3, '劣Ⅴ', '劣V', 'V+' → 1..6."""
    if isinstance(value, (int, np.integer)) and 1 <= int(value) <= 6:
        return int(value)
    s = str(value).strip().upper().replace("类", "").replace("Ⅰ", "I").replace("Ⅱ", "II")
    s = s.replace("Ⅲ", "III").replace("Ⅳ", "IV").replace("Ⅴ", "V")
    table = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "劣V": 6, "V+": 6, "1": 1, "2": 2, "3": 3, "4": 4,
             "5": 5, "6": 6}
    if s not in table:
        raise ValueError(f"unknown water class {value!r}; use Ⅰ–Ⅴ, 劣Ⅴ (or I–V, V+, 1–6)")
    return table[s]


def class_name(cls: int) -> str:
    return CLASS_NAMES[int(cls)] if 0 < int(cls) <= 6 else ""


def grade_of_class(cls: int) -> str:
    """Qualitative grade of one section (环办〔2011〕22号 表1): Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染 …"""
    return tables.WATER_SECTION_GRADES[int(cls)] if 0 < int(cls) <= 6 else ""


def parse_value(value) -> tuple[float, bool]:
    """Lab-sheet value → (number, below detection).  "0.01L" / "<0.01" → (0.005, True);
    "", "--", "*", None → (nan, False).  Raises ValueError on text that is not a number."""
    if value is None:
        return math.nan, False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value), False
    s = str(value).strip()
    if s in ("", "--", "-", "*", "NA", "nan", "NaN", "/"):
        return math.nan, False
    below = False
    if s.upper().endswith("L") and s[:-1].strip():
        s, below = s[:-1].strip(), True
    elif s.startswith("<"):
        s, below = s[1:].strip(), True
    try:
        v = float(s)
    except ValueError:
        raise ValueError(f"not a number: {value!r}") from None
    return (v / 2.0 if below else v), below


def _limits(item: str, lake: bool) -> tuple[str, ...]:
    if item == "tp" and lake:
        return tables.WATER_TP_LAKE
    return ITEMS[item][3]


_LIM_CACHE: dict[tuple[str, bool], np.ndarray] = {}


def _scaled_limits(item: str, lake: bool) -> np.ndarray:
    key = (item, lake)
    if key not in _LIM_CACHE:
        _LIM_CACHE[key] = np.array([scaled_constant(x, _DIGITS) for x in _limits(item, lake)], dtype=np.int64)
    return _LIM_CACHE[key]


def _lake_mask(waterbody, shape) -> np.ndarray:
    if isinstance(waterbody, str):
        if waterbody not in ("river", "lake"):
            raise ValueError(f"waterbody must be 'river' or 'lake', not {waterbody!r}")
        return np.full(shape, waterbody == "lake")
    wb = np.asarray(waterbody)
    if wb.dtype == bool:
        return np.broadcast_to(wb, shape)
    wb = np.char.lower(wb.astype(str))
    bad = ~np.isin(wb, ["river", "lake"])
    if bad.any():
        raise ValueError(f"waterbody must be 'river' or 'lake'; got {sorted(set(wb[bad].tolist()))}")
    return np.broadcast_to(wb == "lake", shape)


def item_class_array(item: str, values, waterbody="river") -> np.ndarray:
    """Class (int8 1..6, 0 = missing or not classified) of one item over an array of values.

    Rules (GB 3838-2002 table 1): value ≤ limit (DO: ≥); DO Class Ⅰ at 7.5 mg/L; pH inside 6–9 does
    not restrict the class (→ 1), outside → 劣Ⅴ; TP uses the lake/reservoir column where
    ``waterbody`` is "lake" (``waterbody`` may be an array of "river"/"lake" or a bool is-lake array).
    """
    code = _item_code(item)
    if code is None:
        raise ValueError(f"unknown water item {item!r}; known: {', '.join(ITEMS)}")
    v = np.asarray(values, dtype=np.float64)
    if np.any(v < 0):
        raise ValueError(f"{code}: negative value (NaN = missing)")
    missing = np.isnan(v)
    kind = ITEMS[code][2]
    if kind == "none":
        return np.zeros(v.shape, dtype=np.int8)
    s = to_scaled(v, _DIGITS)
    if kind == "range":
        lo, hi = (scaled_constant(x, _DIGITS) for x in ITEMS[code][3])
        out = np.where((s >= lo) & (s <= hi), 1, 6)
    elif kind == "ge":
        lim = _scaled_limits(code, False)                      # descending 7.5 6 5 3 2
        out = 1 + (s[..., None] < lim).sum(axis=-1)            # count of limits not met
    else:
        if code == "tp":
            lake = _lake_mask(waterbody, v.shape)
            out_r = 1 + (s[..., None] > _scaled_limits("tp", False)).sum(axis=-1)
            out_l = 1 + (s[..., None] > _scaled_limits("tp", True)).sum(axis=-1)
            out = np.where(lake, out_l, out_r)
        else:
            out = 1 + (s[..., None] > _scaled_limits(code, False)).sum(axis=-1)
    return np.where(missing, 0, out).astype(np.int8)


def item_class(item: str, value, waterbody: str = "river") -> int:
    """Class of one value (accepts lab strings such as "0.01L"); 0 if missing."""
    v, _ = parse_value(value)
    return int(item_class_array(item, np.array([v]), waterbody)[0])


def exceedance_multiple(item: str, value: float, cls: int = 3, waterbody: str = "river",
                        do_rule: str = "none") -> float | None:
    """(C − S)/S against the limit of class ``cls`` (default Ⅲ, as 环办〔2011〕22号 uses).

    None where the value does not exceed, and for water temperature and pH; for DO also None
    unless ``do_rule="local"`` ((S − C)/S, a local convention to be labelled as such).
    """
    code = _item_code(item)
    if code is None:
        raise ValueError(f"unknown water item {item!r}")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    kind = ITEMS[code][2]
    if kind in ("none", "range") or not 1 <= cls <= 5:
        return None
    s = Fraction(_limits(code, waterbody == "lake")[cls - 1])
    c = Fraction(repr(float(value)))
    if kind == "ge":
        if do_rule != "local" or c >= s:
            return None
        return float((s - c) / s)
    if c <= s:
        return None
    return float((c - s) / s)


@dataclass
class WaterResult:
    waterbody: str
    water_class: int                     # 1..6, 0 if nothing could be classed
    deciding_items: list[str]
    item_classes: dict[str, int]
    values: dict[str, float]
    below_detection: list[str]
    exceedance_iii: dict[str, float]     # items worse than Ⅲ → (C − SⅢ)/SⅢ
    target: int | None
    target_exceedance: dict[str, float]  # items worse than the target → (C − S_target)/S_target
    compliant: bool | None
    main_pollutants: list[str]           # "氨氮(0.2)"
    separate: dict[str, int]             # TN, fecal coliform classes (not in the class)
    warnings: list[str] = field(default_factory=list)

    @property
    def class_name(self) -> str:
        return class_name(self.water_class)

    @property
    def grade(self) -> str:
        return grade_of_class(self.water_class)

    def as_dict(self) -> dict:
        return {
            "waterbody": self.waterbody, "class": self.class_name, "class_number": self.water_class,
            "grade": self.grade, "deciding_items": self.deciding_items,
            "item_classes": {k: class_name(v) for k, v in self.item_classes.items()},
            "values": self.values, "below_detection": self.below_detection,
            "exceedance_multiples_vs_III": {k: format_fixed(v, 1) for k, v in self.exceedance_iii.items()},
            "target": class_name(self.target) if self.target else None,
            "target_exceedance": {k: format_fixed(v, 1) for k, v in self.target_exceedance.items()},
            "compliant": self.compliant, "main_pollutants": self.main_pollutants,
            "separately_reported": {k: class_name(v) for k, v in self.separate.items()},
            "warnings": self.warnings,
        }


def _main_pollutants(item_classes: Mapping[str, int], mult: Mapping[str, float], limit: int = 3) -> list[str]:
    """Items worse than Ⅲ ranked by class, then exceedance multiple; listed heavy metals/cyanide
    first when they exceed (环办〔2011〕22号, remembered, not read [M])."""
    worse = [k for k, c in item_classes.items() if c > 3 and k in EVALUATION_ITEMS]
    worse.sort(key=lambda k: (k not in tables.WATER_PRIORITY_ITEMS, -item_classes[k], -mult.get(k, 0.0)))
    out = []
    for k in worse[:limit]:
        name = ITEMS[k][0]
        out.append(f"{name}({format_fixed(mult[k], 1)})" if k in mult else name)
    return out


def classify(sample: Mapping[str, object], waterbody: str = "river", *, target=None,
             items: Sequence[str] = EVALUATION_ITEMS, do_rule: str = "none",
             round_values: bool = False) -> WaterResult:
    """Single-factor class of one sample or one section's period means.

    ``sample``: item code → value (number or lab string such as "0.002L").  ``target``: class of the
    section's target (Ⅲ, "III", 3 …) for compliance and target exceedance multiples.
    ``round_values``: round to the 2020 statistics rule's decimals before classing (off by default —
    see the report: the CNEMC classes are reproduced without it).
    """
    warn: list[str] = []
    vals: dict[str, float] = {}
    below: list[str] = []
    for k, raw in sample.items():
        code = _item_code(k)
        if code is None:
            msg = f"unknown water item {k!r} ignored"
            warnings.warn(msg, UserWarning, stacklevel=2)
            warn.append(msg)
            continue
        v, b = parse_value(raw)
        if not math.isnan(v) and v < 0:
            raise ValueError(f"{code}: negative value {raw!r}")
        if round_values and not math.isnan(v):
            v = float(round_half_even(v, ITEMS[code][4]))
        vals[code] = v
        if b:
            below.append(code)
    ics: dict[str, int] = {}
    for code, v in vals.items():
        if math.isnan(v) or ITEMS[code][2] == "none":
            continue
        ics[code] = int(item_class_array(code, np.array([v]), waterbody)[0])
    in_eval = {k: c for k, c in ics.items() if k in items}
    cls = max(in_eval.values()) if in_eval else 0
    deciding = [k for k in items if in_eval.get(k) == cls] if cls else []
    # pH inside 6–9 gets "class Ⅰ" only so that it never restricts the class: it never decides it
    deciding = [k for k in deciding if not (k == "ph" and cls != 6)]
    mult = {}
    for k, c in in_eval.items():
        if c > 3:
            m = exceedance_multiple(k, vals[k], 3, waterbody)
            if m is not None:
                mult[k] = m
    tgt = None if target is None else parse_class(target)
    texc: dict[str, float] = {}
    compliant = None
    if tgt is not None:
        compliant = bool(cls) and cls <= tgt
        if tgt <= 5:
            for k, c in in_eval.items():
                if c > tgt:
                    m = exceedance_multiple(k, vals[k], tgt, waterbody, do_rule)
                    if m is not None:
                        texc[k] = m
    mains = _main_pollutants(in_eval, mult) if cls > 3 else []
    separate = {k: ics[k] for k in SEPARATE_ITEMS if k in ics and k not in items}
    return WaterResult(waterbody, cls, deciding, ics, vals, below, mult, tgt, texc, compliant, mains, separate,
                       warn)


def classify_arrays(values: Mapping[str, object], waterbody="river", *,
                    items: Sequence[str] = EVALUATION_ITEMS) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Vectorised single-factor class of many samples: item → array [N] (NaN = not measured).

    Returns (class int8 [N] (0 if no item measured), item classes {item: int8 [N]}).
    Unknown items are ignored with a warning.
    """
    ics: dict[str, np.ndarray] = {}
    shape = None
    for k, v in values.items():
        code = _item_code(k)
        if code is None:
            warnings.warn(f"unknown water item {k!r} ignored", UserWarning, stacklevel=2)
            continue
        arr = np.asarray(v, dtype=np.float64)
        shape = arr.shape if shape is None else shape
        if arr.shape != shape:
            raise ValueError("all item arrays must have the same shape")
        ics[code] = item_class_array(code, arr, waterbody)
    if shape is None:
        raise ValueError("no known water items given")
    in_eval = [ics[k] for k in items if k in ics]
    cls = np.max(np.stack(in_eval), axis=0) if in_eval else np.zeros(shape, dtype=np.int8)
    return cls.astype(np.int8), ics


# ---------------------------------------------------------------------------
# period means and sets of sections
# ---------------------------------------------------------------------------
def period_mean(values, item: str, below_detection=None, axis: int = -1):
    """Mean over a period (NaN ignored).  pH: via [H⁺] = 10^−pH, averaged, back to pH.
    ``below_detection`` (bool mask): those values are detection limits and count as ½ × DL.
    """
    code = _item_code(item)
    if code is None:
        raise ValueError(f"unknown water item {item!r}")
    v = np.asarray(values, dtype=np.float64)
    if below_detection is not None:
        v = np.where(np.asarray(below_detection, dtype=bool), v / 2.0, v)
    if code == "ph":
        h = 10.0 ** (-v)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            m = np.nanmean(h, axis=axis)
            return -np.log10(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(v, axis=axis)


def section_means(samples: Iterable[Mapping[str, object]]) -> dict[str, float]:
    """Item-by-item period means of a list of samples (lab strings allowed; ½ DL below detection)."""
    cols: dict[str, list[float]] = {}
    for s in samples:
        for k, raw in s.items():
            code = _item_code(k)
            if code is None:
                warnings.warn(f"unknown water item {k!r} ignored", UserWarning, stacklevel=2)
                continue
            cols.setdefault(code, []).append(parse_value(raw)[0])
    return {k: float(period_mean(np.array(v), k)) for k, v in cols.items()}


@dataclass
class SetAssessment:
    n_sections: int
    method: str                      # "proportion" (≥ 5 sections) or "mean_concentration" (< 5)
    counts: dict[str, int]           # class name → sections
    share_i_iii: float
    share_worse_v: float
    grade: str
    water_class: int | None          # only for the mean-concentration method
    main_pollutants: list[str]


def set_grade(n_sections: int, n_i_iii: int, n_worse_v: int) -> str:
    """Qualitative grade of ≥ 5 sections by class shares (环办〔2011〕22号 表2), exact in integers.

    劣Ⅴ ≥ 40 % → 重度污染 whatever the Ⅰ–Ⅲ share (the remembered "<60 %" wording leaves 60 %/40 % in
    no row; vector 30).
    """
    n = n_sections
    if n <= 0:
        raise ValueError("no sections")
    if 10 * n_i_iii >= 9 * n:
        return "优"
    if 4 * n_i_iii >= 3 * n:
        return "良好"
    if 5 * n_worse_v >= 2 * n:
        return "重度污染"
    if 5 * n_worse_v >= n:
        return "中度污染"
    return "轻度污染"


def assess_sections(sections: Sequence[Mapping[str, object]], waterbody="river", *,
                    items: Sequence[str] = EVALUATION_ITEMS) -> SetAssessment:
    """A river, basin or water system (or a lake's points): ``sections`` are period means (item → value).

    ≥ 5 river sections: class-share method and main pollutants by the share of sections worse than Ⅲ
    for each item; < 5 sections, or a lake/reservoir's points: average each item over them (pH via
    [H⁺]) and class the mean.
    ``waterbody``: one value or one per section.
    """
    n = len(sections)
    if n == 0:
        raise ValueError("no sections")
    wbs = [waterbody] * n if isinstance(waterbody, str) else list(waterbody)
    # lakes/reservoirs: points are averaged item by item, then classed (环办〔2011〕22号); rivers with < 5 sections too
    if n < 5 or all(w == "lake" for w in wbs):
        keys = sorted({_item_code(k) for s in sections for k in s if _item_code(k)})
        means = {k: float(period_mean(np.array([parse_value(s.get(k, math.nan))[0] for s in sections]), k))
                 for k in keys}
        wb = "lake" if all(w == "lake" for w in wbs) else "river"
        r = classify(means, wb, items=items)
        counts = {c: 0 for c in CLASS_NAMES[1:]}
        return SetAssessment(n, "mean_concentration", counts, math.nan, math.nan, r.grade, r.water_class,
                             r.main_pollutants)
    results = [classify(s, w, items=items) for s, w in zip(sections, wbs)]
    classes = [r.water_class for r in results]
    counts = {c: classes.count(i) for i, c in enumerate(CLASS_NAMES) if i}
    n13 = sum(1 for c in classes if 1 <= c <= 3)
    n6 = sum(1 for c in classes if c == 6)
    rate: dict[str, int] = {}
    for r in results:
        for k, c in r.item_classes.items():
            if k in items and c > 3:
                rate[k] = rate.get(k, 0) + 1
    top = sorted(rate, key=lambda k: -rate[k])[:3]
    mains = [f"{ITEMS[k][0]}({format_fixed(100 * rate[k] / n, 1)}%)" for k in top]
    return SetAssessment(n, "proportion", counts, n13 / n, n6 / n, set_grade(n, n13, n6), None, mains)


# ---------------------------------------------------------------------------
# CWQI (环办监测〔2017〕51号)
# ---------------------------------------------------------------------------
CWQI_ITEMS = EVALUATION_ITEMS


def cwqi_items(values: Mapping[str, object], waterbody: str = "river") -> dict[str, float]:
    """Per-item CWQI: C/S_Ⅲ; DO: S_Ⅲ/C = 5/C; pH ≤ 7: (7 − pH)/(7 − 6); pH > 7: (pH − 7)/(9 − 7).
    TP uses the lake column (S_Ⅲ = 0.05) for lake/reservoir points.  Missing items are skipped."""
    out: dict[str, float] = {}
    for k, raw in values.items():
        code = _item_code(k)
        if code is None:
            warnings.warn(f"unknown water item {k!r} ignored", UserWarning, stacklevel=2)
            continue
        if code not in CWQI_ITEMS:
            continue
        v = parse_value(raw)[0]
        if math.isnan(v):
            continue
        if code == "ph":
            out[code] = (7.0 - v) / (7.0 - 6.0) if v <= 7.0 else (v - 7.0) / (9.0 - 7.0)
        elif code == "do":
            if v <= 0:
                raise ValueError("DO must be > 0 for the CWQI")
            out[code] = float(_limits("do", False)[2]) / v
        else:
            out[code] = v / float(_limits(code, waterbody == "lake")[2])
    return out


def cwqi_section(values: Mapping[str, object], waterbody: str = "river") -> float:
    """Section/point CWQI = Σ of the per-item indices over the 21 items."""
    return float(sum(cwqi_items(values, waterbody).values()))


def cwqi_city(sections: Sequence[Mapping[str, object]], waterbodies: Sequence[str] | str = "river", *,
              method: str = "concentration_first") -> float:
    """City CWQI (环办监测〔2017〕51号; its city aggregation is an open doubt, both methods offered).

    ``"concentration_first"`` (default, the rule as remembered [M]): mean concentration of
    each item over river sections → CWQI_river, same over lake points → CWQI_lake; city =
    (CWQI_river·M + CWQI_lake·N)/(M + N).  ``"mean_of_sections"``: mean of the section CWQIs.
    The two agree except through DO (reciprocal) and pH (piecewise).
    """
    wbs = [waterbodies] * len(sections) if isinstance(waterbodies, str) else list(waterbodies)
    if len(wbs) != len(sections) or not sections:
        raise ValueError("one waterbody per section, at least one section")
    if method == "mean_of_sections":
        return float(np.mean([cwqi_section(s, w) for s, w in zip(sections, wbs)]))
    if method != "concentration_first":
        raise ValueError("method must be 'concentration_first' or 'mean_of_sections'")
    total, weight = 0.0, 0
    for kind in ("river", "lake"):
        group = [s for s, w in zip(sections, wbs) if w == kind]
        if not group:
            continue
        keys = {_item_code(k) for s in group for k in s if _item_code(k) in CWQI_ITEMS}
        means = {k: float(np.nanmean([parse_value(s.get(k, math.nan))[0] for s in group])) for k in keys}
        total += cwqi_section(means, kind) * len(group)
        weight += len(group)
    return total / weight


# ---------------------------------------------------------------------------
# Trophic level index (lakes and reservoirs)
# ---------------------------------------------------------------------------
TLI_CLASSES = ((30, "贫营养"), (50, "中营养"), (60, "轻度富营养"), (70, "中度富营养"))


def tli(chla: float, tp: float, tn: float, sd: float, codmn: float) -> tuple[float, dict[str, float], str]:
    """Comprehensive trophic level index TLI(Σ) = Σ W_j · TLI(j), W_j = r_j² / Σ r_j².

    Units: chl a mg/m³, TP/TN/CODMn mg/L, SD m.  Returns (TLI, parts, class): < 30 贫营养,
    30–50 中营养, (50, 60] 轻度富营养, (60, 70] 中度富营养, > 70 重度富营养.
    """
    vals = {"chla": chla, "tp": tp, "tn": tn, "sd": sd, "codmn": codmn}
    r2 = {k: float(p[2]) ** 2 for k, p in tables.TLI_PARAMS.items()}
    tot = sum(r2.values())
    parts = {}
    for k, (a, b, _r) in tables.TLI_PARAMS.items():
        v = float(vals[k])
        if not v > 0:
            raise ValueError(f"{k} must be > 0 for the TLI")
        parts[k] = 10.0 * (float(a) + float(b) * math.log(v))
    total = sum(r2[k] / tot * parts[k] for k in parts)
    if total < 30:
        name = "贫营养"
    elif total <= 50:
        name = "中营养"
    elif total <= 60:
        name = "轻度富营养"
    elif total <= 70:
        name = "中度富营养"
    else:
        name = "重度富营养"
    return total, parts, name
