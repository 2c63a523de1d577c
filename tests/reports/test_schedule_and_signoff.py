"""Scheduled generation on the 5th, the sign-off task in the signer's inbox, issuing (numbered .docx + PDF)
and the archive; who may issue."""

import datetime as dt
import io
import json

import docx
from django.core.management import call_command

from boundary import DAY, three


def run_schedule(today: str) -> str:
    out = io.StringIO()
    call_command("reports_schedule", "--today", today, stdout=out)
    return out.getvalue()


def test_due_on_the_fifth_and_previous_period():
    from envbureau.reports.management.commands.reports_schedule import due, previous_period

    assert three(lambda d: due("month", 5, d), dt.date(2017, 1, 5), DAY) == (False, True, True)
    assert three(lambda d: due("quarter", 5, d), dt.date(2017, 4, 5), DAY) == (False, True, True)
    assert not due("quarter", 5, dt.date(2017, 5, 10))
    assert previous_period("month", dt.date(2017, 1, 5)) == "2016-12"
    assert previous_period("quarter", dt.date(2017, 1, 5)) == "2016-Q4"
    assert previous_period("quarter", dt.date(2017, 7, 5)) == "2017-Q2"
    assert previous_period("half", dt.date(2017, 7, 5)) == "2017-H1"
    assert previous_period("year", dt.date(2017, 1, 5)) == "2016"


def test_schedule_signoff_and_archive(air, signer, client_for):
    from envbureau.core.documents.services import documents_for
    from envbureau.core.models import User
    from envbureau.core.notify import tasks_for
    from envbureau.reports.models import Report

    assert "reports created: 0" in run_schedule("2017-01-04")
    assert not Report.objects.exists()
    assert "reports created: 4" in run_schedule("2017-01-05")  # the city and its three districts with data
    assert "reports created: 0" in run_schedule("2017-01-06")  # never twice
    city = Report.objects.get(jurisdiction__code="110000")
    assert (city.state, city.period_key, city.scheduled) == ("pending", "2016-12", True)
    titles = [t.title for t in tasks_for(signer)]
    assert city.title in titles
    assert not [t for t in tasks_for(User.objects.get(username="dongcheng")) if t.title == city.title]

    # bureau staff may read the archive but not sign off
    staff = client_for("air_staff")
    assert staff.get(f"/reports/archive/{city.pk}/").status_code == 200
    assert staff.post(f"/reports/archive/{city.pk}/").status_code == 403
    city.refresh_from_db()
    assert city.state == "pending"

    r = client_for("leader").post(f"/reports/archive/{city.pk}/")
    assert r.status_code == 302
    city.refresh_from_db()
    assert city.state == "issued" and city.issued_by == signer
    doc = documents_for(city).get()
    year = dt.date.today().year
    assert doc.number == f"环气通〔{year}〕1号"
    assert doc.pdf and doc.pdf.read(4) == b"%PDF"
    text = "\n".join(p.text for p in docx.Document(doc.docx.open("rb")).paragraphs)
    out = io.StringIO()
    call_command("assess", "air", "--jurisdiction", "110000", "--year", "2016", "--month", "12", "--json",
                 "--change-basis", "reported", stdout=out)
    a = json.loads(out.getvalue())
    assert doc.number in text and f"综合指数为{a['composite_index']:.2f}" in text
    assert f"PM2.5平均浓度为{a['pm25_mean']:.0f}微克/立方米" in text
    assert city.title not in [t.title for t in tasks_for(signer)]  # the task closed
    # the archive lists it with its state in words; issuing again is refused (400, not a second number)
    page = client_for("leader").get("/reports/archive/").content.decode()
    assert city.title in page and "已签发" in page
    r = client_for("leader").post(f"/api/v1/reports/reports/{city.pk}/issue/")
    assert r.status_code == 400
    assert documents_for(city).count() == 1


def test_api_create_and_issue_scope(air, signer, client_for):
    leader = client_for("leader")
    r = leader.post("/api/v1/reports/reports/", {"type": "air_bulletin", "jurisdiction": "110101",
                                                 "period": "2016-12"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["state"], body["jurisdiction_code"], body["documents"]) == ("pending", "110101", [])
    # staff without reports.issue may not create
    r = client_for("air_staff").post("/api/v1/reports/reports/", {"type": "air_bulletin", "jurisdiction": "110101",
                                                                  "period": "2016-12"},
                                     content_type="application/json")
    assert r.status_code == 403
    r = leader.post("/api/v1/reports/reports/", {"type": "air_bulletin", "jurisdiction": "110101",
                                                 "period": "16-12"}, content_type="application/json")
    assert r.status_code == 400 and "period" in json.dumps(r.json())
