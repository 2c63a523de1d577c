"""Domain verbs of projects and funds. Every state change is a core.workflow transition (workflows.py);
creating and editing go through core.services (scope checked, audited). Errors: outside the view scope →
Http404; no right → PermissionDenied; bad data or state → ValidationError naming the field."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import services as core_services
from envbureau.core import texts
from envbureau.core import workflow as wf

from . import config
from .choices import FundState, Grade, ProjectState
from .models import Fund, ProgressReport, Project

# ---- parsing of transition data (web forms and the API send text) ---------------------------------


def parse_date(value, name: str, default_today: bool = True) -> dt.date | None:
    if value in (None, ""):
        if default_today:
            return timezone.localdate()
        raise wf.TransitionError({name: [_("须填写日期")]})
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise wf.TransitionError({name: [_("日期格式应为 YYYY-MM-DD:%(v)s") % {"v": value}]}) from None


def parse_money(value, name: str, *, positive: bool = False) -> Decimal:
    try:
        d = Decimal(str(value).replace(",", "").strip())
        if not d.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise wf.TransitionError({name: [_("金额应为数字(元):%(v)s") % {"v": value}]}) from None
    if d < 0 or (positive and d == 0):
        raise wf.TransitionError({name: [_("金额须大于 0") if positive else _("金额不能为负数")]})
    if d >= Decimal("1e12"):
        raise wf.TransitionError({name: [_("金额过大:%(v)s") % {"v": value}]})
    return d.quantize(Decimal("0.01"), ROUND_HALF_UP)


def parse_month(value, name: str = "month") -> dt.date:
    """"2026-05" (or a date in that month) → 2026-05-01."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    try:
        y, m = text[:7].split("-")
        return dt.date(int(y), int(m), 1)
    except ValueError:
        raise wf.TransitionError({name: [_("月份格式应为 YYYY-MM:%(v)s") % {"v": value}]}) from None


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def report_due(project: Project, month: dt.date) -> dt.date:
    day = int(config.get("report_due_day", project.jurisdiction))
    return next_month(month).replace(day=min(max(day, 1), 28))


def report_key(month: dt.date) -> str:
    return f"report-{month:%Y-%m}"


# ---- create and edit ---------------------------------------------------------------------------------

def _dossier(project: Project, user, title: str | dict, detail: str = "") -> None:
    if project.enterprise_id:
        from envbureau.sources.services import add_dossier_event

        add_dossier_event(project.enterprise_id, "projects.project", title, detail=detail,
                          source_ref=f"projects.project:{project.pk}",
                          url=reverse("projects:projects-detail", args=[project.pk]), actor=user)


def enterprise_model():
    """The registry's Enterprise, read-only (apps talk through services; no model import)."""
    from django.apps import apps

    return apps.get_model("sources", "Enterprise")


def _enterprise_name(project: Project) -> None:
    if project.enterprise_id:
        name = enterprise_model().objects.filter(pk=project.enterprise_id).values_list("name", flat=True).first()
        project.enterprise_name = name or project.enterprise_name
    else:
        project.enterprise_name = ""


@transaction.atomic
def create_project(user, project: Project, m2m=None, milestones=()) -> Project:
    """Register a planned project (web form, API, importer); its first step waits for the owner unit."""
    project.created_by = user if getattr(user, "pk", None) else None
    project.state = ProjectState.PLANNED
    _enterprise_name(project)
    project.code = project.code or f"TMP-{timezone.now():%H%M%S%f}"
    core_services.create_object(user, project)
    if project.code.startswith("TMP-"):
        project.code = f"XM{project.year}-{project.pk:05d}"
        project.save(update_fields=["code"])
    for name, due in milestones:
        project.milestones.create(name=name, due=due)
    wf.record_event(project, user, "open", to_state=ProjectState.PLANNED)
    wf.sync_tasks(project, user)
    _dossier(project, user, texts.sentence(gettext_noop("纳入污染防治工程项目:%(n)s"), n=project.name))
    return project


@transaction.atomic
def update_project(user, project: Project, m2m=None) -> Project:
    _enterprise_name(project)
    core_services.update_object(user, project)
    wf.refresh_due(project)
    return project


@transaction.atomic
def create_fund(user, fund: Fund, m2m=None) -> Fund:
    fund.state = FundState.RESERVE
    core_services.create_object(user, fund)
    wf.record_event(fund, user, "open", to_state=FundState.RESERVE)
    wf.sync_tasks(fund, user)
    return fund


# ---- project transition handlers ---------------------------------------------------------------------

def h_start(ctx):
    ctx.obj.started_on = parse_date(ctx.data.get("started_on"), "started_on")


def h_report(ctx):
    """月度进展: one report per month; it closes that month's task and updates the investment completed."""
    p = ctx.obj
    month = parse_month(ctx.data.get("month"))
    today = timezone.localdate()
    if month > today.replace(day=1):
        raise wf.TransitionError({"month": [_("不能填报未来月份的进展")]})
    if ProgressReport.objects.filter(project=p, month=month).exists():
        raise wf.TransitionError({"month": [_("%(m)s 的进展已填报") % {"m": f"{month:%Y-%m}"}]})
    invested = parse_money(ctx.data.get("investment_completed", p.investment_completed), "investment_completed")
    ProgressReport.objects.create(project=p, month=month, investment_completed=invested,
                                  stage=str(ctx.data.get("stage") or "")[:100], progress=ctx.note,
                                  due=report_due(p, month), reported_on=today,
                                  reported_by=ctx.user if getattr(ctx.user, "pk", None) else None)
    p.investment_completed = invested
    wf.close_extra_tasks(p, report_key(month), ctx.user)
    ctx.event_data = {"month": f"{month:%Y-%m}", "investment_completed": str(invested)}


def h_finish(ctx):
    p = ctx.obj
    p.finished_on = parse_date(ctx.data.get("finished_on"), "finished_on")
    if p.started_on and p.finished_on < p.started_on:
        raise wf.TransitionError({"finished_on": [_("完工日期不能早于开工日期")]})
    if "investment_completed" in ctx.data:
        p.investment_completed = parse_money(ctx.data["investment_completed"], "investment_completed")


def h_accept(ctx):
    p = ctx.obj
    p.accepted_on = parse_date(ctx.data.get("accepted_on"), "accepted_on")
    if p.finished_on and p.accepted_on < p.finished_on:
        raise wf.TransitionError({"accepted_on": [_("验收日期不能早于完工日期")]})


def after_accept(ctx):
    _dossier(ctx.obj, ctx.user, texts.sentence(gettext_noop("工程项目通过验收:%(n)s"), n=ctx.obj.name), ctx.note)


def grade_of(score: Decimal, jurisdiction=None) -> str:
    bands = config.get("grade_bands", jurisdiction)
    for grade in (Grade.EXCELLENT, Grade.GOOD, Grade.FAIR):
        if score >= Decimal(str(bands[grade.value])):
            return grade.value
    return Grade.POOR.value


def weighted_score(scores: dict, jurisdiction=None) -> Decimal:
    """Σ indicator score (0–100) × weight ÷ Σ weights, to 2 decimals; every configured indicator is required."""
    indicators = config.get("evaluation_indicators", jurisdiction)
    if not isinstance(scores, dict):
        raise wf.TransitionError({"scores": [_("分项得分应为 {指标: 分数} 的形式")]})
    unknown = sorted(set(scores) - set(indicators))
    if unknown:
        raise wf.TransitionError({"scores": [_("未知的评价指标:%(k)s") % {"k": "、".join(unknown)}]})
    total = Decimal(0)
    weights = Decimal(0)
    for key, (label, weight) in indicators.items():
        if scores.get(key) in (None, ""):
            raise wf.TransitionError({"scores": [_("须填写“%(l)s”的得分") % {"l": label}]})
        try:
            s = Decimal(str(scores[key]))
        except InvalidOperation:
            raise wf.TransitionError({"scores": [_("“%(l)s”的得分应为数字") % {"l": label}]}) from None
        if not (0 <= s <= 100):
            raise wf.TransitionError({"scores": [_("“%(l)s”的得分应在 0–100 之间") % {"l": label}]})
        total += s * Decimal(str(weight))
        weights += Decimal(str(weight))
    return (total / weights).quantize(Decimal("0.01"), ROUND_HALF_UP)


def h_evaluate(ctx):
    p = ctx.obj
    scores = ctx.data.get("scores") or {}
    score = weighted_score(scores, p.jurisdiction)
    p.evaluation_scores = {k: str(v) for k, v in scores.items()}
    p.evaluation_score = score
    p.evaluation_grade = grade_of(score, p.jurisdiction)
    ctx.event_data = {"score": str(score), "grade": p.evaluation_grade}


# ---- fund transition handlers ------------------------------------------------------------------------

def h_approve(ctx):
    f = ctx.obj
    f.approved = parse_money(ctx.data.get("approved", f.requested), "approved", positive=True)
    if ctx.data.get("reserve_batch"):
        f.reserve_batch = str(ctx.data["reserve_batch"])[:100]


def h_allocate(ctx):
    f = ctx.obj
    amount = parse_money(ctx.data.get("allocated", f.approved), "allocated", positive=True)
    if f.approved is not None and amount > f.approved:
        raise wf.TransitionError({"allocated": [_("下达金额 %(a)s 元超过批准金额 %(b)s 元") % {"a": amount, "b": f.approved}]})
    f.allocated = amount
    f.allocation_doc = str(ctx.data.get("allocation_doc") or "")[:100]
    f.allocated_on = parse_date(ctx.data.get("allocated_on"), "allocated_on")


def h_spend(ctx):
    """Record spending; when everything allocated is spent the fund is 已支出完毕."""
    f = ctx.obj
    amount = parse_money(ctx.data.get("amount"), "amount", positive=True)
    if f.spent + amount > f.allocated:
        raise wf.TransitionError({"amount": [_("累计支出 %(s)s 元将超过下达金额 %(a)s 元") % {
            "s": f.spent + amount, "a": f.allocated}]})
    f.spent += amount
    if f.spent == f.allocated:
        ctx.target = FundState.SPENT
    ctx.event_data = {"amount": str(amount), "spent": str(f.spent)}


# ---- monthly reports (the `projects_monthly` job) ------------------------------------------------------

def open_monthly_reports(month: dt.date | None = None) -> int:
    """Open the month's report task for every project under way, handed to its owner unit, due on the
    configured day of the next month. Idempotent: a month's task is opened once per project."""
    from envbureau.core.audit import audit_context
    from envbureau.core.models import Task

    today = timezone.localdate()
    month = (month or (today.replace(day=1) - dt.timedelta(days=1))).replace(day=1)
    key = report_key(month)
    done = set(Task.objects.filter(model="projects.project", state=f"+{key}").values_list("object_id", flat=True))
    reported = set(ProgressReport.objects.filter(month=month).values_list("project_id", flat=True))
    n = 0
    with audit_context("system", note="projects_monthly"):
        qs = (Project.objects.filter(state=ProjectState.IN_PROGRESS)
              .select_related("jurisdiction", "owner_unit"))
        for p in qs.iterator():
            if str(p.pk) in done or p.pk in reported:
                continue
            if p.started_on and p.started_on > next_month(month) - dt.timedelta(days=1):
                continue  # not under way in that month yet
            with transaction.atomic():
                # the task's words as facts: stored in Chinese, read in each reader's language
                action = texts.sentence(gettext_noop("填报%(y)s年%(m)s月项目进展"), y=month.year, m=month.month)
                wf.open_extra_task(p, key, action, [wf.Assignee(unit=p.owner_unit)], due=report_due(p, month))
            n += 1
    return n


def overdue_reports(project_ids=None, today: dt.date | None = None):
    """Open report tasks past their due date: {project id: [months…]} (the 逾期未报 flag)."""
    from envbureau.core.models import Task

    today = today or timezone.localdate()
    qs = Task.objects.filter(model="projects.project", is_open=True, state__startswith="+report-",
                             due_date__lt=today)
    if project_ids is not None:
        qs = qs.filter(object_id__in=[str(i) for i in project_ids])
    out: dict[int, list[str]] = {}
    for oid, state in qs.values_list("object_id", "state"):
        out.setdefault(int(oid), []).append(state[len("+report-"):])
    return out
