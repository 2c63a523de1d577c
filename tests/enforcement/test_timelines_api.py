"""GET …/timeline/ of a case, a measure and a credit repair: the kit's timeline in words (issue 11: "a timeline
component renders any object's events … on its detail page and in the API"), 404 outside the reader's scope."""

import datetime as dt

from envbureau.core import workflow as wf
from envbureau.enforcement import cases, config, credit, measures
from envbureau.enforcement.models import LegalBasis


def test_case_measure_and_repair_timelines(world, client_for):
    LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                              effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)
    dong = world["enterprises"][0]  # 东城区
    case = cases.open_case(None, enterprise_id=dong.pk, cause="超标排放", provision="sign", act_date="2026-01-05",
                           filed_on="2026-01-10", handlers=world["inspectors"][:2], facts="在线监测显示超标")
    wf.apply(None, case, "investigate")
    m = measures.order(None, case, kind="correction", decided_on="2026-03-02", content="立即停止超标排放")
    wf.apply(None, m, "serve", served_on="2026-03-03")
    r = credit.rate(None, enterprise_id=dong.pk, year=2025, published_on=dt.date(2026, 5, 20), sources="现场核查",
                    scores={k: 70 for k in credit.entry_keys(dong.pk, 2025)})
    rep = credit.apply_repair(None, r, applicant="李某", corrective_actions="整改完成", materials="整改报告",
                              documents=list(config.get("credit_repair_documents")), applied_on="2026-08-20")
    admin = client_for("admin")
    def step(url, verb):
        events = admin.get(url).json()
        found = [e for e in events if e["verb"] == verb]
        assert len(found) == 1, (url, [e["verb"] for e in events])
        return found[0]

    e = step(f"/api/v1/enforcement/cases/{case.pk}/timeline/", "investigate")
    assert (e["from_state"], e["to_state"], e["to_label"]) == ("filed", "investigating", "调查取证")  # in words
    e = step(f"/api/v1/enforcement/measures/{m.pk}/timeline/", "serve")
    assert (e["from_state"], e["to_state"]) == ("decided", "in_force")
    assert step(f"/api/v1/enforcement/repairs/{rep.pk}/timeline/", "open")["to_state"] == "applied"
    # a 朝阳 officer does not see a 东城 case
    from django.test import Client

    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    cy = User.objects.create(username="t_chaoyang")
    RoleAssignment.objects.create(user=cy, role=Role.objects.get(code="officer"),
                                  jurisdiction=Jurisdiction.objects.get(code="110105"))
    c = Client()
    c.force_login(cy)
    for url in (f"cases/{case.pk}", f"measures/{m.pk}", f"repairs/{rep.pk}"):
        assert c.get(f"/api/v1/enforcement/{url}/timeline/").status_code == 404, url
