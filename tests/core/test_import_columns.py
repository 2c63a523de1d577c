"""Typed import columns (issue 11): one vocabulary and one set of spellings for every importer, errors
reported the same way (row, column label, value, reason), references only inside the acting user's scope,
and updates that keep stored values for empty cells unless the user asks to clear them."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from envbureau.core.excel import workbook_bytes
from envbureau.core.importing import (
    ChoiceColumn,
    DateColumn,
    DateTimeColumn,
    ImportContext,
    NumberColumn,
    RefColumn,
    RowError,
    YesNoColumn,
    get_importer,
)
from envbureau.core.models import Jurisdiction

SH = ZoneInfo("Asia/Shanghai")


def ctx(user=None):
    return ImportContext(user=user)


@pytest.mark.parametrize("cell", ["2026-11-30 08:00", "2026/11/30 8:00", "2026-11-30 08:00:00", "2026.11.30 8:00",
                                  "2026年11月30日 8时", "20261130080000", 20261130080000, "202611300800",
                                  46356 + 1 / 3, "46356.333333333336", dt.datetime(2026, 11, 30, 8, 0),
                                  "2026-11-30T00:00:00+00:00"])
def test_datetime_spellings_are_local_time(cell):
    got = DateTimeColumn("t", "时间").parse(cell, ctx())
    assert got == dt.datetime(2026, 11, 30, 8, 0, tzinfo=SH)
    assert got.astimezone(dt.timezone.utc) == dt.datetime(2026, 11, 30, 0, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("cell", ["2026-02-30", "2026-11-30 25:00", "明天", "11/30/2026", "2026", "abc"])
def test_impossible_datetimes_are_refused(cell):
    with pytest.raises(RowError) as e:
        DateTimeColumn("t", "时间").parse(cell, ctx())
    assert e.value.column == "t" and "无法识别的日期时间" in e.value.message


@pytest.mark.parametrize("cell", ["2026-11-30", "2026/11/30", "20261130", 20261130, 46356, dt.date(2026, 11, 30),
                                  "2026年11月30日", dt.datetime(2026, 11, 30, 0, 0)])
def test_date_spellings(cell):
    assert DateColumn("d", "日期").parse(cell, ctx()) == dt.date(2026, 11, 30)


def test_date_in_a_datetime_column_takes_the_default_time():
    col = DateTimeColumn("t", "时间", default_time=dt.time(9, 0))
    assert col.parse("2025-03-01", ctx()) == dt.datetime(2025, 3, 1, 9, 0, tzinfo=SH)
    assert col.parse("2025-03-01 00:00", ctx()) == dt.datetime(2025, 3, 1, 0, 0, tzinfo=SH)


@pytest.mark.parametrize("cell,expected", [("是", True), ("否", False), ("Y", True), ("n", False), ("yes", True),
                                           ("No", False), ("1", True), ("0", False), (1, True), (0, False),
                                           (1.0, True), ("true", True), ("FALSE", False), ("√", True), ("×", False),
                                           (True, True), (False, False)])
def test_yes_no_vocabulary(cell, expected):
    assert YesNoColumn("b", "是否").parse(cell, ctx()) is expected


@pytest.mark.parametrize("cell", ["maybe", "2", "有时", "-1"])
def test_yes_no_refuses_other_words(cell):
    with pytest.raises(RowError, match="请填写 是/否"):
        YesNoColumn("b", "是否").parse(cell, ctx())


def test_choice_by_code_or_label_in_either_language():
    from envbureau.quality.choices import AirControlLevel

    col = ChoiceColumn("level", "控制级别", choices=AirControlLevel.choices)
    assert col.parse("国控", ctx()) == "national"
    assert col.parse("national", ctx()) == "national"
    assert col.parse(" NATIONAL ", ctx()) == "national"
    with pytest.raises(RowError) as e:
        col.parse("区控", ctx())
    assert e.value.message == "不是有效选项,可选:国控、省控、市控、微站"


def test_number_bounds_are_inclusive_and_name_the_unit():
    col = NumberColumn("co", "CO", min=0, max=100, unit="mg/m³")
    assert col.parse("100", ctx()) == 100.0  # equal to the limit
    assert col.parse("0", ctx()) == 0.0
    assert col.parse("99.99", ctx()) == pytest.approx(99.99)
    assert col.parse("35 mg/m³", ctx()) == 35.0
    assert NumberColumn("n", "n").parse("1,234.5", ctx()) == 1234.5  # thousands separators are dropped
    for bad in ("100.01", "-0.1"):
        with pytest.raises(RowError) as e:
            col.parse(bad, ctx())
        assert e.value.message == "超出范围 0～100 mg/m³"
    for bad in ("abc", "nan", "inf", True):
        with pytest.raises(RowError, match="不是数值"):
            col.parse(bad, ctx())
    assert NumberColumn("n", "n", integer=True).parse("12", ctx()) == 12
    with pytest.raises(RowError, match="应为整数"):
        NumberColumn("n", "n", integer=True).parse("12.5", ctx())
    assert NumberColumn("m", "m", decimal=True).parse("1,234.50", ctx()) == Decimal("1234.50")


def test_reference_resolves_only_inside_the_users_scope(user_named):
    officer = user_named("dongcheng")  # officer of 东城区 110101
    col = RefColumn("j", "区划", model=Jurisdiction, fields=("code", "name"))
    assert col.parse("110101", ctx(officer)).code == "110101"
    assert col.parse("东城区", ctx(officer)).code == "110101"
    with pytest.raises(RowError) as e:
        col.parse("110102", ctx(officer))  # 西城区: exists, but not theirs
    assert e.value.message == "“110102”不存在或不在您的权限范围内"
    with pytest.raises(RowError) as e2:
        col.parse("110199", ctx(officer))  # does not exist: the same words (no existence oracle)
    assert e2.value.message == "“110199”不存在或不在您的权限范围内"
    assert col.parse("110102", ctx(None)).code == "110102"  # trusted system path


def test_every_importer_uses_typed_columns():
    """No importer keeps a hand-written parser for yes/no, dates or numbers: such columns are typed."""
    from envbureau.core.importing import REGISTRY, Column

    for kind, cls in REGISTRY.items():
        for c in cls().columns:
            assert isinstance(c, Column), kind
            if any(w in str(c.label) for w in ("是否", "重点", "日期", "时间", "经度", "纬度")):
                assert c.kind != "text", (kind, c.key)


def test_same_spellings_accepted_by_every_app(user_named):
    """Yes/no and dates written the same odd way are read the same by sources, ledger and complaints."""
    from envbureau.complaints.models import Complaint
    from envbureau.ledger.models import Problem
    from envbureau.sources import credit_code
    from envbureau.sources.models import Enterprise

    admin = user_named("admin")
    code = credit_code.make("91", "110101", "MPA00009")
    res = get_importer("sources.enterprise").run(workbook_bytes([("s", [
        "统一社会信用代码", "企业名称", "属地区划代码", "水重点", "气重点", "土壤重点", "噪声重点"],
        [[code, "甲公司", "110101", "√", "Y", "true", "0"]])]), "e.xlsx", admin)
    assert res.ok, res.errors
    e = Enterprise.objects.get(credit_code=code)
    assert (e.key_water, e.key_air, e.key_soil, e.key_noise) == (True, True, True, False)
    res = get_importer("ledger.problem").run(workbook_bytes([("s", [
        "问题编号", "问题来源", "属地", "问题类型", "督察反馈问题", "交办日期", "整改时限", "是否重点件"],
        [["T-1", "中央生态环境保护督察", "东城区", "大气", "油烟", "2026/5/12", 46356, "√"]])]), "p.xlsx", admin)
    assert res.ok, res.errors
    p = Problem.objects.get(code="T-1")
    assert (p.received_on, p.deadline, p.key_problem) == (dt.date(2026, 5, 12), dt.date(2026, 11, 30), True)
    res = get_importer("complaints.complaint").run(workbook_bytes([("s", [
        "渠道", "受理时间", "行政区域", "污染类型", "事项摘要", "是否重点件"],
        [["12369热线", "20261130080000", "东城区", "噪声", "夜间施工", "√"]])]), "c.xlsx", admin)
    assert res.ok, res.errors
    c = Complaint.objects.get(title="夜间施工")
    assert c.is_key is True and c.received_at == dt.datetime(2026, 11, 30, 8, 0, tzinfo=SH)


def test_errors_are_reported_the_same_way_by_every_app(user_named):
    admin = user_named("admin")
    cases = [
        ("sources.enterprise", ["统一社会信用代码", "企业名称", "属地区划代码", "水重点"],
         ["91110101MPA000090X", "甲公司", "110101", "也许"], "水重点"),
        ("ledger.problem", ["问题来源", "属地", "问题类型", "督察反馈问题", "是否重点件"],
         ["中央生态环境保护督察", "东城区", "大气", "油烟", "也许"], "是否重点件"),
        ("complaints.complaint", ["渠道", "受理时间", "行政区域", "污染类型", "事项摘要", "是否重点件"],
         ["12369热线", "2026-11-30 08:00", "东城区", "噪声", "夜间施工", "也许"], "是否重点件"),
    ]
    for kind, header, row, column in cases:
        res = get_importer(kind).run(workbook_bytes([("s", header, [row])]), "x.xlsx", admin)
        mine = [e for e in res.errors if e["column"] == column]
        assert mine == [{"row": 2, "column": column, "value": "也许",
                         "message": "请填写 是/否(也可用 Y/N、1/0、true/false、√/×)"}], (kind, res.errors)


def test_reimport_keeps_stored_values_for_empty_cells_unless_asked(user_named, tmp_path):
    from envbureau.sources import credit_code
    from envbureau.sources.models import Enterprise

    admin = user_named("admin")
    code = credit_code.make("91", "110101", "MPA00010")
    header = ["统一社会信用代码", "企业名称", "属地区划代码", "地址", "环保联系人", "经度", "气重点", "状态"]
    imp = get_importer("sources.enterprise")
    assert imp.run(workbook_bytes([("s", header, [[code, "甲公司", "110101", "东城区某路1号", "李四", 116.4,
                                                   "是", "停产"]])]), "e.xlsx", admin).ok
    partial = workbook_bytes([("s", header, [[code, "甲公司(新名)", "110101", "", "", "", "", ""]])])
    res = imp.run(partial, "e.xlsx", admin)
    assert res.ok and res.saved == {"created": 0, "updated": 1}
    e = Enterprise.objects.get(credit_code=code)
    assert (e.name, e.address, e.contact_person, e.longitude, e.key_air, e.status) == \
        ("甲公司(新名)", "东城区某路1号", "李四", 116.4, True, "suspended")
    # Asked to clear: the empty cells clear the fields (booleans and choices back to their defaults).
    p = tmp_path / "e.xlsx"
    p.write_bytes(partial)
    call_command("importfile", "sources.enterprise", str(p), "--clear-empty", "--no-progress",
                 stdout=io.StringIO(), stderr=io.StringIO())
    e.refresh_from_db()
    assert (e.address, e.contact_person, e.longitude, e.key_air, e.status) == ("", "", None, False, "operating")


def test_clear_empty_cells_from_the_web(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from envbureau.core.models import ImportJob
    from envbureau.quality.models import AirStation

    c = client_for("admin")
    first = "编码,名称,区划代码,经度,纬度,控制级别,英文名\nX-9,测试站,110101,116.4,39.9,省控,Test\n".encode()
    blank = "编码,名称,区划代码,经度,纬度,控制级别,英文名\nX-9,测试站,110101,,,,\n".encode()
    for data, extra in ((first, {}), (blank, {})):
        c.post("/imports/quality.airstation/upload/", {"file": SimpleUploadedFile("s.csv", data), **extra})
        c.post(f"/imports/jobs/{ImportJob.objects.latest('pk').pk}/")
    s = AirStation.objects.get(code="X-9")
    assert (s.longitude, s.latitude, s.control_level, s.name_en) == (116.4, 39.9, "provincial", "Test")
    c.post("/imports/quality.airstation/upload/", {"file": SimpleUploadedFile("s.csv", blank), "clear_empty": "on"})
    job = ImportJob.objects.latest("pk")
    assert job.result["clear_empty"] is True and "空白单元格将清空已有字段" in c.get(f"/imports/jobs/{job.pk}/").content.decode()
    c.post(f"/imports/jobs/{job.pk}/")
    s.refresh_from_db()
    assert (s.longitude, s.latitude, s.control_level, s.name_en) == (None, None, "national", "")


def test_choice_labels_of_either_language_in_either_ui_language_and_options_in_the_readers():
    from django.utils import translation

    from envbureau.quality.choices import AirControlLevel

    col = ChoiceColumn("level", "控制级别", choices=AirControlLevel.choices)
    for ui in ("zh-hans", "en"):
        with translation.override(ui):
            for cell in ("国控", "National", "national", " NATIONAL ", "ｎａｔｉｏｎａｌ"):
                assert col.parse(cell, ctx()) == "national", (ui, cell)
            assert col.parse("Micro", ctx()) == "micro" and col.parse("微站", ctx()) == "micro"
    with translation.override("en"), pytest.raises(RowError) as e:
        col.parse("区控", ctx())
    assert e.value.message == "Not a valid option; choose one of: National, Provincial, City, Micro"


def test_prefix_choices_match_a_label_of_either_language():
    from django.utils import translation

    from envbureau.ledger.choices import Category

    col = ChoiceColumn("category", "问题类型", choices=Category.choices, prefix=True)
    for ui in ("zh-hans", "en"):
        with translation.override(ui):
            assert col.parse("固体", ctx()) == "solid_waste"  # a label's beginning
            assert col.parse("固体废物污染", ctx()) == "solid_waste"  # a cell beginning with a label
            assert col.parse("Solid waste", ctx()) == "solid_waste"
            assert col.parse("Solid waste (hazardous)", ctx()) == "solid_waste"
            with pytest.raises(RowError):
                col.parse("Plastics", ctx())
