"""Discharge permits on the kit (排污许可管理条例, 2021): issue, change, renewal (applied for ≥ 60 days before
expiry), revocation, expiry; the permit's limits are the online-monitoring limits of the matching points
(sources.services.apply_permit_limits: one source of truth); execution reports per the permit's frequency."""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created

from . import config
from .choices import LimitPeriod, PermitCategory, PermitState, ReportFrequency, ReportKind, ReportState
from .eia import _date, enterprise_of
from .models import ExecutionReport, Permit, PermitLimit

LIMIT_KEYS = ("outlet_code", "outlet_name", "factor", "unit", "period", "limit_value", "lower_limit", "on_converted",
              "annual_quantity")


NAMES = {"limit_value": gettext_lazy("上限"), "lower_limit": gettext_lazy("下限"), "annual_quantity": gettext_lazy("许可年排放量")}


def _float(value, key: str, row: int):
    name = NAMES.get(key, key)
    if value in (None, ""):
        return None
    try:
        f = float(str(value).strip())
    except ValueError:
        raise ValidationError({"limits": _("第 %(r)s 行%(n)s应为数字:%(v)s") % {"r": row, "n": name, "v": value}}) from None
    if not math.isfinite(f) or f < 0:
        raise ValidationError({"limits": _("第 %(r)s 行%(n)s不能为负数:%(v)s") % {"r": row, "n": name, "v": value}})
    return f


def clean_limits(rows) -> list[dict]:
    """Validate limit rows (API JSON or form); every problem names its row (1-based) and field."""
    from envbureau.hj212 import codes

    if not isinstance(rows, list):
        raise ValidationError({"limits": _("许可排放限值应为列表")})
    out, seen = [], set()
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise ValidationError({"limits": _("第 %(r)s 行格式不正确") % {"r": n}})
        unknown = sorted(set(row) - set(LIMIT_KEYS))
        if unknown:
            raise ValidationError({"limits": _("第 %(r)s 行有未知字段 %(f)s") % {"r": n, "f": ", ".join(unknown)}})
        outlet = str(row.get("outlet_code") or "").strip()
        factor = codes.normalise_factor(str(row.get("factor") or "").strip())
        if not outlet:
            raise ValidationError({"limits": _("第 %(r)s 行缺少排放口编号") % {"r": n}})
        if factor not in codes.FACTORS:
            raise ValidationError({"limits": _("第 %(r)s 行污染物代码 %(f)s 不是 HJ 212 因子") % {"r": n, "f": factor}})
        period = str(row.get("period") or "hour")
        if period not in LimitPeriod.values:
            raise ValidationError({"limits": _("第 %(r)s 行均值周期应为 hour 或 day") % {"r": n}})
        upper, lower = _float(row.get("limit_value"), "limit_value", n), _float(row.get("lower_limit"), "lower_limit", n)
        if upper is None and lower is None:
            raise ValidationError({"limits": _("第 %(r)s 行上限与下限至少填写一个") % {"r": n}})
        if upper is not None and lower is not None and lower >= upper:
            raise ValidationError({"limits": _("第 %(r)s 行下限必须小于上限") % {"r": n}})
        key = (outlet, factor, period)
        if key in seen:
            raise ValidationError({"limits": _("第 %(r)s 行与前面的行重复(排放口、污染物、周期)") % {"r": n}})
        seen.add(key)
        out.append({"outlet_code": outlet, "outlet_name": str(row.get("outlet_name") or "")[:100], "factor": factor,
                    "unit": str(row.get("unit") or codes.FACTORS[factor][2] or "")[:20], "period": period,
                    "limit_value": upper, "lower_limit": lower,
                    "on_converted": str(row.get("on_converted", "")).lower() in ("1", "true", "yes", "是", "y"),
                    "annual_quantity": _float(row.get("annual_quantity"), "annual_quantity", n)})
    return out


def _set_limits(permit: Permit, rows: list[dict]) -> None:
    for old in permit.limits.all():
        old.delete()
    for r in rows:  # one audited row each (a permit lists a handful)
        PermitLimit.objects.create(permit=permit, **r)


def describe_limit_owners(pks) -> dict[int, tuple[str, str]]:
    """For sources (register_limit_owner): how the limits page, the dossier and the refusal name a permit."""
    return {p.pk: (_("排污许可证 %(n)s") % {"n": p.number}, reverse("approvals:permits-detail", args=[p.pk]))
            for p in Permit.objects.filter(pk__in=pks)}


def push_limits(permit: Permit) -> dict:
    """The permit's limits become the online-monitoring limits of its outlets' points (sources)."""
    from envbureau.sources.services import apply_permit_limits

    rows = list(permit.limits.values("outlet_code", "factor", "period", "limit_value", "lower_limit", "unit",
                                     "on_converted"))
    return apply_permit_limits(permit.enterprise_id, permit.source_ref, permit.citation, rows)


def _dossier(permit, user, title, detail="", detail_facts=None):
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(permit.enterprise_id, "approvals.permit", title, detail=detail, detail_facts=detail_facts,
                      source_ref=permit.source_ref, url=reverse("approvals:permits-detail", args=[permit.pk]),
                      actor=user)


def _pushed_facts(result: dict) -> dict:
    """What pushing the limits did, as facts (core.texts): worded per reader on the dossier and the timeline."""
    if result["unmatched"]:
        return texts.sentence(gettext_noop("在线监控限值已同步到 %(n)s 个监测点;排放口 %(o)s 无在线监测点"),
                              n=len(result["points"]), o="、".join(result["unmatched"]))
    return texts.sentence(gettext_noop("在线监控限值已同步到 %(n)s 个监测点"), n=len(result["points"]))


@transaction.atomic
def issue(user, *, enterprise_id, number: str, category: str, issued_on=None, valid_from=None, valid_until=None,
          authority: str = "", report_frequency: str = "", monitoring_duties: str = "", record_keeping: str = "",
          limits=()) -> Permit:
    if user is not None and not has_perm(user, "approvals.permit"):
        raise PermissionDenied(_("您没有“排污许可管理”权限"))
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("请填写许可证编号")})
    if Permit.objects.filter(number=number).exists():
        raise ValidationError({"number": _("许可证编号 %(n)s 已存在") % {"n": number}})
    if category not in PermitCategory.values:
        raise ValidationError({"category": _("管理类别应为 %(c)s 之一") % {"c": "、".join(map(str, PermitCategory.labels))}})
    ent = enterprise_of(user, enterprise_id)
    issued_on = _date(issued_on, "issued_on")
    valid_from = _date(valid_from, "valid_from", issued_on)
    years = config.get("permit_validity_years")
    default_until = valid_from.replace(year=valid_from.year + years) - dt.timedelta(days=1)
    valid_until = _date(valid_until, "valid_until", default_until)
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": _("有效期至须晚于有效期自")})
    frequency = report_frequency or (ReportFrequency.QUARTERLY if category == PermitCategory.KEY
                                     else ReportFrequency.ANNUAL)
    if frequency not in ReportFrequency.values:
        raise ValidationError({"report_frequency": _("执行报告频次不正确:%(v)s") % {"v": frequency}})
    rows = clean_limits(list(limits))
    permit = Permit.objects.create(
        number=number, enterprise_id=ent.pk, enterprise_name=ent.name, credit_code=ent.credit_code,
        jurisdiction=ent.jurisdiction, category=category, authority=authority, issued_on=issued_on,
        valid_from=valid_from, valid_until=valid_until, report_frequency=frequency,
        monitoring_duties=monitoring_duties, record_keeping=record_keeping)
    check_created(user, permit, "add" if user is None or has_perm(user, "approvals.add") else "permit")
    _set_limits(permit, rows)
    result = push_limits(permit)
    schedule_reports(permit, max(valid_from.year, timezone.localdate().year))
    wf.record_event(permit, user, "issue", note=texts.lines(
        texts.sentence(gettext_noop("核发%(c)s排污许可证 %(n)s,有效期至 %(d)s"), ("c",),
                       c=texts.zh_display(permit, "category"), n=number, d=valid_until), _pushed_facts(result)),
        to_state=PermitState.VALID, data=result)
    wf.sync_tasks(permit, user)
    _dossier(permit, user, texts.sentence(gettext_noop("核发排污许可证 %(n)s(%(c)s)"), ("c",), n=number,
                                          c=texts.zh_display(permit, "category")),
             detail_facts=_pushed_facts(result))
    return permit


# ---- workflow handlers -------------------------------------------------------------------------

def h_change(ctx):
    """变更: replace the limits (full list) and/or the duties; the online limits follow."""
    p = ctx.obj
    if "limits" in ctx.data:
        _set_limits(p, clean_limits(ctx.data["limits"]))
    if ctx.data.get("report_frequency"):
        if ctx.data["report_frequency"] not in ReportFrequency.values:
            raise wf.TransitionError({"report_frequency": _("执行报告频次不正确")})
        p.report_frequency = ctx.data["report_frequency"]
    p.version += 1
    result = push_limits(p)
    ctx.event_data = {**result, "version": p.version}
    ctx.step = _pushed_facts(result)  # worded per reader on the timeline


def after_change(ctx):
    _dossier(ctx.obj, ctx.user, texts.sentence(gettext_noop("排污许可证 %(n)s 变更(第 %(v)s 版)"), n=ctx.obj.number,
                                               v=ctx.obj.version),
             detail_facts=_pushed_facts(ctx.event_data))  # event_data holds what push_limits did


def h_apply_renewal(ctx):
    p = ctx.obj
    on = _date(ctx.data.get("on"), "on")
    if on > p.valid_until:
        raise wf.TransitionError({"on": _("许可证已于 %(d)s 到期,应重新申请") % {"d": p.valid_until}})
    p.renewal_applied_on = on
    p.renewal_late = on > p.renewal_due
    ctx.event_data = {"late": p.renewal_late, "renewal_due": str(p.renewal_due)}


def h_renew(ctx):
    p = ctx.obj
    years = config.get("permit_validity_years")
    start = p.valid_until + dt.timedelta(days=1)
    until = _date(ctx.data.get("valid_until"), "valid_until",
                  start.replace(year=start.year + years) - dt.timedelta(days=1))
    if until <= p.valid_until:
        raise wf.TransitionError({"valid_until": _("延续后的有效期须晚于原有效期 %(d)s") % {"d": p.valid_until}})
    p.valid_until = until
    p.version += 1
    result = push_limits(p)
    ctx.event_data = {**result, "valid_until": str(until)}


def after_renew(ctx):
    wf.refresh_due(ctx.obj)
    _dossier(ctx.obj, ctx.user, texts.sentence(gettext_noop("排污许可证 %(n)s 延续,有效期至 %(d)s"),
                                               n=ctx.obj.number, d=ctx.obj.valid_until))


def _release(p, words: str):
    """`words` a msgid (gettext_noop): the limit's basis is stored text, in Chinese whoever clicked."""
    from envbureau.sources.services import release_permit_limits

    with translation.override("zh-hans"):
        note = _("%(c)s%(w)s") % {"c": p.citation, "w": _(words)}
    return release_permit_limits(p.source_ref, note)


def h_revoke(ctx):
    ctx.obj.revoked_on = _date(ctx.data.get("on"), "on")
    ctx.event_data = {"released": _release(ctx.obj, gettext_noop("已撤销"))}


def after_revoke(ctx):
    _dossier(ctx.obj, ctx.user, texts.sentence(gettext_noop("撤销排污许可证 %(n)s"),
                                               n=ctx.obj.number), detail=ctx.note)


def h_expire(ctx):
    today = _date(ctx.data.get("on"), "on")
    if today <= ctx.obj.valid_until:
        raise wf.TransitionError({"state": _("许可证有效期至 %(d)s,尚未到期") % {"d": ctx.obj.valid_until}})
    ctx.event_data = {"released": _release(ctx.obj, gettext_noop("已过期"))}


def after_expire(ctx):
    _dossier(ctx.obj, ctx.user, texts.sentence(gettext_noop("排污许可证 %(n)s 到期失效"), n=ctx.obj.number))


def renewal_review_due(p: Permit) -> dt.date:
    """The renewal decision (审查延续申请) is due `permit_renewal_review_days` (20) days after the application
    (排污许可管理条例 art. 14), counted in working days as 行政许可法 art. 82 counts licensing periods."""
    from envbureau.core import deadlines as dl

    return dl.add_days(p.renewal_applied_on, int(config.get("permit_renewal_review_days")), dl.WORKING)


def workflow_due(p: Permit):
    if p.state == PermitState.VALID:
        return p.renewal_due
    if p.state == PermitState.RENEWING:
        return renewal_review_due(p) if p.renewal_applied_on else p.valid_until
    return None


def expire_due(today=None) -> int:
    """The daily job: permits past their validity expire (their limits are released)."""
    today = today or timezone.localdate()
    n = 0
    for p in Permit.objects.filter(state__in=[PermitState.VALID, PermitState.RENEWING], valid_until__lt=today):
        wf.apply(None, p, "expire", on=today)
        n += 1
    return n


# ---- execution reports ---------------------------------------------------------------------------

def periods(frequency: str, year: int) -> list[tuple[str, int, dt.date]]:
    """(kind, period, due) of the reports a permit owes for `year` (排污许可管理条例 art. 22; dates of the
    industry technical specifications [2S]): monthly reports for
    the months that do not end a quarter, quarterly for Q1–Q3 (Q4 and December fold into the annual report),
    the annual report by 15 January of the next year; monthly and quarterly by the 15th of the next month."""
    day = config.get("report_due_day")
    out = []
    if frequency == ReportFrequency.MONTHLY:
        for m in range(1, 12):
            if m % 3:
                out.append((ReportKind.MONTH, m, dt.date(year, m + 1, day)))
    if frequency in (ReportFrequency.MONTHLY, ReportFrequency.QUARTERLY):
        for q in (1, 2, 3):
            out.append((ReportKind.QUARTER, q, dt.date(year, 3 * q + 1, day)))
    month, dday = config.get("annual_report_due")
    out.append((ReportKind.YEAR, 0, dt.date(year + 1, month, dday)))
    return sorted(out, key=lambda r: r[2])


def _period_end(kind, year, period) -> dt.date:
    if kind == ReportKind.MONTH:
        return dt.date(year + (period == 12), period % 12 + 1, 1) - dt.timedelta(days=1)
    if kind == ReportKind.QUARTER:
        return dt.date(year + (period == 4), (3 * period) % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, 12, 31)


def schedule_reports(permit: Permit, year: int) -> int:
    """Create the year's due reports (periods ending inside the validity); existing ones are kept."""
    n = 0
    for kind, period, due in periods(permit.report_frequency, year):
        end = _period_end(kind, year, period)
        if end < permit.valid_from or end > permit.valid_until + dt.timedelta(days=366):
            continue
        r, created = ExecutionReport.objects.get_or_create(permit=permit, kind=kind, year=year, period=period,
                                                           defaults={"due_on": due})
        if created:
            wf.record_event(r, None, "open", to_state=ReportState.DUE)
            wf.sync_tasks(r)
            n += 1
    return n


def h_submit_report(ctx):
    r = ctx.obj
    on = _date(ctx.data.get("submitted_on"), "submitted_on")
    emissions = ctx.data.get("emissions") or {}
    if not isinstance(emissions, dict):
        raise wf.TransitionError({"emissions": _("实际排放量应为 {污染物代码: 吨} 的对象")})
    clean = {}
    for factor, value in emissions.items():
        if value in (None, ""):
            continue
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise wf.TransitionError({"emissions": _("%(f)s 的排放量应为数字:%(v)s") % {"f": factor, "v": value}}) from None
        if not math.isfinite(v) or v < 0:
            raise wf.TransitionError({"emissions": _("%(f)s 的排放量不能为负数") % {"f": factor}})
        clean[str(factor)] = v
    r.emissions = clean
    r.submitted_on = on
    r.late = on > r.due_on
    ctx.event_data = {"late": r.late}


def after_report(ctx):
    from envbureau.sources.services import add_dossier_event

    r = ctx.obj
    add_dossier_event(r.permit.enterprise_id, "approvals.report",  # facts: the period worded per reader
                      texts.sentence(gettext_noop("提交排污许可执行报告:%(p)s%(l)s"), ("l",), p=r.period_facts,
                                     l=gettext_noop("(逾期)") if r.late else ""),
                      source_ref=f"approvals.executionreport:{r.pk}",
                      url=reverse("approvals:reports-detail", args=[r.pk]), actor=ctx.user)
    from .supervision import scan_report

    scan_report(r)  # over the permitted quantity, or far from what online monitoring measured


def compare_emissions(report: ExecutionReport) -> list[dict]:
    """Annual emissions reported vs the permitted annual quantities (summed over outlets), per pollutant."""
    from envbureau.sources.choices import factor_label

    permitted: dict[str, float] = {}
    for lim in report.permit.limits.all():
        if lim.annual_quantity is not None:
            permitted[lim.factor] = permitted.get(lim.factor, 0.0) + lim.annual_quantity
    rows = []
    for factor in sorted(set(permitted) | set(report.emissions or {})):
        actual = (report.emissions or {}).get(factor)
        allowed = permitted.get(factor)
        rows.append({"factor": factor, "label": factor_label(factor), "actual": actual, "permitted": allowed,
                     "over": actual is not None and allowed is not None and actual > allowed,
                     "share": None if not allowed or actual is None else round(actual / allowed * 100, 1)})
    return rows


def overdue_reports(qs, today=None):
    today = today or timezone.localdate()
    return qs.filter(state=ReportState.DUE, due_on__lt=today)
