"""Vocabularies of enforcement (labels and colours); the allowed transitions live in workflows.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SupervisionClass(models.TextChoices):
    KEY = "key", _("重点监管对象")
    GENERAL = "general", _("一般监管对象")
    SPECIAL = "special", _("特殊监管对象")


CLASS_INDEX = {SupervisionClass.KEY: 0, SupervisionClass.GENERAL: 1, SupervisionClass.SPECIAL: 2}


class ItemClass(models.TextChoices):
    GENERAL = "general", _("一般检查事项")
    KEY = "key", _("重点检查事项")


class Method(models.TextChoices):
    ONSITE = "onsite", _("现场检查")
    OFFSITE = "offsite", _("非现场检查")


class Period(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    YEAR = "year", _("年度")


class DrawStatus(models.TextChoices):
    DONE = "done", _("已抽取")
    PUBLISHED = "published", _("已公开")


class InspectionSource(models.TextChoices):
    DRAW = "draw", _("双随机抽查")
    COMPLAINT = "complaint", _("信访投诉")
    ALARM = "alarm", _("在线监控报警")
    CAMPAIGN = "campaign", _("专项行动")
    SPECIAL = "special", _("专项检查")
    CASE = "case", _("案件调查")
    OTHER = "other", _("其他")


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    SPECIAL = "special", _("专项检查")
    CASE = "case", _("个案检查")


# Checks from clues, complaints and cases do not count toward the yearly cap (regulations.md §1.7).
COUNTS_TOWARD_CAP = {InspectionKind.ROUTINE, InspectionKind.SPECIAL}


class InspectionState(models.TextChoices):
    PLANNED = "planned", _("待检查")
    RECORDED = "recorded", _("已检查")
    PUBLISHED = "published", pgettext_lazy("state", "已公开")
    CANCELLED = "cancelled", _("已取消")


INSPECTION_COLOURS = {"planned": "secondary", "recorded": "primary", "published": "success", "cancelled": "dark"}


class InspectionResult(models.TextChoices):
    NO_PROBLEM = "no_problem", _("未发现问题")
    CORRECTED = "corrected", _("发现问题已责令改正")
    CASE = "case", _("立案查处")


class CheckResult(models.TextChoices):
    OK = "ok", _("符合")
    PROBLEM = "problem", _("发现问题")
    NA = "na", _("不适用")


PERMISSION_ACTIONS = [
    ("draw", _("双随机抽取")),
    ("inspect", _("执法检查")),
    ("publish", _("公开结果")),
    ("case", _("案件办理")),
    ("review", _("案件审查")),
    ("decide", _("处罚决定")),
    ("rate", _("信用评价")),
]
