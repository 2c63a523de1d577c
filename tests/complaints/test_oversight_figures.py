"""Complaints handed over by an oversight team (issue 18): batches, investigated vs completed, key cases,
distinct enterprises, rates with the report's decimals — on the statistics page, export, API and CLI.

Hand-built, period 2025-03 … 2025-04 (local time, Asia/Shanghai); B1/B2 = 第二轮中央生态环境保护督察 第1批/第2批:
  c1 B1 03-01 00:00 (first minute)  closed, 属实, 重点件, 责令整改, 立案 2万元, enterprise 42
  c2 B1 03-15  replied, 部分属实, 责令整改, enterprise 42 (the same enterprise again)
  c3 B1 03-20  investigated, 不属实, enterprise "甲化工厂" (no id)
  c4 B2 04-02  assigned (no finding), 重点件, 重复件, no enterprise
  c5 B2 04-30 23:59 (last minute)  visited, 属实, 责令整改, 立案 5万元, enterprise "乙印染厂"
  c6 B2 04-10  replied, 属实, enterprise 77, no order — in Chaoyang (110105), the others in Dongcheng
  outside: B1 on 02-28 23:59 and 05-01 00:00; in the period without a batch (not a hand-over).
City-wide: 2 batches, 6 complaints, 5 investigated, 4 completed → 66.67 % (2 decimals), 2 key cases (1
investigated, 1 completed), 1 repeat, 1 unsubstantiated; enterprises 4 (42, 甲化工厂, 乙印染厂, 77),
rectified 2 (42, 乙印染厂), filed 2, fines 7.00 万元. Dongcheng (110101): 5 complaints, 3 completed → 60 %.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from envbureau.complaints import statistics
from envbureau.complaints.models import Complaint

B1, B2 = "第二轮中央生态环境保护督察 第1批", "第二轮中央生态环境保护督察 第2批"
CITY = "督察交办信访件2批次6件(重复1件,不属实1件),其中重点件2件;完成调查处理5件,已办结4件,办结率66.67%;" \
       "涉及企业4家,完成整改企业2家,立案处罚2家,处罚金额7.00万元。"


@pytest.fixture
def handed_over(make_complaint, aware):
    def mk(when, batch, state, code="110101001000", **upd):
        ent = {k: upd.pop(k) for k in ("enterprise_id", "enterprise_name") if k in upd}
        c = make_complaint(received_at=when, channel="oversight", batch=batch, code=code,
                           enterprise_id=ent.get("enterprise_id"), enterprise_name=ent.get("enterprise_name", ""))
        Complaint.objects.filter(pk=c.pk).update(state=state, **upd)

    mk(aware(2025, 3, 1, 0), B1, "closed", finding="substantiated", is_key=True, ordered_rectification=True,
       case_filed=True, fine_amount=Decimal("20000"), enterprise_id=42, enterprise_name="某建设项目部")
    mk(aware(2025, 3, 15), B1, "replied", finding="partly", ordered_rectification=True, enterprise_id=42,
       enterprise_name="某建设项目部")
    mk(aware(2025, 3, 20), B1, "investigated", finding="unsubstantiated", enterprise_name="甲化工厂")
    mk(aware(2025, 4, 2), B2, "assigned", is_key=True, is_repeat=True)
    mk(aware(2025, 4, 30, 23) + dt.timedelta(minutes=59), B2, "visited", finding="substantiated",
       ordered_rectification=True, case_filed=True, fine_amount=Decimal("50000"), enterprise_name="乙印染厂")
    mk(aware(2025, 4, 10), B2, "replied", code="110105", finding="substantiated", enterprise_id=77,
       enterprise_name="丙公司")
    mk(aware(2025, 2, 28, 23) + dt.timedelta(minutes=59), B1, "closed", finding="substantiated")
    mk(aware(2025, 5, 1, 0), B1, "closed", finding="substantiated")
    mk(aware(2025, 3, 5), "", "closed", finding="substantiated")
    statistics.rebuild()


def test_oversight_figures_from_the_library(actors, handed_over):
    o = statistics.oversight(None, start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 1), places=2)
    assert (o["batches"], o["received"], o["investigated"], o["completed"]) == (2, 6, 5, 4)
    assert (o["key"], o["key_investigated"], o["key_completed"], o["repeats"], o["unsubstantiated"]) == (2, 1, 1, 1, 1)
    assert (o["enterprises"], o["enterprises_rectified"], o["enterprises_filed"], o["fines_10k"]) == (4, 2, 2, "7.00")
    assert o["completion_rate_text"] == "66.67"
    assert [(r["batch"], r["received"], r["completed"], r["key"]) for r in o["by_batch"]] == [(B1, 3, 2, 1),
                                                                                            (B2, 3, 2, 1)]
    assert statistics.oversight_sentence(o) == CITY
    # Default one decimal; the Dongcheng officer's scope drops Chaoyang's c6.
    mine = statistics.oversight(actors["officer"], start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 1))
    assert (mine["received"], mine["completed"], mine["completion_rate_text"], mine["enterprises"]) == (5, 3, "60.0", 3)
    # One batch: every complaint investigated → "全部完成调查处理".
    b1 = statistics.oversight(None, start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 1), batch="第1批")
    assert (b1["batches"], b1["received"], b1["investigated"]) == (1, 3, 3)
    assert "全部完成调查处理,已办结2件,办结率66.7%" in statistics.oversight_sentence(b1)
    # A month alone: April has c4, c5 (its last minute) and c6; March has c1 (its first minute) … c3.
    assert statistics.oversight(None, start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 1))["received"] == 3
    assert statistics.oversight(None, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 1))["received"] == 3
    empty = statistics.oversight(None, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 1))
    assert empty["received"] == 0 and empty["completion_rate_text"] == "—"


def test_page_api_export_and_cli_agree(actors, handed_over):
    c = Client()
    c.force_login(actors["office"])
    page = c.get("/complaints/stats/", {"start": "2025-03", "end": "2025-04", "decimals": "2"}).content.decode()
    assert CITY in page and 'id="oversight-batches"' in page
    # The general figures use the same decimals: 7 received (with the unbatched one), 5 of 7 completed.
    assert "办结率71.43%" in page
    api = c.get("/api/v1/complaints/complaints/stats/",
                {"start": "2025-03", "end": "2025-04", "jurisdiction": "110101", "decimals": "2"}).json()
    o = api["oversight"]
    assert (o["batches"], o["received"], o["completed"], o["completion_rate_text"]) == (2, 5, 3, "60.00")
    assert api["decimals"] == 2
    batch = c.get("/api/v1/complaints/complaints/stats/",
                  {"start": "2025-03", "end": "2025-04", "batch": "第2批"}).json()["oversight"]
    assert (batch["batches"], batch["received"], batch["key"]) == (1, 3, 1)
    bad = c.get("/api/v1/complaints/complaints/stats/", {"decimals": "5"})
    assert bad.status_code == 400 and "decimals" in bad.content.decode()

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(c.get("/complaints/stats/", {"start": "2025-03", "end": "2025-04", "decimals": "2",
                                                               "export": "xlsx"}).content))
    sheet = [list(r) for r in wb["督察交办"].iter_rows(values_only=True)]
    assert sheet[2][:7] == [B1, "2025-03-01", 3, 3, 2, "66.67", 1]  # below the title row and the header
    assert sheet[4][2:7] == [6, 5, 4, "66.67", 2] and sheet[5][0] == CITY

    out = io.StringIO()
    call_command("complaints_stats", "--from", "2025-03", "--to", "2025-04", "--decimals", "2", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    assert cli["oversight"]["sentence"] == CITY
    # Received in the period: the six hand-overs and the one without a batch; 5 of 7 completed.
    assert cli["total"]["received"] == 7 and cli["rates"]["completion_rate"] == "71.43"
    out = io.StringIO()
    call_command("complaints_stats", "--jurisdiction", "110105", "--year", "2025", stdout=out)
    assert "督察交办信访件1批次1件" in out.getvalue()


def test_unknown_jurisdiction_is_refused_not_the_whole_city(actors, handed_over):
    c = Client()
    c.force_login(actors["office"])
    r = c.get("/api/v1/complaints/complaints/stats/", {"start": "2025-03", "end": "2025-04", "jurisdiction": "999999"})
    assert r.status_code == 400 and "jurisdiction" in r.content.decode()
    page = c.get("/complaints/stats/", {"start": "2025-03", "end": "2025-04", "jurisdiction": "999999"})
    assert page.status_code == 400 and "999999" in page.content.decode()
