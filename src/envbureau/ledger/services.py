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

    titles(user, ids) -> {problem id: "code title"}
        The problems among `ids` that `user` may view, by code and title (a list shows what a record opened).

    states_by_ref(app_model, pks=None) -> {source pk: state}
        The state of the problem opened from each record of one source model (one indexed query).

    schedule(start, end, done, total, today, half_on=None, half_share=0.5) -> dict
        The 时间过半任务过半 check of ledger statistics, for any set of tasks (projects, campaigns);
        pct(num, den, places) prints a rate as the ledger does. DONE_STATES: problem states counted as done.

State verbs (each: check the TRANSITIONS table in choices.py — permission with scope, then the
current state — change the problem, append a timeline event (core.workflow.apply), all in one transaction):
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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import audit, texts
from envbureau.core import notify as core_notify_module
from envbureau.core import workflow as wf
from envbureau.core.choices import LEVEL_ORDER
from envbureau.core.models import Jurisdiction, RoleAssignment
from envbureau.core.permissions import CRUD, code_matches, grants_for, has_perm
from envbureau.core.scoping import check_created, check_references, restrict

from .choices import CLOSED_STATES, DONE_STATES, OPEN_STATES, Category, NotificationKind, Source, State, Verb  # noqa: F401
from .models import Attachment, Problem, SignOff, SignOffChain, SignOffStep
from .stats import pct, schedule  # noqa: F401  (interface for other apps, see the docstring)

# the reminders' sentences, worded per reader when shown (core.notify: facts in the notification)
core_notify_module.register_texts({
    "ledger.overdue": gettext_noop("问题 %(c)s“%(t)s”已超过整改时限(%(d)s),请抓紧整改"),
    "ledger.near": gettext_noop("问题 %(c)s“%(t)s”将于 %(d)s 到期,请按时完成整改"),
})

DEFAULT_NOTICE_DAYS = 7  # 公示期: the published closure notices run 7 days (Siping Tiedong's 销号公示)


# Raised for an illegal transition or missing note/evidence (the kit's error: a ValidationError, 400).
TransitionError = wf.TransitionError


# ---- helpers ---------------------------------------------------------------------------------

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
    return wf.allowed_in_scope(user, problem, permission)


def _lock(problem: Problem) -> Problem:
    """Re-read the row inside the transaction (locked on PostgreSQL) so the state check is current."""
    return Problem.objects.select_for_update().select_related("jurisdiction").get(pk=problem.pk)


def events_of(problem: Problem):
    """The problem's timeline rows (core.TimelineEvent), oldest first."""
    from envbureau.core.models import TimelineEvent

    return TimelineEvent.objects.filter(model="ledger.problem", object_id=str(problem.pk)).order_by("time", "id")


def _event(problem, user, verb, from_state, to_state, note, data=None, files=()):
    ev = wf.record_event(problem, user, verb, from_state=from_state, to_state=to_state, note=note, data=data)
    _attach(user, problem, ev, files)
    return ev


def _attach(user, problem, ev, files) -> None:
    """Store uploaded evidence against the event and list it on the timeline line."""
    if not files:
        return
    from django.urls import reverse

    rows = [add_attachment(user, problem, f, event=ev) for f in files]
    ev.attachments = [{"id": a.pk, "name": a.name, "size": a.size, "sha256": a.sha256,
                       "url": reverse("ledger:attachment", args=[a.pk])} for a in rows]
    ev.save(update_fields=["attachments"])


def add_attachment(user, problem, f, event=None) -> Attachment:
    """Store one file as evidence of `problem` (and of the timeline `event` it came with): its name without any
    folder (at most 200 characters, "file" when it has none), its size and SHA-256 computed from the whole
    content, and who uploaded it (None: a system path). `f` is an uploaded file or any binary file object."""
    from django.core.files.base import File

    h = hashlib.sha256()
    size = 0
    for chunk in File(f).chunks():  # the whole content from its start (chunks() seeks to 0), a piece at a time
        h.update(chunk)
        size += len(chunk)
    name = (getattr(f, "name", "") or "file").rsplit("/", 1)[-1][:200]
    att = Attachment(problem=problem, event=event, name=name, size=size, sha256=h.hexdigest(), uploaded_by=user)
    att.file.save(name, f, save=False)  # the storage reads `f` from its start again
    att.save()
    return att


# ---- the transition check (the kit's, with the sign-off chain as a guard) --------------------

def check_transition(user, problem: Problem, verb: str):
    """Raise Http404 / PermissionDenied / TransitionError unless `user` may do `verb` on `problem` now."""
    return wf.check(user, problem, verb)


def allowed_transitions(user, problem: Problem) -> list:
    """The transitions `user` may perform on `problem` now (for buttons and the API)."""
    return wf.allowed(user, problem)


def _sign_guard(user, problem: Problem) -> None:
    step = pending_step(problem)
    if step is None:
        raise TransitionError(_("没有待签署的验收步骤"))
    if not can_sign(user, problem, step):
        raise PermissionDenied(_("当前验收步骤“%(s)s”须由%(who)s签署") % {"s": step.name, "who": step_who(step)})


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
    path = problem.jurisdiction.path
    if not step.level and not step.role_id:
        # Any grant of the permission that reaches the problem, but an enterprise's never: enterprises never
        # sign acceptance, whatever their role holds (an enterprise grant passed the scope check above).
        return any(g.enterprise_id is None and g.allows(step.permission)
                   and (g.jurisdiction_path is None or path.startswith(g.jurisdiction_path))
                   for g in grants_for(user))
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
    from envbureau.core.notify import email_configured as configured

    return configured()


def notify(problem: Problem, users, kind: str, message: str = "", key: str = "", facts=None) -> int:
    """One core notification per user about this problem (never twice for the same key); e-mailed if configured.
    With `facts` ({"msg": "ledger.…", "args": {…}}) every reader reads it in their language."""
    from django.urls import reverse

    return core_notify_module.notify(users, kind, message, url=reverse("ledger:problem-detail", args=[problem.pk]),
                                     obj=problem, key=f"ledger-{problem.pk}-{kind}-{key}", facts=facts)


def link_units(problem: Problem) -> None:
    """The responsible units named on the problem, as core.Unit rows (created on first mention), so a unit's
    members see the problem's rectification steps among their tasks."""
    import uuid

    from envbureau.core.kit_models import UnitKind
    from envbureau.core.models import Unit

    units = []
    for name in problem.responsible_units:
        name = name[:200]  # Unit.name's length: a longer name is found again by the name it was stored under
        unit = Unit.objects.filter(name=name).order_by("pk").first()
        if unit is None:
            unit = Unit.objects.create(code=f"u-{uuid.uuid4().hex[:12]}", name=name, kind=UnitKind.OTHER,
                                       jurisdiction=problem.jurisdiction)
        units.append(unit)
    problem.units.set(units)


# ---- creating and editing --------------------------------------------------------------------

PROBLEM_FIELDS = ("code", "source", "batch", "category", "title", "description", "location", "jurisdiction",
                  "enterprise_id", "enterprise_name", "key_problem", "responsible_units", "responsible_person",
                  "responsible_phone", "target", "measures", "progress", "received_on", "deadline", "long_term")


def _assign_code(problem: Problem) -> None:
    if not problem.code:
        problem.code = f"WT{problem.received_on:%Y}-{problem.pk:06d}"
        Problem.objects.filter(pk=problem.pk).update(code=problem.code)
        audit.record_batch("update", Problem, [problem.pk], {"code": [None, problem.code]})


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
    unknown = set(fields) - set(PROBLEM_FIELDS) - {"source_model", "source_pk", "title_facts", "description_facts"}
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
    link_units(problem)
    wf.sync_tasks(problem, user)  # the 交办 step now waits for whoever may assign
    return problem


def register_title_texts(sentences: dict) -> None:
    """Titles a module writes by a rule: {key: (gettext_noop("…%(x)s…"), (names of values that are fixed-list
    words to word through the catalogue too))}; open_problem(title_facts={"msg": key, "args": {…}})."""
    from .models import TITLE_TEXTS

    TITLE_TEXTS.register(sentences)


def open_problem(user, *, source: str, title: str = "", description: str = "", category: str, jurisdiction,
                 enterprise_id: int | None = None, source_ref: tuple[str, str] | None = None, batch: str = "",
                 deadline: dt.date | None = None, location: str = "",
                 responsible_units: list[str] | None = None, title_facts: dict | None = None,
                 description_facts: dict | None = None) -> Problem:
    """Open a registered problem from another module (see the module docstring). A title written by a rule
    comes as `title_facts` (a key the module registered with register_title_texts, and its values): the
    stored title is then its Chinese wording, and pages word it in the reader's language."""
    from django.utils import translation

    from .models import title_words

    if description_facts:  # a description written by a rule (core.texts): stored in Chinese, shown per reader
        description = texts.chinese(description_facts)
        if not description:
            raise ValidationError({"description": _("描述无法生成")})
    if title_facts:
        with translation.override("zh-hans"):
            title = title_words(title_facts)
        if not title:
            raise ValidationError({"title": _("未登记的标题模板: %(v)s") % {"v": title_facts.get("msg")}})
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
        deadline=deadline, location=location or "", responsible_units=responsible_units or [],
        **({"title_facts": title_facts} if title_facts else {}),
        **({"description_facts": description_facts} if description_facts else {}))


def problems_for_ref(app_model: str, pk: str, user=None):
    qs = Problem.objects.filter(source_model=str(app_model).lower(), source_pk=str(pk))
    return restrict(qs, user, "view") if user is not None else qs


def titles(user, ids) -> dict[int, str]:
    """{problem id: "code title"} of the problems among `ids` that `user` may view: other apps' lists show the
    problem a record opened by its title (one query for a page)."""
    ids = {int(i) for i in ids if i}
    if not ids:
        return {}
    qs = restrict(Problem.objects.filter(pk__in=ids), user, "view").only("pk", "code", "title", "title_facts")
    return {p.pk: f"{p.code} {p.shown_title}".strip() for p in qs}


def states_by_ref(app_model: str, pks=None) -> dict[str, str]:
    qs = Problem.objects.filter(source_model=str(app_model).lower())
    if pks is not None:
        qs = qs.filter(source_pk__in=[str(p) for p in pks])
    return dict(qs.order_by("pk").values_list("source_pk", "state"))


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
    labels = [texts.zh(Problem._meta.get_field(f).verbose_name) for f in changed]
    _event(p, user, Verb.EDIT, p.state, p.state, note=texts.sentence(gettext_noop("修改:%(f)s"), ("f",), f=labels),
           data={"fields": changed})
    if "responsible_units" in changed or "jurisdiction" in changed or "enterprise_id" in changed:
        link_units(p)
        wf.sync_tasks(p, user)  # the next step now waits for the new units / place
    elif "deadline" in changed:
        wf.refresh_due(p)
    return _finish(problem, p)


# ---- the state verbs -------------------------------------------------------------------------

def _finish(problem: Problem, p: Problem) -> Problem:
    """Bring the caller's instance up to date with the saved one (fields and cached relations)."""
    problem.__dict__.update({k: v for k, v in p.__dict__.items() if not k.startswith("_")})
    problem._state.fields_cache = dict(p._state.fields_cache)
    return p


# ---- the state verbs: handlers the workflow (workflows.py) runs inside wf.apply() --------------

def _clean_units(units) -> list[str]:
    return [str(u).strip() for u in (units or []) if str(u).strip()]


def h_assign(ctx) -> None:
    p, d = ctx.obj, ctx.data
    if d.get("responsible_units") is not None:
        p.responsible_units = _clean_units(d["responsible_units"])
    if not p.responsible_units:
        raise TransitionError({"responsible_units": [_("交办须指定责任单位")]})
    for name in ("responsible_person", "responsible_phone", "deadline", "measures"):
        if d.get(name) is not None:
            setattr(p, name, d[name])
    ctx.event_data = {"units": p.responsible_units}


def after_assign(ctx) -> None:
    link_units(ctx.obj)


def h_progress(ctx) -> None:
    ctx.obj.progress = ctx.note


def after_files(ctx) -> None:
    _attach(ctx.user, ctx.obj, ctx.event, ctx.files)


def h_request_close(ctx) -> None:
    p = ctx.obj
    p.progress = ctx.note
    p.closure_round += 1
    p.closure_requested_at = timezone.now()
    step = pending_step(p)
    p.current_step = step if isinstance(step, SignOffStep) else None
    ctx.step = step.name
    ctx.event_data = {"round": p.closure_round}


def h_sign_off(ctx) -> None:
    """Sign the current step of the chain; after the last step the problem is verified."""
    p = ctx.obj
    step = pending_step(p)
    if step.evidence_required and not ctx.files:
        raise TransitionError({"files": [_("“%(s)s”须上传验收材料") % {"s": step.name}]})
    ctx.step = step.name
    ctx.event_data = {"round": p.closure_round}
    ctx.signoff = SignOff.objects.create(problem=p, step=step if isinstance(step, SignOffStep) else None,
                                         step_name=step.name, round=p.closure_round, signed_by=ctx.user)
    nxt = pending_step(p)
    if nxt is None:
        ctx.target = State.VERIFIED
        p.verified_at = timezone.now()
        p.current_step = None
        p.overdue, p.overdue_since = False, None
    else:
        p.current_step = nxt if isinstance(nxt, SignOffStep) else None


def after_sign_off(ctx) -> None:
    SignOff.objects.filter(pk=ctx.signoff.pk).update(event=ctx.event)
    audit.record_batch("update", SignOff, [ctx.signoff.pk], {"event_id": [None, ctx.event.pk]})
    _attach(ctx.user, ctx.obj, ctx.event, ctx.files)


def h_return(ctx) -> None:
    p = ctx.obj
    step = pending_step(p)
    ctx.step = step.name if step else ""
    ctx.event_data = {"round": p.closure_round}
    p.current_step = None


def h_close_out(ctx) -> None:
    ctx.obj.closed_out_at = timezone.now()


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


def h_notice(ctx) -> None:
    """公示: publish the closed-out problem to the public notice page for `days` days."""
    p, d = ctx.obj, ctx.data
    days = d.get("days")
    days = DEFAULT_NOTICE_DAYS if days in (None, "") else int(days)
    summary = (d.get("public_summary") or p.public_summary or p.progress or p.measures or "").strip()
    if not summary:
        raise TransitionError({"public_summary": [_("公示须填写整改情况")]})
    if days < 1:
        raise TransitionError({"days": [_("公示期至少1天")]})
    p.public_summary = scrub_personal(summary)
    p.noticed_at = timezone.now()
    p.notice_until = timezone.localdate() + dt.timedelta(days=days)
    ctx.event_data = {"days": days}


def h_reopen(ctx) -> None:
    """The problem recurred (反弹): back to rectification, keeping its history."""
    p = ctx.obj
    p.reopened_count += 1
    p.verified_at = p.closed_out_at = p.noticed_at = p.notice_until = None
    p.current_step = None
    p.near_notified_for = None


# ---- the verbs other code calls (thin wrappers over the kit) ---------------------------------

def _given(**kw) -> dict:
    return {k: v for k, v in kw.items() if v is not None}


def assign(user, problem: Problem, *, responsible_units=None, responsible_person=None, responsible_phone=None,
           deadline=None, measures=None, note: str = "") -> Problem:
    """交办: name the responsible units (and optionally person, deadline, measures)."""
    return wf.apply(user, problem, Verb.ASSIGN, note=note, **_given(
        responsible_units=responsible_units, responsible_person=responsible_person,
        responsible_phone=responsible_phone, deadline=deadline, measures=measures))


def start(user, problem: Problem, note: str = "") -> Problem:
    return wf.apply(user, problem, Verb.START, note=note)


def record_progress(user, problem: Problem, note: str, files=()) -> Problem:
    return wf.apply(user, problem, Verb.PROGRESS, note=note, files=files)


def request_close(user, problem: Problem, note: str, files=()) -> Problem:
    """申请销号: the rectification result with evidence; starts a new round of the sign-off chain."""
    return wf.apply(user, problem, Verb.REQUEST_CLOSE, note=note, files=files)


def sign_off(user, problem: Problem, note: str = "", files=()) -> Problem:
    """Sign the current step of the chain; after the last step the problem is verified."""
    return wf.apply(user, problem, Verb.SIGN_OFF, note=note, files=files)


def return_for_rework(user, problem: Problem, note: str) -> Problem:
    return wf.apply(user, problem, Verb.RETURN, note=note)


def close_out(user, problem: Problem, note: str = "") -> Problem:
    return wf.apply(user, problem, Verb.CLOSE_OUT, note=note)


def publish_notice(user, problem: Problem, public_summary: str = "", days: int = DEFAULT_NOTICE_DAYS,
                   note: str = "") -> Problem:
    """公示: publish the closed-out problem to the public notice page for `days` days."""
    return wf.apply(user, problem, Verb.NOTICE, note=note, public_summary=public_summary, days=days)


def reopen(user, problem: Problem, note: str) -> Problem:
    """The problem recurred (反弹): back to rectification, keeping its history."""
    return wf.apply(user, problem, Verb.REOPEN, note=note)


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
                audit.record_batch("update", Problem, [pk], {"overdue": [False, True], "overdue_since": [None, today]})
                p = Problem.objects.select_related("jurisdiction").get(pk=pk)
                _event(p, None, Verb.OVERDUE, p.state, p.state,
                       note=texts.sentence(gettext_noop("已超过整改时限 %(d)s"), d=p.deadline), data={"deadline": str(p.deadline)})
                out["overdue"] += 1
                out["notifications"] += notify(
                    p, responsible_users(p), NotificationKind.OVERDUE, key=f"overdue-{p.deadline}",
                    facts={"msg": "ledger.overdue", "args": {"c": p.code, "t": p.title, "d": str(p.deadline)}})
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
                audit.record_batch("update", Problem, [pk], {"near_notified_for": [None, p.deadline]})
                _event(p, None, Verb.REMIND, p.state, p.state,
                       note=texts.sentence(gettext_noop("整改时限 %(d)s 临近"), d=p.deadline), data={"deadline": str(p.deadline)})
                out["near"] += 1
                out["notifications"] += notify(
                    p, responsible_users(p), NotificationKind.NEAR_DEADLINE, key=f"near-{p.deadline}",
                    facts={"msg": "ledger.near", "args": {"c": p.code, "t": p.title, "d": str(p.deadline)}})
    return out
