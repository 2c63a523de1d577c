"""Hourly air data through the import framework: typed cells, every error listed against the file's rows,
the template's example row never overwrites a real station-hour, and empty cells keep stored values."""

import io

import openpyxl
import pytest

pytestmark = pytest.mark.django_db

HEADER = "站点编码,监测时间,PM2.5,PM10,SO2,NO2,CO,O3\n"


@pytest.fixture
def staff(demo_core, user_named):
    from envbureau.core.importing import get_importer

    s = user_named("air_staff")
    st = "编码,名称,区划代码,英文名\nBJ-Dongsi,东四,110101,Dongsi\n".encode()
    assert get_importer("quality.airstation").run(st, "s.csv", s).ok
    return s


def run(data, user, name="h.csv", **kw):
    from envbureau.core.importing import get_importer

    return get_importer("quality.airhourly").run(data, name, user, **kw)


def test_every_bad_cell_is_listed(staff):
    from envbureau.quality.models import AirHourly

    data = (HEADER + "BJ-Dongsi,2016-01-01 00:30,10,20,3,40,0.5,60\n"
                     "东四,2016/1/1 1:00,-1,20,3,40,120,60\n"
                     "Nowhere,2016-01-01 02:00,10,abc,3,40,0.5,60\n"
                     "Dongsi,20160101030000,10,20,3,40,0.5,60\n").encode()
    res = run(data, staff)
    assert [(e["row"], e["column"], e["value"], e["message"]) for e in res.errors] == [
        (2, "监测时间", "2016-01-01 00:30", "不是整点"),
        (3, "PM2.5", "-1", "超出范围 0～3000 µg/m³"),
        (3, "CO", "120", "超出范围 0～50 mg/m³"),
        (4, "站点编码", "Nowhere", "“Nowhere”不存在或不在您的权限范围内"),
        (4, "PM10", "abc", "不是数值"),
    ]
    assert AirHourly.objects.count() == 0


def test_template_example_row_does_not_overwrite_real_data(staff, client_for):
    from envbureau.quality.models import AirHourly

    assert run((HEADER + "BJ-Dongsi,2016-01-01 00:00,200,250,5,40,0.8,80\n").encode(), staff).ok
    c = client_for("air_staff")
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/imports/quality.airhourly/template/").content))
    example = [cell.value for cell in wb["示例"][2]]
    assert example[:3] == ["BJ-Dongsi", "2016-01-01 00:00", "35"]
    assert wb.worksheets[0].max_row == 1  # the data sheet has no example row to forget
    # A file that kept the example row (an old template) skips it and says so.
    ws = wb.worksheets[0]
    ws.append(example)
    ws.append(["BJ-Dongsi", "2016-01-01 01:00", 190, 240, 5, 40, 0.8, 80])
    buf = io.BytesIO()
    wb.save(buf)
    res = run(buf.getvalue(), staff, "h.xlsx")
    assert res.ok and res.total == 1 and res.notices == ["第2行与模板示例行相同,已跳过"]
    import datetime as dt
    from zoneinfo import ZoneInfo

    at = dt.datetime(2016, 1, 1, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert AirHourly.objects.get(time=at).pm25 == 200  # unchanged by the example row (35)
    assert AirHourly.objects.get(time=at + dt.timedelta(hours=1)).pm25 == 190


def test_empty_cells_keep_stored_values_unless_cleared(staff):
    from envbureau.quality.models import AirHourly

    assert run((HEADER + "BJ-Dongsi,2016-01-01 00:00,200,250,5,40,0.8,80\n").encode(), staff).ok
    res = run((HEADER + "BJ-Dongsi,2016-01-01 00:00,,260,,,,\n").encode(), staff)
    assert res.ok, res.errors
    h = AirHourly.objects.get()
    assert (h.pm25, h.pm10, h.so2, h.co) == (200, 260, 5, 0.8)
    assert run((HEADER + "BJ-Dongsi,2016-01-01 00:00,,260,,,,\n").encode(), staff, clear_empty=True).ok
    h.refresh_from_db()
    assert (h.pm25, h.pm10, h.so2, h.co) == (None, 260, None, None)


def test_import_air_reads_the_same_time_spellings(staff, tmp_path):
    """The bulk CLI path accepts what the import framework accepts (Excel serials, 年月日, offsets; numbers
    with the unit, thousands separators, full-width digits)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.core.management import call_command

    from envbureau.quality.models import AirHourly

    p = tmp_path / "h.csv"
    p.write_text(HEADER + "BJ-Dongsi,2016/1/1 1:00,10,20,3,40,0.5,60\n"
                          "BJ-Dongsi,20160101020000,11,20,3,40,0.5,60\n"
                          "BJ-Dongsi,42370.125,12,20,3,40,0.5,60\n"
                          "BJ-Dongsi,2016年1月1日 4时,13,20,3,40,0.5 mg/m³,60\n"
                          "BJ-Dongsi,2015-12-31T21:00:00+00:00,１４,\"1,020\",3,40,0.5,60\n", encoding="utf-8")
    call_command("import_air", str(p), "--user", "air_staff", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())
    sh = ZoneInfo("Asia/Shanghai")
    got = {h.time.astimezone(sh).replace(tzinfo=None): h.pm25 for h in AirHourly.objects.all()}
    assert got == {dt.datetime(2016, 1, 1, h): 9 + h for h in range(1, 6)}
    assert AirHourly.objects.get(pm25=13).co == 0.5 and AirHourly.objects.get(pm25=14).pm10 == 1020
