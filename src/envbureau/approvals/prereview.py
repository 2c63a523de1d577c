"""Project pre-review (项目预审) on the kit: an investment-attraction (招商引资) or in-house industrial (工业内生)
project is checked against the 三线一单 zoning (its 生态环境管控单元) and the industry policy before it may
proceed: 待预审 →(出具预审意见: 同意 / 有条件同意 / 不同意, reasons required unless 同意) 已出具预审意见; 撤回.

Local practice ("开展招商引资、工业内生项目预审102只", Zhuji 2023): no national procedure, so the limit is the
configured `prereview_working_days` (a core.deadlines clock on the holiday calendar, started on receipt); the
opinion stores whether it came within it. The project may not yet be a registered enterprise: linking one is
optional, and then the pre-review writes on its dossier timeline."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import deadlines as dl
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created

from . import config
from .choices import PreReviewConclusion, PreReviewOrigin, PreReviewState, ZoningCategory
from .eia import _date, _decimal, enterprise_of
from .models import PreReview

CLOCK = "prereview"


def rule() -> dl.Rule:
    return dl.Rule(int(config.get("prereview_working_days")), dl.WORKING, label=gettext_lazy("预审时限"))  # lazy: the clock stores its Chinese


def _jurisdiction(user, value):
    from envbureau.core.models import Jurisdiction
    from envbureau.core.scoping import allowed_jurisdictions

    if isinstance(value, Jurisdiction):
        j = value
    else:
        text = str(value or "").strip()
        j = Jurisdiction.objects.filter(code=text).first() or Jurisdiction.objects.filter(name=text).first()
    if j is None:
        raise ValidationError({"jurisdiction": _("请选择属地")})
    if user is not None and not allowed_jurisdictions(user, "approvals", "add").filter(pk=j.pk).exists():
        raise ValidationError({"jurisdiction": _("属地 %(j)s 不在您的权限范围内") % {"j": j.name}})
    return j


@transaction.atomic
def register(user, *, origin: str, project_name: str, applicant: str = "", industry_name: str,
             jurisdiction=None, enterprise_id=None, location: str = "", investment=None, zoning_category: str = "",
             zoning_unit: str = "", summary: str = "", received_on=None, credit_code: str = "") -> PreReview:
    """Register a project for pre-review (staff: approvals.add). With an enterprise, its name, credit code and
    area are the registry's; without one, the applicant and the area are required."""
    if user is not None and not has_perm(user, "approvals.add"):
        raise PermissionDenied(_("您没有登记项目预审的权限"))
    if origin not in PreReviewOrigin.values:
        raise ValidationError({"origin": _("项目来源应为 %(c)s 之一") % {"c": "、".join(map(str, PreReviewOrigin.labels))}})
    if zoning_category and zoning_category not in ZoningCategory.values:
        raise ValidationError({"zoning_category": _("管控单元类别应为 %(c)s 之一") % {
            "c": "、".join(map(str, ZoningCategory.labels))}})
    for name, value in (("project_name", project_name), ("industry_name", industry_name)):
        if not (value or "").strip():
            raise ValidationError({name: _("请填写%(f)s") % {"f": PreReview._meta.get_field(name).verbose_name}})
    ent = enterprise_of(user, enterprise_id) if enterprise_id not in (None, "") else None
    if ent is None and not (applicant or "").strip():
        raise ValidationError({"applicant": _("请填写申报单位或选择企业")})
    jur = ent.jurisdiction if ent else _jurisdiction(user, jurisdiction)
    received_on = _date(received_on, "received_on")
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("收件日期不能晚于今天")})
    r = PreReview(code=f"tmp-{uuid.uuid4().hex[:12]}", origin=origin, project_name=project_name.strip(),
                  applicant=ent.name if ent else applicant.strip(),
                  credit_code=ent.credit_code if ent else (credit_code or "").strip(),
                  enterprise_id=ent.pk if ent else None, industry_name=industry_name.strip(), jurisdiction=jur,
                  location=(location or "").strip(), investment=_decimal(investment, "investment"),
                  zoning_category=zoning_category or "", zoning_unit=(zoning_unit or "").strip(),
                  summary=summary or "", received_on=received_on,
                  created_by=user if getattr(user, "pk", None) else None)
    r.save()
    r.code = f"YS{received_on.year}-{r.pk:04d}"
    r.save(update_fields=["code"])
    if user is not None:
        check_created(user, r, "add")
    wf.record_event(r, user, "submit", to_state=PreReviewState.SUBMITTED,
                    note=texts.sentence(gettext_noop("%(o)s:%(p)s(%(i)s)"),
                                        ("o",), o=texts.zh_display(r, "origin"), p=r.project_name, i=r.industry_name))
    r.due_on = dl.start_clock(r, CLOCK, rule(), received_on, user=user, quiet=False).due
    r.save(update_fields=["due_on"])
    wf.sync_tasks(r, user)
    _dossier(r, user, texts.sentence(gettext_noop("项目预审登记:%(p)s"), p=r.project_name))
    return r


def _dossier(r, user, title):
    if not r.enterprise_id:
        return
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(r.enterprise_id, "approvals.prereview", title, source_ref=f"approvals.prereview:{r.pk}",
                      url=reverse("approvals:prereviews-detail", args=[r.pk]), actor=user)


def workflow_due(r):
    return r.due_on if r.state == PreReviewState.SUBMITTED else None


# ---- handlers ---------------------------------------------------------------------------------

def h_conclude(ctx):
    r = ctx.obj
    conclusion = str(ctx.data.get("conclusion") or "")
    if conclusion not in PreReviewConclusion.values:
        raise wf.TransitionError({"conclusion": _("预审结论应为 %(c)s 之一") % {
            "c": "、".join(map(str, PreReviewConclusion.labels))}})
    if conclusion != PreReviewConclusion.AGREE and not (r.reasons or "").strip():
        raise wf.TransitionError({"reasons": _("不同意或有条件同意时须写明理由或条件")})
    on = _date(ctx.data.get("concluded_on"), "concluded_on")
    if on < r.received_on:
        raise wf.TransitionError({"concluded_on": _("出具意见日期早于收件日期")})
    if on > timezone.localdate():
        raise wf.TransitionError({"concluded_on": _("出具意见日期不能晚于今天")})
    r.conclusion, r.concluded_on = conclusion, on
    c = dl.clock(r, CLOCK)
    if c is not None:
        r.due_on = c.due
        r.within_limit = on <= c.due
        dl.stop(r, CLOCK)
    ctx.event_data = {"conclusion": conclusion, "within_limit": r.within_limit}
    # the timeline line says what was decided, not only that the state moved
    # as facts: the conclusion worded per reader, the reasons as typed
    words = texts.zh(PreReviewConclusion(conclusion).label)
    reasons = (r.reasons or "").strip()
    ctx.step = texts.sentence(gettext_noop("%(k)s:%(s)s"), ("k",), k=words, s=reasons[:100]) if reasons \
        else texts.sentence(words)  # the label is its own msgid


def after_conclude(ctx):
    r = ctx.obj
    _dossier(r, ctx.user, texts.sentence(gettext_noop("项目预审意见:%(p)s %(c)s"),
                                         ("c",), p=r.project_name, c=texts.zh_display(r, "conclusion")))


def h_withdraw(ctx):
    dl.stop(ctx.obj, CLOCK)


def conclusion_words(r) -> str:
    return r.get_conclusion_display() if r.conclusion else ""


def year_of(value) -> int:
    return value.year if isinstance(value, dt.date) else int(value)
