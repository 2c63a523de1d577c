"""Vocabularies of the sources app: statuses with labels and colours, and allowed transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("在产")
    SUSPENDED = "suspended", _("停产")
    CLOSED = "closed", _("关闭")


class OutletKind(models.TextChoices):
    WATER = "water", _("废水")
    GAS = "gas", _("废气")


class LimitPeriod(models.TextChoices):
    HOUR = "hour", _("小时均值")
    DAY = "day", _("日均值")


class AlarmKind(models.TextChoices):
    EXCEEDANCE = "exceedance", _("超标")
    ABSENCE = "absence", _("数据缺失")
    FLATLINE = "flatline", _("数据恒值")
    DEVICE_STATE = "device_state", _("设备状态异常")
    INVALID = "invalid", _("无效数据")


class AlarmStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLOSED = "closed", _("已关闭")


ALARM_COLOURS = {"open": "danger", "acknowledged": "warning", "closed": "secondary"}
ALARM_TRANSITIONS = {
    "open": {"acknowledged", "closed"},
    "acknowledged": {"closed"},
    "closed": set(),
}


class DeclarationKind(models.TextChoices):
    PRODUCTION_STOPPED = "production_stopped", _("停产")
    DEVICE_FAULT = "device_fault", _("设备故障")
    FACTOR_ABNORMAL = "factor_abnormal", _("因子异常")
    MAINTENANCE = "maintenance", _("运维检修")


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


DECLARATION_COLOURS = {"pending": "warning", "approved": "success", "rejected": "danger", "withdrawn": "secondary"}
DECLARATION_TRANSITIONS = {
    "pending": {"approved", "rejected", "withdrawn"},
    "approved": set(),
    "rejected": set(),
    "withdrawn": set(),
}

# Data flags that mean the device is not measuring normally (2017 Table: F stopped, M maintenance,
# D fault, C calibration; 2005 adds P power failure).  An alarm of kind device_state names the flag.
DEVICE_STATE_FLAGS = {"F": _("停运"), "M": _("维护"), "D": _("故障"), "C": _("校准"), "P": _("电源故障")}
# Flags that make a value unusable without being a device state: T above range, B comms abnormal.
INVALID_FLAGS = {"T": _("超测量上限"), "B": _("仪表通讯异常")}


class OnlineStatus(models.TextChoices):
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")
    ALARM = "alarm", _("报警")
    DISABLED = "disabled", _("停用")
    NEVER = "never", _("未上线")


# Five states told apart at a glance on a wall screen (no two share a colour; none is near-white).
ONLINE_COLOURS = {"online": "success", "offline": "warning", "alarm": "danger", "disabled": "secondary", "never": "info"}


# HJ 212 factors by their usual names; marked for translation, read in the request's language by factor_label
FACTOR_NAMES = {
    "w01018": "COD", "w21003": gettext_noop("氨氮"), "w21011": gettext_noop("总磷"), "w21001": gettext_noop("总氮"),
    "w01001": "pH", "w00000": gettext_noop("废水流量"), "a21026": "SO₂", "a21002": "NOx",
    "a34013": gettext_noop("颗粒物"), "a19001": gettext_noop("氧含量"), "a01012": gettext_noop("烟温"),
    "a00000": gettext_noop("烟气流量"), "a21005": "CO", "a24088": gettext_noop("非甲烷总烃"),
    "a01011": gettext_noop("流速"), "a01014": gettext_noop("湿度"),
}


def factor_label(code: str) -> str:
    """An HJ 212 factor by its name in the reader's language ("COD", "氨氮" / "Ammonia nitrogen"); the
    code only when no name is known."""
    from django.utils.translation import gettext

    from envbureau.hj212 import codes

    name = FACTOR_NAMES.get(code)
    return gettext(name) if name else (codes.factor_name(code) or code)


def factor_unit(code: str) -> str:
    """The concentration unit HJ 212 gives for a factor ("mg/L", "mg/m³"); "" when it has none (pH)."""
    from envbureau.hj212 import codes

    entry = codes.FACTORS.get(codes.normalise_factor(code))
    return entry[2] if entry else ""
