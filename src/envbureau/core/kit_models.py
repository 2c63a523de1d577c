"""Records of the closed-loop kit: units, timeline events, tasks, notifications, deadline clocks and
the holiday-calendar override. Imported by core.models (Django finds them there).

Objects of any app are referred to by (model label, pk) — "ledger.problem", "42" — so every module
shares one timeline, one task list and one notification inbox without core importing a domain app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedModel, ScopeSpec


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("局内科室")
    DISTRICT = "district", _("区县分局/政府")
    STREET = "street", _("街道乡镇")
    ENTERPRISE = "enterprise", _("企业")
    AGENCY = "agency", _("其他部门")
    OTHER = "other", _("其他")


class Unit(ScopedModel):
    """Anyone a step can be handed to (承办/责任单位): a bureau department, a district or street
    office, an enterprise or an outside agency (住建、城管、公安…). Every member sees its tasks."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=12, choices=UnitKind.choices, default=UnitKind.AGENCY)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("所属区划"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="units", help_text=_("留空表示市级"))
    department = models.ForeignKey("core.Department", verbose_name=_("对应科室"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="units")
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("成员"), blank=True,
                                     related_name="units")
    active = models.BooleanField(_("启用"), default=True)

    # A reference list: every bureau or local user may read it (to pick an assignee).
    scope = ScopeSpec(module="core", jurisdiction="jurisdiction", null_jurisdiction_city_wide=True,
                      all_staff_view=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "code"]

    def __str__(self):
        return self.name


class TimelineEvent(ScopedModel):
    """One step in the life of any workflow object, as a person reads it (Saleor's order events)."""

    model = models.CharField(_("对象类型"), max_length=100)  # "app_label.modelname"
    object_id = models.CharField(_("对象ID"), max_length=64)
    verb = models.CharField(_("操作"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=40, blank=True)
    to_state = models.CharField(_("新状态"), max_length=40, blank=True)
    # DO_NOTHING without a constraint: deleting a user leaves the history as written.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_unit = models.ForeignKey(Unit, verbose_name=_("操作单位"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    actor_unit_name = models.CharField(_("操作单位"), max_length=200, blank=True)
    time = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.TextField(_("说明"), blank=True)
    step = models.CharField(_("环节"), max_length=100, blank=True)  # e.g. the sign-off step signed
    attachments = models.JSONField(_("附件"), default=list, blank=True)  # [{name, url, sha256, size}]
    documents = models.JSONField(_("文书"), default=list, blank=True)  # [{title, number, url, pdf_url}]
    data = models.JSONField(_("数据"), default=dict, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    # Read through the object it belongs to (its own scope is checked first); this is a fallback.
    scope = ScopeSpec(module="core", jurisdiction="jurisdiction", null_jurisdiction_city_wide=True)

    class Meta:
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["model", "object_id", "time"], name="core_tl_obj_idx")]

    @property
    def shown_note(self) -> str:
        """The note in the reader's language when a rule wrote it (data["note_facts"]); as stored otherwise."""
        from .texts import shown

        facts = self.data.get("note_facts") if isinstance(self.data, dict) else None
        return shown(facts, self.note)

    @property
    def shown_step(self) -> str:
        """The step in the reader's language when a rule wrote it (data["step_facts"]); as stored otherwise (a
        step longer than the column is compared on what the column kept)."""
        from .texts import chinese, words

        facts = self.data.get("step_facts") if isinstance(self.data, dict) else None
        if not facts or chinese(facts)[:100] != self.step:
            return self.step
        return words(facts, self.step) or self.step

    def __str__(self):
        # What a person reads in the audit log: the object by its name and the step by its label.
        from django.apps import apps

        from .workflow import GENERIC_VERBS, workflow_for

        try:
            model = apps.get_model(self.model)
            if "_subject" in self.__dict__:  # looked up with the other events' (attach_subjects)
                obj = self.__dict__["_subject"]
            else:
                obj = model._default_manager.filter(pk=self.object_id).first()
            what = str(obj) if obj is not None else f"{model._meta.verbose_name} {self.object_id}"
        except (LookupError, ValueError):
            what = self.object_id
        try:
            verb = workflow_for(self.model).verb_label(self.verb)
        except LookupError:
            verb = str(GENERIC_VERBS.get(self.verb, self.verb))
        return f"{what} · {verb}"

    @staticmethod
    def attach_subjects(events) -> None:
        """Look the objects of many events up at once (one query per kind), for their labels: the audit log names
        thousands of events in an export, one query each made it slow."""
        from django.apps import apps

        by_kind: dict[str, list] = {}
        for e in events:
            by_kind.setdefault(e.model, []).append(e)
        for label, group in by_kind.items():
            try:
                model = apps.get_model(label)
                pks = {model._meta.pk.to_python(e.object_id) for e in group}
                found = {str(pk): o for pk, o in model._default_manager.in_bulk(list(pks)).items()}
            except Exception:  # an unknown kind or a key this model cannot hold: __str__ says so itself
                continue
            for e in group:
                e.__dict__["_subject"] = found.get(str(e.object_id))


class Task(ScopedModel):
    """A step waiting for someone: a user, every member of a unit, or anyone holding a permission whose
    scope reaches the object (optionally only at one jurisdiction level). Closed by the next step."""

    model = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象ID"), max_length=64)
    module = models.CharField(_("模块"), max_length=40)
    state = models.CharField(_("所处状态"), max_length=40)
    action = models.CharField(_("待办事项"), max_length=100)  # human words: "验收"、"签收整改"
    # a side task's action as the facts of its sentence (core.texts), worded per reader (workflow.task_words);
    # empty for a state's own step (worded from its workflow) and for rows older than the facts
    facts = models.JSONField(_("待办事项事实"), default=dict, blank=True, editable=False)
    title = models.CharField(_("标题"), max_length=300)
    url = models.CharField(_("办理链接"), max_length=300, blank=True)
    assignee_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="tasks")
    assignee_unit = models.ForeignKey(Unit, verbose_name=_("办理单位"), null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="tasks")
    permission = models.CharField(_("所需权限"), max_length=60, blank=True)
    level = models.CharField(_("办理层级"), max_length=12, blank=True)
    # Copied from the object. "Whose scope reaches it" is an equality on the prefix at the grant's depth
    # (city, district, street, community), so every branch of the tasks query is an index lookup.
    jurisdiction_path = models.CharField(max_length=255, blank=True)
    path_1 = models.CharField(max_length=255, blank=True, editable=False)
    path_2 = models.CharField(max_length=255, blank=True, editable=False)
    path_3 = models.CharField(max_length=255, blank=True, editable=False)
    path_4 = models.CharField(max_length=255, blank=True, editable=False)
    enterprise_id = models.BigIntegerField(null=True, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    is_open = models.BooleanField(_("待办"), default=True)
    # The step's first row. Further rows (a second unit of the same step) are shown only to readers that
    # no earlier row of the step reaches: one inbox item per object and step (core.notify.tasks_for).
    lead = models.BooleanField(default=True, editable=False)
    opened_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    reminded_for = models.DateField(null=True, blank=True, editable=False)  # due date last reminded about
    overdue_notified = models.BooleanField(default=False, editable=False)

    scope = ScopeSpec(module="core", jurisdiction=None, owner="assignee_user")

    class Meta:
        verbose_name = _("待办")
        verbose_name_plural = _("待办")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["model", "object_id", "is_open"], name="core_task_obj_idx"),
            models.Index(fields=["is_open", "assignee_user", "due_date"], name="core_task_user_idx"),
            models.Index(fields=["is_open", "assignee_unit", "due_date"], name="core_task_unit_idx"),
            models.Index(fields=["is_open", "path_1", "permission", "level", "due_date"], name="core_task_p1_idx"),
            models.Index(fields=["is_open", "path_2", "permission", "level", "due_date"], name="core_task_p2_idx"),
            models.Index(fields=["is_open", "path_3", "permission", "level", "due_date"], name="core_task_p3_idx"),
            models.Index(fields=["is_open", "path_4", "permission", "level", "due_date"], name="core_task_p4_idx"),
            models.Index(fields=["is_open", "enterprise_id", "permission"], name="core_task_ent_idx"),
            models.Index(fields=["is_open", "permission", "due_date"], name="core_task_perm_idx"),
            models.Index(fields=["is_open", "due_date"], name="core_task_due_idx"),
            # the few rows that are not their step's lead (a second responsible unit): notify._repeats
            models.Index(fields=["model", "object_id", "state"], condition=Q(is_open=True, lead=False),
                         name="core_task_follow_idx"),
        ]

    def __str__(self):
        return f"{self.action} · {self.title}"

    @property
    def action_facts(self):
        """The action as a sentence's facts while they still word the stored (Chinese) action; the stored action
        otherwise (a row without facts, or an action a person changed), which readers get through the
        catalogue."""
        from .texts import chinese

        if isinstance(self.facts, dict) and self.facts and chinese(self.facts)[:100] == self.action:
            return self.facts
        return self.action

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today

    def save(self, *args, **kwargs):
        self.fill_paths()
        super().save(*args, **kwargs)

    def fill_paths(self) -> None:
        """path_k = the prefix of jurisdiction_path at depth k ("/110000/", "/110000/110101/", …)."""
        codes = [c for c in (self.jurisdiction_path or "").split("/") if c]
        for k in range(1, 5):
            setattr(self, f"path_{k}", "/" + "/".join(codes[:k]) + "/" if len(codes) >= k else "")


class Notification(ScopedModel):
    """A message to one user (in-app; e-mailed when e-mail is configured). `key` makes re-runs idempotent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("类型"), max_length=20)
    message = models.CharField(_("内容"), max_length=500)
    # what it says as data (core.notify.TEXTS key, values, the task it is about), worded per reader when shown
    facts = models.JSONField(_("消息事实"), default=dict, blank=True, editable=False)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    model = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True, editable=False)
    key = models.CharField(max_length=150, blank=True)

    scope = ScopeSpec(module="core", jurisdiction=None, owner="recipient")

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_inbox_idx")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""),
                                               name="core_notif_once")]

    def __str__(self):
        return self.message  # the audit's label: as stored

    @property
    def text(self) -> str:
        """What it says in the reader's language (core.notify.worded words a page of them at once); as stored
        when it has no facts."""
        if getattr(self, "_text", None) is None:
            from .notify import worded

            worded([self])
        return self._text


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")


class CalendarDay(ScopedModel):
    """An override of the holiday calendar (a State Council notice the chinese-calendar package does not
    carry yet, or a local arrangement): the day is off ("holiday") or a make-up working day ("workday")."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    scope = ScopeSpec(module="core", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class Clock(ScopedModel):
    """One running time limit of one object (e.g. a complaint's 办结期限): its rule, pauses and
    extensions; `due` is stored (indexed) so "overdue" and "due within N days" are plain range queries."""

    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    key = models.CharField(_("期限"), max_length=40)
    label = models.CharField(_("名称"), max_length=100, blank=True)  # in Chinese; shown_label for readers
    # a label written by a rule (审批时限(法定时限)) as the facts of its sentence (core.texts); empty for a
    # fixed label (a msgid, worded through the catalogue) and for rows older than the facts
    facts = models.JSONField(_("名称事实"), default=dict, blank=True, editable=False)
    start = models.DateField(_("起算日"))
    days = models.PositiveIntegerField(_("期限(天)"))
    day_kind = models.CharField(_("计日"), max_length=10, choices=DayKind.choices, default=DayKind.CALENDAR)
    inclusive = models.BooleanField(_("起算日计入"), default=False)
    roll_forward = models.BooleanField(_("期满日遇节假日顺延"), default=False)
    paused_since = models.DateField(_("中止自"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("已中止天数"), default=0)
    extension_days = models.PositiveIntegerField(_("已延长天数"), default=0)
    due = models.DateField(_("期满日"), db_index=True)
    stopped_at = models.DateTimeField(_("停止计时"), null=True, blank=True)

    scope = ScopeSpec(module="core", jurisdiction=None)

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        constraints = [models.UniqueConstraint(fields=["model", "object_id", "key"], name="core_clock_once")]
        indexes = [models.Index(fields=["stopped_at", "due"], name="core_clock_due_idx")]

    def __str__(self):
        return f"{self.label or self.key} {self.due}"

    @property
    def label_facts(self):
        """The label as its sentence's facts while they still word the stored (Chinese) label; the stored label
        otherwise (a fixed label, a row older than the facts), which readers get through the catalogue. What the
        timeline's lines about the clock keep."""
        from .texts import chinese

        if isinstance(self.facts, dict) and self.facts and chinese(self.facts)[:100] == self.label:
            return self.facts
        return self.label

    @property
    def shown_label(self) -> str:
        """The label in the reader's language."""
        from django.utils.translation import gettext

        from .texts import words

        said = self.label_facts
        if isinstance(said, dict):
            return words(said, self.label) or self.label
        return gettext(self.label) if self.label else self.key
