"""GB 15618-2018 per sample: each measured item against the screening and intervention values of the sample's pH
band and kind of land, the sample's class the worst item; on the unit and sample pages, in the API and the
Excel export; imports of farmland samples, plots and construction-land results through core.importing."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from envbureau.core.importing import get_importer
from envbureau.core.models import Jurisdiction, Role, RoleAssignment, Task, User
from envbureau.soil.models import FarmlandSample, FarmlandUnit, Plot, Sample
from envbureau.standards import soil as gb


@pytest.fixture
def farm(demo_core):
    dc, cy = Jurisdiction.objects.get(code="110101"), Jurisdiction.objects.get(code="110105")
    staff = User.objects.create(username="f_staff")
    RoleAssignment.objects.create(user=staff, role=Role.objects.get(code="waste_officer"))
    unit = FarmlandUnit.objects.create(name="东城耕地", jurisdiction=dc, year=2026, level="moderate",
                                       area_hm2=Decimal("10"))
    far = FarmlandUnit.objects.create(name="朝阳耕地", jurisdiction=cy, year=2026, level="slight",
                                      area_hm2=Decimal("5"))
    return {"staff": staff, "unit": unit, "far": far, "dc": dc, "cy": cy}


def make(unit, point="P1", ph="6.0", land="other", **values):
    return FarmlandSample.objects.create(unit=unit, point=point, sampled_on=dt.date(2026, 4, 1), land=land,
                                         ph=Decimal(ph), **{k: Decimal(v) for k, v in values.items()})


# ---- the standard ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,level,category", [
    ("0.3", "negligible", "priority"),          # exactly at the screening value (其他, pH ≤ 5.5): not above
    ("0.3001", "between", "safe_use"),
    ("1.5", "between", "safe_use"),             # exactly at the intervention value: not above
    ("1.5001", "above_intervention", "strict"),
])
def test_cadmium_at_the_screening_and_intervention_values(value, level, category):
    v = gb.assess_farmland("cd", value, 5.5, "other")
    assert (v.screening, v.intervention, v.level, v.category) == (0.3, 1.5, level, category)


@pytest.mark.parametrize("ph,screening,intervention", [
    (5.5, 0.3, 1.5), (5.51, 0.4, 2.0),          # paddy Cd: the bins are right-closed
    (6.5, 0.4, 2.0), (6.51, 0.6, 3.0),
    (7.5, 0.6, 3.0), (7.51, 0.8, 4.0),
])
def test_ph_band_edges_pick_the_values(ph, screening, intervention):
    v = gb.assess_farmland("cd", 0.5, ph, "paddy")
    assert (v.screening, v.intervention) == (screening, intervention)
    assert v.category == ("priority" if 0.5 <= screening else "safe_use")


def test_copper_has_orchard_and_other_rows_only():
    """GB 15618-2018 table 1 gives Cu for 果园 and 其他 only; a table printing the 果园 values
    under a 水田 column is wrong. A paddy reads the 其他 row: 60 mg/kg at pH 5.0 is above 50 there, not below 150."""
    paddy = gb.assess_farmland("cu", 60, 5.0, "paddy")
    assert (paddy.screening, paddy.intervention, paddy.level, paddy.category) == (50, None, "above_screening",
                                                                                   "safe_use")
    assert gb.assess_farmland("cu", 60, 5.0, "orchard").category == "priority"  # 果园 150


def test_rotation_land_takes_the_stricter_screening_value():
    # Cd pH > 7.5: 水田 0.8, 其他 0.6 → 0.6; Hg pH > 7.5: 水田 1.0, 其他 3.4 → 1.0 (table 1 note b)
    assert gb.farmland_values("cd", 7.6, "rotation")[1:] == (0.6, 4.0)
    assert gb.farmland_values("hg", 7.6, "rotation")[1:] == (1.0, 6.0)
    assert gb.assess_farmland("cd", 0.7, 7.6, "rotation").category == "safe_use"
    assert gb.assess_farmland("cd", 0.7, 7.6, "paddy").category == "priority"


def test_the_sample_takes_its_worst_item():
    s = gb.assess_farmland_sample({"cd": 0.2, "pb": 75, "hg": None}, 5.0, "other")
    assert [(v.item, v.category) for v in s.items] == [("cd", "priority"), ("pb", "safe_use")]  # Pb 其他 ≤5.5: 70
    assert s.category == "safe_use" and [v.item for v in s.exceedances] == ["pb"]
    assert gb.assess_farmland_sample({"cd": 1.6, "pb": 75}, 5.0).category == "strict"
    assert gb.assess_farmland_sample({"cd": 0.3}, 5.0).category == "priority"
    assert gb.assess_farmland_sample({}, 5.0).category is None
    with pytest.raises(ValueError, match="no item"):
        gb.assess_farmland_sample({"fe": 1}, 5.0)


# ---- the records, pages, API and export --------------------------------------------------------------------

def test_model_classifies_each_item_and_the_sample(farm):
    s = make(farm["unit"], ph="6.5", land="paddy", cadmium="0.4", lead="100.1", copper="10")
    rows = {r["item"]: r for r in s.rows}
    assert (rows["cd"]["screening"], rows["cd"]["level"]) == (0.4, "negligible")   # at the value, pH 6.5 bin 2
    assert (rows["pb"]["screening"], rows["pb"]["level"]) == (100, "between")
    assert rows["cu"]["intervention"] is None and list(rows) == ["cd", "pb", "cu"]
    assert (s.category, s.category_label) == ("safe_use", "安全利用类")
    assert "铅 100.1(筛选值 100,管制值 500)" in s.exceedance_text and "镉" not in s.exceedance_text
    s.ph = Decimal("6.51")  # next band: Pb 140 on paddy → every item priority
    del s.__dict__["verdict"]
    assert s.category == "priority" and s.exceedance_text == ""


def test_a_sample_without_any_value_is_refused(farm):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        FarmlandSample(unit=farm["unit"], point="X", sampled_on=dt.date(2026, 1, 1), ph=Decimal(6)).full_clean()


def test_pages_api_and_export(farm):
    s = make(farm["unit"], ph="5.0", cadmium="1.6", lead="20")
    make(farm["unit"], point="P2", ph="5.0", cadmium="0.1")
    c = Client()
    c.force_login(farm["staff"])
    unit_page = c.get(f"/soil/farmland/{farm['unit'].pk}/").content.decode()
    assert 'data-category="strict"' in unit_page and 'data-category="priority"' in unit_page
    assert "严格管控类 1" in unit_page and "安全利用类 0" in unit_page
    page = c.get(f"/soil/farmland-samples/{s.pk}/").content.decode()
    assert 'data-item="cd" data-level="above_intervention"' in page and 'data-item="pb" data-level="negligible"' in page
    assert 'id="sample-category" data-category="strict">严格管控类<' in page
    api = c.get(f"/api/v1/soil/farmland-samples/{s.pk}/").json()
    assert api["category"] == "strict"
    assert [(i["item"], i["screening"], i["intervention"], i["level"]) for i in api["items"]] == [
        ("cd", 0.3, 1.5, "above_intervention"), ("pb", 70.0, 400.0, "negligible")]
    listed = c.get("/api/v1/soil/farmland-samples/", {"category": "strict"}).json()
    assert [r["id"] for r in listed["results"]] == [s.pk]
    r = c.get("/soil/farmland-samples/", {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [[cell.value for cell in row] for row in ws.iter_rows()]
    header = next(r for r in rows if r and "样品类别(GB 15618-2018)" in r)
    i, j = header.index("样品类别(GB 15618-2018)"), header.index("超过筛选值的项目")
    got = {row[header.index("样点编号")]: (row[i], row[j]) for row in rows[rows.index(header) + 1:] if row[i]}
    assert got["P1"][0] == "严格管控类" and "镉 1.6(筛选值 0.3,管制值 1.5):超过管制值" in got["P1"][1]
    assert got["P2"] == ("优先保护类", None) or got["P2"] == ("优先保护类", "")


def test_api_write_needs_a_value_and_stays_in_scope(farm):
    c = Client()
    c.force_login(farm["staff"])
    base = {"unit": farm["unit"].pk, "point": "A1", "sampled_on": "2026-05-01", "land": "paddy", "ph": "6.2"}
    r = c.post("/api/v1/soil/farmland-samples/", base, content_type="application/json")
    assert r.status_code == 400 and "至少填写一项污染物含量" in r.content.decode()
    r = c.post("/api/v1/soil/farmland-samples/", {**base, "cadmium": "0.5"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["category"] == "safe_use"  # paddy pH 6.2: 0.4
    dong = Client()
    dong.force_login(User.objects.get(username="dongcheng"))  # 东城区 officer (soil.view)
    far = make(farm["far"], cadmium="0.1")
    assert dong.get(f"/api/v1/soil/farmland-samples/{far.pk}/").status_code == 404
    assert dong.get(f"/soil/farmland-samples/{far.pk}/").status_code == 404
    ids = {x["id"] for x in dong.get("/api/v1/soil/farmland-samples/").json()["results"]}
    assert far.pk not in ids and r.json()["id"] in ids


# ---- imports -----------------------------------------------------------------------------------------------

def xlsx(header, *rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FARM_HEADER = ["耕地单元", "样点编号", "采样日期", "土地利用类型", "pH", "镉", "铅", "铜"]


def test_farmland_sample_import_all_or_nothing_with_row_errors(farm):
    imp = get_importer("soil.farmland_sample")
    bad = xlsx(FARM_HEADER, ["东城耕地", "N1", "2026-05-01", "水田", "6.0", "0.5", "", ""],
               ["东城耕地", "N2", "2026-05-01", "水田", "15", "0.5", "", ""],          # pH out of range
               ["东城耕地", "N3", "2026-05-01", "水田", "6.0", "abc", "", ""],         # not a number
               ["朝阳耕地", "N4", "2026-05-01", "其他", "6.0", "0.1", "", ""],          # fine for the staff user
               ["东城耕地", "N5", "2026-05-01", "沙漠", "6.0", "0.1", "", ""],          # unknown land
               ["东城耕地", "N6", "2026-05-01", "水田", "6.0", "", "", ""],             # nothing measured
               ["无此单元", "N7", "2026-05-01", "水田", "6.0", "0.1", "", ""])
    res = imp.run(bad, "f.xlsx", farm["staff"])
    assert not res.ok and FarmlandSample.objects.count() == 0
    got = {(e["row"], e["column"]) for e in res.errors}
    assert {(3, "pH"), (4, "镉"), (6, "土地利用类型"), (8, "耕地单元")} <= got
    assert any(e["row"] == 7 and "至少填写一项" in e["message"] for e in res.errors)
    good = xlsx(FARM_HEADER, ["东城耕地", "N1", "2026-05-01", "水田", "6.0", "0.5", "", "60"],
                ["东城耕地", "N2", "2026-05-01", "果园", "5.0", "0.2", "", "60"])
    res = imp.run(good, "f.xlsx", farm["staff"])
    assert res.ok and res.saved == {"created": 2, "updated": 0}
    n1, n2 = FarmlandSample.objects.get(point="N1"), FarmlandSample.objects.get(point="N2")
    assert (n1.category, n2.category) == ("safe_use", "priority")  # Cu 60 on paddy reads 其他 (50); orchard 150
    again = imp.run(good, "f.xlsx", farm["staff"])
    assert again.ok and again.saved == {"created": 0, "updated": 2} and FarmlandSample.objects.count() == 2
    dup = xlsx(FARM_HEADER, ["东城耕地", "N9", "2026-05-01", "水田", "6", "0.1", "", ""],
               ["东城耕地", "N9", "2026-05-01", "水田", "6", "0.2", "", ""])
    res = imp.run(dup, "f.xlsx", farm["staff"])
    assert not res.ok and res.errors[0]["row"] == 3 and "第 2 行" in res.errors[0]["message"]


def test_farmland_import_stays_in_the_users_scope(farm):
    officer = User.objects.create(username="f_dc")
    RoleAssignment.objects.create(user=officer, role=Role.objects.get(code="waste_officer"), jurisdiction=farm["dc"])
    res = get_importer("soil.farmland_sample").run(
        xlsx(FARM_HEADER, ["东城耕地", "N1", "2026-05-01", "水田", "6.0", "0.5", "", ""],
             ["朝阳耕地", "N2", "2026-05-01", "水田", "6.0", "0.5", "", ""]), "f.xlsx", officer)
    assert not res.ok and [(e["row"], e["column"]) for e in res.errors] == [(3, "耕地单元")]
    assert FarmlandSample.objects.count() == 0


PLOT_HEADER = ["地块编码", "地块名称", "面积(平方米)", "属地", "规划用途", "已开发利用"]
SAMPLE_HEADER = ["地块", "点位", "深度(米)", "污染物", "含量(mg/kg)", "采样日期"]


def test_plot_and_sample_imports(farm):
    staff = farm["staff"]
    res = get_importer("soil.plot").run(xlsx(PLOT_HEADER, ["DK-1", "甲地块", "1000", "110101", "居住用地", "否"],
                                             ["DK-2", "乙地块", "-5", "110101", "居住用地", "否"],
                                             ["DK-3", "丙地块", "100", "110101", "火星用地", "否"]), "p.xlsx", staff)
    assert not res.ok and Plot.objects.count() == 0
    assert {(e["row"], e["column"]) for e in res.errors} == {(3, "面积(平方米)"), (4, "规划用途")}
    res = get_importer("soil.plot").run(xlsx(PLOT_HEADER, ["DK-1", "甲地块", "1000", "110101", "居住用地", "否"],
                                             ["DK-2", "乙地块", "500", "东城区", "工业用地", "是"]), "p.xlsx", staff)
    assert res.ok and res.saved == {"created": 2, "updated": 0}
    p1 = Plot.objects.get(code="DK-1")
    assert (p1.state, p1.land_class) == ("suspected", 1)
    assert Task.objects.filter(model="soil.plot", object_id=str(p1.pk), is_open=True).exists()
    res = get_importer("soil.plot").run(xlsx(PLOT_HEADER, ["DK-1", "甲地块(更名)", "1000", "110101", "居住用地", "否"]),
                                        "p.xlsx", staff)
    assert res.ok and res.saved == {"created": 0, "updated": 1} and Plot.objects.get(code="DK-1").name == "甲地块(更名)"

    imp = get_importer("soil.sample")
    res = imp.run(xlsx(SAMPLE_HEADER, ["DK-1", "S1", "0.5", "苯", "2", "2026-05-01"],
                       ["DK-1", "S1", "0.5", "水", "2", "2026-05-01"],
                       ["DK-9", "S1", "0.5", "苯", "2", "2026-05-01"]), "s.xlsx", staff)
    assert not res.ok and Sample.objects.count() == 0
    assert {(e["row"], e["column"]) for e in res.errors} == {(3, "污染物"), (4, "地块")}
    rows = (["DK-1", "S1", "0.5", "苯", "2", "2026-05-01"], ["DK-1", "S1", "0.5", "71-43-2", "3", "2026-06-01"],
            ["DK-2", "S1", "", "铅", "700", "2026-05-01"])
    res = imp.run(xlsx(SAMPLE_HEADER, *rows), "s.xlsx", staff)
    assert res.ok and res.saved == {"created": 3, "updated": 0, "unchanged": 0}
    assert sorted(Sample.objects.values_list("pollutant", flat=True)) == ["苯", "苯", "铅"]  # CAS → the item's name
    assert [s.exceeds for s in Sample.objects.order_by("plot__code", "sampled_on")] == [True, True, False]
    res = imp.run(xlsx(SAMPLE_HEADER, *rows[:2], ["DK-2", "S1", "", "铅", "900", "2026-05-01"]), "s.xlsx", staff)
    assert res.ok and res.saved == {"created": 0, "updated": 1, "unchanged": 2} and Sample.objects.count() == 3
