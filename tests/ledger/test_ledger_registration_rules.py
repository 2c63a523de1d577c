"""Registering a problem (登记), written from the rules: who may register where (ledger.add, or ledger.change,
each in its own places), the number it gets (WT<year>-<id>, audited like any write), the registration line on
its timeline with the registrar and the evidence filed with it, the responsible units it names (kept as
core units of the problem's place so their members get its steps), and the sign-off steps that apply to its
level. Each test is fast: a few rows, no pages."""

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from envbureau.core.models import AuditEntry, Jurisdiction, Role, RoleAssignment, Unit, User
from envbureau.ledger import services
from envbureau.ledger.models import Attachment, Problem, SignOffChain, SignOffStep

DONGCHENG, XICHENG, DONGHUAMEN = "110101", "110102", "110101001000"


def fields(jurisdiction=DONGHUAMEN, **kw):
    out = dict(source="complaint", category="air", title="餐饮油烟扰民", description="油烟直排",
               jurisdiction=jurisdiction, responsible_units=["东华门街道办事处"],
               deadline=dt.date.today() + dt.timedelta(days=30))
    return out | kw


def officer(name, *grants):
    """A user holding, for each (permissions, jurisdiction code) given, a role of those permissions there."""
    u = User.objects.create(username=name, display_name=name)
    for i, (perms, code) in enumerate(grants):
        role = Role.objects.create(code=f"{name}_{i}", name=f"{name} {i}", kind="officer", permissions=perms)
        RoleAssignment.objects.create(user=u, role=role, jurisdiction=Jurisdiction.objects.get(code=code))
    return u


# ---- who may register where -------------------------------------------------------------------

def test_holding_ledger_add_alone_is_enough_to_register_in_ones_place(demo_core):
    u = officer("t_adder", (["ledger.view", "ledger.add"], DONGCHENG))
    p = services.create_problem(u, **fields())
    assert Problem.objects.get(pk=p.pk).created_by_id == u.pk


def test_a_change_grant_elsewhere_registers_where_the_add_grant_does_not_reach(demo_core):
    # ledger.add in Dongcheng, ledger.change in Xicheng: a problem in Xicheng is registered under the change grant
    u = officer("t_two", (["ledger.view", "ledger.add"], DONGCHENG), (["ledger.view", "ledger.change"], XICHENG))
    p = services.create_problem(u, **fields(jurisdiction=XICHENG))
    assert p.jurisdiction.code == XICHENG
    p = services.create_problem(u, **fields(jurisdiction=DONGHUAMEN))
    assert p.jurisdiction.code == DONGHUAMEN


def test_registering_outside_every_grant_is_refused_in_words_and_leaves_nothing(demo_core):
    u = officer("t_out", (["ledger.view", "ledger.add", "ledger.change"], DONGCHENG))
    before = Problem.objects.count()
    with pytest.raises(PermissionDenied) as e:
        services.create_problem(u, **fields(jurisdiction=XICHENG))
    assert str(e.value) == "超出您的权限范围:不能在该属地登记问题"
    assert Problem.objects.count() == before


# ---- its number -------------------------------------------------------------------------------

def code_writes(p):
    """The problem's audit entries after its creation that wrote its number."""
    return [e for e in AuditEntry.objects.filter(model="ledger.problem", object_id=str(p.pk)).exclude(action="create")
            if "code" in e.changes]


def test_the_number_is_the_year_received_and_the_id_and_its_writing_is_audited(demo_core):
    p = services.create_problem(None, **fields(received_on=dt.date(2025, 12, 31)))
    assert p.code == f"WT2025-{p.pk:06d}" == Problem.objects.get(pk=p.pk).code
    (entry,) = code_writes(p)
    assert (entry.action, entry.changes) == ("update", {"code": [None, p.code]})


def test_a_number_given_is_kept_and_no_number_is_written_after(demo_core):
    p = services.create_problem(None, **fields(code="DC-2025-07"))
    assert Problem.objects.get(pk=p.pk).code == "DC-2025-07"
    assert code_writes(p) == []


# ---- the registration line and its evidence ---------------------------------------------------

def test_the_registration_line_names_the_registrar_and_lists_the_evidence_filed_with_it(demo_core, tmp_path,
                                                                                        settings):
    settings.MEDIA_ROOT = str(tmp_path)
    u = officer("t_reg", (["ledger.view", "ledger.add"], DONGCHENG))
    p = services.create_problem(u, note="群众来电", files=[SimpleUploadedFile("现场.jpg", b"photo"),
                                                          SimpleUploadedFile("笔录.pdf", b"%PDF")], **fields())
    (ev,) = services.events_of(p)
    assert (ev.verb, ev.from_state, ev.to_state, ev.note, ev.step) == ("register", "", "registered", "群众来电", "")
    assert ev.actor_id == u.pk
    rows = list(Attachment.objects.filter(problem=p).order_by("pk"))
    assert [(a.name, a.event_id, a.uploaded_by_id) for a in rows] == [("现场.jpg", ev.pk, u.pk),
                                                                     ("笔录.pdf", ev.pk, u.pk)]
    ev.refresh_from_db()
    assert [(x["id"], x["name"], x["size"]) for x in ev.attachments] == [(rows[0].pk, "现场.jpg", 5),
                                                                        (rows[1].pk, "笔录.pdf", 4)]


def test_a_registration_without_files_lists_none(demo_core):
    p = services.create_problem(None, **fields())
    (ev,) = services.events_of(p)
    assert ev.attachments == [] and ev.actor_id is None
    assert not Attachment.objects.filter(problem=p).exists()


# ---- the responsible units --------------------------------------------------------------------

def test_a_unit_named_first_time_becomes_an_other_unit_of_the_problems_place(demo_core):
    p = services.create_problem(None, **fields(responsible_units=["东华门街道城管执法队"]))
    (unit,) = p.units.all()
    assert (unit.name, unit.kind, unit.jurisdiction.code) == ("东华门街道城管执法队", "other", DONGHUAMEN)
    assert re.fullmatch(r"u-[0-9a-f]{12}", unit.code)


def test_a_unit_already_known_by_its_name_is_reused(demo_core):
    known = Unit.objects.create(code="dc-cg", name="东城区城管委", kind="agency")
    p = services.create_problem(None, **fields(responsible_units=["东城区城管委"]))
    assert list(p.units.all()) == [known]


def test_a_name_longer_than_a_unit_name_is_cut_to_200_and_found_again_by_it(demo_core):
    long = "东" * 230
    p = services.create_problem(None, **fields(responsible_units=[long]))
    (unit,) = p.units.all()
    assert unit.name == "东" * 200
    q = services.create_problem(None, **fields(responsible_units=[long]))
    assert list(q.units.all()) == [unit]


def test_responsible_units_are_stored_as_chinese_text_not_escapes(demo_core):
    # so a text filter on 责任单位 matches the stored JSON on SQLite as on PostgreSQL
    p = services.create_problem(None, **fields(responsible_units=["东华门街道办事处"]))
    with connection.cursor() as c:
        c.execute(f"SELECT responsible_units FROM {Problem._meta.db_table} WHERE id = %s", [p.pk])
        raw = c.fetchone()[0]
    raw = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)  # psycopg decodes jsonb
    assert "东华门街道办事处" in raw and "\\u" not in raw
    assert Problem.objects.filter(responsible_units__icontains="东华门街道").get() == p


# ---- the sign-off steps by level --------------------------------------------------------------

def test_a_place_of_no_known_level_keeps_every_step_of_the_chain(demo_core):
    c = SignOffChain.objects.create(name="验收链", source="")
    for order, level in enumerate(["street", "district", "city", ""], 1):
        SignOffStep.objects.create(chain=c, order=order, name=f"步骤{order}", level=level)
    odd = Jurisdiction.objects.create(code="110199", name="经济开发区", level="", parent=None,
                                      path="/110199/")
    p = services.create_problem(None, **fields(jurisdiction=odd.code))
    assert [s.name for s in services.applicable_steps(p)] == ["步骤1", "步骤2", "步骤3", "步骤4"]
    # a district problem skips the street step, keeps its own level, the city and the unlevelled step
    d = services.create_problem(None, **fields(jurisdiction=DONGCHENG))
    assert [s.name for s in services.applicable_steps(d)] == ["步骤2", "步骤3", "步骤4"]
