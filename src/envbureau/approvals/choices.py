"""Vocabularies of approvals (labels and colours); the allowed transitions live in workflows.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EIACategory(models.TextChoices):
    REPORT = "report", _("环境影响报告书")
    FORM = "form", _("环境影响报告表")
    REGISTRATION = "registration", _("环境影响登记表")


class EIAState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    CORRECTION = "correction", _("待补正")
    ACCEPTED = "accepted", _("已受理(受理公示)")
    REVIEWING = "reviewing", _("技术评估中")
    REVIEWED = "reviewed", _("技术评估完成")
    PROPOSED = "proposed", _("拟批准公示")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")
    FILED = "filed", _("已备案")
    WITHDRAWN = "withdrawn", _("已撤回")
    COMPLETED = "completed", _("已竣工验收")


EIA_COLOURS = {"submitted": "primary", "correction": "warning", "accepted": "info", "reviewing": "info",
               "reviewed": "info", "proposed": "info", "approved": "success", "refused": "danger",
               "filed": "success", "withdrawn": "secondary", "completed": "dark"}
EIA_OPEN = ("submitted", "correction", "accepted", "reviewing", "reviewed", "proposed")


class PermitCategory(models.TextChoices):
    KEY = "key", _("重点管理")
    SIMPLIFIED = "simplified", _("简化管理")
    REGISTRATION = "registration", _("登记管理")


class PermitState(models.TextChoices):
    VALID = "valid", _("有效")
    RENEWING = "renewing", _("延续申请中")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已过期")


PERMIT_COLOURS = {"valid": "success", "renewing": "warning", "revoked": "danger", "expired": "secondary"}


class ReportFrequency(models.TextChoices):
    MONTHLY = "monthly", _("月报、季报、年报")
    QUARTERLY = "quarterly", _("季报、年报")
    ANNUAL = "annual", _("年报")


class ReportKind(models.TextChoices):
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")
    YEAR = "year", _("年报")


class ReportState(models.TextChoices):
    DUE = "due", _("待提交")
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已审核")


REPORT_COLOURS = {"due": "warning", "submitted": "primary", "accepted": "success"}


class LimitPeriod(models.TextChoices):
    HOUR = "hour", _("小时均值")
    DAY = "day", _("日均值")


PERMISSION_ACTIONS = [
    ("apply", _("企业申请与补正")),
    ("accept", _("受理审查")),
    ("review", _("技术评估")),
    ("decide", _("审批决定")),
    ("permit", _("排污许可管理")),
    ("report", _("提交执行报告")),
    ("emergency", _("环境应急管理")),
]


class PlanState(models.TextChoices):
    SUBMITTED = "submitted", _("待备案")
    RETURNED = "returned", _("退回修改")
    FILED = "filed", _("已备案")
    SUPERSEDED = "superseded", _("已修订替代")


PLAN_COLOURS = {"submitted": "primary", "returned": "warning", "filed": "success", "superseded": "secondary"}


class RiskLevel(models.TextChoices):
    GENERAL = "一般", _("一般环境风险")
    LARGER = "较大", _("较大环境风险")
    MAJOR = "重大", _("重大环境风险")


class IncidentState(models.TextChoices):
    REPORTED = "reported", _("已报告")
    RESPONDING = "responding", _("应急处置中")
    CLOSED = "closed", _("已结案")


INCIDENT_COLOURS = {"reported": "danger", "responding": "warning", "closed": "secondary"}


class IncidentLevel(models.TextChoices):
    # the grade of an incident (national plan), not the enterprise's risk level (HJ 941-2018)
    GENERAL = "IV", _("一般(Ⅳ级)")
    LARGER = "III", _("较大(Ⅲ级)")
    MAJOR = "II", _("重大(Ⅱ级)")
    SPECIAL = "I", _("特别重大(Ⅰ级)")


class DutyRole(models.TextChoices):
    LEADER = "leader", _("带班领导")
    OFFICER = "officer", _("值班员")


class PreReviewOrigin(models.TextChoices):
    INVESTMENT = "investment", _("招商引资项目")
    INTERNAL = "internal", _("工业内生项目")


class PreReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("待预审")
    CONCLUDED = "concluded", _("已出具预审意见")
    WITHDRAWN = "withdrawn", _("已撤回")


PREREVIEW_COLOURS = {"submitted": "primary", "concluded": "success", "withdrawn": "secondary"}


class PreReviewConclusion(models.TextChoices):
    AGREE = "agree", _("同意")
    CONDITIONAL = "conditional", _("有条件同意")
    DISAGREE = "disagree", _("不同意")


class ZoningCategory(models.TextChoices):
    # 三线一单 生态环境管控单元 (ecological-environment zoning units)
    PRIORITY = "priority", _("优先保护单元")
    KEY = "key", _("重点管控单元")
    GENERAL = "general", _("一般管控单元")
