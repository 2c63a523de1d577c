"""Which time-limit rule a complaint runs under, and the due days it gives (complaints.deadlines rule_for and
compute). Expectations from the rules as the model's help and issue 5 lay them out: the national defaults of 信访工作条例
(accept within 15 days, finish within 60 days of acceptance, extension ≤ 30 days, review asked and answered within
30 + 30 days; a period ending on a day off ends on the next working day, 民法典 art. 203) apply unless an active local
rule covers the complaint's area, channel and track on the day it was received; among those, the nearest area wins,
then one naming the channel, then one naming the track. Dates checked by hand against the State Council notice for
2025 (国办发明电〔2024〕12号)."""

import datetime as dt
from dataclasses import astuple

import pytest
from django.utils import timezone

from boundary import DAY, three
from envbureau.complaints import deadlines
from envbureau.complaints.models import Complaint, DeadlineRule
from envbureau.core.models import Jurisdiction

D = dt.date
STREET, DISTRICT, CITY, OTHER_DISTRICT = "110101001000", "110101", "110000", "110105"


def _jur(code):
    return Jurisdiction.objects.get(code=code)


def _rule(name, code=None, **kw):
    return DeadlineRule.objects.create(name=name, jurisdiction=_jur(code) if code else None, **kw)


def _chosen(code=STREET, channel="hotline", track="clue", on=D(2025, 3, 3)):
    return deadlines.rule_for(_jur(code) if code else None, channel, track, on).name


def test_the_national_defaults_are_the_regulations(demo_core):
    """信访工作条例 arts. 22, 23, 34-36 and the 12369 rules: 15 calendar days to accept, 60 calendar days from
    acceptance to finish, at most 30 days of extension, 30 days to ask for a review and 30 to answer it, days off
    at the end of a period rolled forward; no start limit of its own."""
    rule = deadlines.rule_for(_jur(STREET), "hotline", "clue", D(2025, 3, 3))
    assert (rule.accept_days, rule.accept_kind, rule.start_days, rule.finish_days, rule.finish_kind,
            rule.extension_max_days, rule.review_request_days, rule.review_answer_days, rule.roll_forward,
            rule.pk) == (15, "calendar", None, 60, "calendar", 30, 30, 30, True, None)
    assert "信访工作条例" in rule.name and "信访工作条例" in rule.source
    assert deadlines.rule_for(None) == rule  # no area, no channel, no day: the same defaults


def test_a_local_rule_is_read_whole(demo_core):
    """Every limit of the rule chosen comes from its row, as entered under 办理期限规则."""
    r = _rule("东城区快办", DISTRICT, accept_days=3, accept_kind="working", start_days=2, start_kind="calendar",
              finish_days=20, finish_kind="working", extension_max_days=10, review_request_days=11,
              review_answer_days=12, roll_forward=False, source="东城区信访工作规定")
    got = deadlines.rule_for(_jur(STREET), "hotline", "clue", D(2025, 3, 3))
    assert astuple(got) == ("东城区快办", 3, "working", 2, "calendar", 20, "working", 10, 11, 12, False,
                            "东城区信访工作规定", r.pk)


def test_the_nearest_area_wins(demo_core):
    _rule("全国规则")  # no area: everywhere, below any area's own
    assert _chosen() == "全国规则"
    _rule("北京市规则", CITY)
    assert _chosen() == "北京市规则"
    _rule("东城区规则", DISTRICT)
    assert _chosen() == "东城区规则"
    _rule("东华门街道规则", STREET)
    assert _chosen() == "东华门街道规则"
    assert _chosen(code=DISTRICT) == "东城区规则"  # a complaint routed to the district: not the street's
    assert _chosen(code=OTHER_DISTRICT) == "北京市规则"  # Chaoyang: neither Dongcheng's nor its street's
    assert _chosen(code=None) == "全国规则"  # no area: only a rule for everywhere


def test_the_area_counts_before_the_channel_and_the_channel_before_the_track(demo_core):
    _rule("全国热线", channel="hotline", track="clue")
    _rule("北京市", CITY)
    assert _chosen() == "北京市"  # a city's plain rule over a national one naming channel and track
    _rule("北京市线索", CITY, track="clue")
    assert _chosen() == "北京市线索"
    _rule("北京市热线", CITY, channel="hotline")
    assert _chosen() == "北京市热线"  # the channel over the track
    _rule("北京市热线线索", CITY, channel="hotline", track="clue")
    assert _chosen() == "北京市热线线索"
    _rule("东城区", DISTRICT)
    assert _chosen() == "东城区"  # the nearer area over a city rule naming both


def test_rules_for_another_channel_or_track_or_inactive_do_not_apply(demo_core):
    _rule("东城区微信", DISTRICT, channel="wechat")
    _rule("东城区信访事项", DISTRICT, track="petition")
    _rule("东城区停用", DISTRICT, active=False)
    _rule("朝阳区", OTHER_DISTRICT)
    assert _chosen() == deadlines.NATIONAL.name
    assert _chosen(channel="wechat") == "东城区微信"
    assert _chosen(track="petition") == "东城区信访事项"


def test_of_two_rules_alike_the_one_added_last(demo_core):
    _rule("东城区(旧)", DISTRICT, channel="hotline")
    _rule("东城区(新)", DISTRICT, channel="hotline")
    assert _chosen() == "东城区(新)"


def test_a_rule_applies_from_its_first_day_to_its_last(demo_core):
    _rule("2025年度", DISTRICT, effective_from=D(2025, 1, 1), effective_to=D(2025, 12, 31))

    def applies(on):
        return _chosen(on=on) == "2025年度"

    assert three(applies, D(2025, 1, 1), DAY) == (False, True, True)
    assert three(applies, D(2025, 12, 31), DAY) == (True, True, False)


def test_without_a_day_the_rule_of_today(demo_core):
    today = timezone.localdate()
    _rule("今日起", DISTRICT, effective_from=today)
    _rule("昨日止", STREET, effective_to=today - DAY)
    assert deadlines.rule_for(_jur(STREET), "hotline", "clue").name == "今日起"


# ---- compute: the complaint's due days from its rule --------------------------------------------------------

def _complaint(received, accepted=None, extension_days=0, code=STREET, channel="hotline", track="clue"):
    """An unsaved complaint: compute() only reads its area, channel, track, dates and extension."""
    return Complaint(jurisdiction=_jur(code), channel=channel, track=track, received_at=received,
                     accepted_at=accepted, extension_days=extension_days)


def _at(y, m, d, h=10, minute=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, minute))


def test_compute_without_acceptance_sets_only_the_acceptance_day(demo_core):
    c = _complaint(_at(2025, 3, 3))
    c.start_due, c.finish_due = D(2025, 3, 5), D(2025, 5, 2)  # left from before: cleared
    rule = deadlines.compute(c)
    assert rule == deadlines.NATIONAL
    assert (c.accept_due, c.start_due, c.finish_due) == (D(2025, 3, 18), None, None)  # 3 Mar + 15 days
    assert c.rule_label == deadlines.NATIONAL.name


def test_compute_counts_from_the_local_day_of_receipt_and_of_acceptance(demo_core):
    """Received 00:30 on Tue 4 Mar Beijing time (still 3 Mar in UTC): 15 days from 4 Mar end Wed 19 Mar.
    Accepted 00:30 on Sat 8 Mar (7 Mar in UTC): 60 days end Wed 7 May."""
    c = _complaint(_at(2025, 3, 4, 0, 30), accepted=_at(2025, 3, 8, 0, 30))
    deadlines.compute(c)
    assert (c.accept_due, c.finish_due) == (D(2025, 3, 19), D(2025, 5, 7))


def test_compute_uses_the_rule_given_and_returns_it(demo_core):
    _rule("东城区", DISTRICT, accept_days=5)  # would apply, but the caller names the rule
    given = deadlines.Rule(name="给定规则", accept_days=2, accept_kind="working", start_days=1, finish_days=10,
                           finish_kind="working")
    c = _complaint(_at(2025, 3, 7), accepted=_at(2025, 3, 7, 11))  # Friday
    assert deadlines.compute(c, given) is given
    # 2 working days after Fri 7 Mar: Mon 10, Tue 11; 1 working day: Mon 10; 10 working days: Fri 21 Mar
    assert (c.rule_label, c.accept_due, c.start_due, c.finish_due) == ("给定规则", D(2025, 3, 11), D(2025, 3, 10),
                                                                       D(2025, 3, 21))


def test_compute_takes_the_rule_of_the_day_of_receipt(demo_core):
    """A rule that ended before today still governs a complaint received while it was in force."""
    _rule("2025年东城区热线线索", DISTRICT, channel="hotline", track="clue", accept_days=7, start_days=3,
          start_kind="working", finish_days=30, effective_from=D(2025, 1, 1), effective_to=D(2025, 12, 31))
    c = _complaint(_at(2025, 3, 3), accepted=_at(2025, 3, 4))
    rule = deadlines.compute(c)
    assert rule.name == c.rule_label == "2025年东城区热线线索"
    # 3 Mar + 7 = Mon 10 Mar; 3 working days after Tue 4 Mar: Fri 7 Mar; 4 Mar + 30 = Thu 3 Apr
    assert (c.accept_due, c.start_due, c.finish_due) == (D(2025, 3, 10), D(2025, 3, 7), D(2025, 4, 3))
    other = _complaint(_at(2025, 3, 3), channel="wechat")  # the same day by another channel: the national rule
    assert deadlines.compute(other).name == deadlines.NATIONAL.name


def test_compute_rolls_a_day_off_forward_only_when_the_rule_says_so(demo_core):
    """Accepted Sat 2 Aug 2025: 60 calendar days end on 1 Oct (国庆); rolled, Thu 9 Oct. Received Mon 22 Sep:
    15 days end Tue 7 Oct, also off; rolled, 9 Oct."""
    c = _complaint(_at(2025, 9, 22), accepted=_at(2025, 8, 2))
    deadlines.compute(c)
    assert (c.accept_due, c.finish_due) == (D(2025, 10, 9), D(2025, 10, 9))
    deadlines.compute(c, deadlines.Rule(name="不顺延", roll_forward=False))
    assert (c.accept_due, c.finish_due) == (D(2025, 10, 7), D(2025, 10, 1))


def test_an_extension_runs_on_from_the_original_day_in_the_rules_days(demo_core):
    """Accepted Mon 3 Mar 2025: 60 days end Fri 2 May, off (劳动节 1-5 May) → Tue 6 May; 20 more days from 6 May:
    Mon 26 May. Under a rule of 20 working days: Mon 31 Mar, then 5 more working days: Tue 8 Apr (4 Apr 清明 off)."""
    c = _complaint(_at(2025, 3, 3), accepted=_at(2025, 3, 3, 11), extension_days=20)
    deadlines.compute(c)
    assert c.finish_due == D(2025, 5, 26)
    c.extension_days = 19  # 6 May + 19 days = Sun 25 May, a day off → Mon 26 May
    deadlines.compute(c)
    assert c.finish_due == D(2025, 5, 26)
    c.extension_days = 5
    deadlines.compute(c, deadlines.Rule(name="工作日", finish_days=20, finish_kind="working"))
    assert c.finish_due == D(2025, 4, 8)
    c.extension_days = 0
    deadlines.compute(c, deadlines.Rule(name="工作日", finish_days=20, finish_kind="working"))
    assert c.finish_due == D(2025, 3, 31)


def test_a_long_rule_name_is_cut_to_the_label_s_200_characters(demo_core):
    c = _complaint(_at(2025, 3, 3))
    deadlines.compute(c, deadlines.Rule(name="长" * 250))
    assert c.rule_label == "长" * 200


@pytest.mark.parametrize("value,day", [
    (dt.datetime(2025, 3, 3, 23, 30), D(2025, 3, 3)),  # naive: its own date
    (timezone.make_aware(dt.datetime(2025, 3, 4, 0, 30)), D(2025, 3, 4)),  # aware: the local date (UTC 3 Mar)
    (D(2025, 3, 3), D(2025, 3, 3)),
])
def test_local_date(value, day):
    assert deadlines.local_date(value) == day


def test_add_days_counts_calendar_days_unrolled_unless_told(demo_core):
    """Without a kind: calendar days; without roll_forward: a period ending on a day off ends there (Sat 15 Mar
    2025 is 14 days after Sat 1 Mar)."""
    assert deadlines.add_days(D(2025, 3, 1), 14) == D(2025, 3, 15)
    assert deadlines.add_days(D(2025, 3, 1), 14, "calendar", True) == D(2025, 3, 17)
    assert deadlines.add_days(D(2025, 3, 1), 14, "working") == D(2025, 3, 20)  # Mon 3 … Thu 20 Mar


def test_a_start_limit_in_calendar_days_is_rolled_too(demo_core):
    """Start within 2 calendar days of acceptance on Thu 6 Mar 2025: Sat 8 Mar, a day off → Mon 10 Mar; under a rule
    that does not roll, Sat 8 Mar."""
    c = _complaint(_at(2025, 3, 6), accepted=_at(2025, 3, 6, 11))
    deadlines.compute(c, deadlines.Rule(name="两日内开始", start_days=2, start_kind="calendar"))
    assert c.start_due == D(2025, 3, 10)
    deadlines.compute(c, deadlines.Rule(name="两日内开始", start_days=2, start_kind="calendar", roll_forward=False))
    assert c.start_due == D(2025, 3, 8)


def test_the_old_transitions_table_is_still_reached_by_name():
    # choices.TRANSITIONS is read lazily (module __getattr__) from the workflow declared in workflows.py
    from envbureau.complaints import choices, workflows

    assert choices.TRANSITIONS is workflows.TRANSITIONS
    with pytest.raises(AttributeError) as err:
        choices.NOT_A_NAME  # noqa: B018
    assert str(err.value) == "NOT_A_NAME"


def test_the_most_specific_rule_wins_whatever_order_the_rules_were_written_in(demo_core):
    # the order above, written backwards: the nearest, most specific rule first, the plainest last
    _rule("东城区热线线索", DISTRICT, channel="hotline", track="clue")
    _rule("东城区线索", DISTRICT, track="clue")
    _rule("东城区", DISTRICT)
    _rule("全国规则")
    assert _chosen() == "东城区热线线索"
    assert _chosen(channel="web") == "东城区线索"  # the track over the plain rule of the same area
    assert _chosen(channel="web", track="report") == "东城区"
    assert _chosen(code=OTHER_DISTRICT) == "全国规则"
