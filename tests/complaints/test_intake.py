"""Duplicate suggestion, routing by street polygons, the public form (rate limit) and Open311."""

import datetime as dt

import pytest
from django.test import Client, override_settings

from envbureau.complaints import duplicates, routing, services
from envbureau.complaints.models import Complaint, DuplicateLink

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[116.40, 39.90], [116.42, 39.90], [116.42, 39.92], [116.40, 39.92],
                                              [116.40, 39.90]]]}


def test_text_similarity():
    assert duplicates.text_similarity("东华门大街工地夜间施工噪声", "东华门大街工地夜间施工噪声") == 1.0
    assert duplicates.text_similarity("东华门大街工地夜间施工噪声", "通州河道污水直排") < 0.1
    assert 300 < duplicates.haversine_m(116.40, 39.90, 116.40, 39.9036) < 420


def test_duplicate_suggested_at_intake_and_confirmed_both_ways(actors, make_complaint, aware):
    first = make_complaint(lon=116.4100, lat=39.9100, received_at=aware(2025, 5, 6))
    far = make_complaint(lon=116.5000, lat=39.9900, received_at=aware(2025, 5, 7), title="另一处施工",
                         content="别处工地", location="朝阳某地", enterprise_id=None, enterprise_name="")
    old = make_complaint(lon=116.4100, lat=39.9100, received_at=aware(2025, 1, 2))   # outside the 30-day window
    other_cat = make_complaint(lon=116.4100, lat=39.9100, received_at=aware(2025, 5, 8), category="water",
                               sub_category="")
    new = make_complaint(lon=116.4101, lat=39.9101, received_at=aware(2025, 5, 10), suggest=True)
    suggested = set(DuplicateLink.objects.filter(complaint=new).values_list("original_id", flat=True))
    assert first.pk in suggested
    assert far.pk not in suggested and old.pk not in suggested and other_cat.pk not in suggested
    link = DuplicateLink.objects.get(complaint=new, original=first)
    assert link.state == "suggested" and link.distance_m < 30
    services.confirm_duplicate(actors["office"], new, first)
    new.refresh_from_db()
    assert new.is_repeat and new.repeat_of == first
    assert services.events_of(first).filter(verb="duplicate").exists()
    assert services.events_of(new).filter(verb="duplicate").exists()
    office = Client()
    office.force_login(actors["office"])
    assert new.number in office.get(f"/complaints/{first.pk}/").content.decode()   # the link shows on the original
    assert first.number in office.get(f"/complaints/{new.pk}/").content.decode()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.confirm_duplicate(actors["officer"], new, first)  # officers cannot confirm repeats


@override_settings(ENVBUREAU={"COMPLAINTS_DUPLICATES": {"distance_m": 50, "window_days": 3, "text": 0.99},
                              "DATA_DIR": "/tmp", "CITY_CODE": "110000"})
def test_thresholds_configurable(make_complaint, aware):
    first = make_complaint(lon=116.4100, lat=39.9100, received_at=aware(2025, 5, 6), enterprise_id=None)
    new = make_complaint(lon=116.4110, lat=39.9100, received_at=aware(2025, 5, 7), enterprise_id=None)  # ~85 m
    assert duplicates.thresholds().distance_m == 50
    assert [s.original.pk for s in duplicates.suggest(new)] == []
    closer = make_complaint(lon=116.4101, lat=39.9100, received_at=aware(2025, 5, 7), enterprise_id=None)
    # With points, distance gates the candidates: `new` is ~77 m from `closer`, `first` ~9 m.
    assert [s.original.pk for s in duplicates.suggest(closer)] == [first.pk]
    late = make_complaint(lon=116.4100, lat=39.9100, received_at=aware(2025, 5, 10), enterprise_id=None)
    assert first.pk not in [s.original.pk for s in duplicates.suggest(late)]   # 4 days > 3-day window


def test_routing_by_polygon(demo_core, make_complaint):
    from envbureau.core.models import Jurisdiction

    assert routing.point_in_polygons(116.41, 39.91, routing._polygons(SQUARE))
    assert not routing.point_in_polygons(116.43, 39.91, routing._polygons(SQUARE))
    holed = {"type": "Polygon", "coordinates": SQUARE["coordinates"] + [[[116.405, 39.905], [116.415, 39.905],
                                                                        [116.415, 39.915], [116.405, 39.915],
                                                                        [116.405, 39.905]]]}
    assert not routing.point_in_polygons(116.41, 39.91, routing._polygons(holed))
    assert routing.point_in_polygons(116.401, 39.901, routing._polygons(holed))
    street = Jurisdiction.objects.get(code="110101001000")
    street.boundary = {"type": "Feature", "geometry": SQUARE}
    street.save()
    district = Jurisdiction.objects.get(code="110101")
    district.boundary = {"type": "MultiPolygon", "coordinates": [[[[116.3, 39.8], [116.5, 39.8], [116.5, 40.0],
                                                                   [116.3, 40.0], [116.3, 39.8]]]]}
    district.save()
    c = make_complaint(code="110105", lon=116.41, lat=39.91)      # chosen Chaoyang, point in 东华门 → 东华门
    assert c.jurisdiction == street and c.routed_by == "polygon"
    c = make_complaint(code="110101", lon=116.45, lat=39.95)      # inside the district only
    assert c.jurisdiction == district and c.routed_by == "polygon"
    c = make_complaint(code="110101007000", lon=116.45, lat=39.95)  # a chosen street inside the district is kept
    assert c.jurisdiction.code == "110101007000" and c.routed_by == "chosen"
    c = make_complaint(code="110105", lon=117.5, lat=40.5)        # outside every boundary → chosen
    assert c.jurisdiction.code == "110105" and c.routed_by == "chosen"


def test_public_form_and_rate_limit(demo_core, settings):
    from envbureau.core.models import Jurisdiction

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_form": "3/hour"}}
    c = Client(REMOTE_ADDR="203.0.113.7")
    assert c.get("/public/complaints/").status_code == 200
    data = {"category": "noise", "sub_category": "noise_social", "title": "广场舞噪声", "content": "每晚广场舞音响很大",
            "location": "天坛东路", "jurisdiction": Jurisdiction.objects.get(code="110101009000").pk,
            "complainant_name": "李四", "complainant_phone": "13900001111"}
    for _ in range(3):
        r = c.post("/public/complaints/", data)
        assert r.status_code == 200 and "查询码" in r.content.decode()
    r = c.post("/public/complaints/", data)
    assert r.status_code == 429
    assert Complaint.objects.filter(channel="web").count() == 3
    other = Client(REMOTE_ADDR="203.0.113.8")
    assert other.post("/public/complaints/", data).status_code == 200   # limit is per address
    # Missing phone without anonymity is refused with a message; honeypot filled → not saved.
    bad = dict(data, complainant_phone="")
    assert Client(REMOTE_ADDR="203.0.113.9").post("/public/complaints/", bad).status_code == 400
    # Status lookup needs number and code; nothing of the identity shows.
    x = Complaint.objects.filter(channel="web").first()
    page = Client().get(f"/public/complaints/status/?number={x.number}&code={x.query_code}").content.decode()
    assert x.title in page and "李四" not in page and "13900001111" not in page
    assert "编号或查询码不正确" in Client().get(f"/public/complaints/status/?number={x.number}&code=wrong").content.decode()
    r = Client().get(f"/api/v1/public/complaints/status/?number={x.number}&code={x.query_code}")
    assert r.status_code == 200 and r.json()["state"] == "registered" and "李四" not in r.content.decode()
    assert Client().get(f"/api/v1/public/complaints/status/?number={x.number}&code=no").status_code == 404


def test_open311(demo_core, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_form": "2/hour"}}
    base = "/api/v1/public/complaints/open311"
    c = Client(REMOTE_ADDR="198.51.100.1")
    # The address (/api/v1/public/open311/, mounted by the root URLconf) answers the same.
    assert c.get("/api/v1/public/open311/services.json").json() == c.get(f"{base}/services.json").json()
    services_list = c.get(f"{base}/services.json").json()
    codes = {s["service_code"] for s in services_list}
    assert {"noise_construction", "noise_social", "noise_industrial", "noise_traffic", "air", "water"} <= codes
    assert c.get(f"{base}/services/noise_social.json").json()["service_code"] == "noise_social"
    assert c.get(f"{base}/services/nope.json").status_code == 404
    r = c.post(f"{base}/requests.json", {"service_code": "noise_construction", "lat": 39.91, "long": 116.41,
                                         "address_string": "东华门大街", "description": "夜间施工",
                                         "first_name": "五", "last_name": "王", "phone": "13700000000",
                                         "jurisdiction_code": "110101001000"})
    assert r.status_code == 201, r.content
    body = r.json()[0]
    number, code = body["service_request_id"], body["token"]
    obj = Complaint.objects.get(number=number)
    assert obj.jurisdiction.code == "110101001000" and obj.category == "noise" and obj.complainant_name == "王 五"
    r = c.post(f"{base}/requests.json", {"service_code": "air", "description": "异味", "lat": 39.9, "long": 116.4})
    assert r.status_code == 201
    assert Complaint.objects.get(number=r.json()[0]["service_request_id"]).jurisdiction.code == "110000"  # triage
    r = c.post(f"{base}/requests.json", {"service_code": "air", "description": "异味", "address_string": "x"})
    assert r.status_code == 429 and r.headers["Retry-After"]
    bad = Client(REMOTE_ADDR="198.51.100.2")
    assert bad.post(f"{base}/requests.json", {"service_code": "zzz", "description": "x"}).status_code == 400
    assert bad.post(f"{base}/requests.json", {"service_code": "air", "description": "x"}).status_code == 400
    lst = c.get(f"{base}/requests.json").json()
    assert number in {x["service_request_id"] for x in lst}
    text = str(lst)
    assert "王" not in text and "13700000000" not in text and "夜间施工" not in text and "东华门大街" not in text
    one = c.get(f"{base}/requests/{number}.json").json()[0]
    assert one["status"] == "open" and "description" not in one
    full = c.get(f"{base}/requests/{number}.json?query_code={code}").json()[0]
    assert full["description"] == "夜间施工" and "13700000000" not in str(full)
    assert c.get(f"{base}/requests/XF0000.json").status_code == 404
    assert c.get(f"{base}/requests.json?status=closed").json() == []
    assert c.get(f"{base}/tokens/{code}.json").json()[0]["service_request_id"] == number
    start = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
    assert c.get(f"{base}/requests.json", {"start_date": start}).json() == []


def test_staff_intake_form_routes_and_suggests(actors, make_complaint, aware):
    from envbureau.core.models import Jurisdiction

    first = make_complaint(lon=116.4100, lat=39.9100, received_at=aware(2026, 11, 19))
    office = Client()
    office.force_login(actors["office"])
    r = office.post("/complaints/add/", {
        "channel": "wechat", "track": "clue", "category": "noise", "sub_category": "noise_construction",
        "title": "夜间施工噪声", "content": "工地夜间施工噪声扰民", "location": "东华门大街1号", "lon": "116.4101",
        "lat": "39.9101", "jurisdiction": Jurisdiction.objects.get(code="110101001000").pk,
        "received_at": "2026-11-20T21:30", "complainant_name": "赵六", "complainant_phone": "13600000000"})
    assert r.status_code == 302, r.content.decode()[:2000]
    new = Complaint.objects.exclude(pk=first.pk).get()
    assert new.channel == "wechat" and new.routed_by == "chosen" and new.accept_due is not None
    page = office.get(r["Location"]).content.decode()
    assert first.number in page and "确认重复" in page
    # Without a street and without boundaries the form answers with a clear message.
    r = office.post("/complaints/add/", {"channel": "hotline", "track": "clue", "category": "air", "title": "异味",
                                         "content": "异味", "received_at": "2026-11-20T21:30"})
    assert r.status_code == 400 and "请选择所属街道" in r.content.decode()


def test_the_register_line_reads_in_the_readers_language(demo_core, make_complaint):
    """The timeline's 登记 line names where the complaint came from: the public form submitted from an English
    page, and a staff intake (its channel) clicked in English, each read in Chinese and in English."""
    from django.conf import settings
    from django.utils import translation

    from envbureau.core import workflow as wf
    from envbureau.core.models import Jurisdiction

    c = Client(REMOTE_ADDR="203.0.113.21")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"category": "noise", "sub_category": "noise_social", "title": "广场舞噪声", "content": "每晚广场舞音响很大",
            "location": "天坛东路", "jurisdiction": Jurisdiction.objects.get(code="110101009000").pk,
            "complainant_name": "李四", "complainant_phone": "13900001111"}
    assert c.post("/public/complaints/", data).status_code == 200
    web = Complaint.objects.get(channel="web", title="广场舞噪声")
    with translation.override("en"):
        letter = make_complaint(channel="letter")

    def line(x):
        return wf.timeline(x)[0]["note"]

    with translation.override("zh-hans"):
        assert (line(web), line(letter)) == ("网上举报表单", "来信")
    with translation.override("en"):
        assert (line(web), line(letter)) == ("Online report form", "Letter")
