"""Provincial numbers per jurisdiction (provinces set them; 较大数额 nationally 生态环境行政处罚办法 art. 89 [1S]): a jurisdiction's entry in
settings.ENVBUREAU["ENFORCEMENT"]["jurisdictions"] applies to the cases of that jurisdiction and everything below it,
over the national default. Here Beijing (110000) sets 较大数额 for organisations at 50,000 yuan, the figure itself
included (as the pre-2023 provincial figures of Chongqing and Shanghai); 朝阳区 (110105) sets its own 30,000."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from envbureau.core import workflow as wf
from envbureau.enforcement import cases, config
from envbureau.enforcement.models import Case, LegalBasis


@pytest.fixture
def province(settings):
    settings.ENVBUREAU = {**settings.ENVBUREAU, "ENFORCEMENT": {"jurisdictions": {
        "110000": {"hearing_threshold_org": 50000, "hearing_threshold_inclusive": True},
        "110105": {"hearing_threshold_org": 30000}}}}


@pytest.fixture
def basis(db):
    return LegalBasis.objects.create(provision="sign", instrument="排污许可管理条例", article="第三十六条",
                                     effective_from=dt.date(2021, 3, 1), fine_min=20000, fine_max=200000)


def _notified(world, fine, enterprise=0):
    c = cases.open_case(None, enterprise_id=world["enterprises"][enterprise].pk, cause="未按证排污",
                        provision="sign", act_date="2026-06-20", filed_on="2026-07-03",
                        handlers=world["inspectors"][:2], facts="现场检查发现")
    wf.apply(None, c, "investigate")
    wf.apply(None, c, "submit_review", note="调查终结")
    wf.apply(None, c, "notify", outcome="punish", fine=fine, notified_on="2026-07-20")
    return Case.objects.get(pk=c.pk)


@pytest.mark.parametrize("fine, national, beijing", [
    ("49999.99", False, False),  # under the province's figure
    ("50000", False, True),      # equal: included by the province
    ("50000.01", False, True),   # over
])
def test_province_threshold_decides_the_hearing_notice(world, basis, settings, fine, national, beijing):
    """东城区 (110101) lies under 110000: the same fine gives a hearing right under Beijing's figure where the
    national 200,000 gives none; without the override the national figure applies again."""
    assert _notified(world, fine).hearing_right is national
    settings.ENVBUREAU = {**settings.ENVBUREAU, "ENFORCEMENT": {"jurisdictions": {
        "110000": {"hearing_threshold_org": 50000, "hearing_threshold_inclusive": True}}}}
    c = _notified(world, fine)
    assert c.hearing_right is beijing
    if beijing:  # the party may then ask for a hearing; without the right only a statement
        wf.apply(None, c, "statement", kind="hearing", on="2026-07-22", note="当事人申请听证")
    else:
        with pytest.raises(ValidationError) as exc:
            wf.apply(None, c, "statement", kind="hearing", on="2026-07-22", note="当事人申请听证")
        assert "kind" in exc.value.message_dict


@pytest.mark.parametrize("fine, right", [("29999.99", False), ("30000", True), ("30000.01", True)])
def test_nearest_jurisdiction_wins(world, basis, province, fine, right):
    """朝阳区's 30,000 over Beijing's 50,000 (the inclusive flag inherited from Beijing)."""
    assert _notified(world, fine, enterprise=2).hearing_right is right


def test_reading_the_settings(world, province):
    dc = world["enterprises"][0].jurisdiction
    cy = world["enterprises"][2].jurisdiction
    assert config.get("hearing_threshold_org") == Decimal("200000")  # no jurisdiction: the national default
    assert config.get("hearing_threshold_org", dc) == Decimal("50000")
    assert config.get("hearing_threshold_org", cy) == Decimal("30000")
    assert config.get("hearing_threshold_org", "/110000/110105/") == Decimal("30000")
    assert config.get("hearing_threshold_inclusive", cy) is True
    assert config.get("decision_days", cy) == 90  # what no entry sets stays national
    assert cases.hearing_right("org", Decimal("200000")) is False
    assert cases.hearing_right("org", Decimal("50000"), dc) is True


def test_the_provinces_yearly_cap_on_checks(world, settings):
    """The yearly cap on routine checks of one enterprise is the province's (国办发〔2024〕54号; 环办执法〔2025〕4号): with 1 set
    for 朝阳区 the second routine check there is refused, while 东城区 keeps the national 2."""
    from envbureau.enforcement import services

    settings.ENVBUREAU = {**settings.ENVBUREAU, "ENFORCEMENT": {"jurisdictions": {"110105": {"yearly_cap": 1}}}}

    def plan(n, day):
        return services.create_inspection(None, source="special", enterprise_id=world["enterprises"][n].pk,
                                          team=world["inspectors"][:2], items=world["items"], kind="routine",
                                          planned_on=day)

    plan(2, dt.date(2026, 3, 2))  # 朝阳区: one, the cap reached
    with pytest.raises(ValidationError) as e:
        plan(2, dt.date(2026, 6, 1))
    assert "kind" in e.value.message_dict and "上限 1 次" in e.value.message_dict["kind"][0]
    plan(0, dt.date(2026, 3, 2))  # 东城区: two allowed
    plan(0, dt.date(2026, 6, 1))
    with pytest.raises(ValidationError):
        plan(0, dt.date(2026, 9, 1))
