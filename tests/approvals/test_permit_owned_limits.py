"""One source of truth for permit-owned limits: a PollutantLimit whose source_ref names a permit cannot be edited
or deleted through the sources limits page, the API or the sources.pollutantlimit import (the error names the
permit), while the permit's own change flow still rewrites it; the dossier shows each limit's source, linking the
permit only for a reader who may open it."""

from django.urls import reverse
from rest_framework.test import APIClient

from envbureau.approvals import permits
from envbureau.core import workflow as wf
from envbureau.core.excel import workbook_bytes
from envbureau.core.importing import get_importer
from envbureau.sources.models import PollutantLimit

NUMBER = "91110101MA01AAAA1X001P"
REFUSED = f"该限值由排污许可证 {NUMBER} 设定,请在许可证中变更"


def _setup(world):
    p = permits.issue(None, enterprise_id=world["e1"].pk, number=NUMBER, category="key", issued_on="2026-01-05",
                      limits=[{"outlet_code": "DW001", "factor": "w01018", "limit_value": 100}])
    lim = PollutantLimit.objects.get(point=world["point"], factor="w01018")
    assert lim.source_ref == p.source_ref
    free = PollutantLimit.objects.create(point=world["point"], factor="w01001", limit_value=9, lower_limit=6,
                                         standard="GB 8978-1996")
    return p, lim, free


def _admin(client_for):
    return client_for("admin")


def test_limits_page_refuses_edit_and_delete_of_a_permit_limit(world, client_for):
    p, lim, free = _setup(world)
    c = _admin(client_for)
    # the detail page gives the reason instead of the edit and delete buttons; their pages send back to it
    page = c.get(f"/sources/limits/{lim.pk}/").content.decode()
    assert REFUSED in page and 'href="edit/"' not in page and 'href="delete/"' not in page
    free_page = c.get(f"/sources/limits/{free.pk}/").content.decode()
    assert 'href="edit/"' in free_page and REFUSED not in free_page
    assert c.get(f"/sources/limits/{free.pk}/edit/").status_code == 200
    for step in ("edit", "delete"):
        r = c.get(f"/sources/limits/{lim.pk}/{step}/", follow=True)
        assert r.redirect_chain == [(f"/sources/limits/{lim.pk}/", 302)] and REFUSED in r.content.decode()
    form = {"point": world["point"].pk, "factor": "w01018", "unit": "mg/L", "period": "hour", "limit_value": 500,
            "standard": "改掉"}
    r = c.post(f"/sources/limits/{lim.pk}/edit/", form)
    assert r.status_code == 400 and REFUSED in r.content.decode()
    r = c.post(f"/sources/limits/{lim.pk}/delete/", follow=True)
    assert r.status_code == 200 and REFUSED in r.content.decode()
    lim.refresh_from_db()
    assert lim.limit_value == 100 and lim.source_ref == p.source_ref
    # a limit no permit owns still edits and deletes
    r = c.post(f"/sources/limits/{free.pk}/edit/", {**form, "factor": "w01001", "limit_value": 9.5, "lower_limit": 6})
    assert r.status_code == 302
    free.refresh_from_db()
    assert free.limit_value == 9.5
    assert c.post(f"/sources/limits/{free.pk}/delete/").status_code == 302
    assert not PollutantLimit.objects.filter(pk=free.pk).exists()


def test_api_refuses_update_and_delete_naming_the_permit(world, user_named):
    p, lim, free = _setup(world)
    c = APIClient()
    c.force_authenticate(user_named("admin"))
    r = c.patch(f"/api/v1/sources/limits/{lim.pk}/", {"limit_value": 500}, format="json")
    assert r.status_code == 400 and r.json()["error"]["fields"]["source_ref"] == [REFUSED]
    r = c.delete(f"/api/v1/sources/limits/{lim.pk}/")
    assert r.status_code == 400 and r.json()["error"]["fields"]["source_ref"] == [REFUSED]
    lim.refresh_from_db()
    assert lim.limit_value == 100
    got = c.get(f"/api/v1/sources/limits/{lim.pk}/").json()
    assert got["source_ref"] == p.source_ref
    assert c.patch(f"/api/v1/sources/limits/{free.pk}/", {"limit_value": 8.5}, format="json").status_code == 200


def test_import_refuses_a_row_naming_a_permit_limit(world, user_named):
    _p, lim, free = _setup(world)
    head = ["MN 编码", "污染物代码", "均值周期", "排放限值(上限)", "下限"]
    data = workbook_bytes([("s", head, [[world["point"].mn, "w01001", "小时均值", 9, 6],
                                        [world["point"].mn, "w01018", "小时均值", 500, ""]])])
    res = get_importer("sources.pollutantlimit").run(data, "l.xlsx", user_named("admin"))
    assert not res.ok
    err = res.errors[0]
    assert err["row"] == 3 and err["column"] == "污染物代码" and err["message"] == REFUSED
    lim.refresh_from_db()
    free.refresh_from_db()
    assert lim.limit_value == 100 and free.limit_value == 9  # all or nothing


def test_the_permits_change_flow_still_rewrites_its_limits(world):
    p, lim, _free = _setup(world)
    wf.apply(world["officer"], p, "change", note="提标改造",
             limits=[{"outlet_code": "DW001", "factor": "w01018", "limit_value": 60}])
    lim.refresh_from_db()
    assert lim.limit_value == 60 and lim.source_ref == p.source_ref
    wf.apply(world["officer"], p, "change", note="取消 COD 许可",
             limits=[{"outlet_code": "DW001", "factor": "w21003", "limit_value": 8}])
    assert not PollutantLimit.objects.filter(pk=lim.pk).exists()  # dropped by the permit: removed
    wf.apply(world["officer"], p, "revoke", note="注销", on="2026-06-01")
    nh3 = PollutantLimit.objects.get(point=world["point"], factor="w21003")
    assert nh3.source_ref == ""  # released: an ordinary limit again, editable
    nh3.limit_value = 10
    nh3.save()


def test_dossier_shows_each_limits_source(world, client_for):
    p, _lim, _free = _setup(world)
    url = reverse("approvals:permits-detail", args=[p.pk])
    page = client_for("admin").get(reverse("sources:dossier", args=[world["e1"].pk])).content.decode()
    assert f'限值来源:<a href="{url}">排污许可证 {NUMBER}</a>' in page
    assert "限值来源:GB 8978-1996" in page
    from django.test import Client

    from envbureau.core.models import Role, RoleAssignment, User

    # a reader of online monitoring only (sources.view, not approvals.view): the words, without the link
    role = Role.objects.create(code="sources_reader", name="在线监控查询", kind="staff", permissions=["sources.view"])
    reader = User.objects.create(username="src_reader")
    RoleAssignment.objects.create(user=reader, role=role)
    c = Client()
    c.force_login(reader)
    page = c.get(reverse("sources:dossier", args=[world["e1"].pk])).content.decode()
    assert f"限值来源:排污许可证 {NUMBER}" in page and url not in page
