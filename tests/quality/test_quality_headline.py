"""The headline view words changes as MEE and provincial bulletins do."""

import re

import pytest

HAN = re.compile(r"[\u3400-\u9fff]")

pytestmark = pytest.mark.django_db


def test_change_words():
    from envbureau.quality.assessment import change_words

    assert change_words(-0.0891, "rate") == "下降8.9%"
    assert change_words(0.0004, "rate") == "持平"  # rounds to 0.0 → 持平
    assert change_words(2.9, "points") == "上升2.9个百分点"
    assert change_words(-0.04, "points") == "持平"
    assert change_words(-9, "days") == "减少9天"
    assert change_words(0, "days") == "持平"


def test_change_words_one_function_reports_chinese_pages_the_readers_language():
    """change_text / change_words are one function each: Chinese by default (reports print it, whatever the
    page's language), the reader's language with lang=None; the Chinese words are the same either way."""
    from django.utils import translation

    from envbureau.quality import assessment as A
    from envbureau.quality import views

    assert not hasattr(views, "change_text_ui") and not hasattr(views, "change_words_ui")
    down = {"change": -4.2, "rate": -0.107}
    cases = [((down, "pm25_mean", 1), "下降4.2微克/立方米(10.7%)"),
             (({"change": 0.1, "rate": 0.125}, "co_p95", 1), "上升0.1毫克/立方米(12.5%)"),
             (({"change": -0.34, "rate": -0.1}, "composite_index", 2), "下降0.34(10.0%)"),
             (({"change": 0.2, "rate": 0.0004}, "pm25_mean", 0), "持平")]
    words = [((-0.0891, "rate"), "下降8.9%"), ((2.9, "points"), "上升2.9个百分点"), ((-9, "days"), "减少9天"),
             ((3, "days"), "增加3天"), ((0, "days"), "持平")]
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            for args, zh in cases:
                assert A.change_text(*args) == zh  # reports: Chinese in any UI language
            for args, zh in words:
                assert A.change_words(*args) == zh
            ui = [A.change_text(*args, lang=None) for args, _zh in cases] + [
                A.change_words(*args, lang=None) for args, _zh in words]
        if lang == "zh-hans":
            assert ui == [zh for _a, zh in cases] + [zh for _a, zh in words]
        else:
            assert ui[0].startswith("down 4.2") and "µg/m³" in ui[0] and "10.7%" in ui[0], ui
            assert ui[4] == "down 8.9%" and "3" in ui[7] and not any(HAN.search(t) for t in ui), ui


def test_period_label_in_the_readers_language():
    from django.utils import translation

    from envbureau.quality.assessment import make_period, period_label

    cases = [(make_period(2016, 1), "2016年1月", "2016-01"), (make_period(2016), "2016年", "2016"),
             (make_period(2016, quarter=2), "2016年第二季度", "2016 Q2"), (make_period(2016, half=2), "2016年下半年", "2016 H2"),
             (make_period(start="2016-01-03", end="2016-01-09"), "2016年1月3日—2016年1月9日", "2016-01-03 – 2016-01-09")]
    for p, zh, en in cases:
        with translation.override("en"):
            assert period_label(p) == en and period_label(p, lang="zh-hans") == zh
        with translation.override("zh-hans"):
            assert period_label(p) == zh


def test_changes_use_reported_values():
    from envbureau.quality.assessment import changes

    cur = {"pm25_mean": 16.0, "co_p95": 0.7, "good_day_ratio": 54.0, "good_days": 197, "heavy_days": 39,
           "composite_index": 3.06}
    base = {"pm25_mean": 17.0, "co_p95": 0.8, "good_day_ratio": 51.1, "good_days": 186, "heavy_days": 48,
            "composite_index": 3.40}
    c = changes(cur, base)
    # MEE's August 2022 bulletin: 16 vs 17 → 5.9 %; CO 0.7 vs 0.8 → 12.5 %
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


def test_headline_in_english_and_the_summary_stays_chinese(client_for, beijing_slice):
    """The headline page has English sentence templates (the numbers and their links the same); the work
    summary, a Chinese document, renders the same sentences in Chinese whatever the UI language."""
    import re

    from django.utils import translation

    c = client_for("leader")
    zh = c.get("/quality/headline/?j=110101&year=2015&month=2").content.decode()
    c.cookies["django_language"] = "en"
    en = c.get("/quality/headline/?j=110101&year=2015&month=2").content.decode()
    good = re.search(r'#good_days"[^>]*>(\d+)</a>', zh).group(1)
    assert re.search(r"In 2015-02, .{0,40} had good air quality on <a [^>]*#good_days\"[^>]*>%s</a> days" % good, en)
    assert re.search(r"#pm25_mean\"[^>]*>\d+</a> µg/m³", en) and "微克/立方米" not in en
    assert "Assessment basis: HJ 633-2012" in en and "评价依据" not in en
    from envbureau.core.models import Jurisdiction
    from envbureau.quality import assessment as A
    from envbureau.quality.views import headline_sentences
    from envbureau.reports.summary import _air

    class Book:
        def heading(self, text):
            pass

        def para(self, parts):
            return "".join(t for t, _h in parts)

    j = Jurisdiction.objects.get(code="110101")
    p = A.make_period(2015, 2)
    with translation.override("en"):
        summary = _air(Book(), j, p)
        assert "优良天数" not in "".join(t for s in headline_sentences(j, p, A.assess_air(j, p), "/x") for t, *_r in s)
    assert summary[0].startswith("2015年2月，") and "环境空气质量优良天数" in summary[0]
