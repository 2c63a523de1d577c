"""Post-permit supervision (证后监管, 排污许可管理条例): an execution report's emissions against what online
monitoring measured over the same period, and the supervision tasks the permit's officers find in their inbox
(a report overdue, annual emissions over the permitted quantity, a report far from the measurements), each
closed by recording what was done (the permit's 证后监管 verb)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from envbureau.core import deadlines as dl
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.hj212.codes import normalise_factor

from . import config
from .choices import PermitState, ReportKind, ReportState
from .models import ExecutionReport, Permit

PREFIX = "sv-"  # extra-task keys: sv-overdue-<report>, sv-over-<report>, sv-gap-<report>, sv-alarm-<permit>-<YYYYMM>


def period_range(report: ExecutionReport) -> tuple[dt.date, dt.date]:
    """The local days a report covers (a month, a quarter, or the year)."""
    y, p = report.year, report.period
    if report.kind == ReportKind.MONTH:
        first = dt.date(y, p, 1)
        return first, dt.date(y + (p == 12), p % 12 + 1, 1) - dt.timedelta(days=1)
    if report.kind == ReportKind.QUARTER:
        first = dt.date(y, 3 * p - 2, 1)
        return first, dt.date(y + (p == 4), (3 * p) % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def gap(reported: float | None, measured: float | None, tolerance: float) -> dict:
    """Reported minus measured (tonnes), that difference as a share of the measured amount, and whether it is
    over the tolerance (strictly; a measured zero against a reported amount is flagged)."""
    if reported is None or measured is None:
        return {"difference": None, "percent": None, "flagged": False}
    diff = reported - measured
    if measured == 0:
        return {"difference": diff, "percent": None, "flagged": reported > 0}
    pct = abs(diff) / measured * 100
    return {"difference": diff, "percent": pct, "flagged": pct > tolerance}


def compare_with_monitoring(report: ExecutionReport, tolerance: float | None = None) -> list[dict]:
    """Per pollutant the report names or the permit limits: reported tonnes, measured tonnes (online
    monitoring of the permit's outlets over the report's period), days with data, difference and flag."""
    from envbureau.sources.choices import factor_label
    from envbureau.sources.services import measured_emissions

    tolerance = float(config.get("emission_tolerance_percent") if tolerance is None else tolerance)
    permit = report.permit
    first, last = period_range(report)
    outlets = sorted({lim.outlet_code for lim in permit.limits.all()})
    measured = measured_emissions(permit.enterprise_id, first, last, outlets)
    reported = {normalise_factor(str(k)): v for k, v in (report.emissions or {}).items()}
    factors = sorted(set(reported) | {normalise_factor(lim.factor) for lim in permit.limits.all()})
    days = (last - first).days + 1
    rows = []
    for f in factors:
        m = measured.get(f)
        r = reported.get(f)
        g = gap(r, m["tonnes"] if m else None, tolerance)
        rows.append({"factor": f, "label": factor_label(f), "reported": r,
                     "measured": None if m is None else round(m["tonnes"], 4),
                     "days": m["days"] if m else 0, "period_days": days,
                     "difference": None if g["difference"] is None else round(g["difference"], 4),
                     "percent": None if g["percent"] is None else round(g["percent"], 1), "flagged": g["flagged"]})
    return rows


# ---- supervision tasks ---------------------------------------------------------------------------------

def _opened_before(obj, key: str) -> bool:
    from envbureau.core.models import Task

    return Task.objects.filter(model=wf.label_of(obj), object_id=str(obj.pk), state=f"+{key}").exists()


# A finding's words, stored as facts (texts.worded_by("approvals.supervision", …)) and worded per reader: the
# report's period ("p": [kind, year, period]), factors by code ("f"), the month ("m": [year, month]) and the
# points with their factors ("w": [[point, [codes]], …]) all depend on the reader's language.
FINDING_TEXTS = {
    "overdue": gettext_noop("证后监管:%(p)s 逾期未提交"),
    "over": gettext_noop("证后监管:%(p)s %(f)s 超许可排放量"),
    "gap": gettext_noop("证后监管:%(p)s %(f)s 与在线监测差异超出允许范围"),
    "alarm": gettext_noop("证后监管:%(m)s 在线监测超标报警 %(n)s 次(%(w)s)"),
}


def finding_words(facts: dict | None, fallback: str = "") -> str:
    """A supervision finding from its facts ({"msg": key, "args": {...}}) in the active language; `fallback`
    when there are none or they do not fit (registered as the "approvals.supervision" worder)."""
    from envbureau.core.humanize import month_label
    from envbureau.sources.choices import factor_label

    msg = FINDING_TEXTS.get((facts or {}).get("msg"))
    if msg is None:
        return fallback
    a = dict(facts.get("args") or {})
    sep = pgettext("列举", "、")
    try:
        if "p" in a:
            kind, year, period = a["p"]
            a["p"] = ExecutionReport(kind=kind, year=int(year), period=int(period)).period_label
        if "f" in a:
            a["f"] = sep.join(factor_label(str(c)) for c in a["f"])
        if "m" in a:
            a["m"] = month_label(int(a["m"][0]), int(a["m"][1]))
        if "w" in a:
            a["w"] = pgettext("列举", ";").join(f"{name} {sep.join(factor_label(str(c)) for c in codes)}"
                                               for name, codes in a["w"])
        return _(msg) % a
    except (KeyError, TypeError, ValueError):
        return fallback


def _finding(key: str, **args) -> dict:
    return texts.worded_by("approvals.supervision", {"msg": key, "args": args})


def _period(report: ExecutionReport) -> list:
    return [report.kind, report.year, report.period]


def _open(permit: Permit, key: str, words, today: dt.date) -> bool:
    """One task per finding, never reopened once handled (its key stays on the closed row). `words` are the
    finding's facts (or, from older callers, a finished Chinese text): the timeline words them per reader; the
    task keeps their Chinese wording."""
    if _opened_before(permit, key):
        return False
    due = dl.add_days(today, int(config.get("supervision_working_days")), dl.WORKING)
    # the facts themselves: the task is stored in Chinese and read in each reader's language (task_words)
    wf.open_extra_task(permit, key, words if isinstance(words, dict) else str(words)[:100],
                       [wf.Assignee(permission="approvals.permit")], due=due)
    wf.record_event(permit, None, "supervise_open", note=words)
    return True


def findings(report: ExecutionReport, today: dt.date) -> list[tuple[str, dict]]:
    """(key, facts of the words) of what the report calls for: overdue; annual emissions over the permitted
    quantity; emissions off the measurements by more than the tolerance."""
    from .permits import compare_emissions

    out = []
    label = _period(report)
    if report.is_overdue(today):
        out.append((f"{PREFIX}overdue-{report.pk}", _finding("overdue", p=label)))
    if report.state == ReportState.DUE:
        return out
    if report.kind == ReportKind.YEAR:
        over = [r["factor"] for r in compare_emissions(report) if r["over"]]
        if over:
            out.append((f"{PREFIX}over-{report.pk}", _finding("over", p=label, f=over)))
    off = [r["factor"] for r in compare_with_monitoring(report) if r["flagged"]]
    if off:
        out.append((f"{PREFIX}gap-{report.pk}", _finding("gap", p=label, f=off)))
    return out


@transaction.atomic
def scan_report(report: ExecutionReport, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if report.permit.state not in (PermitState.VALID, PermitState.RENEWING):
        return 0
    return sum(_open(report.permit, key, words, today) for key, words in findings(report, today))


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def alarm_findings(today: dt.date) -> list[tuple[Permit, str, dict]]:
    """(permit, key, facts of the words) per valid permit and local month: the concentration-exceedance alarms of online
    monitoring on limits the permit owns (sources limits whose source_ref names it), from the first day of last
    month to the end of `today` (local time), outside declared exception windows. A month's alarms make one
    finding (sv-alarm-<permit>-<YYYYMM>); the words name the points and factors and count the alarms."""
    from envbureau.sources.services import exceedances_on_limits

    permits = {p.source_ref: p for p in Permit.objects.filter(state__in=[PermitState.VALID, PermitState.RENEWING])}
    if not permits:
        return []
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    alarms = exceedances_on_limits(list(permits), _local_midnight(first),
                                   _local_midnight(today + dt.timedelta(days=1)))
    groups: dict[tuple[str, int, int], list[dict]] = {}
    for a in alarms:
        local = timezone.localtime(a["started_at"])
        groups.setdefault((a["source_ref"], local.year, local.month), []).append(a)
    out = []
    for (ref, year, month), rows in sorted(groups.items()):
        permit = permits[ref]
        points: dict[str, list[str]] = {}
        for a in rows:
            factors = points.setdefault(a["point_name"] or a["point_mn"], [])
            if a["factor"] not in factors:
                factors.append(a["factor"])
        words = _finding("alarm", m=[year, month], n=len(rows), w=[[name, fs] for name, fs in points.items()])
        out.append((permit, f"{PREFIX}alarm-{permit.pk}-{year}{month:02d}", words))
    return out


@transaction.atomic
def scan_alarms(today: dt.date | None = None) -> int:
    """Open one supervision finding per permit and month with exceedance alarms on its limits (once: a month's
    later alarms, or alarms after the finding was handled, open nothing new)."""
    today = today or timezone.localdate()
    return sum(_open(permit, key, words, today) for permit, key, words in alarm_findings(today))


def scan(today: dt.date | None = None) -> int:
    """Daily (permits_daily): every report of a valid permit that is overdue or submitted gets its findings;
    exceedance alarms on permit-owned limits get theirs (scan_alarms)."""
    today = today or timezone.localdate()
    qs = (ExecutionReport.objects.filter(permit__state__in=[PermitState.VALID, PermitState.RENEWING])
          .exclude(state=ReportState.DUE, due_on__gte=today).select_related("permit"))
    return sum(scan_report(r, today) for r in qs.iterator()) + scan_alarms(today)


def open_findings(permit: Permit):
    return wf.open_tasks(permit).filter(state__startswith=f"+{PREFIX}").order_by("due_date", "pk")


def h_supervise(ctx):
    """Record what was done about the permit's open supervision findings (all, or the one named by `task`)."""
    key = str(ctx.data.get("task") or "").lstrip("+")
    open_ = list(open_findings(ctx.obj))
    if not open_:
        raise wf.TransitionError({"task": _("该许可证没有待办的证后监管事项")})
    chosen = [t for t in open_ if not key or t.state == f"+{key}"]
    if not chosen:
        raise wf.TransitionError({"task": _("没有这项待办的证后监管事项:%(k)s") % {"k": key}})
    for t in chosen:
        wf.close_extra_tasks(ctx.obj, t.state[1:], ctx.user)
    ctx.event_data = {"handled": [t.action for t in chosen]}
