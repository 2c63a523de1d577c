"""Evidence files (整改佐证材料) stored against a problem, written from the rules: the whole content is kept and
its SHA-256 and size are those of every byte (so later tampering is visible), the name is the file's own name
without any folder, at most 200 characters ("file" when it has none), the uploader is recorded and the upload
is audited once; the dispatcher by name (`services.apply`) hands the files over only to the verbs that take
evidence. Expected hashes are computed here from the bytes, not read from the code under test."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile

from envbureau.core.models import AuditEntry
from envbureau.ledger import services
from envbureau.ledger.models import Attachment

# More than one 64 KiB piece (Django reads uploads a piece at a time): size and hash must cover every piece.
BODY = bytes(range(256)) * 600  # 153,600 bytes
BODY_SHA256 = hashlib.sha256(BODY).hexdigest()


def _stored(att: Attachment) -> bytes:
    with att.file.open("rb") as fh:
        return fh.read()


def test_an_upload_is_kept_whole_with_its_hash_size_name_uploader_and_event(actors, make_problem):
    p = make_problem()
    ev = services.events_of(p).get()  # the registration line
    up = SimpleUploadedFile("整改照片.jpg", BODY, content_type="image/jpeg")
    att = services.add_attachment(actors["street"], p, up, event=ev)
    att = Attachment.objects.get(pk=att.pk)
    assert (att.problem_id, att.event_id, att.uploaded_by_id) == (p.pk, ev.pk, actors["street"].pk)
    assert (att.name, att.size, att.sha256) == ("整改照片.jpg", 153_600, BODY_SHA256)
    assert _stored(att) == BODY
    # filed by month and problem (models.attachment_path)
    assert att.file.name == f"ledger/{dt.date.today():%Y/%m}/{p.pk}/整改照片.jpg"
    # one audit line: the upload itself, with what identifies the content
    (entry,) = AuditEntry.objects.filter(model="ledger.attachment", object_id=str(att.pk))
    assert entry.action == "create"
    assert (entry.changes["name"][1], entry.changes["size"][1], entry.changes["sha256"][1]) == (
        "整改照片.jpg", 153_600, BODY_SHA256)


def test_a_file_already_read_to_its_end_is_still_stored_and_hashed_from_its_start(actors, make_problem):
    p = make_problem()
    for f in (SimpleUploadedFile("a.txt", BODY), File(io.BytesIO(BODY), name="b.txt"), io.BytesIO(BODY)):
        f.read()  # e.g. a validator looked at it first
        att = services.add_attachment(actors["mgr"], p, f)
        assert (att.size, att.sha256, _stored(att)) == (153_600, BODY_SHA256, BODY), type(f)


def test_an_empty_file_is_size_zero_with_the_empty_hash(actors, make_problem):
    att = services.add_attachment(actors["mgr"], make_problem(), SimpleUploadedFile("空.txt", b""))
    assert (att.size, att.sha256) == (0, hashlib.sha256(b"").hexdigest())


@pytest.mark.parametrize(("given", "kept"), [
    ("现场 照片 1.jpg", "现场 照片 1.jpg"),           # spaces are part of the name
    ("整改/现场/照片.jpg", "照片.jpg"),                 # a folder is never kept, however deep
    ("现场/照片.jpg", "照片.jpg"),
    ("a" * 250 + ".txt", "a" * 200),                   # at most 200 characters
    ("b" * 200, "b" * 200),                            # exactly 200: kept whole
    ("", "file"),                                      # no name at all
    (None, "file"),
])
def test_the_stored_name_is_the_files_own_name(given, kept, actors, make_problem):
    att = services.add_attachment(actors["mgr"], make_problem(), File(io.BytesIO(b"x"), name=given))
    assert Attachment.objects.get(pk=att.pk).name == kept


def test_a_file_object_without_a_name_is_called_file(actors, make_problem):
    att = services.add_attachment(actors["mgr"], make_problem(), io.BytesIO(b"evidence"))  # no `name` attribute
    assert (att.name, att.size, _stored(att)) == ("file", 8, b"evidence")


def test_a_system_upload_has_no_uploader(make_problem):
    att = services.add_attachment(None, make_problem(), SimpleUploadedFile("系统.txt", b"x"))
    assert Attachment.objects.get(pk=att.pk).uploaded_by_id is None


def test_evidence_of_a_step_is_listed_on_its_timeline_line(actors, make_problem):
    p = make_problem()
    services.assign(actors["mgr"], p)
    services.start(actors["street"], p)  # no note given: none written
    assert services.events_of(p).last().note == ""
    services.record_progress(actors["street"], p, "已安装净化器",
                             files=[SimpleUploadedFile("前.jpg", BODY), SimpleUploadedFile("后.jpg", b"after")])
    ev = services.events_of(p).last()
    rows = list(p.attachments.order_by("id"))
    assert [(a.name, a.event_id, a.uploaded_by_id) for a in rows] == [
        ("前.jpg", ev.pk, actors["street"].pk), ("后.jpg", ev.pk, actors["street"].pk)]
    assert ev.attachments == [
        {"id": rows[0].pk, "name": "前.jpg", "size": 153_600, "sha256": BODY_SHA256,
         "url": f"/ledger/attachments/{rows[0].pk}/"},
        {"id": rows[1].pk, "name": "后.jpg", "size": 5, "sha256": hashlib.sha256(b"after").hexdigest(),
         "url": f"/ledger/attachments/{rows[1].pk}/"}]


# ---- services.apply: the verbs by name, as the pages and the API call them ------------------------

def test_apply_hands_note_files_and_parameters_to_the_verb_and_acts_as_the_caller(actors, make_problem):
    p = make_problem()
    p = services.apply(actors["mgr"], p, "assign", note="请东华门街道整改", responsible_units=["东华门街道办事处"])
    ev = services.events_of(p).last()
    assert (p.state, p.responsible_units) == ("assigned", ["东华门街道办事处"])
    assert (ev.verb, ev.note, ev.actor_id) == ("assign", "请东华门街道整改", actors["mgr"].pk)
    p = services.apply(actors["street"], p, "start")  # no note given: none written
    assert (p.state, services.events_of(p).last().note) == ("in_rectification", "")
    p = services.apply(actors["street"], p, "progress", note="已安装净化器", files=[SimpleUploadedFile("照片.jpg", BODY)])
    ev = services.events_of(p).last()
    assert (p.state, p.progress, ev.actor_id) == ("in_rectification", "已安装净化器", actors["street"].pk)
    assert [(a.name, a.sha256, a.event_id) for a in p.attachments.all()] == [("照片.jpg", BODY_SHA256, ev.pk)]
    # the caller's rights apply: the enterprise rectifies but never requests closure
    with pytest.raises(PermissionDenied):
        services.apply(actors["ent"], p, "request_close", note="整改完成", files=[SimpleUploadedFile("x.txt", b"x")])


@pytest.mark.parametrize("verb", ["assign", "start", "return", "close_out", "notice", "reopen"])
def test_apply_refuses_files_for_a_verb_without_evidence_naming_the_field(verb, actors, make_problem):
    p = make_problem()
    with pytest.raises(ValidationError) as err:
        services.apply(actors["mgr"], p, verb, note="说明", files=[SimpleUploadedFile("x.txt", b"x")])
    assert err.value.message_dict == {"files": ["该操作不接收附件"]}
    p.refresh_from_db()
    assert (p.state, services.events_of(p).count(), Attachment.objects.count()) == ("registered", 1, 0)


def test_apply_names_an_unknown_verb(actors, make_problem):
    p = make_problem()
    with pytest.raises(ValidationError) as err:
        services.apply(actors["mgr"], p, "demolish")
    assert err.value.messages == ["未知的操作: demolish"]
    assert services.events_of(p).count() == 1


# ---- who the rectification steps wait for (workflows.rectifiers) ------------------------------------

def _waiting(p):
    """(the step's words, the permissions it waits for, the units whose members it waits for)."""
    from envbureau.core import workflow as wf

    tasks = list(wf.open_tasks(p))
    return ({t.action for t in tasks}, sorted({t.permission for t in tasks if t.permission}),
            sorted(t.assignee_unit.name for t in tasks if t.assignee_unit_id))


def test_rectification_waits_for_rectify_holders_and_each_active_responsible_unit(actors, make_problem):
    from envbureau.core.models import Unit

    p = make_problem(responsible_units=["东城区生态环境局", "东华门街道办事处", "东城区城管委"])
    Unit.objects.filter(name="东城区城管委").update(active=False)  # a unit closed down is nobody's task
    services.assign(actors["mgr"], p)  # no note given: none written
    assert services.events_of(p).last().note == ""
    units = sorted(["东城区生态环境局", "东华门街道办事处"])
    assert _waiting(p) == ({"签收整改"}, ["ledger.rectify"], units)
    services.start(actors["street"], p, note="已签收,开始整改")
    assert services.events_of(p).last().note == "已签收,开始整改"
    assert _waiting(p) == ({"整改并申请销号"}, ["ledger.rectify"], units)


# ---- 公示 with nothing to say, and services.notify's once-per-key rule --------------------------------

def test_a_notice_with_no_summary_given_and_nothing_written_is_refused_naming_the_field(actors, make_problem):
    from envbureau.ledger.models import Problem

    p = make_problem()
    Problem.objects.filter(pk=p.pk).update(state="closed_out", progress="", measures="", public_summary="")
    p.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        services.publish_notice(actors["mgr"], p)  # no summary argument at all
    assert err.value.message_dict == {"public_summary": ["公示须填写整改情况"]}
    p.refresh_from_db()
    assert (p.state, p.public_summary, p.noticed_at) == ("closed_out", "", None)


def test_notify_tells_each_user_once_per_key_with_a_link_to_the_problem(actors, make_problem):
    from envbureau.core.models import Notification

    p = make_problem()
    users = [actors["street"], actors["ent"]]
    facts = {"msg": "ledger.near", "args": {"c": p.code, "t": p.title, "d": "2030-06-17"}}
    assert services.notify(p, users, "near_deadline", key="near-2030-06-17", facts=facts) == 2
    assert services.notify(p, users, "near_deadline", key="near-2030-06-17", facts=facts) == 0  # already told
    assert services.notify(p, users[:1], "near_deadline", key="near-2030-06-20", facts=facts) == 1  # a new key
    told = Notification.objects.filter(kind="near_deadline", object_id=str(p.pk))
    assert sorted((n.recipient.username, n.key) for n in told) == [
        ("t_ent", f"ledger-{p.pk}-near_deadline-near-2030-06-17"),
        ("t_street", f"ledger-{p.pk}-near_deadline-near-2030-06-17"),
        ("t_street", f"ledger-{p.pk}-near_deadline-near-2030-06-20")]
    n = told.first()
    assert (n.url, n.model, n.message) == (
        f"/ledger/problems/{p.pk}/", "ledger.problem", f"问题 {p.code}“{p.title}”将于 2030-06-17 到期,请按时完成整改")


def test_notify_without_facts_stores_the_message_given_or_none(actors, make_problem):
    from envbureau.core.models import Notification

    p = make_problem()
    assert services.notify(p, [actors["street"]], "assigned", key="a") == 1
    assert services.notify(p, [actors["street"]], "assigned", "请尽快签收", key="b") == 1
    assert sorted(Notification.objects.filter(kind="assigned", object_id=str(p.pk)).values_list("key", "message")) \
        == [(f"ledger-{p.pk}-assigned-a", ""), (f"ledger-{p.pk}-assigned-b", "请尽快签收")]


def test_the_nearest_levels_officers_are_told_whatever_order_their_grants_were_made_in(actors, make_problem):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    p = make_problem()  # 东华门街道, enterprise 7
    # a second street officer appointed after the enterprise's user (whose grant is met first)
    role = Role.objects.create(code="t_street2", name="t_street2", kind="officer", permissions=["ledger.rectify"])
    late = User.objects.create(username="t_street2")
    RoleAssignment.objects.create(user=late, role=role, jurisdiction=Jurisdiction.objects.get(code="110101001000"))
    names = set(services.responsible_users(p).values_list("username", flat=True))
    # the street's officers holding ledger.rectify (the demo's 东华门 officer too) and the enterprise's user;
    # not the district's, the city's or another district's
    assert names == {"t_street", "donghuamen", "t_street2", "t_ent"}


def test_a_sign_off_step_left_with_nothing_pending_reads_as_plain_acceptance(actors, chain, make_problem):
    """The chain edited under a problem being verified: its last unsigned step deleted after the first was signed.
    The open step, worded again for its reader, is then the plain 验收 (no step of the chain is pending)."""
    from django.utils import translation

    from envbureau.core import workflow as wf
    from envbureau.ledger.models import SignOffStep

    p = make_problem()
    services.assign(actors["mgr"], p)
    services.start(actors["street"], p)
    services.request_close(actors["street"], p, "整改完成", files=[SimpleUploadedFile("x.txt", b"x")])
    services.sign_off(actors["dist"], p)  # 区级验收 signed; 市级复核 waits
    (task,) = wf.open_tasks(p)
    assert task.action == "市级复核"
    SignOffStep.objects.filter(chain=chain, name="市级复核").delete()
    assert services.pending_step(p) is None
    with translation.override("zh-hans"):
        assert wf.task_words([task])[task.pk][0] == "验收"


def test_a_chains_steps_are_signed_in_their_stated_order_not_the_order_they_were_added(actors, make_problem):
    from envbureau.ledger.models import SignOffChain, SignOffStep

    c = SignOffChain.objects.create(name="后补的验收链", source="")
    SignOffStep.objects.create(chain=c, order=2, name="市级复核", level="city")  # added first, signed second
    SignOffStep.objects.create(chain=c, order=1, name="区级验收", level="district")
    p = make_problem()
    assert [s.name for s in services.applicable_steps(p)] == ["区级验收", "市级复核"]
    assert services.pending_step(p).name == "区级验收"


def test_a_problems_timeline_holds_only_its_own_lines(make_problem):
    from envbureau.core.models import TimelineEvent

    p = make_problem()
    # another kind of record with the same id has a timeline of its own
    TimelineEvent.objects.create(model="complaints.complaint", object_id=str(p.pk), verb="register")
    assert list(services.events_of(p).values_list("model", "verb")) == [("ledger.problem", "register")]


def test_a_problems_place_is_given_by_code_or_id_and_an_unknown_one_is_named(make_problem):
    from envbureau.core.models import Jurisdiction

    j = Jurisdiction.objects.get(code="110101001000")
    assert make_problem(jurisdiction=j.pk).jurisdiction_id == j.pk  # by id
    assert make_problem(jurisdiction="110101001000").jurisdiction_id == j.pk  # by code
    for bad in (987654321, "999999"):
        with pytest.raises(ValidationError) as err:
            make_problem(jurisdiction=bad)
        assert err.value.message_dict == {"jurisdiction": [f"未知的行政区划: {bad}"]}
