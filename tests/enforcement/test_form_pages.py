"""The enforcement forms (enforcement/form.html, daily_penalty_form.html) render every field as the platform's other
forms do: its label (with * when required), help text, and its own errors beside it; non-field errors on top."""

import datetime as dt
import re

import pytest

from envbureau.enforcement import cases, credit
from envbureau.enforcement.models import LegalBasis, PoolEnterprise


def field_block(page: str, name: str) -> str:
    """The rendered block of one field: from its label to the next field's block."""
    start = page.index(f'for="id_{name}"')
    end = page.find('<div class="mb-3">', start)
    return page[start:end if end > 0 else len(page)]


def label_of(block: str) -> str:
    return re.sub(r"\s+", " ", re.search(r">([^<]*)</(?:label|span)>", block).group(1)).strip()


@pytest.fixture
def case(world):
    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    return cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="超标排放", provision="sign",
                           act_date="2026-01-05", filed_on="2026-01-10", handlers=world["inspectors"][:2],
                           facts="在线监测显示超标")


def test_each_form_shows_labels_help_and_the_fields_error_beside_its_label(world, case, client_for):
    c = client_for("admin")
    pool = PoolEnterprise.objects.get(enterprise_id=world["enterprises"][0].pk)
    posts = {  # url: (body with one bad value, the bad field, its label, a required field left empty)
        "/enforcement/inspections/new/": ({"source": "complaint", "enterprise": pool.pk, "method": "onsite",
                                           "kind": "routine", "planned_on": "2026-02-30"}, "planned_on",
                                          "计划检查日期 *", "team"),
        "/enforcement/cases/new/": ({"enterprise": pool.pk, "cause": "未设标志", "provision": "sign",
                                     "act_date": "2026-09-20", "filed_on": "明天"}, "filed_on", "立案日期 *", "handlers"),
        "/enforcement/clues/new/": ({"source": "alarm", "summary": "偷排", "received_on": "2026-13-01"},
                                    "received_on", "发现或收到线索日期 *", "enterprise"),
        "/enforcement/ratings/new/": ({"enterprise": pool.pk, "year": "1999"}, "year", "评价年度 *", None),
        f"/enforcement/cases/{case.pk}/measures/new/": ({"kind": "correct", "decided_on": "2026/2/30",
                                                         "content": "限期改正"}, "decided_on", "决定日期 *", None),
    }
    for url, (body, name, label, empty) in posts.items():
        r = c.post(url, body)
        assert r.status_code == 400, url
        errors = r.context["form"].errors
        page = r.content.decode()
        block = field_block(page, name)
        assert label_of(block) == label, (url, label_of(block))
        assert errors[name] and all(f'<div class="invalid-feedback d-block">{e}</div>' in block for e in errors[name])
        assert "is-invalid" in block, url  # the field itself marked
        assert "请修改下面标出的字段。" in page, url
        if empty:
            other = field_block(page, empty)
            assert "*" in label_of(other) and errors[empty][0] in other, url
    # help text under its field; an optional field without the required mark
    page = c.get("/enforcement/clues/new/").content.decode()
    block = field_block(page, "received_on")
    assert '<div class="form-text">15日内决定是否立案,由此起算</div>' in block
    assert label_of(field_block(page, "source_ref")) == "来源记录"
    # a checkbox reads its label beside the box; non-field errors (from the service) on top of the form
    page = c.get(f"/enforcement/cases/{case.pk}/measures/new/").content.decode()
    assert re.search(r'<input type="checkbox" name="rights_waived"[^>]*>\s*<label class="form-check-label" '
                     r'for="id_rights_waived">当事人明确放弃陈述申辩和听证</label>', page)
    assert f'href="/enforcement/cases/{case.pk}/"' in page  # 取消 returns to the case
    keys = credit.entry_keys(pool.enterprise_id, 2025)
    r = c.post("/enforcement/ratings/new/", {"enterprise": pool.pk, "year": 2025, **{f"s_{k}": 90 for k in keys}})
    # manual scores without their source: the service refuses each (a key the form has no field for: on top)
    found = r.context["form"].non_field_errors()
    assert r.status_code == 400 and found and all("请注明指标" in m for m in found)
    message = found[0]
    assert re.search(r'<form method="post"[^>]*>.*?<div class="alert alert-danger">' + re.escape(message),
                     r.content.decode(), re.S)



def test_a_service_refusal_naming_a_field_stands_beside_that_field(world, client_for):
    """The form is valid but the service refuses a value (the act after the filing): its error is the field's,
    beside the act date's label, not a line on top."""
    from envbureau.enforcement.models import Inspector

    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    c = client_for("admin")
    pool = PoolEnterprise.objects.get(enterprise_id=world["enterprises"][0].pk)
    handlers = [i.pk for i in Inspector.objects.order_by("pk")[:2]]
    r = c.post("/enforcement/cases/new/", {"enterprise": pool.pk, "cause": "未设标志", "provision": "sign",
                                            "act_date": "2026-01-12", "filed_on": "2026-01-10", "handlers": handlers})
    assert r.status_code == 400
    form = r.context["form"]
    assert form.errors["act_date"] == ["违法行为发生日期晚于立案日期"] and not form.non_field_errors()
    block = field_block(r.content.decode(), "act_date")
    assert '<div class="invalid-feedback d-block">违法行为发生日期晚于立案日期</div>' in block


def test_daily_penalty_form_labels_its_fields(world, case, client_for):
    page = client_for("admin").get(f"/enforcement/cases/{case.pk}/daily-penalty/new/").content.decode()
    assert label_of(field_block(page, "decided_on")) == "决定日期 *"
    assert '<div class="form-text">留空则列出各次复查的结果</div>' in field_block(page, "reason")
