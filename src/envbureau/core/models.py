"""Core records: jurisdictions, departments, users and roles, the audit log and import jobs."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, AuditSource, ImportStatus, JurisdictionLevel, RoleKind
from .scoping import ScopedModel, ScopedQuerySet, ScopeSpec
from .timefmt import local_datetime

code_validator = RegexValidator(r"^[0-9A-Za-z_-]{2,20}$", _("代码只能包含字母、数字、下划线或连字符(2-20位)"))


class Jurisdiction(ScopedModel):
    """An administrative area; the tree city → district → street → community drives scoping."""

    code = models.CharField(_("区划代码"), max_length=20, unique=True, validators=[code_validator],
                            help_text=_("12位行政区划代码(已知时),或本地自定代码"))
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    # Materialised path "/110000/110101/": a subtree is one indexed prefix match on every engine.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    boundary = models.JSONField(_("边界(GeoJSON)"), null=True, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)

    scope = ScopeSpec(module="core", jurisdiction="")

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id:
            if self.pk and self.parent.path.startswith(self.path or "\0"):
                raise ValidationError({"parent": _("上级区划不能是自身或下级")})

    def save(self, *args, **kwargs):
        old_path = self.path
        if old_path and self.parent_id and self.parent.path.startswith(old_path):
            raise ValidationError({"parent": _("上级区划不能是自身或下级")})  # on every path, not only forms
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Moving a node moves its subtree: rewrite the descendants' prefixes.
            from .audit import record_batch

            for child in Jurisdiction.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                before, child.path = child.path, self.path + child.path[len(old_path):]
                Jurisdiction.objects.filter(pk=child.pk).update(path=child.path)
                record_batch("update", Jurisdiction, [child.pk], {"path": [before, child.path]})

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def subtree(self):
        return Jurisdiction.objects.filter(path__startswith=self.path)

    def ancestors(self):
        codes = [c for c in self.path.split("/") if c]
        return Jurisdiction.objects.filter(code__in=codes[:-1]).order_by("path")

    def contains(self, other: "Jurisdiction") -> bool:
        return other.path.startswith(self.path)


class Department(ScopedModel):
    """A department of the bureau (科室); its modules are where its staff may write."""

    code = models.CharField(_("代码"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100, unique=True)
    modules = models.JSONField(_("负责模块"), default=list, blank=True,
                               help_text=_("本科室人员可写的模块,如 quality、sources、ledger、complaints"))
    active = models.BooleanField(_("启用"), default=True)

    scope = ScopeSpec(module="core", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Role(ScopedModel):
    """A role is data: a named set of permission codes ("module.action", "*.view", "*")."""

    code = models.CharField(_("代码"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=12, choices=RoleKind.choices)
    permissions = models.JSONField(_("权限"), default=list, blank=True)
    description = models.TextField(_("说明"), blank=True)

    scope = ScopeSpec(module="core", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def authorize_write(self, user, action):
        from .permissions import is_platform_admin

        if not is_platform_admin(user):
            raise PermissionDenied(_("只有平台管理员可以修改角色"))

    def clean(self):
        from .permissions import validate_permission_codes

        stored = Role.objects.filter(pk=self.pk).values_list("permissions", flat=True).first() if self.pk else None
        validate_permission_codes(self.permissions, already=stored or ())


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    must_change_password = models.BooleanField(_("需修改密码"), default=False)

    objects = ScopedUserManager()
    scope = ScopeSpec(module="core", jurisdiction="assignments__jurisdiction", null_jurisdiction_city_wide=True,
                      distinct=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    def set_unusable_password(self):
        super().set_unusable_password()
        self._password_disabled = True

    def save(self, *args, **kwargs):
        # A new password ends every API token of the account, on every path (own change, admin, API, CLI).
        rotating = (self._password is not None or getattr(self, "_password_disabled", False)) \
            and self.pk is not None and not self._state.adding
        self._password_disabled = False
        super().save(*args, **kwargs)
        if rotating:
            from knox.models import AuthToken

            for token in AuthToken.objects.filter(user=self):
                token.delete()  # one by one: each deletion is audited

    def authorize_write(self, user, action):
        """Outside platform admins, a user record is changed only by someone whose scope holds every
        one of its role assignments (no resetting the password of a city-wide account)."""
        from .permissions import is_platform_admin
        from .scoping import allowed_jurisdictions

        if is_platform_admin(user):
            return
        if self.is_superuser or self.is_staff:
            raise PermissionDenied(_("只有平台管理员可以修改管理员账号"))
        allowed = allowed_jurisdictions(user, "core", action)
        for a in self.assignments.all():
            if a.jurisdiction_id is None or not allowed.filter(pk=a.jurisdiction_id).exists():
                raise PermissionDenied(_("该用户的授权超出您的管辖范围"))


class RoleAssignment(ScopedModel):
    """Grants a role to a user within a jurisdiction subtree (blank = city-wide) and/or one enterprise."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="assignments")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments")
    jurisdiction = models.ForeignKey(Jurisdiction, verbose_name=_("属地范围"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="assignments",
                                     help_text=_("留空表示全市"))
    departments = models.ManyToManyField(Department, verbose_name=_("科室"), blank=True, related_name="assignments")
    # The enterprise lives in the sources app; core keeps only its id so core imports no domain app.
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)

    scope = ScopeSpec(module="core", jurisdiction="jurisdiction", null_jurisdiction_city_wide=True,
                      references={"enterprise_id": "sources.Enterprise"})

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self):
        return f"{self.user} · {self.role} · {self.scope_label}"

    @property
    def enterprise_name(self) -> str:
        if not self.enterprise_id:
            return ""
        from django.apps import apps

        try:  # the enterprise lives in the sources app; looked up by name so core imports no domain app
            ent = apps.get_model("sources", "Enterprise")._default_manager.filter(pk=self.enterprise_id).first()
        except LookupError:
            ent = None
        return ent.name if ent is not None else str(_("企业(已删除)"))

    @property
    def scope_label(self) -> str:
        """Where the grant reaches, as a person says it: the enterprise, the area, or 全市."""
        if self.enterprise_id:
            return self.enterprise_name
        return self.jurisdiction.name if self.jurisdiction_id else str(_("全市"))

    def authorize_write(self, user, action):
        from .permissions import can_grant

        if not can_grant(user, self.role):
            raise PermissionDenied(_("您不能授予角色“%(r)s”(超出您自己的权限)") % {"r": self.role})
        if self.user.is_superuser and action != "add":
            self.user.authorize_write(user, action)

    def clean(self):
        if self.role_id and self.role.kind == RoleKind.ENTERPRISE and not self.enterprise_id:
            raise ValidationError({"enterprise_id": _("企业用户必须指定所属企业")})
        if self.role_id and self.role.kind == RoleKind.OFFICER and not self.jurisdiction_id:
            raise ValidationError({"jurisdiction": _("属地人员必须指定属地范围")})


class AuditEntryQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are immutable")

    def delete(self):
        raise PermissionError("audit entries are immutable")


class AuditEntry(models.Model):
    """One change to one object. Written by core.audit; never edited or deleted through the platform."""

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # DO_NOTHING without a constraint: deleting a user leaves their entries exactly as written.
    actor = models.ForeignKey(User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", db_constraint=False)
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=AuditSource.choices, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=AuditAction.choices, db_index=True)
    model = models.CharField(_("对象类型"), max_length=100, db_index=True)  # "app_label.modelname"
    object_id = models.CharField(_("对象ID"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    changes = models.JSONField(_("变更"), default=dict, blank=True)  # {field: [before, after]}
    request_id = models.CharField(_("请求ID"), max_length=40, blank=True)
    remote_addr = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    objects = AuditEntryQuerySet.as_manager()
    scope = ScopeSpec(module="audit", jurisdiction=None)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self):
        return f"{local_datetime(self.time)} {self.actor_name} {self.action} {self.model}#{self.object_id}"

    @property
    def model_verbose(self) -> str:
        """The object type in words ("信访投诉"), or the raw label when the model is gone."""
        from django.apps import apps

        try:
            return str(apps.get_model(self.model)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.model

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are immutable")


class LoginCounter(models.Model):
    """Failed sign-ins of one account from one client address, or (address "*") from anywhere.

    A row is a counter bumped by one conditional UPDATE before the password is checked, so parallel
    tries cannot get past the limit; kept in the database so every server process shares it."""

    ACCOUNT_WIDE = "*"

    username = models.CharField(_("账号"), max_length=150)
    remote_addr = models.CharField(_("来源地址"), max_length=64, help_text=_("* 表示该账号全部来源合计"))
    failures = models.IntegerField(_("失败次数"), default=0)
    last = models.DateTimeField(_("最近失败"), default=timezone.now)

    class Meta:
        verbose_name = _("登录失败计数")
        verbose_name_plural = _("登录失败计数")
        constraints = [models.UniqueConstraint(fields=["username", "remote_addr"], name="core_login_counter_key")]

    def __str__(self):
        return f"{self.username} @ {self.remote_addr}: {self.failures}"


class ImportJob(ScopedModel):
    """An uploaded file validated row by row; committed all-or-nothing."""

    kind = models.CharField(_("导入类型"), max_length=60)
    file_name = models.CharField(_("文件名"), max_length=255)
    stored_file = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("上传时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=12, choices=ImportStatus.choices)
    total_rows = models.IntegerField(_("行数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)

    scope = ScopeSpec(module="core", jurisdiction=None, owner="created_by")

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created"]


# Issued documents live in their own module (core.documents); imported here so Django registers them.
from .documents.models import DocumentCounter, DocumentTemplate, DocumentType, IssuedDocument  # noqa: E402,F401

# The closed-loop kit's records (units, timeline, tasks, notifications, clocks, calendar overrides).
from .kit_models import CalendarDay, Clock, Notification, Task, TimelineEvent, Unit, UnitKind  # noqa: E402,F401
