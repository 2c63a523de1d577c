"""A district bulletin carries a table of its own stations (each station's figures from its own days, as
`envbureau assess air --station CODE --json` gives them), and `envbureau report --user LOGIN` makes a
report within that user's scope: a district signer gets their district's numbers and nothing of the others."""

import io
import json

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

# the fixture's stations (tests/reports/conftest.py) by district, written here from the demo's station list
DONGCHENG = {"BJ-Dongsi": "东四", "BJ-Tiantan": "天坛"}
OTHERS = {"BJ-Guanyuan": "官园", "BJ-Wanshouxigong": "万寿西宫", "BJ-Aotizhongxin": "奥体中心"}


def cmd(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def station(code) -> dict:
    return json.loads(cmd("assess", "air", "--station", code, "--year", "2016", "--month", "12", "--json",
                          "--change-basis", "reported"))


def read(path):
    d = docx.Document(str(path))
    return "\n".join(p.text for p in d.paragraphs), [[c.text for c in r.cells] for t in d.tables for r in t.rows]


def signed(x) -> str:
    t = f"{x:+.1f}"
    return "0.0" if t in ("+0.0", "-0.0") else t


@pytest.fixture
def district_signer(air):
    """报告签发人 for 东城区 only."""
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    u = User.objects.create_user("dc_signer", password="x", display_name="东城区报告签发人")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="report_signer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110101"))
    return u


def test_district_bulletin_has_a_row_per_station_from_its_own_days(air, tmp_path):
    from envbureau.quality.models import AirDaily

    out = tmp_path / "dc.docx"
    cmd("report", "air_bulletin", "--jurisdiction", "110101", "--period", "2016-12", "--out", str(out))
    text, rows = read(out)
    assert "各监测站点环境空气质量状况" in text
    got = {r[1]: r for r in rows if r[1] in DONGCHENG.values()}
    assert set(got) == set(DONGCHENG.values())
    figs = {code: station(code) for code in DONGCHENG}
    ci = sorted(f["composite_index"] for f in figs.values())
    for code, name in DONGCHENG.items():
        a, base = figs[code], figs[code]["yoy"]["base"]
        r = got[name]
        assert r[0] == str(1 + sum(1 for v in ci if v < a["composite_index"])), name  # lower index ranks first
        assert r[2] == "国控" and r[3] == "东城区"
        assert r[4:] == [f"{a['pm25_mean']:.0f}", signed((a["pm25_mean"] - base["pm25_mean"]) / base["pm25_mean"] * 100),
                         f"{a['pm10_mean']:.0f}", f"{a['good_day_ratio']:.1f}",
                         signed(a["good_day_ratio"] - base["good_day_ratio"]), f"{a['composite_index']:.2f}",
                         signed((a["composite_index"] - base["composite_index"]) / base["composite_index"] * 100),
                         str(a["valid_days"])], name
        # and the station's PM2.5 is the mean of its own valid days (not the district's)
        days = [d for d in AirDaily.objects.filter(station__code=code, date__year=2016, date__month=12)
                .values_list("pm25", flat=True) if d is not None]
        assert abs(int(r[4]) - sum(days) / len(days)) <= 0.5, name
    assert not any(n in text or any(n in c for row in rows for c in row) for n in OTHERS.values())
    # a city bulletin has no station table (its units are the districts)
    city = tmp_path / "city.docx"
    cmd("report", "air_bulletin", "--jurisdiction", "110000", "--period", "2016-12", "--out", str(city))
    assert "各监测站点环境空气质量状况" not in read(city)[0]


def test_report_user_is_generated_within_that_users_scope(air, district_signer, tmp_path):
    out = tmp_path / "mine.docx"
    # without --jurisdiction: the top of the user's scope, their district
    cmd("report", "air_bulletin", "--user", "dc_signer", "--period", "2016-12", "--out", str(out))
    text, rows = read(out)
    a = json.loads(cmd("assess", "air", "--jurisdiction", "110101", "--year", "2016", "--month", "12", "--json",
                       "--change-basis", "reported"))
    assert text.startswith("东城区2016年12月环境空气质量通报")
    assert f"东城区环境空气质量综合指数为{a['composite_index']:.2f}" in text
    cells = " ".join(c for row in rows for c in row)
    for other in ("西城区", "朝阳区", "北京市（全部）", *OTHERS.values()):  # the signing unit names the city bureau
        assert other not in text and other not in cells, other
    # --json: only the district and its stations
    figs = json.loads(cmd("report", "air_bulletin", "--user", "dc_signer", "--period", "2016-12", "--json"))
    assert figs["jurisdiction"]["code"] == "110101"
    assert {s["station"] for s in figs["stations"]} == set(DONGCHENG)
    # the city or another district: refused, naming the scope; a user without reports.view: refused
    for code in ("110000", "110102"):
        with pytest.raises(CommandError, match="outside the user's scope"):
            cmd("report", "air_bulletin", "--user", "dc_signer", "--jurisdiction", code, "--period", "2016-12",
                "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="may make no air_bulletin report"):
        cmd("report", "air_bulletin", "--user", "dongcheng", "--period", "2016-12", "--out", str(tmp_path / "y.docx"))
    with pytest.raises(CommandError, match="no active user"):
        cmd("report", "air_bulletin", "--user", "nobody", "--period", "2016-12", "--out", str(tmp_path / "z.docx"))
    # the same user as the city's signer would see the city (the scope decides, not the command)
    cmd("report", "air_bulletin", "--user", "leader", "--jurisdiction", "110000", "--period", "2016-12", "--json")
