"""The duty roster in the API (read only, scoped like its page) with the page's filters."""

import datetime as dt

from rest_framework.test import APIClient

from envbureau.approvals.models import DutyShift
from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User


def test_duty_api_reads_scoped_and_filtered(world):
    day = dt.date(2026, 12, 2)
    city = world["dc"].parent
    DutyShift.objects.create(day=day, role="leader", person="张局", phone="13800000000", jurisdiction=city)
    dc = DutyShift.objects.create(day=day, role="officer", person="李工", phone="13900000000", jurisdiction=world["dc"])
    xc = DutyShift.objects.create(day=day, role="officer", person="王工", phone="13700000000", jurisdiction=world["xc"])
    DutyShift.objects.create(day=day + dt.timedelta(days=1), role="officer", person="明日", phone="1", jurisdiction=city)
    c = APIClient()
    c.force_authenticate(world["officer"])  # 行政审批人员, city-wide
    rows = c.get("/api/v1/approvals/duty/?day=2026-12-02").json()["results"]
    assert sorted(r["person"] for r in rows) == ["张局", "李工", "王工"]
    assert {r["person"]: r["role_label"] for r in rows}["张局"] == "带班领导"
    assert [r["person"] for r in c.get("/api/v1/approvals/duty/?day=2026-12-02&jurisdiction=110102").json()["results"]] == ["王工"]
    assert len(c.get("/api/v1/approvals/duty/?day_from=2026-12-03").json()["results"]) == 1
    r = c.get("/api/v1/approvals/duty/?day=2026-13-01")
    assert r.status_code == 400 and "day" in r.json()["error"]["fields"]
    assert c.post("/api/v1/approvals/duty/", {"day": "2026-12-02", "person": "x", "phone": "1"}).status_code == 405
    # a district officer of 东城区 reads its district's shifts, not 西城区's
    officer = User.objects.create(username="dc_officer")
    RoleAssignment.objects.create(user=officer, role=Role.objects.get(code="officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110101"))
    c.force_authenticate(officer)
    seen = {r["person"] for r in c.get("/api/v1/approvals/duty/?day=2026-12-02").json()["results"]}
    assert "李工" in seen and "王工" not in seen
    assert c.get(f"/api/v1/approvals/duty/{xc.pk}/").status_code == 404
    assert c.get(f"/api/v1/approvals/duty/{dc.pk}/").json()["jurisdiction_code"] == "110101"
