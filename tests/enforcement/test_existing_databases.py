"""A database made before the enforcement documents and the enterprise's credit-repair right shipped is brought
up to date by `envbureau migrate` (migration enforcement 0009), with nothing re-uploaded or re-edited by hand:

* the built-in 企业用户 role gains enforcement.repair_apply (and keeps what it had);
* a document kind whose current template is one the system shipped earlier gets the template shipped now as a
  new version (the old version stays for the documents made from it); a template a user uploaded stays current;
  a kind the database never used gets its settings row with the shipped template;
* running it again changes nothing."""

import hashlib
import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.migrations.recorder import MigrationRecorder

from envbureau.core.documents.models import DocumentTemplate, DocumentType
from envbureau.core.documents.registry import get_kind
from envbureau.core.models import Role

MIGRATION = importlib.import_module("envbureau.enforcement.migrations.0009_existing_databases")
OLD = b"PK old shipped template bytes"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _old_type(code, *, data=OLD, file_name=None, uploaded_by=None):
    kind = get_kind(code)
    t = DocumentType.objects.create(code=code, name=str(kind.label), number_prefix=kind.number_prefix,
                                    signing_unit="北京市生态环境局")
    tpl = DocumentTemplate(doc_type=t, version=1, file_name=file_name or kind.template.name, sha256=_sha(data),
                           uploaded_by=uploaded_by, note="随系统提供的初始模板")
    tpl.file.save(tpl.file_name, ContentFile(data), save=False)
    tpl.save()
    return t


@pytest.fixture
def old_database(demo_core, user_named):
    """The state of a database from before: roles without the new right, some enforcement types with the old
    shipped template, one with the bureau's own upload, the rest never used."""
    assert not DocumentType.objects.filter(code__startswith="enforcement.").exists()  # a new database: none yet
    role = Role.objects.get(code="enterprise")
    role.permissions = [p for p in role.permissions if p != "enforcement.repair_apply"]
    role.save(update_fields=["permissions"])
    _old_type("enforcement.inspection_record")
    _old_type("enforcement.seizure_decision")
    _old_type("enforcement.penalty_decision", data=b"PK the bureau's own", file_name="我局处罚决定书.docx",
              uploaded_by=user_named("admin"))
    return role


def _run():
    MIGRATION.templates(apps, None)
    MIGRATION.grant(apps, None)


def _state():
    return {(t.doc_type.code, t.version, t.sha256) for t in DocumentTemplate.objects.select_related("doc_type")
            .filter(doc_type__code__startswith="enforcement.")}


def test_migration_is_applied_by_migrate(db):
    applied = MigrationRecorder.Migration.objects.filter(app="enforcement", name="0009_existing_databases")
    assert applied.exists(), "the test database is built by migrate, which ran the data migration"


def test_an_old_database_is_brought_up_to_date_once(old_database):
    before = set(old_database.permissions)
    _run()
    role = Role.objects.get(code="enterprise")
    assert "enforcement.repair_apply" in role.permissions and before <= set(role.permissions)
    for code in ("enforcement.inspection_record", "enforcement.seizure_decision"):
        shipped = _sha(get_kind(code).template.read_bytes())
        t = DocumentType.objects.get(code=code)
        assert [(v.version, v.sha256) for v in t.templates.order_by("version")] == [(1, _sha(OLD)), (2, shipped)]
        assert t.current_template().note == "系统升级随附的新版模板"
        assert t.current_template().file.read() == get_kind(code).template.read_bytes()
    own = DocumentType.objects.get(code="enforcement.penalty_decision")
    assert own.templates.count() == 1 and own.current_template().file_name == "我局处罚决定书.docx"
    # a kind this database never used: its row and the shipped template, version 1 (the city exists)
    fresh = DocumentType.objects.get(code="enforcement.measure_release")
    assert fresh.signing_unit == "北京市生态环境局"
    assert [(v.version, v.sha256) for v in fresh.templates.all()] == [
        (1, _sha(get_kind("enforcement.measure_release").template.read_bytes()))]
    enforcement_kinds = {k.code for k in MIGRATION.enforcement_kinds()}
    assert len(enforcement_kinds) >= 12 and set(DocumentType.objects.filter(
        code__startswith="enforcement.").values_list("code", flat=True)) == enforcement_kinds
    snapshot, perms = _state(), list(role.permissions)
    _run()
    assert _state() == snapshot and Role.objects.get(code="enterprise").permissions == perms, "idempotent"


def test_the_enterprise_can_apply_for_repair_after_the_migration(old_database):
    from envbureau.core.models import RoleAssignment, User
    from envbureau.core.permissions import has_perm

    u = User.objects.create_user(username="ent_old", password="x")
    RoleAssignment.objects.create(user=u, role=old_database, enterprise_id=1)
    assert not has_perm(u, "enforcement.repair_apply")
    _run()
    u = User.objects.get(pk=u.pk)  # permissions are cached per user object
    assert has_perm(u, "enforcement.repair_apply")
