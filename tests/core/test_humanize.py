"""Values in words: import results, audit changes and JSON lists read as a person reads them."""

from __future__ import annotations

from test_imports import csv_bytes, streets, upload

from envbureau.core.humanize import change_rows, human, import_summary


def test_import_summary_in_words():
    assert import_summary({"created": 25, "updated": 0}) == "新增 25,更新 0"
    assert import_summary({"rows": 3, "inserted": 3, "updated": 0, "unchanged": 0,
                           "rebuilt": {"station_days": 2, "jurisdiction_days": 1}}) == \
        "共 3 行,新增 3,更新 0,未变 0,重算站点日 2,重算区划日 1"
    assert import_summary(None) == "—"


def test_committed_import_page_says_what_was_written(client_for):
    from envbureau.core.models import ImportJob

    c = client_for("admin")
    upload(c, "core.jurisdiction", csv_bytes(streets(3)))
    job = ImportJob.objects.get()
    c.post(f"/imports/jobs/{job.pk}/")
    page = c.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "新增 3,更新 0" in page
    assert "{&#x27;" not in page and "{'" not in page and "created" not in page


def test_audit_changes_in_words(demo_core):
    from envbureau.core.models import Jurisdiction

    parent = Jurisdiction.objects.get(code="110101")
    rows = change_rows({"level": [None, "street"], "parent": [None, parent.pk], "sort_order": [1, 2],
                        "missing_field": ["a", "b"]}, "core.jurisdiction")
    by_name = {r["name"]: r for r in rows}
    assert by_name["level"]["field"] == "层级" and by_name["level"]["after"] == "街道乡镇"
    assert by_name["level"]["before"] == "—"
    assert by_name["parent"]["after"] == str(parent)
    assert by_name["missing_field"]["field"] == "missing_field"  # a field since removed keeps its name
    assert human(["水环境重点排污单位", "大气环境重点排污单位"]) == "水环境重点排污单位、大气环境重点排污单位"
    assert human(False) == "否" and human(1.50) == "1.5"


def test_yes_no_filters_offer_all_not_unknown():
    import django_filters as df
    from django.utils import translation

    from envbureau.core.models import User
    from envbureau.core.templatetags.eb import bs

    class F(df.FilterSet):
        is_active = df.BooleanFilter(label="启用")

        class Meta:
            model = User
            fields = []

    with translation.override("zh-hans"):
        html = str(bs(F({}).form["is_active"], "sm"))
    assert ">全部</option>" in html and "未知" not in html
    assert '<option value="true">是</option>' in html and '<option value="false">否</option>' in html


def test_audit_labels_of_timeline_events_name_their_objects_in_one_query_per_kind(demo_core, django_assert_max_num_queries):
    """The audit log names a timeline event by the object it belongs to ("东城区 · 创建"): the same words as the
    event's own str(), with the objects looked up once per kind for the whole page or export (an export of
    thousands of events made one query each)."""
    from envbureau.core.humanize import audit_labels
    from envbureau.core.models import AuditEntry, Department, Jurisdiction, TimelineEvent
    from envbureau.core.workflow import record_event

    places = list(Jurisdiction.objects.order_by("pk")[:6])
    dept = Department.objects.order_by("pk").first()
    for j in places:
        record_event(j, None, "created", note="x")
    record_event(dept, None, "created")
    events = list(TimelineEvent.objects.order_by("pk"))
    expected = {str(e.pk): str(TimelineEvent.objects.get(pk=e.pk)) for e in events}  # one by one, as before
    assert expected[str(events[0].pk)].startswith(str(places[0]) + " · ")
    entries = list(AuditEntry.objects.filter(model="core.timelineevent").order_by("pk"))
    assert len(entries) == len(events) == 7
    # written with the event: its entry's stored label names the object record_event was given (no lookup)
    assert [e.object_repr for e in entries] == [expected[e.object_id] for e in entries]
    with django_assert_max_num_queries(4):  # the events, then jurisdictions and departments (and nothing per event)
        labelled = audit_labels(entries)
        labels = {e.object_id: e.label for e in labelled}
    assert labels == expected
    # an event whose object is gone still reads as its kind and id
    gone = record_event(places[0], None, "created")
    TimelineEvent.objects.filter(pk=gone.pk).update(object_id="987654321")
    gone.refresh_from_db()
    TimelineEvent.attach_subjects([gone])
    assert str(gone).startswith(f"{Jurisdiction._meta.verbose_name} 987654321 · ")


def test_truncatewidth_counts_a_chinese_character_as_two_columns():
    from envbureau.core.templatetags.eb import truncatewidth

    assert truncatewidth("中文字", 6) == "中文字"  # exactly the width: whole
    assert truncatewidth("中文字", 5) == "中文…"  # one column short: cut, the ellipsis inside the width
    assert truncatewidth("abcdef", 6) == "abcdef"
    assert truncatewidth("abcdefg", 6) == "abcde…"
    # the ledger list's 80 columns keep a long English title whole where 40 characters cut the enterprise's name
    title = "Problem found on inspection: 京东热电示范有限公司(模拟)"
    assert len(title) > 40 and truncatewidth(title, 80) == title
    assert truncatewidth("问" * 41, 80) == "问" * 39 + "…"
    assert truncatewidth(None, 10) == "" and truncatewidth("", 10) == ""


def test_audit_rows_word_a_sentences_facts_never_its_keys():
    """A facts field (Task.facts, Clock.facts, an EIA's limit_facts) reads as its sentence in the reader's language
    in an audit entry; facts it cannot word are left out (never their keys)."""
    from django.utils import translation

    from envbureau.core import texts

    facts = texts.sentence("审批延期申请")
    with translation.override("en"):
        (row,) = change_rows({"facts": [{}, facts]}, "core.task")
        assert (row["before"], row["after"]) == ("—", "Decide the extension request")
    with translation.override("zh-hans"):
        assert change_rows({"facts": [{}, facts]}, "core.task")[0]["after"] == "审批延期申请"
        # facts no reader can word (a module's registry: a problem's title_facts beside its title) are no row:
        # the record's text field shows the change
        assert change_rows({"facts": [{}, {"a": 1}]}, "core.task") == []
        rows = change_rows({"title": ["", "标题"], "title_facts": [{}, {"msg": "ledger.found", "args": {"a": 1}}]},
                           "ledger.problem")
        assert [r["name"] for r in rows] == ["title"]


def test_a_batch_entry_names_its_rows_and_lists_read_in_the_readers_language(demo_core):
    """record_batch stores the ids of the rows it changed under "ids": read as 涉及记录 by the rows' names (the
    first 20) and their count, never the ids; a list reads 、-joined in Chinese and comma-joined in English."""
    from django.utils import translation

    from envbureau.core.humanize import BATCH_SHOWN, changed_labels
    from envbureau.core.models import Jurisdiction

    js = list(Jurisdiction.objects.order_by("code")[:3])
    ids = [str(j.pk) for j in js]
    with translation.override("zh-hans"):
        (row,) = [r for r in change_rows({"sort_order": [1, 2], "ids": ids}, "core.jurisdiction") if r["name"] == "ids"]
        assert row["field"] == "涉及记录"
        assert row["other"] == "、".join(str(j) for j in js) + "(共 3 条)"
        assert changed_labels("core.jurisdiction", {"sort_order": [1, 2], "ids": ids}) == "排序、涉及记录"
        many = [str(j.pk) for j in Jurisdiction.objects.order_by("code")] + ["999999"]
        (row,) = [r for r in change_rows({"ids": many}, "core.jurisdiction")]
        assert row["other"].count("、") == BATCH_SHOWN - 1 and row["other"].endswith(f"(共 {len(many)} 条)")
        assert change_rows({"ids": ["x", "y"]}, "core.jurisdiction")[0]["other"] == "共 2 条"  # ids the key cannot read: counted
        assert human(["甲", "乙"]) == "甲、乙"
    with translation.override("en"):
        (row,) = [r for r in change_rows({"ids": ids[:2]}, "core.jurisdiction")]
        assert row["field"] == "Records concerned" and row["other"] == f"{js[0]}, {js[1]} (2 in all)"
        assert human(["a", "b"]) == "a, b"
