"""HJ 941-2018 企业突发环境事件风险分级方法: an enterprise's environmental risk level, with the working.

Pure Python (no Django). Graded separately for air and for water; the enterprise takes the higher.

- Q = Σ qᵢ / Qᵢ over the risk substances on site (quantity ÷ its critical quantity in Annex A), per medium.
  Q < 1 → "Q0": the medium is 一般 directly; 1 ≤ Q < 10 → Q1; 10 ≤ Q < 100 → Q2; Q ≥ 100 → Q3.
- M = the process and risk-control score (0–100): M < 25 → M1; 25 ≤ M < 45 → M2; 45 ≤ M < 60 → M3; ≥ 60 → M4.
- E = the sensitivity of the receptors, E1 (most sensitive) … E3, assessed per medium from the method's tables.
- The level of a medium is read from the matrix E × M × Q below.

Confidence (../shared/standards/regulations.md §7.2): the formula for Q and the three levels [2S]; the Q bands
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
  so M is a sum of capped parts; here M is taken as the finished score (0–100), not recomputed from its parts;
- a filing record in a public app (较大 [较大-大气(Q2-M2-E3) 较大-水]) in the label format used here, and for that
  cell E3 × M2 × Q2 this matrix also gives 较大.
Neither gives the Q band edges, the E1–E3 criteria or the other 35 cells: those remain from memory.
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


@dataclass(frozen=True)
class Substance:
    name: str
    quantity_t: float  # the largest quantity on site at any time, tonnes
    critical_t: float  # its critical quantity (Annex A), tonnes


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


def grade_medium(medium: str, substances, m: float, e: str, *, matrix=MATRIX, q_bands=Q_BANDS,
                 m_bands=M_BANDS) -> MediumResult:
    if medium not in MEDIA:
        raise ValueError(f"环境要素应为 air 或 water:{medium}")
    name = MEDIA[medium]
    q, steps = q_value(substances)
    qc = q_class(q, q_bands)
    steps = [f"{name}:{s}" for s in steps] + [f"{name}:Q = {q:.4g} → {qc}"]
    if qc == "Q0":
        steps.append(f"{name}:Q < 1,直接评为一般环境风险")
        return MediumResult(medium, q, qc, None, None, "一般", steps)
    if e not in matrix:
        raise ValueError(f"环境敏感程度应为 E1、E2 或 E3:{e}")
    mc = m_class(float(m), m_bands)
    level = matrix[e][mc][int(qc[1]) - 1]
    steps += [f"{name}:M = {float(m):g} → {mc}", f"{name}:{e} × {mc} × {qc} → {level}"]
    return MediumResult(medium, q, qc, mc, e, level, steps)


def grade(air: tuple, water: tuple, **tables) -> Result:
    """air, water: (substances, M score, E class) each. The enterprise level is the higher of the two."""
    a = grade_medium("air", *air, **tables)
    w = grade_medium("water", *water, **tables)
    level = max(a.level, w.level, key=LEVELS.index)
    return Result(level, a, w)
