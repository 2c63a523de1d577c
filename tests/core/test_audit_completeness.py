"""Audit completeness: many-to-many changes from either side, and every queryset .update()/bulk_create()
on an audited model writes its batch entry (docs/contract.md: signals do not fire for them)."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from envbureau.core import audit
from envbureau.core.models import AuditEntry, Department, RoleAssignment, User

SRC = Path(audit.__file__).resolve().parents[1]


def entries(obj):
    return list(audit.history(obj).order_by("id"))


@pytest.fixture
def assignment(demo_core):
    return RoleAssignment.objects.get(user=User.objects.get(username="enforcement"))


def dept(code):
    return Department.objects.get(code=code).pk


def test_m2m_add_remove_and_clear_from_the_owning_side(assignment):
    assert sorted(assignment.departments.values_list("code", flat=True)) == ["enforcement", "oversight"]
    n = len(entries(assignment))
    assignment.departments.add(Department.objects.get(code="air"))
    assignment.departments.remove(Department.objects.get(code="oversight"))
    assignment.departments.clear()
    new = entries(assignment)[n:]
    assert [e.changes for e in new] == [
        {"departments": {"added": [dept("air")]}},
        {"departments": {"removed": [dept("oversight")]}},
        {"departments": {"removed": sorted([dept("air"), dept("enforcement")])}},
    ]
    assert all(e.action == "update" for e in new)


def test_m2m_changes_that_change_nothing_write_nothing(assignment):
    n = AuditEntry.objects.count()
    assignment.departments.add(Department.objects.get(code="enforcement"))  # already linked
    assignment.departments.remove(Department.objects.get(code="air"))       # not linked
    assignment.departments.clear()
    assignment.departments.clear()                                           # nothing left to clear
    assert AuditEntry.objects.count() == n + 1


def test_m2m_changes_from_the_other_side_name_the_relation(assignment):
    air = Department.objects.get(code="air")
    n = len(entries(air))
    air.assignments.add(assignment)
    air.assignments.remove(assignment)
    new = entries(air)[n:]
    assert [e.changes for e in new] == [{"assignments": {"added": [assignment.pk]}},
                                        {"assignments": {"removed": [assignment.pk]}}]


def test_m2m_set_records_what_went_and_what_came(assignment):
    n = len(entries(assignment))
    assignment.departments.set([Department.objects.get(code="air"), Department.objects.get(code="enforcement")])
    changes = [e.changes for e in entries(assignment)[n:]]
    assert {"departments": {"removed": [dept("oversight")]}} in changes
    assert {"departments": {"added": [dept("air")]}} in changes


# ---- every queryset .update() / bulk_create() in the code, and how it is audited --------------------------
# (file::function, model label) -> how the write reaches the audit log:
#   "record":  the same function writes the batch entry (audit.record / record_batch);
#   "exempt":  the model is not audited (raw high-volume tables, counters); checked below with is_audited;
#   any other text: why no entry is written, stated here (a reviewer can disagree in one place).
WRITES = {
    **{("enforcement/demo.py::_dated", m): "the demo dates the draws, checks and timeline lines it has just written "
       "(inside its own audited demo run) on their days of the demo year; no one's change to record"
       for m in ("core.timelineevent", "enforcement.draw", "enforcement.inspection", "enforcement.seedcommitment")},
    ("complaints/statistics.py::rebuild", "complaints.monthlysummary"): "exempt",
    ("enforcement/credit.py::_apply_to_pool", "enforcement.poolenterprise"): "record",
    ("waste/importers.py::save_rows", "waste.manifest"): "record",
    ("waste/models.py::save", "waste.manifest"): "record",  # a transporter linked to its enterprise moves its manifests
    ("core/documents/services.py::_next_seq", "core.documentcounter"): "exempt",
    ("core/lockout.py::_bump", "core.logincounter"): "exempt",
    ("core/lockout.py::succeeded", "core.logincounter"): "exempt",
    ("core/models.py::save", "core.jurisdiction"): "record",
    ("core/views.py::import_upload", "core.importjob"): "record",
    ("core/views.py::run_job", "core.importjob"): "record",
    ("core/views.py::import_job", "core.importjob"): "record",
    ("ledger/api.py::mark_read", "core.notification"): "record",
    ("ledger/views.py::inbox_read", "core.notification"): "record",
    ("ledger/services.py::_assign_code", "ledger.problem"): "record",
    ("ledger/services.py::after_sign_off", "ledger.signoff"): "record",
    ("ledger/services.py::run_reminders", "ledger.problem"): "record",
    ("quality/demo_synthetic.py::load_synthetic", "quality.watersample"): "exempt",
    ("quality/demo_synthetic.py::load_synthetic", "quality.noiseleq"): "exempt",
    ("quality/water.py::rebuild_section_classes", "quality.sectionperiodclass"): "exempt",
    ("quality/services.py::_reapply_masks", "quality.airhourly"): "exempt",
    ("sources/aggregates.py::rollup_days", "sources.pointdaily"): "exempt",
    ("sources/registry.py::_process", "sources.monitoringpoint"):
        "gateway liveness (latest values, last data time) rewritten on every packet batch: like last_login, "
        "not a change anyone made; the packets themselves are in the gateway's store",
    ("sources/registry.py::_process", "sources.alarm"): "record",
    ("sources/registry.py::_flush_rollups", "sources.pointhourly"): "exempt",
    ("sources/registry.py::_upsert", "sources.pointhourly"): "exempt",
    ("sources/registry.py::_mark_declared", "sources.pointhourly"): "exempt",
    ("sources/registry.py::_mark_declared", "sources.pointdaily"): "exempt",
    ("sources/services.py::apply_declaration", "sources.pointhourly"): "exempt",
    ("sources/services.py::apply_declaration", "sources.pointdaily"): "exempt",
    ("sources/services.py::apply_declaration", "sources.alarm"): "record",
    # The closed-loop kit's own bookkeeping: tasks closing and moving, clocks stopping, notices read/mailed.
    ("core/deadlines.py::stop", "core.clock"): "record",
    ("core/notify.py::mark_all_read", "core.notification"): "record",
    ("core/notify.py::_mail", "core.notification"): "record",
    ("core/notify.py::run_reminders", "core.task"): "record",
    ("core/notify.py::send_digest", "core.notification"): "record",
    ("core/workflow.py::_close_tasks", "core.task"): "record",
    ("core/workflow.py::refresh_due", "core.task"): "record",
}
# Receivers that name no model: which model they write.
RECEIVER_MODEL = {"qs": None, "model.objects": "sources.pointhourly", "self.get_queryset()": "core.notification",
                  "request.user.notifications": "core.notification"}


def _model_of(receiver: str, function: str, path: str) -> str | None:
    for name, label in RECEIVER_MODEL.items():
        if receiver.startswith(name):
            if label is None:  # a local queryset: the function's model
                return {"ledger/views.py::inbox_read": "core.notification",
                        "ledger/api.py::mark_read": "core.notification",
                        "quality/services.py::_reapply_masks": "quality.airhourly"}[f"{path}::{function}"]
            return label
    head = receiver.split(".objects")[0].split(".")[-1]
    for m in apps.get_models():
        if m.__name__ == head and m.__module__.startswith("envbureau."):
            return f"{m._meta.app_label}.{m._meta.model_name}"
    raise AssertionError(f"{path}::{function}: cannot tell the model of {receiver}")


def bulk_writes():
    """(file::function, model label, whether the function writes an audit entry) for every queryset
    .update()/bulk_create()/bulk_update() in src/envbureau (migrations aside)."""
    found = set()
    for f in sorted(SRC.rglob("*.py")):
        if "migrations" in f.parts:
            continue
        path = str(f.relative_to(SRC))
        tree = ast.parse(f.read_text("utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            records = any(isinstance(c, ast.Call) and (
                (isinstance(c.func, ast.Attribute) and c.func.attr in ("record", "record_batch")) or
                (isinstance(c.func, ast.Name) and c.func.id in ("record", "record_batch")))
                for c in ast.walk(fn))
            for call in ast.walk(fn):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr in ("update", "bulk_create", "bulk_update")):
                    continue
                receiver = ast.unparse(call.func.value)
                if not any(k in receiver for k in ("objects", "filter(", "exclude(", "get_queryset", "notifications")) \
                        and receiver != "qs":
                    continue  # dict.update, set.update, a progress bar
                found.add((f"{path}::{fn.name}", _model_of(receiver, fn.name, path), records))
    return found


def test_every_bulk_write_is_declared_and_audited_as_declared():
    from envbureau.core.audit import is_audited

    wrong = []
    seen = set()
    for where, label, records in sorted(bulk_writes()):
        seen.add((where, label))
        verdict = WRITES.get((where, label))
        if verdict is None:
            wrong.append(f"{where} writes {label} with .update()/bulk_create(): say in WRITES how it is audited")
        elif verdict == "record" and not records:
            wrong.append(f"{where} writes {label} without audit.record/record_batch")
        elif verdict == "exempt" and is_audited(apps.get_model(label)):
            wrong.append(f"{where}: {label} is audited, so it is not exempt")
    stale = set(WRITES) - seen
    assert not wrong and not stale, "\n".join(wrong + [f"no longer in the code: {s}" for s in sorted(stale)])


# ---- the entries themselves, for the paths fixed here --------------------------------------------------

def test_ledger_overdue_flag_and_near_deadline_reminder_are_audited(demo_core):
    import datetime as dt

    from envbureau.ledger import services

    p = services.create_problem(None, source="inspection", category="air", title="扬尘", description="工地扬尘",
                                jurisdiction="110101", deadline=dt.date(2026, 3, 10))
    services.run_reminders(today=dt.date(2026, 3, 5))
    services.run_reminders(today=dt.date(2026, 3, 11))
    changes = [e.changes for e in entries(p) if e.action == "update"]
    assert {"near_notified_for": [None, "2026-03-10"]} in changes
    assert {"overdue": [False, True], "overdue_since": [None, "2026-03-11"]} in changes
    assert any(c.get("code", [None, ""])[1] == p.code for c in changes)


def test_complaint_number_is_audited(demo_core):
    from envbureau.complaints import services
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction

    c = services.register(None, Complaint(
        jurisdiction=Jurisdiction.objects.get(code="110101"), channel="hotline", track="clue", category="noise",
        title="夜间施工", content="噪声", location="某路1号", complainant_name="张三",
        complainant_phone="13812345678"), suggest=False)
    assert any(e.changes.get("number", [None, None])[1] == c.number for e in entries(c))


def test_moving_a_jurisdiction_audits_the_paths_of_its_subtree(demo_core):
    from envbureau.core.models import Jurisdiction

    street = Jurisdiction.objects.get(code="110101001000")
    dongcheng = Jurisdiction.objects.get(code="110101")
    dongcheng.parent = Jurisdiction.objects.get(code="110102")
    dongcheng.save()
    street.refresh_from_db()
    assert street.path.startswith("/110000/110102/110101/")
    assert entries(street)[-1].changes == {"path": ["/110000/110101/110101001000/", street.path]}


# ---- the audit helpers themselves (each check here was missing when make mutate ran on core.audit) ---------

def test_actor_comes_from_a_signed_in_request_user_only():
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    assert audit.AuditContext(request=object()).resolve_actor() is None               # no user on the request
    assert audit.AuditContext(request=SimpleNamespace(user=AnonymousUser())).resolve_actor() is None
    assert audit.AuditContext(request=SimpleNamespace(user=object())).resolve_actor() is None
    someone = SimpleNamespace(is_authenticated=True)
    assert audit.AuditContext(request=SimpleNamespace(user=someone)).resolve_actor() is someone
    assert audit.AuditContext(actor=someone, request=object()).resolve_actor() is someone


def test_values_are_written_as_json():
    import datetime as dt
    import decimal
    import uuid

    from django.db.models.fields.files import FieldFile

    from envbureau.ledger.models import Attachment

    class Thing:
        def __str__(self):
            return "某物"

    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert audit._jsonable(decimal.Decimal("1.50")) == "1.50" and audit._jsonable(u) == str(u)
    assert audit._jsonable(Thing()) == "某物"
    assert audit._jsonable(dt.date(2026, 3, 1)) == "2026-03-01"
    field = Attachment._meta.get_field("file")
    assert audit._jsonable(FieldFile(None, field, "ledger/a.pdf")) == "ledger/a.pdf"
    assert audit._jsonable(FieldFile(None, field, "")) == ""


def test_a_models_own_masked_fields_are_masked(demo_core):
    from envbureau.complaints.models import Complaint
    from envbureau.core.models import Jurisdiction

    assert {"complainant_name", "password"} <= audit.masked_fields(Complaint)
    c = Complaint(jurisdiction=Jurisdiction.objects.get(code="110101"), complainant_name="张三", title="噪声")
    snap = audit.snapshot(c)
    assert snap["complainant_name"] == "***" and snap["title"] == "噪声"
    secrets = audit._secret_values(c)
    assert secrets.get("complainant_name") == "张三" and "title" not in secrets


def test_record_without_an_instance(db):
    audit.record("create", model_label="quality.airhourly", object_repr="导入 3 行")
    e = AuditEntry.objects.latest("id")
    assert e.object_id == "" and e.model == "quality.airhourly" and e.object_repr == "导入 3 行"


def test_record_batch_one_row_and_many(demo_core):
    import datetime as dt

    d = Department.objects.get(code="air")
    audit.record_batch("update", Department, [d.pk], {"name": ["大气", "大气环境科"]}, note="one")
    e = AuditEntry.objects.latest("id")
    # the entry names the object, never "core.department #3" (tests/test_no_internals.py)
    assert (e.model, e.object_id, e.object_repr, e.note) == ("core.department", str(d.pk), str(d), "one")
    assert e.changes == {"name": ["大气", "大气环境科"]} and e in audit.history(d)
    audit.record_batch("update", "core.department", range(1, 1002), {"on": dt.date(2026, 3, 1),
                                                                     "span": [dt.date(2026, 3, 1), None]})
    e = AuditEntry.objects.latest("id")
    assert (e.object_id, e.object_repr) == ("1001 rows", f"{Department._meta.verbose_name} × 1001")
    assert e.changes["on"] == "2026-03-01" and e.changes["span"] == ["2026-03-01", None]
    assert len(e.changes["ids"]) == 1000 and e.note == ""
    n = AuditEntry.objects.count()
    audit.record_batch("update", Department, [], {"x": 1})
    assert AuditEntry.objects.count() == n  # nothing written, nothing recorded


def test_history_is_the_objects_own(demo_core):
    d = Department.objects.order_by("pk").first()
    # Another model's entry under the same primary key must not show in the department's history.
    audit.record("update", model_label="core.role", object_id=str(d.pk), object_repr="角色")
    assert audit.history(d).exists()
    assert {e.model for e in audit.history(d)} == {"core.department"}


def test_m2m_from_a_side_with_many_other_relations(demo_core):
    """A user has many reverse relations (foreign keys and one many-to-many): the entry names the right one."""
    from envbureau.core.kit_models import Unit

    unit = Unit.objects.create(code="U-DC", name="东城区生态环境局")
    u = User.objects.get(username="dongcheng")
    n = len(entries(u))
    u.units.add(unit)
    u.units.remove(unit)
    assert [e.changes for e in entries(u)[n:]] == [{"units": {"added": [unit.pk]}}, {"units": {"removed": [unit.pk]}}]


def test_entry_fields_from_the_context(demo_core):
    d = Department.objects.get(code="air")
    someone = User.objects.get(username="air_staff")
    with audit.audit_context("cli", actor=someone, note="批量修改", remote_addr="127.0.0.9"):
        audit.record("update", d, {"name": ["a", "b"]})
    e = AuditEntry.objects.latest("id")
    assert (e.actor, e.actor_name, e.source, e.note, e.remote_addr) == (someone, "air_staff", "cli", "批量修改",
                                                                        "127.0.0.9")
    assert (e.model, e.object_id, e.object_repr) == ("core.department", str(d.pk), str(d))
    ghost = User(username="ghost")  # never saved: named, but no link
    with audit.audit_context("cli", actor=ghost):
        audit.record("update", d, {})
    e = AuditEntry.objects.latest("id")
    assert e.actor is None and e.actor_name == "ghost"
    audit.record("update", d, {}, object_id="x" * 70, object_repr="名" * 250, note="n" * 600)
    e = AuditEntry.objects.latest("id")
    assert (e.actor, e.actor_name, e.source) == (None, "", "system")
    assert (len(e.object_id), len(e.object_repr), len(e.note)) == (64, 200, 500)


def test_a_token_is_logged_by_a_short_key_and_its_digest_never_shown(demo_core):
    from knox.models import AuthToken

    token, _raw = AuthToken.objects.create(user=User.objects.get(username="leader"))
    e = AuditEntry.objects.filter(model="knox.authtoken").latest("id")
    assert e.object_id == token.pk[:12] and len(token.pk) > 12
    assert token.digest not in e.object_repr and token.digest[:12] not in e.object_repr.replace(e.object_id, "")
    assert "***" in e.object_repr or token.digest not in str(token)
    assert audit._object_id(Department.objects.get(code="air")) == str(Department.objects.get(code="air").pk)


def test_every_platform_app_is_audited_from_its_first_model():
    """A new app (enforcement was missed once) is audited without joining a list: every model of every
    envbureau app is audited unless it declares itself exempt."""
    from django.apps import apps

    from envbureau.core.audit import NEVER, is_audited

    labels = {a.label for a in apps.get_app_configs() if a.name.startswith("envbureau.")}
    assert {"core", "quality", "sources", "ledger", "complaints", "enforcement"} <= labels
    missed = [m._meta.label_lower for m in apps.get_models()
              if m._meta.app_label in labels and not m._meta.proxy and not getattr(m, "audit_exempt", False)
              and m._meta.label_lower not in NEVER and not is_audited(m)]
    assert missed == []
    from envbureau.enforcement.models import PoolEnterprise

    assert is_audited(PoolEnterprise)


def test_the_kits_own_stamps_are_audited(demo_core, settings, django_capture_on_commit_callbacks):
    """Tasks closing, due dates moving, clocks stopping, notices mailed and read: each writes its entry."""
    import datetime as dt

    from django.core import mail

    from envbureau.complaints import services
    from envbureau.complaints.models import Complaint
    from envbureau.core import workflow as wf
    from envbureau.core.deadlines import Rule, start_clock, stop
    from envbureau.core.models import Clock, Jurisdiction, Notification, Role, RoleAssignment, Task
    from envbureau.core.notify import mark_all_read

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office = User.objects.create(username="au_office", email="au@example.org")
    RoleAssignment.objects.create(user=office, role=Role.objects.get(code="complaints_office"))
    with django_capture_on_commit_callbacks(execute=True):
        c = services.register(None, Complaint(channel="hotline", category="noise", title="夜间施工(审计)",
                                              content="噪声", jurisdiction=Jurisdiction.objects.get(code="110101")),
                              suggest=False)
    first = Task.objects.get(model="complaints.complaint", object_id=str(c.pk), is_open=True)
    told = Notification.objects.get(recipient=office, key=f"task-{first.pk}")
    assert mail.outbox and any(e.changes.get("emailed_at", [0])[0] is None for e in entries(told))
    services.accept(office, c)
    closed = [e.changes for e in entries(first) if e.action == "update"]
    assert any(ch.get("is_open") == [True, False] and ch["closed_by"] == [None, office.pk] for ch in closed)
    # a due date moved outside a transition
    waiting = Task.objects.get(model="complaints.complaint", object_id=str(c.pk), is_open=True)
    Complaint.objects.filter(pk=c.pk).update(finish_due=dt.date(2027, 1, 29))
    c.refresh_from_db()
    wf.refresh_due(c)
    assert any(e.changes.get("due_date") == wf.workflow_for(c).due(c).isoformat() for e in entries(waiting))
    # a clock stopping
    start_clock(c, "audit-test", Rule(10), dt.date(2026, 11, 2))
    stop(c, "audit-test")
    clock = Clock.objects.get(key="audit-test")
    assert clock.stopped_at is not None
    assert any("stopped_at" in e.changes for e in entries(clock))
    # read all
    unread = list(Notification.objects.filter(recipient=office, read_at__isnull=True))
    assert len(unread) >= 2
    assert mark_all_read(office) == len(unread)
    batch = AuditEntry.objects.filter(model="core.notification", note="read-all").get()
    assert sorted(batch.changes["ids"]) == sorted(str(n.pk) for n in unread)
    assert mark_all_read(office) == 0
