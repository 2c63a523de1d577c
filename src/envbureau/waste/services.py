"""Domain verbs of the waste module. State changes run through core.workflow (workflows.py calls the
handlers below); every function takes the acting user (None = trusted system path) and checks scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.importing import parse_local_datetime, parse_number
from envbureau.core.permissions import grants_for, has_perm
from envbureau.core.scoping import check_created
from envbureau.core.timefmt import local_date

from . import config, rules
from .choices import AlertKind, ManifestState
from .models import (
    Alert,
    CrossProvinceApplication,
    CrossProvinceApproval,
    Declaration,
    Licence,
    Manifest,
    Operator,
    Producer,
    Stock,
)

# ---- small helpers -------------------------------------------------------------------------------

def _tonnes(value, field: str, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: [_("必填项为空")]})
        return None
    num = parse_number(value, "吨")
    if num is None or num < 0:
        raise ValidationError({field: [_("“%(v)s”不是有效的吨数") % {"v": value}]})
    return num.quantize(Decimal("0.001"))


def _date(value, field: str, default=None) -> dt.date:
    if value in (None, ""):
        return default or timezone.localdate()
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_local_datetime(value)
    if parsed is None:
        raise ValidationError({field: [_("日期格式应为 YYYY-MM-DD")]})
    return timezone.localtime(parsed).date() if timezone.is_aware(parsed) else parsed.date()


def enterprise_ids(user) -> set | None:
    """The enterprises an enterprise-bound user acts for; None for bureau users."""
    if user is None:
        return None
    grants = grants_for(user)
    if grants and all(g.enterprise_id is not None for g in grants):
        return {g.enterprise_id for g in grants}
    return None


def party_guard(side: str, check=None):
    """A transition only the producer ("producer"), the receiver ("receiver") or the carrier ("transporter")
    may do as an enterprise; bureau users with the permission act for any of them. ``check(obj)`` adds a
    condition of the step (raising ValidationError) for everyone."""

    def guard(user, obj):
        ids = enterprise_ids(user)
        if ids is not None:
            own = getattr(obj, f"{side}_enterprise_id", None)
            if own is None or own not in ids:
                raise PermissionDenied({"producer": _("只有移出单位可以办理此步骤"),
                                        "receiver": _("只有接受单位可以办理此步骤"),
                                        "transporter": _("只有承运单位可以办理此步骤")}[side])
        if check is not None:
            check(obj)
    return guard


def _dossier(enterprise_id, title, obj, user, detail=""):
    if not enterprise_id:
        return
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(enterprise_id, f"waste.{obj._meta.model_name}", title, detail=detail,
                      source_ref=f"waste.{obj._meta.model_name}:{obj.pk}", url=wf_url(obj), actor=user)


def _neutral_period(d) -> str:
    """A declaration's period in digits (2026-03, 2026-Q1, 2026): the same in every language, so a dossier line
    stores it as it is."""
    s = d.period_start
    return {"month": f"{s:%Y-%m}", "quarter": f"{s.year}-Q{(s.month - 1) // 3 + 1}"}.get(d.period, str(s.year))


def wf_url(obj) -> str:
    names = {"manifest": "waste:manifests-detail", "declaration": "waste:declarations-detail",
             "crossprovinceapplication": "waste:applications-detail",
             "alert": "waste:alerts-detail", "licence": "waste:licences-detail"}
    name = names.get(obj._meta.model_name)
    return reverse(name, args=[obj.pk]) if name else ""


# ---- manifests -----------------------------------------------------------------------------------

def next_number(producer: Producer, year: int) -> str:
    prefix = f"{year:04d}{producer.jurisdiction.code[:4]}"
    last = Manifest.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    serial = int(last[-6:]) + 1 if last else 1
    if serial > 999999:
        raise ValidationError({"number": _("本年度该地市联单流水号已用完")})
    return f"{prefix}{serial:06d}"


def licence_for(receiver: Operator, waste_code: str, day: dt.date) -> Licence | None:
    for lic in receiver.licences.all():
        if lic.valid_on(day) and lic.covers(waste_code):
            return lic
    return None


def create_manifest(user, *, producer: Producer, receiver: Operator, waste_code: str, waste_name: str,
                    sent_tonnes, transporter=None, hazard: str = "", method: str = "", created_on=None,
                    approval: CrossProvinceApproval | None = None) -> Manifest:
    """The producer fills in a manifest (art. 16): the receiver must hold a valid licence for the waste."""
    if user is not None and not has_perm(user, "waste.ship"):
        raise PermissionDenied
    day = _date(created_on, "created_on")
    sent = _tonnes(sent_tonnes, "sent_tonnes", required=True)
    if sent <= 0:
        raise ValidationError({"sent_tonnes": [_("移出量应大于0")]})
    if licence_for(receiver, waste_code, day) is None:
        raise ValidationError({"receiver": [_("接受单位没有覆盖废物代码 %(c)s 的有效经营许可证") % {"c": waste_code}]})
    ids = enterprise_ids(user)
    if ids is not None and producer.enterprise_id not in ids:
        raise PermissionDenied(_("只能为本单位填报联单"))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                m = Manifest(number=next_number(producer, day.year), producer=producer, receiver=receiver,
                             transporter=transporter, waste_code=waste_code.strip(), waste_name=waste_name,
                             hazard=hazard, method=method, sent_tonnes=sent, created_on=day, approval=approval)
                m.copy_parties()
                m.full_clean(exclude=["producer_enterprise_id", "receiver_enterprise_id"])
                m.save()
                check_created(user, m, "ship")  # filing a manifest is the producer's ship right
                wf.record_event(m, user, "open", to_state=m.state)
                wf.sync_tasks(m, user)
                _dossier(producer.enterprise_id, texts.sentence(gettext_noop("填报危险废物转移联单 %(n)s"),
                                                                n=m.number), m, user,
                         f"{m.waste_name} {m.sent_tonnes} 吨 → {receiver.name}")
                return m
        except IntegrityError:
            continue
    raise ValidationError({"number": _("联单编号冲突,请重试")})


def _approval_covering(m: Manifest, day: dt.date, tonnes: Decimal) -> CrossProvinceApproval | None:
    qs = CrossProvinceApproval.objects.filter(producer=m.producer, receiver=m.receiver, waste_code=m.waste_code,
                                              approved_on__lte=day, valid_until__gte=day)
    if m.approval_id:
        qs = qs.filter(pk=m.approval_id)
    for a in qs:
        used = (Manifest.objects.filter(approval=a).exclude(pk=m.pk)
                .exclude(state__in=(ManifestState.CANCELLED, ManifestState.CREATED))
                .aggregate(t=Sum("sent_tonnes"))["t"] or Decimal(0))
        if used + tonnes <= a.tonnes:
            return a
    return None


def h_ship(ctx):
    m = ctx.obj
    m.carried_tonnes = _tonnes(ctx.data.get("carried_tonnes"), "carried_tonnes") or m.sent_tonnes
    m.shipped_on = _date(ctx.data.get("shipped_on"), "shipped_on")
    if m.shipped_on < m.created_on:
        raise ValidationError({"shipped_on": [_("运出日期早于填报日期")]})
    m.vehicle_no = (ctx.data.get("vehicle_no") or m.vehicle_no or "")[:20]
    if m.cross_province:
        a = _approval_covering(m, m.shipped_on, m.sent_tonnes)
        if a is None:
            raise ValidationError({"approval": [_("跨省转移须有在有效期内、数量足够的跨省转移审批")]})
        m.approval = a
    m.reconcile()
    ctx.event_data = {"carried_tonnes": str(m.carried_tonnes), "vehicle_no": m.vehicle_no}


def can_pick_up(m: Manifest) -> None:
    if not m.transporter_id:
        raise ValidationError({"transporter": [_("该联单未指定承运单位")]})
    if m.picked_up_on:
        raise ValidationError({"picked_up_on": [_("承运单位已确认提货")]})


def can_hand_over(m: Manifest) -> None:
    if not m.picked_up_on:
        raise ValidationError({"picked_up_on": [_("承运单位尚未确认提货")]})
    if m.handed_over_on:
        raise ValidationError({"handed_over_on": [_("承运单位已确认交付")]})


def h_pick_up(ctx):
    """The carrier confirms it took the waste: the tonnes it loaded (its own weighing, reconciled with the
    producer's and later the receiver's), the vehicle and the day."""
    m = ctx.obj
    carried = _tonnes(ctx.data.get("carried_tonnes"), "carried_tonnes")
    if carried is not None:
        m.carried_tonnes = carried
    m.picked_up_on = _date(ctx.data.get("picked_up_on"), "picked_up_on")
    if m.shipped_on and m.picked_up_on < m.shipped_on:
        raise ValidationError({"picked_up_on": [_("提货日期早于运出日期")]})
    m.vehicle_no = (ctx.data.get("vehicle_no") or m.vehicle_no or "")[:20]
    r = m.reconcile()
    ctx.event_data = {"carried_tonnes": str(m.carried_tonnes), "vehicle_no": m.vehicle_no, "mismatch": not r.ok}


def h_hand_over(ctx):
    """The carrier confirms it handed the waste to the receiver (the receiver then receives and confirms)."""
    m = ctx.obj
    m.handed_over_on = _date(ctx.data.get("handed_over_on"), "handed_over_on")
    if m.handed_over_on < m.picked_up_on:
        raise ValidationError({"handed_over_on": [_("交付日期早于提货日期")]})
    ctx.event_data = {"handed_over_on": str(m.handed_over_on)}


def after_carry(ctx):
    m = ctx.obj
    title = texts.sentence(gettext_noop("承运提货:转移联单 %(n)s") if ctx.transition.verb == "pick_up"
                           else gettext_noop("承运交付:转移联单 %(n)s"), n=m.number)
    _dossier(m.transporter_enterprise_id, title, m, ctx.user, f"{m.waste_name} {m.carried_tonnes} 吨")


def h_receive(ctx):
    m = ctx.obj
    m.received_tonnes = _tonnes(ctx.data.get("received_tonnes"), "received_tonnes", required=True)
    m.received_on = _date(ctx.data.get("received_on"), "received_on")
    if m.shipped_on and m.received_on < m.shipped_on:
        raise ValidationError({"received_on": [_("接收日期早于运出日期")]})
    m.confirm_due = rules.confirm_due(m.received_on)
    r = m.reconcile()
    ctx.event_data = {"received_tonnes": str(m.received_tonnes), "mismatch": not r.ok}


def after_receive(ctx):
    m = ctx.obj
    if m.mismatch:
        mismatch_alert(m)


def h_confirm(ctx):
    m = ctx.obj
    m.confirmed_on = _date(ctx.data.get("confirmed_on"), "confirmed_on")
    if m.confirmed_on < m.received_on:
        raise ValidationError({"confirmed_on": [_("确认日期早于接收日期")]})
    m.method = (ctx.data.get("method") or m.method)[:30]
    m.confirmed_late = bool(m.confirm_due and m.confirmed_on > m.confirm_due)


def after_confirm(ctx):
    m = ctx.obj
    detail = f"{m.waste_name} {m.received_tonnes} 吨"
    _dossier(m.producer_enterprise_id, texts.sentence(gettext_noop("转移联单 %(n)s 已由接受单位确认"),
                                                      n=m.number), m, ctx.user, detail)
    _dossier(m.receiver_enterprise_id, texts.sentence(gettext_noop("确认接收转移联单 %(n)s"),
                                                      n=m.number), m, ctx.user, detail)


def h_reject(ctx):
    ctx.obj.reject_reason = ctx.note[:300]


def after_reject(ctx):
    m = ctx.obj
    _dossier(m.producer_enterprise_id, texts.sentence(gettext_noop("转移联单 %(n)s 被接受单位拒收"),
                                                      n=m.number), m, ctx.user, m.reject_reason)


def mismatch_alert(m: Manifest) -> Alert:
    return raise_alert(
        AlertKind.MISMATCH, f"mismatch:{m.number}", subject=f"{m.number} {m.producer.name}",
        facts=_facts("mismatch", s=m.sent_tonnes, c=m.carried_tonnes if m.carried_tonnes is not None else "—",
                      r=m.received_tonnes if m.received_tonnes is not None else "—", d=m.difference),
        jurisdiction_id=m.jurisdiction_id, enterprise_id=m.producer_enterprise_id,
        source_ref=f"waste.manifest:{m.pk}", due=rules.confirm_due(m.received_on or timezone.localdate()))


# ---- declarations --------------------------------------------------------------------------------

def h_submit(ctx):
    d = ctx.obj
    d.submitted_on = _date(ctx.data.get("submitted_on"), "submitted_on")
    d.generated_tonnes = _tonnes(ctx.data.get("generated_tonnes"), "generated_tonnes", required=True)
    d.transferred_tonnes = _tonnes(ctx.data.get("transferred_tonnes"), "transferred_tonnes")
    d.late = d.submitted_on > d.due


def after_submit(ctx):
    d = ctx.obj
    _dossier(d.producer.enterprise_id, texts.sentence(gettext_noop("提交%(p)s(%(l)s)"),
                                                      ("p",), p=texts.zh_display(d, "period"), l=_neutral_period(d)), d,
             ctx.user, _("逾期") if d.late else "")


def ensure_declarations(today: dt.date, producers=None) -> int:
    """Open the declarations each producer owes whose period has ended (this year and last), with a task due
    on the HJ 1259 date; idempotent."""
    made = 0
    qs = producers if producers is not None else Producer.objects.all()
    for p in qs.select_related("jurisdiction"):
        for kind in rules.PERIODS_BY_CATEGORY[p.category]:
            start = rules.period_start(kind, dt.date(today.year - 1, 1, 1))
            while rules.next_period(kind, start) <= today:
                d, created = Declaration.objects.get_or_create(
                    producer=p, period=kind, period_start=start,
                    defaults={"due": rules.declaration_due(kind, start)})
                if created:
                    wf.record_event(d, None, "open", to_state=d.state)
                    wf.sync_tasks(d, None, notify=d.due >= today)
                    made += 1
                start = rules.next_period(kind, start)
    return made


# ---- alerts --------------------------------------------------------------------------------------

def _facts(msg: str, **args) -> dict:
    """An alert's finding as data (waste.models.ALERT_DETAILS): values as text, dates as the pages write them."""
    return {"msg": msg, "args": {k: local_date(v) if isinstance(v, dt.date) else str(v) for k, v in args.items()}}


def raise_alert(kind, key, *, subject, detail="", facts=None, jurisdiction_id=None, enterprise_id=None,
                source_ref="", due=None) -> Alert:
    """An alarm through the kit (task for waste.handle holders in scope); one per key, ever. ``facts``: the
    finding as data, shown in the reader's language; ``detail`` (default: the facts in Chinese) is kept for the
    timeline, exports and search."""
    from django.utils import translation

    from .models import alert_words

    if facts and not detail:
        with translation.override("zh-hans"):
            detail = alert_words(facts)
    a, created = Alert.objects.get_or_create(key=key[:80], defaults=dict(
        kind=kind, subject=subject[:200], detail=detail, facts=facts or {}, jurisdiction_id=jurisdiction_id,
        enterprise_id=enterprise_id, source_ref=source_ref, raised_on=timezone.localdate(), due=due))
    if created:
        # the description is on the alert's page in the reader's language: the timeline does not repeat it
        wf.record_event(a, None, "open", to_state=a.state, note="" if facts else detail)
        wf.sync_tasks(a, None)
    return a


def scan(today: dt.date | None = None) -> dict:
    """The daily job: storage past its limit, operators past their licensed capacity, licences near expiry,
    declarations owed. Each finding is an Alert (or a Declaration) with its task; re-runs add nothing."""
    today = today or timezone.localdate()
    out = {"storage": 0, "capacity": 0, "licence": 0, "declarations": ensure_declarations(today)}
    for s in Stock.objects.filter(cleared_on__isnull=True).select_related("producer"):
        limit = s.stored_on + dt.timedelta(days=s.producer.storage_days)
        if today > limit:
            a = raise_alert(AlertKind.STORAGE, f"storage:{s.pk}", subject=f"{s.producer.name} {s.waste_code}",
                            facts=_facts("storage", t=s.tonnes, d=s.stored_on, n=s.producer.storage_days),
                            jurisdiction_id=s.producer.jurisdiction_id, enterprise_id=s.producer.enterprise_id,
                            source_ref=f"waste.stock:{s.pk}", due=today + dt.timedelta(days=15))
            out["storage"] += a.raised_on == today
    year_start = dt.date(today.year, 1, 1)
    for lic in Licence.objects.filter(valid_from__lte=today, valid_to__gte=today).select_related("operator"):
        got = (Manifest.objects.filter(receiver=lic.operator, received_on__gte=year_start, received_on__lte=today)
               .exclude(state__in=(ManifestState.REJECTED, ManifestState.RETURNED))
               .aggregate(t=Sum("received_tonnes"))["t"] or Decimal(0))
        if got > lic.capacity_tonnes:
            a = raise_alert(AlertKind.CAPACITY, f"capacity:{lic.pk}:{today.year}", subject=lic.operator.name,
                            facts=_facts("capacity", y=today.year, g=got, n=lic.number, c=lic.capacity_tonnes),
                            jurisdiction_id=lic.operator.jurisdiction_id, enterprise_id=lic.operator.enterprise_id,
                            source_ref=f"waste.licence:{lic.pk}", due=today + dt.timedelta(days=15))
            out["capacity"] += a.raised_on == today
        deadline = rules.renewal_deadline(lic.valid_to)
        newer = Licence.objects.filter(operator=lic.operator, valid_to__gt=lic.valid_to).exists()
        if not newer and today >= deadline - dt.timedelta(days=config.get("licence_warn_days")):
            a = raise_alert(AlertKind.LICENCE, f"licence:{lic.pk}", subject=f"{lic.operator.name} {lic.number}",
                            facts=_facts("licence", to=lic.valid_to, d=deadline),
                            jurisdiction_id=lic.operator.jurisdiction_id, enterprise_id=lic.operator.enterprise_id,
                            source_ref=f"waste.licence:{lic.pk}", due=deadline)
            out["licence"] += a.raised_on == today
    return out


def open_tasks_for_imported(new, changed) -> int:
    """Imported manifests still waiting for a step get their kit task (without notifying: the provincial
    system already told the parties); updated ones that finished lose the task they had open."""
    from envbureau.core.models import Task

    done = (ManifestState.CONFIRMED, ManifestState.RETURNED, ManifestState.CANCELLED)
    waiting = [m for m in [*new, *changed] if m.state not in done]
    finished = [str(m.pk) for m in changed if m.state in done]
    had_task = set()
    for i in range(0, len(finished), 5000):
        had_task |= set(Task.objects.filter(model="waste.manifest", is_open=True, object_id__in=finished[i:i + 5000])
                        .values_list("object_id", flat=True))
    touched = waiting + [m for m in changed if str(m.pk) in had_task]
    for m in touched:
        wf.sync_tasks(m, None, notify=False)
    return len(touched)


def enterprise_model():
    return apps.get_model("sources", "Enterprise")


# ---- cross-province transfer applications (arts. 21–28) -----------------------------------------

STEP_CLOCK = "step"
# state entered → (config key of its working-day limit, the timeline label of the clock)
STEP_RULES = {
    "submitted": ("application_accept_working_days", "受理(补正告知)"),
    "accepted": ("application_opinion_working_days", "初审意见并函商接受地"),
    "consulting": ("application_reply_working_days", "接受地省级部门回复"),
    "replied": ("application_decide_working_days", "作出审批决定"),
}


def _start_step(app, state: str, start: dt.date, user=None) -> None:
    """Stop the running step clock and, for a state with a limit, start its own (core.deadlines)."""
    from envbureau.core import deadlines as dl

    dl.stop(app, STEP_CLOCK)
    if state not in STEP_RULES:
        app.step_due = None
        return
    key, label = STEP_RULES[state]
    rule = dl.Rule(int(config.get(key)), dl.WORKING, label=label)
    app.step_due = dl.start_clock(app, STEP_CLOCK, rule, start, user=user).due


def _step_done(app, day: dt.date, field: str, earliest: dt.date | None) -> dt.date:
    if earliest and day < earliest:
        raise ValidationError({field: [_("日期早于上一环节")]})
    if app.step_due and day > app.step_due:
        app.late_steps += 1
    return day


def create_application(user, app: CrossProvinceApplication) -> CrossProvinceApplication:
    """The producer applies (its own enterprise only); the completeness check is due in 5 working days."""
    if user is not None and not has_perm(user, "waste.ship"):
        raise PermissionDenied
    ids = enterprise_ids(user)
    if ids is not None and app.producer.enterprise_id not in ids:
        raise PermissionDenied(_("只能为本单位提出申请"))
    app.submitted_on = app.submitted_on or timezone.localdate()
    app.state = "submitted"
    with transaction.atomic():
        app.full_clean()
        app.save()
        check_created(user, app, "ship")
        _start_step(app, "submitted", app.submitted_on, user)
        app.save(update_fields=["step_due"])
        wf.record_event(app, user, "open", to_state=app.state)
        wf.sync_tasks(app, user)
        _dossier(app.producer.enterprise_id, texts.sentence(gettext_noop("提出危险废物跨省转移申请")), app, user,
                 str(app))
    return app


def h_app_accept(ctx):
    a = ctx.obj
    a.accepted_on = _step_done(a, _date(ctx.data.get("accepted_on"), "accepted_on"), "accepted_on", a.submitted_on)
    _start_step(a, "accepted", a.accepted_on, ctx.user)


def h_app_return(ctx):
    _start_step(ctx.obj, "returned", timezone.localdate(), ctx.user)


def h_app_resubmit(ctx):
    a = ctx.obj
    a.submitted_on = _date(ctx.data.get("submitted_on"), "submitted_on")
    _start_step(a, "submitted", a.submitted_on, ctx.user)


def h_app_consult(ctx):
    a = ctx.obj
    a.letter_on = _step_done(a, _date(ctx.data.get("letter_on"), "letter_on"), "letter_on", a.accepted_on)
    _start_step(a, "consulting", a.letter_on, ctx.user)


def h_app_reply(ctx):
    a = ctx.obj
    agreed = str(ctx.data.get("agreed", "")).strip().lower()
    if agreed not in ("1", "true", "yes", "是", "0", "false", "no", "否"):
        raise ValidationError({"agreed": [_("请填写接受地是否同意(是/否)")]})
    a.reply_agreed = agreed in ("1", "true", "yes", "是")
    a.reply_on = _step_done(a, _date(ctx.data.get("reply_on"), "reply_on"), "reply_on", a.letter_on)
    _start_step(a, "replied", a.reply_on, ctx.user)
    ctx.event_data = {"agreed": a.reply_agreed}


def h_app_approve(ctx):
    """Approve after the receiving province agreed: the approval is valid 12 months from the decision, no longer
    than the requested period nor the receiver's licence covering the waste."""
    a = ctx.obj
    if not a.reply_agreed:
        raise ValidationError({"agreed": [_("接受地省级部门未同意,不能批准")]})
    number = (ctx.data.get("number") or "").strip()
    if not number:
        raise ValidationError({"number": [_("必填项为空")]})
    if CrossProvinceApproval.objects.filter(number=number).exists():
        raise ValidationError({"number": [_("审批文号已存在")]})
    a.decided_on = _step_done(a, _date(ctx.data.get("decided_on"), "decided_on"), "decided_on", a.reply_on)
    lic = licence_for(a.receiver, a.waste_code, a.decided_on)
    if lic is None:
        raise ValidationError({"receiver": [_("接受单位没有覆盖废物代码 %(c)s 的有效经营许可证") % {"c": a.waste_code}]})
    until = min(rules.add_months(a.decided_on, config.get("approval_months")), a.period_to, lic.valid_to)
    approval = CrossProvinceApproval(number=number, producer=a.producer, receiver=a.receiver,
                                     waste_code=a.waste_code, tonnes=a.tonnes, approved_on=a.decided_on,
                                     valid_until=until)
    approval.full_clean()
    approval.save()
    a.approval = approval
    _start_step(a, "approved", a.decided_on, ctx.user)
    ctx.event_data = {"number": number, "valid_until": str(until)}


def h_app_refuse(ctx):
    a = ctx.obj
    a.decided_on = _step_done(a, _date(ctx.data.get("decided_on"), "decided_on"), "decided_on", None)
    _start_step(a, "refused", a.decided_on, ctx.user)


def h_app_withdraw(ctx):
    _start_step(ctx.obj, "withdrawn", timezone.localdate(), ctx.user)


def after_app_decision(ctx):
    a = ctx.obj
    title = texts.sentence(gettext_noop("跨省转移申请已批准,文号 %(n)s"), n=a.approval.number) \
        if a.state == "approved" else texts.sentence(gettext_noop("跨省转移申请不予批准"))
    _dossier(a.producer.enterprise_id, title, a, ctx.user, str(a))
