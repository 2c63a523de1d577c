"""Import (all-or-nothing, row messages, upsert on code), statistics on a hand-built set, reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from envbureau.core.excel import workbook_bytes
from envbureau.core.importing import get_importer
from envbureau.core.models import Notification, TimelineEvent
from envbureau.ledger import services, stats
from envbureau.ledger.choices import State
from envbureau.ledger.models import Problem

HEADER = ["问题编号", "问题来源", "批次", "行政区域", "污染类型", "督察反馈问题", "整改措施", "牵头责任单位",
          "整改时限", "交办日期"]


def xlsx(rows):
    return workbook_bytes([("台账", HEADER, rows)])


def good_row(code="ZY4-03-001", juris="东城区", deadline="2026-12-31"):
    return [code, "中央生态环境保护督察", "中央第四生态环境保护督察组 第3批", juris, "大气污染", "油烟扰民",
            "安装净化设施", "牵头:东城区生态环境局;配合:东华门街道", deadline, "2026-05-12"]


def test_import_all_or_nothing_with_row_messages(actors):
    imp = get_importer("ledger.problem")
    rows = [good_row(), good_row("ZY4-03-002", juris="西城区"), good_row("ZY4-03-003", deadline="明年"),
            good_row("ZY4-03-004", juris="火星区")]
    rows[0][4] = "大气污染"
    res = imp.run(xlsx(rows), "台账.xlsx", actors["dist"])
    assert not res.ok and Problem.objects.count() == 0
    msgs = {(e["row"], e["column"]): e["message"] for e in res.errors}
    assert msgs[(3, "属地")] == "“西城区”不存在或不在您的权限范围内"
    assert "无法识别的日期" in msgs[(4, "整改时限")]
    assert msgs[(5, "属地")] == "“火星区”不存在或不在您的权限范围内"
    assert (2, "属地") not in msgs


def test_import_creates_then_updates_by_code(actors):
    imp = get_importer("ledger.problem")
    res = imp.run(xlsx([good_row(), good_row("ZY4-03-002", deadline="长期坚持")]), "台账.xlsx", actors["mgr"])
    assert res.ok, res.errors
    assert res.saved == {"created": 2, "updated": 0}
    p = Problem.objects.get(code="ZY4-03-001")
    assert p.category == "air" and p.source == "central_oversight" and p.jurisdiction.code == "110101"
    assert p.responsible_units == ["东城区生态环境局", "东华门街道"] and p.deadline == dt.date(2026, 12, 31)
    assert Problem.objects.get(code="ZY4-03-002").long_term is True
    row = good_row()
    row[5] = "油烟扰民(更新)"
    res = imp.run(xlsx([row]), "台账.xlsx", actors["mgr"])
    assert res.saved == {"created": 0, "updated": 1}
    assert Problem.objects.get(code="ZY4-03-001").title == "油烟扰民(更新)"
    # Duplicate codes inside one file are refused as a whole.
    res = imp.run(xlsx([good_row("X-1"), good_row("X-1")]), "台账.xlsx", actors["mgr"])
    assert not res.ok and "重复" in res.errors[0]["message"] and not Problem.objects.filter(code="X-1").exists()


def test_import_template_has_the_columns():
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(get_importer("ledger.problem").template_bytes()))
    header = [c.value for c in wb.worksheets[0][1]]
    assert "问题来源*" in header and "督察反馈问题*" in header and "整改时限" in header


@pytest.fixture
def hand_built(make_problem):
    """10 problems of one batch: 3 closed out (1 of them noticed), 1 verified, 6 open of which 2 past deadline
    and 1 long-term. The batch runs 2026-01-01 → 2026-12-31."""
    today = dt.date(2026, 7, 2)  # day 182 of 364 → time share 50.0%
    set_ = []
    for i in range(10):
        p = make_problem(batch="测试批次", received_on=dt.date(2026, 1, 1), deadline=dt.date(2026, 12, 31),
                         source="campaign" if i < 4 else "patrol", category="water" if i % 2 else "air",
                         jurisdiction="110101001000" if i < 6 else "110102")
        set_.append(p)
    states = [State.CLOSED_OUT, State.CLOSED_OUT, State.NOTICED, State.VERIFIED, State.REGISTERED,
              State.ASSIGNED, State.IN_RECTIFICATION, State.CLOSURE_REQUESTED, State.RETURNED, State.IN_RECTIFICATION]
    for p, s in zip(set_, states):
        Problem.objects.filter(pk=p.pk).update(state=s)
    Problem.objects.filter(pk__in=[set_[4].pk, set_[5].pk]).update(deadline=dt.date(2026, 6, 30))  # overdue
    Problem.objects.filter(pk=set_[0].pk).update(deadline=dt.date(2026, 6, 1))  # closed: never overdue
    Problem.objects.filter(pk=set_[9].pk).update(long_term=True)
    return today, set_


def test_statistics_on_hand_built_set(hand_built):
    today, _ps = hand_built
    s = stats.summary(Problem.objects.all(), today)
    assert (s["total"], s["closed"], s["done"], s["in_progress"], s["overdue"], s["long_term"]) == (10, 3, 4, 6, 2, 1)
    assert s["closure_rate"] == "30.0" and s["done_rate"] == "40.0"
    sch = s["schedule"]
    assert sch["time_share"] == "50.0" and sch["done_share"] == "40.0"
    assert sch["half_met"] is False and sch["on_schedule"] is False and "滞后" in sch["verdict"]
    by_source = {r["source"]: r for r in stats.breakdown(Problem.objects.all(), "source", today)}
    assert by_source["campaign"]["total"] == 4 and by_source["campaign"]["closure_rate"] == "75.0"
    assert by_source["patrol"]["overdue"] == 2
    by_district = {r["code"]: r for r in stats.by_district(Problem.objects.all(), today)}
    assert by_district["110101"]["total"] == 6 and by_district["110102"]["total"] == 4  # street rolled up
    assert stats.sentence(s).startswith("共有问题10个,完成整改4个,完成率40.0%,已销号3个,销号率30.0%")
    assert stats.summary(Problem.objects.none(), today)["closure_rate"] == "—"


def test_statistics_filters_match_the_list(actors, hand_built, client_for):
    from django.test import Client

    c = Client()
    c.force_login(actors["mgr"])
    r = c.get("/api/v1/ledger/problems/statistics/?source=campaign").json()
    assert r["total"] == 4 and r["closed"] == 3
    r = c.get("/api/v1/ledger/problems/statistics/?jurisdiction=110101&category=air").json()
    assert r["total"] == 3
    assert c.get("/api/v1/ledger/problems/?jurisdiction=110101&category=air").json()["count"] == 3
    page = c.get("/ledger/statistics/?batch=测试批次").content.decode()
    assert 'id="stat-total">10<' in page and 'id="stat-rate">30.0%<' in page


def test_reminders_idempotent_and_notify(actors, make_problem, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = dt.date.today()
    late = make_problem(deadline=today - dt.timedelta(days=1))
    near = make_problem(deadline=today + dt.timedelta(days=3))
    far = make_problem(deadline=today + dt.timedelta(days=60))
    done = make_problem(deadline=today - dt.timedelta(days=5))
    Problem.objects.filter(pk=done.pk).update(state=State.CLOSED_OUT)
    # Registering opened 交办 tasks (and told the assigners); count only what the reminders add.
    reminders = Notification.objects.filter(kind__in=["overdue", "near_deadline"])
    events = TimelineEvent.objects.filter(model="ledger.problem")
    mail_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):  # mail leaves once the job's work is committed
        call_command("ledger_reminders", "--days", "7")
    late.refresh_from_db()
    near.refresh_from_db()
    assert late.overdue and late.overdue_since == today
    assert near.near_notified_for == near.deadline
    assert not Problem.objects.get(pk=far.pk).overdue and not Problem.objects.get(pk=done.pk).overdue
    # The street officer (nearest level) and the enterprise user are told; the district officer is not.
    recipients = set(reminders.values_list("recipient__username", flat=True))
    assert recipients == {"t_street", "t_ent", "donghuamen"}
    n_notes, n_events, n_mail = reminders.count(), events.count(), len(mail.outbox) - mail_before
    assert n_notes == 6 and n_mail == 4  # two problems × three users; two of them have an e-mail address
    with django_capture_on_commit_callbacks(execute=True):
        out = services.run_reminders()
    assert out == {"overdue": 0, "near": 0, "notifications": 0}
    assert (reminders.count(), events.count(), len(mail.outbox) - mail_before) == (n_notes, n_events, n_mail)
    # A new deadline is a new reminder.
    services.update_problem(None, near, deadline=today + dt.timedelta(days=5))
    assert services.run_reminders()["near"] == 1
    # Extending an overdue problem's deadline clears the flag.
    services.update_problem(None, late, deadline=today + dt.timedelta(days=30))
    assert not Problem.objects.get(pk=late.pk).overdue


def test_inbox_page_shows_own_notifications(actors, make_problem):
    from django.test import Client

    make_problem(deadline=dt.date.today() - dt.timedelta(days=2))
    services.run_reminders()
    c = Client()
    c.force_login(actors["street"])
    body = c.get("/ledger/inbox/").content.decode()
    assert "已超过整改时限" in body
    c.post("/ledger/inbox/read/")
    assert not Notification.objects.filter(recipient=actors["street"], model="ledger.problem",
                                           read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=actors["ent"], read_at__isnull=True).exists()


def test_unit_filter_matches_chinese_unit_names(actors, make_problem):
    from envbureau.ledger.filters import ProblemFilter

    a = make_problem(responsible_units=["东城区水务局", "东华门街道办事处"])
    make_problem(responsible_units=["西城区城管委"])
    qs = ProblemFilter({"unit": "水务局"}, queryset=Problem.objects.all()).qs
    assert list(qs) == [a]


def test_statistics_filter_boxes_are_styled_like_every_other_filter(actors):
    import re

    from django.test import Client

    c = Client()
    c.force_login(actors["mgr"])
    page = c.get("/ledger/statistics/").content.decode()
    form = page[page.index('class="row g-2 align-items-end eb-filter'):]
    form = form[:form.index("</form>")]
    boxes = re.findall(r"<(?:select|input)\b[^>]*>", form)
    visible = [b for b in boxes if 'type="hidden"' not in b]
    assert len(visible) >= 3, visible
    # every visible box carries Bootstrap's class (an unstyled <select> was the complaint)
    assert [b for b in visible if not re.search(r'class="[^"]*form-(?:control|select|check-input)', b)] == []


def test_problem_list_filter_boxes_are_styled_and_fold_on_a_phone(actors):
    """The ledger's list uses the shared filter box: every box has Bootstrap's class (they were raw <select>s
    showing "---------") and the box folds behind the 筛选 button on a phone (#eb-filters)."""
    import re

    from django.test import Client

    c = Client()
    c.force_login(actors["mgr"])
    page = c.get("/ledger/problems/").content.decode()
    assert 'id="eb-filters"' in page
    form = page[page.index('class="row g-2 align-items-end eb-filter'):]
    form = form[:form.index("</form>")]
    visible = [b for b in re.findall(r"<(?:select|input)\b[^>]*>", form) if 'type="hidden"' not in b]
    assert len(visible) >= 5, visible
    assert [b for b in visible if not re.search(r'class="[^"]*form-(?:control|select|check-input)', b)] == []
    assert 'name="q"' in form  # the keyword box is there once (the filterset's own)
    assert form.count('name="q"') == 1


def test_reminders_read_in_the_readers_language(actors, make_problem):
    """The reminders keep their facts (code, title, deadline) and each reader reads them in their language:
    the inbox page and the API in English for an English reader; the stored text stays Chinese."""
    import re

    from django.test import Client
    from django.utils import translation

    p = make_problem(deadline=dt.date.today() - dt.timedelta(days=2))
    with translation.override("en"):  # the job run from an English shell: stored in Chinese all the same
        services.run_reminders()
    n = Notification.objects.filter(recipient=actors["street"], model="ledger.problem", kind="overdue").get()
    assert n.facts == {"msg": "ledger.overdue", "args": {"c": p.code, "t": p.title, "d": str(p.deadline)}}
    assert "已超过整改时限" in n.message
    c = Client()
    c.force_login(actors["street"])
    c.cookies["django_language"] = "en"
    body = c.get("/ledger/inbox/").content.decode()
    assert f"Problem {p.code} “{p.title}” is past its deadline ({p.deadline})" in body and n.message not in body
    c.cookies.pop("django_language")
    for url in ("/api/v1/ledger/notifications/", "/api/v1/me/notifications/"):
        (row,) = [r for r in c.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"] if r["id"] == n.pk]
        assert not re.search(r"[\u3400-\u9fff]", row["message"].replace(p.title, "")), (url, row["message"])


def test_an_import_run_from_an_english_page_registers_lines_read_per_reader(actors):
    """The 登记 line an import writes ("Excel导入") is stored in Chinese and read in each reader's language."""
    from django.utils import translation

    from envbureau.core import workflow as wf

    row = good_row()
    row[1], row[4] = "Central environmental oversight", "Air"  # an English reader's file names choices in English
    with translation.override("en"):
        res = get_importer("ledger.problem").run(xlsx([row]), "台账.xlsx", actors["mgr"])
    assert res.ok, res.errors
    p = Problem.objects.get(code="ZY4-03-001")
    with translation.override("zh-hans"):
        assert wf.timeline(p)[0]["note"] == "Excel导入"
    with translation.override("en"):
        assert wf.timeline(p)[0]["note"] == "Excel import"
