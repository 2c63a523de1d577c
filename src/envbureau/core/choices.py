"""Vocabularies of the core app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区县")
    STREET = "street", _("街道乡镇")
    COMMUNITY = "community", _("社区村")


LEVEL_ORDER = ["province", "city", "district", "street", "community"]


class RoleKind(models.TextChoices):
    ADMIN = "admin", _("平台管理员")
    STAFF = "staff", _("局机关人员")
    OFFICER = "officer", _("属地人员")
    ENTERPRISE = "enterprise", _("企业用户")


class AuditSource(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    IMPORT = "import", _("导入")
    CLI = "cli", _("命令行")
    GATEWAY = "gateway", _("数据网关")
    SYSTEM = "system", _("系统")


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", _("已校验待提交")
    RUNNING = "running", _("正在提交")
    FAILED = "failed", _("校验失败")
    COMMITTED = "committed", _("已提交")
