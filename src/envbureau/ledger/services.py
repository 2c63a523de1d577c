"""Domain verbs of the problem ledger (the state machine) and the interface other apps use.

Interface for other apps (the ledger never imports its sources; they reach it only here):

    open_problem(user, *, source, title, description, category, jurisdiction, enterprise_id=None,
                 source_ref=None, batch="", deadline=None, location="", responsible_units=None) -> Problem
        Opens a registered problem from another module (quality warning, online-monitoring alarm,
        complaint, inspection). `source` is a value of choices.Source, `category` of choices.Category,
        `jurisdiction` a core.Jurisdiction (or its code or pk), `source_ref` a generic reference
        ("app_label.model", "pk") back to the record that raised it. `user=None` is a trusted system
        path; otherwise the user needs ledger.add or ledger.change in a scope covering the jurisdiction
        (PermissionDenied, rolled back, if not). Invalid values raise ValidationError.

    problems_for_ref(app_model, pk, user=None) -> QuerySet[Problem]
        The problems opened from one source record (restricted to what `user` may view if given).

State verbs (each: check the TRANSITIONS table in choices.py — permission with scope, then the
current state — change the problem, append a ProblemEvent, all in one transaction):
    assign, start, record_progress, request_close, sign_off, return_for_rework, close_out,
    publish_notice, reopen; `apply(user, problem, verb, **kw)` dispatches by name.
Errors: out of the user's view scope → Http404; no right → PermissionDenied (403);
illegal transition, missing note or evidence → TransitionError (a ValidationError, 400).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from envbureau.core.models import Jurisdiction, RoleAssignment
from envbureau.core.permissions import CRUD, code_matches, has_perm
from envbureau.core.scoping import check_created, check_references, restrict

from .choices import (
    OPEN_STATES,
    TRANSITIONS,
    Category,
    NotificationKind,
    Source,
    State,
    Transition,
    Verb,
)
from .models import Attachment, Notification, Problem, ProblemEvent, SignOff, SignOffChain, SignOffStep

DEFAULT_NOTICE_DAYS = 7  # 公示期: the published closure notices run 7 days (report-formats.md §1.4, Siping)


class TransitionError(ValidationError):
    """An illegal transition or a missing note/evidence: the request was understood but not allowed now."""


# ---- helpers ---------------------------------------------------------------------------------

def _actor_name(user) -> str:
    if user is None:
        return _("系统")
    return getattr(user, "display_name", "") or user.username


def _as_jurisdiction(value) -> Jurisdiction:
    if isinstance(value, Jurisdiction):
        return value
    try:
        if isinstance(value, int):
            return Jurisdiction.objects.get(pk=value)
        return Jurisdiction.objects.get(code=str(value))
    except Jurisdiction.DoesNotExist:
        raise ValidationError({"jurisdiction": _("未知的行政区划: %(v)s") % {"v": value}}) from None


def _visible(user, problem: Problem) -> None:
    if user is None:
        return
    if not restrict(Problem.objects.filter(pk=problem.pk), user, "view").exists():
        raise Http404


def _allowed(user, problem: Problem, permission: str) -> bool:
    if user is None:
        return True
    module, _sep, action = permission.partition(".")
    if module != "ledger" or not has_perm(user, permission):
        return False
    return restrict(Problem.objects.filter(pk=problem.pk), user, action).exists()


def _lock(problem: Problem) -> Problem:
    """Re-read the row inside the transaction (locked on PostgreSQL) so the state check is current."""
    fresh = Problem.objects.select_for_update().select_related("jurisdiction").get(pk=problem.pk)
    return fresh


def _event(problem, user, verb, from_state, to_state="", note="", step_name="", data=None, files=()):
    ev = ProblemEvent.objects.create(
        problem=problem, verb=verb, from_state=from_state or "", to_state=to_state or "",
        actor=user if user is not None else None, actor_name=_actor_name(user), note=note or "",
        step_name=step_name, data=data or {})
    for f in files or ():
        add_attachment(user, problem, f, event=ev)
    return ev


def add_attachment(user, problem, f, event=None) -> Attachment:
    h = hashlib.sha256()
    size = 0
    if hasattr(f, "seek"):
        f.seek(0)
    for chunk in (f.chunks() if hasattr(f, "chunks") else [f.read()]):
        h.update(chunk)
        size += len(chunk)
    if hasattr(f, "seek"):
        f.seek(0)
    name = (getattr(f, "name", "") or "file").rsplit("/", 1)[-1][:200]
    att = Attachment(problem=problem, event=event, name=name, size=size, sha256=h.hexdigest(),
                     uploaded_by=user if user is not None else None)
    att.file.save(name, f, save=False)
    att.save()
    return att


# ---- the transition check (one place) --------------------------------------------------------

def check_transition(user, problem: Problem, verb: str) -> Transition:
    """Raise Http404 / PermissionDenied / TransitionError unless `user` may do `verb` on `problem` now."""
    t = TRANSITIONS.get(verb)
    if t is None:
        raise TransitionError(_("未知的操作: %(v)s") % {"v": verb})
    _visible(user, problem)
    if not _allowed(user, problem, t.permission):
        raise PermissionDenied(_("您无权对该问题执行“%(a)s”") % {"a": t.label})
    if problem.state not in t.sources:
        raise TransitionError(_("问题当前状态为“%(s)s”,不能执行“%(a)s”") % {
            "s": problem.get_state_display(), "a": t.label})
    if verb in (Verb.SIGN_OFF, Verb.RETURN):
        step = pending_step(problem)
        if step is None:
            raise TransitionError(_("没有待签署的验收步骤"))
        if not can_sign(user, problem, step):
            raise PermissionDenied(_("当前验收步骤“%(s)s”须由%(who)s签署") % {"s": step.name, "who": step_who(step)})
    return t


def allowed_transitions(user, problem: Problem) -> list[Transition]:
    """The transitions `user` may perform on `problem` now (for buttons and the API)."""
    out = []
    for verb in TRANSITIONS:
        try:
            check_transition(user, problem, verb)
        except (PermissionDenied, ValidationError, Http404):
            continue
        out.append(TRANSITIONS[verb])
    return out


def _require_note(t: Transition, note: str) -> str:
    note = (note or "").strip()
    if t.note_required and not note:
        raise TransitionError({"note": [_("“%(a)s”须填写说明") % {"a": t.label}]})
    return note


# ---- sign-off chains -------------------------------------------------------------------------

@dataclass
class ImplicitStep:
    """Used when no chain is configured: one acceptance by anyone holding ledger.verify in scope."""

    name: str = "验收"
    permission: str = "ledger.verify"
    role_id: int | None = None
    level: str = ""
    evidence_required: bool = False
    id: int | None = None
    pk: int | None = None
    order: int = 1


LEVEL_ORDER = ["province", "city", "district", "street", "community"]


def chain_for(problem: Problem) -> SignOffChain | None:
    chains = SignOffChain.objects.filter(active=True).filter(Q(source=problem.source) | Q(source=""))
    return sorted(chains, key=lambda c: (c.source == "", c.pk))[0] if chains else None


def applicable_steps(problem: Problem) -> list:
    """The chain's steps for this problem; steps below the problem's own level are skipped
    (a city-level problem has no district acceptance)."""
    chain = chain_for(problem)
    steps = list(chain.steps.all().order_by("order", "id")) if chain else []
    level = problem.jurisdiction.level
    mine = LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)
    steps = [s for s in steps if not s.level or LEVEL_ORDER.index(s.level) <= mine]
    return steps or [ImplicitStep()]


def signed_steps(problem: Problem) -> list[SignOff]:
    return list(SignOff.objects.filter(problem=problem, round=problem.closure_round).order_by("signed_at", "id"))


def pending_step(problem: Problem):
    done = {s.step_id for s in signed_steps(problem)}
    for step in applicable_steps(problem):
        if step.id not in done:
            return step
    return None


def step_who(step) -> str:
    parts = []
    if step.level:
        from envbureau.core.choices import JurisdictionLevel

        parts.append(str(JurisdictionLevel(step.level).label) + _("级"))
    if step.role_id:
        parts.append(str(step.role))
    parts.append(_("具有“%(p)s”权限的人员") % {"p": step.permission})
    return "".join(parts)


def can_sign(user, problem: Problem, step) -> bool:
    if step is None:
        return False
    if user is None:
        return True
    if not _allowed(user, problem, step.permission):
        return False
    # The same person never signs two steps of one round (复核 must be by someone else).
    if any(s.signed_by_id == user.pk for s in signed_steps(problem)):
        return False
    if not step.level and not step.role_id:
        return True
    path = problem.jurisdiction.path
    for a in RoleAssignment.objects.filter(user=user).select_related("role", "jurisdiction").prefetch_related(
            "departments"):
        perms = set(a.role.permissions)
        for d in a.departments.all():
            if d.active:
                perms.update(f"{m}.{act}" for m in d.modules for act in CRUD)
        if not any(code_matches(p, step.permission) for p in perms):
            continue
        if step.role_id and a.role_id != step.role_id:
            continue
        if a.enterprise_id is not None:
            continue  # enterprises never sign acceptance
        if a.jurisdiction_id is None:
            level = "city"  # a city-wide grant signs at city level
        elif path.startswith(a.jurisdiction.path):
            level = a.jurisdiction.level
        else:
            continue
        if not step.level or step.level == level:
            return True
    return False


# ---- who is told -----------------------------------------------------------------------------

def responsible_users(problem: Problem):
    """Local users who rectify this problem: the nearest level's officers holding ledger.rectify,
    plus the enterprise's users."""
    from envbureau.core.models import User

    codes = [c for c in problem.jurisdiction.path.split("/") if c]
    prefixes = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    rows = (RoleAssignment.objects.filter(Q(jurisdiction__path__in=prefixes)
                                          | Q(enterprise_id=problem.enterprise_id, enterprise_id__isnull=False))
            .select_related("role", "jurisdiction", "user"))
    best_depth, local, enterprise = -1, [], []
    for a in rows:
        if not a.user.is_active or not any(code_matches(p, "ledger.rectify") for p in a.role.permissions):
            continue
        if a.enterprise_id is not None:
            if a.enterprise_id == problem.enterprise_id:
                enterprise.append(a.user_id)
            continue
        depth = a.jurisdiction.path.count("/")
        if depth > best_depth:
            best_depth, local = depth, [a.user_id]
        elif depth == best_depth:
            local.append(a.user_id)
    return User.objects.filter(pk__in=set(local + enterprise))


def email_configured() -> bool:
    backend = getattr(settings, "EMAIL_BACKEND", "")
    return not any(k in backend for k in ("console", "dummy"))


def notify(problem: Problem, users, kind: str, message: str, key: str = "") -> int:
    """Create one notification per user (never twice for the same key) and e-mail it if configured."""
    from django.core.mail import send_mail
    from django.db import IntegrityError

    sent = 0
    for u in users:
        try:
            with transaction.atomic():
                n = Notification.objects.create(recipient=u, problem=problem, kind=kind, message=message[:500],
                                                key=key)
        except IntegrityError:
            continue  # already told about exactly this
        sent += 1
        if u.email and email_configured():
            try:
                send_mail(f"[{_('问题台账')}] {problem.code}", message, None, [u.email], fail_silently=False)
            except Exception:  # mail trouble must not undo the in-platform notice
                continue
            Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
    return sent


# ---- creating and editing --------------------------------------------------------------------

PROBLEM_FIELDS = ("code", "source", "batch", "category", "title", "description", "location", "jurisdiction",
                  "enterprise_id", "enterprise_name", "key_problem", "responsible_units", "responsible_person",
                  "responsible_phone", "target", "measures", "progress", "received_on", "deadline", "long_term")


def _assign_code(problem: Problem) -> None:
    if not problem.code:
        problem.code = f"WT{problem.received_on:%Y}-{problem.pk:06d}"
        Problem.objects.filter(pk=problem.pk).update(code=problem.code)


def _can_create(user, problem: Problem) -> None:
    if user is None:
        return
    for action in ("add", "change"):
        if has_perm(user, f"ledger.{action}"):
            try:
                check_created(user, problem, action)
                return
            except PermissionDenied:
                continue
    raise PermissionDenied(_("超出您的权限范围:不能在该属地登记问题"))


@transaction.atomic
def create_problem(user, *, files=(), note: str = "", **fields) -> Problem:
    """Register a problem (UI, API, importer and open_problem all come here)."""
    unknown = set(fields) - set(PROBLEM_FIELDS) - {"source_model", "source_pk"}
    if unknown:
        raise TypeError(f"unknown problem fields: {sorted(unknown)}")
    if "jurisdiction" in fields:
        fields["jurisdiction"] = _as_jurisdiction(fields["jurisdiction"])
    units = fields.get("responsible_units")
    fields["responsible_units"] = [str(u).strip() for u in (units or []) if str(u).strip()]
    problem = Problem(state=State.REGISTERED, created_by=user, **fields)
    problem.full_clean(exclude=["code"])
    problem.save()
    _assign_code(problem)
    _can_create(user, problem)
    _event(problem, user, Verb.REGISTER, "", State.REGISTERED, note=note,
           data={"source_ref": list(problem.source_ref) if problem.source_ref else None}, files=files)
    return problem


def open_problem(user, *, source: str, title: str, description: str, category: str, jurisdiction,
                 enterprise_id: int | None = None, source_ref: tuple[str, str] | None = None, batch: str = "",
                 deadline: dt.date | None = None, location: str = "",
                 responsible_units: list[str] | None = None) -> Problem:
    """Open a registered problem from another module (see the module docstring)."""
    if source not in Source.values:
        raise ValidationError({"source": _("未知的问题来源: %(v)s") % {"v": source}})
    if category not in Category.values:
        raise ValidationError({"category": _("未知的问题类型: %(v)s") % {"v": category}})
    ref_model, ref_pk = "", ""
    if source_ref is not None:
        ref_model, ref_pk = str(source_ref[0]).lower(), str(source_ref[1])
        if "." not in ref_model or not ref_pk:
            raise ValidationError({"source_ref": _("来源记录须为 (\"应用.模型\", \"主键\")")})
    return create_problem(
        user, source=source, title=title, description=description, category=category, jurisdiction=jurisdiction,
        enterprise_id=enterprise_id, source_model=ref_model, source_pk=ref_pk, batch=batch or "",
        deadline=deadline, location=location or "", responsible_units=responsible_units or [])


def problems_for_ref(app_model: str, pk: str, user=None):
    qs = Problem.objects.filter(source_model=str(app_model).lower(), source_pk=str(pk))
    return restrict(qs, user, "view") if user is not None else qs


EDITABLE = tuple(f for f in PROBLEM_FIELDS if f != "code")


@transaction.atomic
def update_problem(user, problem: Problem, **changes) -> Problem:
    """Edit descriptive fields (ledger.change); the state only moves through the verbs."""
    _visible(user, problem)
    if not _allowed(user, problem, "ledger.change"):
        raise PermissionDenied(_("您无权修改该问题"))
    p = _lock(problem)
    changed = []
    for k, v in changes.items():
        if k not in EDITABLE:
            raise TypeError(f"not editable: {k}")
        if k == "jurisdiction":
            v = _as_jurisdiction(v)
        if k == "responsible_units":
            v = [str(u).strip() for u in (v or []) if str(u).strip()]
        if getattr(p, k) != v:
            setattr(p, k, v)
            changed.append(k)
    if not changed:
        return p
    p.full_clean()
    if "deadline" in changed:
        p.near_notified_for = None
        if p.overdue and (p.deadline is None or p.deadline >= timezone.localdate()):
            p.overdue, p.overdue_since = False, None
    p.save()
    if user is not None and not _allowed(user, p, "ledger.change"):
        raise PermissionDenied(_("修改后的问题超出您的权限范围"))
    check_references(user, p, changed)
    labels = [str(Problem._meta.get_field(f).verbose_name) for f in changed]
    _event(p, user, Verb.EDIT, p.state, p.state, note=_("修改:") + "、".join(labels), data={"fields": changed})
    return _finish(problem, p)


# ---- the state verbs -------------------------------------------------------------------------

def _move(user, problem: Problem, verb: str, note: str = "", files=(), **kw):
    """Common frame: lock, check, require note/evidence; returns (locked problem, transition, note)."""
    p = _lock(problem)
    t = check_transition(user, p, verb)
    note = _require_note(t, note)
    if t.evidence_required and not files:
        raise TransitionError({"files": [_("“%(a)s”须上传整改佐证材料(照片、验收报告等)") % {"a": t.label}]})
    return p, t, note


def _finish(problem: Problem, p: Problem) -> Problem:
    """Bring the caller's instance up to date with the saved one (fields and cached relations)."""
    problem.__dict__.update({k: v for k, v in p.__dict__.items() if not k.startswith("_")})
    problem._state.fields_cache = dict(p._state.fields_cache)
    return p


@transaction.atomic
def assign(user, problem: Problem, *, responsible_units=None, responsible_person=None, responsible_phone=None,
           deadline=None, measures=None, note: str = "") -> Problem:
    """交办: name the responsible units (and optionally person, deadline, measures)."""
    p, t, note = _move(user, problem, Verb.ASSIGN, note)
    if responsible_units is not None:
        p.responsible_units = [str(u).strip() for u in responsible_units if str(u).strip()]
    if not p.responsible_units:
        raise TransitionError({"responsible_units": [_("交办须指定责任单位")]})
    for name, value in (("responsible_person", responsible_person), ("responsible_phone", responsible_phone),
                        ("deadline", deadline), ("measures", measures)):
        if value is not None:
            setattr(p, name, value)
    frm = p.state
    p.state = t.target
    p.save()
    _event(p, user, Verb.ASSIGN, frm, p.state, note=note, data={"units": p.responsible_units})
    notify(p, responsible_users(p), NotificationKind.ASSIGNED,
           _("新交办问题 %(c)s:%(t)s,整改时限 %(d)s") % {"c": p.code, "t": p.title, "d": p.deadline or _("未定")},
           key="assign")
    return _finish(problem, p)


@transaction.atomic
def start(user, problem: Problem, note: str = "") -> Problem:
    p, t, note = _move(user, problem, Verb.START, note)
    frm, p.state = p.state, t.target
    p.save()
    _event(p, user, Verb.START, frm, p.state, note=note)
    return _finish(problem, p)


@transaction.atomic
def record_progress(user, problem: Problem, note: str, files=()) -> Problem:
    p, t, note = _move(user, problem, Verb.PROGRESS, note, files)
    p.progress = note
    p.save()
    _event(p, user, Verb.PROGRESS, p.state, p.state, note=note, files=files)
    return _finish(problem, p)


@transaction.atomic
def request_close(user, problem: Problem, note: str, files=()) -> Problem:
    """申请销号: the rectification result with evidence; starts a new round of the sign-off chain."""
    p, t, note = _move(user, problem, Verb.REQUEST_CLOSE, note, files)
    frm = p.state
    p.state = t.target
    p.progress = note
    p.closure_round += 1
    p.closure_requested_at = timezone.now()
    p.save()
    step = pending_step(p)
    p.current_step = step if isinstance(step, SignOffStep) else None
    p.save(update_fields=["current_step", "updated"])
    _event(p, user, Verb.REQUEST_CLOSE, frm, p.state, note=note, step_name=step.name,
           data={"round": p.closure_round}, files=files)
    return _finish(problem, p)


@transaction.atomic
def sign_off(user, problem: Problem, note: str = "", files=()) -> Problem:
    """Sign the current step of the chain; after the last step the problem is verified."""
    p, t, note = _move(user, problem, Verb.SIGN_OFF, note, files)
    step = pending_step(p)
    if step.evidence_required and not files:
        raise TransitionError({"files": [_("“%(s)s”须上传验收材料") % {"s": step.name}]})
    frm = p.state
    ev = _event(p, user, Verb.SIGN_OFF, frm, "", note=note, step_name=step.name,
                data={"round": p.closure_round}, files=files)
    SignOff.objects.create(problem=p, step=step if isinstance(step, SignOffStep) else None, step_name=step.name,
                           round=p.closure_round, signed_by=user, event=ev)
    nxt = pending_step(p)
    if nxt is None:
        p.state = State.VERIFIED
        p.verified_at = timezone.now()
        p.current_step = None
        p.overdue, p.overdue_since = False, None
    else:
        p.current_step = nxt if isinstance(nxt, SignOffStep) else None
    p.save()
    ProblemEvent.objects.filter(pk=ev.pk).update(to_state=p.state)
    return _finish(problem, p)


@transaction.atomic
def return_for_rework(user, problem: Problem, note: str) -> Problem:
    p, t, note = _move(user, problem, Verb.RETURN, note)
    step = pending_step(p)
    frm, p.state, p.current_step = p.state, t.target, None
    p.save()
    _event(p, user, Verb.RETURN, frm, p.state, note=note, step_name=step.name if step else "",
           data={"round": p.closure_round})
    notify(p, responsible_users(p), NotificationKind.RETURNED,
           _("问题 %(c)s 验收未通过,已退回整改:%(n)s") % {"c": p.code, "n": note}, key=f"return-{p.closure_round}")
    return _finish(problem, p)


@transaction.atomic
def close_out(user, problem: Problem, note: str = "") -> Problem:
    p, t, note = _move(user, problem, Verb.CLOSE_OUT, note)
    frm, p.state, p.closed_out_at = p.state, t.target, timezone.now()
    p.save()
    _event(p, user, Verb.CLOSE_OUT, frm, p.state, note=note)
    return _finish(problem, p)


# Phone numbers, ID numbers and e-mail addresses never reach the public notice.
_PERSONAL = [
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "1**********"),
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "******************"),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "****"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "***@***"),
]


def scrub_personal(text: str) -> str:
    for rx, repl in _PERSONAL:
        text = rx.sub(repl, text or "")
    return text


@transaction.atomic
def publish_notice(user, problem: Problem, public_summary: str = "", days: int = DEFAULT_NOTICE_DAYS,
                   note: str = "") -> Problem:
    """公示: publish the closed-out problem to the public notice page for `days` days."""
    p, t, note = _move(user, problem, Verb.NOTICE, note)
    summary = (public_summary or p.public_summary or p.progress or p.measures or "").strip()
    if not summary:
        raise TransitionError({"public_summary": [_("公示须填写整改情况")]})
    if days < 1:
        raise TransitionError({"days": [_("公示期至少1天")]})
    frm, p.state = p.state, t.target
    p.public_summary = scrub_personal(summary)
    p.noticed_at = timezone.now()
    p.notice_until = timezone.localdate() + dt.timedelta(days=days)
    p.save()
    _event(p, user, Verb.NOTICE, frm, p.state, note=note, data={"days": days})
    return _finish(problem, p)


@transaction.atomic
def reopen(user, problem: Problem, note: str) -> Problem:
    """The problem recurred (反弹): back to rectification, keeping its history."""
    p, t, note = _move(user, problem, Verb.REOPEN, note)
    frm, p.state = p.state, t.target
    p.reopened_count += 1
    p.verified_at = p.closed_out_at = p.noticed_at = p.notice_until = None
    p.current_step = None
    p.near_notified_for = None
    p.save()
    _event(p, user, Verb.REOPEN, frm, p.state, note=note)
    notify(p, responsible_users(p), NotificationKind.RETURNED,
           _("问题 %(c)s 出现反弹,已重新打开:%(n)s") % {"c": p.code, "n": note}, key=f"reopen-{p.reopened_count}")
    return _finish(problem, p)


VERB_FUNCTIONS = {
    Verb.ASSIGN: assign, Verb.START: start, Verb.PROGRESS: record_progress, Verb.REQUEST_CLOSE: request_close,
    Verb.SIGN_OFF: sign_off, Verb.RETURN: return_for_rework, Verb.CLOSE_OUT: close_out,
    Verb.NOTICE: publish_notice, Verb.REOPEN: reopen,
}


def apply(user, problem: Problem, verb: str, *, note: str = "", files=(), **kw) -> Problem:
    """Dispatch a verb by name (views and the API); keyword arguments the verb does not take are refused."""
    fn = VERB_FUNCTIONS.get(verb)
    if fn is None:
        raise TransitionError(_("未知的操作: %(v)s") % {"v": verb})
    kwargs = dict(kw)
    if verb in (Verb.PROGRESS, Verb.REQUEST_CLOSE, Verb.SIGN_OFF):
        kwargs["files"] = files
    elif files:
        raise TransitionError({"files": [_("该操作不接收附件")]})
    return fn(user, problem, note=note, **kwargs)


# ---- reminders (the `ledger_reminders` command) ----------------------------------------------

def run_reminders(today: dt.date | None = None, near_days: int = 7) -> dict:
    """Flag overdue problems and remind about near deadlines. Idempotent: each problem is claimed with a
    conditional UPDATE, so re-runs and parallel workers never flag or notify twice."""
    from envbureau.core.audit import audit_context

    today = today or timezone.localdate()
    out = {"overdue": 0, "near": 0, "notifications": 0}
    with audit_context("system", note="ledger_reminders"):
        overdue_ids = list(Problem.objects.filter(state__in=OPEN_STATES, deadline__lt=today, overdue=False)
                           .values_list("pk", flat=True))
        for pk in overdue_ids:
            with transaction.atomic():
                claimed = Problem.objects.filter(pk=pk, overdue=False, state__in=OPEN_STATES,
                                                 deadline__lt=today).update(overdue=True, overdue_since=today)
                if not claimed:
                    continue
                p = Problem.objects.select_related("jurisdiction").get(pk=pk)
                _event(p, None, Verb.OVERDUE, p.state, p.state,
                       note=_("已超过整改时限 %(d)s") % {"d": p.deadline}, data={"deadline": str(p.deadline)})
                out["overdue"] += 1
                out["notifications"] += notify(
                    p, responsible_users(p), NotificationKind.OVERDUE,
                    _("问题 %(c)s“%(t)s”已超过整改时限(%(d)s),请抓紧整改") % {"c": p.code, "t": p.title, "d": p.deadline},
                    key=f"overdue-{p.deadline}")
        horizon = today + dt.timedelta(days=near_days)
        near_ids = list(Problem.objects.filter(state__in=OPEN_STATES, deadline__gte=today, deadline__lte=horizon)
                        .exclude(near_notified_for=F("deadline")).values_list("pk", flat=True))
        for pk in near_ids:
            with transaction.atomic():
                p = Problem.objects.select_related("jurisdiction").get(pk=pk)
                claimed = (Problem.objects.filter(pk=pk, deadline=p.deadline)
                           .exclude(near_notified_for=p.deadline).update(near_notified_for=p.deadline))
                if not claimed:
                    continue
                _event(p, None, Verb.REMIND, p.state, p.state,
                       note=_("整改时限 %(d)s 临近") % {"d": p.deadline}, data={"deadline": str(p.deadline)})
                out["near"] += 1
                out["notifications"] += notify(
                    p, responsible_users(p), NotificationKind.NEAR_DEADLINE,
                    _("问题 %(c)s“%(t)s”将于 %(d)s 到期,请按时完成整改") % {"c": p.code, "t": p.title, "d": p.deadline},
                    key=f"near-{p.deadline}")
    return out
