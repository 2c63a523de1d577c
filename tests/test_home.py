"""The first screen per role, and the grouped 环境质量 menu."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from test_authorization_matrix import world  # noqa: F401  (fixture)


def _client(username):
    from envbureau.core.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def test_quality_menu_is_grouped(world, db):  # noqa: F811
    from envbureau.core.models import User
    from envbureau.core.navigation import menu_for

    quality = next(s for s in menu_for(User.objects.get(username="leader")) if s["key"] == "quality")
    headings = [i["heading"] for i in quality["items"] if i["heading"]]
    assert headings == ["空气", "水", "声", "目标与排名", "数据管理"]
    labels = [i["label"] for i in quality["items"]]
    assert labels.index("空气质量总览") < labels.index("水环境质量") < labels.index("声环境质量") \
        < labels.index("区县排名") < labels.index("数据审核")
    page = _client("leader").get("/quality/warnings/").content.decode()
    assert page.count('class="dropdown-header"') >= 5


def _task(title, due, path):
    from envbureau.core.models import Task

    return Task.objects.create(model="ledger.problem", object_id="1", module="ledger", state="x", action="验收",
                               title=title, due_date=due, jurisdiction_path=path, is_open=True)


def test_leader_sees_what_is_overdue_in_their_area(world, db):  # noqa: F811
    from envbureau.core.models import Jurisdiction

    today = timezone.localdate()
    dc = Jurisdiction.objects.get(code="110101").path
    xc = Jurisdiction.objects.get(code="110102").path
    _task("昨日到期的东城任务", today - dt.timedelta(days=1), dc)
    _task("今日到期的东城任务", today, dc)
    _task("昨日到期的西城任务", today - dt.timedelta(days=1), xc)
    from envbureau.core.models import User
    from envbureau.core.views import overdue_in_scope

    leader = set(overdue_in_scope(User.objects.get(username="leader")).values_list("title", flat=True))
    assert {"昨日到期的东城任务", "昨日到期的西城任务"} <= leader
    assert "今日到期的东城任务" not in leader  # due today is not yet overdue
    officer = set(overdue_in_scope(User.objects.get(username="dongcheng")).values_list("title", flat=True))
    assert "昨日到期的东城任务" in officer and "昨日到期的西城任务" not in officer
    # a street officer: the street's own steps, not the district's (prefix at the grant's depth)
    _task("昨日到期的东华门任务", today - dt.timedelta(days=1), Jurisdiction.objects.get(code="110101001000").path)
    street = set(overdue_in_scope(User.objects.get(username="donghuamen")).values_list("title", flat=True))
    assert "昨日到期的东华门任务" in street and not {"昨日到期的东城任务", "昨日到期的西城任务"} & street
    assert "昨日到期的东华门任务" in set(overdue_in_scope(User.objects.get(username="dongcheng"))
                                   .values_list("title", flat=True))
    n = overdue_in_scope(User.objects.get(username="leader")).count()
    page = _client("leader").get("/").content.decode()
    assert f"逾期事项 {n} 件" in page
    assert "今日变更" not in page  # no audit-count noise on the first screen


def test_enterprise_first_screen_names_the_enterprise(world, db):  # noqa: F811
    from envbureau.core.models import RoleAssignment
    from envbureau.sources.models import Enterprise, MonitoringPoint

    a = RoleAssignment.objects.get(user__username=world["enterprise"], enterprise_id__isnull=False)
    ent = Enterprise.objects.get(pk=a.enterprise_id)
    page = _client(world["enterprise"]).get("/").content.decode()
    assert f"· {ent.name}</span>" in page and "· 全市</span>" not in page
    n = MonitoringPoint.objects.filter(enterprise=ent).count()
    assert "本企业监测点位" in page
    assert f'<div class="eb-card-value">{n}</div>' in page
    assert "待处理在线监控报警" in page


def test_enterprise_forms_preselect_their_enterprise(world, db):  # noqa: F811
    import re

    from envbureau.core.models import RoleAssignment

    a = RoleAssignment.objects.get(user__username=world["enterprise"], enterprise_id__isnull=False)
    page = _client(world["enterprise"]).get("/sources/declarations/add/").content.decode()
    select = re.search(r'<select name="enterprise".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option value="{a.enterprise_id}" selected>', select)
    # a bureau user with many enterprises to choose from gets no silent choice
    page = _client("admin").get("/sources/declarations/add/").content.decode()
    select = re.search(r'<select name="enterprise".*?</select>', page, re.S).group(0)
    assert " selected>" not in select.replace('<option value="" selected>', "")
