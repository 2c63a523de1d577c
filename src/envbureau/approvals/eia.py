"""EIA applications on the kit (环评法; 建设项目环境保护管理条例): 申请 → 受理审查 (补正 pauses the clock) → 受理公示 →
技术评估 (not counted: 行政许可法 art. 45) → 拟批准公示 → 批准 / 不予批准 → 竣工环保验收. Registration forms are
filed at once. Handlers for the transitions declared in workflows.py; every limit is a core.deadlines clock.

Clocks: `review` — the decision limit (60 / 30 days, or the jurisdiction's shorter commitment; 告知承诺制: the
configured working days from acceptance), started on receipt; `acceptance` — tell the applicant what is missing
within 5 working days of receipt."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from django.apps import apps
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
from envbureau.core.scoping import check_created, restrict

from . import config
from .choices import EIACategory, EIAState
from .models import EIAApplication

REVIEW = "review"
ACCEPTANCE = "acceptance"


def _date(value, name: str, default=None) -> dt.date:
    if value in (None, ""):
        return default or timezone.localdate()
    if isinstance(value, dt.datetime):
        return dl.local_date(value)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise wf.TransitionError({name: _("日期格式应为 YYYY-MM-DD:%(v)s") % {"v": value}}) from None


def _decimal(value, name: str):
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({name: _("应为数字:%(v)s") % {"v": value}}) from None
    if d < 0 or not d.is_finite():
        raise ValidationError({name: _("不能为负数:%(v)s") % {"v": value}})
    return d.quantize(Decimal("0.01"))


def review_rule(app: EIAApplication) -> tuple[dl.Rule, dict]:
    """The review limit and where it comes from, both as the facts of their sentences: stored in Chinese beside
    them (the clock's label, limit_source) whoever clicked, worded per reader."""
    days, source = config.review_limit(app.jurisdiction, app.category)
    label = texts.sentence(gettext_noop("审批时限(%(s)s)"), s=source)
    return dl.Rule(days, config.get("eia_day_kind"), label=label), source


def enterprise_of(user, enterprise_id):
    """The registry's enterprise (read-only, scoped to the user), or a 400 naming the field."""
    Enterprise = apps.get_model("sources", "Enterprise")
    qs = Enterprise.objects.select_related("jurisdiction")
    if user is not None:
        qs = restrict(qs, user, "view")
    try:
        ent = qs.filter(pk=int(enterprise_id)).first()
    except (TypeError, ValueError):
        ent = None
    if ent is None:
        raise ValidationError({"enterprise_id": _("企业 %(e)s 不存在或不在您的权限范围内") % {"e": enterprise_id}})
    return ent


@transaction.atomic
def submit(user, *, enterprise_id, project_name: str, category: str, submitted_on=None, industry_code: str = "",
           industry_name: str = "", investment=None, env_investment=None, location: str = "",
           commitment: bool = False) -> EIAApplication:
    """An application (enterprise user: for its own enterprise; staff: entered on its behalf). A registration
    form is filed at once with its filing number; a report or form starts its review and acceptance clocks."""
    if user is not None and not (has_perm(user, "approvals.add") or has_perm(user, "approvals.apply")):
        raise PermissionDenied(_("您没有环评申请权限"))
    if category not in EIACategory.values:
        raise ValidationError({"category": _("环评类别应为 %(c)s 之一") % {"c": "、".join(map(str, EIACategory.labels))}})
    if not (project_name or "").strip():
        raise ValidationError({"project_name": _("请填写项目名称")})
    ent = enterprise_of(user, enterprise_id)
    submitted_on = _date(submitted_on, "submitted_on")
    if submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": _("申请日期不能晚于今天")})
    app = EIAApplication(
        code=f"tmp-{uuid.uuid4().hex[:12]}", enterprise_id=ent.pk, builder=ent.name, credit_code=ent.credit_code,
        project_name=project_name.strip(), category=category, industry_code=industry_code or ent.industry_code,
        industry_name=industry_name or ent.industry_name, investment=_decimal(investment, "investment"),
        env_investment=_decimal(env_investment, "env_investment"), jurisdiction=ent.jurisdiction,
        location=location or ent.address, submitted_on=submitted_on, commitment=bool(commitment),
        created_by=user if getattr(user, "pk", None) else None)
    if app.commitment and config.commitment_days(ent.jurisdiction, category) is None:
        raise ValidationError({"commitment": _("%(j)s 未对%(c)s实行告知承诺制") % {
            "j": ent.jurisdiction.name, "c": EIACategory(category).label}})
    if category == EIACategory.REGISTRATION:
        app.state = EIAState.FILED
        app.decided_on = submitted_on
    app.save()
    app.code = f"HP{submitted_on.year}-{app.pk:05d}"
    if category == EIACategory.REGISTRATION:
        app.filing_no = f"{ent.jurisdiction.code}{submitted_on:%Y%m%d}{app.pk:05d}"
    app.save(update_fields=["code", "filing_no"])
    if user is not None:
        check_created(user, app, "add" if has_perm(user, "approvals.add") else "apply")
    if category == EIACategory.REGISTRATION:
        wf.record_event(app, user, "submit", note=texts.sentence(gettext_noop("登记表备案,备案号 %(n)s"),
                                                                 n=app.filing_no),
                        to_state=EIAState.FILED)
        _dossier(app, user, texts.sentence(gettext_noop("环评登记表备案:%(p)s(备案号 %(n)s)"),
                                           p=app.project_name, n=app.filing_no))
        return app
    rule, source = review_rule(app)
    app.set_limit(rule.days, source)
    app.save(update_fields=["limit_days", "limit_source", "limit_facts"])
    dl.start_clock(app, REVIEW, rule, submitted_on, user=user, quiet=False)
    dl.start_clock(app, ACCEPTANCE, dl.Rule(config.get("eia_acceptance_working_days"), dl.WORKING,
                                            label=gettext_lazy("受理审查(补正告知)")), submitted_on)
    wf.record_event(app, user, "submit", note=texts.sentence(gettext_noop("提交%(c)s:%(p)s"),
                                                             ("c",), c=texts.zh_display(app, "category"), p=app.project_name),
                    to_state=EIAState.SUBMITTED)
    wf.sync_tasks(app, user)
    _dossier(app, user, texts.sentence(gettext_noop("提交环评申请(%(c)s):%(p)s"),
                                       ("c",), c=texts.zh_display(app, "category"), p=app.project_name))
    return app


def _dossier(app, user, title, detail=""):
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(app.enterprise_id, "approvals.eia", title, detail=detail,
                      source_ref=f"approvals.eiaapplication:{app.pk}",
                      url=reverse("approvals:eia-detail", args=[app.pk]), actor=user)


def _after_dossier(msgid):
    """The dossier line a step writes: `msgid` (gettext_noop) worded per reader from the application's code (c)
    and project (p)."""
    def after(ctx):
        _dossier(ctx.obj, ctx.user, texts.sentence(msgid, c=ctx.obj.code, p=ctx.obj.project_name))
    return after


def review_clock(app):
    return dl.clock(app, REVIEW)


def workflow_due(app):
    if app.state == EIAState.SUBMITTED:
        c = dl.clock(app, ACCEPTANCE)
        if c and not c.stopped_at:
            return c.due
    if app.state in ("accepted", "reviewing", "reviewed", "proposed"):
        c = review_clock(app)
        return c.due if c else None
    return None


# ---- handlers ---------------------------------------------------------------------------------

def h_correction(ctx):
    app = ctx.obj
    on = _date(ctx.data.get("on"), "on")
    app.corrections += 1
    dl.pause(ctx.user, app, REVIEW, texts.sentence(gettext_noop("补正材料:%(m)s"), m=app.missing_materials), on=on)
    dl.stop(app, ACCEPTANCE)
    ctx.event_data = {"missing": app.missing_materials}


def h_resubmit(ctx):
    on = _date(ctx.data.get("on"), "on")
    dl.resume(ctx.user, ctx.obj, REVIEW, on=on, note=texts.sentence(gettext_noop("补正材料已提交")))
    dl.start_clock(ctx.obj, ACCEPTANCE, dl.Rule(config.get("eia_acceptance_working_days"), dl.WORKING,
                                                label=gettext_lazy("受理审查(补正告知)")), on)


def h_accept(ctx):
    app = ctx.obj
    on = _date(ctx.data.get("accepted_on"), "accepted_on")
    if on < app.submitted_on:
        raise wf.TransitionError({"accepted_on": _("受理日期早于申请日期")})
    app.accepted_on = on
    app.missing_materials = ""
    app.acceptance_notice_until = dl.add_days(on, config.get("eia_acceptance_notice_working_days"), dl.WORKING)
    dl.stop(app, ACCEPTANCE)
    if app.commitment:
        days = config.commitment_days(app.jurisdiction, app.category) or 1
        rule = dl.Rule(days, dl.WORKING, label=gettext_lazy("告知承诺制审批时限"))
        app.set_limit(days, texts.sentence(gettext_noop("告知承诺制审批时限")))  # stored in Chinese whoever clicked
        dl.start_clock(app, REVIEW, rule, on, user=ctx.user, quiet=False)
    ctx.event_data = {"notice_until": str(app.acceptance_notice_until)}


def h_start_review(ctx):
    on = _date(ctx.data.get("on"), "on")
    if ctx.obj.accepted_on and on < ctx.obj.accepted_on:
        raise wf.TransitionError({"on": _("技术评估开始日期早于受理日期")})
    dl.pause(ctx.user, ctx.obj, REVIEW, texts.sentence(gettext_noop("技术评估(行政许可法第四十五条:不计入审批时限)")),
             on=on)


def h_finish_review(ctx):
    on = _date(ctx.data.get("on"), "on")
    c = review_clock(ctx.obj)
    if c and c.paused_since and on < c.paused_since:
        raise wf.TransitionError({"on": _("技术评估结束日期早于开始日期")})
    dl.resume(ctx.user, ctx.obj, REVIEW, on=on, note=texts.sentence(gettext_noop("技术评估完成")))


def h_propose(ctx):
    app = ctx.obj
    on = _date(ctx.data.get("on"), "on")
    if app.acceptance_notice_until and on <= app.acceptance_notice_until:  # the notices run one after the other
        raise wf.TransitionError({"on": _("受理公示至 %(d)s 结束,拟批准公示须在其后开始") % {"d": app.acceptance_notice_until}})
    app.proposed_on = on
    app.proposal_notice_until = dl.add_days(on, config.get("eia_proposal_notice_working_days"), dl.WORKING)
    ctx.event_data = {"notice_until": str(app.proposal_notice_until)}


def _finish(ctx, on: dt.date):
    """Close the review clock on the decision day: days counted, due date, within the limit or not."""
    app = ctx.obj
    c = review_clock(app)
    if c is None:
        return
    if c.paused_since is not None:
        c = dl.resume(ctx.user, app, REVIEW, on=on, note=texts.sentence(gettext_noop("作出决定")))
    app.due_on = c.due
    app.days_used = max(0, dl.days_between(c.start, on, c.day_kind) - c.paused_days)
    app.within_limit = on <= c.due
    dl.stop(app, REVIEW)
    ctx.event_data = {"due": str(c.due), "days_used": app.days_used, "within_limit": app.within_limit}


def h_approve(ctx):
    app = ctx.obj
    on = _date(ctx.data.get("decided_on"), "decided_on")
    if ctx.from_state == EIAState.ACCEPTED and not app.commitment:
        raise wf.TransitionError({"state": _("须经技术评估和拟批准公示后方可批准(告知承诺制项目除外)")})
    if ctx.from_state == EIAState.PROPOSED and app.proposal_notice_until and on <= app.proposal_notice_until:
        raise wf.TransitionError({"decided_on": _("拟批准公示至 %(d)s 期满,期满后方可作出批准决定") % {
            "d": app.proposal_notice_until}})
    if app.accepted_on and on < app.accepted_on:
        raise wf.TransitionError({"decided_on": _("审批日期早于受理日期")})
    app.decided_on = on
    _finish(ctx, on)


def h_refuse(ctx):
    app = ctx.obj
    on = _date(ctx.data.get("decided_on"), "decided_on")
    if app.accepted_on and on < app.accepted_on:
        raise wf.TransitionError({"decided_on": _("审批日期早于受理日期")})
    app.decided_on = on
    _finish(ctx, on)


def h_withdraw(ctx):
    dl.stop(ctx.obj, REVIEW)
    dl.stop(ctx.obj, ACCEPTANCE)


def h_complete(ctx):
    app = ctx.obj
    on = _date(ctx.data.get("completed_on"), "completed_on")
    if app.decided_on and on < app.decided_on:
        raise wf.TransitionError({"completed_on": _("验收日期早于环评批准日期")})
    app.completed_on = on
