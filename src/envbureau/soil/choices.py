"""Vocabularies of the soil module; the transitions live in workflows.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlotState(models.TextChoices):
    """The construction-land lifecycle (土壤污染防治法 arts. 59–67; 污染地块土壤环境管理办法, Order No. 42; states S0–S6 ours)."""

    SUSPECTED = "suspected", _("疑似污染地块")
    CLEAN = "clean", _("调查未超筛选值")
    RISK = "risk", _("风险评估")
    LISTED = "listed", _("名录内管控修复")
    EFFECT = "effect", _("效果评估")
    REMOVED = "removed", _("已移出名录")


PLOT_COLOURS = {"suspected": "secondary", "clean": "success", "risk": "warning", "listed": "danger",
                "effect": "info", "removed": "success"}


class PlannedUse(models.TextChoices):
    RESIDENTIAL = "residential", _("居住用地")
    PUBLIC = "public", _("公共管理与公共服务用地")
    PARK = "park", _("社区公园或儿童公园")
    INDUSTRIAL = "industrial", _("工业用地")
    LOGISTICS = "logistics", _("物流仓储用地")
    COMMERCIAL = "commercial", _("商业服务业设施用地")
    OTHER = "other", _("其他")


# GB 36600 第一类用地: residential, schools/hospitals/social welfare (public services), community and children's parks.
FIRST_CLASS_USES = {PlannedUse.RESIDENTIAL, PlannedUse.PUBLIC, PlannedUse.PARK}


class ReviewKind(models.TextChoices):
    SURVEY = "survey", _("调查报告")
    RISK = "risk", _("风险评估报告")
    PLAN = "plan", _("管控/修复方案")
    EFFECT = "effect", _("效果评估报告")


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")


class DutyKind(models.TextChoices):
    SELF_MONITORING = "self_monitoring", _("自行监测报告")
    HIDDEN_DANGER = "hidden_danger", _("隐患排查")
    DEMOLITION = "demolition", _("拆除活动污染防治方案备案")


class DutyState(models.TextChoices):
    DUE = "due", _("待完成")
    DONE = "done", _("已完成")


class PollutionLevel(models.TextChoices):
    SLIGHT = "slight", _("轻微污染")
    MODERATE = "moderate", _("轻度和中度污染")
    HEAVY = "heavy", _("重度污染")


class FarmlandLand(models.TextChoices):
    """GB 15618-2018 table 1 columns; 水旱轮作地 takes the stricter screening value (note b)."""

    PADDY = "paddy", _("水田")
    ORCHARD = "orchard", _("果园")
    OTHER = "other", _("其他农用地")
    ROTATION = "rotation", _("水旱轮作地")


# GB 15618-2018 items (codes of envbureau.standards.soil) and the sample's field holding each, in table order.
FARMLAND_ITEM_FIELDS = (("cd", "cadmium"), ("hg", "mercury"), ("as", "arsenic"), ("pb", "lead"),
                        ("cr", "chromium"), ("cu", "copper"), ("ni", "nickel"), ("zn", "zinc"),
                        ("bhc", "bhc"), ("ddt", "ddt"), ("bap", "bap"))

# The standards library's words (pure Python, no gettext) as the UI shows them in either language.
FARMLAND_ITEM_NAMES = {"cd": _("镉"), "hg": _("汞"), "as": _("砷"), "pb": _("铅"), "cr": _("铬"), "cu": _("铜"),
                       "ni": _("镍"), "zn": _("锌"), "bhc": _("六六六总量"), "ddt": _("滴滴涕总量"), "bap": _("苯并[a]芘")}
FARMLAND_LEVELS = {"negligible": _("不超过筛选值"), "between": _("超过筛选值、不超过管制值"),
                   "above_intervention": _("超过管制值"), "above_screening": _("超过筛选值(该项无管制值)")}
FARMLAND_CATEGORIES = {"priority": _("优先保护类"), "safe_use": _("安全利用类"), "strict": _("严格管控类")}


PERMISSION_ACTIONS = [("review", _("报告评审")), ("manage", _("地块管控监管")), ("report", _("履行监管义务"))]
