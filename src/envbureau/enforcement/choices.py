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
    HALF = "half", _("半年度")
    YEAR = "year", _("年度")


# How many periods of each kind a year holds: a plan's ratio per period × this = the times a year a class is covered.
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "half": 2, "year": 1}


class PostingKind(models.TextChoices):
    AREA = "area", _("在属地任职")
    EMPLOYER = "employer", _("曾受雇于企业")


class CommitmentSource(models.TextChoices):
    STAFF = "staff", _("工作人员保管种子")
    PLATFORM = "platform", _("平台生成并保管种子")


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


# Checks from clues, complaints and cases do not count toward the yearly cap (the Shaanxi and Zhejiang lists under
# 国办发〔2024〕54号 [1S]).
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
    ("repair_apply", _("申请信用修复")),  # an enterprise files for its own ratings (built-in enterprise role)
]


class CaseState(models.TextChoices):
    FILED = "filed", _("已立案")
    INVESTIGATING = "investigating", _("调查取证")
    REVIEWING = "reviewing", _("案审")
    NOTIFIED = "notified", _("已告知")
    DECIDED = "decided", _("已决定")
    SERVED = "served", _("已送达")
    EXECUTED = "executed", _("已执行")
    CLOSED = "closed", _("已结案")


CASE_COLOURS = {"filed": "secondary", "investigating": "info", "reviewing": "primary", "notified": "warning",
                "decided": "primary", "served": "info", "executed": "success", "closed": "dark"}


class Outcome(models.TextChoices):
    PUNISH = "punish", _("给予处罚")
    LIGHTER = "lighter", _("从轻处罚")
    REDUCED = "reduced", _("减轻处罚")
    FIRST_NO_PENALTY = "first_no_penalty", _("首违不罚")
    MINOR_NO_PENALTY = "minor_no_penalty", _("轻微不罚")
    NOT_ESTABLISHED = "not_established", _("违法事实不成立")


NO_PENALTY = {Outcome.FIRST_NO_PENALTY, Outcome.MINOR_NO_PENALTY, Outcome.NOT_ESTABLISHED}
PENALTY = {Outcome.PUNISH, Outcome.LIGHTER, Outcome.REDUCED}
# Outcomes that spare the party money the law would otherwise take: no fine although the violation stands
# (spared: the article's minimum), or a fine reduced below the minimum (spared: minimum − fine).
SPARED = {Outcome.FIRST_NO_PENALTY, Outcome.MINOR_NO_PENALTY, Outcome.REDUCED}


class PartyType(models.TextChoices):
    ORG = "org", _("法人或其他组织")
    PERSON = "person", _("公民")


class TransferKind(models.TextChoices):
    DETENTION = "detention", _("移送公安(行政拘留)")
    CRIME = "crime", _("移送公安(涉嫌犯罪)")


class ClueSource(models.TextChoices):
    """Where a clue that may become a case came from (生态环境行政处罚办法 art. 18: the step before 立案)."""
    INSPECTION = "inspection", _("执法检查发现")
    COMPLAINT = "complaint", _("信访投诉")
    ALARM = "alarm", _("在线监控报警")
    REFERRAL = "referral", _("移交、转办")
    OTHER = "other", _("其他")


class ClueState(models.TextChoices):
    PENDING = "pending", _("待决定是否立案")
    FILED = "filed", _("已立案")
    NOT_FILED = "not_filed", _("不予立案")


CLUE_COLOURS = {"pending": "warning", "filed": "success", "not_filed": "secondary"}


class TransferState(models.TextChoices):
    APPROVED = "approved", _("已批准移送")  # the transfer decision: the files are due at the police
    SENT = "sent", _("已移送")  # files handed over: waiting for the police's answer
    CONCLUDED = "concluded", _("已办结")  # the police's answer recorded


TRANSFER_COLOURS = {"approved": "danger", "sent": "warning", "concluded": "dark"}


class TransferOutcome(models.TextChoices):
    """What the police answered (移送行政拘留暂行办法 arts. 13–15; 国务院令第310号 art. 8)."""
    DETAINED = "detained", _("决定行政拘留")
    NOT_DETAINED = "not_detained", _("决定不予行政拘留")
    PROSECUTED = "prosecuted", _("立案侦查")
    NOT_PROSECUTED = "not_prosecuted", _("不予立案")
    RETURNED = "returned", _("不予受理,退回案卷")


class Grade(models.TextChoices):
    GREEN = "green", _("环保诚信企业(绿牌)")
    BLUE = "blue", _("环保良好企业(蓝牌)")
    YELLOW = "yellow", _("环保警示企业(黄牌)")
    RED = "red", _("环保不良企业(红牌)")


GRADE_ORDER = ["red", "yellow", "blue", "green"]  # repair moves one step to the right
GRADE_COLOURS = {"green": "success", "blue": "primary", "yellow": "warning", "red": "danger"}


class MeasureKind(models.TextChoices):
    """Orders and coercive measures beside a case (MEP Orders No. 28–30 of 2014) and the daily penalty."""

    CORRECTION = "correction", _("责令改正")
    SEIZURE = "seizure", _("查封、扣押")
    LIMIT = "limit", _("限制生产")
    STOP = "stop", _("停产整治")
    DAILY = "daily", _("按日连续处罚")


class MeasureState(models.TextChoices):
    PENDING = "pending", _("待补办批准")  # 查封扣押 taken on the spot in an emergency (Order No. 29 art. 13)
    DECIDED = "decided", _("已决定")
    IN_FORCE = "in_force", _("执行中")
    ENDED = "ended", _("已结束")


class SeizureDisposal(models.TextChoices):
    """What is done with seized or sealed facilities within the term besides releasing them (行政强制法 art. 27;
    Order No. 29 art. 22)."""

    TRANSFER = "transfer", _("移送公安机关(涉嫌环境污染犯罪)")
    CONFISCATE = "confiscate", _("依法没收")
    DESTROY = "destroy", _("依法销毁")


MEASURE_COLOURS = {"pending": "danger", "decided": "secondary", "in_force": "warning", "ended": "dark"}


class RecheckResult(models.TextChoices):
    CORRECTED = "corrected", _("已改正")
    CONTINUING = "continuing", _("违法行为仍在继续")
    OBSTRUCTED = "obstructed", _("拒绝、阻挠复查")


REFUSED = {RecheckResult.CONTINUING, RecheckResult.OBSTRUCTED}  # 拒不改正 (Order No. 28 art. 13)


class RepairState(models.TextChoices):
    APPLIED = "applied", _("已申请")
    PUBLICITY = "publicity", _("准予修复,公示中")
    APPROVED = "approved", _("修复生效")
    REFUSED = "refused", _("不予修复")
    OBJECTED = "objected", _("公示异议成立,终止修复")


REPAIR_COLOURS = {"applied": "warning", "publicity": "info", "approved": "success", "refused": "secondary",
                  "objected": "danger"}


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("现场照片")
    SIGN_INSPECTOR = "sign_inspector", _("执法人员签名")
    SIGN_PARTY = "sign_party", _("当事人签名")
    MONITORING = "monitoring", _("在线监控数据")  # alarms and hourly values frozen when captured (off-site check)
