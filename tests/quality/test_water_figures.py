"""Issue 18, water: control-level scope "this level and above", shares of Ⅰ–Ⅱ / Ⅰ–Ⅲ / 劣Ⅴ as count and
%, the rate of sections meeting their target, year on year (last year's class per section, changes in
percentage points, "与上年同期持平"), any period — on the page, the API and the CLI.

Classes by NH3-N (GB 3838-2002: Ⅰ ≤ 0.15, Ⅱ ≤ 0.5, Ⅲ ≤ 1.0, Ⅳ ≤ 1.5, Ⅴ ≤ 2.0; the other items Ⅰ):
a value equal to a class limit is that class, just over it the next one."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))

#: code, control level, target class, NH3-N March 2016 (→ class), NH3-N March 2015 (→ class)
SECTIONS = [
    ("N1", "national", 2, 0.5, 0.8),     # Ⅱ (meets Ⅱ) ; last year Ⅲ
    ("N2", "national", 3, 1.01, 1.01),   # Ⅳ (fails)   ; last year Ⅳ
    ("P1", "provincial", 3, 0.1, 0.4),   # Ⅰ (meets)   ; last year Ⅱ
    ("C1", "city", 3, 2.5, 1.8),         # 劣Ⅴ (fails) ; last year Ⅴ
    ("K1", "county", 4, 1.5, None),      # Ⅳ (meets Ⅳ); no sample last year
    ("K2", "county", 3, 1.0, 0.8),       # Ⅲ (meets)   ; last year Ⅲ
]


@pytest.fixture
def water(demo_core):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import WaterSample, WaterSection
    from envbureau.quality.water import rebuild_section_classes

    dc = Jurisdiction.objects.get(code="110101")
    todo = {}
    for code, level, target, now, last in SECTIONS:
        s = WaterSection.objects.create(code=code, name=f"{code}断面", river="测河", jurisdiction=dc,
                                        control_level=level, target_class=target)
        for year, nh3n in ((2016, now), (2015, last)):
            if nh3n is not None:
                WaterSample.objects.create(section=s, time=dt.datetime(year, 3, 10, 9, tzinfo=TZ),
                                           values={"nh3n": nh3n, "codmn": 1.5, "do": 8.0, "ph": 7.5})
                todo.setdefault(s.pk, set()).add(dt.date(year, 3, 10))
    rebuild_section_classes(todo)


def _cli(*args):
    out = io.StringIO()
    call_command("assess", "water", "--jurisdiction", "110000", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("scope, n, n12, s12, n13, s13, n6, s6, meet, rate", [
    ("national", 2, 1, 50.0, 1, 50.0, 0, 0.0, 1, 50.0),
    ("provincial", 3, 2, 66.7, 2, 66.7, 0, 0.0, 2, 66.7),
    ("city", 4, 2, 50.0, 2, 50.0, 1, 25.0, 2, 50.0),
    ("county", 6, 2, 33.3, 3, 50.0, 1, 16.7, 4, 66.7),
])
def test_scope_shares_and_target_rate(water, scope, n, n12, s12, n13, s13, n6, s6, meet, rate):
    r = json.loads(_cli("--year", "2016", "--month", "3", "--scope", scope, "--json"))
    assert (r["n_sections"], r["n_class_1_2"], r["class_1_2_share"], r["n_class_1_3"], r["class_1_3_share"],
            r["n_worse_v"], r["worse_v_share"], r["n_meeting_target"], r["meeting_target_rate"]) == \
        (n, n12, s12, n13, s13, n6, s6, meet, rate)


def test_year_on_year_in_points_and_class_words(water):
    r = json.loads(_cli("--year", "2016", "--month", "3", "--scope", "national", "--json"))
    y = r["yoy"]
    assert y["period"]["label"] == "2015年同期"
    # Ⅰ–Ⅲ 50.0 % both years: no significant change; Ⅰ–Ⅱ 0.0 → 50.0 %: 50 percentage points
    assert y["class_1_3_share"] == {"now": 50.0, "base": 50.0, "points": 0.0, "text": "与上年同期持平"}
    assert y["class_1_2_share"]["points"] == 50.0 and y["class_1_2_share"]["text"] == "同比上升50.0个百分点"
    rows = {s["code"]: s for s in r["sections"]}
    assert rows["N1"]["class_last_year"] == "Ⅲ" and rows["N1"]["class_change"] == "由Ⅲ类好转至Ⅱ类"
    assert rows["N2"]["class_change"] == "持平"
    # all sections: 2015 had 5 with a class, 3 of them Ⅰ–Ⅲ (60.0 %); 2016 50.0 % → down 10.0 points
    r = json.loads(_cli("--year", "2016", "--month", "3", "--json"))
    assert r["yoy"]["class_1_3_share"]["text"] == "同比下降10.0个百分点"
    rows = {s["code"]: s for s in r["sections"]}
    assert rows["C1"]["class_change"] == "由Ⅴ类变差为劣Ⅴ类" and rows["K1"]["class_last_year"] is None
    text = _cli("--year", "2016", "--month", "3", "--scope", "city")
    assert "市考及以上断面" in text and "其中Ⅰ～Ⅱ类 2 个(50.0%)" in text and "达标率 50.0%" in text
    assert "由Ⅲ类好转至Ⅱ类" in text


def test_any_period_and_scope_on_page_and_api(water, client_for):
    c = client_for("leader")
    html = c.get("/quality/water/?j=110000&year=2016&quarter=1&scope=provincial").content.decode()
    assert "2016年第一季度" in html and "国省考断面 3 个中" in html
    assert "其中Ⅰ～Ⅱ类 2 个,占 66.7%" in html and "达标率 66.7%" in html
    assert "C1断面" not in html                      # a 市考 section is outside 国省考
    html = c.get("/quality/water/?j=110000&year=2016&half=2").content.decode()
    assert "2016年下半年" in html and " 0 个中" in html   # no samples in the second half
    html = c.get("/quality/water/?j=110000&from=2016-03-01&to=2016-03-31").content.decode()
    assert "全部断面 6 个中" in html
    a = c.get("/api/v1/quality/water-assessment/?jurisdiction=110000&year=2016&month=3&scope=national").json()
    assert a["scope_label"] == "国考断面" and a["meeting_target_rate"] == 50.0
    assert a["yoy"]["class_1_3_share"]["text"] == "与上年同期持平"
    assert c.get("/api/v1/quality/water-assessment/?jurisdiction=110000&year=2016&scope=nation").status_code == 400
    assert c.get("/api/v1/quality/water-assessment/?jurisdiction=110000&year=2016&month=13").status_code == 400
    assert c.get("/quality/water/?j=110000&year=2016&scope=x").status_code == 404


@pytest.mark.parametrize("value, status", [(49.9, "目前达到目标"), (50.0, "目前达到目标"), (50.1, "目前未达目标")])
def test_water_targets_carry_their_scope(water, value, status):
    from envbureau.core.models import Jurisdiction
    from envbureau.quality.models import Target
    from envbureau.quality.views import target_progress

    bj = Jurisdiction.objects.get(code="110000")
    Target.objects.create(jurisdiction=bj, year=2016, indicator="water_class3_share", section_scope="national",
                          value=value)
    # the same indicator over all sections is a separate target (and 50.0 % there too)
    Target.objects.create(jurisdiction=bj, year=2016, indicator="water_target_rate", value=66.7)
    rows = {g["label"]: g for g in target_progress(bj, 2016)}
    g = rows["国考断面Ⅰ～Ⅲ类断面比例(%) ≥"]
    assert g["current"] == 50.0 and g["previous"] == 50.0 and g["status"] == status
    assert rows["断面水质达标率(%) ≥"]["current"] == 66.7 and rows["断面水质达标率(%) ≥"]["status"] == "目前达到目标"
