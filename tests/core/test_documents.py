"""Issued documents (core.documents): numbering, required fields, templates, PDF with Chinese text, scope.

Documents are issued from ledger problems and complaints, the first kinds registered by those apps.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

YEAR = dt.date.today().year


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def _role_user(name, perms, jcode=None, enterprise_id=None):
    from envbureau.core.models import Jurisdiction, Role, RoleAssignment, User

    kind = "enterprise" if enterprise_id else ("officer" if jcode else "staff")
    role = Role.objects.create(code=f"d_{name}", name=name, kind=kind, permissions=perms)
    u = User.objects.create(username=f"d_{name}", display_name=f"测试{name}")
    RoleAssignment.objects.create(user=u, role=role, enterprise_id=enterprise_id,
                                  jurisdiction=Jurisdiction.objects.get(code=jcode) if jcode else None)
    return u


@pytest.fixture
def people(demo_core):
    return {
        "mgr": _role_user("mgr", ["*.view", "ledger.*"]),                       # city ledger manager
        "street": _role_user("street", ["ledger.view", "ledger.rectify"], "110101001000"),
        "xicheng": _role_user("xicheng", ["ledger.view", "ledger.assign", "ledger.rectify"], "110102"),
        "ent": _role_user("ent", ["ledger.view", "ledger.rectify"], enterprise_id=7),
    }


@pytest.fixture
def problem(demo_core):
    from envbureau.ledger import services

    def make(**kw):
        fields = dict(source="central_oversight", batch="中央第四生态环境保护督察组 第3批", category="air",
                      title="餐饮油烟扰民", description="油烟直排,周边居民反映强烈", jurisdiction="110101001000",
                      enterprise_id=7, responsible_units=["东城区生态环境局", "东华门街道办事处"],
                      responsible_person="王五", responsible_phone="13912345678",
                      deadline=dt.date(YEAR, 12, 31), measures="安装油烟净化器", progress="净化器已安装")
        fields.update(kw)
        return services.create_problem(None, **fields)

    return make


def issue(user, obj, kind="ledger.assignment", **kw):
    from envbureau.core.documents import issue as _issue

    return _issue(user, obj, kind, pdf=kw.pop("pdf", False), **kw)


def pdf_text(doc) -> str:
    from pypdf import PdfReader

    with doc.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def docx_text(fieldfile) -> str:
    from docx import Document

    with fieldfile.open("rb") as fh:
        d = Document(io.BytesIO(fh.read()))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


# ---- numbering ------------------------------------------------------------------------------------

def test_numbers_run_per_kind_and_year(people, problem, monkeypatch):
    from envbureau.core.documents import services

    p = problem()
    nums = [issue(people["mgr"], p).number for _ in range(3)]
    assert nums == [f"环督交〔{YEAR}〕1号", f"环督交〔{YEAR}〕2号", f"环督交〔{YEAR}〕3号"]
    # Another kind has its own sequence.
    assert issue(people["mgr"], p, "ledger.report").number == f"环督报〔{YEAR}〕1号"
    # A new year starts again at 1; the old year's counter is untouched.
    monkeypatch.setattr(services, "today", lambda: dt.date(YEAR + 1, 1, 1))
    assert issue(people["mgr"], p).number == f"环督交〔{YEAR + 1}〕1号"
    monkeypatch.setattr(services, "today", lambda: dt.date(YEAR, 12, 31))
    assert issue(people["mgr"], p).number == f"环督交〔{YEAR}〕4号"


def test_prefix_and_signing_unit_come_from_the_bureau_settings(people, problem):
    from envbureau.core.documents import get_kind, services

    services.update_type(people["mgr"], get_kind("ledger.assignment"), number_prefix="京环督交",
                         signing_unit="北京市生态环境保护督察工作领导小组办公室")
    doc = issue(people["mgr"], problem())
    assert doc.number == f"京环督交〔{YEAR}〕1号"
    text = docx_text(doc.docx)
    assert "北京市生态环境保护督察工作领导小组办公室" in text and f"京环督交〔{YEAR}〕1号" in text
    with pytest.raises(PermissionDenied):
        services.update_type(people["street"], get_kind("ledger.assignment"), number_prefix="x")


def test_a_rolled_back_issue_gives_its_number_back(people, problem):
    p = problem()
    assert issue(people["mgr"], p).seq == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert issue(people["mgr"], p).seq == 2
        raise RuntimeError("the surrounding work failed")
    assert issue(people["mgr"], p).seq == 2  # no gap


def race(problem_pk: int, user_pk: int, threads: int = 6, per_thread: int = 4) -> list[str]:
    """Issue from `threads` threads at once (each on its own connection); the errors they met."""
    from envbureau.core.models import User
    from envbureau.ledger.models import Problem

    user, p = User.objects.get(pk=user_pk), Problem.objects.get(pk=problem_pk)
    errors, start = [], threading.Barrier(threads)

    def work():
        try:
            start.wait()
            for _ in range(per_thread):
                issue(user, p)
        except Exception as exc:  # reported with the database's own words
            errors.append(repr(exc))
        finally:
            connection.close()

    ts = [threading.Thread(target=work) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    return errors


def _seqs():
    from envbureau.core.documents.models import IssuedDocument

    return sorted(IssuedDocument.objects.filter(doc_type__code="ledger.assignment", year=YEAR)
                  .values_list("seq", flat=True))


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_has_no_gaps_and_no_duplicates_on_postgresql(people, problem):
    if connection.vendor != "postgresql":
        pytest.skip("the SQLite variant below runs on a file database (the test database is in memory)")
    p = problem()
    issue(people["mgr"], p)  # the type and its first template exist before the race (created on first use)
    assert race(p.pk, people["mgr"].pk) == []
    assert _seqs() == list(range(1, 6 * 4 + 2))  # 1 … 25: no gap, no duplicate


SQLITE_RACE = """
import json, sys
import django
django.setup()
sys.path.insert(0, sys.argv[1])
import test_documents as t
from envbureau.core.demo_core import load_core
load_core(lambda m: None)
mgr = t._role_user("mgr", ["*.view", "ledger.*"])
from envbureau.ledger import services
p = services.create_problem(None, source="central_oversight", category="air", title="餐饮油烟扰民",
    description="油烟直排", jurisdiction="110101001000", responsible_units=["东城区生态环境局"],
    deadline=t.dt.date(t.YEAR, 12, 31))
t.issue(mgr, p)
errors = t.race(p.pk, mgr.pk)
print(json.dumps({"errors": errors, "seqs": t._seqs()}))
"""


def test_concurrent_issuing_has_no_gaps_and_no_duplicates_on_sqlite(tmp_path, migrated_sqlite):
    """Threads on a file SQLite database as deployed (WAL, IMMEDIATE transactions, busy timeout)."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    migrated_sqlite(tmp_path / "race.sqlite3")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
           "ENVBUREAU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "envbureau.settings"}
    r = subprocess.run([sys.executable, "-c", SQLITE_RACE, str(Path(__file__).parent)], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["errors"] == []
    assert out["seqs"] == list(range(1, 6 * 4 + 2))


# ---- required fields, permission, scope ----------------------------------------------------------------

def test_missing_required_field_is_named_and_nothing_is_issued(people, problem):
    from envbureau.core.documents.models import IssuedDocument

    p = problem(deadline=None)
    with pytest.raises(ValidationError) as exc:
        issue(people["mgr"], p)
    assert "deadline" in exc.value.message_dict
    assert "整改时限" in exc.value.message_dict["deadline"][0]
    assert not IssuedDocument.objects.exists()
    # A long-term problem has its time limit in words; then it may be issued, as number 1 (none was used).
    p.long_term = True
    p.save()
    doc = issue(people["mgr"], p)
    assert doc.seq == 1 and doc.values["deadline"] == "需长期坚持"


def test_who_may_issue_follows_the_kinds_permission_and_scope(people, problem):
    from django.http import Http404

    p = problem()
    with pytest.raises(PermissionDenied):      # sees the problem, holds no ledger.assign
        issue(people["street"], p)
    with pytest.raises(Http404):               # another district does not even see it
        issue(people["xicheng"], p)
    assert issue(people["ent"], p, "ledger.report").number.startswith("环督报")  # enterprise 7 reports


def test_issuing_is_audited(people, problem):
    from envbureau.core.models import AuditEntry

    doc = issue(people["mgr"], problem())
    e = AuditEntry.objects.get(model="core.issueddocument", object_id=str(doc.pk), action="create")
    assert e.actor == people["mgr"] and doc.number in str(e.changes["number"])


# ---- templates ----------------------------------------------------------------------------------

def _template(body: str) -> bytes:
    from docx import Document

    d = Document()
    for line in body.split("\n"):
        d.add_paragraph(line)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_a_replacement_template_is_used_and_the_old_stays_with_its_documents(people, problem):
    from envbureau.core.documents import get_kind, services

    p = problem()
    old = issue(people["mgr"], p)
    old_sha = old.docx_sha256
    tpl = services.replace_template(people["mgr"], get_kind("ledger.assignment"),
                                    _template("新版交办单 {{ number }}\n{{ title }} 限 {{ deadline }} 整改"), "新版.docx")
    assert tpl.version == 2
    new = issue(people["mgr"], p)
    assert new.template.version == 2
    assert f"新版交办单 环督交〔{YEAR}〕2号" in docx_text(new.docx)
    assert f"餐饮油烟扰民 限 {YEAR}年12月31日 整改" in docx_text(new.docx)
    old.refresh_from_db()
    assert old.template.version == 1 and old.docx_sha256 == old_sha
    assert "生态环境问题交办单" in docx_text(old.docx)
    assert "新版交办单" not in docx_text(old.docx)


def test_a_template_with_an_unknown_placeholder_or_no_docx_is_refused(people):
    from envbureau.core.documents import get_kind, services
    from envbureau.core.documents.render import TemplateError

    kind = get_kind("ledger.assignment")
    with pytest.raises(TemplateError, match="respnsible_unit"):
        services.replace_template(people["mgr"], kind, _template("{{ respnsible_unit }}"), "typo.docx")
    with pytest.raises(TemplateError, match=r"\.docx"):
        services.replace_template(people["mgr"], kind, b"not a zip", "x.docx")
    with pytest.raises(TemplateError, match="第 1 行"):
        services.replace_template(people["mgr"], kind, _template("{{ number "), "broken.docx")
    with pytest.raises(PermissionDenied):
        services.replace_template(people["street"], kind, _template("{{ number }}"), "x.docx")
    assert services.type_for(kind).templates.count() == 1


# ---- PDF ----------------------------------------------------------------------------------------

def test_pdf_rendition_has_the_chinese_text(people, problem):
    doc = issue(people["mgr"], problem(), pdf=True)
    assert doc.pdf and not doc.pdf_error, doc.pdf_error
    text = pdf_text(doc)
    for expected in ("北京市生态环境局", "生态环境问题交办单", f"环督交〔{YEAR}〕1号", "餐饮油烟扰民",
                     "东城区生态环境局", "油烟直排", f"{YEAR}年12月31日"):
        assert expected in text, (expected, text[:300])


def test_a_conversion_that_times_out_leaves_the_docx_and_the_job_makes_the_pdf(people, problem, settings):
    from django.core.management import call_command

    settings.ENVBUREAU = {**settings.ENVBUREAU, "DOCUMENT_PDF_TIMEOUT": 0.05}
    doc = issue(people["mgr"], problem(), pdf=True)
    assert doc.docx and not doc.pdf and "超时" in doc.pdf_error
    settings.ENVBUREAU = {**settings.ENVBUREAU, "DOCUMENT_PDF_TIMEOUT": 120}
    out = io.StringIO()
    call_command("documents_pdf", stdout=out)
    doc.refresh_from_db()
    assert "1 made" in out.getvalue() and doc.pdf and not doc.pdf_error
    assert "生态环境问题交办单" in pdf_text(doc)


# ---- web and API ----------------------------------------------------------------------------------

def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_api_issue_list_and_download_scoped_like_the_problem(people, problem):
    p = problem()
    mgr = _client(people["mgr"])
    r = mgr.post(f"/api/v1/ledger/problems/{p.pk}/issue-document/", {"kind": "ledger.assignment"},
                 content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"] == f"环督交〔{YEAR}〕1号" and body["kind_label"] == "交办单"
    # Missing required field: 400 naming it; wrong kind: 400.
    p2 = problem(deadline=None, title="另一问题")
    r = mgr.post(f"/api/v1/ledger/problems/{p2.pk}/issue-document/", {"kind": "ledger.assignment"},
                 content_type="application/json")
    assert r.status_code == 400 and "整改时限" in r.json()["error"]["fields"]["deadline"][0]
    r = mgr.post(f"/api/v1/ledger/problems/{p.pk}/issue-document/", {"kind": "complaints.reply"},
                 content_type="application/json")
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    # The street office sees the problem: lists and downloads; may not issue a 交办单 (403).
    street = _client(people["street"])
    assert [d["number"] for d in street.get(f"/api/v1/ledger/problems/{p.pk}/documents/").json()] == \
        [f"环督交〔{YEAR}〕1号"]
    r = street.get(f"/api/v1/core/documents/{body['id']}/docx/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert street.post(f"/api/v1/ledger/problems/{p.pk}/issue-document/", {"kind": "ledger.assignment"},
                       content_type="application/json").status_code == 403
    # Xicheng sees neither the problem nor its documents.
    xc = _client(people["xicheng"])
    assert xc.get(f"/api/v1/core/documents/{body['id']}/").status_code == 404
    assert xc.get(f"/api/v1/core/documents/{body['id']}/docx/").status_code == 404
    assert xc.get(f"/core/documents/{body['id']}/docx/".replace("/core", "")).status_code == 404
    assert xc.get("/api/v1/core/documents/").json()["count"] == 0
    assert street.get("/api/v1/core/documents/?object_model=ledger.problem&object_id=%d" % p.pk).json()["count"] == 1
    assert xc.get(f"/api/v1/ledger/problems/{p.pk}/documents/").status_code == 404


def test_web_button_issues_and_the_detail_page_lists_the_document(people, problem):
    p = problem()
    mgr = _client(people["mgr"])
    page = mgr.get(f"/ledger/problems/{p.pk}/").content.decode()
    assert "签发交办单" in page and "签发整改情况报告" in page
    street_page = _client(people["street"]).get(f"/ledger/problems/{p.pk}/").content.decode()
    assert "签发交办单" not in street_page and "签发整改情况报告" in street_page
    r = mgr.post(f"/documents/issue/ledger.assignment/{p.pk}/", {"next": f"/ledger/problems/{p.pk}/"})
    assert r.status_code == 302 and r["Location"] == f"/ledger/problems/{p.pk}/"
    page = mgr.get(f"/ledger/problems/{p.pk}/").content.decode()
    assert f"环督交〔{YEAR}〕1号" in page
    # A required field missing: the message names it, nothing is issued.
    p2 = problem(deadline=None)
    r = mgr.post(f"/documents/issue/ledger.assignment/{p2.pk}/", follow=True)
    assert "缺少必填项“整改时限”" in r.content.decode()
    assert _client(people["street"]).post(f"/documents/issue/ledger.assignment/{p.pk}/").status_code == 403
    assert _client(people["xicheng"]).post(f"/documents/issue/ledger.assignment/{p.pk}/").status_code == 404


def test_template_pages_and_api_for_admins_only(people, client_for):
    admin = client_for("admin")
    assert admin.get("/admin-area/document-templates/").status_code == 200
    page = admin.get("/admin-area/document-templates/ledger.assignment/").content.decode()
    assert "交办单" in page and "{{ deadline }}" in page
    r = admin.post("/admin-area/document-templates/ledger.assignment/",
                   {"part": "template", "file": _upload(_template("{{ number }} 新模板")), "note": "改版"})
    assert r.status_code == 302
    assert "改版" in admin.get("/admin-area/document-templates/ledger.assignment/").content.decode()
    r = admin.post("/admin-area/document-templates/ledger.assignment/",
                   {"part": "template", "file": _upload(_template("{{ nosuch }}"))})
    assert r.status_code == 400 and "nosuch" in r.content.decode()
    assert _client(people["street"]).get("/admin-area/document-templates/").status_code == 403
    # API: list, change settings, upload (400 naming an unknown placeholder), versions kept.
    api = _client(people["mgr"])  # city-wide ledger.* may manage the ledger's kinds, not complaints'
    codes = [t["code"] for t in api.get("/api/v1/core/document-types/").json()]
    assert codes == ["ledger.assignment", "ledger.report"]
    r = api.patch("/api/v1/core/document-types/ledger.report/", {"signing_unit": "东城区生态环境局"},
                  content_type="application/json")
    assert r.status_code == 200 and r.json()["signing_unit"] == "东城区生态环境局"
    r = api.post("/api/v1/core/document-types/ledger.report/template/", {"file": _upload(_template("{{ bad }}"))})
    assert r.status_code == 400 and "bad" in r.json()["error"]["fields"]["file"][0]
    r = api.post("/api/v1/core/document-types/ledger.report/template/", {"file": _upload(_template("{{ number }}"))})
    assert r.status_code == 201 and r.json()["version"] == 2
    assert [t["version"] for t in api.get("/api/v1/core/document-types/ledger.report/").json()["templates"]] == [2, 1]
    assert api.get("/api/v1/core/document-types/complaints.reply/").status_code == 404


def _upload(data, name="模板.docx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_an_issued_document_is_linked_on_the_objects_timeline(people, problem):
    from envbureau.core.workflow import timeline

    p = problem()
    doc = issue(people["mgr"], p)
    events = [e for e in timeline(p) if e["verb"] == "document"]
    assert len(events) == 1
    e = events[0]
    assert e["verb_label"] == "出具文书" and e["actor"] == "测试mgr"
    assert e["note"] == f"交办单 环督交〔{YEAR}〕1号"
    assert e["documents"] == [{"id": doc.pk, "title": "交办单", "number": doc.number,
                               "url": f"/documents/{doc.pk}/docx/", "pdf_url": f"/documents/{doc.pk}/pdf/"}]
    # The timeline is read through the problem: the links answer only to those who may view it.
    assert _client(people["street"]).get(e["documents"][0]["url"]).status_code == 200
    assert _client(people["xicheng"]).get(e["documents"][0]["url"]).status_code == 404


def test_the_shipped_templates_note_is_stored_in_chinese_and_read_per_reader(people, client_for):
    """The first use of a kind (here from an English page) stores its template's note in Chinese; the admin page
    reads it in the reader's language."""
    from django.conf import settings
    from django.utils import translation

    from envbureau.core.documents.models import DocumentTemplate

    admin = client_for("admin")
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        en = admin.get("/admin-area/document-templates/ledger.assignment/").content.decode()
        assert DocumentTemplate.objects.get(doc_type__code="ledger.assignment", version=1).note == "随系统提供的初始模板"
        assert "Initial template shipped with the platform" in en and "随系统提供的初始模板" not in en
        admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        assert "随系统提供的初始模板" in admin.get("/admin-area/document-templates/ledger.assignment/").content.decode()
    finally:
        translation.activate("zh-hans")
