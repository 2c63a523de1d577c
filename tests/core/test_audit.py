"""The audit log records every write path (web, API, import, CLI, m2m) and cannot be changed."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from envbureau.core.models import AuditEntry, Department, Jurisdiction, Role, RoleAssignment, User


def entries(model, **kw):
    return AuditEntry.objects.filter(model=model, **kw)


def test_web_form_create_update_delete(client_for):
    c = client_for("admin")
    r = c.post("/admin-area/departments/add/", {"code": "radiation", "name": "辐射科", "modules": ["core"],
                                                "active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Department.objects.get(code="radiation")
    e = entries("core.department", object_id=str(d.pk), action="create").get()
    assert (e.source, e.actor_name, e.changes["name"]) == ("web", "admin", [None, "辐射科"])
    assert e.request_id and e.remote_addr == "127.0.0.1"
    r = c.post(f"/admin-area/departments/{d.pk}/edit/", {"code": "radiation", "name": "辐射安全科",
                                                         "modules": [], "active": "on"})
    assert r.status_code == 302
    e = entries("core.department", object_id=str(d.pk), action="update").get()
    assert e.changes["name"] == ["辐射科", "辐射安全科"]
    assert e.changes["modules"] == [["core"], []]
    assert set(e.changes) == {"name", "modules"}  # unchanged fields are not listed
    assert c.post(f"/admin-area/departments/{d.pk}/delete/").status_code == 302
    e = entries("core.department", object_id=str(d.pk), action="delete").get()
    assert e.changes["name"] == ["辐射安全科", None] and e.source == "web"


def test_web_validation_failure_writes_nothing(client_for):
    before = AuditEntry.objects.count()
    r = client_for("admin").post("/admin-area/departments/add/", {"code": "bad code!", "name": ""})
    assert r.status_code == 400
    assert AuditEntry.objects.count() == before and not Department.objects.filter(code="bad code!").exists()


def test_api_create_update_delete_with_token(demo_core):
    from knox.models import AuthToken

    admin = User.objects.get(username="admin")
    token, key = AuthToken.objects.create(user=admin)
    c = Client(HTTP_AUTHORIZATION=f"Token {key}")
    r = c.post("/api/v1/core/jurisdictions/", {"code": "110101998000", "name": "测试街道", "level": "street",
                                               "parent": "110101"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    e = entries("core.jurisdiction", object_id=str(pk), action="create").get()
    assert (e.source, e.actor_name) == ("api", "admin")
    assert c.patch(f"/api/v1/core/jurisdictions/{pk}/", {"name": "改名街道"},
                   content_type="application/json").status_code == 200
    e = entries("core.jurisdiction", object_id=str(pk), action="update").get()
    assert e.changes == {"name": ["测试街道", "改名街道"]} and e.actor_name == "admin"
    assert c.delete(f"/api/v1/core/jurisdictions/{pk}/").status_code == 204
    assert entries("core.jurisdiction", object_id=str(pk), action="delete", source="api").exists()
    # The token itself is audited with its digest masked, and the key appears nowhere in the log.
    tok = entries("knox.authtoken", action="create").get()
    assert tok.changes["digest"] == [None, "***"] and tok.changes["token_key"] == [None, "***"]
    assert not any(key[:15] in str(e.changes) + e.object_repr for e in AuditEntry.objects.all())


def test_api_refused_write_leaves_no_entry(client_for):
    before = AuditEntry.objects.count()
    r = client_for("dongcheng").post("/api/v1/core/jurisdictions/", {"code": "110101997000", "name": "x",
                                     "level": "street", "parent": "110101"}, content_type="application/json")
    assert r.status_code == 403 and AuditEntry.objects.count() == before


def _csv(rows):
    return ("区划代码,名称,层级,上级区划代码\n" + "\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def test_import_web_commit_is_audited_as_import(client_for):
    c = client_for("admin")
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("streets.csv", _csv([["110102001000", "西长安街街道", "街道乡镇", "110102"]]))
    r = c.post("/imports/core.jurisdiction/upload/", {"file": f})
    assert r.status_code == 302
    assert not Jurisdiction.objects.filter(code="110102001000").exists()  # preview only
    job_url = r["Location"]
    r = c.post(job_url, {"sync": "1"})
    assert r.status_code == 302
    j = Jurisdiction.objects.get(code="110102001000")
    e = entries("core.jurisdiction", object_id=str(j.pk), action="create").get()
    assert (e.source, e.actor_name) == ("import", "admin") and "streets.csv" in e.note


def test_import_cli_is_audited_as_cli(demo_core, tmp_path):
    p = tmp_path / "j.csv"
    p.write_bytes(_csv([["110105010001", "测试社区", "社区村", "110105010000"]]))
    out = io.StringIO()
    call_command("importfile", "core.jurisdiction", str(p), "--user", "admin", stdout=out, stderr=io.StringIO())
    j = Jurisdiction.objects.get(code="110105010001")
    e = entries("core.jurisdiction", object_id=str(j.pk)).get()
    assert (e.source, e.actor_name, e.action) == ("cli", "admin", "create") and "j.csv" in e.note


def test_cli_createuser_and_createadmin(demo_core):
    call_command("createuser", "dc2", "--role", "officer", "--jurisdiction", "110101", "--password",
                 "Sh0rt-but-fine!", stdout=io.StringIO())
    u = User.objects.get(username="dc2")
    e = entries("core.user", object_id=str(u.pk), action="create").get()
    assert e.source == "cli" and e.changes["password"] == [None, "***"]
    a = RoleAssignment.objects.get(user=u)
    assert entries("core.roleassignment", object_id=str(a.pk), action="create", source="cli").exists()
    call_command("createadmin", "root2", "--password", "An0ther-long-one!", stdout=io.StringIO())
    u = User.objects.get(username="root2")
    assert entries("core.user", object_id=str(u.pk), action="create", source="cli").exists()
    assert u.check_password("An0ther-long-one!") and u.is_superuser


def test_m2m_changes_are_audited(client_for):
    c = client_for("admin")
    a = RoleAssignment.objects.get(user__username="petition")
    r = c.post(f"/admin-area/assignments/{a.pk}/edit/", {
        "user": a.user_id, "role": a.role_id, "departments": [Department.objects.get(code="petition").pk,
                                                              Department.objects.get(code="oversight").pk]})
    assert r.status_code == 302, r.content.decode()[:3000]
    e = entries("core.roleassignment", object_id=str(a.pk), action="update", source="web").get()
    assert e.changes["departments"] == {"added": [Department.objects.get(code="oversight").pk]}
    assert e.source == "web" and e.actor_name == "admin"


def test_entries_are_immutable(demo_core):
    e = AuditEntry.objects.first()
    e.note = "tampered"
    with pytest.raises(PermissionError):
        e.save()
    with pytest.raises(PermissionError):
        e.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=e.pk).update(note="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=e.pk).note != "tampered"


def test_admin_site_is_read_only_for_the_audit_log(client_for):
    c = client_for("admin")
    e = AuditEntry.objects.first()
    assert c.get("/admin/core/auditentry/").status_code == 200
    r = c.get(f"/admin/core/auditentry/{e.pk}/change/")
    assert r.status_code == 200 and b'name="_save"' not in r.content
    assert c.post(f"/admin/core/auditentry/{e.pk}/change/", {"note": "x"}).status_code == 403
    assert c.get(f"/admin/core/auditentry/{e.pk}/delete/").status_code == 403
    assert c.post(f"/admin/core/auditentry/{e.pk}/delete/", {"post": "yes"}).status_code == 403
    assert c.get("/admin/core/auditentry/add/").status_code == 403
    r = c.post("/admin/core/auditentry/", {"action": "delete_selected", "_selected_action": [e.pk]})
    assert AuditEntry.objects.filter(pk=e.pk).exists()
    # Other roles do not get into the admin site at all.
    assert client_for("leader").get("/admin/core/auditentry/").status_code == 302


def test_deleting_a_user_keeps_their_audit_trail(client_for):
    c = client_for("admin")
    u = User.objects.get(username="donghuamen")
    n = AuditEntry.objects.filter(actor=u).count()
    AuditEntry.objects.create(actor=u, actor_name=u.username, source="web", action="update", model="x.y",
                              object_id="1", object_repr="x")
    r = c.post(f"/admin-area/users/{u.pk}/delete/")
    assert r.status_code == 302
    assert not User.objects.filter(pk=u.pk).exists()
    kept = AuditEntry.objects.filter(actor_name="donghuamen", model="x.y")
    assert kept.count() == 1 and kept.get().actor_id == u.pk  # left exactly as written
    assert AuditEntry.objects.filter(actor_id=u.pk).count() == n + 1
    assert entries("core.user", object_id=str(u.pk), action="delete", actor_name="admin").exists()


def test_audit_browsing_and_filtering(client_for):
    c = client_for("leader")
    r = c.get("/audit/?source=cli&model=core.user")
    assert r.status_code == 200
    r = client_for("admin").get("/api/v1/core/audit/?model=core.jurisdiction&action=create&page_size=5")
    body = r.json()
    assert body["count"] >= 20 and len(body["results"]) == 5
    assert all(x["model"] == "core.jurisdiction" for x in body["results"])
    assert client_for("air_staff").get("/api/v1/core/audit/").status_code == 403


def test_role_changes_audited_with_before_after(client_for):
    role = Role.objects.get(code="officer")
    r = client_for("admin").patch(f"/api/v1/core/roles/{role.pk}/", {"permissions": role.permissions + ["core.add"]},
                                  content_type="application/json")
    assert r.status_code == 200, r.content
    e = entries("core.role", object_id=str(role.pk), action="update").get()
    assert e.changes["permissions"][1][-1] == "core.add" and "core.add" not in e.changes["permissions"][0]


# record() itself, on unsaved users: what the entry says when a secret shows in the object's name, when a
# masked field holds no string, and when the name is empty (mutation testing found these unchecked).

def _last():
    return AuditEntry.objects.order_by("-id").first()


@pytest.mark.django_db
def test_record_masks_a_secret_of_four_characters_or_more_in_the_name():
    from envbureau.core import audit

    # User.__str__ is the username; "password" is a masked field. Four characters are masked, three are not
    # (a shorter value would blank out common letters of every name).
    audit.record("update", User(username="abcd-user", password="abcd"), {})
    assert _last().object_repr == "***-user"
    audit.record("update", User(username="abc-user", password="abc"), {})
    assert _last().object_repr == "abc-user"


@pytest.mark.django_db
def test_record_skips_a_masked_field_that_holds_no_text():
    from envbureau.core import audit

    audit.record("update", User(username="nopass", password=None), {"x": 1})
    e = _last()
    assert (e.object_repr, e.changes) == ("nopass", {"x": 1})


@pytest.mark.django_db
def test_record_keeps_an_empty_name_empty():
    from envbureau.core import audit

    audit.record("update", User(username=""), {}, object_id="7")
    e = _last()
    assert (e.object_repr, e.object_id, e.model) == ("", "7", "core.user")


def test_a_secret_used_as_key_is_cut_to_twelve_characters():
    from types import SimpleNamespace

    from envbureau.core import audit

    class Keyed:  # a model whose key is one of its own masked fields (as knox keys tokens by their digest)
        audit_masked_fields = ("code",)
        _meta = SimpleNamespace(pk=SimpleNamespace(name="code"))
        pk = "0123456789abcdefXYZ"

    class Plain(Keyed):
        audit_masked_fields = ()

    assert audit._object_id(Keyed()) == "0123456789ab"
    assert audit._object_id(Plain()) == "0123456789abcdefXYZ"


def test_audit_pages_name_objects_in_words_also_for_old_entries(client_for):
    """Entries written before labels were kept read "core.jurisdiction #12": the list and the detail page name
    the object by its own label (resolved when shown), a batch by its kind and count, an object since deleted
    in words — and the kind of object in the UI language."""
    import re

    from django.utils import translation

    j = Jurisdiction.objects.get(code="110101")
    old = AuditEntry.objects.create(source="system", action="update", model="core.jurisdiction", object_id=str(j.pk),
                                    object_repr=f"core.jurisdiction #{j.pk}", changes={"name": ["东城", "东城区"]})
    gone = AuditEntry.objects.create(source="system", action="update", model="core.jurisdiction", object_id="987654",
                                     object_repr="core.jurisdiction:987654")
    batch = AuditEntry.objects.create(source="system", action="update", model="core.jurisdiction",
                                      object_id="3 rows", object_repr="core.jurisdiction × 3")
    named = AuditEntry.objects.create(source="system", action="delete", model="core.department", object_id="987655",
                                      object_repr="大气环境科")
    c = client_for("leader")
    page = c.get("/audit/?model=core.jurisdiction").content.decode()
    rows = {e.pk: page[page.index(f'/audit/{e.pk}/"'):][:900] for e in (old, gone, batch)}
    assert f">{j.name}</a>" in rows[old.pk]
    assert ">已删除的行政区划（编号 987654）</a>" in rows[gone.pk]
    assert ">行政区划 × 3</a>" in rows[batch.pk]
    assert not re.search(r"core\.jurisdiction\s*[#:×]", re.sub(r'(?:href|title)="[^"]*"', "", page))
    page = c.get("/audit/?model=core.department").content.decode()
    assert "大气环境科</a>" in page and "已删除" in page[page.index(f'/audit/{named.pk}/"'):][:900]
    detail = c.get(f"/audit/{old.pk}/").content.decode()
    assert j.name in detail and f"core.jurisdiction #{j.pk}" not in detail and "<code>core.jurisdiction</code>" not in detail
    assert "已删除的行政区划（编号 987654）" in c.get(f"/audit/{gone.pk}/").content.decode()
    # English: the kind of object in English, worded when shown (the stored text has no English in it)
    c.cookies["django_language"] = "en"
    try:
        page = c.get("/audit/?model=core.jurisdiction").content.decode()
        assert ">Jurisdictions × 3</a>" in page
        cell = page[page.index(f'/audit/{gone.pk}/"'):][:900]
        assert "Jurisdictions" in cell and "987654" in cell and "行政区划" not in cell
    finally:
        translation.activate("zh-hans")


def test_a_note_the_system_writes_is_read_in_the_readers_language(client_for):
    """An audit entry's note written by a rule (a msgid, e.g. an import's) reads in the reader's language on the
    entry's page; a typed note as typed."""
    from django.conf import settings
    from django.utils import translation

    from envbureau.core import audit

    j = Jurisdiction.objects.get(code="110101")
    audit.record_batch("update", Jurisdiction, [j.pk], {"name": [j.name, j.name]}, note="省级系统联单导入")
    entry = AuditEntry.objects.filter(model="core.jurisdiction", object_id=str(j.pk)).latest("id")
    assert entry.note == "省级系统联单导入"
    c = client_for("leader")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        page = c.get(f"/audit/{entry.pk}/").content.decode()
        assert "Manifest import from the provincial system" in page and "省级系统联单导入" not in page
    finally:
        translation.activate("zh-hans")


@pytest.mark.django_db
def test_a_batch_entry_names_the_kind_and_count_or_its_one_row():
    """A batch of rows is named by the kind and the count; one row by the row itself, or, when the row is gone
    (a batch delete), by the kind and its id."""
    import datetime as dt

    from envbureau.core import audit
    from envbureau.core.models import CalendarDay

    a = CalendarDay.objects.create(date=dt.date(2031, 1, 2), kind="holiday")
    b = CalendarDay.objects.create(date=dt.date(2031, 1, 3), kind="workday")
    audit.record_batch("update", CalendarDay, [a.pk, b.pk], {"name": "元旦"})
    assert _last().object_repr == "节假日调整 × 2"
    audit.record_batch("update", CalendarDay, [a.pk], {"name": "元旦"})
    assert _last().object_repr == "2031-01-02 放假"
    audit.record_batch("delete", CalendarDay, [987654], {})
    assert (_last().object_repr, _last().object_id) == ("节假日调整 987654", "987654")


@pytest.mark.django_db
def test_an_entry_named_by_a_sentence_keeps_its_chinese_and_its_facts_beside_the_changes():
    from envbureau.core import audit, texts

    facts = texts.sentence("批量导入%(n)d条记录", n=3)
    audit.record("import", model_label="ledger.problem", object_repr=facts, changes={"rows": 3})
    e = _last()
    assert e.object_repr == "批量导入3条记录"
    assert e.changes == {"rows": 3, audit.REPR_FACTS: facts}


@pytest.mark.django_db
def test_an_objects_name_is_stored_in_chinese_whatever_the_language(settings):
    """Whoever acts, in whatever language, and whatever the site's default language: the entry names the object
    in Chinese (pages label live objects anew per reader)."""
    import datetime as dt

    from django.utils import translation

    from envbureau.core import audit
    from envbureau.core.models import CalendarDay

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        audit.record("update", CalendarDay(pk=5, date=dt.date(2031, 5, 1), kind="holiday"), {})
    assert _last().object_repr == "2031-05-01 放假"
