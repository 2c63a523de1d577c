"""The complaint's lookup code never reaches the audit log (readable by the leader role); old entries are masked."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from envbureau.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _everything_logged():
    return " ".join(f"{e.changes} {e.object_repr} {e.object_id} {e.note}" for e in AuditEntry.objects.all())


def test_query_code_masked_on_create_and_change(make_complaint, client_for):
    c = make_complaint()
    code = c.query_code
    e = AuditEntry.objects.get(model="complaints.complaint", object_id=str(c.pk), action="create")
    assert e.changes["query_code"] == [None, "***"]
    c.query_code = "0123456789abcdef"
    c.save()
    # Intake itself writes an update (the complaint number is set after the insert); the code change is the one
    # update entry that names query_code.
    updates = AuditEntry.objects.filter(model="complaints.complaint", object_id=str(c.pk), action="update")
    coded = [u for u in updates if "query_code" in u.changes]
    assert len(coded) == 1
    e = coded[0]
    assert e.changes["query_code"] == ["***", "***"]  # the change is recorded, not the values
    logged = _everything_logged()
    assert code not in logged and "0123456789abcdef" not in logged
    leader = client_for("leader")
    for url in ("/audit/?model=complaints.complaint", f"/audit/{e.pk}/", "/api/v1/core/audit/?page_size=1000"):
        r = leader.get(url)
        assert r.status_code == 200, url
        body = r.content.decode()
        assert code not in body and "0123456789abcdef" not in body, url


def test_entries_written_before_are_masked_by_the_migration(demo_core):
    old = AuditEntry.objects.create(source="web", action="create", model="complaints.complaint", object_id="9",
                                    object_repr="XF1", changes={"query_code": [None, "1a2b3c4d"], "title": [None, "噪声"]})
    upd = AuditEntry.objects.create(source="web", action="update", model="complaints.complaint", object_id="9",
                                    object_repr="XF1", changes={"query_code": ["1a2b3c4d", "99aa88bb"]})
    other = AuditEntry.objects.create(source="web", action="create", model="core.department", object_id="9",
                                      object_repr="x", changes={"query_code": [None, "keep"]})
    migration = importlib.import_module("envbureau.complaints.migrations.0003_mask_query_codes_in_audit")
    apps = MigrationExecutor(connection).loader.project_state(("complaints", "0003_mask_query_codes_in_audit")).apps
    migration.mask(apps, None)
    for e in (old, upd, other):
        e.refresh_from_db()
    assert old.changes == {"query_code": [None, "***"], "title": [None, "噪声"]}
    assert upd.changes == {"query_code": ["***", "***"]}
    assert other.changes == {"query_code": [None, "keep"]}  # another model's field of that name is not touched
