"""Vocabularies of the problem ledger. The transition table is the workflow in workflows.py (core.workflow);
`choices.TRANSITIONS` still names it. Sign-off (验收) steps additionally name a role and a jurisdiction level
in the configurable SignOffChain (models.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    CENTRAL_OVERSIGHT = "central_oversight", _("中央生态环境保护督察")
    PROVINCIAL_OVERSIGHT = "provincial_oversight", _("省级生态环境保护督察")
    OVERSIGHT_FOLLOWUP = "oversight_followup", _("督察“回头看”")
    HIGHER_ASSIGNMENT = "higher_assignment", _("上级交办")
    CAMPAIGN = "campaign", _("专项行动")
    PATROL = "patrol", _("日常巡查")
    INSPECTION = "inspection", _("执法检查发现")
    ALARM = "alarm", _("在线监控/质量预警")
    COMPLAINT = "complaint", _("信访投诉")
    OTHER = "other", _("其他")


class Category(models.TextChoices):
    AIR = "air", _("大气")
    WATER = "water", _("水")
    SOIL = "soil", _("土壤")
    SOLID_WASTE = "solid_waste", _("固体废物")
    NOISE = "noise", _("噪声")
    ECOLOGY = "ecology", _("生态")
    RADIATION = "radiation", _("辐射")
    OTHER = "other", _("其他")


class State(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ASSIGNED = "assigned", _("已交办")
    IN_RECTIFICATION = "in_rectification", _("整改中")
    CLOSURE_REQUESTED = "closure_requested", _("申请销号(验收中)")
    RETURNED = "returned", _("退回整改")
    VERIFIED = "verified", _("已验收")
    CLOSED_OUT = "closed_out", _("已销号")
    NOTICED = "noticed", _("已公示")


STATE_COLOURS = {
    State.REGISTERED: "secondary", State.ASSIGNED: "info", State.IN_RECTIFICATION: "primary",
    State.CLOSURE_REQUESTED: "warning", State.RETURNED: "danger", State.VERIFIED: "light",
    State.CLOSED_OUT: "success", State.NOTICED: "dark",
}

# Not yet rectified and accepted: these can be overdue and count as "in progress".
OPEN_STATES = (State.REGISTERED, State.ASSIGNED, State.IN_RECTIFICATION, State.CLOSURE_REQUESTED, State.RETURNED)
# Rectification accepted (完成整改) — counts as done for 时间过半任务过半.
DONE_STATES = (State.VERIFIED, State.CLOSED_OUT, State.NOTICED)
# 销号: what closure rates count.
CLOSED_STATES = (State.CLOSED_OUT, State.NOTICED)


class Verb(models.TextChoices):
    REGISTER = "register", _("登记")
    ASSIGN = "assign", _("交办")
    START = "start", _("签收整改")
    PROGRESS = "progress", _("填报整改进展")
    REQUEST_CLOSE = "request_close", _("申请销号")
    SIGN_OFF = "sign_off", _("验收签署")
    RETURN = "return", _("退回整改")
    CLOSE_OUT = "close_out", _("销号")
    NOTICE = "notice", _("公示")
    REOPEN = "reopen", _("重新打开(问题反弹)")
    EDIT = "edit", _("修改信息")
    OVERDUE = "overdue", _("逾期标记")
    REMIND = "remind", _("临期提醒")


def __getattr__(name):
    # The transition table is the workflow declared in workflows.py ({verb: core.workflow.Transition}).
    if name == "TRANSITIONS":
        from .workflows import TRANSITIONS

        return TRANSITIONS
    raise AttributeError(name)


# Module permissions registered in apps.py (view/add/change/delete come with every module).
PERMISSION_ACTIONS = {
    "assign": _("交办"),
    "rectify": _("整改填报"),
    "request_close": _("申请销号"),
    "verify": _("验收/复核"),
    "close_out": _("销号"),
    "notice": _("公示"),
    "reopen": _("重新打开"),
}


class NotificationKind(models.TextChoices):
    NEAR_DEADLINE = "near_deadline", _("临近整改时限")
    OVERDUE = "overdue", _("已超整改时限")
    ASSIGNED = "assigned", _("新交办问题")
    RETURNED = "returned", _("退回整改")
    SIGN_OFF = "sign_off", _("待验收")


# 完成情况 words of published task lists (Luzhou, Hubei, Luliang and Nanning lists).
PROGRESS_WORDS = {
    "done": _("已完成"),
    "basically_done": _("基本完成"),
    "on_schedule": _("序时推进"),
    "behind": _("滞后"),
    "long_term": _("需长期坚持"),
}
