"""Rewards and escalation in a ranking notice (奖惩措施, section 三 of a ranking notice; local rules), as data.

A rule names a side (the best or the worst N by the status ranking, ties included so the list grows with
them), a count and a measure. For the worst N, a unit's count is how many periods running it has been in
the worst N up to this one (`consecutive`) or how many periods of this year (`cumulative`); the strongest
rule that holds is its measure (预警提醒 → 通报批评 → 约谈…, as in Fangcheng's, Anyang's and Jining's rules). The
bureau's own rules replace the default in settings.ENVBUREAU["RANKING_MEASURES"]:
    [{"side": "best", "n": 3, "measure": "通报表扬"},
     {"side": "worst", "n": 3, "consecutive": 1, "measure": "预警提醒"},
     {"side": "worst", "n": 3, "consecutive": 2, "measure": "通报批评"},
     {"side": "worst", "n": 3, "cumulative": 3, "measure": "约谈政府主要负责同志"}]
Rules later in the list are stronger."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

DEFAULT_RULES = (
    {"side": "best", "n": 3, "measure": "通报表扬"},
    {"side": "worst", "n": 3, "consecutive": 1, "measure": "预警提醒"},
    {"side": "worst", "n": 3, "consecutive": 2, "measure": "通报批评"},
    {"side": "worst", "n": 3, "cumulative": 3, "measure": "约谈政府主要负责同志"},
    {"side": "worst", "n": 3, "cumulative": 4, "measure": "约谈党委主要负责同志"},
)


@dataclass(frozen=True)
class Rule:
    side: str            # "best" | "worst"
    n: int               # the best/worst N (by rank, so ties widen the list)
    measure: str
    consecutive: int = 0  # periods running in the worst N, this one included
    cumulative: int = 0   # periods of this year in the worst N, this one included


def rules() -> list[Rule]:
    raw = settings.ENVBUREAU.get("RANKING_MEASURES")
    out = []
    for r in raw if raw is not None else DEFAULT_RULES:
        if r.get("side") not in ("best", "worst") or int(r.get("n", 0)) < 1 or not r.get("measure"):
            raise ValueError(f"RANKING_MEASURES: a rule needs side best|worst, n ≥ 1 and a measure: {r}")
        out.append(Rule(r["side"], int(r["n"]), str(r["measure"]), int(r.get("consecutive", 0)),
                        int(r.get("cumulative", 0))))
    return out


def in_side(values: dict, side: str, n: int) -> set:
    """Units among the best/worst n by value (lower is better), ties sharing a place: a unit is in the
    worst n when fewer than n units are strictly worse than it."""
    vals = {u: v for u, v in values.items() if v is not None}
    if side == "best":
        return {u for u, v in vals.items() if sum(1 for w in vals.values() if w < v) < n}
    return {u for u, v in vals.items() if sum(1 for w in vals.values() if w > v) < n}


def counts(history: list[set], unit) -> tuple[int, int]:
    """(periods running, periods in total) that `unit` is in the sets of `history` (oldest first, the
    current period last; the cumulative count runs over the whole history given)."""
    running = 0
    for s in reversed(history):
        if unit not in s:
            break
        running += 1
    return running, sum(1 for s in history if unit in s)


def _n(n: int, values: dict) -> int:
    """At most half the ranked units on a side, so no unit is both among the best and the worst."""
    return min(n, sum(1 for v in values.values() if v is not None) // 2)


def decide(current: dict, history: list[dict], rule_list: list[Rule]) -> dict:
    """{unit: (measure, running, total)} for this period. `current` and each of `history` (the year's
    earlier periods, oldest first) map unit → composite index."""
    out: dict = {}
    for rule in rule_list:
        now = in_side(current, rule.side, _n(rule.n, current))
        if rule.side == "best":
            for u in now:
                out[u] = (rule.measure, 1, 1)
            continue
        seq = [in_side(h, "worst", _n(rule.n, h)) for h in history] + [now]
        for u in now:
            running, total = counts(seq, u)
            if running >= rule.consecutive and total >= rule.cumulative:
                out[u] = (rule.measure, running, total)  # a later (stronger) rule overrides
    return out
