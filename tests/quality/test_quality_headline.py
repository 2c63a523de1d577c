"""The headline view words changes as bulletins do (report-formats §0.1, §0.3)."""

import pytest

pytestmark = pytest.mark.django_db


def test_change_words():
    from envbureau.quality.views import change_words

    assert change_words(-0.0891, "rate") == "下降8.9%"
    assert change_words(0.0004, "rate") == "持平"  # rounds to 0.0 → 持平
    assert change_words(2.9, "points") == "上升2.9个百分点"
    assert change_words(-0.04, "points") == "持平"
    assert change_words(-9, "days") == "减少9天"
    assert change_words(0, "days") == "持平"


def test_changes_use_reported_values():
    from envbureau.quality.assessment import changes

    cur = {"pm25_mean": 16.0, "co_p95": 0.7, "good_day_ratio": 54.0, "good_days": 197, "heavy_days": 39,
           "composite_index": 3.06}
    base = {"pm25_mean": 17.0, "co_p95": 0.8, "good_day_ratio": 51.1, "good_days": 186, "heavy_days": 48,
            "composite_index": 3.40}
    c = changes(cur, base)
    # MEE August 2022 (report-formats §0.3): 16 vs 17 → 5.9 %; CO 0.7 vs 0.8 → 12.5 %
    assert round(c["pm25_mean"]["rate"] * 100, 1) == -5.9
    assert round(c["co_p95"]["rate"] * 100, 1) == -12.5
    assert round(c["composite_index"]["rate"] * 100, 1) == -10.0
    assert c["good_day_ratio"]["points"] == 2.9
    assert c["heavy_days"]["change"] == -9


def test_headline_links_each_number(client_for, beijing_slice):
    import json
    import re

    r = client_for("leader").get("/quality/headline/?j=110101&year=2015&month=2")
    html = r.content.decode()
    assert r.status_code == 200
    a = json.loads(client_for("leader").get("/api/v1/quality/assessment/?jurisdiction=110101&year=2015&month=2")
                   .content)
    assert f">{a['good_days']}</a>天" in html
    assert re.search(r"#pm25_mean\"[^>]*>%d</a>微克/立方米" % a["pm25_mean"], html)
    assert "#good_day_ratio" in html and "HJ 633-2012" in html
