"""Penalty cases on the kit: 立案 → 调查取证 → 案审 → 告知 → 决定 → 送达 → 执行/缴款 → 结案 (行政处罚法 2021; 生态环境行政处罚办法 2023).

Handlers for the transitions declared in workflows.py; every limit runs on core.deadlines clocks:
decision within 90 calendar days of filing (the last day rolled to a working day; 民法典 art. 203), paused
while a statement or hearing runs, extended by approval; service within 7 working days of the decision;
payment within 15 days of service, then 3 % a day of surcharge capped at the fine."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

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

from . import config, discretion
from .choices import NO_PENALTY, PENALTY, Outcome
from .models import Case, Inspector, LegalBasis, PoolEnterprise

DECISION = "decision"
STATEMENT = "statement"
SERVICE = "service"
PAYMENT = "payment"
PUBLICATION = "publication"


def decision_rule(jurisdiction=None) -> dl.Rule:
    return dl.Rule(config.get("decision_days", jurisdiction), dl.CALENDAR, roll_forward=True, label=gettext_lazy("作出处罚决定"))


def _date(value, name: str) -> dt.date:
    if value in (None, ""):
        return timezone.localdate()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise wf.TransitionError({name: _("日期格式应为 YYYY-MM-DD:%(v)s") % {"v": value}}) from None


def decision_due(case: Case) -> dt.date | None:
    c = dl.clock(case, DECISION)
    return c.due if c else None


def workflow_due(case: Case):
    if case.state in ("filed", "investigating", "reviewing", "notified"):
        return decision_due(case)
    if case.state == "decided":
        c = dl.clock(case, SERVICE)
        return c.due if c else None
    if case.state == "served":
        return case.payment_due
    return None


def hearing_right(party_type: str, fine, jurisdiction=None) -> bool:
    """较大数额: ≥ threshold, or > threshold when the figure itself is excluded (config, per jurisdiction: a
    province's own figure applies to the cases of its jurisdictions; the national figure is 生态环境行政处罚办法 art. 89 [1S])."""
    if fine is None:
        return False
    limit = Decimal(str(config.get("hearing_threshold_org" if party_type == "org" else "hearing_threshold_person",
                                   jurisdiction)))
    fine = Decimal(str(fine))
    return fine >= limit if config.get("hearing_threshold_inclusive", jurisdiction) else fine > limit


@transaction.atomic
def open_case(user, *, enterprise_id: int, cause: str, provision: str, act_date, facts: str = "",
              filed_on=None, inspection=None, handlers=(), source: str = "", party_type: str = "org",
              clue=None) -> Case:
    """File a case; from a clue (`clue`, pending, of the same enterprise) the clue is decided by it."""
    if user is not None and not has_perm(user, "enforcement.case"):
        raise PermissionDenied(_("您没有“案件办理”权限"))
    pool = PoolEnterprise.objects.filter(enterprise_id=enterprise_id).first()
    if pool is None:
        raise ValidationError({"enterprise_id": _("企业 %(e)s 不在检查对象名录库中") % {"e": enterprise_id}})
    act_date = _date(act_date, "act_date")
    filed_on = _date(filed_on, "filed_on")
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": _("立案日期不能晚于今天")})
    if act_date > filed_on:
        raise ValidationError({"act_date": _("违法行为发生日期晚于立案日期")})
    if LegalBasis.for_act(provision, act_date) is None:
        raise ValidationError({"provision": _("没有在 %(d)s 有效的“%(p)s”条款") % {"d": act_date, "p": provision}})
    if clue is None and inspection is not None:  # the inspection's own clue (recorded as 立案查处), if pending
        from .models import Clue

        clue = Clue.objects.filter(source_ref=f"enforcement.inspection:{inspection.pk}", state="pending",
                                   enterprise_id=enterprise_id).first()
    if clue is not None:
        if clue.state != "pending":
            raise ValidationError({"clue": _("线索 %(c)s 已办结") % {"c": clue.code}})
        if clue.enterprise_id != enterprise_id:
            raise ValidationError({"clue": _("线索 %(c)s 所涉企业与当事人不一致") % {"c": clue.code}})
        if filed_on < clue.received_on:
            raise ValidationError({"filed_on": _("立案日期早于收到线索日期 %(d)s") % {"d": clue.received_on}})
        source = source or clue.source_ref or clue.code
    members = list(Inspector.objects.filter(pk__in=[getattr(h, "pk", h) for h in handlers]))
    if len(members) < 2:
        raise ValidationError({"handlers": _("案件须由至少2名执法人员承办")})
    case = Case(code=f"tmp-{uuid.uuid4().hex[:12]}", enterprise_id=enterprise_id, party=pool.name,
                credit_code=pool.credit_code, jurisdiction=pool.jurisdiction, inspection=inspection, source=source,
                cause=cause, facts=facts, act_date=act_date, provision=provision, filed_on=filed_on,
                party_type=party_type, legal_basis=LegalBasis.for_act(provision, act_date))
    case.save()
    case.code = f"AJ{filed_on.year}-{case.pk:05d}"
    case.save(update_fields=["code"])
    case.handlers.set(members)
    check_created(user, case, "add")
    dl.start_clock(case, DECISION, decision_rule(case.jurisdiction), filed_on, user=user, quiet=False)
    wf.record_event(case, user, "note", note=texts.sentence(gettext_noop("立案:%(c)s"), c=cause))
    wf.sync_tasks(case, user)
    _dossier(case, user, texts.sentence(gettext_noop("立案调查 %(c)s:%(t)s"), c=case.code, t=cause))
    if clue is not None:
        from .clues import file_from

        file_from(user, clue, case)
    from .services import link_to_complaint

    for ref in dict.fromkeys(r for r in (source, getattr(inspection, "source_ref", "")) if r):
        link_to_complaint(user, ref, "case", texts.sentence(gettext_noop("立案查处 %(c)s:%(t)s"), c=case.code, t=cause),
                          f"enforcement.case:{case.pk}",
                          {"name": texts.chinese(texts.sentence(gettext_noop("行政处罚案件 %(c)s"), c=case.code)),
                           "url": reverse(
                              "enforcement:cases-detail", args=[case.pk])}, field="source")
    return case


def _dossier(case, user, title, detail=""):
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(case.enterprise_id, "enforcement.case", title, detail=detail,
                      source_ref=f"enforcement.case:{case.pk}", url=reverse("enforcement:cases-detail", args=[case.pk]),
                      actor=user)


def calculate(case: Case, levels: dict, outcome: str, fine=None) -> tuple[Decimal | None, str]:
    """The proposed fine and how it was reached; refuses an amount outside the cited article's range."""
    basis = LegalBasis.for_act(case.provision, case.act_date)
    if basis is None:
        raise wf.TransitionError({"provision": _("没有在违法行为发生日有效的处罚依据")})
    case.legal_basis = basis
    if outcome in NO_PENALTY:
        return None, ""
    reduced = outcome == Outcome.REDUCED
    method = config.get("discretion_default", case.jurisdiction)
    try:
        calc = discretion.compute(levels or {}, basis.fine_min, basis.fine_max, method=method,
                                  methods=config.get("discretion_methods", case.jurisdiction), reduced=reduced)
    except discretion.DiscretionError as exc:
        raise wf.TransitionError({"levels": str(exc)}) from None
    steps = [f"处罚依据:{basis}(违法行为发生日 {case.act_date} 有效)", *calc.steps]
    amount = calc.amount
    if fine not in (None, ""):
        try:
            amount = Decimal(str(fine)).quantize(Decimal("0.01"))
        except Exception:
            raise wf.TransitionError({"fine": _("罚款金额须为数字")}) from None
        steps.append(f"承办人确定罚款 {amount} 元(计算值 {calc.amount} 元)")
    why = discretion.in_range(amount, basis.fine_min, basis.fine_max, reduced=reduced)
    if why:
        raise wf.TransitionError({"fine": why})
    case.discretion_method = calc.method
    case.discretion_levels = calc.levels
    return amount, "\n".join(steps)


# ---- handlers ---------------------------------------------------------------------------------

def h_notify(ctx):
    case, d = ctx.obj, ctx.data
    outcome = d.get("outcome") or Outcome.PUNISH
    if outcome not in PENALTY:
        raise wf.TransitionError({"outcome": _("告知程序仅用于拟给予处罚的案件;不予处罚请选择“不予处罚”")})
    case.outcome = outcome
    case.fine, case.discretion_text = calculate(case, d.get("levels") or {}, outcome, d.get("fine"))
    case.hearing_right = hearing_right(case.party_type, case.fine, case.jurisdiction)
    case.notified_on = _date(d.get("notified_on"), "notified_on")
    dl.start_clock(case, STATEMENT, dl.Rule(config.get("statement_working_days", case.jurisdiction), dl.WORKING,
                                            label=_("陈述申辩、申请听证")), case.notified_on)
    ctx.event_data = {"fine": str(case.fine), "hearing_right": case.hearing_right}


def h_pause(ctx):
    case = ctx.obj
    if case.state != "notified":
        raise wf.TransitionError({"state": _("仅在告知后可以陈述申辩或申请听证")})
    if ctx.data.get("kind") == "hearing" and not case.hearing_right:
        raise wf.TransitionError({"kind": _("本案罚款未达听证标准,当事人无听证权利;可陈述申辩")})
    day = _date(ctx.data.get("on"), "on")
    dl.pause(ctx.user, case, DECISION, ctx.note or texts.sentence(gettext_noop("当事人陈述申辩/听证")), on=day)


def h_resume(ctx):
    case = ctx.obj
    dl.resume(ctx.user, case, DECISION, on=_date(ctx.data.get("on"), "on"), note=ctx.note)
    if ctx.note:
        case.statement = (case.statement + "\n" if case.statement else "") + ctx.note


def h_extend(ctx):
    case = ctx.obj
    days = ctx.data.get("days")
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise wf.TransitionError({"days": _("请填写延长天数")}) from None
    c = dl.clock(case, DECISION)
    if c.extension_days + days > config.get("max_extension_days", case.jurisdiction):
        raise wf.TransitionError({"days": _("延长后总计超过 %(n)s 日") % {"n": config.get("max_extension_days", case.jurisdiction)}})
    dl.extend(ctx.user, case, DECISION, days, approver=ctx.user or texts.sentence(gettext_noop("系统")), reason=ctx.note)


def h_decide(ctx):
    case, d = ctx.obj, ctx.data
    if case.outcome not in PENALTY or case.fine is None:
        raise wf.TransitionError({"fine": _("尚未确定罚款金额")})
    if "fine" in d or "levels" in d:
        case.fine, case.discretion_text = calculate(case, d.get("levels") or case.discretion_levels, case.outcome,
                                                    d.get("fine"))
    basis = case.legal_basis
    why = discretion.in_range(case.fine, basis.fine_min, basis.fine_max, reduced=case.outcome == Outcome.REDUCED)
    if why:
        raise wf.TransitionError({"fine": why})
    c = dl.clock(case, DECISION)
    if c and c.paused_since is not None:
        raise wf.TransitionError({"state": _("听证或陈述申辩尚未结束(期限中止中)")})
    case.decided_on = _date(d.get("decided_on"), "decided_on")
    case.decided_late = bool(c and case.decided_on > c.due)
    dl.stop(case, DECISION)
    dl.start_clock(case, SERVICE, dl.Rule(config.get("service_working_days", case.jurisdiction), dl.WORKING, label=gettext_lazy("送达")),
                   case.decided_on)
    dl.start_clock(case, PUBLICATION, dl.Rule(config.get("penalty_publish_working_days", case.jurisdiction), dl.WORKING,
                                              label=_("公开处罚决定")), case.decided_on)


def after_decide(ctx):
    case = ctx.obj
    _dossier(case, ctx.user, texts.sentence(gettext_noop("行政处罚决定 %(c)s:罚款 %(f)s 元"), c=case.code, f=case.fine))


def h_no_penalty(ctx):
    case, d = ctx.obj, ctx.data
    outcome = d.get("outcome")
    if outcome not in NO_PENALTY:
        raise wf.TransitionError({"outcome": _("请选择首违不罚、轻微不罚或违法事实不成立")})
    case.outcome = outcome
    calculate(case, {}, outcome)
    case.outcome_reason = ctx.note
    case.decided_on = case.closed_on = _date(d.get("decided_on"), "decided_on")
    c = dl.clock(case, DECISION)
    case.decided_late = bool(c and case.decided_on > c.due)
    dl.stop(case, DECISION)


def after_no_penalty(ctx):
    case = ctx.obj
    _dossier(case, ctx.user, texts.sentence(gettext_noop("案件 %(c)s 不予处罚:%(o)s"),
                                            ("o",), c=case.code, o=texts.zh_display(case, "outcome")))


def h_serve(ctx):
    case = ctx.obj
    case.served_on = _date(ctx.data.get("served_on"), "served_on")
    if case.served_on < case.decided_on:
        raise wf.TransitionError({"served_on": _("送达日期早于决定日期")})
    dl.stop(case, SERVICE)
    rule = dl.Rule(config.get("payment_days", case.jurisdiction), dl.CALENDAR, roll_forward=True, label=gettext_lazy("缴纳罚款"))
    case.payment_due = dl.start_clock(case, PAYMENT, rule, case.served_on).due


def h_pay(ctx):
    case = ctx.obj
    case.paid_on = _date(ctx.data.get("paid_on"), "paid_on")
    late = (case.paid_on - case.payment_due).days if case.payment_due else 0
    case.surcharge = discretion.late_surcharge(case.fine, late, config.get("surcharge_rate", case.jurisdiction))
    dl.stop(case, PAYMENT)
    ctx.event_data = {"surcharge": str(case.surcharge), "days_late": max(late, 0)}


def h_close(ctx):
    ctx.obj.closed_on = _date(ctx.data.get("closed_on"), "closed_on")


def transfers_of(enterprise, year: int | None = None, kind: str | None = None):
    """The transfers to the police of `enterprise` (an Enterprise or its id) decided in `year` (by the transfer
    decision's date), of `kind` ("detention" | "crime") or both: the query credit's one-vote veto and the statistics
    read (unscoped; the caller scopes what it shows)."""
    from .models import Transfer

    qs = Transfer.objects.filter(enterprise_id=getattr(enterprise, "pk", enterprise))
    if year is not None:
        qs = qs.filter(transferred_on__year=int(year))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("transferred_on", "pk")


def surcharge_on(case: Case, day: dt.date) -> Decimal:
    """What the party owes on top of the fine if it pays on `day`."""
    if not case.payment_due or case.fine is None:
        return Decimal("0.00")
    return discretion.late_surcharge(case.fine, (day - case.payment_due).days, config.get("surcharge_rate", case.jurisdiction))


def g_publish(user, case):
    """Guard of the publish step: a penalty decision not yet published (so the button shows only then)."""
    if case.published:
        raise wf.TransitionError({"published": _("处罚决定已公开")})
    if case.outcome not in PENALTY:
        raise wf.TransitionError({"outcome": _("只有处罚决定需要公开")})


def h_publish(ctx):
    case = ctx.obj
    g_publish(ctx.user, case)
    case.published = True
    case.published_on = _date(ctx.data.get("published_on"), "published_on")
    years = config.get("penalty_publish_years", case.jurisdiction)
    d = case.published_on
    try:
        case.publish_until = d.replace(year=d.year + years)
    except ValueError:  # 29 February
        case.publish_until = d.replace(year=d.year + years, day=28)
    dl.stop(case, PUBLICATION)


# ---------------------------------------------------------------- 法典 remapping (生态环境法典, 2026-08-15)

def citation(basis: LegalBasis | None, day: dt.date | None = None) -> dict | None:
    """A case's cited article (the one in force on the day of the act) beside the article that corresponds to it
    on `day` (today): the successor chain with each article's effective range. `changed` is False when the cited
    article is still the one in force."""
    if basis is None:
        return None
    day = day or timezone.localdate()
    chain = basis.successor_chain()
    current = basis.current(day)
    return {"cited": basis, "cited_range": basis.effective_range(), "current": current,
            "current_range": current.effective_range(), "changed": current.pk != basis.pk,
            "in_force": current.in_force_on(day),
            "chain": [{"basis": b, "range": b.effective_range()} for b in chain]}


def remap_rows(user=None, day: dt.date | None = None) -> list[dict]:
    """Each article cited by cases (in the user's scope; all for None) with the number of cases, the span of their
    act dates and the article that now corresponds to it."""
    from django.db.models import Count, Max, Min

    from envbureau.core.scoping import restrict

    qs = Case.objects.filter(legal_basis__isnull=False)
    if user is not None:
        qs = restrict(qs, user, "view")
    cited = {r["legal_basis"]: r for r in qs.values("legal_basis").annotate(
        n=Count("id"), first=Min("act_date"), last=Max("act_date"))}
    rows = []
    for b in LegalBasis.objects.filter(pk__in=list(cited)).order_by("instrument", "provision", "effective_from"):
        c = citation(b, day)
        r = cited[b.pk]
        rows.append({**c, "cases": r["n"], "first_act": r["first"], "last_act": r["last"]})
    return rows


def remap_json(rows: list[dict]) -> list[dict]:
    def art(b):
        return {"id": b.pk, "provision": b.provision, "instrument": b.instrument, "article": b.article,
                "effective_from": b.effective_from.isoformat(),
                "effective_to": b.effective_to.isoformat() if b.effective_to else None}

    return [{"cited": art(r["cited"]), "cases": r["cases"], "first_act": r["first_act"].isoformat(),
             "last_act": r["last_act"].isoformat(), "current": art(r["current"]), "changed": r["changed"],
             "current_in_force": r["in_force"], "chain": [art(x["basis"]) for x in r["chain"]]} for r in rows]
