"""Tasks as a user sees them, and notifications (in-app, e-mail when configured, daily digest,
reminders before a due date and on overdue).

`tasks_for(user)` is the one query behind /tasks/, /api/v1/me/tasks/ and the top-bar badge: tasks
assigned to the user, to one of their units, or to a permission their grants hold in a scope that
reaches the object (prefix match on the stored jurisdiction path; the enterprise for enterprise users).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache, partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import texts
from .permissions import code_matches, grants_for
from .texts import Sentences

# What a notification says, by kind: stored as the key and its values (Notification.facts = {"msg": key,
# "args": {…}}, plus "task": pk when the words of a task are part of it) and worded in the reader's language
# when shown (`worded`); ``message`` keeps the Chinese text (e-mail, search, old rows). Modules add their own
# sentences with `register_texts` (ledger, complaints, enforcement, approvals).
TEXTS = Sentences()
TEXTS.register({
    "task": gettext_noop("待办:%(a)s · %(t)s(期限 %(d)s)"),
    "near": gettext_noop("临期提醒:%(a)s · %(t)s 将于 %(d)s 到期"),
    "overdue": gettext_noop("已逾期:%(a)s · %(t)s(期限 %(d)s)"),
})


def register_texts(texts: dict) -> None:
    """Add a module's notification sentences ({key: gettext_noop("…%(x)s…")}); keys are namespaced "app.what"."""
    TEXTS.register(texts)


def facts_words(facts: dict | None, fallback: str = "", task_words_of=None) -> str:
    """A notification's text from its facts in the active language; `fallback` (the stored text) when there
    are no facts, the key is unknown, or the task it names is gone. `task_words_of(task pk)` gives the
    task's (action, title) in the active language."""
    if not isinstance(facts, dict) or facts.get("msg") not in TEXTS:
        return fallback
    extra = {}
    if facts.get("task") is not None:
        words = task_words_of(facts["task"]) if task_words_of is not None else None
        if words is None:
            return fallback
        extra["a"], extra["t"] = words
    if "d" in (facts.get("args") or {}) and not facts["args"]["d"]:
        extra["d"] = _("未定")
    return TEXTS.words(facts, fallback, **extra)


def worded(notifications) -> list:
    """Give each notification its text in the active language (`n.text`): one query for the tasks they name,
    one per kind of task object (workflow.task_words)."""
    from .models import Task
    from .workflow import task_words

    items = list(notifications)
    pks = {n.facts.get("task") for n in items if isinstance(n.facts, dict) and n.facts.get("task") is not None}
    tasks = Task.objects.in_bulk(list(pks)) if pks else {}
    words = task_words(list(tasks.values())) if tasks else {}
    for n in items:
        n._text = facts_words(n.facts, n.message, words.get)
    return items


def email_configured() -> bool:
    backend = getattr(settings, "EMAIL_BACKEND", "")
    return not any(k in backend for k in ("console", "dummy"))


def _grant_levels(grants) -> dict:
    from .models import Jurisdiction

    paths = {g.jurisdiction_path for g in grants if g.jurisdiction_path}
    return dict(Jurisdiction.objects.filter(path__in=paths).values_list("path", "level")) if paths else {}


def tasks_q(user) -> Q:
    """The filter (on open or closed tasks) for what waits for `user`."""
    from .workflow import task_permissions

    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    q = Q(is_open=True, assignee_user=user)
    unit_ids = list(user.units.filter(active=True).values_list("pk", flat=True))
    if unit_ids:
        q |= Q(is_open=True, assignee_unit_id__in=unit_ids)
    perms = frozenset(task_permissions())
    grants = grants_for(user)
    levels = _grant_levels(grants)
    for g in grants:
        allowed = _task_permissions_of(g.perms, perms)
        if not allowed:
            continue
        base = Q(is_open=True, permission__in=allowed)
        if g.enterprise_id is not None:
            q |= base & Q(enterprise_id=g.enterprise_id, level="")
        elif g.jurisdiction_path is None:
            q |= base & Q(level__in=["", "city"])
        else:
            # equality on the stored prefix at the grant's depth: an index lookup on every engine
            depth = min(max(g.jurisdiction_path.count("/") - 1, 1), 4)
            q |= base & Q(**{f"path_{depth}": g.jurisdiction_path}) & Q(
                level__in=["", levels.get(g.jurisdiction_path, "")])
    return q


@lru_cache(maxsize=512)
def _task_permissions_of(granted: frozenset, task_perms: frozenset) -> tuple[str, ...]:
    """The task permissions (with their `|` alternatives) a grant's codes reach — the same few role sets on
    every page's task badge, so kept (keyed by the codes themselves, never stale)."""
    from .workflow import alternatives

    return tuple(sorted(p for p in task_perms
                        if any(code_matches(g, alt) for g in granted for alt in alternatives(p))))


def _without_open(q):
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_without_open(child))
        elif child[0] != "is_open":
            out.children.append(child)
    return out


def tasks_for(user, open_only: bool = True):
    from .models import Task

    q = tasks_q(user)
    if not open_only:  # the branches carry is_open=True so each one is an index lookup; lift it here
        q = _without_open(q)
    qs = Task.objects.filter(q)
    hidden = _repeats(q)
    if hidden:
        qs = qs.exclude(pk__in=hidden)
    # Undated tasks last on every engine (PostgreSQL's ascending index order already puts NULLs last).
    return qs.order_by(F("due_date").asc(nulls_last=True), "id")


def _repeats(q) -> list[int]:
    """One item per object and step: the open rows that are not their step's lead and that the user reaches
    through an earlier row of the same step too (a member of two responsible units; a unit member who also
    holds the permission). Follower rows are few and have their own partial index, so this costs two small
    queries (the main query stays a plain index lookup per branch)."""
    from .models import Task

    # Driven from the followers' partial index (pk IN …), never from the user's (large) reach.
    open_followers = Task.objects.filter(is_open=True, lead=False).values("pk")
    followers = list(Task.objects.filter(q).filter(pk__in=open_followers)
                     .values_list("model", "object_id", "state").distinct())
    if not followers:
        return []
    same_step = Q(pk__in=[])
    for model, object_id, state in followers:
        same_step |= Q(model=model, object_id=object_id, state=state)
    first, hidden = {}, []
    for pk, *step in (Task.objects.filter(q).filter(same_step, is_open=True).order_by("id")
                      .values_list("pk", "model", "object_id", "state")):
        if tuple(step) in first:
            hidden.append(pk)
        else:
            first[tuple(step)] = pk
    return hidden


def task_count(user) -> int:
    cached = getattr(user, "_eb_task_count", None)
    if cached is None:
        cached = user._eb_task_count = tasks_for(user).count()
    return cached


def recipients(task):
    """The people told about a task: the user; the unit's members; for a permission task, the holders whose
    grant reaches the object at the nearest level (and the enterprise's users) — never platform admins."""
    from .models import RoleAssignment, User
    from .permissions import CRUD
    from .workflow import alternatives

    people = set()
    if task.assignee_user_id:
        people |= set(User.objects.filter(pk=task.assignee_user_id, is_active=True).values_list("pk", flat=True))
    if task.assignee_unit_id:
        people |= set(User.objects.filter(units=task.assignee_unit_id, is_active=True).values_list("pk", flat=True))
    if not task.permission:
        return User.objects.filter(pk__in=people)
    codes = [c for c in task.jurisdiction_path.split("/") if c]
    prefixes = ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
    rows = (RoleAssignment.objects.filter(Q(jurisdiction__path__in=prefixes) | Q(jurisdiction__isnull=True,
                                                                                   enterprise_id__isnull=True)
                                          | Q(enterprise_id=task.enterprise_id, enterprise_id__isnull=False))
            .select_related("role", "jurisdiction", "user").prefetch_related("departments"))
    best, local, enterprise = -1, [], []
    for a in rows:
        if not a.user.is_active or a.role.kind == "admin":
            continue
        perms = set(a.role.permissions)
        for d in a.departments.all():
            if d.active:
                perms.update(f"{m}.{act}" for m in d.modules for act in CRUD)
        if not any(code_matches(p, alt) and p not in ("*", "*.*") for p in perms
                   for alt in alternatives(task.permission)):
            continue
        if a.enterprise_id is not None:
            if a.enterprise_id == task.enterprise_id and not task.level:
                enterprise.append(a.user_id)
            continue
        at = a.jurisdiction.level if a.jurisdiction_id else "city"
        if task.level and task.level != at:
            continue
        depth = a.jurisdiction.path.count("/") if a.jurisdiction_id else 0
        if depth > best:
            best, local = depth, [a.user_id]
        elif depth == best:
            local.append(a.user_id)
    return User.objects.filter(pk__in=people | set(local + enterprise))


def notify(users, kind: str, message: str = "", *, url: str = "", obj=None, key: str = "", facts=None) -> int:
    """One notification per user (never twice for the same key); e-mailed at once when configured.

    `facts` ({"msg": key of TEXTS, "args": {…}}, "task": pk) let every reader read it in their own language;
    the stored `message` is then the Chinese wording of the facts whoever triggered it."""
    from .models import Notification

    facts = facts or {}
    if facts and not message:
        with translation.override("zh-hans"):
            message = worded_now(facts)
    model = obj._meta.label_lower if obj is not None else ""
    pk = str(obj.pk) if obj is not None else ""
    sent = 0
    for u in users:
        try:
            with transaction.atomic():
                n = Notification.objects.create(recipient=u, kind=kind, message=message[:500], url=url[:300],
                                                model=model, object_id=pk, key=key[:150], facts=facts)
        except IntegrityError:
            continue  # already told about exactly this
        sent += 1
        if u.email and email_configured() and settings.ENVBUREAU.get("NOTIFY_EMAIL_AT_ONCE", True):
            # Only once the step is saved: a transition rolled back must not have mailed anyone.
            transaction.on_commit(partial(_mail, n, u.email))
    return sent


def _task_message(task, facts: dict) -> str:
    """The stored (Chinese) text of a notification about a task: the task's stored words."""
    with translation.override("zh-hans"):
        return facts_words(facts, "", lambda _pk: (task.action, task.title))


def worded_now(facts: dict, fallback: str = "") -> str:
    """The facts in the active language, the task they name read now."""
    from .models import Task
    from .workflow import task_words

    def of(pk):
        task = Task.objects.filter(pk=pk).first()
        return task_words([task])[task.pk] if task is not None else None

    return facts_words(facts, fallback, of)


def _mail(n, address: str) -> None:
    from django.core.mail import send_mail

    from .models import Notification

    try:
        send_mail("[%s] %s" % (_("待办提醒"), n.message[:60]), _mail_body([n]), None, [address], fail_silently=False)
    except Exception:  # mail trouble must not undo the in-platform notice
        return
    from . import audit

    now = timezone.now()
    Notification.objects.filter(pk=n.pk).update(emailed_at=now)
    audit.record_batch("update", Notification, [n.pk], {"emailed_at": [None, now]}, note="mail")


def _mail_body(items) -> str:
    base = settings.ENVBUREAU.get("BASE_URL", "")
    return "\n".join(f"- {n.message}" + (f"\n  {base}{n.url}" if n.url else "") for n in items)


def notify_task(task, lead=None) -> int:
    """Tell the task's people. The key names the step's lead row, so a re-run never repeats it and a person
    reached by two rows of one step (unit member and permission holder) is told once."""
    facts = {"msg": "task", "task": task.pk, "args": {"d": task.due_date.isoformat() if task.due_date else ""}}
    msg = _task_message(task, facts)
    n = notify(recipients(task), "task", msg, url=task.url, key=f"task-{(lead or task).pk}", facts=facts)
    unit = task.assignee_unit
    if unit is not None and unit.email and email_configured():
        transaction.on_commit(partial(_mail_unit, "[%s] %s" % (_("待办提醒"), task.action), msg, unit.email))
    return n


def _mail_unit(subject: str, body: str, address: str) -> None:
    from django.core.mail import send_mail

    try:
        send_mail(subject, body, None, [address], fail_silently=True)
    except Exception:  # the unit's mailbox is a courtesy; in-app notices are the record
        pass


def mark_all_read(user) -> int:
    """Mark the user's unread notifications read: one update, one audit entry."""
    from . import audit
    from .models import Notification

    ids = list(Notification.objects.filter(recipient=user, read_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    n = Notification.objects.filter(pk__in=ids).update(read_at=now)
    audit.record_batch("update", Notification, ids, {"read_at": [None, now]}, note="read-all")
    return n


def lead_days() -> list[int]:
    return sorted({int(d) for d in settings.ENVBUREAU.get("REMINDER_LEAD_DAYS", [3, 1]) if int(d) >= 0})


def run_reminders(today: dt.date | None = None) -> dict:
    """Remind the actors of open tasks `lead_days()` before their due date and once on overdue.
    Idempotent: notifications carry keys and overdue tasks are claimed with a conditional UPDATE."""
    from . import audit
    from .audit import audit_context
    from .models import Task
    from .workflow import REGISTRY, record_event

    today = today or timezone.localdate()
    out = {"near": 0, "overdue": 0, "notifications": 0}
    own = [w.model for w in REGISTRY.values() if not w.remind]  # modules whose own job reminds
    with audit_context("system", note="task_reminders"):
        for lead in lead_days():
            day = today + dt.timedelta(days=lead)
            for task in (Task.objects.filter(is_open=True, due_date=day).exclude(model__in=own)
                         .select_related("assignee_unit")):
                facts = {"msg": "near", "task": task.pk, "args": {"d": day.isoformat()}}
                msg = _task_message(task, facts)
                step = f"{task.model}-{task.object_id}-{task.state}"  # once per person and step
                sent = notify(recipients(task), "near_deadline", msg, url=task.url, key=f"near-{step}-{day}-{lead}",
                              facts=facts)
                out["notifications"] += sent
                out["near"] += 1 if sent else 0
        for pk in list(Task.objects.filter(is_open=True, due_date__lt=today, overdue_notified=False)
                       .exclude(model__in=own).values_list("pk", flat=True)):
            with transaction.atomic():
                if not Task.objects.filter(pk=pk, overdue_notified=False).update(overdue_notified=True):
                    continue
                audit.record_batch("update", Task, [pk], {"overdue_notified": [False, True]})
                task = Task.objects.get(pk=pk)
                facts = {"msg": "overdue", "task": task.pk, "args": {"d": task.due_date.isoformat()}}
                msg = _task_message(task, facts)
                out["overdue"] += 1
                step = f"{task.model}-{task.object_id}-{task.state}"
                out["notifications"] += notify(recipients(task), "overdue", msg, url=task.url,
                                               key=f"overdue-{step}-{task.due_date}", facts=facts)
                if task.lead and task.model in REGISTRY:  # one timeline line per step
                    from django.apps import apps

                    obj = apps.get_model(task.model)._default_manager.filter(pk=task.object_id).first()
                    if obj is not None:
                        # the line as facts (the task's step label, its title as data): read per reader
                        line = texts.sentence(TEXTS["overdue"][0], ("a",), a=task.action_facts, t=task.title,
                                              d=task.due_date.isoformat())
                        record_event(obj, None, "overdue", note=line, data={"task": task.pk,
                                                                            "due": str(task.due_date)})
    return out


def send_digest(now=None) -> dict:
    """One e-mail per user with their unread notifications not yet digested (daily job)."""
    from django.core.mail import send_mail

    from . import audit
    from .models import Notification, User

    now = now or timezone.now()
    out = {"users": 0, "items": 0}
    if not email_configured():
        return out
    users = User.objects.filter(is_active=True, notifications__read_at__isnull=True,
                                notifications__digested_at__isnull=True).exclude(email="").distinct()
    for u in users:
        items = list(Notification.objects.filter(recipient=u, read_at__isnull=True, digested_at__isnull=True)
                     .order_by("created")[:200])
        if not items:
            continue
        try:
            send_mail(_("每日待办与消息摘要(%(n)s 条)") % {"n": len(items)}, _mail_body(items), None, [u.email])
        except Exception:  # keep going for the other users; these stay undigested for tomorrow
            continue
        ids = [n.pk for n in items]
        Notification.objects.filter(pk__in=ids).update(digested_at=now)
        audit.record_batch("update", Notification, ids, {"digested_at": [None, now]}, note="digest")
        out["users"] += 1
        out["items"] += len(items)
    return out
