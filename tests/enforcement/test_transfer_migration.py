"""Migration enforcement 0013: a database where a case held its one transfer in the case's own fields
(transfer_kind, transferred_on) keeps it as one Transfer record — kind, date, state 已批准移送 — with the case's
running transfer clock and its 案件移送书 moved to the record; untransferred cases get none."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# core as enforcement 0013 found it (its later migrations add columns, such as Clock.facts, that the old state's
# models would not fill)
BEFORE = [("enforcement", "0011_rating_facts"), ("core", "0012_notification_facts")]
AFTER = [("enforcement", "0013_transfers")]


@pytest.mark.django_db(transaction=True)
def test_existing_transfers_become_records():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Jurisdiction = old.get_model("core", "Jurisdiction")
        Case = old.get_model("enforcement", "Case")
        Clock = old.get_model("core", "Clock")
        city = Jurisdiction.objects.create(code="990000", name="测试市", level="city", path="/990000/")
        common = dict(enterprise_id=7, party="测试企业", jurisdiction_id=city.pk, cause="篡改数据", act_date=dt.date(2026, 9, 1),
                      provision="evade", filed_on=dt.date(2026, 9, 3))
        moved = Case.objects.create(code="AJ2026-00001", transfer_kind="crime", transferred_on=dt.date(2026, 9, 30),
                                    **common)
        plain = Case.objects.create(code="AJ2026-00002", **common)
        Clock.objects.create(model="enforcement.case", object_id=str(moved.pk), key="transfer", label="移送案卷",
                             start=dt.date(2026, 9, 30), days=1, due=dt.date(2026, 10, 1))
        Clock.objects.create(model="enforcement.case", object_id=str(moved.pk), key="decision", label="作出处罚决定",
                             start=dt.date(2026, 9, 3), days=90, due=dt.date(2026, 12, 2))

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        Transfer = new.get_model("enforcement", "Transfer")
        Clock = new.get_model("core", "Clock")
        rows = list(Transfer.objects.values("case_id", "code", "kind", "transferred_on", "state", "enterprise_id",
                                            "jurisdiction_id"))
        assert rows == [{"case_id": moved.pk, "code": "AJ2026-00001-YS1", "kind": "crime",
                         "transferred_on": dt.date(2026, 9, 30), "state": "approved", "enterprise_id": 7,
                         "jurisdiction_id": city.pk}]
        t = Transfer.objects.get()
        assert Clock.objects.get(key="transfer").model == "enforcement.transfer"
        assert Clock.objects.get(key="transfer").object_id == str(t.pk)
        assert Clock.objects.get(key="decision").model == "enforcement.case"  # the case's own clocks stay
        assert not Transfer.objects.filter(case_id=plain.pk).exists()
    finally:  # back to the latest for the next tests
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
