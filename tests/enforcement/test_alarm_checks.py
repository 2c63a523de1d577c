"""An online-monitoring alarm and the check (and case) that followed it link to each other: the check names its
alarm (来源记录, linking to the alarm's page); the alarm's page and API record list the checks and cases started
from it, each a link, read through enforcement's own scoping — so an enterprise does not learn of an unannounced
check before the visit is recorded, and an officer outside the district sees none. A reference to an alarm that
does not exist, lies outside the user's scope or belongs to another enterprise is refused naming the field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from envbureau.enforcement import cases, services
from envbureau.enforcement.models import LegalBasis


@pytest.fixture
def alarm(world):
    from envbureau.sources.models import Alarm, MonitoringPoint, Outlet

    ent = world["enterprises"][0]  # 测试企业1, 东城区
    outlet = Outlet.objects.create(enterprise=ent, code="DW001", name="总排口", kind="water")
    point = MonitoringPoint.objects.create(outlet=outlet, enterprise=ent, mn="88888880000001", name="总排口监测点")
    t = timezone.make_aware(dt.datetime(2026, 10, 8, 9, 0))
    return Alarm.objects.create(point=point, enterprise=ent, kind="exceed", factor="w01018", started_at=t,
                                last_seen_at=t, value=120, limit_value=50, message="COD 超标")


def _check(world, ref, user=None, ent=None):
    ent = ent or world["enterprises"][0]
    return services.create_inspection(user, source="alarm", enterprise_id=ent.pk, enterprise_name=ent.name,
                                      jurisdiction_id=ent.jurisdiction_id, team=world["inspectors"][:2],
                                      items=world["items"], method="offsite", planned_on=dt.date(2026, 10, 9),
                                      source_ref=ref)


def test_the_alarm_page_and_the_check_link_to_each_other(world, alarm, client_for):
    insp = _check(world, f"sources.alarm:{alarm.pk}")
    LegalBasis.objects.create(provision="exceed", instrument="水污染防治法", article="第八十三条",
                              effective_from=dt.date(2018, 1, 1), fine_min=100000, fine_max=1000000)
    case = cases.open_case(None, enterprise_id=insp.enterprise_id, cause="COD 超标排放", provision="exceed",
                           act_date="2026-10-08", filed_on="2026-10-10", inspection=insp,
                           handlers=world["inspectors"][:2], facts="在线监测 COD 120 mg/L,限值 50")
    c = client_for("admin")
    page = c.get(f"/sources/alarms/{alarm.pk}/").content.decode()
    assert f'href="/enforcement/inspections/{insp.pk}/"' in page and insp.code in page
    assert f'href="/enforcement/cases/{case.pk}/"' in page and case.code in page
    back = c.get(f"/enforcement/inspections/{insp.pk}/").content.decode()
    assert f'href="/sources/alarms/{alarm.pk}/"' in back
    api = c.get(f"/api/v1/sources/alarms/{alarm.pk}/").json()
    assert [(f["kind"], f["url"]) for f in api["follow_ups"]] == [
        ("执法检查", f"/enforcement/inspections/{insp.pk}/"), ("行政处罚案件", f"/enforcement/cases/{case.pk}/")]
    listed = c.get("/api/v1/sources/alarms/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert all(r["follow_ups"] == [] for r in rows)  # the list does not ask every module once per row


def test_what_the_alarm_shows_is_scoped(world, alarm, client_for):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User
    from envbureau.sources import services as sources

    insp = _check(world, f"sources.alarm:{alarm.pk}")
    ent_user = User.objects.create_user(username="ent1", password="x")
    RoleAssignment.objects.create(user=ent_user, role=Role.objects.get(code="enterprise"), enterprise_id=alarm.enterprise_id)
    far = User.objects.create_user(username="cy_officer", password="x")
    RoleAssignment.objects.create(user=far, role=Role.objects.get(code="officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110105"))  # 朝阳区
    assert sources.follow_ups(ent_user, alarm) == [], "an unannounced check stays secret until the visit"
    marks = {str(k): ("ok", "") for k in range(len(insp.checklist))}
    services.record_inspection(None, insp, checklist=marks, result="case", party_present="环保负责人",
                               findings="COD 超标", inspected_on="2026-10-09")
    assert [f["url"] for f in sources.follow_ups(ent_user, alarm)] == [f"/enforcement/inspections/{insp.pk}/"]
    assert sources.follow_ups(far, alarm) == []
    staff = User.objects.get(username="admin")
    assert len(sources.follow_ups(staff, alarm)) == 1


def test_a_wrong_alarm_reference_names_the_field(world, alarm):
    with pytest.raises(ValidationError) as exc:
        _check(world, f"sources.alarm:{alarm.pk + 999}")
    assert "未找到该在线监控报警" in exc.value.message_dict["source_ref"][0]
    other = world["enterprises"][1]
    with pytest.raises(ValidationError) as exc:
        _check(world, f"sources.alarm:{alarm.pk}", ent=other)
    assert "不是该企业的报警" in exc.value.message_dict["source_ref"][0]
