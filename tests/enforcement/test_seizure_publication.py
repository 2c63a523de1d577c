"""A seizure's 处理决定 as its own document, and the publication of seizure decisions with their extension and
release (MEE Order No. 29 arts. 7, 22; 行政强制法 art. 27):

* the 查封、扣押处理决定书 issues only for a seizure that has a 处理决定, from the UI panel, the API and the kit
  (PDF by `envbureau documents_pdf`), and names the disposal, its basis, its reasons and date; a missing
  required field refuses it, naming the field;
* a seizure decision is published within 20 working days of the decision (counted on the 2026 holiday calendar),
  automatically 5 working days after it, or by hand; before that the public pages and API do not show it;
  its extension and its release or 处理决定 show on the public page only once they happened;
* the public sees no personal data (a person by surname only, no list of seized items, no officers, no
  reasons), and never another kind of measure even if it were marked published.
Expected dates are counted by hand in the comments."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from boundary import DAY, three
from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf
from envbureau.enforcement import autopublish, cases, measures
from envbureau.enforcement.models import Case, LegalBasis, Measure

D = dt.date
PUBLIC_PAGE = "/public/enforcement/seizures/"
PUBLIC_API = "/api/v1/public/enforcement/seizures/"


@pytest.fixture
def case(world):
    LegalBasis.objects.create(provision="evade", instrument="水污染防治法", article="第八十三条",
                              effective_from=D(2018, 1, 1), fine_min=100000, fine_max=1000000)
    c = cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="私设暗管排放", provision="evade",
                        act_date="2026-09-01", filed_on="2026-09-05", handlers=world["inspectors"][:2],
                        facts="现场发现暗管")
    Case.objects.filter(pk=c.pk).update(address="北京市东城区示范路1号")
    return Case.objects.get(pk=c.pk)


def _seize(case, decided="2026-09-10", content="2号排放口旁路排放泵1台"):
    m = measures.order(None, case, kind="seizure", decided_on=decided, content=content)
    wf.apply(None, m, "serve", served_on=decided)
    return Measure.objects.get(pk=m.pk)


def _docx_text(doc) -> str:
    from docx import Document

    doc.docx.open("rb")
    try:
        return "\n".join(p.text for p in Document(io.BytesIO(doc.docx.read())).paragraphs)
    finally:
        doc.docx.close()


# ---- the 处理决定书 --------------------------------------------------------------------------------------

def test_disposal_document_only_after_the_disposal_with_its_basis_and_reasons(case, user_named):
    from envbureau.core.documents import issue

    admin = user_named("admin")
    m = _seize(case)
    with pytest.raises(ValidationError):  # no 处理决定 yet: the kind does not apply
        issue(admin, m, "enforcement.seizure_disposal")
    wf.apply(None, m, "dispose", disposal="transfer", disposed_on="2026-09-30",
             note="涉嫌污染环境罪,连同查封的旁路排放泵移送公安机关")
    m = Measure.objects.get(pk=m.pk)
    assert m.disposal_reason == "涉嫌污染环境罪,连同查封的旁路排放泵移送公安机关"
    doc = issue(admin, m, "enforcement.seizure_disposal")
    assert doc.number.startswith("环查处")
    v = doc.values
    assert v["disposal"] == "移送公安机关(涉嫌环境污染犯罪)"
    assert "第二十二条" in v["disposal_basis"]  # Order No. 29 art. 22
    assert v["reason"] == "涉嫌污染环境罪,连同查封的旁路排放泵移送公安机关"
    assert v["disposed_on"] == "2026年9月30日"
    assert v["seizure"] == f"{m.code}(决定日期 2026年9月10日,查封、扣押:2号排放口旁路排放泵1台)"
    assert v["period"] == "自 2026-09-10 起至 2026-10-10 止,共 30 日"
    text = _docx_text(doc)
    for expected in ("查封、扣押处理决定书", doc.number, "处理决定：移送公安机关(涉嫌环境污染犯罪)",
                     "处理理由：涉嫌污染环境罪", "处理决定日期：2026年9月30日", "当事人：测试企业1",
                     "住所：北京市东城区示范路1号"):
        assert expected in text, expected
    # the other kinds of measure never offer it
    order = measures.order(None, case, kind="correction", decided_on="2026-09-10", content="立即停止")
    with pytest.raises(ValidationError):
        issue(admin, order, "enforcement.seizure_disposal")


def test_disposal_document_refused_while_a_required_field_is_missing(case, user_named):
    from envbureau.core.documents import issue

    m = _seize(case)
    wf.apply(None, m, "dispose", disposal="confiscate", disposed_on="2026-09-30", note="依法没收")
    Case.objects.filter(pk=case.pk).update(address="")
    with pytest.raises(ValidationError, match="住所"):
        issue(user_named("admin"), Measure.objects.get(pk=m.pk), "enforcement.seizure_disposal")


def test_disposal_document_from_the_page_and_the_api(case, client_for):
    m = _seize(case)
    c = client_for("admin")
    page = c.get(f"/enforcement/measures/{m.pk}/").content.decode()
    assert "查封、扣押处理决定书" not in page  # not offered before the 处理决定
    api = f"/api/v1/enforcement/measures/{m.pk}/"
    r = c.post(f"{api}dispose/", {"disposal": "destroy", "disposed_on": "2026-09-30", "note": "依法销毁"},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["disposal_reason"] == "依法销毁"
    assert "查封、扣押处理决定书" in c.get(f"/enforcement/measures/{m.pk}/").content.decode()
    r = c.post(f"{api}issue-document/", {"kind": "enforcement.seizure_disposal"}, content_type="application/json")
    assert r.status_code == 201, r.content
    doc_id = r.json()["id"]
    r = c.get(f"/api/v1/core/documents/{doc_id}/docx/")
    assert r.status_code == 200 and b"".join(r.streaming_content if r.streaming else [r.content])[:2] == b"PK"
    assert any(d["id"] == doc_id for d in c.get(f"{api}documents/").json())
    # an enterprise user of another enterprise never reaches it
    r = client_for("dongcheng").post(f"{api}issue-document/", {"kind": "enforcement.seizure_disposal"},
                                     content_type="application/json")
    assert r.status_code in (403, 404)


# ---- publication ------------------------------------------------------------------------------------------

def _public(client=None) -> tuple[str, list]:
    client = client or Client()
    page = client.get(PUBLIC_PAGE)
    api = client.get(PUBLIC_API)
    assert page.status_code == 200 and api.status_code == 200
    data = api.json()
    return page.content.decode(), data["results"] if isinstance(data, dict) else data


def test_publication_due_in_20_working_days_and_automatic_after_5(case):
    m = _seize(case)
    # decided Thu 2026-09-10. 20 working days: 11 Sep (1); 14–18 (2–6); Sun 20 Sep worked (7); 21–24 (8–11);
    # 25–27 中秋 off; 28–30 (12–14); 1–7 Oct 国庆 off; 8, 9, Sat 10 Oct worked (15–17); 12, 13, 14 (18–20)
    assert m.publish_due == D(2026, 10, 14) == dl.clock(m, measures.PUBLICATION).due
    # automatic: 5 working days — 11, 14, 15, 16, 17 Sep
    assert autopublish.seizure_ready_on(m) == D(2026, 9, 17)
    assert three(lambda d: m.code in autopublish.run(d, dry_run=True)["seizures"], D(2026, 9, 17), DAY) == \
        (False, True, True)
    text, rows = _public()
    assert m.code not in text and rows == []  # absent before the publication
    out = io.StringIO()
    call_command("enforcement_autopublish", "--date", "2026-09-17", stdout=out)
    assert "查封、扣押决定 1 件" in out.getvalue() and m.code in out.getvalue()
    m.refresh_from_db()
    assert (m.published, m.published_on) == (True, D(2026, 9, 17))
    assert dl.clock(m, measures.PUBLICATION).stopped_at is not None
    text, rows = _public()
    assert m.code in text and [r["code"] for r in rows] == [m.code]
    assert autopublish.run(D(2026, 9, 18))["seizures"] == []  # once only
    assert [e for e in wf.timeline(m) if e["verb"] == "publish"], "the publication is on the timeline"


def test_a_late_publication_is_shown_late(case):
    m = _seize(case)
    wf.apply(None, m, "publish", published_on="2026-10-15")  # one working day after 2026-10-14
    assert "公开查封、扣押决定超期(期满 2026-10-14,实际 2026-10-15)" in measures.late_steps(
        Measure.objects.get(pk=m.pk))
    with pytest.raises(ValidationError):  # once only
        wf.apply(None, Measure.objects.get(pk=m.pk), "publish", published_on="2026-10-16")
    m2 = _seize(case)
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, m2, "publish", published_on="2026-09-09")
    assert "published_on" in exc.value.message_dict


def test_extension_and_release_show_only_once_they_happened(case):
    m = _seize(case)
    wf.apply(None, m, "publish", published_on="2026-09-14")
    text, rows = _public()
    assert "延长 10 日" not in text and rows[0]["extended_days"] == 0 and rows[0]["ends_on"] == "2026-10-10"
    assert "查封、扣押中" in text and rows[0]["released_on"] is None
    wf.apply(None, m, "extend", days=10, note="检测报告未出")
    text, rows = _public()
    assert "延长 10 日" in text and rows[0]["extended_days"] == 10 and rows[0]["ends_on"] == "2026-10-20"
    assert "解除 2026-10-15" not in text
    wf.apply(None, Measure.objects.get(pk=m.pk), "release", released_on="2026-10-15", note="已拆除暗管")
    text, rows = _public()
    assert "解除 2026-10-15" in text and rows[0]["released_on"] == "2026-10-15"
    m2 = _seize(case)
    wf.apply(None, m2, "publish", published_on="2026-09-14")
    wf.apply(None, Measure.objects.get(pk=m2.pk), "dispose", disposal="confiscate", disposed_on="2026-10-01",
             note="依法没收")
    text, rows = _public()
    assert "依法没收 2026-10-01" in text


def test_no_personal_data_on_the_public_pages(case, world):
    Case.objects.filter(pk=case.pk).update(party="张三丰", party_type="person")
    case = Case.objects.get(pk=case.pk)
    m = measures.order(None, case, kind="seizure", decided_on="2026-09-10", content="张三丰住宅内的电镀槽3个",
                       reason="张三丰在住宅内非法电镀")
    Measure.objects.filter(pk=m.pk).update(party="张三丰")
    wf.apply(None, Measure.objects.get(pk=m.pk), "publish", published_on="2026-09-14")
    text, rows = _public()
    assert m.code in text and "张某" in text and rows[0]["party"] == "张某"
    body = text + repr(rows)
    for private in ("张三丰", "电镀槽", "非法电镀", *[i.name for i in world["inspectors"]],
                    *[i.badge_no for i in world["inspectors"]]):
        assert private not in body, private


def test_only_published_seizures_are_public_and_staff_scope_holds(case, world, client_for):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    u = User.objects.create_user(username="cy_officer", password="x")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enforcement_officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110105"))
    cy = Client()
    cy.force_login(u)
    seized = _seize(case)
    # a district officer of 朝阳区 does not reach an unpublished 东城区 seizure, nor publish it
    assert cy.get(f"/enforcement/measures/{seized.pk}/").status_code == 404
    assert cy.post(f"/api/v1/enforcement/measures/{seized.pk}/publish/", {},
                   content_type="application/json").status_code == 404
    order = measures.order(None, case, kind="correction", decided_on="2026-09-10", content="立即停止")
    Measure.objects.filter(pk=order.pk).update(published=True, published_on=D(2026, 9, 14))  # marked by hand
    with pytest.raises(ValidationError):  # the step exists for seizures only
        wf.apply(None, order, "publish", published_on="2026-09-14")
    text, rows = _public()
    assert order.code not in text and rows == []
    wf.apply(None, seized, "publish", published_on="2026-09-14")
    text, rows = _public()
    assert [r["code"] for r in rows] == [seized.code] and order.code not in text
    # published, it is public on the public page (personal data removed) — the internal pages, with handlers,
    # reasons and seized items, stay within the officer's own district, as do the case's
    assert cy.get(f"/enforcement/measures/{seized.pk}/").status_code == 404
    assert cy.get(f"/api/v1/enforcement/measures/{seized.pk}/").status_code == 404
    assert seized.code not in cy.get("/enforcement/measures/").content.decode()
    assert cy.get(f"/enforcement/cases/{case.pk}/").status_code == 404
    assert seized.code in cy.get("/public/enforcement/seizures/").content.decode()
    # only its own jurisdiction's staff act on it
    r = cy.post(f"/api/v1/enforcement/measures/{seized.pk}/extend/", {"days": 5, "note": "x"},
                content_type="application/json")
    assert r.status_code == 404 and Measure.objects.get(pk=seized.pk).extended_days == 0  # not found: out of scope
    # an anonymous visitor cannot publish
    assert Client().post(f"/api/v1/enforcement/measures/{order.pk}/publish/", {},
                         content_type="application/json").status_code in (401, 403)
