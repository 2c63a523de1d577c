"""Vocabularies of projects, funds and their lifecycles (labels and colours); the allowed transitions
live in workflows.py (core.workflow)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Battle(models.TextChoices):
    """The battle (攻坚战) or task area a project serves (the areas of the central 生态环保 funds and their project reserve, 2020–2021 rules [2S])."""

    AIR = "air", _("大气污染防治")
    WATER = "water", _("水污染防治")
    SOIL = "soil", _("土壤污染防治")
    RURAL = "rural", _("农村环境整治")
    ECOLOGY = "ecology", _("生态保护修复")
    CAPACITY = "capacity", _("能力建设")
    OTHER = "other", _("其他")


class ProjectState(models.TextChoices):
    PLANNED = "planned", _("计划实施")
    IN_PROGRESS = "in_progress", _("实施中")
    FINISHED = "finished", _("已完工(待验收)")
    ACCEPTED = "accepted", _("已验收")
    EVALUATED = "evaluated", _("已绩效评价")
    CANCELLED = "cancelled", _("已撤销")


PROJECT_COLOURS = {
    "planned": "secondary", "in_progress": "primary", "finished": "info", "accepted": "success",
    "evaluated": "dark", "cancelled": "light",
}
# 已开工: work has begun (in progress or later). 已完成: built (完工), whether accepted yet or not —
# "已完成建设104项" counts finished works.
STARTED_STATES = ("in_progress", "finished", "accepted", "evaluated")
FINISHED_STATES = ("finished", "accepted", "evaluated")
COUNTED_STATES = ("planned",) + STARTED_STATES  # a cancelled project leaves the plan


class FundLevel(models.TextChoices):
    CENTRAL = "central", _("中央资金")
    PROVINCIAL = "provincial", _("省级资金")
    LOCAL = "local", _("市县资金")


class FundState(models.TextChoices):
    RESERVE = "reserve", _("储备库申报")
    APPROVED = "approved", _("已入库(批准)")
    ALLOCATED = "allocated", _("已下达")
    SPENT = "spent", _("已支出完毕")
    REJECTED = "rejected", _("未入库")


FUND_COLOURS = {"reserve": "secondary", "approved": "info", "allocated": "primary", "spent": "success",
                "rejected": "light"}


class Grade(models.TextChoices):
    """Performance evaluation grades (财政支出绩效评价: 优/良/中/差; bands in config.py)."""

    EXCELLENT = "excellent", _("优")
    GOOD = "good", _("良")
    FAIR = "fair", _("中")
    POOR = "poor", _("差")


class Flag(models.TextChoices):
    GREEN = "green", _("序时推进")
    YELLOW = "yellow", _("黄牌(滞后)")
    RED = "red", _("红牌(严重滞后)")


# Module permissions registered in apps.py (view/add/change/delete come with every module).
PERMISSION_ACTIONS = {
    "report": _("填报项目进展"),
    "accept": _("项目验收"),
    "evaluate": _("绩效评价"),
    "fund": _("资金管理"),
    "patrol": _("网格巡查"),
}


class OutfallType(models.TextChoices):
    """First-level types of 入河排污口 (国办函〔2022〕17号); lower levels in config.outfall_types (HJ 1312-2023)."""

    INDUSTRIAL = "industrial", _("工业排污口")
    SEWAGE_PLANT = "sewage_plant", _("城镇污水处理厂排污口")
    AGRICULTURAL = "agricultural", _("农业排口")
    OTHER = "other", _("其他排口")


class PermitStatus(models.TextChoices):
    NONE = "none", _("未办理")
    APPROVED = "approved", _("已审批")
    REGISTERED = "registered", _("已登记")
    FILED = "filed", _("已备案")


class OutfallState(models.TextChoices):
    SUSPECTED = "suspected", _("疑似")
    CONFIRMED = "confirmed", _("已确认(命名编码)")
    MONITORED = "monitored", _("已监测")
    TRACED = "traced", _("已溯源")
    RECTIFYING = "rectifying", _("整治中")
    CLOSED_OUT = "closed_out", _("已销号")
    DISMISSED = "dismissed", _("核查排除")


OUTFALL_COLOURS = {"suspected": "secondary", "confirmed": "info", "monitored": "primary", "traced": "warning",
                   "rectifying": "danger", "closed_out": "success", "dismissed": "light"}
TRACED_STATES = ("traced", "rectifying", "closed_out")
MONITORED_STATES = ("monitored",) + TRACED_STATES
FOUND_EXCLUDED = ("dismissed",)  # ruled out by the check: not an outfall, not counted


class Outcome(models.TextChoices):
    """整治方式: 依法取缔一批、清理合并一批、规范整治一批 (国办函〔2022〕17号)."""

    BAN = "ban", _("取缔")
    MERGE = "merge", _("清理合并")
    REGULATE = "regulate", _("规范整治")


class GridState(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已撤销")


class CardColour(models.TextChoices):
    """红黄牌警示 (local practice, no national rule found; not the four credit colours of 企业环境信用评价)."""

    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class CardState(models.TextChoices):
    PROPOSED = "proposed", _("拟警示")
    ISSUED = "issued", _("警示中")
    REMOVED = "removed", _("已摘牌")
    WITHDRAWN = "withdrawn", _("已撤销")

