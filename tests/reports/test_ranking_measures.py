"""三、奖惩措施 of the ranking notice (local rules: Fangcheng, Anyang, Jining): the best N praised, the worst N warned, and the
measure escalating with the periods running (and in the year) a unit has stayed among the worst N."""

import io
import json

import docx
from django.core.management import call_command

from boundary import three
from envbureau.reports import measures as M

RULES = [M.Rule("best", 1, "通报表扬"), M.Rule("worst", 1, "预警提醒", consecutive=1),
         M.Rule("worst", 1, "通报批评", consecutive=2), M.Rule("worst", 1, "约谈政府主要负责同志", cumulative=3)]


def test_sides_count_ties_and_never_overlap():
    vals = {"a": 1.0, "b": 2.0, "c": 2.0, "d": 3.0, "e": None}
    assert M.in_side(vals, "best", 1) == {"a"}
    assert M.in_side(vals, "best", 2) == {"a", "b", "c"}  # the list grows with a tie
    assert M.in_side(vals, "worst", 1) == {"d"}
    assert M.in_side(vals, "worst", 2) == {"d", "b", "c"}
    # four ranked units: at most two on a side, whatever N the rule names
    assert M._n(3, vals) == 2 and M._n(3, {"a": 1.0}) == 0


def test_the_measure_escalates_with_periods_running_and_in_the_year():
    cur = {"good": 1.0, "mid": 2.0, "bad": 3.0}

    def measure(months_bad_before):  # "bad" worst in the last k months running
        history = [dict(cur) for _ in range(months_bad_before)]
        return M.decide(cur, history, RULES)["bad"][0]

    assert three(measure, 1, 1) == ("预警提醒", "通报批评", "约谈政府主要负责同志")
    assert M.decide(cur, [], RULES)["good"] == ("通报表扬", 1, 1)
    assert "mid" not in M.decide(cur, [], RULES)
    # a gap breaks the run but the year still counts: worst in Jan and Mar, not Feb → twice in the year, 1 running
    other = {"good": 3.0, "mid": 2.0, "bad": 1.0}
    assert M.decide(cur, [dict(cur), other], RULES)["bad"] == ("预警提醒", 1, 2)
    assert M.decide(cur, [dict(cur), other, dict(cur)], RULES)["bad"] == ("约谈政府主要负责同志", 2, 3)


def _copy_month(src_month, dst_month, worst):
    """The December results copied to an earlier month of 2016, the worst district's concentrations half as
    high again (so it is the worst there too, whatever day 31 weighed)."""
    import datetime as dt

    from envbureau.quality.models import CityDaily

    for d in CityDaily.objects.filter(date__year=2016, date__month=src_month, date__day__lte=30):
        d.pk = None
        d.date = dt.date(2016, dst_month, d.date.day)
        if d.jurisdiction.name == worst:
            for f in ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h"):
                if getattr(d, f) is not None:
                    setattr(d, f, getattr(d, f) * 1.5)
        d.save()


def _notice(tmp_path) -> str:
    out = tmp_path / "n.docx"
    call_command("report", "ranking_notice", "--jurisdiction", "110000", "--period", "2016-12", "--out", str(out),
                 stdout=io.StringIO())
    return "\n".join(p.text for p in docx.Document(str(out)).paragraphs)


def test_ranking_notice_prints_the_measures(air, tmp_path):
    districts = {"东城区": "110101", "西城区": "110102", "朝阳区": "110105"}
    ci = {}
    for name, code in districts.items():
        out = io.StringIO()
        call_command("assess", "air", "--jurisdiction", code, "--year", "2016", "--month", "12", "--json",
                     stdout=out)
        ci[name] = json.loads(out.getvalue())["composite_index"]
    best, worst = min(ci, key=ci.get), max(ci, key=ci.get)
    assert len(set(ci.values())) == 3, ci  # no tie in the fixture's month
    # three districts: one on each side (the default rules name 3, at most half the units)
    text = _notice(tmp_path)
    assert "三、奖惩措施" in text
    assert f"通报表扬：{best}（排名第1位）。" in text
    assert f"预警提醒：{worst}（排名第3位）。" in text
    _copy_month(12, 11, worst)
    assert f"通报批评：{worst}（排名第3位，连续2个月排名后1位）。" in _notice(tmp_path)
    _copy_month(12, 10, worst)
    assert f"约谈政府主要负责同志：{worst}（排名第3位，连续3个月排名后1位）。" in _notice(tmp_path)


def test_rules_come_from_settings(air, tmp_path, settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "RANKING_MEASURES": [
        {"side": "worst", "n": 1, "consecutive": 1, "measure": "黄牌警告"}]}
    text = _notice(tmp_path)
    assert "黄牌警告：" in text and "通报表扬" not in text and "预警提醒" not in text
    settings.ENVBUREAU = {**settings.ENVBUREAU, "RANKING_MEASURES": []}
    assert "奖惩措施" not in _notice(tmp_path)
