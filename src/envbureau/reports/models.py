"""The archive of reports (DESIGN §2b IssuedReport): one row per report of a type, jurisdiction and period,
waiting for sign-off or issued (its numbered Word/PDF documents are core.documents IssuedDocuments).
The reports app writes only here; it reads every module through their services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from envbureau.core.scoping import ScopedModel, ScopeSpec

from .choices import REPORT_STATES


class Report(ScopedModel):
    kind = models.CharField(_("报告类型"), max_length=60, db_index=True)
    jurisdiction = models.ForeignKey("core.Jurisdiction", on_delete=models.PROTECT, verbose_name=_("行政区"))
    period_key = models.CharField(_("期间"), max_length=10)  # 2016-12 | 2016-Q4 | 2016-H2 | 2016
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    period_label = models.CharField(_("期间名称"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(_("状态"), max_length=20, choices=REPORT_STATES, default="pending", db_index=True)
    scheduled = models.BooleanField(_("定时生成"), default=False)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("生成人"))
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("签发人"))

    scope = ScopeSpec(module="reports", jurisdiction="jurisdiction")

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告归档")
        ordering = ["-period_start", "kind", "jurisdiction__path"]
        constraints = [models.UniqueConstraint(fields=["kind", "jurisdiction", "period_key"],
                                               name="reports_one_per_kind_place_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def type_label(self) -> str:
        from .registry import get

        t = get(self.kind)
        return str(t.label) if t else self.kind
