"""Vocabularies of the waste module (labels and colours); the allowed transitions live in workflows.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerCategory(models.TextChoices):
    """HJ 1259-2022 §4.2."""

    KEY = "key", _("重点监管单位")
    SIMPLIFIED = "simplified", _("简化管理单位")
    REGISTERED = "registered", _("登记管理单位")


class LicenceKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合经营许可证")
    COLLECTION = "collection", _("收集经营许可证")


class ManifestState(models.TextChoices):
    CREATED = "created", _("待运出")
    SHIPPED = "shipped", _("运输中")
    RECEIVED = "received", _("已接收待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已拒收")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已作废")


class ApplicationState(models.TextChoices):
    """跨省转移申请 (危险废物转移管理办法, MEE/MPS/MOT Order No. 23, arts. 21–28)."""

    SUBMITTED = "submitted", _("已提交待受理")
    RETURNED = "returned", _("待补正材料")
    ACCEPTED = "accepted", _("已受理待初审")
    CONSULTING = "consulting", _("已函商接受地")
    REPLIED = "replied", _("接受地已回复")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不予批准")
    WITHDRAWN = "withdrawn", _("已撤回")


APPLICATION_COLOURS = {"submitted": "warning", "returned": "secondary", "accepted": "info", "consulting": "info",
                       "replied": "primary", "approved": "success", "refused": "danger", "withdrawn": "light"}


MANIFEST_COLOURS = {"created": "secondary", "shipped": "info", "received": "warning", "confirmed": "success",
                    "rejected": "danger", "returned": "dark", "cancelled": "light"}


class DeclarationPeriod(models.TextChoices):
    MONTH = "month", _("月度申报")
    QUARTER = "quarter", _("季度申报")
    YEAR = "year", _("年度申报")


class DeclarationState(models.TextChoices):
    DUE = "due", _("待申报")
    SUBMITTED = "submitted", _("已申报")


class AlertKind(models.TextChoices):
    STORAGE = "storage", _("贮存超期")
    CAPACITY = "capacity", _("超许可能力接收")
    LICENCE = "licence", _("许可证即将到期")
    MISMATCH = "mismatch", _("转移量不一致")


class AlertState(models.TextChoices):
    OPEN = "open", _("待处理")
    HANDLED = "handled", _("已处理")


PERMISSION_ACTIONS = [
    ("ship", _("转移联单运出")),
    ("receive", _("转移联单接收确认")),
    ("carry", _("转移联单承运(提货、交付)")),
    ("approve", _("跨省转移审批")),
    ("declare", _("危废申报")),
    ("handle", _("危废预警处理")),
]


class IndustrialWasteKind(models.TextChoices):
    FLY_ASH = "fly_ash", _("粉煤灰")
    SLAG = "slag", _("炉渣")
    SMELTING = "smelting", _("冶炼废渣")
    TAILINGS = "tailings", _("尾矿")
    GYPSUM = "gypsum", _("脱硫石膏")
    OTHER = "other", _("其他一般工业固体废物")


class CellKind(models.TextChoices):
    OFFICE = "office", _("机关")
    SCHOOL = "school", _("学校")
    COMMUNITY = "community", _("社区")
    ENTERPRISE = "enterprise", _("企业")
    PARK = "park", _("园区")
    HOSPITAL = "hospital", _("医院")
    SCENIC = "scenic", _("景区")
    MALL = "mall", _("商场超市")
    HOTEL = "hotel", _("饭店宾馆")
    OTHER = "other", _("其他")


class CellStatus(models.TextChoices):
    BUILDING = "building", _("建设中")
    ACCEPTED = "accepted", _("已验收命名")
    REVOKED = "revoked", _("已撤销")
