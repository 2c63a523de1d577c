"""Domain verbs of the soil module; lifecycle steps run through core.workflow (workflows.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import deadlines, texts
from envbureau.core import workflow as wf
from envbureau.core.importing import parse_local_datetime
from envbureau.core.scoping import check_created

from .choices import DutyKind, PlotState, ReviewKind, ReviewOutcome
from .models import Duty, KeyUnit, Plot, Review

# 土壤污染防治法 art. 21(2): a new unit's first hidden-danger check within a year of listing (Hubei practice [R]), then
# every two years (local practice "2–3 years" [M]); the dismantling plan (art. 22) is filed 15 working days before work
# starts (Chongqing [R]).
HIDDEN_DANGER_CYCLE_YEARS = 2
DEMOLITION_WORKING_DAYS = 15


def _date(value, field, default=None) -> dt.date:
    if value in (None, ""):
        return default or timezone.localdate()
    if isinstance(value, dt.date):
        return value
    parsed = parse_local_datetime(value)
    if parsed is None:
        raise ValidationError({field: [_("日期格式应为 YYYY-MM-DD")]})
    return parsed.date()


def _passed(plot: Plot, kind: str) -> bool:
    return plot.reviews.filter(kind=kind, outcome=ReviewOutcome.PASSED).exists()


def _dossier(plot, title, user):
    if plot.enterprise_id:
        from envbureau.sources.services import add_dossier_event

        add_dossier_event(plot.enterprise_id, "soil.plot", title, source_ref=f"soil.plot:{plot.pk}",
                          url=reverse("soil:plots-detail", args=[plot.pk]), actor=user)


# ---- plot lifecycle handlers ---------------------------------------------------------------------

def h_review(ctx):
    """Record one report review (its round counted per plot and kind)."""
    kind, outcome = ctx.data.get("kind"), ctx.data.get("outcome")
    if kind not in ReviewKind.values:
        raise ValidationError({"kind": [_("报告类型无效")]})
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": [_("评审结论无效")]})
    plot = ctx.obj
    last = plot.reviews.filter(kind=kind).aggregate(r=Max("round"))["r"] or 0
    r = Review(plot=plot, kind=kind, round=last + 1, outcome=outcome,
               reviewed_on=_date(ctx.data.get("reviewed_on"), "reviewed_on"), author=ctx.data.get("author") or "",
               note=ctx.note)
    r.full_clean()
    r.save()
    ctx.event_data = {"kind": r.get_kind_display(), "round": r.round, "outcome": r.get_outcome_display()}


def h_conclude_survey(ctx):
    """Survey reviewed and passed: above any screening value → risk assessment; otherwise not contaminated."""
    plot = ctx.obj
    if not _passed(plot, ReviewKind.SURVEY):
        raise ValidationError({"kind": [_("调查报告尚未通过评审")]})
    samples = list(plot.samples.all())
    if not samples:
        raise ValidationError({"samples": [_("尚无土壤监测结果")]})
    ctx.target = PlotState.RISK if any(s.exceeds for s in samples) else PlotState.CLEAN


def h_list(ctx):
    if not _passed(ctx.obj, ReviewKind.RISK):
        raise ValidationError({"kind": [_("风险评估报告尚未通过评审")]})
    ctx.obj.listed_on = _date(ctx.data.get("listed_on"), "listed_on")


def h_finish_works(ctx):
    if not _passed(ctx.obj, ReviewKind.PLAN):
        raise ValidationError({"kind": [_("管控/修复方案尚未通过评审")]})


def h_remove(ctx):
    if not _passed(ctx.obj, ReviewKind.EFFECT):
        raise ValidationError({"kind": [_("效果评估报告尚未通过评审")]})
    ctx.obj.removed_on = _date(ctx.data.get("removed_on"), "removed_on")


def after_step(ctx):
    _dossier(ctx.obj, texts.sentence(gettext_noop("地块 %(c)s:%(s)s"),
                                     ("s",), c=ctx.obj.code, s=texts.zh_display(ctx.obj, "state")), ctx.user)


def create_plot(user, plot: Plot) -> Plot:
    plot.full_clean()
    plot.save()
    check_created(user, plot, "add")
    wf.record_event(plot, user, "open", to_state=plot.state)
    wf.sync_tasks(plot, user)
    return plot


# ---- key units and their duties ------------------------------------------------------------------

def ensure_duties(today: dt.date, units=None) -> int:
    """The duties each unit on the list owes this year (idempotent): the yearly self-monitoring report (by
    31 December), and the hidden-danger check (within a year of listing, then every two years)."""
    made = 0
    qs = units if units is not None else KeyUnit.objects.filter(removed_on__isnull=True)
    for u in qs:
        wanted = [(DutyKind.SELF_MONITORING, today.year, dt.date(today.year, 12, 31))]
        due = _add_years(u.listed_on, 1)
        while due.year < today.year:
            due = _add_years(due, HIDDEN_DANGER_CYCLE_YEARS)
        if due.year == today.year:
            wanted.append((DutyKind.HIDDEN_DANGER, today.year, due))
        for kind, year, due in wanted:
            d, created = Duty.objects.get_or_create(unit=u, kind=kind, year=year, due=due)
            if created:
                wf.record_event(d, None, "open", to_state=d.state)
                wf.sync_tasks(d, None)
                made += 1
    return made


def _add_years(d: dt.date, n: int) -> dt.date:
    return d.replace(year=d.year + n) if (d.month, d.day) != (2, 29) else dt.date(d.year + n, 2, 28)


def demolition_due(start: dt.date) -> dt.date:
    """The filing deadline: 15 working days before the dismantling starts (the last day that leaves 15)."""
    n, d = DEMOLITION_WORKING_DAYS, start
    while n > 0:
        d -= dt.timedelta(days=1)
        if deadlines.is_working_day(d):
            n -= 1
    return d


def plan_demolition(user, unit: KeyUnit, start, note: str = "") -> Duty:
    start = _date(start, "start")
    d, created = Duty.objects.get_or_create(unit=unit, kind=DutyKind.DEMOLITION, year=start.year,
                                            due=demolition_due(start), defaults={"note": note[:300]})
    if created:
        check_created(user, d, "change")
        wf.record_event(d, user, "open", to_state=d.state, note=note)
        wf.sync_tasks(d, user)
    return d


def h_done(ctx):
    d = ctx.obj
    d.done_on = _date(ctx.data.get("done_on"), "done_on")
    d.late = d.done_on > d.due


def after_done(ctx):
    from envbureau.sources.services import add_dossier_event

    d = ctx.obj
    add_dossier_event(d.unit.enterprise_id, "soil.duty", texts.sentence(gettext_noop("完成%(k)s(%(y)s年)"),
                                                                        ("k",), k=texts.zh_display(d, "kind"), y=d.year),
                      source_ref=f"soil.duty:{d.pk}", url=reverse("soil:duties-detail", args=[d.pk]), actor=ctx.user)
