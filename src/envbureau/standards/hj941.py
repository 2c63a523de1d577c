"""HJ 941-2018 企业突发环境事件风险分级方法: an enterprise's environmental risk level, with the working.

Pure Python (no Django). Graded separately for air and for water; the enterprise takes the higher.

- Q = Σ qᵢ / Qᵢ over the risk substances on site (quantity ÷ its critical quantity in Annex A), per medium.
  Q < 1 → "Q0": the medium is 一般 directly; 1 ≤ Q < 10 → Q1; 10 ≤ Q < 100 → Q2; Q ≥ 100 → Q3.
- M = the process and risk-control score (0–100): M < 25 → M1; 25 ≤ M < 45 → M2; 45 ≤ M < 60 → M3; ≥ 60 → M4.
  Either the finished score (an assessor may enter a report's result) or its parts (`MParts`, `m_score`):
  the process part = Σ over process units (套) of 10 points for a high-risk process (`HIGH_RISK_PROCESSES`, the
  重点监管危险化工工艺) and 5 points for another high-temperature / high-pressure / flammable-explosive process,
  capped at 30 [1S]; plus the risk-control items of the medium (`M_ITEMS`: item → maximum score), each scored
  0..max by the assessor [M] (names and maxima from memory: air 毒性气体泄漏监控预警措施 25, 符合防护距离要求情况 25,
  近3年内突发大气环境事件发生情况 20; water 截流措施 8, 事故废水收集措施 8, 清净废水系统风险防控措施 8,
  雨水排水系统风险防控措施 8, 生产废水处理系统风险防控措施 12, 废水排放去向 12, 厂内危险废物环境管理 10,
  近3年内突发水环境事件发生情况 4 — each medium's items sum to 70, so M ≤ 100).
- E = the sensitivity of the receptors, E1 (most sensitive) … E3, per medium: either the finished class or its
  facts — air (`AirReceptors`, `e_air`): E1 when more than 50,000 people live within 5 km or more than 1,000
  within 500 m of the site, E2 when 10,000–50,000 within 5 km or 500–1,000 within 500 m, else E3 [M] (`E_AIR`);
  water (`WaterReceptors`, `e_water`): the receiving water's sensitivity F1–F3 and the sensitive targets' class
  S1–S3, both classed by the assessor, read from the F × S matrix `E_WATER` [M].
- The level of a medium is read from the matrix E × M × Q below.

Confidence: the formula for Q and the three levels [2S]; the Q bands
[M]; the M bands [1S] (Guizhou's method); the matrix [M] (the standard's table as remembered, not read in this
research). Every table is an argument, so a bureau that holds the standard's text can pass its own (the
approvals app reads them from its configuration, `hj941_tables`).
Checked again 2026-12-01 against the stored public corpora (docs and pages search): no copy of the standard's
level tables or of its M bands was found — only a page confirming that water's Q is computed as air's (§7.1 "计算方法
同6.1") and the Guizhou method's M bands (25/45/60). The matrix therefore stays [M]; tests/standards/test_hj941.py
pins every one of its 36 cells from both edges of their Q and M bands, in the standard's own layout.
Searched a second time the same day (pages, docs, code corpora; queries on the Q bands, the M scoring, the E1–E3
receptor criteria and the level matrix): still no copy of the tables. What was found agrees with this module
without proving it:
- a published answer on HJ 941-2018 Table 1 (企业生产工艺过程评估, http://www.weileb.com/huanbao/yihuandongtai/372.html,
  2020-10-30): the process part of M scores 10 or 5 points per process unit, summed over units and capped at 30 —
  so M is a sum of capped parts (computed so since 2026-12-02: `m_score`; the finished score is still accepted);
- a filing record in a public app (较大 [较大-大气(Q2-M2-E3) 较大-水]) in the label format used here, and for that
  cell E3 × M2 × Q2 this matrix also gives 较大.
Neither gives the Q band edges, the E1–E3 criteria or the other 35 cells: those remain from memory.
2026-12-02: M and E are now built from their parts (above); only the process part's 10 / 5 points and cap of 30
rest on a source [1S]; the risk-control items and their maxima, the air population thresholds and the water
F × S matrix are from memory [M] and are arguments too (the approvals app: `hj941_tables` keys `m_items`,
`e_air`, `e_water`); the working says where they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("一般", "较大", "重大")  # general, larger, major
Q_BANDS = ((1.0, "Q0"), (10.0, "Q1"), (100.0, "Q2"))  # upper bounds (exclusive); above the last: Q3
M_BANDS = ((25.0, "M1"), (45.0, "M2"), (60.0, "M3"))  # upper bounds (exclusive); above the last: M4
# MATRIX[E][M] = (level for Q1, Q2, Q3)
MATRIX = {
    "E1": {"M1": ("较大", "较大", "重大"), "M2": ("较大", "重大", "重大"), "M3": ("重大", "重大", "重大"),
           "M4": ("重大", "重大", "重大")},
    "E2": {"M1": ("一般", "较大", "较大"), "M2": ("较大", "较大", "重大"), "M3": ("较大", "重大", "重大"),
           "M4": ("重大", "重大", "重大")},
    "E3": {"M1": ("一般", "一般", "较大"), "M2": ("一般", "较大", "较大"), "M3": ("较大", "较大", "重大"),
           "M4": ("较大", "重大", "重大")},
}
MEDIA = {"air": "大气", "water": "水"}

# The process part of M (HJ 941-2018 Table 1 as a published answer gives it [1S]): points per process unit (套),
# summed over units, capped.
# 重点监管危险化工工艺 (the 18 of 安监总管三〔2009〕116号 and 〔2013〕3号, names from memory [M]); a unit of a process not
# listed is given its points explicitly.
HIGH_RISK_PROCESSES = ("光气及光气化", "电解", "氯化", "硝化", "合成氨", "裂解", "氟化", "加氢", "重氮化", "氧化",
                       "过氧化", "胺基化", "磺化", "聚合", "烷基化", "新型煤化工", "电石生产", "偶氮化")
PROCESS_POINTS = (10, 5)  # a high-risk (重点监管) process; another high-temperature/high-pressure/flammable one
PROCESS_CAP = 30
# The risk-control items of M per medium, (item, maximum score) [M]: from memory, pending the standard's text.
M_ITEMS = {
    "air": (("毒性气体泄漏监控预警措施", 25), ("符合防护距离要求情况", 25), ("近3年内突发大气环境事件发生情况", 20)),
    "water": (("截流措施", 8), ("事故废水收集措施", 8), ("清净废水系统风险防控措施", 8), ("雨水排水系统风险防控措施", 8),
              ("生产废水处理系统风险防控措施", 12), ("废水排放去向", 12), ("厂内危险废物环境管理", 10),
              ("近3年内突发水环境事件发生情况", 4)),
}
# Air receptors [M]: class → (people within 5 km, people within 500 m); a class is met when either count is over
# its E1 figure (E1) or at least its E2 figure (E2); below both E2 figures → E3.
E_AIR = {"E1": (50000, 1000), "E2": (10000, 500)}
# Water receptors [M]: E_WATER[S][F] = E (S: sensitive targets downstream; F: the receiving water's sensitivity).
E_WATER = {
    "S1": {"F1": "E1", "F2": "E1", "F3": "E2"},
    "S2": {"F1": "E1", "F2": "E2", "F3": "E3"},
    "S3": {"F1": "E1", "F2": "E2", "F3": "E3"},
}
REMEMBERED_PARTS = "平台暂存表(凭记忆整理,待核对标准原文)"


@dataclass(frozen=True)
class Substance:
    name: str
    quantity_t: float  # the largest quantity on site at any time, tonnes
    critical_t: float  # its critical quantity (Annex A), tonnes


@dataclass(frozen=True)
class ProcessUnit:
    name: str
    units: int = 1  # number of sets (套)
    points: int | None = None  # 10 or 5; None: 10 when the name is a listed high-risk process, else 5


@dataclass(frozen=True)
class MParts:
    processes: tuple = ()  # ProcessUnit
    items: dict = field(default_factory=dict)  # risk-control item → score the assessor gave


@dataclass(frozen=True)
class AirReceptors:
    pop_5km: float  # people living within 5 km of the site
    pop_500m: float  # people within 500 m


@dataclass(frozen=True)
class WaterReceptors:
    f: str  # the receiving water's sensitivity, F1–F3
    s: str  # the sensitive targets' class, S1–S3


@dataclass
class MediumResult:
    medium: str
    q: float
    q_class: str
    m_class: str | None
    e_class: str | None
    level: str
    steps: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        name = MEDIA[self.medium]
        if self.q_class == "Q0":
            return f"{self.level}-{name}(Q0)"
        return f"{self.level}-{name}({self.q_class}-{self.m_class}-{self.e_class})"


@dataclass
class Result:
    level: str
    air: MediumResult
    water: MediumResult
    # where the tables used come from ("" = this module's remembered tables; the caller names its own copy)
    tables_source: str = ""

    @property
    def label(self) -> str:
        """e.g. 较大[较大-大气(Q1-M2-E1) + 一般-水(Q0)]"""
        return f"{self.level}[{self.air.label} + {self.water.label}]"

    @property
    def steps(self) -> list[str]:
        return [*self.air.steps, *self.water.steps,
                f"企业环境风险等级取大气、水中较高者:{self.level}"]


def _band(value: float, bands, last: str) -> str:
    for upper, name in bands:
        if value < upper:
            return name
    return last


def q_value(substances) -> tuple[float, list[str]]:
    total, steps = 0.0, []
    for s in substances:
        if s.critical_t is None or s.critical_t <= 0:
            raise ValueError(f"{s.name}: 临界量须大于0")
        if s.quantity_t is None or s.quantity_t < 0:
            raise ValueError(f"{s.name}: 存在量不能为负数")
        ratio = s.quantity_t / s.critical_t
        total += ratio
        steps.append(f"{s.name}:{s.quantity_t:g} t ÷ 临界量 {s.critical_t:g} t = {ratio:.4g}")
    return total, steps


def q_class(q: float, bands=Q_BANDS) -> str:
    return _band(q, bands, "Q3")


def m_class(m: float, bands=M_BANDS) -> str:
    if m < 0 or m > 100:
        raise ValueError(f"M 值应在 0–100 之间:{m}")
    return _band(m, bands, "M4")


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n) == int(n) else f"{n:,g}"


def m_score(medium: str, parts: MParts, *, m_items=M_ITEMS, process_points=PROCESS_POINTS, process_cap=PROCESS_CAP,
            high_risk=HIGH_RISK_PROCESSES, parts_source: str = "") -> tuple[float, list[str]]:
    """M from its parts: the process part (points per unit, summed, capped) plus every risk-control item of the
    medium (each 0..its maximum; an item missing, unknown or over its maximum is refused, naming it)."""
    name = MEDIA[medium]
    steps, process = [], 0.0
    for u in parts.processes:
        units = u.units
        if units is None or units != int(units) or units < 1:
            raise ValueError(f"{u.name}:套数应为正整数:{units}")
        points = u.points
        if points is None:
            points = process_points[0] if u.name in high_risk else process_points[1]
        if points not in process_points:
            raise ValueError(f"{u.name}:每套分值应为 {' 或 '.join(str(p) for p in process_points)}:{points}")
        sub = points * int(units)
        process += sub
        steps.append(f"{name}:工艺 {u.name} {int(units)} 套 × {points} 分 = {sub} 分")
    capped = min(process, process_cap)
    steps.append(f"{name}:生产工艺得分 {process:g}" + (f",超过上限取 {process_cap:g}" if process > capped else "")
                 + f" → {capped:g} 分")
    table = dict(m_items[medium])
    unknown = [k for k in parts.items if k not in table]
    if unknown:
        raise ValueError(f"{name}:不是该要素的风险防控评估项目:{'、'.join(unknown)}(应为 {'、'.join(table)})")
    missing = [k for k in table if k not in parts.items or parts.items[k] is None]
    if missing:
        raise ValueError(f"{name}:请为每个风险防控评估项目打分,缺少:{'、'.join(missing)}")
    total = capped
    for item, most in table.items():
        score = float(parts.items[item])
        if score != score or score < 0 or score > most:
            raise ValueError(f"{name}:{item} 得分 {score:g} 超出 0–{most:g} 分")
        total += score
        steps.append(f"{name}:{item} {score:g} 分(满分 {most:g})")
    steps.append(f"{name}:M = 生产工艺 {capped:g} + 风险防控 {total - capped:g} = {total:g}"
                 f"(评估项目及满分:{parts_source or REMEMBERED_PARTS})")
    return total, steps


def e_air(receptors: AirReceptors, thresholds=E_AIR, *, parts_source: str = "") -> tuple[str, list[str]]:
    """Air E from the population within 5 km and within 500 m: E1 when either is over its E1 figure, E2 when
    either is at least its E2 figure, else E3."""
    p5, p500 = receptors.pop_5km, receptors.pop_500m
    for label, value in (("5 km 内人口", p5), ("500 m 内人口", p500)):
        if value is None or value != value or value < 0:
            raise ValueError(f"大气:{label}应为非负数:{value}")
    (e1_5, e1_500), (e2_5, e2_500) = thresholds["E1"], thresholds["E2"]
    src = f"(判据:{parts_source or REMEMBERED_PARTS})"
    if p5 > e1_5:
        return "E1", [f"大气:5 km 内人口 {_fmt(p5)} 人 > {_fmt(e1_5)} → E1{src}"]
    if p500 > e1_500:
        return "E1", [f"大气:500 m 内人口 {_fmt(p500)} 人 > {_fmt(e1_500)} → E1{src}"]
    if p5 >= e2_5:
        return "E2", [f"大气:5 km 内人口 {_fmt(p5)} 人在 {_fmt(e2_5)}–{_fmt(e1_5)} 之间,"
                      f"500 m 内人口 {_fmt(p500)} 人 ≤ {_fmt(e1_500)} → E2{src}"]
    if p500 >= e2_500:
        return "E2", [f"大气:500 m 内人口 {_fmt(p500)} 人在 {_fmt(e2_500)}–{_fmt(e1_500)} 之间,"
                      f"5 km 内人口 {_fmt(p5)} 人 < {_fmt(e2_5)} → E2{src}"]
    return "E3", [f"大气:5 km 内人口 {_fmt(p5)} 人 < {_fmt(e2_5)} 且 500 m 内人口 {_fmt(p500)} 人 < {_fmt(e2_500)} → E3{src}"]


def e_water(receptors: WaterReceptors, matrix=E_WATER, *, parts_source: str = "") -> tuple[str, list[str]]:
    """Water E from the receiving water's class F and the sensitive targets' class S (F × S matrix)."""
    s, f = receptors.s, receptors.f
    if s not in matrix:
        raise ValueError(f"水:环境风险受体类型应为 {'、'.join(matrix)}:{s}")
    if f not in matrix[s]:
        raise ValueError(f"水:受纳水体敏感性应为 {'、'.join(matrix[s])}:{f}")
    e = matrix[s][f]
    return e, [f"水:受纳水体 {f} × 敏感目标 {s} → {e}(矩阵:{parts_source or REMEMBERED_PARTS})"]


def grade_medium(medium: str, substances, m, e, *, matrix=MATRIX, q_bands=Q_BANDS, m_bands=M_BANDS,
                 m_items=M_ITEMS, e_air_thresholds=E_AIR, e_water_matrix=E_WATER, process_points=PROCESS_POINTS,
                 process_cap=PROCESS_CAP, parts_source: str = "") -> MediumResult:
    """m: the finished score or MParts; e: the finished class or AirReceptors / WaterReceptors."""
    if medium not in MEDIA:
        raise ValueError(f"环境要素应为 air 或 water:{medium}")
    name = MEDIA[medium]
    q, steps = q_value(substances)
    qc = q_class(q, q_bands)
    steps = [f"{name}:{s}" for s in steps] + [f"{name}:Q = {q:.4g} → {qc}"]
    # the parts are checked even when Q < 1 (a wrong score is refused, not silently ignored)
    parts_steps = []
    if isinstance(m, MParts):
        m, m_steps = m_score(medium, m, m_items=m_items, process_points=process_points, process_cap=process_cap,
                             parts_source=parts_source)
        parts_steps += m_steps
    if isinstance(e, AirReceptors):
        if medium != "air":
            raise ValueError(f"{name}:人口数用于大气环境敏感程度")
        e, e_steps = e_air(e, e_air_thresholds, parts_source=parts_source)
        parts_steps += e_steps
    elif isinstance(e, WaterReceptors):
        if medium != "water":
            raise ValueError(f"{name}:F、S 分级用于水环境敏感程度")
        e, e_steps = e_water(e, e_water_matrix, parts_source=parts_source)
        parts_steps += e_steps
    if qc == "Q0":
        steps.append(f"{name}:Q < 1,直接评为一般环境风险")
        return MediumResult(medium, q, qc, None, None, "一般", steps)
    steps += parts_steps
    if e not in matrix:
        raise ValueError(f"环境敏感程度应为 E1、E2 或 E3:{e}")
    mc = m_class(float(m), m_bands)
    level = matrix[e][mc][int(qc[1]) - 1]
    steps += [f"{name}:M = {float(m):g} → {mc}", f"{name}:{e} × {mc} × {qc} → {level}"]
    return MediumResult(medium, q, qc, mc, e, level, steps)


def grade(air: tuple, water: tuple, **tables) -> Result:
    """air, water: (substances, M score or MParts, E class or AirReceptors / WaterReceptors) each. The enterprise level is the higher of the two."""
    a = grade_medium("air", *air, **tables)
    w = grade_medium("water", *water, **tables)
    level = max(a.level, w.level, key=LEVELS.index)
    return Result(level, a, w)
