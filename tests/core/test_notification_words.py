"""Notifications are worded in the reader's language: a notification keeps what it says as facts (a key of
core.notify.TEXTS, its values, and the task it is about) and every page and API words it again for its
reader; the stored ``message`` is the Chinese text whoever triggered it (e-mail, search). Notifications sent
before the facts were kept get them from their stored text and key (migration core 0012), or are shown as
stored."""

import datetime as dt
import importlib
import re

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u3400-\u9fff]")
TZ = dt.timezone(dt.timedelta(hours=8))
MIGRATION = importlib.import_module("envbureau.core.migrations.0012_notification_facts")


def _warning_task():
    from envbureau.core.models import Jurisdiction, Task
    from envbureau.quality.services import _facts, _raise

    t0 = dt.datetime(2017, 2, 28, 10, tzinfo=TZ)
    with translation.override("en"):  # an English user's action opens the task and tells its people
        w, _new = _raise("data_stop", Jurisdiction.objects.get(code="110101"), "quality.airstation:1", "东四", t0, t0,
                         _facts("stop", s="东四", t="2017-02-28 10:00", n=6), count=6)
    return w, Task.objects.filter(model="quality.warning", object_id=str(w.pk), lead=True).get()


def test_task_notice_stored_in_chinese_and_read_in_the_reader_language(demo_core):
    from envbureau.core.models import Notification
    from envbureau.core.notify import worded
    from envbureau.core.workflow import task_words

    w, task = _warning_task()
    notes = list(Notification.objects.filter(key=f"task-{task.pk}"))
    assert notes, "the task's people are told"
    n = notes[0]
    assert n.facts == {"msg": "task", "task": task.pk, "args": {"d": task.due_date.isoformat() if task.due_date else ""}}
    assert n.message.startswith("待办:") and task.title in n.message, n.message  # Chinese, whoever acted
    with translation.override("zh-hans"):
        assert n.text == n.message
    with translation.override("en"):
        action, title = task_words([task])[task.pk]
        worded([n])
        assert n.text.startswith(f"Task: {action} · {title}") and not HAN.search(n.text.replace("东四", "")), n.text
    en_text = n.text
    c = Client()
    c.force_login(n.recipient)
    c.cookies["django_language"] = "en"
    page = c.get("/notifications/").content.decode()
    assert en_text in page and n.message not in page
    c.cookies.pop("django_language")
    rows = c.get("/api/v1/me/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {r["message"] for r in rows if r["id"] == n.pk} == {en_text}
    rows = c.get("/api/v1/me/notifications/").json()["results"]
    assert {r["message"] for r in rows if r["id"] == n.pk} == {n.message}
    # the task is gone: the stored text
    type(task).objects.filter(pk=task.pk).delete()
    n = Notification.objects.get(pk=n.pk)
    with translation.override("en"):
        assert n.text == n.message


def test_reminders_keep_facts(demo_core):
    from envbureau.core.models import Notification, Task
    from envbureau.core.notify import run_reminders

    _w, task = _warning_task()
    day = dt.date(2030, 1, 10)
    Task.objects.filter(pk=task.pk).update(due_date=day)
    with translation.override("en"):
        run_reminders(today=day - dt.timedelta(days=1))
        run_reminders(today=day + dt.timedelta(days=1))
    near = Notification.objects.filter(kind="near_deadline").first()
    late = Notification.objects.filter(kind="overdue").first()
    assert near.facts == {"msg": "near", "task": task.pk, "args": {"d": "2030-01-10"}}
    assert late.facts == {"msg": "overdue", "task": task.pk, "args": {"d": "2030-01-10"}}
    assert near.message.startswith("临期提醒:") and late.message.startswith("已逾期:")
    with translation.override("en"):
        assert near.text.startswith("Due soon: ") and late.text.startswith("Overdue: "), (near.text, late.text)
        assert not HAN.search(near.text.replace("东四", "")) and not HAN.search(late.text.replace("东四", ""))
    # the migration reads the same facts back from the stored text and the key
    for n in (near, late):
        found = MIGRATION.facts_of(n.message, n.kind, n.key, lambda msg, g: task.pk if (
            g.get("model"), g.get("oid"), g.get("state")) == (task.model, task.object_id, task.state) else None)
        assert found == n.facts, (n.key, n.message)


def test_every_sentence_is_frozen_in_the_migration_and_read_back():
    """Each registered sentence (core and the modules) is in the migration's frozen copy, and a text written
    from it reads back as its facts."""
    import django.urls

    from envbureau.core.notify import TEXTS

    django.urls.resolve("/")  # every app's modules loaded: their sentences registered
    assert {"ledger.overdue", "ledger.near", "complaints.follow_up", "enforcement.seizure_overdue",
            "approvals.incident_overdue"} <= set(TEXTS)
    assert {k: msg for k, (msg, _listed) in TEXTS.items()} == MIGRATION.TEXTS
    args = {"c": "DC-2026-001", "t": "餐饮油烟扰民", "d": "2026-05-01", "n": "XF2026-7", "f": "仍有油烟", "h": "24"}
    for key, text in MIGRATION.TEXTS.items():
        if key in ("task", "near", "overdue"):
            continue
        used = {k: v for k, v in args.items() if f"%({k})s" in text}
        assert MIGRATION.facts_of(text % used) == {"msg": key, "args": used}, key
    assert MIGRATION.facts_of("人工录入的提醒") == {}
    assert MIGRATION.facts_of("待办:签收 · 东四(期限 未定)", "task", "task-5", lambda m, g: int(g["pk"])) == {
        "msg": "task", "task": 5, "args": {"d": ""}}
    assert MIGRATION.facts_of("待办:签收 · 东四(期限 未定)", "task", "task-5", lambda m, g: None) == {}
