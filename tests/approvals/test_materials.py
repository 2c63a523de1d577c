"""Materials an enterprise uploads to its EIA application: only to its own, bounded in size (three points around
the cap), type and number, hashed, audited, on the timeline; downloads scoped; a refused upload stores nothing."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from boundary import three
from envbureau.approvals import eia
from envbureau.approvals.models import Material
from envbureau.core import audit
from envbureau.core import workflow as wf

PDF = b"%PDF-1.4 test material"


@pytest.fixture
def apps(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    own = eia.submit(None, enterprise_id=world["e1"].pk, project_name="锅炉改造", category="form",
                     submitted_on="2026-11-02")
    other = eia.submit(None, enterprise_id=world["e2"].pk, project_name="印刷线", category="form",
                       submitted_on="2026-11-02")
    return own, other


def _post(client, app, name="环评报告表.pdf", data=PDF, title="环评报告表"):
    return client.post(f"/approvals/eia/{app.pk}/materials/", {"title": title,
                                                                "file": SimpleUploadedFile(name, data)})


def test_enterprise_uploads_to_its_own_application_only(world, apps):
    own, other = apps
    c = Client()
    c.force_login(world["ent_user"])
    r = _post(c, own)
    assert r.status_code == 302
    m = Material.objects.get()
    assert (m.eia_id, m.enterprise_id, m.title, m.name, m.size) == (own.pk, world["e1"].pk, "环评报告表", "环评报告表.pdf",
                                                                    len(PDF))
    assert m.sha256 == hashlib.sha256(PDF).hexdigest() and m.uploaded_by == world["ent_user"]
    assert audit.history(m).filter(action="create").exists()
    line = wf.timeline(own)[-1]
    assert line["verb"] == "material" and "环评报告表" in line["note"]
    assert c.get(f"/approvals/materials/{m.pk}/").getvalue() == PDF
    assert _post(c, other).status_code == 404  # another enterprise's application: not even visible
    other_user_client = Client()
    from envbureau.core.models import Role, RoleAssignment, User

    u2 = User.objects.create(username="ent2")
    RoleAssignment.objects.create(user=u2, role=Role.objects.get(code="enterprise"), enterprise_id=world["e2"].pk)
    other_user_client.force_login(u2)
    assert other_user_client.get(f"/approvals/materials/{m.pk}/").status_code == 404
    officer = Client()
    officer.force_login(world["officer"])
    assert officer.get(f"/approvals/materials/{m.pk}/").status_code == 200
    assert Material.objects.count() == 1


def test_size_cap_on_its_boundary_and_types(world, apps, settings):
    own, _other = apps
    c = Client()
    c.force_login(world["ent_user"])

    def stored(size):
        before = Material.objects.count()
        _post(c, own, data=b"x" * size)
        return Material.objects.count() > before

    default = dict(settings.ENVBUREAU)
    settings.ENVBUREAU = {**default, "APPROVALS": {"material_max_bytes": 100}}
    assert three(stored, 100, 1) == (True, True, False)
    r = _post(c, own, data=b"x" * 101)
    assert r.status_code == 302  # back to the page with the message
    assert any("超过上限 100 字节" in str(m) for m in r.wsgi_request._messages)
    settings.ENVBUREAU = default
    count = Material.objects.count()
    _post(c, own, name="run.exe")
    _post(c, own, data=b"")
    assert Material.objects.count() == count


def test_api_upload_and_list(world, apps):
    from rest_framework.test import APIClient

    own, other = apps
    c = APIClient()
    c.force_authenticate(world["ent_user"])
    r = c.post(f"/api/v1/approvals/eia/{own.pk}/materials/", {"file": SimpleUploadedFile("补正材料.docx", b"PK..."),
                                                               "title": "补正材料"}, format="multipart")
    assert r.status_code == 201, r.content
    assert [m["title"] for m in c.get(f"/api/v1/approvals/eia/{own.pk}/materials/").json()] == ["补正材料"]
    r = c.post(f"/api/v1/approvals/eia/{own.pk}/materials/", {"file": SimpleUploadedFile("x.bat", b"echo")},
               format="multipart")
    assert r.status_code == 400 and "file" in str(r.json())
    assert c.post(f"/api/v1/approvals/eia/{other.pk}/materials/", {"file": SimpleUploadedFile("a.pdf", PDF)},
                  format="multipart").status_code == 404
