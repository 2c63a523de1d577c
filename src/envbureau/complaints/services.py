"""Domain verbs of the complaints app. Each takes the acting user (None = trusted system path) and runs
the complaint's workflow (workflows.py) through core.workflow.apply(): scope, permission and state
checked, the complaint changed in one transaction, a timeline event appended, tasks moved on, the
monthly summary kept current. Views, the API,
Open311, importers and the CLI call these; they hold no rules of their own.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import notify as _notify
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import grants_for, has_perm
from envbureau.core.scoping import can, check_created

from . import deadlines, duplicates, routing, statistics
from .choices import COMPLETED_STATES, OPEN_STATES, EventKind, Finding, Satisfaction, State
from .models import Complaint, DuplicateLink, IntakeAttempt, SatisfactionVisit

# a notice's sentence, worded per reader when shown (core.notify: facts in the notification)
_notify.register_texts({"complaints.follow_up": gettext_noop("信访投诉 %(n)s 有新的网格巡查跟进:%(f)s")})

# An action that the complaint's state does not allow (answered 400): the kit's error.
TransitionError = wf.TransitionError


class RateLimited(Exception):
    def __init__(self, wait_seconds: int):
        super().__init__(_("提交过于频繁,请稍后再试"))
        self.wait_seconds = wait_seconds


class LedgerUnavailable(Exception):
    pass


# ---------------------------------------------------------------- scoped reads

def _rebase(q, prefix="jurisdiction__"):
    """The complaint scope Q rewritten onto Jurisdiction (None if it uses anything else)."""
    from django.db.models import Q

    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            sub = _rebase(child, prefix)
            if sub is None:
                return None
            out.children.append(sub)
        else:
            lookup, value = child
            if lookup.startswith(prefix):
                out.children.append((lookup[len(prefix):], value))
            elif lookup == "pk__in" and not list(value):
                out.children.append(child)   # core's "nothing"
            else:
                return None
    return out


def scoped(user, action: str = "view"):
    """Complaints the user may `action`: the same rows as Complaint.objects.restrict(user, action), but
    as `jurisdiction_id IN (…)` over the few jurisdictions in scope instead of a join on the path,
    so big lists keep their received-order index and combine with a jurisdiction filter cheaply."""
    ids = scope_ids(user, action)
    if ids is None:
        return Complaint.objects.all()
    if ids is False:
        return Complaint.objects.restrict(user, action)
    from django.db import connection

    if connection.vendor == "sqlite":
        # SQLite's planner would take the jurisdiction index and sort every row in scope before the LIMIT;
        # an expression ("+ 0", its documented way to disqualify an index) keeps it on the received-order
        # index, which carries jurisdiction_id. PostgreSQL plans the plain IN well (and the expression badly).
        from django.db.models import F

        return Complaint.objects.alias(_scope_jid=F("jurisdiction_id") + 0).filter(_scope_jid__in=ids)
    return Complaint.objects.filter(jurisdiction_id__in=ids)


def scope_ids(user, action: str = "view"):
    """Ids of the jurisdictions whose complaints the user may `action`; None = everywhere;
    False = the scope cannot be expressed as jurisdictions (use restrict())."""
    from envbureau.core.models import Jurisdiction
    from envbureau.core.scoping import scope_q

    q = scope_q(Complaint, user, action)
    if q is None:
        return None
    jq = _rebase(q)
    if jq is None:
        return False
    return list(Jurisdiction.objects.filter(jq).values_list("id", flat=True))


# ---------------------------------------------------------------- identity

def can_view_identity(user, complaint=None) -> bool:
    """Complainant identity: only with complaints.view_identity, never for an enterprise account."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    grants = grants_for(user)
    if any(g.enterprise_id is not None for g in grants):
        return False
    if complaint is not None:
        return can(user, complaint, "view_identity")
    return has_perm(user, "complaints.view_identity")


def identity_checker(user):
    """complaint -> bool, equal to can_view_identity(user, complaint) but without a query per row
    (for lists): the grants holding complaints.view_identity and their jurisdiction subtrees."""
    if user is None or not getattr(user, "is_authenticated", False):
        return lambda c: False
    grants = grants_for(user)
    if any(g.enterprise_id is not None for g in grants):
        return lambda c: False
    paths = []
    for g in grants:
        if g.allows("complaints.view_identity"):
            if g.jurisdiction_path is None:
                return lambda c: True
            paths.append(g.jurisdiction_path)
    if not paths:
        return lambda c: False
    return lambda c: any(c.jurisdiction.path.startswith(p) for p in paths)


def identity_for(user, complaint, full: bool | None = None) -> dict:
    """The identity fields as this user may see them (masked unless permitted)."""
    from .models import IDENTITY_FIELDS

    if full is None:
        full = can_view_identity(user, complaint)
    if complaint.anonymous and not full:
        return {f: "" for f in IDENTITY_FIELDS}
    return {f: getattr(complaint, f) if full else complaint.masked(f) for f in IDENTITY_FIELDS}


# ---------------------------------------------------------------- helpers

def events_of(complaint):
    """The complaint's timeline rows (core.TimelineEvent), oldest first."""
    from envbureau.core.models import TimelineEvent

    return TimelineEvent.objects.filter(model="complaints.complaint", object_id=str(complaint.pk)).order_by(
        "time", "id")


def _event(c, kind, user, from_state, to_state, note, data=None):
    return wf.record_event(c, user, kind, from_state=from_state, to_state=to_state, note=note, data=data)


def allowed(user, complaint, action: str) -> bool:
    """Whether the verb may run now (for buttons): state and permission in scope."""
    if action == "confirm_duplicate":
        return user is None or can(user, complaint, "accept")
    try:
        wf.check(user, complaint, action)
    except (PermissionDenied, ValidationError, Http404):
        return False
    return True


def unit_named(value):
    """A core.Unit from a Unit, its pk, code or name; a name not known yet becomes a unit (kind 其他)."""
    import uuid

    from envbureau.core.models import Unit

    if value is None or isinstance(value, Unit):
        return value
    text = str(value).strip()
    if not text:
        return None
    unit = (Unit.objects.filter(pk=int(text)).first() if text.isdigit() else None) \
        or Unit.objects.filter(code=text).first() or Unit.objects.filter(name=text).order_by("pk").first()
    if unit is None:
        unit = Unit.objects.create(code=f"u-{uuid.uuid4().hex[:12]}", name=text[:200], kind="other")
    return unit


def _required(value, field, label):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: _("请填写%(l)s") % {"l": label}})


# ---------------------------------------------------------------- intake

def _new_number(c) -> str:
    return f"XF{deadlines.local_date(c.received_at):%Y%m%d}{c.pk:06d}"


@transaction.atomic
def register(user, complaint: Complaint, *, suggest: bool = True, source_note: str | dict = "") -> Complaint:
    """Register a new complaint: route it, compute its deadlines, number it, suggest repeats. The timeline's
    line names where it came from (`source_note`, text or facts; the channel by default, worded per reader)."""
    c = complaint
    if user is not None and not has_perm(user, "complaints.add"):
        raise PermissionDenied(_("您没有登记信访投诉的权限"))
    chosen = c.jurisdiction if c.jurisdiction_id else None
    jur, how = routing.route(c.lon, c.lat, chosen)
    if jur is None:
        raise ValidationError({"jurisdiction": _("未配置街道边界或坐标不在边界内,请选择所属街道/区县")})
    c.jurisdiction, c.routed_by = jur, how
    if c.sub_category:
        from .choices import SUBCATEGORY_PARENT

        parent = SUBCATEGORY_PARENT.get(c.sub_category)
        if parent and parent != c.category:
            raise ValidationError({"sub_category": _("子类与污染类型不一致")})
    c.state = State.REGISTERED
    c.query_code = c.query_code or new_query_code()
    c.created_by = user if getattr(user, "pk", None) else None
    deadlines.compute(c)
    c.full_clean(exclude=["number"])
    given_number = c.number
    if not given_number:
        c.number = "tmp-" + secrets.token_hex(8)
    c.save()
    if not given_number:
        c.number = _new_number(c)
        c.save(update_fields=["number"])  # a save, not .update(): the audit log sees the number
    check_created(user, c, "add")
    _event(c, EventKind.REGISTER, user, "", c.state, source_note or texts.sentence(texts.zh_display(c, "channel")))
    wf.sync_tasks(c, user)  # 受理 now waits for the office
    if suggest:
        for s in duplicates.suggest(c):
            DuplicateLink.objects.get_or_create(complaint=c, original=s.original, defaults={
                "score": s.score, "distance_m": s.distance_m, "days_apart": s.days_apart,
                "text_similarity": s.text_similarity})
    statistics.refresh_keys([statistics.key_of(c)])
    return c


def new_query_code() -> str:
    """64 random bits as 16 hex digits (the field's width); codes of 8 digits given before still work."""
    return secrets.token_hex(8)


def _rate_limit() -> tuple[int, int]:
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("public_form") or "10/hour"
    num, _sep, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(period[:1], 3600)
    return int(num), seconds


@transaction.atomic
def check_rate(remote_addr: str | None) -> None:
    """Captcha-free public intake: at most N submissions per address per period (settings public_form)."""
    limit, seconds = _rate_limit()
    since = timezone.now() - dt.timedelta(seconds=seconds)
    recent = IntakeAttempt.objects.filter(remote_addr=remote_addr, time__gte=since)
    if recent.count() >= limit:
        oldest = recent.order_by("time").values_list("time", flat=True).first()
        wait = int((oldest + dt.timedelta(seconds=seconds) - timezone.now()).total_seconds()) + 1
        raise RateLimited(max(wait, 1))
    IntakeAttempt.objects.create(remote_addr=remote_addr)
    # Old rows are of no use; keep the table small.
    IntakeAttempt.objects.filter(time__lt=timezone.now() - dt.timedelta(days=2)).delete()


def submit_public(complaint: Complaint, remote_addr: str | None, note: str | dict = "") -> Complaint:
    """Anonymous intake (web form, Open311): rate-limited, registered by the system. `note` names where it came
    from: a name as it is ("Open311"), or words as facts (core.texts), worded per reader on the timeline."""
    check_rate(remote_addr)
    from envbureau.core.audit import audit_context

    with audit_context("web", note=(texts.chinese(note) if isinstance(note, dict) else note) or gettext_noop("公众在线提交"),
                       remote_addr=remote_addr):
        return register(None, complaint, source_note=note)


def public_status(number: str, code: str):
    c = Complaint.objects.filter(number=number.strip()).first()
    if c is None or not code or not secrets.compare_digest(c.query_code, code.strip()):
        return None
    return c


# ---------------------------------------------------------------- handling verbs
# Handlers run inside core.workflow.apply() (declared in workflows.py); the verbs are thin wrappers.

def _stamp(ctx) -> None:
    if ctx.target and ctx.target != ctx.from_state:
        ctx.obj.state_changed_at = timezone.now()


def after_refresh(ctx) -> None:
    """Keep the monthly summary current for the complaint's key."""
    statistics.refresh_keys([statistics.key_of(ctx.obj)])


def h_accept(ctx) -> None:
    c = ctx.obj
    if ctx.data.get("track"):
        c.track = ctx.data["track"]
    c.accepted_at = timezone.now()
    deadlines.compute(c)
    _stamp(ctx)


def h_decline(ctx) -> None:
    reason = ctx.data.get("decline_reason")
    _required(reason, "decline_reason", _("不予受理理由"))
    ctx.obj.decline_reason = reason.strip()
    _stamp(ctx)


def h_assign(ctx) -> None:
    c = ctx.obj
    unit = unit_named(ctx.data.get("unit"))
    if unit is None:
        raise ValidationError({"unit": _("请填写%(l)s") % {"l": _("承办单位")}})
    c.unit = unit
    c.assignee_unit = unit.name
    c.assignee = ctx.data.get("assignee")
    c.assigned_at = timezone.now()
    ctx.event_data = {"unit": unit.name, "unit_id": unit.pk}
    _stamp(ctx)


def h_investigate(ctx) -> None:
    c, d = ctx.obj, ctx.data
    if d.get("finding") not in Finding.values:
        raise ValidationError({"finding": _("请选择核实结论(属实/部分属实/不属实)")})
    _required(d.get("investigation"), "investigation", _("调查核实情况"))
    c.finding = d["finding"]
    c.investigation = d["investigation"].strip()
    c.investigated_at = timezone.now()
    ctx.event_data = {"finding": c.finding}
    _stamp(ctx)


def h_measures(ctx) -> None:
    c, d = ctx.obj, ctx.data
    measures = d.get("measures")
    _required(measures, "measures", _("处理措施"))
    fine_amount = d.get("fine_amount")
    if fine_amount not in (None, ""):
        fine_amount = Decimal(str(fine_amount))
        if fine_amount < 0:
            raise ValidationError({"fine_amount": _("罚款金额不能为负")})
    else:
        fine_amount = None
    c.measures = (c.measures + "\n" if c.measures else "") + measures.strip()
    c.ordered_rectification = bool(d.get("ordered_rectification")) or c.ordered_rectification
    c.case_filed = bool(d.get("case_filed")) or c.case_filed
    if fine_amount is not None:
        c.fine_amount = fine_amount
    ctx.event_data = {"ordered_rectification": c.ordered_rectification, "case_filed": c.case_filed,
                      "fine_amount": str(c.fine_amount) if c.fine_amount is not None else None}


def _on_time(c, when) -> bool | None:
    if not c.finish_due:
        return None
    return deadlines.local_date(when) <= c.finish_due


def h_reply(ctx) -> None:
    c, d = ctx.obj, ctx.data
    _required(d.get("reply_text"), "reply_text", _("答复意见"))
    now = timezone.now()
    c.reply_text = d["reply_text"].strip()
    c.reply_method = d.get("method") or ""
    c.replied_at = now
    c.on_time = _on_time(c, now)
    ctx.event_data = {"method": c.reply_method}
    _stamp(ctx)


def h_visit(ctx) -> None:
    c, d = ctx.obj, ctx.data
    satisfaction = d.get("satisfaction")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择回访结果")})
    SatisfactionVisit.objects.create(complaint=c, satisfaction=satisfaction, method=d.get("method") or "",
                                     note=ctx.note or "", fixed=d.get("fixed"),
                                     actor=ctx.user if getattr(ctx.user, "pk", None) else None)
    c.satisfaction = satisfaction
    c.visited_at = timezone.now()
    ctx.event_data = {"satisfaction": satisfaction, "fixed": d.get("fixed")}
    _stamp(ctx)


def h_close(ctx) -> None:
    ctx.obj.closed_at = timezone.now()
    _stamp(ctx)


def h_request_extension(ctx) -> None:
    c, d = ctx.obj, ctx.data
    reason = d.get("reason")
    _required(reason, "extension_reason", _("延期理由"))
    rule = deadlines.rule_for(c.jurisdiction, c.channel, c.track, deadlines.local_date(c.received_at))
    try:
        days = int(d.get("days"))
    except (TypeError, ValueError):
        raise ValidationError({"extension_requested_days": _("请填写延期天数")}) from None
    if c.extension_state == "requested":
        raise TransitionError(_("已有待审批的延期申请"))
    if days < 1 or c.extension_days + days > rule.extension_max_days:
        raise ValidationError({"extension_requested_days": _("延期累计不得超过%(n)d日(已延期%(d)d日)") % {
            "n": rule.extension_max_days, "d": c.extension_days}})
    if c.finish_due and timezone.localdate() > c.finish_due:
        raise TransitionError(_("已超过办结期限,不能再申请延期"))
    c.extension_state = "requested"
    c.extension_requested_days = days
    c.extension_reason = reason.strip()
    c.extension_requested_by = ctx.user if getattr(ctx.user, "pk", None) else None
    ctx.event_data = {"days": days}


def after_request_extension(ctx) -> None:
    """The approvers get a task of their own (批准延期), due on the current finish date."""
    wf.open_extra_task(ctx.obj, "extension", texts.sentence(gettext_noop("审批延期申请")),
                       [wf.Assignee(permission="complaints.extend_approve")],
                       due=ctx.obj.finish_due, user=ctx.user)
    after_refresh(ctx)


def h_approve_extension(ctx) -> None:
    c, user = ctx.obj, ctx.user
    if c.extension_state != "requested":
        raise TransitionError(_("没有待审批的延期申请"))
    if user is not None and c.extension_requested_by_id == getattr(user, "pk", None):
        raise PermissionDenied(_("延期须由申请人以外的有权人员批准"))
    c.extension_days += c.extension_requested_days
    c.extension_state = "approved"
    c.extension_approved_by = user if getattr(user, "pk", None) else None
    old_due = c.finish_due
    deadlines.compute(c)
    ctx.event_data = {"days": c.extension_requested_days, "from": str(old_due), "to": str(c.finish_due)}


def h_refuse_extension(ctx) -> None:
    if ctx.obj.extension_state != "requested":
        raise TransitionError(_("没有待审批的延期申请"))
    ctx.obj.extension_state = "refused"


def after_extension_decided(ctx) -> None:
    wf.close_extra_tasks(ctx.obj, "extension", ctx.user)
    wf.refresh_due(ctx.obj)  # the open step is due on the extended date
    after_refresh(ctx)


def h_request_review(ctx) -> None:
    """复查 (level 1) then 复核 (level 2): asked within 30 days of the reply, answered within 30 days."""
    c = ctx.obj
    if c.review_level >= 2:
        raise TransitionError(_("复核意见为最终意见,不再受理复查/复核请求"))
    rule = deadlines.rule_for(c.jurisdiction, c.channel, c.track, deadlines.local_date(c.received_at))
    on = ctx.data.get("on") or timezone.localdate()
    last_day = deadlines.review_request_due(deadlines.local_date(c.replied_at), rule)
    if on > last_day:
        raise TransitionError(_("已超过申请期限(%(d)s)") % {"d": last_day})
    c.review_level += 1
    c.review_due = deadlines.review_answer_due(on, rule)
    ctx.event_data = {"level": c.review_level, "due": str(c.review_due)}
    _stamp(ctx)


def h_answer_review(ctx) -> None:
    c = ctx.obj
    _required(ctx.data.get("reply_text"), "reply_text", _("复查/复核意见"))
    c.reply_text = ctx.data["reply_text"].strip()
    c.replied_at = timezone.now()
    c.review_due = None
    ctx.event_data = {"level": c.review_level}
    _stamp(ctx)


def h_answer_repeat(ctx) -> None:
    """A repeat of a finished complaint is answered with the existing result, not handled again."""
    c, original = ctx.obj, ctx.data.get("original")
    if original is None or original.state not in COMPLETED_STATES:
        raise TransitionError(_("原件尚未办结:请确认重复后按正常程序受理办理"))
    confirm_duplicate(ctx.user, c, original, ctx.note)
    fresh = Complaint.objects.get(pk=c.pk)
    c.is_repeat, c.repeat_of_id = fresh.is_repeat, fresh.repeat_of_id
    now = timezone.now()
    if not c.accepted_at:
        c.accepted_at = now
        deadlines.compute(c)
    c.finding = original.finding
    c.investigation = original.investigation
    c.measures = original.measures
    with translation.override("zh-hans"):  # the reply to the complainant: Chinese whoever confirmed it
        c.reply_text = _("经核实,您反映的问题与第%(n)s号件为同一事项,该件已办结,现将办理结果答复如下:") % {
            "n": original.number} + "\n" + (original.reply_text or "")
    c.reply_method = original.reply_method
    c.replied_at = now
    c.on_time = _on_time(c, now)
    ctx.event_data = {"original": original.number}
    _stamp(ctx)


def h_spawn_problem(ctx) -> None:
    """Open a problem in the ledger for this complaint (through ledger.services only)."""
    c, d = ctx.obj, ctx.data
    if c.problem_ref:
        raise TransitionError(_("已转入问题台账(编号 %(r)s)") % {"r": c.problem_ref})
    try:
        from envbureau.ledger.services import open_problem
    except ImportError as exc:
        raise LedgerUnavailable(_("问题台账模块尚未提供 open_problem,暂不能转问题台账")) from exc
    problem = open_problem(
        ctx.user, source="complaint", title=c.title, description=d.get("description") or c.content,
        category=c.category, jurisdiction=c.jurisdiction, enterprise_id=c.enterprise_id,
        source_ref=("complaints.complaint", str(c.pk)), batch=c.batch, deadline=d.get("deadline"),
        location=c.location, responsible_units=d.get("responsible_units"))
    c.problem_ref = str(getattr(problem, "pk", problem))
    ctx.event_data = {"problem": c.problem_ref}


def _given(**kw) -> dict:
    return {k: v for k, v in kw.items() if v is not None}


def accept(user, complaint, note: str = "", track: str | None = None) -> Complaint:
    return wf.apply(user, complaint, "accept", note=note, **_given(track=track))


def decline(user, complaint, reason: str) -> Complaint:
    return wf.apply(user, complaint, "decline", note=reason or "", decline_reason=reason)


def assign(user, complaint, unit, assignee=None, note: str = "") -> Complaint:
    """交办 to a unit (a core.Unit, or its pk, code or name); every member of the unit then sees the task."""
    return wf.apply(user, complaint, "assign", note=note, unit=unit, assignee=assignee)


def investigate(user, complaint, finding: str, investigation: str) -> Complaint:
    return wf.apply(user, complaint, "investigate", note=investigation or "", finding=finding,
                    investigation=investigation)


def record_measures(user, complaint, measures: str, ordered_rectification=False, case_filed=False,
                    fine_amount=None) -> Complaint:
    return wf.apply(user, complaint, "measures", note=measures or "", measures=measures,
                    ordered_rectification=ordered_rectification, case_filed=case_filed, fine_amount=fine_amount)


def reply(user, complaint, reply_text: str, method: str = "") -> Complaint:
    return wf.apply(user, complaint, "reply", note=reply_text or "", reply_text=reply_text, method=method)


def visit(user, complaint, satisfaction: str, method: str = "", note: str = "", fixed=None) -> Complaint:
    return wf.apply(user, complaint, "visit", note=note, satisfaction=satisfaction, method=method, fixed=fixed)


def close(user, complaint, note: str = "") -> Complaint:
    return wf.apply(user, complaint, "close", note=note)


def request_extension(user, complaint, days: int, reason: str) -> Complaint:
    return wf.apply(user, complaint, "request_extension", note=reason or "", days=days, reason=reason)


def approve_extension(user, complaint, note: str = "") -> Complaint:
    return wf.apply(user, complaint, "approve_extension", note=note)


def refuse_extension(user, complaint, note: str = "") -> Complaint:
    return wf.apply(user, complaint, "refuse_extension", note=note)


def request_review(user, complaint, note: str = "", on: dt.date | None = None) -> Complaint:
    """复查 (level 1) then 复核 (level 2): asked within 30 days of the reply, answered within 30 days."""
    return wf.apply(user, complaint, "request_review", note=note, **_given(on=on))


def answer_review(user, complaint, reply_text: str) -> Complaint:
    return wf.apply(user, complaint, "answer_review", note=reply_text or "", reply_text=reply_text)


# ---------------------------------------------------------------- duplicates

def _check_dup_perm(user, c):
    if user is not None and not can(user, c, "accept"):
        raise PermissionDenied(_("您没有确认重复件的权限"))


@transaction.atomic
def suggest_links(user, complaint) -> list[DuplicateLink]:
    out = []
    for s in duplicates.suggest(complaint):
        link, _created = DuplicateLink.objects.get_or_create(complaint=complaint, original=s.original, defaults={
            "score": s.score, "distance_m": s.distance_m, "days_apart": s.days_apart,
            "text_similarity": s.text_similarity})
        out.append(link)
    return out


@transaction.atomic
def confirm_duplicate(user, complaint, original, note: str = "") -> DuplicateLink:
    """Staff confirm that `complaint` repeats `original`; the link shows on both."""
    c = Complaint.objects.select_for_update().get(pk=complaint.pk)
    _check_dup_perm(user, c)
    if user is not None and not can(user, original, "view"):
        raise PermissionDenied(_("超出您的权限范围"))
    if original.pk == c.pk:
        raise ValidationError(_("不能与自身关联"))
    if original.received_at > c.received_at:
        raise ValidationError(_("原件应早于本件"))
    link, _created = DuplicateLink.objects.get_or_create(complaint=c, original=original)
    link.state = "confirmed"
    link.decided_by = user if getattr(user, "pk", None) else None
    link.decided_at = timezone.now()
    link.save()
    c.is_repeat = True
    if c.repeat_of_id is None:
        c.repeat_of = original
    c.save()
    _event(c, EventKind.DUPLICATE, user, c.state, c.state, note,
           {"original": original.number, "link": link.pk, "role": "repeat"})
    _event(original, EventKind.DUPLICATE, user, original.state, original.state, note,
           {"repeat": c.number, "link": link.pk, "role": "original"})
    statistics.refresh_keys([statistics.key_of(c)])
    return link


@transaction.atomic
def reject_duplicate(user, link: DuplicateLink, note: str = "") -> DuplicateLink:
    c = link.complaint
    _check_dup_perm(user, c)
    was_confirmed = link.state == "confirmed"
    link.state = "rejected"
    link.decided_by = user if getattr(user, "pk", None) else None
    link.decided_at = timezone.now()
    link.save()
    if was_confirmed and c.repeat_of_id == link.original_id:
        others = c.duplicate_links.filter(state="confirmed").exclude(pk=link.pk).first()
        c.repeat_of_id = others.original_id if others else None
        c.is_repeat = others is not None
        c.save()
        statistics.refresh_keys([statistics.key_of(c)])
    _event(c, EventKind.NOTE, user, c.state, c.state, note or texts.sentence(gettext_noop("经核对非重复件")), {"link": link.pk})
    return link


def answer_repeat(user, complaint, original, note: str = "") -> Complaint:
    """A repeat of a finished complaint is answered with the existing result, not handled again."""
    return wf.apply(user, complaint, "answer_repeat", note=note, original=original)


# ---------------------------------------------------------------- follow-ups from other modules

FOLLOW_UP_PERMISSION = "complaints.handle|complaints.change"


def open_for_follow_up(user, jurisdiction=None, limit: int = 50):
    """Complaints still being handled that `user` may follow up, in `jurisdiction`'s area (its subtree and the
    areas above it: a complaint routed to the district is in the street's area too), newest first."""
    from django.db.models import Q

    qs = Complaint.objects.filter(state__in=OPEN_STATES)
    if jurisdiction is not None:
        above = [c for c in jurisdiction.path.split("/") if c]
        qs = qs.filter(Q(jurisdiction__path__startswith=jurisdiction.path) | Q(jurisdiction__code__in=above))
    if user is not None:
        qs = qs.filter(Q(pk__in=Complaint.objects.restrict(user, "handle").values("pk"))
                       | Q(pk__in=Complaint.objects.restrict(user, "change").values("pk")))
    return qs.select_related("jurisdiction").order_by("-received_at")[:limit]


def followable(user, ref) -> Complaint:
    """The complaint named by `ref` (its pk or 受理编号) if `user` may follow it up now: visible (else a 400
    naming `complaint`, not a hint that it exists), handled or changed by the user in its scope, not finished."""
    ref = str(ref or "").strip()
    qs = Complaint.objects.filter(number=ref) if not ref.isdigit() else Complaint.objects.filter(pk=int(ref))
    c = qs.first() if ref else None
    if c is None or (user is not None and not scoped(user).filter(pk=c.pk).exists()):
        raise ValidationError({"complaint": _("未找到该信访投诉:%(r)s") % {"r": ref}})
    if not wf.allowed_in_scope(user, c, FOLLOW_UP_PERMISSION):
        raise PermissionDenied(_("您没有跟进该信访投诉的权限"))
    if c.state not in OPEN_STATES:
        raise ValidationError({"complaint": _("信访投诉 %(n)s 已%(s)s,不再跟进") % {
            "n": c.number, "s": c.get_state_display()}})
    return c


@transaction.atomic
def follow_up(user, ref, *, note: str, source_ref: str, link: dict, attachments=()) -> Complaint:
    """Another module's on-site record (a grid patrol's finding) added to a complaint being handled: a line
    on the complaint's timeline linking back to the record (`link` = {"name", "url"}) with its photos, and a
    notice to whoever holds the complaint's open step. The complaint's state and deadlines do not change."""
    from envbureau.core import notify

    c = followable(user, ref)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"findings": _("跟进信访投诉须填写发现的问题")})
    _event(c, EventKind.FOLLOW_UP, user, c.state, c.state, note, {"source_ref": source_ref})
    ev = events_of(c).last()
    ev.attachments = [dict(link), *attachments]
    ev.save(update_fields=["attachments"])
    people = {u for t in wf.open_tasks(c) for u in notify.recipients(t)}
    if user is not None:
        people.discard(user)
    url = reverse("complaints:detail", args=[c.pk])
    notify.notify(sorted(people, key=lambda u: u.pk), "complaints.follow_up", url=url, obj=c,
                  key=f"follow_up:{source_ref}",
                  facts={"msg": "complaints.follow_up", "args": {"n": c.number, "f": note[:80]}})
    return c


def complaint_ref(value: str) -> int | None:
    """The complaint pk of a reference "complaints.complaint:12" (None for any other reference)."""
    head, _sep, pk = str(value or "").partition(":")
    return int(pk) if head == "complaints.complaint" and pk.isdigit() else None


def check_source(user, ref: str, field: str = "source_ref", *, by_number: bool = False) -> Complaint | None:
    """The complaint a record started from names ("complaints.complaint:12", or with `by_number` its 受理编号 as
    people type it), if it exists and `user` may see it; a ValidationError naming `field` otherwise (the same
    words whether missing or out of scope). Other references → None."""
    pk = complaint_ref(ref)
    if pk is not None:
        qs = Complaint.objects.filter(pk=pk)
    elif by_number and str(ref or "").strip():
        qs = Complaint.objects.filter(number=str(ref).strip())
    else:
        return None
    c = (qs if user is None else qs.filter(pk__in=scoped(user).values("pk"))).first()
    if c is None:
        raise ValidationError({field: _("未找到该信访投诉:%(r)s") % {"r": ref}})
    return c


def link_record(user, ref: str, *, verb: str, note: str | dict, source_ref: str, link: dict,
                field: str = "source_ref") -> Complaint | None:
    """A record another module started from the complaint `ref` names (an enforcement check or case): a line
    on the complaint's timeline linking to it (`link` = {"name", "url"}), once per record, in any state. The
    complaint's state and deadlines do not change. None when `ref` names no complaint."""
    if verb not in (EventKind.INSPECTION, EventKind.CASE):
        raise ValueError(verb)
    c = check_source(user, ref, field)
    if c is None:
        return None
    if _linked(c, source_ref):
        return c
    ev = _event(c, verb, user, c.state, c.state, note, {"source_ref": source_ref})
    ev.attachments = [dict(link)]
    ev.save(update_fields=["attachments"])
    return c


def _linked(c: Complaint, source_ref: str) -> bool:
    from envbureau.core.models import TimelineEvent

    return TimelineEvent.objects.filter(model="complaints.complaint", object_id=str(c.pk),
                                        data__source_ref=source_ref).exists()


# ---------------------------------------------------------------- ledger

def spawn_problem(user, complaint, *, description: str = "", deadline=None, responsible_units=None):
    """Open a problem in the ledger for this complaint (through ledger.services only)."""
    return wf.apply(user, complaint, "spawn_problem", description=description, deadline=deadline,
                    responsible_units=responsible_units)


def ledger_available() -> bool:
    try:
        from envbureau.ledger.services import open_problem  # noqa: F401
    except ImportError:
        return False
    return True


def substantiated_about(enterprise_id: int, first: dt.date, last: dt.date) -> list[dict]:
    """For the enforcement app (credit rating, 群众投诉): complaints about an enterprise received between two local
    days (inclusive) and found 属实 or 部分属实; one dict per complaint (pk, number, received local date, finding),
    no complainant data."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = (Complaint.objects.filter(enterprise_id=enterprise_id, received_at__gte=start, received_at__lt=end,
                                     finding__in=[Finding.SUBSTANTIATED, Finding.PARTLY])
            .order_by("received_at", "pk").values("pk", "number", "received_at", "finding"))
    return [{"pk": r["pk"], "number": r["number"], "received_on": timezone.localtime(r["received_at"], tz).date(),
             "finding": r["finding"]} for r in rows]
