"""Orders and coercive measures beside a case, and the daily continuing penalty (环境保护法 arts. 25, 59, 60; MEP Orders No. 28–30 of 2014).

责令改正 (order to correct): served, then re-inspected within 30 days of service; a re-inspection that finds the
violation continuing (or is obstructed) lets a 按日连续处罚 be decided. 查封、扣押: at most 30 days from the
decision, extended once by at most 30 days, then released; a release request is checked within 5 working days
and the release decision served within 3. 限制生产: at most 3 months from the decision, extended by at most 3
months; 停产整治: from service until released. Before either, the party is told of its rights to state, defend and
ask for a hearing (Order No. 30 art. 11); after service it files a correction plan within 15 working days (art.
16); after release the bureau checks again within 30 days (art. 20). Every limit runs on a core.deadlines clock;
every step is a transition of the `enforcement.measure` workflow (workflows.py).

查封、扣押 in an emergency may be taken on the spot and approved by the head afterwards, within 24 hours (Order
No. 29 art. 13): such a seizure starts in the state 待补办批准 with a task whose limit is counted in clock hours
(the job `measures_watch` flags it the minute it runs over; the head may instead release it at once). Within its
term (30 days, once extended by at most 30) a seizure must be dealt with: released, or a 处理决定 made (transfer
to the police with the seized items, art. 22; confiscation or destruction, 行政强制法 art. 27); the open task
carries the term's last day, so the kit's reminders warn before it and flag it overdue after."""

from __future__ import annotations

import datetime as dt
import uuid

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import deadlines as dl
from envbureau.core import notify as _notify
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created
from envbureau.core.timefmt import local_date

from . import config, discretion
from .cases import _date
from .choices import PENALTY, REFUSED, MeasureKind, MeasureState, RecheckResult, SeizureDisposal
from .models import Case, Inspection, Measure

# a notice's sentence, worded per reader when shown (core.notify: facts in the notification)
SEIZURE_OVERDUE = gettext_noop("%(c)s 当场实施的查封、扣押已超过 %(h)s 小时仍未补办负责人批准(应于 %(d)s 前)")
_notify.register_texts({"enforcement.seizure_overdue": SEIZURE_OVERDUE})

K = MeasureKind
SERVICE = "service"
RECHECK = "recheck"
DURATION = "duration"
PAYMENT = "payment"
HEARING = "hearing"  # 限产/停产: the party's window to state or ask for a hearing
PLAN = "plan"  # 限产/停产: correction plan filed
FOLLOW_UP = "follow_up"  # 限产/停产: follow-up check after release
RELEASE_CHECK = "release_check"  # 查封扣押: a release request checked and decided
RELEASE_SERVICE = "release_service"  # 查封扣押: the release decision served
PUBLICATION = "publication"  # 查封扣押: the decision published (Order No. 29 art. 7)
CLOCKS = (HEARING, SERVICE, RECHECK, DURATION, PLAN, RELEASE_CHECK, RELEASE_SERVICE, FOLLOW_UP, PAYMENT, PUBLICATION)
PREFIX = {K.CORRECTION: "GZ", K.SEIZURE: "CK", K.LIMIT: "XC", K.STOP: "TC", K.DAILY: "AR"}
ORDERS = (K.CORRECTION, K.SEIZURE, K.LIMIT, K.STOP)


def _service_rule():
    return dl.Rule(config.get("measure_service_working_days"), dl.WORKING, label=gettext_lazy("送达决定书"))


def hearing_rule():
    return dl.Rule(config.get("statement_working_days"), dl.WORKING, label=gettext_lazy("陈述申辩、听证申请期限"))


def check_rights_notice(decided_on: dt.date, notified_on, *, waived: bool = False, heard_on=None) -> dict:
    """限制生产/停产整治 may be decided only after the party was told of its rights (Order No. 30 art. 11) and its
    window to state or ask for a hearing (5 working days, 行政处罚法 arts. 64, 85) has passed — unless it waived
    them in writing or the statement/hearing has been held. Returns the fields to store."""
    if notified_on in (None, ""):
        raise ValidationError({"notified_on": _(
            "作出限制生产、停产整治决定前应告知当事人陈述、申辩和要求听证的权利:请填写告知日期")})
    notified_on = _date(notified_on, "notified_on")
    if notified_on > decided_on:
        raise ValidationError({"notified_on": _("告知日期晚于决定日期")})
    heard = _date(heard_on, "hearing_held_on") if heard_on not in (None, "") else None
    if heard is not None and not notified_on <= heard <= decided_on:
        raise ValidationError({"hearing_held_on": _("陈述申辩或听证办结日期应在告知日期与决定日期之间")})
    last = hearing_rule().due(notified_on)
    if heard is None and not waived and decided_on <= last:
        raise ValidationError({"decided_on": _(
            "当事人可在 %(d)s 前(含当日)陈述申辩或要求听证,决定日期应晚于该日(当事人明确放弃或已办结的除外)") % {
            "d": local_date(last)}})
    return {"notified_on": notified_on, "rights_waived": bool(waived), "hearing_held_on": heard}


def _new(case: Case, kind: str, decided_on: dt.date, **fields) -> Measure:
    m = Measure(code=f"tmp-{uuid.uuid4().hex[:12]}", case=case, kind=kind, enterprise_id=case.enterprise_id,
                party=case.party, jurisdiction=case.jurisdiction, decided_on=decided_on,
                basis=config.get("measure_bases").get(kind, ""), **fields)
    m.save()
    n = Measure.objects.filter(case=case, kind=kind, pk__lte=m.pk).count()
    m.code = f"{case.code}-{PREFIX[kind]}{n}"
    m.save(update_fields=["code"])
    return m


def _dossier(m: Measure, user, title: str) -> None:
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(m.enterprise_id, "enforcement.measure", title, source_ref=f"enforcement.measure:{m.pk}",
                      url=reverse("enforcement:measures-detail", args=[m.pk]), actor=user)


def _may_decide(user, case: Case) -> None:
    if user is not None and not has_perm(user, "enforcement.decide"):
        raise PermissionDenied(_("您没有“处罚决定”权限"))


def _datetime(value, name: str) -> dt.datetime:
    """An aware datetime from a form or API value (local time when none is given), or a clear error."""
    from envbureau.core.importing import parse_local_datetime

    parsed = None
    if value not in (None, ""):
        try:
            parsed = parse_local_datetime(value)
        except (TypeError, ValueError):
            parsed = None
    if parsed is None:
        raise ValidationError({name: _("时间格式应为 YYYY-MM-DD HH:MM:%(v)s") % {"v": value if value else "—"}})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def approval_limit(taken_at: dt.datetime) -> dt.datetime:
    """The moment by which the head must approve a seizure taken on the spot (Order No. 29 art. 13)."""
    return dl.hours_after(taken_at, config.get("emergency_approval_hours"))


def approval_overdue(m: Measure, now=None) -> bool:
    """An on-the-spot seizure still waiting for the head's approval after its limit."""
    now = now or timezone.now()
    return m.state == MeasureState.PENDING and m.approval_due is not None and now > m.approval_due


@transaction.atomic
def order(user, case: Case, *, kind: str, decided_on=None, content: str = "", reason: str = "",
          correct_by=None, notified_on=None, rights_waived=False, hearing_held_on=None,
          on_the_spot=False, taken_at=None) -> Measure:
    """Decide an order or coercive measure on `case` (责令改正, 查封扣押, 限制生产, 停产整治); 限制生产 and 停产整治
    need the date the party was told of its rights (`notified_on`), and `rights_waived` / `hearing_held_on`
    when it decided before the window to ask for a hearing ran out. A 查封扣押 taken on the spot in an emergency
    (`on_the_spot`, `taken_at`: when it was executed) waits for the head's approval, due 24 hours later."""
    _may_decide(user, case)
    if kind not in ORDERS:
        raise ValidationError({"kind": _("措施类型应为责令改正、查封扣押、限制生产或停产整治")})
    spot = {}
    if on_the_spot:
        if kind != K.SEIZURE:
            raise ValidationError({"on_the_spot": _("只有查封、扣押可以在情况紧急时当场实施、事后补办批准")})
        taken = _datetime(taken_at, "taken_at")
        if taken > timezone.now():
            raise ValidationError({"taken_at": _("当场实施时间不能晚于现在")})
        day = timezone.localtime(taken).date()
        if decided_on not in (None, "") and _date(decided_on, "decided_on") != day:
            raise ValidationError({"decided_on": _("当场实施的查封、扣押,决定日期即实施日期 %(d)s") % {
                "d": local_date(day)}})
        decided_on = day
        # the decision is handed over on the spot (art. 14): served when executed
        spot = {"on_the_spot": True, "taken_at": taken, "approval_due": approval_limit(taken),
                "state": MeasureState.PENDING, "served_on": day}
    if kind != K.CORRECTION and case.state == "closed":
        raise ValidationError({"kind": _("案件已结案,不能再采取%(k)s") % {"k": K(kind).label}})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": _("请填写决定内容(改正要求、查封扣押清单或限产停产要求)")})
    decided_on = _date(decided_on, "decided_on")
    if decided_on < case.act_date:
        raise ValidationError({"decided_on": _("决定日期早于违法行为发生日期")})
    fields = {"content": content, "reason": (reason or "").strip() or case.facts}
    if kind == K.CORRECTION:
        correct_by = _date(correct_by, "correct_by") if correct_by not in (None, "") else decided_on
        if correct_by < decided_on:
            raise ValidationError({"correct_by": _("改正期限早于决定日期")})
        fields["correct_by"] = correct_by
    if kind in (K.LIMIT, K.STOP):
        fields.update(check_rights_notice(decided_on, notified_on, waived=rights_waived, heard_on=hearing_held_on))
    m = _new(case, kind, decided_on, **fields, **spot)
    check_created(user, m, "add")
    if kind == K.SEIZURE:
        rule = dl.Rule(config.get("seizure_days"), dl.CALENDAR, label=gettext_lazy("查封、扣押期限"))
        m.ends_on = dl.start_clock(m, DURATION, rule, decided_on).due
        rule = dl.Rule(config.get("seizure_publish_working_days"), dl.WORKING, label=gettext_lazy("公开查封、扣押决定"))
        m.publish_due = dl.start_clock(m, PUBLICATION, rule, decided_on).due
    elif kind == K.LIMIT:
        end = decided_on + relativedelta(months=config.get("limit_months"))
        rule = dl.Rule((end - decided_on).days, dl.CALENDAR, label=gettext_lazy("限制生产期限"))
        m.ends_on = dl.start_clock(m, DURATION, rule, decided_on).due
    if kind in (K.LIMIT, K.STOP):
        dl.start_clock(m, HEARING, hearing_rule(), m.notified_on)
        dl.stop(m, HEARING)  # the window ran before the decision; kept on the page as a finished limit
        dl.start_clock(m, SERVICE, _service_rule(), decided_on)
    m.save(update_fields=["ends_on", "publish_due"])
    wf.record_event(m, user, "open", to_state=m.state,
                    note=texts.sentence(gettext_noop("%(k)s决定:%(c)s"), ("k",), k=texts.zh_display(m, "kind"), c=content[:100]))
    wf.sync_tasks(m, user)
    wf.record_event(case, user, "note", note=texts.sentence(gettext_noop("作出%(k)s决定 %(c)s"), ("k",), k=texts.zh_display(m, "kind"), c=m.code))
    _dossier(m, user, texts.sentence(gettext_noop("%(k)s决定 %(c)s"),
                                     ("k",), k=texts.zh_display(m, "kind"), c=m.code))
    return m


def refused_orders(case: Case):
    """Orders to correct of `case` whose re-inspection found refusal and that no daily penalty counted yet."""
    return (Measure.objects.filter(case=case, kind=K.CORRECTION, recheck_result__in=list(REFUSED))
            .exclude(daily_penalties__isnull=False).order_by("served_on", "pk"))


def daily_calculation(case: Case, orders) -> dict:
    """Days, amount and the text of how they were reached (Order No. 28 arts. 17–19)."""
    if case.outcome not in PENALTY or case.decided_on is None or case.fine is None:
        raise ValidationError({"case": _("原行政处罚决定尚未作出,不能按日连续处罚(应先作出处罚决定)")})
    orders = sorted(orders, key=lambda o: (o.served_on or dt.date.min, o.pk))
    if not orders:
        raise ValidationError({"orders": _("请选择复查发现拒不改正的责令改正决定")})
    for o in orders:
        if o.case_id != case.pk or o.kind != K.CORRECTION:
            raise ValidationError({"orders": _("%(c)s 不是本案的责令改正决定") % {"c": o.code}})
        if o.recheck_result not in REFUSED or o.served_on is None or o.rechecked_on is None:
            raise ValidationError({"orders": _("%(c)s 复查未发现拒不改正") % {"c": o.code}})
        if o.daily_penalties.exists():
            raise ValidationError({"orders": _("%(c)s 已计入按日连续处罚") % {"c": o.code}})
    try:
        days, total = discretion.daily_penalty(case.fine, [(o.served_on, o.rechecked_on) for o in orders])
    except discretion.DiscretionError as exc:
        raise ValidationError({"orders": str(exc)}) from None
    steps = []
    for o in orders:
        n = (o.rechecked_on - o.served_on).days
        steps.append(_("%(c)s 于 %(s)s 送达,%(r)s 复查%(how)s:自 %(a)s 起至 %(r)s 止,计 %(n)s 日") % {
            "c": o.code, "s": o.served_on, "r": o.rechecked_on, "how": o.get_recheck_result_display(),
            "a": o.served_on + dt.timedelta(days=1), "n": n})
    steps.append(_("原处罚决定 %(c)s 罚款 %(f)s 元 × %(d)s 日 = %(t)s 元") % {
        "c": case.code, "f": f"{case.fine:,.2f}", "d": days, "t": f"{total:,.2f}"})
    return {"orders": orders, "days": days, "total": total, "start": orders[0].served_on + dt.timedelta(days=1),
            "end": max(o.rechecked_on for o in orders), "text": "\n".join(steps)}


@transaction.atomic
def record_daily_penalty(user, case: Case, *, orders, decided_on=None, reason: str = "") -> Measure:
    """Record a 按日连续处罚 decision: original fine × the days from the day after each order's service up to
    the re-inspection that found the violation continuing (days accumulate over repeated orders)."""
    _may_decide(user, case)
    picked = list(Measure.objects.filter(pk__in=[getattr(o, "pk", o) for o in orders]))
    if len(picked) != len({getattr(o, "pk", o) for o in orders}):
        raise ValidationError({"orders": _("所选责令改正决定不存在")})
    calc = daily_calculation(case, picked)
    decided_on = _date(decided_on, "decided_on")
    if decided_on < calc["end"] or decided_on < case.decided_on:
        raise ValidationError({"decided_on": _("按日连续处罚决定应在原处罚决定和复查之后作出(不早于 %(d)s)") % {
            "d": max(calc["end"], case.decided_on)}})
    facts = reason.strip() or "\n".join(
        _("%(c)s 要求:%(x)s;复查:%(r)s") % {"c": o.code, "x": o.content, "r": o.get_recheck_result_display()}
        for o in calc["orders"])
    m = _new(case, K.DAILY, decided_on, reason=facts, content=calc["text"], period_start=calc["start"],
             period_end=calc["end"], days=calc["days"], daily_amount=case.fine, fine=calc["total"],
             calculation=calc["text"])
    m.orders.set(calc["orders"])
    check_created(user, m, "add")
    dl.start_clock(m, SERVICE, _service_rule(), decided_on)
    wf.record_event(m, user, "open", to_state=m.state, note=calc["text"])
    wf.sync_tasks(m, user)
    wf.record_event(case, user, "note", note=texts.sentence(gettext_noop("按日连续处罚决定 %(c)s:%(d)s 日,罚款 %(t)s 元"), c=m.code, d=calc["days"], t=f"{calc['total']:,.2f}"))
    _dossier(m, user, texts.sentence(gettext_noop("按日连续处罚决定 %(c)s:罚款 %(t)s 元"),
                                     c=m.code, t=f"{calc['total']:,.2f}"))
    return m


# ---- workflow handlers ------------------------------------------------------------------------------

def workflow_due(m: Measure):
    """The open step's due date: the state's own limit, or a plan / release request waiting sooner."""
    running = [c.due for c in (dl.clock(m, k) for k in (PLAN, RELEASE_CHECK)) if c and not c.stopped_at]
    if m.state == MeasureState.PENDING:  # the head's approval, due within hours: the day it falls on
        return timezone.localtime(m.approval_due).date() if m.approval_due else None
    if m.state == "decided":
        c = dl.clock(m, SERVICE)
        base = c.due if c and not c.stopped_at else m.ends_on
    elif m.state == "in_force":
        base = {K.CORRECTION: m.recheck_due, K.SEIZURE: m.ends_on, K.LIMIT: m.ends_on,
                K.DAILY: m.payment_due}.get(m.kind)
    else:
        return None
    return min([d for d in [base, *running] if d], default=None)


def pending_task(m: Measure) -> str:
    """The open step's words while an on-the-spot seizure waits for the head's approval (with its hour)."""
    from envbureau.core.timefmt import local_datetime

    return _("负责人补办查封、扣押批准手续(%(t)s前)") % {"t": local_datetime(m.approval_due)}


def in_force_task(m: Measure) -> str:
    """The open step's words while a measure is in force: a seizure must be released or dealt with in its term
    (the task's due date is the term's last day and follows an extension)."""
    if m.kind == K.SEIZURE:
        return _("期限内解除查封、扣押或作出处理决定")
    return _("复查、解除或督促缴款")


def after_same_state(ctx):
    """A step that keeps the state may move the open task's due date (a plan filed, a release request)."""
    wf.refresh_due(ctx.obj)


def only(*kinds, when=None):
    """Guard: the step exists for these kinds of measure (and, with `when`, only while when(m) holds), so its
    button shows only then."""
    def guard(user, m):
        if m.kind not in kinds:
            raise wf.TransitionError({"kind": _("%(k)s没有此步骤") % {"k": m.get_kind_display()}})
        if when is not None and not when(m):
            raise wf.TransitionError({"state": _("现在不能办理此步骤")})
    return guard


def plan_open(m: Measure) -> bool:
    return m.plan_filed_on is None


def release_unserved(m: Measure) -> bool:
    return m.kind == K.SEIZURE and m.released_on is not None and m.release_served_on is None


def follow_up_open(m: Measure) -> bool:
    return m.released_on is not None and m.followed_up_on is None


def may_request_release(m: Measure) -> bool:
    return not release_pending(m)


def h_serve(ctx):
    m = ctx.obj
    m.served_on = _date(ctx.data.get("served_on"), "served_on")
    if m.served_on < m.decided_on:
        raise wf.TransitionError({"served_on": _("送达日期早于决定日期")})
    dl.stop(m, SERVICE)
    if m.kind in (K.LIMIT, K.STOP):
        rule = dl.Rule(config.get("plan_working_days"), dl.WORKING, label=gettext_lazy("整改方案备案"))
        dl.start_clock(m, PLAN, rule, m.served_on)
    if m.kind == K.CORRECTION:
        rule = dl.Rule(config.get("recheck_days"), dl.CALENDAR, label=gettext_lazy("复查"))
        m.recheck_due = dl.start_clock(m, RECHECK, rule, m.served_on).due
    elif m.kind == K.DAILY:
        rule = dl.Rule(config.get("payment_days"), dl.CALENDAR, roll_forward=True, label=gettext_lazy("缴纳罚款"))
        m.payment_due = dl.start_clock(m, PAYMENT, rule, m.served_on).due


def h_approve(ctx):
    """The head approves an on-the-spot seizure afterwards (补办批准); late when after the 24-hour limit."""
    m = ctx.obj
    step = dl.hour_step(ctx.data.get("approved_at"), start=m.taken_at, due=m.approval_due, field="approved_at",
                        before_start=_("批准时间早于当场实施时间"), future=_("批准时间不能晚于现在"))
    m.approved_at, m.approval_late, ctx.event_data = step.at, step.late, step.event_data


def h_dispose(ctx):
    """A 处理决定 on the seized or sealed facilities within the term (移送公安机关 with them, 没收, 销毁): the
    seizure ends; made after the term it is recorded as late."""
    m = ctx.obj
    kind = str(ctx.data.get("disposal") or "")
    if kind not in SeizureDisposal.values:
        raise wf.TransitionError({"disposal": _("请选择处理决定:移送公安机关、依法没收或依法销毁")})
    on = _date(ctx.data.get("disposed_on"), "disposed_on")
    if on < m.decided_on:
        raise wf.TransitionError({"disposed_on": _("处理决定日期早于查封、扣押决定日期")})
    m.disposal, m.disposed_on, m.disposal_reason = kind, on, ctx.note
    dl.stop(m, DURATION)
    ctx.event_data = {"disposal": kind, "late": late(m, DURATION, on)}


def h_extend(ctx):
    m = ctx.obj
    try:
        days = int(ctx.data.get("days"))
    except (TypeError, ValueError):
        raise wf.TransitionError({"days": _("请填写延长天数")}) from None
    if days <= 0:
        raise wf.TransitionError({"days": _("延长天数须大于0")})
    if m.kind == K.SEIZURE:
        cap = config.get("seizure_max_extension_days")
    else:  # 限制生产: by at most N months after the first end
        first_end = m.ends_on - dt.timedelta(days=m.extended_days)
        cap = (first_end + relativedelta(months=config.get("limit_max_extension_months")) - first_end).days
    if m.extended_days + days > cap:
        raise wf.TransitionError({"days": _("延长后总计超过 %(n)s 日") % {"n": cap}})
    c = dl.extend(ctx.user, m, DURATION, days, approver=ctx.user or texts.sentence(gettext_noop("系统")),
                  reason=ctx.note)
    m.extended_days += days
    m.ends_on = c.due


def h_release(ctx):
    m = ctx.obj
    m.released_on = _date(ctx.data.get("released_on"), "released_on")
    if m.released_on < m.decided_on:
        raise wf.TransitionError({"released_on": _("解除日期早于决定日期")})
    m.release_reason = ctx.note
    dl.stop(m, DURATION)
    dl.stop(m, SERVICE)
    if release_pending(m):
        m.release_answered_on = m.released_on
        dl.stop(m, RELEASE_CHECK)
    if m.kind == K.SEIZURE:
        rule = dl.Rule(config.get("release_service_working_days"), dl.WORKING, label=gettext_lazy("送达解除决定"))
        dl.start_clock(m, RELEASE_SERVICE, rule, m.released_on)
    else:
        rule = dl.Rule(config.get("follow_up_days"), dl.CALENDAR, label=gettext_lazy("解除后跟踪检查"))
        dl.start_clock(m, FOLLOW_UP, rule, m.released_on)
        dl.stop(m, PLAN)


def h_publish(ctx):
    """A seizure's decision published on the public pages (Order No. 29 art. 7), by hand or by the job
    enforcement_autopublish; from then on the public page also shows its extension and its release or 处理决定."""
    m = ctx.obj
    if m.published:
        raise wf.TransitionError({"published": _("查封、扣押决定已公开")})
    on = ctx.data.get("published_on")
    m.published_on = _date(on, "published_on") if on not in (None, "") else timezone.localdate()
    if m.published_on < m.decided_on:
        raise wf.TransitionError({"published_on": _("公开日期早于决定日期")})
    m.published = True
    dl.stop(m, PUBLICATION)
    ctx.event_data = {"late": late(m, PUBLICATION, m.published_on)}


def not_published(m: Measure) -> bool:
    return not m.published


def _running(m: Measure, key: str) -> bool:
    c = dl.clock(m, key)
    return c is not None and c.stopped_at is None


def release_pending(m: Measure) -> bool:
    """A seizure's release request not yet checked and decided."""
    return m.kind == K.SEIZURE and _running(m, RELEASE_CHECK)


def late(m: Measure, key: str, on) -> bool:
    """Whether a step done on `on` came after the last day of the clock `key` (one of CLOCKS)."""
    c = dl.clock(m, key)
    return bool(c and on and on > c.due)


def late_steps(m: Measure) -> list[str]:
    """The steps done after their time limit, in words, for the measure's page."""
    out = []
    if m.kind == K.SEIZURE and m.approval_late:
        from envbureau.core.timefmt import local_datetime

        out.append(_("补办批准超时(应于 %(d)s 前,实际 %(a)s)") % {"d": local_datetime(m.approval_due),
                                                           "a": local_datetime(m.approved_at)})
    ended = m.disposed_on or (m.released_on if m.kind == K.SEIZURE else None)
    if ended and m.ends_on and ended > m.ends_on:
        out.append(_("查封、扣押期限届满后才解除或作出处理决定(期满 %(d)s,实际 %(a)s)") % {
            "d": local_date(m.ends_on), "a": local_date(ended)})
    for key, on, label in ((PUBLICATION, m.published_on, _("公开查封、扣押决定")),
                           (PLAN, m.plan_filed_on, _("整改方案备案")), (RELEASE_CHECK, m.release_answered_on,
                           _("解除申请核查决定")), (RELEASE_SERVICE, m.release_served_on, _("送达解除决定")),
                           (FOLLOW_UP, m.followed_up_on, _("跟踪检查"))):
        if late(m, key, on):
            out.append(_("%(s)s超期(期满 %(d)s,实际 %(a)s)") % {"s": label, "d": local_date(dl.clock(m, key).due),
                                                           "a": local_date(on)})
    return out


def h_file_plan(ctx):
    """The party filed its correction plan (整改方案备案)."""
    m = ctx.obj
    if m.plan_filed_on:
        raise wf.TransitionError({"plan_filed_on": _("整改方案已于 %(d)s 备案") % {"d": local_date(m.plan_filed_on)}})
    m.plan_filed_on = _date(ctx.data.get("plan_filed_on"), "plan_filed_on")
    if m.plan_filed_on < m.served_on:
        raise wf.TransitionError({"plan_filed_on": _("备案日期早于送达日期")})
    dl.stop(m, PLAN)
    ctx.event_data = {"late": late(m, PLAN, m.plan_filed_on)}


def h_request_release(ctx):
    m = ctx.obj
    if release_pending(m):
        raise wf.TransitionError({"release_requested_on": _("已有解除申请待核查")})
    m.release_requested_on = _date(ctx.data.get("release_requested_on"), "release_requested_on")
    if m.release_requested_on < m.decided_on:
        raise wf.TransitionError({"release_requested_on": _("申请日期早于决定日期")})
    m.release_answered_on = None
    rule = dl.Rule(config.get("release_check_working_days"), dl.WORKING, label=gettext_lazy("解除申请核查决定"))
    dl.start_clock(m, RELEASE_CHECK, rule, m.release_requested_on)


def h_keep(ctx):
    """Checked on request and not corrected: the seizure stands (维持查封、扣押, Order No. 29 art. 19 (2))."""
    m = ctx.obj
    if not release_pending(m):
        raise wf.TransitionError({"kept_on": _("没有待核查的解除申请")})
    m.release_answered_on = _date(ctx.data.get("kept_on"), "kept_on")
    if m.release_answered_on < m.release_requested_on:
        raise wf.TransitionError({"kept_on": _("核查决定日期早于申请日期")})
    dl.stop(m, RELEASE_CHECK)
    ctx.event_data = {"late": late(m, RELEASE_CHECK, m.release_answered_on)}


def _after_release(ctx, field: str, key: str, nothing: str, early: str) -> None:
    """A step due after the release (its decision served, the follow-up check): once, dated on or after the
    release, stopping the clock `key`; the event says whether it came after its time limit."""
    m = ctx.obj
    if m.released_on is None or getattr(m, field):
        raise wf.TransitionError({field: nothing})
    on = _date(ctx.data.get(field), field)
    if on < m.released_on:
        raise wf.TransitionError({field: early})
    setattr(m, field, on)
    dl.stop(m, key)
    ctx.event_data = {"late": late(m, key, on)}


def h_serve_release(ctx):
    _after_release(ctx, "release_served_on", RELEASE_SERVICE, _("没有待送达的解除决定"), _("送达日期早于解除日期"))


def h_follow_up(ctx):
    _after_release(ctx, "followed_up_on", FOLLOW_UP, _("没有待跟踪检查的解除决定"), _("跟踪检查日期早于解除日期"))


def h_recheck(ctx):
    m, d = ctx.obj, ctx.data
    result = d.get("recheck_result")
    if result not in RecheckResult.values:
        raise wf.TransitionError({"recheck_result": _("请选择复查结果")})
    m.rechecked_on = _date(d.get("rechecked_on"), "rechecked_on")
    if m.rechecked_on <= m.served_on:
        raise wf.TransitionError({"rechecked_on": _("复查日期须晚于送达日期")})
    insp = d.get("inspection")
    if insp not in (None, ""):
        from envbureau.core.scoping import restrict

        try:
            qs = Inspection.objects.filter(pk=int(getattr(insp, "pk", insp)), enterprise_id=m.enterprise_id)
        except (TypeError, ValueError):
            raise wf.TransitionError({"inspection": _("复查检查应为检查记录编号")}) from None
        found = (restrict(qs, ctx.user, "view") if ctx.user is not None else qs).first()
        if found is None:
            raise wf.TransitionError({"inspection": _("没有该企业的此次检查记录")})
        m.recheck_inspection = found
    m.recheck_result = result
    m.recheck_late = bool(m.recheck_due and m.rechecked_on > m.recheck_due)
    dl.stop(m, RECHECK)
    ctx.event_data = {"recheck_result": result}


def after_recheck(ctx):
    m = ctx.obj
    _dossier(m, ctx.user, texts.sentence(gettext_noop("复查 %(c)s:%(r)s"),
                                         ("r",), c=m.code, r=texts.zh_display(m, "recheck_result")))


def h_pay(ctx):
    m = ctx.obj
    m.paid_on = _date(ctx.data.get("paid_on"), "paid_on")
    if m.paid_on < m.served_on:
        raise wf.TransitionError({"paid_on": _("缴款日期早于送达日期")})
    dl.stop(m, PAYMENT)


def expired(m: Measure, day: dt.date) -> bool:
    """A seizure or production limit still standing after its last day has outrun its legal term."""
    return m.kind in (K.SEIZURE, K.LIMIT) and m.state != "ended" and m.ends_on is not None and day > m.ends_on


def watch(now=None) -> int:
    """Scheduled (envbureau measures_watch): an on-the-spot seizure still without the head's approval past its
    24-hour limit is written on its timeline and its people told — once, to the minute (the kit's own reminders
    count days). Returns how many were flagged."""
    from envbureau.core import notify

    now = now or timezone.now()
    n = 0
    for m in Measure.objects.filter(state=MeasureState.PENDING, approval_due__lt=now, approval_overdue_noted=False):
        from envbureau.core.timefmt import local_datetime

        with transaction.atomic():
            m.approval_overdue_noted = True
            m.save(update_fields=["approval_overdue_noted"])
            facts = {"msg": "enforcement.seizure_overdue", "args": {
                "c": m.code, "h": config.get("emergency_approval_hours"), "d": local_datetime(m.approval_due)}}
            wf.record_event(m, None, "overdue", note=texts.sentence(SEIZURE_OVERDUE, **facts["args"]))
            people = set()
            for task in wf.open_tasks(m):
                people |= set(notify.recipients(task))
            notify.notify(people, "overdue", url=reverse("enforcement:measures-detail", args=[m.pk]), obj=m,
                          facts=facts,
                          key=f"seizure-approval-overdue-{m.pk}-{m.approval_due.isoformat()}")
        n += 1
    return n


def total_days(m: Measure) -> int | None:
    """The measure's length in days (seizure or production limit), extensions included."""
    return (m.ends_on - m.decided_on).days if m.ends_on else None


def describe_period(m: Measure) -> str:
    if m.kind in (K.SEIZURE, K.LIMIT) and m.ends_on:
        return _("自 %(a)s 起至 %(b)s 止,共 %(n)s 日") % {"a": local_date(m.decided_on), "b": local_date(m.ends_on),
                                                     "n": total_days(m)}
    if m.kind == K.STOP:  # Order No. 30 art. 15: from service of the decision until it is released
        if m.released_on:
            return _("自 %(a)s 起至 %(b)s 止") % {"a": local_date(m.served_on or m.decided_on),
                                                "b": local_date(m.released_on)}
        if m.served_on:
            return _("自 %(a)s 起至整治完成、报备之日止") % {"a": local_date(m.served_on)}
        return _("自决定书送达之日起至整治完成、报备之日止")
    if m.kind == K.DAILY and m.period_start:
        return _("自 %(a)s 起至 %(b)s 止,共 %(n)s 日") % {"a": local_date(m.period_start),
                                                     "b": local_date(m.period_end), "n": m.days}
    return ""


