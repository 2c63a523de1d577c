"""Vocabularies of the complaints app. The allowed transitions are the workflow in workflows.py
(core.workflow); `choices.TRANSITIONS` gives them as {action: (from-states, to-state, permission action)}.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12369热线")
    WECHAT = "wechat", _("12369微信")
    WEB = "web", _("网上举报")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    OVERSIGHT = "oversight", _("督察转办")
    PLATFORM = "platform", _("网络平台转办(12345等)")


class Track(models.TextChoices):
    # 信访工作条例 art. 31: a request to investigate a violation is handled as an enforcement matter;
    # the rest are petitions proper; matters for litigation/review are redirected.
    CLUE = "clue", _("举报线索(执法查处)")
    PETITION = "petition", _("信访事项")
    REDIRECTED = "redirected", _("导入其他法定途径")


class Category(models.TextChoices):
    AIR = "air", _("大气")
    WATER = "water", _("水")
    NOISE = "noise", _("噪声")
    SOLID_WASTE = "solid_waste", _("固体废物")
    SOIL = "soil", _("土壤")
    RADIATION = "radiation", _("辐射")
    ECOLOGY = "ecology", _("生态")
    OTHER = "other", _("其他")


class SubCategory(models.TextChoices):
    # MEE 12369 sub-types (as MEE's 12369 reports classify them)
    ODOUR = "odour", _("恶臭/异味")
    DUST = "dust", _("烟粉尘")
    INDUSTRIAL_GAS = "industrial_gas", _("工业废气")
    CATERING_FUMES = "catering_fumes", _("餐饮油烟")
    NOISE_CONSTRUCTION = "noise_construction", _("建设施工噪声")
    NOISE_SOCIAL = "noise_social", _("社会生活噪声")
    NOISE_INDUSTRIAL = "noise_industrial", _("工业噪声")
    NOISE_TRAFFIC = "noise_traffic", _("交通运输噪声")
    INDUSTRIAL_WASTEWATER = "industrial_wastewater", _("工业废水")
    DOMESTIC_SEWAGE = "domestic_sewage", _("生活污水")
    LIVESTOCK = "livestock", _("畜禽养殖")


SUBCATEGORY_PARENT = {
    "odour": "air", "dust": "air", "industrial_gas": "air", "catering_fumes": "air",
    "noise_construction": "noise", "noise_social": "noise", "noise_industrial": "noise", "noise_traffic": "noise",
    "industrial_wastewater": "water", "domestic_sewage": "water", "livestock": "water",
}


class State(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    ASSIGNED = "assigned", _("已交办")
    INVESTIGATED = "investigated", _("已调查核实")
    REPLIED = "replied", _("已答复(办结)")
    VISITED = "visited", _("已回访")
    REVIEWING = "reviewing", _("复查/复核中")
    CLOSED = "closed", _("已归档")


STATE_COLOURS = {
    "registered": "secondary", "accepted": "info", "declined": "dark", "assigned": "primary",
    "investigated": "warning", "replied": "success", "visited": "success", "reviewing": "danger", "closed": "light",
}

# 办结: the complainant has had the result (reply given); counted in the completion rate.
COMPLETED_STATES = ("replied", "visited", "closed")
# Accepted for handling: everything except not-yet-decided and declined.
ACCEPTED_STATES = ("accepted", "assigned", "investigated", "replied", "visited", "reviewing", "closed")
OPEN_STATES = ("registered", "accepted", "assigned", "investigated", "reviewing")


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("属实")
    PARTLY = "partly", _("部分属实")
    UNSUBSTANTIATED = "unsubstantiated", _("不属实")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("联系不上")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")


class ExtensionState(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class DuplicateState(models.TextChoices):
    SUGGESTED = "suggested", _("疑似重复")
    CONFIRMED = "confirmed", _("已确认重复")
    REJECTED = "rejected", _("非重复")


class EventKind(models.TextChoices):
    REGISTER = "register", _("登记")
    ACCEPT = "accept", _("受理")
    DECLINE = "decline", _("不予受理")
    ASSIGN = "assign", _("交办")
    INVESTIGATE = "investigate", _("调查核实")
    MEASURES = "measures", _("处理措施")
    REPLY = "reply", _("答复")
    ANSWER_REPEAT = "answer_repeat", _("重复件按原结果答复")
    VISIT = "visit", _("回访")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("批准延期")
    REFUSE_EXTENSION = "refuse_extension", _("不批准延期")
    REQUEST_REVIEW = "request_review", _("申请复查/复核")
    ANSWER_REVIEW = "answer_review", _("复查/复核答复")
    CLOSE = "close", _("归档")
    DUPLICATE = "duplicate", _("重复件关联")
    PROBLEM = "problem", _("转问题台账")
    FOLLOW_UP = "follow_up", _("网格巡查跟进")
    INSPECTION = "inspection", _("执法检查")  # a check another module started from the complaint
    CASE = "case", _("立案查处")  # a penalty case filed from it
    NOTE = "note", _("备注")


def __getattr__(name):
    # The transitions are the workflow declared in workflows.py; TRANSITIONS keeps its old shape
    # {action: (allowed from-states, resulting state or None = unchanged, permission action)}.
    if name == "TRANSITIONS":
        from .workflows import TRANSITIONS

        return TRANSITIONS
    raise AttributeError(name)


def allowed_actions(state: str) -> list[str]:
    from .workflows import TRANSITIONS

    return [a for a, (src, _to, _p) in TRANSITIONS.items() if state in src]
