"""River outfalls (一口一档): the 查、测、溯、治 loop with evidence and deadlines, samples classed against the receiving
water with the standards library, bounded uploads without EXIF, survey imports (all-or-nothing, idempotent by
code), statistics and basin milestones on published figures (Anhui's 长江 outfalls [R]; Jingjiang 2023: 2,252 outfalls)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from boundary import three
from envbureau.core import workflow as wf

TODAY = dt.date.today()


def jpeg_with_gps() -> bytes:
    from PIL import Image

    im = Image.new("RGB", (8, 8), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (39.0, 54.0, 0.0), 4: (116.0, 24.0, 0.0)}  # GPS IFD: lat/long
    buf = io.BytesIO()
    im.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def photo(name="现场.jpg"):
    return SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")


@pytest.fixture
def outfall(world, settings, tmp_path):
    from envbureau.projects import outfalls
    from envbureau.projects.models import Outfall

    settings.MEDIA_ROOT = tmp_path

    def make(code="BYH-0001", jur="dc", target=4, basin="北运河流域"):
        return outfalls.create_outfall(world["mgr"], Outfall(
            code=code, name=f"{code}排口", type1="other", type2="城镇雨洪排口", jurisdiction=world[jur],
            receiving_water="北护城河", target_class=target, basin=basin, longitude=116.43, latitude=39.95))

    return make


def test_the_loop_with_evidence_and_deadlines(world, outfall):
    from PIL import Image

    from envbureau.core.models import Task
    from envbureau.projects.models import Evidence

    o = outfall()
    mgr, officer = world["mgr"], world["officer"]
    assert o.state == "suspected"
    with pytest.raises(ValidationError) as e:
        wf.apply(mgr, o, "confirm")
    assert "files" in e.value.message_dict  # a photo of the outfall is required
    with pytest.raises(PermissionDenied):
        wf.apply(officer, o, "confirm", files=[photo()])  # a district officer reads, the bureau acts
    wf.apply(mgr, o, "confirm", files=[photo()], due=str(TODAY + dt.timedelta(days=30)))
    assert o.state == "confirmed" and o.step_due == TODAY + dt.timedelta(days=30)
    task = Task.objects.get(model="projects.outfall", object_id=str(o.pk), is_open=True)
    assert (task.action, task.due_date) == ("开展监测", TODAY + dt.timedelta(days=30))
    ev = Evidence.objects.get(object_id=str(o.pk))
    assert ev.exif_removed is True
    with ev.file.open("rb") as f, Image.open(f) as im:
        assert not im.getexif()  # no device, no GPS position
    wf.apply(mgr, o, "monitor", values={"nh3n": "2.5", "cod": 35}, sampled_on=str(TODAY))
    assert o.state == "monitored"
    s = o.samples.get()
    assert (s.water_class, s.compliant, sorted(s.exceeding)) == (6, False, ["cod", "nh3n"])
    with pytest.raises(ValidationError) as e:
        wf.apply(mgr, o, "monitor", values={"pm25": 3})
    assert "values" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(mgr, o, "trace", trace_result="上游小区雨污混接")  # who is responsible?
    assert "responsible_unit" in e.value.message_dict
    wf.apply(mgr, o, "trace", trace_result="上游小区雨污混接", responsible_unit="东城区水务局")
    with pytest.raises(ValidationError) as e:
        wf.apply(mgr, o, "rectify", outcome="merge", due=str(TODAY + dt.timedelta(days=60)))
    assert "merged_into" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        wf.apply(mgr, o, "rectify", outcome="regulate")
    assert "due" in e.value.message_dict
    wf.apply(mgr, o, "rectify", outcome="regulate", measures="雨污分流改造", due=str(TODAY + dt.timedelta(days=60)))
    assert (o.state, o.step_due) == ("rectifying", TODAY + dt.timedelta(days=60))
    with pytest.raises(ValidationError):
        wf.apply(mgr, o, "close_out", note="已完成")  # evidence required
    wf.apply(mgr, o, "close_out", note="验收合格", files=[photo("整治后.jpg")], closed_out_on=str(TODAY))
    assert (o.state, o.closed_out_on) == ("closed_out", TODAY)
    assert not Task.objects.filter(model="projects.outfall", object_id=str(o.pk), is_open=True).exists()
    verbs = [e["verb"] for e in wf.timeline(o)]
    assert verbs == ["open", "confirm", "monitor", "trace", "rectify", "close_out"]


@pytest.mark.parametrize("nh3n,cls,ok", [("1.49", 4, True), ("1.5", 4, True), ("1.51", 5, False)])
def test_sample_against_class_iv_receiving_water(world, outfall, nh3n, cls, ok):
    """GB 3838-2002 NH3-N: class Ⅳ ≤ 1.5 mg/L, Ⅴ ≤ 2.0 (limits inclusive)."""
    o = outfall()
    wf.apply(world["mgr"], o, "confirm", files=[photo()])
    wf.apply(world["mgr"], o, "monitor", values={"nh3n": nh3n})
    s = o.samples.get()
    assert (s.water_class, s.compliant) == (cls, ok)


def test_uploads_are_bounded(world, outfall, settings):
    o = outfall()
    with pytest.raises(ValidationError) as e:
        wf.apply(world["mgr"], o, "confirm", files=[photo(f"{i}.jpg") for i in range(10)])
    assert "9" in str(e.value.message_dict["files"])
    settings.ENVBUREAU = {**settings.ENVBUREAU, "PROJECTS": {"max_file_mb": 0.0001}}
    with pytest.raises(ValidationError) as e:
        wf.apply(world["mgr"], o, "confirm", files=[photo("大照片.jpg")])
    assert "大照片.jpg" in str(e.value.message_dict["files"])


def test_milestone_needs_are_rounded_up_seed_001():
    from envbureau.projects.outfalls import required_count

    assert required_count("0.8", 2252) == 1802  # ceil(1801.6)
    assert required_count("0.3", 2252) == 676  # ceil(675.6)
    assert required_count("0.3", 10) == 3  # exact: no rounding up


def test_milestone_progress_boundary_and_anhui_rate(world):
    from envbureau.ledger.services import pct
    from envbureau.projects.models import BasinMilestone
    from envbureau.projects.outfall_stats import milestone_progress

    m = BasinMilestone(basin="淮河流域", jurisdiction=world["dc"], due=dt.date(2023, 12, 31))

    def traced_ok(traced):
        counts = {"found": 2252, "traced": traced, "closed_out": 676}
        return milestone_progress(m, counts, dt.date(2023, 9, 30))["traced_ok"]

    assert three(traced_ok, 1802, 1) == (False, True, True)
    late = milestone_progress(m, {"found": 2252, "traced": 1900, "closed_out": 675}, dt.date(2024, 1, 1))
    assert (late["met"], late["missed"]) == (False, True)
    assert pct(3754, 4077, 0) == "92"  # Anhui, 3754 of 4077 rectified [R]


def test_statistics_and_links(world, outfall, client_for):
    from envbureau.projects import outfall_stats
    from envbureau.projects.models import BasinMilestone

    a, b, c = outfall("A1"), outfall("A2"), outfall("B1", jur="cy", basin="温榆河流域")
    d = outfall("A3")
    wf.apply(world["mgr"], d, "dismiss", note="为雨水篦子,非排污口")
    for x in (a, b):
        wf.apply(world["mgr"], x, "confirm", files=[photo()])
        wf.apply(world["mgr"], x, "monitor", values={"cod": 20})
    wf.apply(world["mgr"], a, "trace", trace_result="雨污混接", responsible_unit="东城区水务局")
    wf.apply(world["mgr"], a, "rectify", outcome="ban", due=str(TODAY))
    wf.apply(world["mgr"], a, "close_out", note="已封堵", files=[photo()])
    BasinMilestone.objects.create(basin="北运河流域", jurisdiction=world["dc"].parent, due=TODAY, traced_share="0.5",
                                  rectified_share="0.5")
    s = outfall_stats.statistics(None, world["dc"].parent)
    t = s["summary"]
    assert (t["found"], t["dismissed"], t["confirmed"], t["monitored"], t["traced"], t["closed_out"], t["ban"]) == \
        (3, 1, 2, 2, 1, 1, 1)
    assert (t["traced_rate"], t["rectified_rate"]) == ("33.3", "33.3")
    basins = {r["key"]: (r["found"], r["traced"]) for r in s["by_basin"]}
    assert basins == {"北运河流域": (2, 1), "温榆河流域": (1, 0)}
    (m,) = s["milestones"]
    assert (m["found"], m["traced"], m["traced_needed"], m["rectified_needed"], m["met"]) == (2, 1, 1, 1, True)
    assert s["sentence"] == ("北京市共有入河排污口 3 个,其中已监测 2 个、已溯源 1 个(溯源率 33.3%),已整治销号 1 个(整治完成率 "
                             "33.3%),销号的排口中取缔 1 个、清理合并 0 个、规范整治 0 个。")
    admin = client_for("admin")
    for key, n in [("found", 3), ("monitored", 2), ("closed_out", 1), ("ban", 1)]:
        url = t["links"][key].replace("/projects/outfalls/", "/api/v1/projects/outfalls/")
        assert admin.get(url).json()["count"] == n, url
    rows = admin.get("/api/v1/projects/outfalls/map/").json()["rows"]
    assert sorted(r[0] for r in rows) == ["A1", "A2", "A3", "B1"]
    dc = client_for("dongcheng")
    assert sorted(r[0] for r in dc.get("/api/v1/projects/outfalls/map/").json()["rows"]) == ["A1", "A2", "A3"]
    assert dc.get(f"/api/v1/projects/outfalls/{c.pk}/").status_code == 404
    assert dc.get("/projects/outfalls/statistics/?export=xlsx").content[:2] == b"PK"
    with pytest.raises(Http404):
        wf.apply(world["officer"], c, "confirm", files=[photo()])


def _xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["排口编码", "排口名称", "排口类型", "二级类型", "属地", "经度", "纬度", "流域", "受纳水体", "对应断面", "目标类别",
               "责任主体", "排查批次"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_survey_import_all_or_nothing_idempotent_by_code(world, outfall):
    from envbureau.core.importing import get_importer
    from envbureau.projects.models import Outfall

    imp = get_importer("projects.outfall")
    rows = [[f"S-{i:04d}", f"疑似排口{i}", "其他排口", "城镇雨洪排口", "110101", 116.4 + i / 1000, 39.9, "北运河流域",
             "北护城河", "", "Ⅳ", "", "2026年第一轮"] for i in range(300)]
    bad = list(rows)
    bad[5] = rows[5][:3] + ["工矿企业排污口"] + rows[5][4:]  # not an 其他排口 sub-type
    bad[7] = rows[7][:5] + [116.4, None] + rows[7][7:]  # longitude without latitude
    bad[9] = rows[9][:4] + ["999999"] + rows[9][5:]
    res = imp.run(_xlsx(bad), "survey.xlsx", world["mgr"])
    assert not res.ok
    cells = {(e["row"], e["column"]) for e in res.errors}
    assert {(7, "二级类型"), (9, "纬度"), (11, "属地")} <= cells
    assert Outfall.objects.count() == 0
    res = imp.run(_xlsx(rows), "survey.xlsx", world["mgr"])
    assert res.ok, res.errors[:3]
    assert Outfall.objects.filter(state="suspected", survey_batch="2026年第一轮").count() == 300
    o = Outfall.objects.get(code="S-0003")
    assert (o.target_class, o.type1, round(o.longitude, 3)) == (4, "other", 116.403)
    wf.apply(world["mgr"], o, "confirm", files=[photo()])
    rows[3][1] = "更名后的排口"
    res = imp.run(_xlsx(rows), "survey.xlsx", world["mgr"])
    assert res.ok
    o.refresh_from_db()
    assert Outfall.objects.count() == 300 and (o.name, o.state) == ("更名后的排口", "confirmed")


def test_pages(world, outfall, client_for):
    from pagecheck import XLSX, shows

    o = outfall()
    shows(client_for("admin"), {f"/projects/outfalls/{o.pk}/": "核查确认", "/projects/outfalls/": o.code,
                                "/projects/outfalls/statistics/": "北京市共有入河排污口 <a",
                                "/projects/outfalls/statistics/?basin=北运河流域": "eb-outfall-map",
                                "/projects/outfalls/?export=xlsx": XLSX})
    r = client_for("admin").post(f"/projects/outfalls/{o.pk}/do/confirm/", {"note": "x"}, follow=True)
    o.refresh_from_db()
    assert o.state == "suspected" and "佐证材料" in r.content.decode()


def test_map_payload_is_compact_cached_and_renewed_by_every_change(world, outfall, client_for):
    """The map's rows come from a cache keyed by the table's stamp and the scoped query: an edit, a new outfall,
    a delete each show at once; a change rolled back leaves the map as it was; a district officer never gets the
    city's cached rows; the same version answers 304."""
    from django.db import transaction

    from envbureau.core.services import delete_object
    from envbureau.projects import outfalls

    a, b = outfall("A1"), outfall("B1", jur="cy")
    wf.apply(world["mgr"], a, "dismiss", note="非排污口")
    admin, dc = client_for("admin"), client_for("dongcheng")
    url = "/api/v1/projects/outfalls/map/"

    def rows(client):
        d = client.get(url).json()
        return {code: (name, lng, lat, d["states"][i]) for code, name, lng, lat, i in d["rows"]}

    assert rows(admin) == {"A1": ("A1排口", 116.43, 39.95, "dismissed"), "B1": ("B1排口", 116.43, 39.95, "suspected")}
    assert set(rows(dc)) == {"A1"}  # the city's entry is not the district's
    r = admin.get(url)
    etag = r["ETag"]
    assert admin.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    b.name, b.longitude = "改名排口", 116.1234567891
    outfalls.update_outfall(world["mgr"], b)
    assert rows(admin)["B1"][:2] == ("改名排口", 116.123457)  # the edit at once, coordinates to 6 decimals
    assert admin.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200  # a new version, a new ETag
    outfall("C1")
    assert set(rows(admin)) == {"A1", "B1", "C1"} and set(rows(dc)) == {"A1", "C1"}

    try:
        with transaction.atomic():
            b.name = "未提交的名称"
            outfalls.update_outfall(world["mgr"], b)
            assert rows(admin)["B1"][0] == "未提交的名称"  # inside the change, the change
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert rows(admin)["B1"][0] == "改名排口"  # rolled back: the map as it was, not the uncommitted rows
    delete_object(world["mgr"], b)
    assert set(rows(admin)) == {"A1", "C1"}


def test_one_outfall_one_dossier_in_word(world, outfall, client_for):
    """一口一档: one numbered Word file holding the outfall's record, its samples (names, units, class, exceedance),
    the tracing result, the rectification, every step of its timeline and its photos (as pictures, without EXIF);
    issued from the page or the API by who may change the outfall, read by who may view it."""
    import io
    import zipfile

    from docx import Document
    from PIL import Image

    from envbureau.core.documents import issue

    o = outfall("BYH-0009")
    wf.apply(world["mgr"], o, "confirm", files=[photo("立牌.jpg")])
    wf.apply(world["mgr"], o, "monitor", values={"cod": 45, "nh3n": 1.2}, sampled_on="2026-05-06")
    wf.apply(world["mgr"], o, "trace", trace_result="上游小区雨污混接", responsible_unit="东城区水务局")
    wf.apply(world["mgr"], o, "rectify", outcome="regulate", measures="雨污分流改造", due=str(TODAY))
    wf.apply(world["mgr"], o, "close_out", note="改造完成,晴天无出水", files=[photo("封堵后.jpg"), photo("全景.jpg")])

    doc = issue(world["mgr"], o, "projects.outfall_dossier", pdf=False)
    data = doc.docx.read()
    assert doc.number.startswith("排口档")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
        body = z.read("word/document.xml").decode()
    assert body.count("<pic:pic") == 3  # the three photos of the confirm and close-out steps (same pixels: one part)
    assert media and all(not Image.open(io.BytesIO(m)).getexif() for m in media)
    d = Document(io.BytesIO(data))
    text = "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])
    for expected in ("BYH-0009", "BYH-0009排口", "其他排口 / 城镇雨洪排口", "北护城河", "Ⅳ类", "2026-05-06",
                     "化学需氧量 45 mg/L、氨氮 1.2 mg/L", "劣Ⅴ类", "化学需氧量 超标0.5倍", "上游小区雨污混接",
                     "东城区水务局", "规范整治", "雨污分流改造", "已销号", "核查确认", "溯源完成", "改造完成,晴天无出水",
                     "封堵后.jpg"):
        assert expected in text, expected

    api = client_for("dongcheng")  # a district officer may view, not change, the outfall
    r = api.post(f"/api/v1/projects/outfalls/{o.pk}/issue-document/", {"kind": "projects.outfall_dossier"},
                 content_type="application/json")
    assert r.status_code == 403
    assert [x["number"] for x in api.get(f"/api/v1/projects/outfalls/{o.pk}/documents/").json()] == [doc.number]
    page = client_for("admin").get(f"/projects/outfalls/{o.pk}/").content.decode()
    assert "一口一档" in page and doc.number in page
    r = client_for("admin").post(f"/api/v1/projects/outfalls/{o.pk}/issue-document/",
                                 {"kind": "projects.outfall_dossier"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["number"] != doc.number


def test_worked_example_6_anhui_4077_outfalls_3754_rectified_on_records(world):
    """Anhui [R]: "长江干流4077个入河排污口完成整治3754个,完成率92%" — 3754/4077 = 0.920775 → "92" as printed (integer);
    the 2023 Yangtze target (~70 % rectified) is met. Counted by the statistics path over outfall records (made with
    bulk_create): closed out counts as traced too, so both rates read 92 %; the 323 others are only monitored."""
    import time

    from envbureau.projects import outfall_stats
    from envbureau.projects.models import BasinMilestone, Outfall

    started = time.monotonic()
    rows = [Outfall(code=f"AH-{i:05d}", name=f"长江干流{i}号排口", type1="other", type2="城镇雨洪排口",
                    jurisdiction=world["dc"], basin="长江流域", receiving_water="长江",
                    state="closed_out" if i < 3754 else "monitored", outcome="regulate" if i < 3754 else "")
            for i in range(4077)]
    Outfall.objects.bulk_create(rows, batch_size=1000)
    outfall_stats.outfalls_changed()  # a writer bypassing save() renews the map's version itself
    BasinMilestone.objects.create(basin="长江流域", jurisdiction=world["dc"], due=dt.date(2023, 12, 31),
                                  traced_share="0.7", rectified_share="0.7", note="长江干流约70%完成整治")
    s = outfall_stats.statistics(None, world["dc"], basin="长江流域", today=dt.date(2023, 12, 31), places=0)
    t = s["summary"]
    assert (t["found"], t["traced"], t["closed_out"], t["regulate"]) == (4077, 3754, 3754, 3754)
    assert (t["traced_rate"], t["rectified_rate"]) == ("92", "92")
    assert "已整治销号 3754 个(整治完成率 92%)" in s["sentence"]
    (m,) = s["milestones"]
    assert (m["rectified_needed"], m["rectified_ok"], m["met"], m["missed"]) == (2854, True, True, False)  # ceil(2853.9)
    one_decimal = outfall_stats.statistics(None, world["dc"], basin="长江流域", places=1)["summary"]
    assert one_decimal["rectified_rate"] == "92.1"  # 92.0775 → 92.1 with a decimal
    assert time.monotonic() - started < 3


def test_a_samples_step_clicked_in_english_reads_in_each_readers_language(world, outfall):
    """The monitor step's line (date, weather, class, verdict) is stored as facts: clicked in English, it reads
    in Chinese for a Chinese reader and in English for an English one."""
    from django.utils import translation

    o = outfall()
    wf.apply(world["mgr"], o, "confirm", files=[photo()])
    with translation.override("en"):
        wf.apply(world["mgr"], o, "monitor", values={"nh3n": "2.5"}, sampled_on=str(TODAY), dry_weather="0")

    def step():
        return [e["step"] for e in wf.timeline(o) if e["verb"] == "monitor"]

    with translation.override("zh-hans"):
        assert step() == [f"{TODAY.isoformat()}雨天采样:劣Ⅴ 超过受纳水体目标"]
    with translation.override("en"):
        assert step() == [f"Sampled {TODAY.isoformat()} (wet weather): Worse than V above the receiving water target"]


def test_change_history_names_the_enterprise_never_its_id(world, outfall, client_for):
    """An outfall linked to an enterprise by an edit: its 变更记录 reads 企业: — → the enterprise's name (the field
    by what it names, the value by its name), in either language; the record's own id is no row of its history."""
    import re

    from envbureau.core.humanize import change_rows
    from envbureau.core.models import AuditEntry
    from envbureau.projects import outfalls
    from envbureau.sources.models import Enterprise

    firm = Enterprise.objects.create(credit_code="91110101MA01OUT09X", name="京东示范印染", jurisdiction=world["dc"])
    o = outfall()
    o.enterprise_id = firm.pk
    outfalls.update_outfall(world["mgr"], o)
    entry = AuditEntry.objects.filter(model="projects.outfall", object_id=str(o.pk), action="update").latest("id")
    assert entry.changes["enterprise_id"] == [None, firm.pk]  # stored as the id; read as the name
    (row,) = change_rows(entry.changes, entry.model)
    assert (row["field"], row["before"], row["after"]) == ("企业", "—", "京东示范印染")
    admin = client_for("admin")
    page = admin.get(f"/projects/outfalls/{o.pk}/").content.decode()
    history = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[page.index("data-eb-history"):]))
    assert "企业 : — → 京东示范印染" in history
    assert "排口编码 : BYH-0001" in history  # the creation's rows, without its id
    assert "ID" not in history and "企业ID" not in history and f"→ {firm.pk} " not in history
    admin.cookies["django_language"] = "en"
    page = admin.get(f"/projects/outfalls/{o.pk}/").content.decode()
    history = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[page.index("data-eb-history"):]))
    assert "Enterprise : — → 京东示范印染" in history and "ID" not in history
    firm.delete()  # a record deleted since: by its kind, never by its bare id
    (row,) = change_rows(entry.changes, entry.model)
    assert row["after"] == "企业(已删除)"


def test_statistics_sentence_reads_as_words_with_linked_counts_in_zh_and_en(world, outfall, client_for):
    """The statistics page's sentence: words around every number (never "北京市 : 3"), each count a link to the list
    of those outfalls, in Chinese and English, with and without a basin."""
    import html
    import re

    from envbureau.projects import outfall_stats

    a, b, _c = outfall("A1"), outfall("A2"), outfall("B1", jur="cy", basin="温榆河流域")
    wf.apply(world["mgr"], a, "confirm", files=[photo()])
    wf.apply(world["mgr"], a, "monitor", values={"cod": 20})
    wf.apply(world["mgr"], b, "dismiss", note="非排污口")
    admin = client_for("admin")

    def sentence(url):
        page = admin.get(url).content.decode()
        block = re.search(r"<div[^>]*data-eb-sentence>(.*?)</div>", page, re.S).group(1)
        links = {html.unescape(t): html.unescape(u) for u, t in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)}
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", block))).strip(), links

    text, links = sentence("/projects/outfalls/statistics/")
    assert text == ("北京市共有入河排污口 2 个,其中已监测 1 个、已溯源 0 个(溯源率 0.0%),已整治销号 0 个(整治完成率 0.0%),"
                    "销号的排口中取缔 0 个、清理合并 0 个、规范整治 0 个。")
    whole = text
    assert links["2"] == "/projects/outfalls/?jurisdiction=110000&stage=found"
    assert links["1"] == "/projects/outfalls/?jurisdiction=110000&stage=monitored"
    api = admin.get(links["2"].replace("/projects/outfalls/", "/api/v1/projects/outfalls/")).json()
    assert api["count"] == 2  # the link lists exactly the outfalls counted
    text, links = sentence("/projects/outfalls/statistics/?basin=温榆河流域")
    assert text.startswith("北京市温榆河流域共有入河排污口 1 个,其中已监测 0 个")
    assert links["1"] == "/projects/outfalls/?jurisdiction=110000&basin=%E6%B8%A9%E6%A6%86%E6%B2%B3%E6%B5%81%E5%9F%9F&stage=found"
    assert outfall_stats.statistics(None, world["dc"].parent)["sentence"] == whole  # CLI, Excel, API: no links
    admin.cookies["django_language"] = "en"
    text, links = sentence("/projects/outfalls/statistics/")
    assert text == ("River outfalls in 北京市: 2, of which 1 monitored and 0 traced (0.0% traced); 0 rectified and closed "
                    "out (0.0% rectified): 0 banned, 0 merged and 0 regulated.")
    assert links["2"] == "/projects/outfalls/?jurisdiction=110000&stage=found"
    text, _links = sentence("/projects/outfalls/statistics/?basin=温榆河流域")
    assert text.startswith("River outfalls in 温榆河流域, 北京市: 1, of which 0 monitored")


@pytest.mark.parametrize("ui", ["zh-hans", "en"])
def test_survey_import_reads_types_in_either_language_whatever_the_ui(world, ui):
    """A survey workbook in Chinese uploaded from the English UI, or in English from the Chinese UI: the type and its
    configured sub-types (stored in Chinese) read the same; a wrong sub-type is refused on its row and column,
    listing the sub-types in the reader's language."""
    from django.utils import translation

    from envbureau.core.importing import get_importer
    from envbureau.projects.models import Outfall

    imp = get_importer("projects.outfall")

    def row(code, t1, t2):
        return [code, f"{code}排口", t1, t2, "110101", 116.4, 39.9, "北运河流域", "北护城河", "", "Ⅳ", "", "第一轮"]

    rows = [row("L-1", "其他排口", "城镇雨洪排口"), row("L-2", "Other outfall", "Urban stormwater outfall"),
            row("L-3", "other", "urban STORMWATER outfall"), row("L-4", "Industrial outfall",
                                                                 "Industrial and mining enterprise outfall")]
    with translation.override(ui):
        res = imp.run(_xlsx(rows), "survey.xlsx", world["mgr"])
        assert res.ok, res.errors
        assert sorted(Outfall.objects.values_list("code", "type1", "type2")) == [
            ("L-1", "other", "城镇雨洪排口"), ("L-2", "other", "城镇雨洪排口"), ("L-3", "other", "城镇雨洪排口"),
            ("L-4", "industrial", "工矿企业排污口")]
        res = imp.run(_xlsx([row("L-5", "Agricultural outfall", "Urban stormwater outfall")]), "survey.xlsx",
                      world["mgr"])
    (e,) = res.errors
    if ui == "en":
        assert (e["row"], e["column"], e["message"]) == (2, "Sub-type", '"Urban stormwater outfall" is not a sub-type of '
                                                         "Agricultural outfall (choose from: Large-scale livestock "
                                                         "farm outfall, Large-scale aquaculture outfall)")
    else:
        assert (e["row"], e["column"], e["message"]) == (
            2, "二级类型", "“Urban stormwater outfall”不是农业排口的二级类型(可选:规模化畜禽养殖排污口、规模化水产养殖排污口)")


def test_audit_list_names_the_changed_fields_by_label_without_the_id(world, outfall, client_for):
    import re

    from envbureau.projects import outfalls
    from envbureau.sources.models import Enterprise

    firm = Enterprise.objects.create(credit_code="91110101MA01OUT08X", name="京东示范印染", jurisdiction=world["dc"])
    o = outfall()
    o.enterprise_id = firm.pk
    outfalls.update_outfall(world["mgr"], o)
    page = client_for("admin").get(f"/audit/?model=projects.outfall&object_id={o.pk}").content.decode()
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<td class="small eb-wrap eb-col-wide">(.*?)</td>',
                                                                    page, re.S)]
    assert cells[0] == "企业"  # the update (newest first): what it names, not 企业ID
    assert cells[1].startswith("排口编码、排口名称、排口类型") and "ID" not in cells[1]  # the creation, without its id
