"""查封、扣押 must be dealt with inside its term, and one taken on the spot needs the head's approval within 24
hours (MEE Order No. 29 arts. 13, 15, 20, 22; 行政强制法 arts. 25, 27):

* the term is 30 calendar days from the decision, extendable once by at most 30 with the head's approval; the
  open task ("解除查封、扣押或作出处理决定") is due on the term's last day and moves with an extension; the kit's
  reminders warn before it and flag it overdue the day after, once;
* within the term the seizure ends by a release or a 处理决定 (transfer to the police with the seized items,
  confiscation, destruction); either after the term is shown as late;
* taken on the spot at 15:30, approval is due at 15:30 the next day: the job flags it from 15:31, once; an
  approval after the limit is recorded as late; the head may release instead.
Expected dates are counted by hand in the comments."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from boundary import DAY, three
from envbureau.core import deadlines as dl
from envbureau.core import notify
from envbureau.core import workflow as wf
from envbureau.core.models import Notification
from envbureau.enforcement import cases, measures
from envbureau.enforcement.models import LegalBasis, Measure

D = dt.date
MINUTE = dt.timedelta(minutes=1)


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def case(world):
    LegalBasis.objects.create(provision="evade", instrument="水污染防治法", article="第八十三条",
                              effective_from=D(2018, 1, 1), fine_min=100000, fine_max=1000000)
    return cases.open_case(None, enterprise_id=world["enterprises"][0].pk, cause="私设暗管排放", provision="evade",
                           act_date="2026-09-01", filed_on="2026-09-05", handlers=world["inspectors"][:2],
                           facts="现场发现暗管")


@pytest.fixture
def officer(world):
    """A 执法人员 (built-in role enforcement_officer, city-wide): the person told about the steps."""
    from envbureau.core.models import Role, RoleAssignment, User

    u = User.objects.create_user(username="zf_officer", password="x")
    RoleAssignment.objects.create(user=u, role=Role.objects.get(code="enforcement_officer"))
    return u


def _task(m):
    tasks = list(wf.open_tasks(m))
    assert len(tasks) == 1, tasks
    return tasks[0]


def _seize(case, decided="2026-09-10", **kw):
    return measures.order(None, case, kind="seizure", decided_on=decided, content="暗管排放泵1台、阀门2个", **kw)


# ---- the term and its task --------------------------------------------------------------------------

def test_the_seizure_task_is_due_on_the_last_day_of_its_term_and_moves_with_the_extension(case, user_named):
    m = _seize(case)
    # decided Thu 2026-09-10, 30 calendar days (not rolled forward) → Sat 2026-10-10
    assert m.ends_on == D(2026, 10, 10)
    assert _task(m).due_date == D(2026, 10, 10)
    wf.apply(None, m, "serve", served_on="2026-09-10")
    t = _task(m)
    assert (t.due_date, t.action) == (D(2026, 10, 10), "期限内解除查封、扣押或作出处理决定")
    head = user_named("admin")
    wf.apply(head, m, "extend", days=30, note="案情复杂,需委托鉴定")
    m.refresh_from_db()
    # + 30 days → 2026-11-09; the task follows
    assert m.ends_on == D(2026, 11, 9) and _task(m).due_date == D(2026, 11, 9)
    with pytest.raises(ValidationError, match="30"):  # extended once by at most 30 days in all
        wf.apply(head, m, "extend", days=1, note="再延长")


def test_reminders_before_the_term_ends_and_overdue_once_after(case, officer):
    m = _seize(case)
    wf.apply(None, m, "serve", served_on="2026-09-10")
    key = f"enforcement.measure-{m.pk}-in_force"

    def notes(kind):
        return Notification.objects.filter(kind=kind, recipient=officer, url=f"/enforcement/measures/{m.pk}/").count()

    notify.run_reminders(today=D(2026, 10, 9))  # one day before the last day (lead days 3 and 1)
    near = notes("near_deadline")
    assert near > 0, "the people on the step are warned the day before"
    assert notify.run_reminders(today=D(2026, 10, 10))["overdue"] == 0  # the last day itself is in time
    out = notify.run_reminders(today=D(2026, 10, 11))
    assert out["overdue"] == 1 and notes("overdue") > 0
    assert [e["verb"] for e in wf.timeline(m) if e["verb"] == "overdue"] == ["overdue"]
    assert notify.run_reminders(today=D(2026, 10, 12))["overdue"] == 0, "flagged once, not every day: " + key
    assert measures.expired(m, D(2026, 10, 11)) and not measures.expired(m, D(2026, 10, 10))


# ---- dealt with: released or a 处理决定 -------------------------------------------------------------------

def test_a_disposal_in_the_term_ends_the_seizure_and_one_after_it_is_late(case):
    def disposed(on):
        m = _seize(case)
        wf.apply(None, m, "serve", served_on="2026-09-10")
        wf.apply(None, m, "dispose", disposal="transfer", disposed_on=on, note="涉嫌污染环境罪,公安机关已立案")
        m.refresh_from_db()
        assert m.state == "ended" and dl.clock(m, measures.DURATION).stopped_at is not None
        assert list(wf.open_tasks(m)) == []
        from envbureau.core.models import TimelineEvent

        flags = [e.data.get("late") for e in TimelineEvent.objects.filter(
            model="enforcement.measure", object_id=str(m.pk), verb="dispose")]
        assert len(flags) == 1 and flags[0] == bool(measures.late_steps(m))
        return flags[0]

    assert three(disposed, D(2026, 10, 10), DAY) == (False, False, True)
    m = Measure.objects.filter(kind="seizure", disposed_on=D(2026, 10, 11)).get()
    assert m.get_disposal_display() == "移送公安机关(涉嫌环境污染犯罪)"
    assert "查封、扣押期限届满后才解除或作出处理决定(期满 2026-10-10,实际 2026-10-11)" in measures.late_steps(m)


def test_a_release_after_the_term_is_shown_late(case):
    m = _seize(case)
    wf.apply(None, m, "serve", served_on="2026-09-10")
    wf.apply(None, m, "release", released_on="2026-10-12", note="已改正")
    m.refresh_from_db()
    assert "实际 2026-10-12" in " ".join(measures.late_steps(m))


def test_bad_disposals_say_what(case):
    m = _seize(case)
    wf.apply(None, m, "serve", served_on="2026-09-10")
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, m, "dispose", disposal="sell", disposed_on="2026-09-20", note="x")
    assert "disposal" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, m, "dispose", disposal="confiscate", disposed_on="2026-09-09", note="x")
    assert "disposed_on" in exc.value.message_dict
    with pytest.raises(ValidationError):  # a 处理决定 needs its reasons
        wf.apply(None, m, "dispose", disposal="confiscate", disposed_on="2026-09-20", note="")
    order = measures.order(None, case, kind="correction", decided_on="2026-09-10", content="拆除暗管")
    wf.apply(None, order, "serve", served_on="2026-09-11")
    with pytest.raises(ValidationError):  # only a seizure has a 处理决定
        wf.apply(None, order, "dispose", disposal="confiscate", disposed_on="2026-09-20", note="x")


# ---- taken on the spot: the head's approval within 24 hours ---------------------------------------------

def test_on_the_spot_seizure_waits_for_approval_due_24_hours_later(case):
    taken = local(2026, 9, 10, 15, 30)
    m = _seize(case, decided=None, on_the_spot=True, taken_at="2026-09-10 15:30")
    assert (m.state, m.taken_at, m.approval_due) == ("pending", taken, local(2026, 9, 11, 15, 30))
    assert (m.decided_on, m.served_on, m.ends_on) == (D(2026, 9, 10), D(2026, 9, 10), D(2026, 10, 10))
    t = _task(m)
    assert (t.due_date, t.permission) == (D(2026, 9, 11), "enforcement.decide")
    assert t.action == "负责人补办查封、扣押批准手续(2026-09-11 15:30前)"
    due = m.approval_due
    assert three(lambda now: measures.approval_overdue(m, now), due, MINUTE) == (False, False, True)


def test_the_watch_flags_an_unapproved_seizure_once_from_the_minute_after(case, officer):
    m = _seize(case, decided=None, on_the_spot=True, taken_at="2026-09-10 15:30")
    due = local(2026, 9, 11, 15, 30)
    assert measures.watch(now=due) == 0
    assert measures.watch(now=due + MINUTE) == 1
    overdue = [e for e in wf.timeline(m) if e["verb"] == "overdue"]
    assert len(overdue) == 1 and "2026-09-11 15:30" in overdue[0]["note"]
    assert Notification.objects.filter(kind="overdue", recipient=officer, url=f"/enforcement/measures/{m.pk}/",
                                       message__contains="24").count() == 1
    assert measures.watch(now=due + 60 * MINUTE) == 0, "once"


def test_an_approval_after_the_limit_is_recorded_late(case):
    def late(at):
        m = _seize(case, decided=None, on_the_spot=True, taken_at="2026-09-10 15:30")
        wf.apply(None, m, "approve", approved_at=at)
        m.refresh_from_db()
        assert m.state == "in_force" and m.approved_at == timezone.make_aware(dt.datetime.fromisoformat(at))
        assert _task(m).due_date == D(2026, 10, 10)  # now the term's last day
        return m.approval_late

    assert (late("2026-09-11 15:29"), late("2026-09-11 15:30"), late("2026-09-11 15:31")) == (False, False, True)
    m = Measure.objects.get(approval_late=True)
    assert "补办批准超时(应于 2026-09-11 15:30 前,实际 2026-09-11 15:31)" in measures.late_steps(m)
    m2 = _seize(case, decided=None, on_the_spot=True, taken_at="2026-09-10 15:30")
    with pytest.raises(ValidationError) as exc:
        wf.apply(None, m2, "approve", approved_at="2026-09-10 15:00")
    assert "approved_at" in exc.value.message_dict


def test_the_head_may_release_instead_of_approving(case):
    m = _seize(case, decided=None, on_the_spot=True, taken_at="2026-09-10 15:30")
    wf.apply(None, m, "release", released_on="2026-09-11", note="负责人认为不需要查封、扣押,立即解除")
    m.refresh_from_db()
    assert m.state == "ended" and m.approved_at is None
    assert measures.watch(now=local(2026, 9, 12, 0, 0)) == 0  # nothing left to approve


def test_on_the_spot_bad_input_says_which_field(case):
    for kw, field in (({"on_the_spot": True}, "taken_at"),
                      ({"on_the_spot": True, "taken_at": "昨天下午"}, "taken_at"),
                      ({"on_the_spot": True, "taken_at": "2026-09-10 15:30", "decided": "2026-09-11"}, "decided_on")):
        decided = kw.pop("decided", None)
        with pytest.raises(ValidationError) as exc:
            _seize(case, decided=decided, **kw)
        assert field in exc.value.message_dict, (kw, exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        measures.order(None, case, kind="correction", decided_on="2026-09-10", content="改正", on_the_spot=True,
                       taken_at="2026-09-10 15:30")
    assert "on_the_spot" in exc.value.message_dict
    future = timezone.localtime() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as exc:
        _seize(case, decided=None, on_the_spot=True, taken_at=future.strftime("%Y-%m-%d %H:%M"))
    assert "taken_at" in exc.value.message_dict


def test_pages_and_api(case, client_for):
    from pagecheck import shows

    c = client_for("admin")
    r = c.post(f"/enforcement/cases/{case.pk}/measures/new/", {
        "kind": "seizure", "decided_on": "2026-09-10", "content": "暗管排放泵1台", "on_the_spot": "on",
        "taken_at": "2026-09-10T15:30"})
    assert r.status_code == 302
    m = Measure.objects.get(case=case, on_the_spot=True)
    assert m.state == "pending" and m.approval_due == local(2026, 9, 11, 15, 30)
    shows(c, {f"/enforcement/measures/{m.pk}/": lambda r: all(t in r.content.decode() for t in (
        "情况紧急,当场实施", "2026-09-11 15:30", "负责人补办批准", "已超过补办批准时限仍未经负责人批准"))})
    r = c.post(f"/enforcement/measures/{m.pk}/do/approve/", {"approved_at": "2026-09-11T10:00"})
    m.refresh_from_db()
    assert r.status_code == 302 and m.state == "in_force" and not m.approval_late
    shows(c, {f"/enforcement/measures/{m.pk}/": lambda r: "作出处理决定" in r.content.decode()
              and "移送公安机关(涉嫌环境污染犯罪)" in r.content.decode()})
    r = c.post(f"/enforcement/measures/{m.pk}/do/dispose/", {"disposal": "confiscate", "disposed_on": "2026-09-20",
                                                             "note": "依法没收暗管排放设备"})
    m.refresh_from_db()
    assert r.status_code == 302 and (m.state, m.disposal) == ("ended", "confiscate")

    api = "/api/v1/enforcement/measures/"
    r = c.post(api, {"case": case.pk, "kind": "seizure", "content": "阀门", "on_the_spot": True},
               content_type="application/json")
    assert r.status_code == 400 and "taken_at" in r.json()["error"]["fields"]
    r = c.post(api, {"case": case.pk, "kind": "seizure", "content": "阀门", "on_the_spot": True,
                     "taken_at": "2026-09-12 08:00"}, content_type="application/json")
    body = r.json()
    assert r.status_code == 201, body
    assert (body["state"], body["approval_overdue"], body["approval_due"][:16]) == ("pending", True,
                                                                                     "2026-09-13T08:00")
    r = c.post(f"{api}{body['id']}/approve/", {"approved_at": "2026-09-13 09:00"}, content_type="application/json")
    assert r.status_code == 200 and (r.json()["state"], r.json()["approval_late"]) == ("in_force", True)
    r = c.post(f"{api}{body['id']}/dispose/", {"disposal": "x", "note": "y"}, content_type="application/json")
    assert r.status_code == 400 and "disposal" in r.json()["error"]["fields"]
