"""Approval statistics for a jurisdiction and year as the bureau reports them ("环评审批54件(报告书8件、
报告表46件)、登记备案表166件,均在承诺的时限内办结"; "核发排污许可证257本"), with the previous year, year on year,
projects and investment by industry; emergency management as the reports count it ("已完成备案94家";
"20家重点环境风险源企业四轮次…排查隐患94个"); approvals and registration filings as one figure and project
pre-reviews as Zhuji counts them ("完成建设项目环评审批登记备案844只", "开展招商引资、工业内生项目预审102只");
environmental incidents that occurred in the year by level and by state; every figure carries the URL of the list
of records it counts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core.params import StatsScope
from envbureau.core.scoping import restrict

from .models import EIAApplication, EmergencyPlan, ExecutionReport, HazardCheck, Incident, Permit, PreReview

APPROVED = ("approved", "completed")
# marked only: the page translates them when it shows them (the CLI prints them as they are)
LABELS = {
    "approved": gettext_noop("环评审批(件)"), "approved_report": gettext_noop("其中报告书(件)"), "approved_form": gettext_noop("其中报告表(件)"),
    "refused": gettext_noop("不予批准(件)"), "filed": gettext_noop("登记表备案(件)"),
    "approved_filed": gettext_noop("环评审批登记备案合计(件)"),
    "prereviews": gettext_noop("招商引资、工业内生项目预审(件)"), "prereviews_agreed": gettext_noop("其中同意(件)"),
    "prereviews_conditional": gettext_noop("其中有条件同意(件)"), "prereviews_refused": gettext_noop("其中不同意(件)"), "decided": gettext_noop("办结(件)"), "within_limit": gettext_noop("在时限内办结(件)"),
    "investment": gettext_noop("批准项目总投资(万元)"), "env_investment": gettext_noop("其中环保投资(万元)"), "permits_issued": gettext_noop("核发排污许可证(本)"),
    "reports_overdue": gettext_noop("执行报告逾期未提交(份)"), "reports_late": gettext_noop("执行报告逾期提交(份)"),
    "plans_filed": gettext_noop("应急预案备案企业(家)"), "check_rounds": gettext_noop("隐患排查轮次"),
    "checked_enterprises": gettext_noop("隐患排查企业(家)"), "hazards_found": gettext_noop("排查发现隐患(个)"),
    # incidents that occurred in the year, by level and by their state now
    "incidents": gettext_noop("突发环境事件(起)"),
    "incidents_IV": gettext_noop("其中一般(Ⅳ级)(起)"), "incidents_III": gettext_noop("其中较大(Ⅲ级)(起)"),
    "incidents_II": gettext_noop("其中重大(Ⅱ级)(起)"), "incidents_I": gettext_noop("其中特别重大(Ⅰ级)(起)"),
    "incidents_reported": gettext_noop("其中已报告待处置(起)"), "incidents_responding": gettext_noop("其中应急处置中(起)"),
    "incidents_closed": gettext_noop("其中已结案(起)"),
}
INCIDENT_LEVELS = ("IV", "III", "II", "I")
INCIDENT_STATES = ("reported", "responding", "closed")


def _scoped(model, user):
    """Trusted system paths (user None: CLI, jobs) read everything; a person reads their scope."""
    return model.objects.all() if user is None else restrict(model.objects.all(), user, "view")


def _under(model, user, path: str, lookup: str = "jurisdiction__path"):
    """The records of `model` the user may view under the area `path` ("" = wherever they lie: an enterprise's
    own records, which core scoping has already limited to that enterprise)."""
    qs = _scoped(model, user)
    return qs.filter(**{f"{lookup}__startswith": path}) if path else qs


def _figures(user, path: str, year: int) -> dict:
    eia = _under(EIAApplication, user, path)
    decided = eia.filter(decided_on__year=year, state__in=(*APPROVED, "refused"))
    approved = decided.filter(state__in=APPROVED)
    sums = approved.aggregate(i=Sum("investment"), e=Sum("env_investment"))
    reports = _under(ExecutionReport, user, path, "permit__jurisdiction__path").filter(year=year)
    today = timezone.localdate()
    plans = _under(EmergencyPlan, user, path).filter(filed_on__year=year)
    checks = _under(HazardCheck, user, path).filter(checked_on__year=year)
    pre = _under(PreReview, user, path).filter(concluded_on__year=year, state="concluded")
    incidents = _under(Incident, user, path).filter(occurred_at__year=year)
    by_level = dict(incidents.values_list("level").annotate(n=Count("id")))
    by_state = dict(incidents.values_list("state").annotate(n=Count("id")))
    approved_n = approved.count()
    # a registration form is filed on the day it is submitted (decided_on = submitted_on), so "approved or filed
    # in the year" is one query on the decision date: the figure and its list count the same records
    filed_n = eia.filter(category="registration", state="filed", decided_on__year=year).count()
    return {
        "approved": approved_n,
        "approved_report": approved.filter(category="report").count(),
        "approved_form": approved.filter(category="form").count(),
        "refused": decided.filter(state="refused").count(),
        "filed": filed_n,
        "approved_filed": approved_n + filed_n,
        "decided": decided.count(),
        "within_limit": decided.filter(within_limit=True).count(),
        "investment": sums["i"] or Decimal(0),
        "env_investment": sums["e"] or Decimal(0),
        "permits_issued": _under(Permit, user, path).filter(issued_on__year=year).count(),
        "reports_overdue": reports.filter(state="due", due_on__lt=today).count(),
        "reports_late": reports.filter(late=True).count(),
        # enterprises whose plan was filed in the year (a re-filing in the same year counts the enterprise once)
        "plans_filed": plans.values("enterprise_id").distinct().count(),
        "check_rounds": checks.values("round_name").distinct().count(),
        "checked_enterprises": checks.values("enterprise_id").distinct().count(),
        "hazards_found": sum(len(f) for f in checks.values_list("findings", flat=True) if isinstance(f, list)),
        "prereviews": pre.count(),
        "prereviews_agreed": pre.filter(conclusion="agree").count(),
        "prereviews_conditional": pre.filter(conclusion="conditional").count(),
        "prereviews_refused": pre.filter(conclusion="disagree").count(),
        "incidents": sum(by_level.values()),
        **{f"incidents_{lv}": by_level.get(lv, 0) for lv in INCIDENT_LEVELS},
        **{f"incidents_{st}": by_state.get(st, 0) for st in INCIDENT_STATES},
    }


def share(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _pct(now, before):
    if not before:
        return None
    return float(((Decimal(now) - Decimal(before)) / Decimal(before) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP))


def by_industry(user, path: str, year: int, code: str) -> list[dict]:
    rows = (_under(EIAApplication, user, path).filter(decided_on__year=year, state__in=APPROVED)
            .values("industry_name").annotate(n=Count("id"), inv=Sum("investment")).order_by("-n", "industry_name"))
    base = reverse("approvals:eia-list")
    return [{"industry": r["industry_name"] or _("未填行业"), "projects": r["n"], "investment": r["inv"] or Decimal(0),
             "url": base + "?" + _query(code, decided_year=year, decision="approved", industry=r["industry_name"])}
            for r in rows]


def _query(code: str, **params) -> str:
    """A list's query string: the area when there is one (an enterprise's lists are already its own records)."""
    return urlencode({"jurisdiction": code, **params} if code else params)


def _where(where) -> tuple[str, str, str, StatsScope | None]:
    """(path, code, name, scope) of a Jurisdiction (CLI, reports) or a page's StatsScope (an area or the reader's
    own enterprise: path and code "", the counts scoped to it by core scoping)."""
    if isinstance(where, StatsScope):
        return where.path, where.code, where.name, where
    return where.path, where.code, where.name, None


def statistics(user, where, year: int) -> dict:
    """The figures of `where` — a Jurisdiction, or a page's `core.params.StatsScope` (the reader's area or own
    enterprise) — for `year`, every count restricted to what `user` may view (None: trusted CLI)."""
    path, code, name, scope = _where(where)
    if scope is not None and scope.is_enterprise and user is None:
        raise ValueError("an enterprise scope is counted for its user (core scoping does the restricting)")
    now, before = _figures(user, path, year), _figures(user, path, year - 1)

    def eia(**params):
        return reverse("approvals:eia-list") + "?" + _query(code, **params)

    def pre(**params):
        return reverse("approvals:prereviews-list") + "?" + _query(
            code, concluded_year=year, state="concluded", **params)

    def incidents(**params):
        return reverse("approvals:incidents-list") + "?" + _query(code, year=year, **params)

    def reports(**params):
        return reverse("approvals:reports-list") + "?" + _query(code, year=year, **params)

    links = {
        "approved": eia(decided_year=year, decision="approved"),
        "approved_report": eia(decided_year=year, decision="approved", category="report"),
        "approved_form": eia(decided_year=year, decision="approved", category="form"),
        "refused": eia(decided_year=year, decision="refused"),
        "filed": eia(decided_year=year, decision="filed"),
        "approved_filed": eia(decided_year=year, decision="approved_filed"),
        "decided": eia(decided_year=year, decision="decided"),
        "within_limit": eia(decided_year=year, within_limit="true"),
        "investment": eia(decided_year=year, decision="approved"),
        "env_investment": eia(decided_year=year, decision="approved"),
        "permits_issued": reverse("approvals:permits-list") + "?" + _query(code, issued_year=year),
        "reports_overdue": reports(overdue="true"),
        "reports_late": reports(late="true"),
        "plans_filed": reverse("approvals:plans-list") + "?" + _query(code, filed_year=year),
        **dict.fromkeys(("check_rounds", "checked_enterprises", "hazards_found"), reverse("approvals:checks-list")
                        + "?" + _query(code, year=year)),
        "prereviews": pre(),
        "prereviews_agreed": pre(conclusion="agree"),
        "prereviews_conditional": pre(conclusion="conditional"),
        "prereviews_refused": pre(conclusion="disagree"),
        "incidents": incidents(),
        **{f"incidents_{lv}": incidents(level=lv) for lv in INCIDENT_LEVELS},
        **{f"incidents_{st}": incidents(state=st) for st in INCIDENT_STATES},
    }
    rows = [{"key": k, "value": v, "previous": before[k], "yoy": _pct(v, before[k]), "url": links[k]}
            for k, v in now.items()]
    within = share(now["within_limit"], now["decided"])
    sentence = _("%(y)s年,%(j)s环评审批%(a)s件(报告书%(r)s件、报告表%(f)s件)、登记备案表%(g)s件") % {
        "y": year, "j": name, "a": now["approved"], "r": now["approved_report"],
        "f": now["approved_form"], "g": now["filed"]}
    if now["decided"]:
        if now["within_limit"] == now["decided"]:
            sentence += _(",均在承诺的时限内办结")
        else:
            sentence += _(",%(n)s件在承诺的时限内办结(占%(p)s%%)") % {"n": now["within_limit"], "p": within}
    sentence += _(";核发排污许可证%(n)s本。") % {"n": now["permits_issued"]}
    if now["plans_filed"]:
        sentence += _("完成环境应急预案备案%(n)s家。") % {"n": now["plans_filed"]}
    if now["approved_filed"] or now["prereviews"]:
        sentence += _("完成建设项目环评审批登记备案%(n)s件") % {"n": now["approved_filed"]}
        if now["prereviews"]:
            sentence += _(",开展招商引资、工业内生项目预审%(n)s件") % {"n": now["prereviews"]}
        sentence += _("。")
    if now["check_rounds"]:
        sentence += _("开展隐患排查%(r)s轮次,排查企业%(e)s家,排查隐患%(h)s个。") % {
            "r": now["check_rounds"], "e": now["checked_enterprises"], "h": now["hazards_found"]}
    if now["incidents"]:
        sentence += _("发生突发环境事件%(n)s起,已结案%(c)s起。") % {"n": now["incidents"], "c": now["incidents_closed"]}
    enterprise = scope is not None and scope.is_enterprise
    return {"jurisdiction": code, "jurisdiction_name": "" if enterprise else name,
            "scope": "enterprise" if enterprise else "area", "scope_name": name,
            "enterprise_ids": list(scope.enterprise_ids) if enterprise else [], "note": scope.note if scope else "",
            "year": year, "figures": now,
            "previous": before, "within_share": within, "rows": rows, "sentence": sentence, "links": links,
            "industries": by_industry(user, path, year, code)}
