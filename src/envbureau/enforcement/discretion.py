"""自由裁量基准: turn factor levels into a fine and the reasons that go into the decision (2023 Measures).

Methods are configuration (config.DISCRETION_METHODS, overridable in settings.ENVBUREAU["ENFORCEMENT"]
["discretion_methods"]); the default is the weight-sum model of Guangdong's rule art. 6:
    fine = min(100 %, w_start + Σ w_factor[level]) × statutory maximum,
floored at the statutory minimum unless the outcome is 减轻 (reduction below the range). Factors not
established are scored at the lowest level (art. 5). Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_METHOD = "gd-weight-sum"

# Weights per level 1–5. Our numbers: the province's Annex 1 tables were not transcribed (广东省生态环境行政处罚自由裁量权规定, Annex 1);
# a bureau loads its own table through settings.
METHODS = {
    "gd-weight-sum": {
        "name": "权重累加法(广东省生态环境行政处罚自由裁量权规定第六条模式)",
        "start": "0.10",
        "factors": [
            {"key": "harm", "label": "环境污染、生态破坏程度及社会影响", "weights": ["0", "0.05", "0.10", "0.15", "0.20"]},
            {"key": "fault", "label": "违法行为人主观过错程度", "weights": ["0", "0.03", "0.06", "0.09", "0.12"]},
            {"key": "means", "label": "违法行为的具体方式或者手段", "weights": ["0", "0.03", "0.06", "0.09", "0.12"]},
            {"key": "object", "label": "违法行为危害的具体对象", "weights": ["0", "0.03", "0.06", "0.09", "0.12"]},
            {"key": "repeat", "label": "同类违法行为次数(初次或再次)", "weights": ["0", "0.04", "0.08", "0.12", "0.16"]},
            {"key": "attitude", "label": "改正态度及改正措施效果", "weights": ["0", "0.02", "0.04", "0.06", "0.08"]},
            {"key": "duration", "label": "违法行为持续时间", "weights": ["0", "0.025", "0.05", "0.075", "0.10"]},
        ],
    },
}


class DiscretionError(ValueError):
    pass


@dataclass
class Calculation:
    method: str
    amount: Decimal
    levels: dict
    steps: list  # lines explaining how the amount was reached

    @property
    def text(self) -> str:
        return "\n".join(self.steps)


def _yuan(x: Decimal) -> str:
    return f"{x.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def compute(levels: dict, fine_min, fine_max, *, method: str = DEFAULT_METHOD, methods: dict | None = None,
            reduced: bool = False) -> Calculation:
    """`levels` {factor key: 1..5}; missing factors count as level 1. Raises DiscretionError on a bad level,
    an unknown method or an article without a maximum fine."""
    table = (methods or METHODS).get(method)
    if table is None:
        raise DiscretionError(f"未知的裁量方法:{method}")
    if fine_max in (None, ""):
        raise DiscretionError("所引条款未规定罚款上限,不能按权重累加法计算")
    fmax = Decimal(str(fine_max))
    fmin = Decimal(str(fine_min or 0))
    known = {f["key"] for f in table["factors"]}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise DiscretionError(f"未知的裁量因素:{'、'.join(unknown)}")
    total = Decimal(table["start"])
    steps = [f"裁量方法:{table['name']}", f"起始权重 {Decimal(table['start']) * 100:.1f}%"]
    used = {}
    for f in table["factors"]:
        lv = levels.get(f["key"], 1)
        try:
            lv = int(lv)
        except (TypeError, ValueError):
            raise DiscretionError(f"“{f['label']}”的等级须为1–5") from None
        if not 1 <= lv <= len(f["weights"]):
            raise DiscretionError(f"“{f['label']}”的等级须为1–{len(f['weights'])},收到 {lv}")
        w = Decimal(f["weights"][lv - 1])
        used[f["key"]] = lv
        total += w
        steps.append(f"{f['label']}:第{lv}级,权重 +{w * 100:.1f}%")
    share = min(Decimal(1), total)
    amount = (share * fmax).quantize(Decimal("0.01"), ROUND_HALF_UP)
    steps.append(f"合计权重 {share * 100:.1f}% × 法定罚款上限 {_yuan(fmax)} 元 = {_yuan(amount)} 元")
    if amount < fmin and not reduced:
        steps.append(f"低于法定罚款下限 {_yuan(fmin)} 元,按下限 {_yuan(fmin)} 元")
        amount = fmin
    return Calculation(method, amount, used, steps)


def in_range(amount, fine_min, fine_max, *, reduced: bool = False) -> str | None:
    """None when `amount` lies in [min, max] of the article (below min allowed only for 减轻); else why not."""
    a = Decimal(str(amount))
    if a < 0:
        return "罚款金额不能为负数"
    if fine_max not in (None, "") and a > Decimal(str(fine_max)):
        return f"罚款 {_yuan(a)} 元超过所引条款的上限 {_yuan(Decimal(str(fine_max)))} 元"
    if fine_min not in (None, "") and a < Decimal(str(fine_min)) and not reduced:
        return f"罚款 {_yuan(a)} 元低于所引条款的下限 {_yuan(Decimal(str(fine_min)))} 元(仅减轻处罚时可低于下限)"
    return None


def late_surcharge(fine, days_late: int, rate=Decimal("0.03")) -> Decimal:
    """加处罚款: rate × fine per day late, never more than the fine (行政处罚法 art. 72)."""
    f = Decimal(str(fine))
    if days_late <= 0:
        return Decimal("0.00")
    return min(f, (f * Decimal(str(rate)) * days_late).quantize(Decimal("0.01"), ROUND_HALF_UP))


def daily_penalty(original_fine, intervals) -> tuple[int, Decimal]:
    """按日连续处罚 (MEE Order No. 28 arts. 17–19): for each (order served, re-inspection finding the violation)
    count the days from the day after service up to and including the re-inspection day; days accumulate over
    repeated orders (the gap between a re-inspection and the next service is not counted: the conservative
    default [M]: Order No. 28 arts. 17–18 do not say). Total = original fine × days."""
    days = 0
    for served, found in intervals:
        if found <= served:
            raise DiscretionError("复查日期须晚于责令改正决定书送达日期")
        days += (found - served).days
    return days, (Decimal(str(original_fine)) * days).quantize(Decimal("0.01"))
