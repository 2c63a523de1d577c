"""Vocabularies of projects, funds and their lifecycles (labels and colours); the allowed transitions
live in workflows.py (core.workflow)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Battle(models.TextChoices):
    """The battle (攻坚战) or task area a project serves (soil-outfalls-projects.md §3.1 categories)."""

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
}
