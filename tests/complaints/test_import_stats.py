"""Import of complaint registers (all-or-nothing, row messages) and statistics on a hand-built set."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from envbureau.complaints import services, statistics
from envbureau.complaints.models import Complaint, MonthlySummary
from envbureau.core.importing import get_importer

pytestmark = pytest.mark.django_db

HEADER = ["受理编号", "渠道", "受理时间", "举报人", "联系方式", "被举报对象", "地址", "行政区域", "污染类型", "子类",
          "事项摘要", "举报内容", "不予受理原因", "承办单位", "是否属实", "调查核实情况", "处理情况", "答复意见",
          "办结时间", "回访结果", "是否重复", "关联件编号"]


def xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = [
    ["XF-A1", "12369热线", "2025-03-01 09:30", "张三", "13800000001", "某餐饮店", "王府井大街1号", "东华门街道", "大气",
     "餐饮油烟", "油烟扰民", "油烟直排", "", "东城区生态环境局", "属实", "现场核实油烟直排", "责令安装净化器", "已整改",
     "2025-03-20", "满意", "否", ""],
    ["XF-A2", "微信", "2025-03-05", "李四", "13800000002", "", "东四北大街", "110101007000", "噪声", "建设施工噪声",
     "夜间施工", "夜间施工", "", "东城区生态环境局", "", "", "", "", "", "", "否", ""],
    ["XF-A3", "来信", "2025-03-06", "", "", "", "王府井大街1号", "东华门街道", "大气", "", "油烟又来了", "油烟", "", "",
     "", "", "", "", "", "", "是", "XF-A1"],
    ["", "来访", "2025-03-07", "", "", "", "某地", "朝阳区", "其他", "", "物业纠纷", "物业", "不属于生态环境部门职责", "", "",
     "", "", "", "", "", "否", ""],
]


def test_import_register(actors):
    imp = get_importer("complaints.complaint")
    res = imp.run(xlsx(GOOD), "register.xlsx", actors["office"])
    assert res.ok, res.errors
    assert res.saved == {"created": 4}
    a1 = Complaint.objects.get(number="XF-A1")
    assert a1.state == "visited" and a1.finding == "substantiated" and a1.on_time is True
    assert a1.category == "air" and a1.sub_category == "catering_fumes" and a1.channel == "hotline"
    assert Complaint.objects.get(number="XF-A2").state == "assigned"
    a3 = Complaint.objects.get(number="XF-A3")
    assert a3.is_repeat and a3.repeat_of == a1 and a3.duplicate_links.get().state == "confirmed"
    declined = Complaint.objects.get(channel="visit")
    assert declined.state == "declined" and declined.number.startswith("XF20250307")
    assert MonthlySummary.objects.filter(month=dt.date(2025, 3, 1)).exists()
    # The template downloads and reads back through the same columns.
    assert imp.template_bytes()[:2] == b"PK"


def test_import_all_or_nothing(actors):
    bad = [list(r) for r in GOOD]
    bad[1][8] = "核污染?"             # unknown category
    bad[2][21] = "XF-NONE"            # unknown linked number
    bad[3][7] = "火星区"               # unknown jurisdiction
    res = get_importer("complaints.complaint").run(xlsx(bad), "bad.xlsx", actors["office"])
    assert not res.ok
    rows = {(e["row"], e["column"]) for e in res.errors}
    assert (3, "污染类型") in rows and (5, "行政区域") in rows
    assert Complaint.objects.count() == 0
    # Cross-row errors: the missing link is reported once per-row checks pass.
    only_link = [list(r) for r in GOOD]
    only_link[2][21] = "XF-NONE"
    res = get_importer("complaints.complaint").run(xlsx(only_link), "bad.xlsx", actors["office"])
    assert not res.ok and res.errors[0]["row"] == 4 and res.errors[0]["column"] == "关联件编号"
    assert Complaint.objects.count() == 0
    # An officer cannot import into another district.
    res = get_importer("complaints.complaint").run(xlsx(GOOD[3:]), "x.xlsx", actors["officer"])
    assert not res.ok and Complaint.objects.count() == 0


def test_statistics_hand_built(actors, make_complaint, aware):
    """2025-03: 6 received (1 declined, 5 accepted); completed 3 (one on time late), resolved 2;
    visits: satisfied, basic, dissatisfied → 2/3; findings: substantiated, partly, unsubstantiated → 2/3;
    one repeat. 2024-03: 4 received, 2 accepted, 1 completed → completion 50 %."""
    def mk(when, state, **upd):
        c = make_complaint(received_at=when, category=upd.pop("category", "noise"), sub_category="",
                           code=upd.pop("code", "110101001000"))
        if state not in ("registered", "declined"):
            upd.setdefault("accepted_at", when)
        Complaint.objects.filter(pk=c.pk).update(state=state, **upd)
        return c

    m = aware(2025, 3, 10)
    mk(m, "declined")
    mk(m, "assigned")
    mk(m, "investigated", finding="unsubstantiated")
    mk(m, "visited", finding="substantiated", satisfaction="satisfied", on_time=True)
    mk(m, "closed", finding="partly", satisfaction="basic", on_time=False, category="air", code="110105")
    mk(m, "replied", satisfaction="dissatisfied", is_repeat=True, on_time=True)
    p = aware(2024, 3, 12)
    mk(p, "registered")
    mk(p, "declined")
    mk(p, "assigned")
    mk(p, "replied", finding="substantiated", on_time=True)
    mk(aware(2025, 4, 2), "assigned")     # outside the period
    statistics.rebuild()
    rep = statistics.report(None, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1))
    t = rep["total"]
    assert (t["received"], t["accepted"], t["declined"], t["completed"]) == (6, 5, 1, 3)
    assert t["resolved"] == 2 and t["repeats"] == 1
    assert t["completion_rate"] == pytest.approx(60.0)
    assert t["resolution_rate"] == pytest.approx(40.0)
    assert t["satisfaction_rate"] == pytest.approx(200 / 3)
    assert t["substantiated_share"] == pytest.approx(200 / 3)
    assert t["on_time_rate"] == pytest.approx(200 / 3)
    prev = rep["prev"]
    assert (prev["received"], prev["accepted"], prev["completed"]) == (4, 2, 1)
    assert rep["yoy"]["received"] == pytest.approx(50.0)                 # 6 vs 4 → +50 %
    assert rep["yoy"]["completion_rate"] == pytest.approx(60.0 - 50.0)    # percentage points
    by_cat = {r["key"]: r["cur"]["received"] for r in rep["rows"]}
    assert by_cat == {"noise": 5, "air": 1}
    by_j = statistics.report(None, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1), by="jurisdiction")
    assert {r["key"]: r["cur"]["received"] for r in by_j["rows"]} == {"东城区": 5, "朝阳区": 1}
    # Scoped: the Dongcheng officer sees only Dongcheng rows.
    mine = statistics.report(actors["officer"], start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1))
    assert mine["total"]["received"] == 5
    # The summary kept by services equals a rebuild: handle one complaint and compare.
    c = Complaint.objects.filter(state="assigned", received_at__gte=aware(2025, 3, 1),
                                 received_at__lt=aware(2025, 4, 1)).get()
    Complaint.objects.filter(pk=c.pk).update(finding="")
    c.refresh_from_db()
    services.investigate(actors["office"], c, "substantiated", "属实")
    live = statistics.report(None, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1))["total"]
    statistics.rebuild()
    rebuilt = statistics.report(None, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1))["total"]
    assert live == rebuilt and live["investigated"] == 4


def test_stats_export_and_api(actors, make_complaint, aware):
    from django.test import Client

    make_complaint(received_at=aware(2025, 3, 10))
    c = Client()
    c.force_login(actors["office"])
    r = c.get("/complaints/stats/?start=2025-01&end=2025-12&export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    data = c.get("/api/v1/complaints/complaints/stats/?start=2025-01&end=2025-12&by=channel").json()
    assert data["total"]["received"] == 1 and data["rows"][0]["key"] == "hotline"
    page = c.get("/complaints/stats/?start=2025-01&end=2025-12").content.decode()
    assert "共受理各类环境信访举报投诉1件" in page


def test_oversight_export(actors, make_complaint):
    import io

    from django.test import Client
    from openpyxl import load_workbook

    make_complaint(channel="oversight", batch="第三轮中央生态环境保护督察 第3批", external_ref="D3-017")
    c = Client()
    c.force_login(actors["office"])
    r = c.get("/complaints/?channel=oversight&export=oversight")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("督察信访件汇总表 · ") and rows[0][1:] == (None,) * (len(rows[0]) - 1)
    assert rows[1][:3] == ("原始排序编码", "受理编号", "交办问题基本情况")
    assert rows[2][1] == "D3-017" and rows[2][15] == "第三轮中央生态环境保护督察 第3批"
    assert "张三丰" not in str(rows) and "13812345678" not in str(rows)
