"""Problem ledger records: problems, evidence and sign-off chains.

State changes never happen here: they go through the verbs in services.py, which run the workflow in
workflows.py (core.workflow): its timeline events, tasks and notifications are the kit's core records.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from envbureau.core.choices import JurisdictionLevel
from envbureau.core.scoping import ScopedModel, ScopedQuerySet, ScopeSpec
from envbureau.core.texts import Sentences

from .choices import CLOSED_STATES, DONE_STATES, OPEN_STATES, Category, Source, State

# Titles modules write by a rule, by key: (sentence, names of the values that are words of a fixed list and
# are worded through the catalogue too). Modules add theirs with services.register_title_texts.
TITLE_TEXTS = Sentences()


def title_words(facts: dict | None) -> str:
    """A title from its facts in the active language ("" when the key is unknown or the values do not fit)."""
    return TITLE_TEXTS.words(facts, "")


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Store Chinese text as itself (not \\uXXXX) so text filters such as 责任单位 match on SQLite too."""

    def __init__(self, **kwargs):  # json.dumps passes every option by keyword
        kwargs["ensure_ascii"] = False
        super().__init__(**kwargs)


def local_today() -> dt.date:
    return timezone.localdate()


class SignOffChain(ScopedModel):
    """An ordered chain of sign-offs (e.g. 区级验收 → 市级复核) used for problems of one source.

    A chain with a blank source is the default for sources without a chain of their own.
    """

    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("适用来源"), max_length=30, choices=Source.choices, blank=True,
                              help_text=_("留空表示适用于未单独配置的所有来源"))
    active = models.BooleanField(_("启用"), default=True)
    description = models.TextField(_("说明"), blank=True)

    scope = ScopeSpec(module="ledger", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("验收链")
        verbose_name_plural = _("验收链")
        ordering = ["source", "name"]

    def __str__(self):
        return self.name


class SignOffStep(ScopedModel):
    """One step of a chain: who signs (permission, optional role) and at which jurisdiction level."""

    chain = models.ForeignKey(SignOffChain, verbose_name=_("验收链"), on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("步骤名称"), max_length=100, help_text=_("如 区级验收、市级复核、行业审查"))
    permission = models.CharField(_("所需权限"), max_length=60, default="ledger.verify")
    role = models.ForeignKey("core.Role", verbose_name=_("限定角色"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    level = models.CharField(_("签署层级"), max_length=12, choices=JurisdictionLevel.choices, blank=True,
                             help_text=_("签署人授权范围所在的区划层级;留空表示不限"))
    evidence_required = models.BooleanField(_("须上传验收材料"), default=False)

    scope = ScopeSpec(module="ledger", jurisdiction=None, all_staff_view=True)

    class Meta:
        verbose_name = _("验收步骤")
        verbose_name_plural = _("验收步骤")
        ordering = ["chain", "order", "id"]

    def __str__(self):
        return f"{self.chain} · {self.order}. {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from envbureau.core.permissions import validate_permission_codes

        validate_permission_codes([self.permission])
        if self.permission == "*" or not self.permission.startswith("ledger."):
            raise ValidationError({"permission": _("验收步骤的权限必须是问题台账模块的权限,如 ledger.verify")})


class Problem(ScopedModel):
    code = models.CharField(_("问题编号"), max_length=40, unique=True, blank=True,
                            help_text=_("留空自动生成;导入时按编号更新已有问题"))
    source = models.CharField(_("问题来源"), max_length=30, choices=Source.choices)
    batch = models.CharField(_("批次"), max_length=200, blank=True, help_text=_("如 中央第三生态环境保护督察组 第14批"))
    category = models.CharField(_("问题类型"), max_length=20, choices=Category.choices)
    title = models.CharField(_("问题标题"), max_length=200)
    description = models.TextField(_("问题描述"), blank=True)
    location = models.CharField(_("位置"), max_length=255, blank=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", verbose_name=_("属地"), on_delete=models.PROTECT,
                                     related_name="+", db_index=False)  # led by ledger_prob_stats_jur_idx
    # The enterprise lives in the sources app: the ledger keeps its id (and a name for exports) only.
    enterprise_id = models.BigIntegerField(_("企业ID"), null=True, blank=True)
    enterprise_name = models.CharField(_("企业名称"), max_length=200, blank=True)
    key_problem = models.BooleanField(_("重点件"), default=False)
    # Generic reference to the record that raised the problem: ("app_label.model", "pk").
    source_model = models.CharField(_("来源记录类型"), max_length=100, blank=True)
    source_pk = models.CharField(_("来源记录ID"), max_length=64, blank=True)
    # A title another module wrote by a rule (a campaign's target), as data: {"msg": key, "args": {…}} worded
    # in the reader's language when shown (`shown_title`); `title` keeps the Chinese text (search, API, edits).
    title_facts = models.JSONField(_("标题事实"), default=dict, blank=True, editable=False)
    # a description written by a rule (core.texts lines), worded per reader while nobody has edited it
    description_facts = models.JSONField(_("描述事实"), default=dict, blank=True, editable=False)

    responsible_units = models.JSONField(_("责任单位"), default=list, blank=True, encoder=UnicodeJSONEncoder,
                                         help_text=_("第一个为牵头单位,其余为配合单位"))
    # The same units as core.Unit rows (created on first mention): their members see the problem's next step.
    units = models.ManyToManyField("core.Unit", verbose_name=_("责任单位"), blank=True, related_name="+")
    responsible_person = models.CharField(_("责任人"), max_length=100, blank=True)
    responsible_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    target = models.TextField(_("整改目标"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    progress = models.TextField(_("最新整改进展"), blank=True)
    received_on = models.DateField(_("交办日期"), default=local_today)
    deadline = models.DateField(_("整改时限"), null=True, blank=True)
    long_term = models.BooleanField(_("需长期坚持"), default=False)

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.REGISTERED)
    overdue = models.BooleanField(_("已标记逾期"), default=False)
    overdue_since = models.DateField(_("逾期日期"), null=True, blank=True)
    near_notified_for = models.DateField(null=True, blank=True, editable=False)  # deadline last reminded about
    closure_round = models.PositiveIntegerField(_("申请销号次数"), default=0)
    current_step = models.ForeignKey(SignOffStep, verbose_name=_("当前验收步骤"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    reopened_count = models.PositiveIntegerField(_("反弹次数"), default=0)
    closure_requested_at = models.DateTimeField(_("申请销号时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    closed_out_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    noticed_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止"), null=True, blank=True)
    public_summary = models.TextField(_("公示内容"), blank=True,
                                      help_text=_("向社会公示的整改情况;不得含个人信息(电话、身份证号会被自动隐去)"))

    created = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    # No `public` here: a noticed problem stays internal in full; the public sees PublicNotice only.
    scope = ScopeSpec(module="ledger", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      references={"enterprise_id": "sources.Enterprise"}, within=("enterprise_id",))

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题台账")
        ordering = ["-received_on", "-id"]
        indexes = [
            # The list sorts by (received_on, id); reminders and the overdue filter read (state, deadline).
            # Covering for the list's id query (views.id_page): walking it in order checks every filter
            # column without reading the wide rows.
            models.Index(fields=["received_on", "id", "jurisdiction", "state", "source", "category", "deadline",
                                 "enterprise_id", "batch"], name="ledger_prob_recv_idx"),
            models.Index(fields=["state", "deadline"], name="ledger_prob_state_dl_idx"),
            # Covering indexes: statistics group by (source, category), jurisdiction or batch and count
            # state/deadline/long_term, filtered by any of these columns — answered from one index, never
            # from the wide rows (bench/ledger.py: 100,000 problems, p95 < 200 ms).
            models.Index(fields=["source", "category", "state", "long_term", "deadline", "received_on",
                                 "jurisdiction"], name="ledger_prob_stats_src_idx"),
            models.Index(fields=["jurisdiction", "state", "long_term", "deadline", "received_on", "source",
                                 "category"], name="ledger_prob_stats_jur_idx"),
            models.Index(fields=["batch", "state", "long_term", "deadline", "received_on", "source", "category",
                                 "jurisdiction"], name="ledger_prob_stats_bat_idx"),
            models.Index(fields=["category", "state", "long_term", "deadline", "received_on", "source",
                                 "jurisdiction"], name="ledger_prob_stats_cat_idx"),
            models.Index(fields=["enterprise_id"], name="ledger_prob_ent_idx"),
            models.Index(fields=["source_model", "source_pk"], name="ledger_prob_ref_idx"),
            models.Index(fields=["state", "noticed_at"], name="ledger_prob_notice_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.shown_title}"

    @property
    def shown_title(self) -> str:
        """The title in the reader's language when a module wrote it from facts (TITLE_TEXTS) and nobody has
        edited it since (the stored title is still the facts' Chinese wording); else the title as stored."""
        return TITLE_TEXTS.shown(self.title_facts, self.title)

    @property
    def shown_description(self) -> str:
        from envbureau.core.texts import shown

        return shown(self.description_facts, self.description)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_done(self) -> bool:
        return self.state in DONE_STATES

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Derived: open and past its deadline (the stored flag is what reminders already announced)."""
        today = today or local_today()
        return self.is_open and self.deadline is not None and self.deadline < today

    @property
    def lead_unit(self) -> str:
        return self.responsible_units[0] if self.responsible_units else ""

    @property
    def source_ref(self) -> tuple[str, str] | None:
        return (self.source_model, self.source_pk) if self.source_model else None

    def state_colour(self) -> str:
        from .choices import STATE_COLOURS

        return STATE_COLOURS.get(self.state, "secondary")


class PublicNotice(Problem):
    """The public face of a problem under notice (公示): the public API and page read only this."""

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(module="ledger", jurisdiction="jurisdiction", enterprise="enterprise_id",
                      public=Q(state=State.NOTICED))

    class Meta:
        proxy = True
        verbose_name = _("整改公示")
        verbose_name_plural = _("整改公示")


def overdue_q(today: dt.date | None = None) -> Q:
    today = today or local_today()
    return Q(state__in=OPEN_STATES, deadline__lt=today)


def attachment_path(instance, filename):
    return f"ledger/{timezone.localdate():%Y/%m}/{instance.problem_id}/{filename}"


class Attachment(ScopedModel):
    """Evidence or a problem document, stored under MEDIA_ROOT; the hash makes later tampering visible."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey("core.TimelineEvent", verbose_name=_("处理记录"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.BigIntegerField(_("大小"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope = ScopeSpec(module="ledger", jurisdiction="problem__jurisdiction", enterprise="problem__enterprise_id")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class SignOff(ScopedModel):
    """A completed sign-off step for one closure round (one date column per step in the closure sheet)."""

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="signoffs")
    step = models.ForeignKey(SignOffStep, verbose_name=_("验收步骤"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    step_name = models.CharField(_("验收步骤"), max_length=100)
    round = models.PositiveIntegerField(_("轮次"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签署人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField(_("签署时间"), default=timezone.now)
    event = models.ForeignKey("core.TimelineEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    scope = ScopeSpec(module="ledger", jurisdiction="problem__jurisdiction", enterprise="problem__enterprise_id")

    class Meta:
        verbose_name = _("验收签署")
        verbose_name_plural = _("验收签署")
        ordering = ["problem", "round", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["problem", "round", "step"], name="ledger_signoff_once")]
