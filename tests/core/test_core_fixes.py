"""Bugs found while proving core, each pinned by a test."""

import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from envbureau.core.models import ImportJob, Jurisdiction, Role, User
from envbureau.core.permissions import code_matches, has_perm


def test_api_cannot_put_a_jurisdiction_under_its_own_subtree(client_for):
    c = client_for("admin")
    dc = Jurisdiction.objects.get(code="110101")
    street = Jurisdiction.objects.get(code="110101001000")
    r = c.patch(f"/api/v1/core/jurisdictions/{dc.pk}/", {"parent": street.code}, content_type="application/json")
    assert r.status_code == 400 and "parent" in r.json()["error"]["fields"]
    assert Jurisdiction.objects.get(pk=dc.pk).path == "/110000/110101/"
    # The model refuses it on any path (a script calling save() directly).
    dc.parent = street
    try:
        dc.save()
    except Exception as exc:  # ValidationError
        assert "parent" in exc.message_dict
    else:
        raise AssertionError("a cycle was saved")


def test_moving_a_node_moves_its_subtree(client_for):
    c = client_for("admin")
    street = Jurisdiction.objects.get(code="110101001000")
    community = Jurisdiction.objects.create(code="110101001001", name="测试社区", level="community", parent=street)
    r = c.patch(f"/api/v1/core/jurisdictions/{street.pk}/", {"parent": "110102"}, content_type="application/json")
    assert r.status_code == 200
    assert Jurisdiction.objects.get(pk=street.pk).path == "/110000/110102/110101001000/"
    assert Jurisdiction.objects.get(pk=community.pk).path == "/110000/110102/110101001000/110101001001/"
    # and scoping follows the move at once: the 东城区 officer no longer sees the street.
    assert client_for("dongcheng").get(f"/api/v1/core/jurisdictions/{street.pk}/").status_code == 404


def test_deleting_a_referenced_record_answers_409_not_500(client_for):
    dc = Jurisdiction.objects.get(code="110101")
    r = client_for("admin").delete(f"/api/v1/core/jurisdictions/{dc.pk}/")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    r = client_for("admin").post(f"/admin-area/jurisdictions/{dc.pk}/delete/", follow=True)
    assert "不能删除" in r.content.decode()
    assert Jurisdiction.objects.filter(pk=dc.pk).exists()


def test_initial_passwords_never_kept_in_import_jobs(client_for):
    c = client_for("admin")
    data = ("用户名,初始密码,角色代码,属地区划代码\n"
            "grid_a,Secret#Pass-2026,officer,110101\n").encode()
    r = c.post("/imports/core.user/upload/", {"file": SimpleUploadedFile("users.csv", data)})
    job = ImportJob.objects.get()
    assert "Secret#Pass-2026" not in json.dumps(job.result, ensure_ascii=False)
    assert "Secret#Pass-2026" not in c.get(r["Location"]).content.decode()
    stored = Path(job.stored_file)
    assert stored.exists()
    c.post(r["Location"])
    job.refresh_from_db()
    assert job.status == "committed" and not stored.exists() and job.stored_file == ""
    assert User.objects.get(username="grid_a").check_password("Secret#Pass-2026")


def test_reading_the_audit_log_is_granted_by_name_only(demo_core):
    assert not code_matches("*.view", "audit.view")
    assert code_matches("*.view", "quality.view") and code_matches("*", "audit.view")
    assert code_matches("audit.*", "audit.view")
    assert has_perm(User.objects.get(username="leader"), "audit.view")
    assert not has_perm(User.objects.get(username="air_staff"), "audit.view")


def test_unknown_permission_codes_refused_but_held_ones_kept(client_for):
    c = client_for("admin")
    r = c.post("/api/v1/core/roles/", {"code": "x_role", "name": "x", "kind": "staff",
                                       "permissions": ["nosuchmodule.view"]}, content_type="application/json")
    assert r.status_code == 400 and "permissions" in r.json()["error"]["fields"]
    role = Role.objects.get(code="officer")
    Role.objects.filter(pk=role.pk).update(permissions=role.permissions + ["legacy.view"])
    held = role.permissions + ["legacy.view"]
    r = c.patch(f"/api/v1/core/roles/{role.pk}/", {"permissions": held}, content_type="application/json")
    assert r.status_code == 200
    r = c.patch(f"/api/v1/core/roles/{role.pk}/", {"permissions": held + ["other.view"]},
                content_type="application/json")
    assert r.status_code == 400 and "other.view" in r.json()["error"]["fields"]["permissions"][0]
