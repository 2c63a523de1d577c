"""Workflows: a closed loop declared once per model, driven by one entry point.

    from envbureau.core import workflow as wf

    PROBLEM = wf.register(wf.Workflow(
        "ledger.problem", module="ledger",
        states=[wf.State("registered", _("已登记"), "secondary", task=wf.TaskSpec(_("交办"), "ledger.assign")),
                wf.State("assigned", _("已交办"), "info", task=wf.TaskSpec(_("签收整改"), "ledger.rectify")),
                wf.State("closed_out", _("已销号"), "success", terminal=True), ...],
        transitions=[wf.Transition("assign", ["registered"], "assigned", "ledger.assign", _("交办"),
                                   required=["responsible_units"], fields=["deadline"]), ...],
        url=lambda p: reverse("ledger:problem-detail", args=[p.pk]), due=lambda p: p.deadline))

    wf.apply(user, problem, "assign", responsible_units=[...], note="...")

`apply` locks the row, checks scope (404), permission in scope, role and jurisdiction level (403), the
state and the required data (TransitionError = 400), runs the transition's handler, saves, appends
one TimelineEvent, closes the object's open tasks and opens the next actor's, and notifies them —
all in one transaction (and audited like every save). Views, the API, the CLI and importers call it;
a module's services keep their verb names as thin wrappers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import PurePosixPath
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import texts
from .permissions import code_matches, has_perm
from .scoping import enterprise_lookups, restrict, spec_of


class TransitionError(ValidationError):
    """The request was understood but the object's state or the given data does not allow it (400)."""


@dataclass(frozen=True)
class Assignee:
    """Who a task waits for: one user, every member of a unit, or anyone holding `permission` whose
    scope reaches the object (only at jurisdiction `level` when given)."""

    user: Any = None
    unit: Any = None
    permission: str = ""
    level: str = ""


@dataclass(frozen=True)
class TaskSpec:
    """The task an object in a state gives someone: `action` in words ("验收"), for `permission` holders
    in scope by default, or for whoever `assignees(obj)` names; due on `due(obj)` (else the workflow's)."""

    action: Any
    permission: str = ""
    level: str = ""
    assignees: Callable | None = None
    due: Callable | None = None
    # The enterprise whose users hold the task (default: the object's first enterprise lookup), e.g. the
    # receiver of a waste manifest for the step "confirm receipt".
    enterprise: Callable | None = None


@dataclass(frozen=True)
class State:
    value: str
    label: Any
    colour: str = "secondary"
    terminal: bool = False
    task: TaskSpec | None = None


@dataclass(frozen=True)
class Transition:
    """verb: from `sources` to `target` (None = stays); `permission` ("module.action", or alternatives
    "module.a|module.b": either one) in the object's scope; optionally only for `roles` (role codes) or at jurisdiction `level`; `required` data (fields or
    parameters that must be non-empty), `fields` copied from the data onto the object, other accepted
    `params`; `note_required`/`evidence_required`; `document` the kind of document (core.documents) the step issues:
    apply fills it from the saved object inside the transaction (a missing required field refuses the step)
    and links it on the step's timeline line;
    `handler(ctx)` does the domain part and may set ctx.target; `after(ctx)` runs once the event exists."""

    verb: str
    sources: tuple
    target: str | None
    permission: str
    label: Any
    roles: tuple = ()
    level: str = ""
    required: tuple = ()
    fields: tuple = ()
    params: tuple = ()
    note_required: bool = False
    evidence_required: bool = False
    document: str = ""
    handler: Callable | None = None
    after: Callable | None = None
    guard: Callable | None = None  # guard(user, obj) -> None or raise, for rules the table cannot say
    button: str = "primary"
    reassign: bool = False  # close and reopen tasks even when the state stays


@dataclass(frozen=True)
class Lapse:
    """What the law makes of a limit the authority let run out: an object still in `state` whose running,
    unpaused clock `clock` (core.deadlines) ended before today gets `verb` applied by the system, with the
    parameters `data(obj, clock)` and `note` on its timeline; e.g. 逾期未告知补正, 自收到申请材料之日起即为受理
    (行政许可法 art. 32). Run by `envbureau deadline_lapses` (run_lapses)."""

    state: str
    clock: str
    verb: str
    note: Any
    data: Callable | None = None


@dataclass
class Context:
    """What a handler sees and may change."""

    user: Any
    obj: Any
    workflow: Workflow
    transition: Transition
    note: str
    files: tuple
    data: dict
    from_state: str
    target: str | None
    step: str | dict = ""  # a text, or the facts of a sentence written by a rule (core.texts): worded per reader
    event_data: dict = dc_field(default_factory=dict)
    attachments: list = dc_field(default_factory=list)
    documents: list = dc_field(default_factory=list)
    event: Any = None
    keep_tasks: bool = False


@dataclass
class Workflow:
    model: str  # "app_label.modelname"
    module: str
    states: list
    transitions: list
    field: str = "state"
    title: Callable | None = None  # obj -> str shown in tasks and notifications
    url: Callable | None = None  # obj -> the page where the next actor acts
    due: Callable | None = None  # obj -> date the open step is due
    verb_labels: dict = dc_field(default_factory=dict)  # words for events that are not transitions
    name: Any = ""
    # False when the module's own job already reminds about its statutory limits (ledger, complaints):
    # the kit's task_reminders then leaves its tasks alone so nobody is told twice.
    remind: bool = True
    lapses: list = dc_field(default_factory=list)  # Lapse rules: what a limit running out does by itself

    def __post_init__(self):
        self.model = self.model.lower()
        self.state_map = {s.value: s for s in self.states}
        self.transition_map = {t.verb: t for t in self.transitions}
        for t in self.transitions:
            missing = [s for s in (*t.sources, t.target) if s is not None and s not in self.state_map]
            if missing:
                raise ValueError(f"{self.model}: transition {t.verb} names unknown states {missing}")
        for lp in self.lapses:
            t = self.transition_map.get(lp.verb)
            if t is None or lp.state not in t.sources:
                raise ValueError(f"{self.model}: lapse {lp.verb} is not a transition from {lp.state}")

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def state_label(self, value: str) -> str:
        s = self.state_map.get(value)
        return str(s.label) if s else (value or "")

    def state_colour(self, value: str) -> str:
        s = self.state_map.get(value)
        return s.colour if s else "secondary"

    def verb_label(self, verb: str) -> str:
        t = self.transition_map.get(verb)
        if t is not None:
            return str(t.label)
        return str(self.verb_labels.get(verb) or GENERIC_VERBS.get(verb) or verb)

    def terminal_states(self) -> list[str]:
        return [s.value for s in self.states if s.terminal]

    def task_permissions(self) -> set[str]:
        out = {t.permission for t in self.transitions}
        out.update(s.task.permission for s in self.states if s.task and s.task.permission)
        return out


GENERIC_VERBS = {
    "deadline_start": gettext_lazy("开始计时"),
    "deadline_pause": gettext_lazy("期限中止"),
    "deadline_resume": gettext_lazy("恢复计时"),
    "deadline_extend": gettext_lazy("延长期限"),
    "remind": gettext_lazy("临期提醒"),
    "overdue": gettext_lazy("逾期"),
    "document": gettext_lazy("出具文书"),
    "note": gettext_lazy("备注"),
    "check": gettext_lazy("核查"),
    "recheck": gettext_lazy("复查"),
    "reopen": gettext_lazy("复查发现反弹,重新打开"),
}

REGISTRY: dict[str, Workflow] = {}
EXTRA_TASK_PERMISSIONS: set[str] = set()


def register(workflow: Workflow) -> Workflow:
    REGISTRY[workflow.model] = workflow
    return workflow


def label_of(obj_or_label) -> str:
    if isinstance(obj_or_label, str):
        return obj_or_label.lower()
    return obj_or_label._meta.label_lower


def workflow_for(obj_or_label) -> Workflow:
    label = label_of(obj_or_label)
    wf = REGISTRY.get(label)
    if wf is None:
        # a proxy model (e.g. the public face of a problem) runs its concrete model's workflow
        model = obj_or_label if not isinstance(obj_or_label, str) else apps.get_model(label)
        concrete = model._meta.concrete_model._meta.label_lower
        wf = REGISTRY.get(concrete)
    if wf is None:
        raise LookupError(f"no workflow registered for {label}")
    return wf


def all_workflows() -> list[Workflow]:
    return list(REGISTRY.values())


def task_permissions() -> set[str]:
    out = set(EXTRA_TASK_PERMISSIONS)
    for w in REGISTRY.values():
        out |= w.task_permissions()
    out.discard("")
    return out


# ---- reading the object's place -----------------------------------------------------------------

def _follow(obj, lookup: str):
    for part in lookup.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def jurisdiction_of(obj):
    spec = spec_of(type(obj))
    if spec.jurisdiction is None:
        return None
    if spec.jurisdiction == "":
        return obj
    return _follow(obj, spec.jurisdiction)


def enterprise_of(obj):
    spec = spec_of(type(obj))
    lookups = enterprise_lookups(spec)
    return _follow(obj, lookups[0]) if lookups else None


def actor_name(user) -> str:
    if user is None:
        return _("系统")
    return getattr(user, "display_name", "") or user.username


def unit_of(user):
    if user is None or not getattr(user, "pk", None):
        return None
    cached = getattr(user, "_eb_unit", False)
    if cached is False:
        cached = user.units.filter(active=True).order_by("kind", "code").first()
        user._eb_unit = cached
    return cached


# ---- who may act --------------------------------------------------------------------------------

def _visible(user, obj) -> None:
    if user is None:
        return
    if not restrict(type(obj)._default_manager.filter(pk=obj.pk), user, "view").exists():
        raise Http404


def alternatives(permission: str) -> list[str]:
    """"sources.ack_alarm|sources.change" → either permission lets one act (and gets the task)."""
    return [p for p in (permission or "").split("|") if p]


def allowed_in_scope(user, obj, permission: str) -> bool:
    """`permission` (or one of its `|` alternatives) held in a grant whose scope reaches `obj`
    (None = trusted system path)."""
    if user is None:
        return True
    for perm in alternatives(permission):
        module, _sep, action = perm.partition(".")
        if module != spec_of(type(obj)).module or not has_perm(user, perm):
            continue
        if restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists():
            return True
    return False


def acts_at(user, obj, permission: str, roles: Iterable[str] = (), level: str = "") -> bool:
    """Whether one of the user's role assignments holds `permission`, is one of `roles` (if any) and sits
    at jurisdiction `level` (if given; a city-wide grant acts at city level) over the object."""
    from .models import RoleAssignment
    from .permissions import CRUD

    if user is None:
        return True
    roles = tuple(roles)
    if not roles and not level:
        return True
    jur = jurisdiction_of(obj)
    path = jur.path if jur is not None else ""
    for a in (RoleAssignment.objects.filter(user=user).select_related("role", "jurisdiction")
              .prefetch_related("departments")):
        perms = set(a.role.permissions)
        for d in a.departments.all():
            if d.active:
                perms.update(f"{m}.{act}" for m in d.modules for act in CRUD)
        if not any(code_matches(p, alt) for p in perms for alt in alternatives(permission)):
            continue
        if roles and a.role.code not in roles:
            continue
        if a.enterprise_id is not None:
            continue  # enterprises act only through tasks without a level or role
        if a.jurisdiction_id is None:
            at = "city"
        elif path.startswith(a.jurisdiction.path):
            at = a.jurisdiction.level
        else:
            continue
        if not level or level == at:
            return True
    return False


def check(user, obj, verb: str) -> Transition:
    """Raise Http404 / PermissionDenied / TransitionError unless `user` may do `verb` on `obj` now."""
    wf = workflow_for(obj)
    t = wf.transition_map.get(verb)
    if t is None:
        raise TransitionError(_("未知的操作: %(v)s") % {"v": verb})
    _visible(user, obj)
    if not allowed_in_scope(user, obj, t.permission):
        raise PermissionDenied(_("您无权对该对象执行“%(a)s”") % {"a": t.label})
    state = getattr(obj, wf.field)
    if state not in t.sources:
        raise TransitionError(_("当前状态为“%(s)s”,不能执行“%(a)s”") % {"s": wf.state_label(state), "a": t.label})
    if not acts_at(user, obj, t.permission, t.roles, t.level):
        raise PermissionDenied(_("“%(a)s”须由指定角色或层级的人员办理") % {"a": t.label})
    if t.guard is not None:
        t.guard(user, obj)
    return t


def allowed(user, obj) -> list[Transition]:
    """The transitions `user` may perform on `obj` now (buttons, the API)."""
    out = []
    for t in workflow_for(obj).transitions:
        try:
            check(user, obj, t.verb)
        except (PermissionDenied, ValidationError, Http404):
            continue
        out.append(t)
    return out


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], (), {})


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a parameter, not a field
        return name


# ---- the one entry point ------------------------------------------------------------------------

def _size_of(f) -> int:
    """Bytes of an uploaded or plain binary file, measured from its end and left where it was; 0 for what is not
    a file (a name a handler resolves)."""
    if not hasattr(f, "seek"):
        return 0
    here = f.tell()
    size = f.seek(0, 2)
    f.seek(here)
    return size


def check_files(files) -> None:
    """Uploads are bounded: a step carries at most ENVBUREAU["STEP_FILES_MAX"] files, each at most
    ENVBUREAU["STEP_FILE_MAX_BYTES"]; otherwise TransitionError on "files" naming the count or the file."""
    from django.conf import settings

    conf = settings.ENVBUREAU  # a deployment may set only some keys, like the other caps
    most, limit = conf.get("STEP_FILES_MAX", 10), conf.get("STEP_FILE_MAX_BYTES", 20 << 20)
    if len(files) > most:
        raise TransitionError({"files": [_("每次最多上传 %(n)s 个文件,本次 %(k)s 个") % {"n": most, "k": len(files)}]})
    for f in files:
        size = _size_of(f)
        if size > limit:
            name = PurePosixPath(getattr(f, "name", None) or "").name
            raise TransitionError({"files": [_("文件 %(n)s 为 %(s)s 字节,超过上限 %(l)s 字节") % {
                "n": name, "s": size, "l": limit}]})


def apply(user, obj, verb: str, *, note: str = "", files=(), **data):
    """Run `verb` on `obj` for `user` (None = trusted system path); returns the saved object, and brings
    the caller's instance up to date."""
    with transaction.atomic():
        wf = workflow_for(obj)
        model = type(obj)
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        t = check(user, locked, verb)
        accepted = set(t.required) | set(t.fields) | set(t.params)
        unknown = sorted(set(data) - accepted)
        if unknown:
            raise TransitionError({unknown[0]: [_("“%(a)s”不接收参数 %(p)s") % {"a": t.label, "p": ", ".join(unknown)}]})
        # a note written by a rule comes as facts (core.texts): the handlers read its Chinese, the line keeps both
        note_facts = note if isinstance(note, dict) else None
        note = texts.chinese(note_facts) if note_facts else (note or "").strip()
        if t.note_required and not note:
            raise TransitionError({"note": [_("“%(a)s”须填写说明") % {"a": t.label}]})
        files = tuple(files or ())
        check_files(files)
        if t.evidence_required and not files:
            raise TransitionError({"files": [_("“%(a)s”须上传佐证材料(照片、报告等)") % {"a": t.label}]})
        for name in t.fields:
            if name in data:
                setattr(locked, name, data[name])
        for name in t.required:
            value = data.get(name, getattr(locked, name, None))
            if _empty(value):
                raise TransitionError({name: [_("“%(a)s”须填写%(f)s") % {"a": t.label, "f": _field_label(model, name)}]})
        frm = getattr(locked, wf.field)
        ctx = Context(user=user, obj=locked, workflow=wf, transition=t, note=note, files=files, data=data,
                      from_state=frm, target=t.target)
        if t.handler is not None:
            t.handler(ctx)
        if ctx.target is not None:
            setattr(locked, wf.field, ctx.target)
        locked.save()
        if t.document:
            _issue(ctx)
        to = getattr(locked, wf.field)
        ctx.event = record_event(locked, user, verb, from_state=frm, to_state=to, note=note_facts or note,
                                 step=ctx.step,
                                 data=ctx.event_data, attachments=ctx.attachments, documents=ctx.documents)
        if t.after is not None:
            t.after(ctx)
        if not ctx.keep_tasks and (to != frm or t.reassign):
            sync_tasks(locked, user)
        _refresh(obj, locked)
        return locked


def run_lapses(today=None) -> dict:
    """Apply every workflow's Lapse rules whose clock ended before `today` (the due day itself is still in
    time). Returns {workflow model: objects moved}; an object the verb refuses is left as it is and counted
    under "refused" (its reason in "errors"), so one bad record never stops the others."""
    from .models import Clock

    today = today or timezone.localdate()
    out: dict = {"refused": 0, "errors": []}
    for w in all_workflows():
        for lp in w.lapses:
            clocks = {c.object_id: c for c in Clock.objects.filter(
                model=w.model, key=lp.clock, stopped_at__isnull=True, paused_since__isnull=True, due__lt=today)}
            if not clocks:
                continue
            model = w.model_class
            pks = [model._meta.pk.to_python(k) for k in clocks]
            for obj in model._default_manager.filter(pk__in=pks, **{w.field: lp.state}).order_by("pk"):
                data = lp.data(obj, clocks[str(obj.pk)]) if lp.data else {}
                try:
                    # the rule's note (a lazy msgid) as facts: each reader reads it in their language
                    apply(None, obj, lp.verb, note=texts.sentence(texts.zh(lp.note)) if lp.note else "", **data)
                except ValidationError as e:
                    out["refused"] += 1
                    out["errors"].append(f"{w.model} {obj.pk}: {'; '.join(e.messages)}")
                    continue
                out[w.model] = out.get(w.model, 0) + 1
    return out


def _issue(ctx: Context) -> None:
    """The document the transition issues (core.documents), filled from the object as the step left it, on
    the step's own timeline line. A required field still empty refuses the whole step, naming the field."""
    from .documents import services as documents

    doc = documents.issue(ctx.user, ctx.obj, ctx.transition.document, pdf=False, timeline=False)
    ctx.documents.append(documents.timeline_link(doc))
    ctx.event_data = {**ctx.event_data, "document_id": doc.pk}
    documents.make_pdf_after_commit(doc)


def _refresh(obj, fresh) -> None:
    if obj is fresh:
        return
    obj.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})
    obj._state.fields_cache = dict(fresh._state.fields_cache)


def record_event(obj, user, verb: str, *, from_state: str = "", to_state: str = "", note: str | dict = "",
                 step: str | dict = "", data=None, attachments=(), documents=(), time=None):
    """Append one line to the object's timeline (transitions do it through apply; reminders, deadline
    changes and documents call it directly). A note written by a rule comes as facts
    (core.texts.sentence): stored in Chinese with its facts in data["note_facts"], shown per reader; a step
    the same way (data["step_facts"], TimelineEvent.shown_step)."""
    from .models import TimelineEvent

    if isinstance(note, dict):
        data = {**(data or {}), "note_facts": note}
        note = texts.chinese(note)
    if isinstance(step, dict):
        data = {**(data or {}), "step_facts": step}
        step = texts.chinese(step)[:100]
    unit = unit_of(user)
    jur = jurisdiction_of(obj)
    event = TimelineEvent(
        model=label_of(obj), object_id=str(obj.pk), verb=verb, from_state=from_state or "", to_state=to_state or "",
        actor=user if getattr(user, "pk", None) else None, actor_name=actor_name(user),
        actor_unit=unit, actor_unit_name=unit.name if unit else "", note=note or "", step=step or "",
        data=data or {}, attachments=list(attachments or ()), documents=list(documents or ()),
        jurisdiction=jur if jur is not None and getattr(jur, "pk", None) else None, time=time or timezone.now())
    event.__dict__["_subject"] = obj  # its audit entry's label names obj: no query to find it again
    event.save(force_insert=True)
    return event


# ---- tasks --------------------------------------------------------------------------------------

def _title(wf: Workflow, obj) -> str:
    return str(wf.title(obj) if wf.title else obj)[:300]


def _action(spec: TaskSpec, obj) -> str:
    action = spec.action(obj) if callable(spec.action) and not isinstance(spec.action, (str, Promise)) \
        else spec.action
    return str(action)


def task_words(tasks) -> dict:
    """{task pk: (action, title)} in the active language. A task stores its words in Chinese when it opens
    (search, e-mail, the API); a page words it again from its object and step, so that every reader reads
    their own language: one query per kind of object (with its non-null relations). A side task's action is
    worded from its facts (Task.action_facts; through the catalogue when it has none); a task whose object is
    gone keeps its stored title."""
    from django.utils.translation import gettext

    by_model: dict[str, set] = {}
    for t in tasks:
        by_model.setdefault(t.model, set()).add(t.object_id)
    objects = {}
    for label, ids in by_model.items():
        try:
            model = apps.get_model(label)
            workflow_for(label)
            pks = [model._meta.pk.to_python(i) for i in ids]
        except (LookupError, ValueError, ValidationError):
            continue
        objects[label] = {str(pk): o for pk, o in model._default_manager.select_related().in_bulk(pks).items()}
    out = {}
    for t in tasks:
        said = t.action_facts
        action = (texts.words(said, t.action) or t.action) if isinstance(said, dict) else gettext(t.action)
        title = t.title
        obj = objects.get(t.model, {}).get(t.object_id)
        if obj is not None:
            wf = workflow_for(t.model)
            try:
                title = _title(wf, obj)
                state = wf.state_map.get(t.state)
                if state is not None and state.task is not None:
                    action = _action(state.task, obj)
            except Exception:  # a title that cannot be worded now: the one stored when the task opened
                pass
        out[t.pk] = (action, title)
    return out


def _url(wf: Workflow, obj) -> str:
    try:
        return (wf.url(obj) if wf.url else "") or ""
    except Exception:  # a URL that cannot be built must not stop the transition
        return ""


def _fold(assignees) -> list[dict]:
    """One step, as few rows as possible: a row holds one user, one unit and one permission (with its
    level), so a person reached both as a unit member and as a permission holder finds one row. Only a
    second unit (or user, or permission) of the same step needs a row of its own; those rows are not the
    step's lead, and the inbox drops one whenever an earlier row of the step already reaches the reader."""
    rows: list[dict] = []
    seen = set()
    for a in assignees:
        key = (getattr(a.user, "pk", None), getattr(a.unit, "pk", None), a.permission, a.level)
        if key in seen:
            continue
        seen.add(key)
        for r in rows:
            if ((a.user is None or r["user"] is None) and (a.unit is None or r["unit"] is None)
                    and (not a.permission or not r["permission"])):
                break
        else:
            r = {"user": None, "unit": None, "permission": "", "level": ""}
            rows.append(r)
        if a.user is not None:
            r["user"] = a.user
        if a.unit is not None:
            r["unit"] = a.unit
        if a.permission:
            r["permission"], r["level"] = a.permission, a.level
    return rows


def _open(obj, wf: Workflow, state: str, action, assignees, due, notify: bool, enterprise=None) -> list:
    from django.utils import translation

    from .models import Task
    from .notify import notify_task

    jur, ent = jurisdiction_of(obj), (enterprise(obj) if enterprise else enterprise_of(obj))
    created = []  # the first is the step's lead row
    facts = action if isinstance(action, dict) else {}  # a side task's action as a sentence's facts
    with translation.override("zh-hans"):  # stored in Chinese whoever acted; pages word it again (task_words)
        action, title = (texts.chinese(facts) if facts else str(action))[:100], _title(wf, obj)
    for i, r in enumerate(_fold(assignees)):
        task = Task.objects.create(
            model=label_of(obj), object_id=str(obj.pk), module=wf.module, state=state, action=action,
            facts=facts, title=title, url=_url(wf, obj), assignee_user=r["user"], assignee_unit=r["unit"],
            permission=r["permission"], level=r["level"] if r["permission"] else "", lead=i == 0,
            jurisdiction_path=jur.path if jur is not None else "", enterprise_id=ent, due_date=due)
        created.append(task)
        if notify:
            notify_task(task, lead=created[0])
    return created


def sync_tasks(obj, user=None, notify: bool = True) -> list:
    """Close the object's open tasks and open the ones its current state gives; notify the new actors."""
    from .models import Task

    wf = workflow_for(obj)
    _close_tasks(Task.objects.filter(model=label_of(obj), object_id=str(obj.pk), is_open=True), user)
    state = wf.state_map.get(getattr(obj, wf.field))
    if state is None or state.terminal or state.task is None:
        return []
    spec = state.task
    assignees = list(spec.assignees(obj)) if spec.assignees else [Assignee(permission=spec.permission,
                                                                            level=spec.level)]
    due = spec.due(obj) if spec.due else (wf.due(obj) if wf.due else None)
    action = spec.action(obj) if callable(spec.action) and not isinstance(spec.action, (str, Promise)) \
        else spec.action
    return _open(obj, wf, state.value, action, assignees, due, notify, spec.enterprise)


def open_extra_task(obj, key: str, action, assignees, *, due=None, user=None) -> list:
    """A side task that is not the state's own step (e.g. approving an extension request), closed by
    close_extra_tasks(obj, key) or by the next state change. `action`: the facts of its sentence (core.texts:
    `sentence(…)`, or a line a module words itself, `worded_by(…)`), stored with their Chinese wording and worded
    per reader (task_words); a plain text (a lazy msgid) is stored in Chinese and read through the catalogue."""
    return _open(obj, workflow_for(obj), f"+{key}", action, assignees, due, True)


def close_extra_tasks(obj, key: str, user=None) -> int:
    from .models import Task

    return _close_tasks(Task.objects.filter(model=label_of(obj), object_id=str(obj.pk), is_open=True,
                                            state=f"+{key}"), user)


def _close_tasks(qs, user) -> int:
    """Close the open tasks in `qs`: one update, one audit entry for the batch (no signals fire)."""
    from . import audit
    from .models import Task

    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    by = user if getattr(user, "pk", None) else None
    now = timezone.now()
    n = Task.objects.filter(pk__in=ids).update(is_open=False, closed_at=now, closed_by=by)
    audit.record_batch("update", Task, ids, {"is_open": [True, False], "closed_at": [None, now],
                                             "closed_by": [None, by.pk if by else None]})
    return n


def refresh_due(obj) -> None:
    """After the object's due date changed (extension, edit): move its open tasks' due dates too."""
    from .models import Task

    wf = workflow_for(obj)
    state = wf.state_map.get(getattr(obj, wf.field))
    spec = state.task if state else None
    due = (spec.due(obj) if spec and spec.due else (wf.due(obj) if wf.due else None))
    moved = (Task.objects.filter(model=label_of(obj), object_id=str(obj.pk), is_open=True)
             .exclude(state__startswith="+").exclude(due_date=due))
    ids = list(moved.values_list("pk", flat=True))
    if ids:
        from . import audit

        Task.objects.filter(pk__in=ids).update(due_date=due, reminded_for=None, overdue_notified=False)
        audit.record_batch("update", Task, ids, {"due_date": due, "reminded_for": None, "overdue_notified": False})


def open_tasks(obj):
    from .models import Task

    return Task.objects.filter(model=label_of(obj), object_id=str(obj.pk), is_open=True)


# ---- the timeline in words ----------------------------------------------------------------------

def timeline(obj) -> list[dict]:
    """The object's events as a person reads them (local time, names, state and verb labels)."""
    from .models import TimelineEvent

    try:
        wf = workflow_for(obj)
    except LookupError:
        wf = None
    out = []
    for ev in TimelineEvent.objects.filter(model=label_of(obj), object_id=str(obj.pk)).order_by("time", "id"):
        out.append({
            "id": ev.pk,
            "time": timezone.localtime(ev.time),
            "verb": ev.verb,
            "verb_label": wf.verb_label(ev.verb) if wf else str(GENERIC_VERBS.get(ev.verb, ev.verb)),
            "from_state": ev.from_state,
            "from_label": wf.state_label(ev.from_state) if wf else ev.from_state,
            "to_state": ev.to_state,
            "to_label": wf.state_label(ev.to_state) if wf else ev.to_state,
            "to_colour": wf.state_colour(ev.to_state) if wf else "secondary",
            "changed": bool(ev.to_state and ev.to_state != ev.from_state),
            # an event of no one (a rule, a scan) is "系统" in the reader's language, not as stored then
            "actor": ev.actor_name if ev.actor_id or ev.actor_name not in ("", "系统", "System") else _("系统"),
            "unit": ev.actor_unit_name,
            "step": ev.shown_step,
            "note": ev.shown_note,
            "attachments": ev.attachments,
            "documents": ev.documents,
        })
    return out
