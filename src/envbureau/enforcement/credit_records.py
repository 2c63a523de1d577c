"""What the platform's own records say about an enterprise's year, for the credit rating (《企业环境信用评价办法（试行）》, 环发〔2013〕150号):
indicator scores computed from records (online monitoring, cases and orders, hazardous-waste 规范化 checks,
emergency plans, permits and their execution reports, EIA records, complaints found true) and the one-vote vetoes
(cases transferred to the police, 较大 or worse incidents, penalties not carried out, EIA violations), each with
the sentence that says why (core.texts facts, worded per reader) and links to the records.

The records are read as facts about the enterprise, not through the rater's scope: a grade must not depend on
who clicked. The links open the records' own pages, which check the reader's scope as always. Other apps are
read through their services (sources, complaints) or, for approvals and waste which have no read service for
this, their models read-only; every app is optional (`apps.is_installed`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from envbureau.core import texts

from . import config
from .choices import PENALTY
from .models import Case, Measure


@dataclass
class Computed:
    score: Decimal
    note: dict  # texts.sentence facts: how the score was reached
    links: list = field(default_factory=list)  # [{"text": str, "url": str}]


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _link(text, name: str, *args) -> dict:
    return {"text": str(text), "url": _url(name, *args)}


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _count_scale(n: int) -> Decimal:
    """None 100, one 60, two or more 30: one step per band for each record (our scale [M])."""
    return Decimal(100 if n == 0 else 60 if n == 1 else 30)


def band(score) -> int:
    """1 (80–100), 2 (50–79) or 3 (0–49): the indicator's band (环发〔2013〕150号 annex as copies give it [2S]; lower bounds in config)."""
    b1, b2 = config.get("credit_indicator_bands")
    s = Decimal(str(score))
    return 1 if s >= b1 else 2 if s >= b2 else 3


# ---------------------------------------------------------------- indicators from records

def compliance_score(rate: Decimal) -> Decimal:
    """达标排放: the compliant share of point-days to a score: ≥ 90 % in 80–100, ≥ 75 % in 50–79, below in 0–49
    and below 50 % 0 (the national annex's indicator table, one copy [1S]); linear inside each band (ours [M])."""
    hi, mid, low = config.get("credit_compliance_bands")
    if rate >= hi:
        s = 80 + (rate - hi) / (1 - hi) * 20
    elif rate >= mid:
        s = 50 + (rate - mid) / (hi - mid) * 29
    elif rate >= low:
        s = (rate - low) / (mid - low) * 49
    else:
        s = Decimal(0)
    return min(Decimal(100), s).quantize(Decimal("0.1"), ROUND_HALF_UP)


def emission_compliance(enterprise_id: int, year: int) -> Computed | None:
    if not apps.is_installed("envbureau.sources"):
        return None
    from envbureau.sources.services import compliance_days

    first, last = year_range(year)
    d = compliance_days(enterprise_id, first, last)
    if not d["point_days"]:
        return None
    rate = Decimal(d["point_days"] - d["exceed_days"]) / Decimal(d["point_days"])
    score = compliance_score(rate)
    pct = (rate * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    note = texts.sentence(gettext_noop("在线监控:%(n)s 个点位日有数据,其中 %(x)s 个有超标报警(未申报),达标率 %(p)s%%"),
                          n=d["point_days"], x=d["exceed_days"], p=pct)
    links = []
    if d["alarms"]:
        url = _url("sources:alarm-list")
        if url:
            url += (f"?enterprise={enterprise_id}&kind=exceedance&live_from={first.isoformat()}T00:00:00"
                    f"&until={last.isoformat()}T23:59:59")
        links.append({"text": texts.chinese(texts.sentence(gettext_noop("超标报警 %(n)s 条"), n=len(d["alarms"]))),
                      "url": url, "facts": texts.sentence(gettext_noop("超标报警 %(n)s 条"), n=len(d["alarms"]))})
    return Computed(score, note, links)


def penalties(enterprise_id: int, year: int) -> Computed:
    """行政处罚与行政命令 from the cases and orders decided in the year: none 100, one 60, more 30 ([M] scale)."""
    cases = list(Case.objects.filter(enterprise_id=enterprise_id, decided_on__year=year,
                                     outcome__in=[str(o) for o in PENALTY]).order_by("decided_on", "pk"))
    orders = list(Measure.objects.filter(case__enterprise_id=enterprise_id, decided_on__year=year)
                  .order_by("decided_on", "pk"))
    note = texts.sentence(gettext_noop("%(y)s年行政处罚决定 %(n)s 件、行政命令与强制措施 %(m)s 件"),
                          y=year, n=len(cases), m=len(orders))
    links = ([_link(c.code, "enforcement:cases-detail", c.pk) for c in cases]
             + [_link(m.code, "enforcement:measures-detail", m.pk) for m in orders])
    return Computed(_count_scale(len(cases) + len(orders)), note, links)


def hazardous_waste(enterprise_id: int, year: int) -> Computed | None:
    """危险废物规范化管理 from the year's 规范化环境管理评估 (waste module): the check's score (lowest if several)."""
    if not apps.is_installed("envbureau.waste"):
        return None
    from envbureau.waste.models import NormCheck

    checks = list(NormCheck.objects.filter(producer__enterprise_id=enterprise_id, round__year=year)
                  .select_related("round").order_by("score", "pk"))
    if not checks:
        return None
    c = checks[0]
    note = texts.sentence(gettext_noop("%(r)s:%(s)s 分"), r=c.round.name, s=c.score)
    return Computed(Decimal(c.score), note, [_link(x.round.name, "waste:norm-checks-detail", x.pk) for x in checks])


def risk(enterprise_id: int, year: int) -> Computed | None:
    """环境风险管理 from the emergency plan filing (approvals): filed by the year's end 100, submitted but not filed
    60 ([M] scale); no plan recorded: entered by staff."""
    if not apps.is_installed("envbureau.approvals"):
        return None
    from envbureau.approvals.models import EmergencyPlan

    last = year_range(year)[1]
    plans = list(EmergencyPlan.objects.filter(enterprise_id=enterprise_id, submitted_on__lte=last)
                 .order_by("-submitted_on", "-pk"))
    if not plans:
        return None
    filed = [p for p in plans if p.filed_on and p.filed_on <= last]
    if filed:
        p = filed[0]
        return Computed(Decimal(100), texts.sentence(gettext_noop("应急预案 %(c)s 已于 %(d)s 备案"), c=p.code,
                                                     d=p.filed_on), [_link(p.code, "approvals:plans-detail", p.pk)])
    p = plans[0]
    return Computed(Decimal(60), texts.sentence(gettext_noop("应急预案 %(c)s 已提交、年末前未备案"), c=p.code),
                    [_link(p.code, "approvals:plans-detail", p.pk)])


def permit(enterprise_id: int, year: int) -> Computed | None:
    """排污许可证 (approvals): a permit valid through the year 100; revoked in it, or lapsed in it without a
    successor, 30 ([M] scale); no permit recorded: entered by staff."""
    if not apps.is_installed("envbureau.approvals"):
        return None
    from envbureau.approvals.models import Permit

    first, last = year_range(year)
    permits = list(Permit.objects.filter(enterprise_id=enterprise_id, valid_from__lte=last).order_by("valid_from",
                                                                                                    "pk"))
    if not permits:
        return None
    links = [_link(p.number, "approvals:permits-detail", p.pk) for p in permits]
    revoked = [p for p in permits if p.revoked_on and first <= p.revoked_on <= last]
    if revoked:
        return Computed(Decimal(30), texts.sentence(gettext_noop("排污许可证 %(c)s 于 %(d)s 被撤销"),
                                                    c=revoked[0].number, d=revoked[0].revoked_on), links)
    # days of the year covered by some permit, from the first permit's start (a gap is a lapse)
    start = max(first, min(p.valid_from for p in permits))
    covered, d = True, start
    for p in sorted(permits, key=lambda x: x.valid_from):
        if p.valid_from > d:
            covered = False
            break
        d = max(d, p.valid_until + dt.timedelta(days=1))
    if covered and d <= last:
        covered = False
    if not covered:
        return Computed(Decimal(30), texts.sentence(gettext_noop("%(y)s年内排污许可证有效期中断 %(d)s 起"),
                                                    y=year, d=d), links)
    return Computed(Decimal(100), texts.sentence(gettext_noop("排污许可证 %(c)s 在%(y)s年内有效"),
                                                 c=permits[-1].number, y=year), links)


def execution_report(enterprise_id: int, year: int) -> Computed | None:
    """排污许可执行报告 due in the year (approvals): all in time 100, any late 60, any not submitted by the rating
    day 30 ([M] scale); none due: entered by staff."""
    if not apps.is_installed("envbureau.approvals"):
        return None
    from envbureau.approvals.models import ExecutionReport

    first, last = year_range(year)
    reports = list(ExecutionReport.objects.filter(permit__enterprise_id=enterprise_id, due_on__gte=first,
                                                  due_on__lte=last).select_related("permit").order_by("due_on", "pk"))
    if not reports:
        return None
    today = timezone.localdate()
    missing = [r for r in reports if r.submitted_on is None and r.due_on < today]
    late = [r for r in reports if r.late or (r.submitted_on and r.submitted_on > r.due_on)]
    note = texts.sentence(gettext_noop("%(y)s年应提交执行报告 %(n)s 份,逾期提交 %(l)s 份,未提交 %(m)s 份"),
                          y=year, n=len(reports), l=len(late), m=len(missing))
    bad = missing or late
    links = [_link(f"{r.permit.number} {r.year}-{r.period}", "approvals:reports-detail", r.pk) for r in bad]
    return Computed(Decimal(30 if missing else 60 if late else 100), note, links)


def eia(enterprise_id: int, year: int) -> Computed | None:
    """建设项目环评及验收 (approvals; cases): a case decided in the year citing a veto provision (未批先建, 未验先投…)
    0; otherwise the EIA records up to the year's end: every project approved, filed or accepted 100, a project
    refused 60 ([M] scale); no record: entered by staff."""
    vetoed = list(Case.objects.filter(enterprise_id=enterprise_id, decided_on__year=year,
                                      provision__in=config.get("credit_veto_provisions"),
                                      outcome__in=[str(o) for o in PENALTY]))
    if vetoed:
        return Computed(Decimal(0), texts.sentence(gettext_noop("案件 %(c)s:建设项目环评或验收违法"), c=vetoed[0].code),
                        [_link(c.code, "enforcement:cases-detail", c.pk) for c in vetoed])
    if not apps.is_installed("envbureau.approvals"):
        return None
    from envbureau.approvals.models import EIAApplication

    last = year_range(year)[1]
    apps_ = list(EIAApplication.objects.filter(enterprise_id=enterprise_id, decided_on__lte=last)
                 .order_by("decided_on", "pk"))
    if not apps_:
        return None
    ok = [a for a in apps_ if a.state in ("approved", "filed", "completed")]
    accepted = [a for a in apps_ if a.completed_on and a.completed_on <= last]
    note = texts.sentence(gettext_noop("环评审批 %(n)s 项(批准或备案 %(o)s 项,竣工环保验收 %(a)s 项)"),
                          n=len(apps_), o=len(ok), a=len(accepted))
    return Computed(Decimal(100 if len(ok) == len(apps_) else 60), note,
                    [_link(a.code, "approvals:eia-detail", a.pk) for a in apps_])


def complaints(enterprise_id: int, year: int) -> Computed | None:
    """群众投诉 found true (属实/部分属实) in the year: none 100, one 60, more 30 ([M] scale)."""
    if not apps.is_installed("envbureau.complaints"):
        return None
    from envbureau.complaints.services import substantiated_about

    rows = substantiated_about(enterprise_id, *year_range(year))
    note = texts.sentence(gettext_noop("%(y)s年经查属实或部分属实的投诉 %(n)s 件"), y=year, n=len(rows))
    return Computed(_count_scale(len(rows)), note,
                    [_link(r["number"] or r["pk"], "complaints:detail", r["pk"]) for r in rows])


# key → (function, where it comes from). Indicators not listed are entered by staff with their source.
COMPUTED = {
    "emission_compliance": (emission_compliance, gettext_noop("在线监控超标报警")),
    "hazardous_waste": (hazardous_waste, gettext_noop("危险废物规范化管理评估")),
    "eia": (eia, gettext_noop("环评审批记录与案件")),
    "permit": (permit, gettext_noop("排污许可证记录")),
    "execution_report": (execution_report, gettext_noop("排污许可执行报告")),
    "risk": (risk, gettext_noop("应急预案备案")),
    "penalties": (penalties, gettext_noop("行政处罚案件与行政命令")),
    "complaints": (complaints, gettext_noop("信访投诉办理结果")),
}


def computed(enterprise_id: int, year: int) -> dict[str, Computed]:
    """The indicators the records decide for this enterprise and year (others are entered)."""
    keys = set(config.get("credit_indicators"))
    out = {}
    for key, (fn, _source) in COMPUTED.items():
        if key in keys:
            c = fn(enterprise_id, year)
            if c is not None:
                out[key] = c
    return out


# ---------------------------------------------------------------- vetoes and the incident step

VETO_TEXTS = {
    "crime": gettext_noop("案件 %(c)s 于 %(d)s 以涉嫌环境犯罪移送公安机关"),
    "detention": gettext_noop("案件 %(c)s 于 %(d)s 移送公安机关对责任人员行政拘留"),
    "incident": gettext_noop("%(d)s 发生%(l)s突发环境事件 %(c)s"),
    "refused": gettext_noop("案件 %(c)s 的罚款逾期未缴纳(缴款期限 %(d)s)"),
    "enforced": gettext_noop("案件 %(c)s 拒不履行处罚决定,于 %(d)s 申请强制执行"),
    "eia": gettext_noop("案件 %(c)s:%(p)s(%(d)s 决定)"),
}
# Case fields a forced-execution application may be recorded in (read defensively: the cases module may add one)
ENFORCED_FIELDS = ("enforcement_applied_on", "forced_execution_on", "execution_applied_on", "court_applied_on")


def _veto(kind: str, listed=(), url: str = "", **args) -> dict:
    return {"kind": kind, "reason": texts.sentence(VETO_TEXTS[kind], listed, **args), "url": url}


def _incidents(enterprise_id: int, year: int):
    if not apps.is_installed("envbureau.approvals"):
        return []
    from envbureau.approvals.models import Incident

    return list(Incident.objects.filter(enterprise_id=enterprise_id, occurred_at__gte=_aware(dt.date(year, 1, 1)),
                                        occurred_at__lt=_aware(dt.date(year + 1, 1, 1))).order_by("occurred_at", "pk"))


def vetoes(enterprise_id: int, year: int, today: dt.date | None = None) -> list[dict]:
    """The one-vote vetoes of the year (straight to 不良), oldest first: each {kind, reason facts, url}."""
    today = today or timezone.localdate()
    out = []
    from .cases import transfers_of

    for t in transfers_of(enterprise_id, year).select_related("case"):
        # a detention transfer vetoes only when the police detained someone (or have not answered yet)
        if t.kind == "crime" or (t.kind == "detention" and t.detained is not False):
            out.append(_veto(t.kind, url=_url("enforcement:cases-detail", t.case_id), c=t.case.code,
                             d=t.transferred_on))
    for i in _incidents(enterprise_id, year):
        if i.level in ("III", "II", "I"):
            out.append(_veto("incident", ("l",), url=_url("approvals:incidents-detail", i.pk), c=i.code,
                             d=timezone.localtime(i.occurred_at).date(), l=texts.zh_display(i, "level")))
    first, last = year_range(year)
    names = {f.name for f in Case._meta.get_fields()}
    for f in ENFORCED_FIELDS:
        if f in names:
            for c in Case.objects.filter(enterprise_id=enterprise_id, **{f"{f}__gte": first, f"{f}__lte": last}):
                out.append(_veto("enforced", url=_url("enforcement:cases-detail", c.pk), c=c.code, d=getattr(c, f)))
    for c in (Case.objects.filter(enterprise_id=enterprise_id, outcome__in=[str(o) for o in PENALTY],
                                  fine__gt=0, payment_due__gte=first, payment_due__lte=last,
                                  payment_due__lt=today, paid_on__isnull=True).order_by("payment_due", "pk")):
        if not any(v["url"] == _url("enforcement:cases-detail", c.pk) and v["kind"] == "enforced" for v in out):
            out.append(_veto("refused", url=_url("enforcement:cases-detail", c.pk), c=c.code, d=c.payment_due))
    for c in (Case.objects.filter(enterprise_id=enterprise_id, decided_on__gte=first, decided_on__lte=last,
                                  provision__in=config.get("credit_veto_provisions"),
                                  outcome__in=[str(o) for o in PENALTY]).order_by("decided_on", "pk")):
        out.append(_veto("eia", url=_url("enforcement:cases-detail", c.pk), c=c.code, p=c.cause, d=c.decided_on))
    return out


def general_incidents(enterprise_id: int, year: int) -> list[dict]:
    """一般 (Ⅳ级) incidents of the year: each lowers the grade one level, once (Guangdong practice [1S])."""
    return [{"reason": texts.sentence(VETO_TEXTS["incident"], ("l",), c=i.code,
                                      d=timezone.localtime(i.occurred_at).date(), l=texts.zh_display(i, "level")),
             "url": _url("approvals:incidents-detail", i.pk)}
            for i in _incidents(enterprise_id, year) if i.level == "IV"]
