"""证后监管 from online monitoring: a concentration-exceedance alarm on a limit a valid permit owns opens one
supervision finding per permit and local month (sv-alarm-<permit>-<YYYYMM>) in the officer's inbox, naming the
points and factors and counting the alarms; limits no permit owns, revoked and expired permits open nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from envbureau.approvals import permits, supervision
from envbureau.core import workflow as wf
from envbureau.core.notify import tasks_for
from envbureau.sources.models import Alarm, MonitoringPoint, Outlet, PollutantLimit

D = dt.date
COD = {"outlet_code": "DW001", "factor": "w01018", "limit_value": 100}
NH3 = {"outlet_code": "DW001", "factor": "w21003", "limit_value": 15}


def _issue(world, **kw):
    return permits.issue(None, enterprise_id=world["e1"].pk, number="91110101MA01AAAA1X001P", category="key",
                         issued_on="2026-01-05", limits=[COD, NH3], **kw)


def _alarm(point, factor, local: str, kind="exceedance", **kw):
    """An alarm started at a local (Asia/Shanghai) time "YYYY-MM-DD HH:MM"."""
    at = timezone.make_aware(dt.datetime.fromisoformat(local))
    return Alarm.objects.create(point=point, enterprise_id=point.enterprise_id, kind=kind, factor=factor,
                                detail_key="hour", started_at=at, last_seen_at=at, value=150, limit_value=100, **kw)


def _keys(permit):
    return sorted(t.state for t in supervision.open_findings(permit))


def test_a_months_exceedances_on_permit_limits_make_one_task_in_the_officers_inbox(world):
    p = _issue(world)
    point = world["point"]
    assert PollutantLimit.objects.filter(point=point, source_ref=p.source_ref).count() == 2
    _alarm(point, "w01018", "2026-02-10 10:00")
    assert supervision.scan_alarms(D(2026, 2, 10)) == 1
    task = supervision.open_findings(p).get()
    assert task.state == f"+sv-alarm-{p.pk}-202602"
    assert task.action == "证后监管:2026年2月 在线监测超标报警 1 次(废水在线 COD)"
    assert task.pk in {t.pk for t in tasks_for(world["officer"])}
    assert task.pk not in {t.pk for t in tasks_for(world["ent_user"])}
    _alarm(point, "w21003", "2026-02-20 08:00")
    assert supervision.scan_alarms(D(2026, 2, 20)) == 0  # the same month: no second task
    assert _keys(p) == [f"+sv-alarm-{p.pk}-202602"]
    note = [e for e in wf.timeline(p) if e["verb"] == "supervise_open"]
    assert len(note) == 1
    # handled: the month's later alarms do not reopen it
    wf.apply(world["officer"], p, "supervise", task=f"sv-alarm-{p.pk}-202602", note="约谈企业,核查超标原因")
    _alarm(point, "w01018", "2026-02-25 08:00")
    assert supervision.scan_alarms(D(2026, 2, 25)) == 0 and _keys(p) == []


def test_limits_no_permit_owns_declared_and_other_alarm_kinds_open_nothing(world):
    p = _issue(world)
    other = Outlet.objects.create(enterprise=world["e1"], code="DW009", name="生活污水", kind="water")
    p2 = MonitoringPoint(outlet=other, mn="88888880000009", name="生活污水在线")
    p2.save()
    PollutantLimit.objects.create(point=p2, factor="w01018", limit_value=50, standard="GB 8978-1996")
    _alarm(p2, "w01018", "2026-03-05 10:00")  # the emission standard's limit, not the permit's
    _alarm(world["point"], "w01018", "2026-03-06 10:00", kind="absence")
    _alarm(world["point"], "w01018", "2026-03-07 10:00", declared=True)  # inside a declared exception window
    assert supervision.scan_alarms(D(2026, 3, 8)) == 0 and _keys(p) == []


def test_the_month_is_the_local_month(world):
    """23:30 on 31 March and 00:30 on 1 April Beijing time are both in March in UTC: two findings, not one."""
    p = _issue(world)
    _alarm(world["point"], "w01018", "2026-03-31 23:30")
    _alarm(world["point"], "w01018", "2026-04-01 00:30")
    _alarm(world["point"], "w21003", "2026-04-01 00:45")
    assert supervision.scan_alarms(D(2026, 4, 1)) == 2
    march, april = (supervision.open_findings(p).get(state=f"+sv-alarm-{p.pk}-{m}") for m in ("202603", "202604"))
    assert "1 次(废水在线 COD)" in march.action
    assert "2026年4月 在线监测超标报警 2 次(废水在线 COD、氨氮)" in april.action


def test_window_is_last_month_to_today(world):
    p = _issue(world)
    _alarm(world["point"], "w01018", "2026-02-28 23:59")
    _alarm(world["point"], "w01018", "2026-04-02 00:00")  # tomorrow: not yet
    assert supervision.scan_alarms(D(2026, 4, 1)) == 0  # February is before last month
    assert supervision.scan_alarms(D(2026, 3, 1)) == 1 and _keys(p) == [f"+sv-alarm-{p.pk}-202602"]


@pytest.mark.parametrize("verb", ["revoke", "expire"])
def test_revoked_or_expired_permit_opens_nothing(world, verb):
    p = _issue(world, valid_until="2026-03-01")
    if verb == "revoke":
        wf.apply(world["officer"], p, "revoke", note="以欺骗手段取得", on="2026-02-01")
    else:
        wf.apply(None, p, "expire", on="2026-03-02")
    _alarm(world["point"], "w01018", "2026-03-10 10:00")
    assert supervision.scan_alarms(D(2026, 3, 10)) == 0
    assert not supervision.open_findings(p).exists()


def test_the_finding_reads_in_the_readers_language_whoever_scanned(world):
    """A finding opened while the language was English (a scan run from an English page) is stored in Chinese
    (the task, search) and its timeline line reads in each reader's language: month, factor and words."""
    from django.utils import translation

    p = _issue(world)
    _alarm(world["point"], "w21003", "2026-02-10 10:00")
    with translation.override("en"):
        assert supervision.scan_alarms(D(2026, 2, 10)) == 1
    assert supervision.open_findings(p).get().action == "证后监管:2026年2月 在线监测超标报警 1 次(废水在线 氨氮)"
    with translation.override("en"):
        en = [e["note"] for e in wf.timeline(p) if e["verb"] == "supervise_open"]
    assert en == ["Post-permit supervision: 2026-02, 1 online-monitoring exceedance alarm(s) (废水在线 Ammonia nitrogen)"]
    with translation.override("zh-hans"):
        zh = [e["note"] for e in wf.timeline(p) if e["verb"] == "supervise_open"]
    assert zh == ["证后监管:2026年2月 在线监测超标报警 1 次(废水在线 氨氮)"]
