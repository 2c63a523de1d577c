"""The tasks inbox words each task in the reader's language: a task stores its action and title in Chinese
when it opens (whoever acted), and /tasks/ and the home page word them again from the task's object and step
(core.workflow.task_words); a task whose object is gone keeps its stored title and its action via gettext."""

import datetime as dt
import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u3400-\u9fff]")
TZ = dt.timezone(dt.timedelta(hours=8))


def _warning():
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.services import _facts, _raise

    t0 = dt.datetime(2017, 2, 28, 10, tzinfo=TZ)
    with translation.override("en"):  # an English user's action opens the task: stored in Chinese all the same
        w, _new = _raise("data_stop", Jurisdiction.objects.get(code="110101"), "quality.airstation:1", "东四", t0, t0,
                         _facts("stop", s="东四", t="2017-02-28 10:00", n=6), count=6)
    return w


def test_task_is_stored_in_chinese_and_read_in_the_reader_language(demo_core):
    from envbureau.core.models import Task
    from envbureau.core.workflow import task_words

    w = _warning()
    task = Task.objects.filter(model="quality.warning", object_id=str(w.pk)).first()
    with translation.override("zh-hans"):
        zh_title = f"{w.get_kind_display()} 东四"
    assert task.title == zh_title and HAN.search(task.action), (task.action, task.title)
    with translation.override("en"):
        action, title = task_words([task])[task.pk]
        assert title == f"{w.get_kind_display()} 东四" and not HAN.search(title.replace("东四", "")), title
        assert action and not HAN.search(action), action
    from django.test import Client

    from envbureau.core.models import User
    from envbureau.core.notify import tasks_for

    reader = next(u for u in User.objects.order_by("pk") if tasks_for(u).filter(pk=task.pk).exists())
    c = Client()
    c.force_login(reader)
    c.cookies["django_language"] = "en"
    page = c.get("/tasks/?module=quality").content.decode()
    assert title in page and zh_title not in page
    # the API too: /api/v1/me/tasks/ words each task in the request's language; Chinese for a Chinese reader
    c.cookies.pop("django_language")
    rows = c.get("/api/v1/me/tasks/?module=quality", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    (row,) = [r for r in rows if r["id"] == task.pk]
    assert (row["action"], row["title"]) == (action, title), row
    (row,) = [r for r in c.get("/api/v1/me/tasks/?module=quality").json()["results"] if r["id"] == task.pk]
    assert (row["action"], row["title"]) == (task.action, zh_title), row
    # the object is gone: the stored title, the action through the catalogue
    Task.objects.filter(pk=task.pk).update(object_id="987654")
    task.refresh_from_db()
    with translation.override("en"):
        assert task_words([task])[task.pk] == (action, zh_title)


def test_tasks_table_on_a_phone_acts_through_the_object_link(demo_core):
    """On a phone (module, assignee and the button hidden below md) the object's title is the link to act."""
    from django.template.loader import render_to_string

    from envbureau.core.models import Task
    from envbureau.core.workflow import task_words

    w = _warning()
    task = Task.objects.filter(model="quality.warning", object_id=str(w.pk)).first()
    assert task.url
    action, title = task_words([task])[task.pk]
    html = render_to_string("core/_tasks_table.html", {"rows": [{"task": task, "action": action, "title": title}]})
    assert f'<td class="eb-task-title"><a href="{task.url}">{title}</a></td>' in html
    assert html.count("d-none d-md-table-cell") == 6  # three headers, three cells


def test_monthly_report_tasks_opened_before_the_facts_get_them_back():
    """core 0013: the projects' monthly report tasks stored before their action's facts get them from the Chinese
    text (and word it again exactly); any other action keeps none."""
    import importlib

    from envbureau.core import texts

    m = importlib.import_module("envbureau.core.migrations.0013_task_action_facts")
    facts = m.facts_of("填报2026年12月项目进展")
    assert facts == {"text": "填报%(y)s年%(m)s月项目进展", "args": {"y": 2026, "m": 12}}
    assert texts.chinese(facts) == "填报2026年12月项目进展"
    with translation.override("en"):
        assert texts.words(facts) == "Report project progress for 12/2026"
    assert m.facts_of("填报2026年12月项目进展(补)") == {} and m.facts_of("审批延期申请") == {}
