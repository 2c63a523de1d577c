"""Domain verbs of the complaints app. Each takes the acting user (None = trusted system path),
checks the transition against choices.TRANSITIONS and the user's scope, changes the complaint in
one transaction, appends a ComplaintEvent and keeps the monthly summary current. Views, the API,
Open311, importers and the CLI call these; they hold no rules of their own.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from envbureau.core.permissions import grants_for, has_perm
from envbureau.core.scoping import can, check_created

from . import deadlines, duplicates, routing, statistics
from .choices import COMPLETED_STATES, TRANSITIONS, EventKind, Finding, Satisfaction, State
from .models import Complaint, ComplaintEvent, DuplicateLink, IntakeAttempt, SatisfactionVisit


class TransitionError(ValidationError):
    """An action that the complaint's state does not allow (answered 400 with this message)."""


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

def _actor_name(user) -> str:
    return getattr(user, "username", "") if user is not None else "system"


def _event(c, kind, user, from_state="", to_state="", note="", data=None):
    return ComplaintEvent.objects.create(complaint=c, kind=kind, actor=user if getattr(user, "pk", None) else None,
                                         actor_name=_actor_name(user), from_state=from_state, to_state=to_state,
                                         note=note or "", data=data or {})


def allowed(user, complaint, action: str) -> bool:
    """Whether the verb may run now (for buttons): state and permission in scope."""
    src, _to, perm = TRANSITIONS[action]
    if complaint.state not in src:
        return False
    return user is None or can(user, complaint, perm)


def _begin(user, complaint, action: str) -> Complaint:
    src, _to, perm = TRANSITIONS[action]
    c = Complaint.objects.select_for_update().select_related("jurisdiction").get(pk=complaint.pk)
    if user is not None:
        if not can(user, c, "view"):
            raise PermissionDenied(_("超出您的权限范围"))
        if not can(user, c, perm):
            raise PermissionDenied(_("您没有「%(p)s」权限") % {"p": perm})
    if c.state not in src:
        raise TransitionError(_("当前状态「%(s)s」不能执行「%(a)s」") % {
            "s": c.get_state_display(), "a": dict(EventKind.choices).get(action, action)})
    return c


def _finish(user, c, action: str, kind: str, note="", data=None, old_key=None) -> Complaint:
    to = TRANSITIONS[action][1] if action in TRANSITIONS else None
    before = c.state
    if to and to != c.state:
        c.state = to
        c.state_changed_at = timezone.now()
    c.save()
    _event(c, kind, user, before, c.state, note, data)
    keys = [statistics.key_of(c)]
    if old_key:
        keys.append(old_key)
    statistics.refresh_keys(keys)
    return c


def _required(value, field, label):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: _("请填写%(l)s") % {"l": label}})


# ---------------------------------------------------------------- intake

def _new_number(c) -> str:
    return f"XF{deadlines.local_date(c.received_at):%Y%m%d}{c.pk:06d}"


@transaction.atomic
def register(user, complaint: Complaint, *, suggest: bool = True, source_note: str = "") -> Complaint:
    """Register a new complaint: route it, compute its deadlines, number it, suggest repeats."""
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
        Complaint.objects.filter(pk=c.pk).update(number=c.number)
    check_created(user, c, "add")
    _event(c, EventKind.REGISTER, user, "", c.state, source_note or c.get_channel_display())
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


def submit_public(complaint: Complaint, remote_addr: str | None, note: str = "") -> Complaint:
    """Anonymous intake (web form, Open311): rate-limited, registered by the system."""
    check_rate(remote_addr)
    from envbureau.core.audit import audit_context

    with audit_context("web", note=note or "public intake", remote_addr=remote_addr):
        return register(None, complaint, source_note=note)


def public_status(number: str, code: str):
    c = Complaint.objects.filter(number=number.strip()).first()
    if c is None or not code or not secrets.compare_digest(c.query_code, code.strip()):
        return None
    return c


# ---------------------------------------------------------------- handling verbs

@transaction.atomic
def accept(user, complaint, note: str = "", track: str | None = None) -> Complaint:
    c = _begin(user, complaint, "accept")
    if track:
        c.track = track
    c.accepted_at = timezone.now()
    deadlines.compute(c)
    return _finish(user, c, "accept", EventKind.ACCEPT, note)


@transaction.atomic
def decline(user, complaint, reason: str) -> Complaint:
    _required(reason, "decline_reason", _("不予受理理由"))
    c = _begin(user, complaint, "decline")
    c.decline_reason = reason.strip()
    return _finish(user, c, "decline", EventKind.DECLINE, reason)


@transaction.atomic
def assign(user, complaint, unit: str, assignee=None, note: str = "") -> Complaint:
    _required(unit, "assignee_unit", _("承办单位"))
    c = _begin(user, complaint, "assign")
    c.assignee_unit = unit.strip()
    c.assignee = assignee
    c.assigned_at = timezone.now()
    return _finish(user, c, "assign", EventKind.ASSIGN, note, {"unit": c.assignee_unit})


@transaction.atomic
def investigate(user, complaint, finding: str, investigation: str) -> Complaint:
    if finding not in Finding.values:
        raise ValidationError({"finding": _("请选择核实结论(属实/部分属实/不属实)")})
    _required(investigation, "investigation", _("调查核实情况"))
    c = _begin(user, complaint, "investigate")
    c.finding = finding
    c.investigation = investigation.strip()
    c.investigated_at = timezone.now()
    return _finish(user, c, "investigate", EventKind.INVESTIGATE, investigation, {"finding": finding})


@transaction.atomic
def record_measures(user, complaint, measures: str, ordered_rectification=False, case_filed=False,
                    fine_amount=None) -> Complaint:
    _required(measures, "measures", _("处理措施"))
    c = _begin(user, complaint, "measures")
    if fine_amount not in (None, ""):
        fine_amount = Decimal(str(fine_amount))
        if fine_amount < 0:
            raise ValidationError({"fine_amount": _("罚款金额不能为负")})
    else:
        fine_amount = None
    c.measures = (c.measures + "\n" if c.measures else "") + measures.strip()
    c.ordered_rectification = bool(ordered_rectification) or c.ordered_rectification
    c.case_filed = bool(case_filed) or c.case_filed
    if fine_amount is not None:
        c.fine_amount = fine_amount
    return _finish(user, c, "measures", EventKind.MEASURES, measures,
                   {"ordered_rectification": c.ordered_rectification, "case_filed": c.case_filed,
                    "fine_amount": str(c.fine_amount) if c.fine_amount is not None else None})


def _on_time(c, when) -> bool | None:
    if not c.finish_due:
        return None
    return deadlines.local_date(when) <= c.finish_due


@transaction.atomic
def reply(user, complaint, reply_text: str, method: str = "") -> Complaint:
    _required(reply_text, "reply_text", _("答复意见"))
    c = _begin(user, complaint, "reply")
    now = timezone.now()
    c.reply_text = reply_text.strip()
    c.reply_method = method or ""
    c.replied_at = now
    c.on_time = _on_time(c, now)
    return _finish(user, c, "reply", EventKind.REPLY, reply_text, {"method": method})


@transaction.atomic
def visit(user, complaint, satisfaction: str, method: str = "", note: str = "", fixed=None) -> Complaint:
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("请选择回访结果")})
    c = _begin(user, complaint, "visit")
    SatisfactionVisit.objects.create(complaint=c, satisfaction=satisfaction, method=method or "", note=note or "",
                                     fixed=fixed, actor=user if getattr(user, "pk", None) else None)
    c.satisfaction = satisfaction
    c.visited_at = timezone.now()
    return _finish(user, c, "visit", EventKind.VISIT, note, {"satisfaction": satisfaction, "fixed": fixed})


@transaction.atomic
def close(user, complaint, note: str = "") -> Complaint:
    c = _begin(user, complaint, "close")
    c.closed_at = timezone.now()
    return _finish(user, c, "close", EventKind.CLOSE, note)


@transaction.atomic
def request_extension(user, complaint, days: int, reason: str) -> Complaint:
    _required(reason, "extension_reason", _("延期理由"))
    c = _begin(user, complaint, "request_extension")
    rule = deadlines.rule_for(c.jurisdiction, c.channel, c.track, deadlines.local_date(c.received_at))
    try:
        days = int(days)
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
    c.extension_requested_by = user if getattr(user, "pk", None) else None
    return _finish(user, c, "request_extension", EventKind.REQUEST_EXTENSION, reason, {"days": days})


@transaction.atomic
def approve_extension(user, complaint, note: str = "") -> Complaint:
    c = _begin(user, complaint, "approve_extension")
    if c.extension_state != "requested":
        raise TransitionError(_("没有待审批的延期申请"))
    if user is not None and c.extension_requested_by_id == getattr(user, "pk", None):
        raise PermissionDenied(_("延期须由申请人以外的有权人员批准"))
    c.extension_days += c.extension_requested_days
    c.extension_state = "approved"
    c.extension_approved_by = user if getattr(user, "pk", None) else None
    old_due = c.finish_due
    deadlines.compute(c)
    return _finish(user, c, "approve_extension", EventKind.APPROVE_EXTENSION, note,
                   {"days": c.extension_requested_days, "from": str(old_due), "to": str(c.finish_due)})


@transaction.atomic
def refuse_extension(user, complaint, note: str = "") -> Complaint:
    c = _begin(user, complaint, "refuse_extension")
    if c.extension_state != "requested":
        raise TransitionError(_("没有待审批的延期申请"))
    c.extension_state = "refused"
    return _finish(user, c, "refuse_extension", EventKind.REFUSE_EXTENSION, note)


@transaction.atomic
def request_review(user, complaint, note: str = "", on: dt.date | None = None) -> Complaint:
    """复查 (level 1) then 复核 (level 2): asked within 30 days of the reply, answered within 30 days."""
    c = _begin(user, complaint, "request_review")
    if c.review_level >= 2:
        raise TransitionError(_("复核意见为最终意见,不再受理复查/复核请求"))
    rule = deadlines.rule_for(c.jurisdiction, c.channel, c.track, deadlines.local_date(c.received_at))
    on = on or timezone.localdate()
    last_day = deadlines.review_request_due(deadlines.local_date(c.replied_at), rule)
    if on > last_day:
        raise TransitionError(_("已超过申请期限(%(d)s)") % {"d": last_day})
    c.review_level += 1
    c.review_due = deadlines.review_answer_due(on, rule)
    return _finish(user, c, "request_review", EventKind.REQUEST_REVIEW, note,
                   {"level": c.review_level, "due": str(c.review_due)})


@transaction.atomic
def answer_review(user, complaint, reply_text: str) -> Complaint:
    _required(reply_text, "reply_text", _("复查/复核意见"))
    c = _begin(user, complaint, "answer_review")
    c.reply_text = reply_text.strip()
    c.replied_at = timezone.now()
    c.review_due = None
    return _finish(user, c, "answer_review", EventKind.ANSWER_REVIEW, reply_text, {"level": c.review_level})


# ---------------------------------------------------------------- duplicates

def _check_dup_perm(user, c):
    if user is not None and not can(user, c, TRANSITIONS["confirm_duplicate"][2]):
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
    _event(c, EventKind.NOTE, user, c.state, c.state, note or _("经核对非重复件"), {"link": link.pk})
    return link


@transaction.atomic
def answer_repeat(user, complaint, original, note: str = "") -> Complaint:
    """A repeat of a finished complaint is answered with the existing result, not handled again."""
    c = _begin(user, complaint, "answer_repeat")
    if original.state not in COMPLETED_STATES:
        raise TransitionError(_("原件尚未办结:请确认重复后按正常程序受理办理"))
    confirm_duplicate(user, c, original, note)
    c.refresh_from_db()
    now = timezone.now()
    if not c.accepted_at:
        c.accepted_at = now
        deadlines.compute(c)
    c.finding = original.finding
    c.investigation = original.investigation
    c.measures = original.measures
    c.reply_text = _("经核实,您反映的问题与第%(n)s号件为同一事项,该件已办结,现将办理结果答复如下:") % {
        "n": original.number} + "\n" + (original.reply_text or "")
    c.reply_method = original.reply_method
    c.replied_at = now
    c.on_time = _on_time(c, now)
    return _finish(user, c, "answer_repeat", EventKind.ANSWER_REPEAT, note, {"original": original.number})


# ---------------------------------------------------------------- ledger

@transaction.atomic
def spawn_problem(user, complaint, *, description: str = "", deadline=None, responsible_units=None):
    """Open a problem in the ledger for this complaint (through ledger.services only)."""
    c = _begin(user, complaint, "spawn_problem")
    if c.problem_ref:
        raise TransitionError(_("已转入问题台账(编号 %(r)s)") % {"r": c.problem_ref})
    try:
        from envbureau.ledger.services import open_problem
    except ImportError as exc:
        raise LedgerUnavailable(_("问题台账模块尚未提供 open_problem,暂不能转问题台账")) from exc
    problem = open_problem(
        user, source="complaint", title=c.title, description=description or c.content, category=c.category,
        jurisdiction=c.jurisdiction, enterprise_id=c.enterprise_id, source_ref=("complaints.complaint", str(c.pk)),
        batch=c.batch, deadline=deadline, location=c.location, responsible_units=responsible_units)
    c.problem_ref = str(getattr(problem, "pk", problem))
    return _finish(user, c, "spawn_problem", EventKind.PROBLEM, "", {"problem": c.problem_ref})


def ledger_available() -> bool:
    try:
        from envbureau.ledger.services import open_problem  # noqa: F401
    except ImportError:
        return False
    return True
