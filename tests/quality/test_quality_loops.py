"""Station warnings and data reviews on core.workflow: one timeline, tasks opened and closed, the same
permission rule as before (quality.change or quality.handle in the warning's area)."""

import datetime as dt

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def _raise(code="110101", station=9):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.services import _facts
    from envbureau.quality.services import _raise as raise_warning

    w, new = raise_warning("data_stop", Jurisdiction.objects.get(code=code), f"quality.airstation:{station}", "东四",
                           dt.datetime(2026, 11, 3, 1, tzinfo=TZ), dt.datetime(2026, 11, 3, 8, tzinfo=TZ),
                           _facts("stop", s="东四", t="2026-11-03 01:00", n=8), count=8)
    assert new
    return w


def test_a_new_warning_waits_for_its_handlers_until_closed(demo_core, user_named):
    from envbureau.core.notify import tasks_for
    from envbureau.core.workflow import timeline
    from envbureau.quality import services

    w = _raise()
    officer, xicheng_w = user_named("dongcheng"), None
    [task] = list(tasks_for(officer))
    assert (task.model, task.object_id, task.action, task.url) == (
        "quality.warning", str(w.pk), "处理预警", f"/quality/warnings/{w.pk}/")
    assert not tasks_for(user_named("leader")).exists()  # reads everything, handles nothing
    xicheng_w = _raise("110102", station=10)
    assert [t.object_id for t in tasks_for(officer)] == [str(w.pk)]  # not 西城区's
    services.acknowledge_warning(officer, w, "已通知运维")
    assert [t.action for t in tasks_for(officer)] == ["跟踪处置并关闭预警"]
    services.close_warning(officer, w, "设备恢复,数据已补传")
    assert not tasks_for(officer).exists()
    lines = timeline(w)
    assert [(e["verb_label"], e["to_label"], e["actor"]) for e in lines] == [
        ("产生预警", "待处理", "系统"), ("确认", "已确认", str(officer)), ("关闭", "已关闭", str(officer))]
    assert lines[1]["note"] == "已通知运维" and lines[2]["note"] == "设备恢复,数据已补传"
    # API: the same timeline; the 西城区 warning is out of the officer's sight.
    c = Client()
    c.force_login(officer)
    r = c.get(f"/api/v1/quality/warnings/{w.pk}/timeline/")
    assert r.status_code == 200 and [e["verb"] for e in r.json()] == ["open", "acknowledge", "close"]
    assert c.get(f"/api/v1/quality/warnings/{xicheng_w.pk}/timeline/").status_code == 404
    page = c.get(f"/quality/warnings/{w.pk}/").content.decode()
    assert "设备恢复,数据已补传" in page and "产生预警" in page


def test_who_may_act_on_a_warning_is_unchanged(demo_core, user_named):
    from django.core.exceptions import PermissionDenied, ValidationError

    from envbureau.quality import services

    w = _raise()
    with pytest.raises(PermissionDenied):
        services.acknowledge_warning(user_named("leader"), w)          # quality.view only
    with pytest.raises(ValidationError):
        services.close_warning(user_named("air_staff"), w, "  ")      # a note is required
    services.close_warning(user_named("air_staff"), w, "误报")         # quality.change (air department)
    with pytest.raises(ValidationError):
        services.acknowledge_warning(user_named("air_staff"), w)      # closed is final


def test_a_data_review_and_its_revocation_are_on_its_timeline(beijing_slice, stations, user_named):
    from django.core.exceptions import PermissionDenied

    from envbureau.core.workflow import timeline
    from envbureau.quality import services

    staff = user_named("air_staff")
    rv = services.review_values(staff, stations["Dongsi"], dt.datetime(2015, 1, 20, 0, tzinfo=TZ),
                                dt.datetime(2015, 1, 20, 5, tzinfo=TZ), ["pm25"], "仪器故障")
    with pytest.raises(PermissionDenied):
        services.revoke_review(user_named("dongcheng"), rv)  # may view, not change quality records
    services.revoke_review(staff, rv, "核实后数据有效")
    rv.refresh_from_db()
    assert rv.revoked
    assert [(e["verb_label"], e["to_label"], e["note"]) for e in timeline(rv)] == [
        ("审核(标记无效)", "有效", "仪器故障"), ("撤销审核", "已撤销", "核实后数据有效")]
