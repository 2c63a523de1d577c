"""Commit–reveal in advance (our design [M]; no official draw algorithm was found) and draws per plan period: the seed's SHA-256 is
announced (and public) before the draw, the draw takes only a seed with that hash, the public sees the seed only
after the visits or an explicit reveal; a plan draws once per named period unless a reason is given."""

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from envbureau.enforcement import services
from envbureau.enforcement.models import Draw, DrawPlan, Inspection, SeedCommitment

from .conftest import committed_draw

OCT8 = dt.date(2026, 10, 8)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _cli(*args):
    out = StringIO()
    call_command("draw", *args, stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------- commit before, reveal after

def test_no_draw_without_an_announced_commitment(world):
    with pytest.raises(ValidationError) as exc:
        services.run_draw(None, world["plan"], "s", on=OCT8)
    assert "seed" in exc.value.message_dict and "尚未事先公布种子承诺值" in exc.value.message_dict["seed"][0]
    assert "2026-Q4" in exc.value.message_dict["seed"][0]
    assert Draw.objects.count() == 0 and Inspection.objects.count() == 0


def test_draw_accepts_only_the_committed_seed(world):
    services.commit_seed(None, world["plan"], "", sha("公开摇号-8812"), on=OCT8)
    with pytest.raises(ValidationError) as exc:
        services.run_draw(None, world["plan"], "公开摇号-8813", on=OCT8)
    assert "不符" in exc.value.message_dict["seed"][0]
    assert Draw.objects.count() == 0
    d = services.run_draw(None, world["plan"], "公开摇号-8812", on=OCT8)
    c = SeedCommitment.objects.get()
    assert d.commitment == c and d.seed_commit == sha("公开摇号-8812") and c.committed_at < d.drawn_at
    assert d.period == "2026-Q4"
    ok, problems = services.verify_draw(d)
    assert ok, problems
    # the commitment is spent: the next draw of the period needs a new one (and a reason)
    with pytest.raises(ValidationError) as exc:
        services.run_draw(None, world["plan"], "公开摇号-8812", on=OCT8, reason="复核")
    assert "尚未事先公布" in exc.value.message_dict["seed"][0]


def test_a_malformed_commitment_is_refused_naming_the_field(world):
    for bad in ("abc", "g" * 64, sha("x")[:63]):
        with pytest.raises(ValidationError) as exc:
            services.commit_seed(None, world["plan"], "", bad, on=OCT8)
        assert "commitment" in exc.value.message_dict
    assert SeedCommitment.objects.count() == 0
    c = services.commit_seed(None, world["plan"], "", sha("x").upper(), on=OCT8)  # upper-case hex is the same hash
    assert c.commitment == sha("x")


def test_one_open_commitment_per_plan_and_period(world):
    services.commit_seed(None, world["plan"], "", sha("a"), on=OCT8)
    with pytest.raises(ValidationError) as exc:
        services.commit_seed(None, world["plan"], "", sha("b"), on=OCT8)
    assert "不能撤回或替换" in exc.value.message_dict["commitment"][0]
    services.commit_seed(None, world["plan"], "2026-Q3", sha("b"), on=OCT8)  # another period: its own
    assert SeedCommitment.objects.count() == 2


def test_platform_seed_is_secret_until_drawn(world, client_for):
    from envbureau.core.models import AuditEntry

    c = services.commit_seed(None, world["plan"], "", "", on=OCT8)
    secret = SeedCommitment.objects.get(pk=c.pk).secret_seed
    assert c.source == "platform" and len(secret) == 32 and c.commitment == sha(secret)
    # nobody reads the seed: not the public pages or API, not staff pages, not the change log
    anon = Client()
    pages = [anon.get("/public/enforcement/").content.decode(),
             anon.get("/api/v1/public/enforcement/commitments/").content.decode(),
             client_for("admin").get(f"/enforcement/plans/{world['plan'].pk}/").content.decode(),
             client_for("admin").get("/api/v1/enforcement/commitments/").content.decode(),
             client_for("admin").get(f"/enforcement/plans/{world['plan'].pk}/draw/").content.decode()]
    assert all(c.commitment in p for p in pages[:2]) and c.commitment in pages[2]
    assert not any(secret in p for p in pages)
    logged = AuditEntry.objects.filter(model="enforcement.seedcommitment")
    assert logged.exists()
    assert not any(secret in json.dumps([a.changes, a.object_repr], ensure_ascii=False, default=str)
                   for a in AuditEntry.objects.all())
    d = services.run_draw(None, world["plan"], "", on=OCT8)  # no seed given: the platform's
    assert d.seed == secret and services.verify_draw(d)[0]
    assert SeedCommitment.objects.get(pk=c.pk).secret_seed == ""  # one copy: the draw's


def test_staff_commitment_needs_the_seed_at_draw_time(world):
    services.commit_seed(None, world["plan"], "", sha("kept-by-staff"), on=OCT8)
    with pytest.raises(ValidationError) as exc:
        services.run_draw(None, world["plan"], "", on=OCT8)
    assert "请输入随机种子" in exc.value.message_dict["seed"][0]


def test_public_sees_commitment_at_once_and_seed_only_after_reveal(world, client_for):
    anon = Client()
    c = services.commit_seed(None, world["plan"], "", sha("seed-public-1"), on=OCT8)
    page = anon.get("/public/enforcement/").content.decode()
    assert c.commitment in page and "2026-Q4" in page  # before any draw
    d = services.run_draw(None, world["plan"], "seed-public-1", on=OCT8)
    services.publish_draw(None, d)
    for url in ("/public/enforcement/", f"/public/enforcement/draws/{d.pk}/"):
        page = anon.get(url).content.decode()
        assert d.code in page or url.endswith(f"{d.pk}/")
        assert "seed-public-1" not in page and "检查完成后公开" in page
    api = anon.get(f"/api/v1/public/enforcement/draws/{d.pk}/").json()
    assert api["seed"] is None and api["seed_commit"] == c.commitment and api["committed_at"]
    services.reveal_seed(None, d)
    assert "seed-public-1" in anon.get(f"/public/enforcement/draws/{d.pk}/").content.decode()
    assert anon.get(f"/api/v1/public/enforcement/draws/{d.pk}/").json()["seed"] == "seed-public-1"


def test_seed_shows_by_itself_once_every_visit_is_done(world):
    d = committed_draw(world["plan"], "auto-reveal", on=OCT8)
    services.publish_draw(None, d)
    visits = list(d.inspections.order_by("pk"))
    assert len(visits) == 4
    anon = Client()
    for n, i in enumerate(visits):
        assert anon.get(f"/api/v1/public/enforcement/draws/{d.pk}/").json()["seed"] is None, n
        services.record_inspection(None, i, checklist={str(k): ("ok", "") for k in range(len(i.checklist))},
                                   result="no_problem", party_present="王经理", inspected_on="2026-10-20")
    assert anon.get(f"/api/v1/public/enforcement/draws/{d.pk}/").json()["seed"] == "auto-reveal"
    assert Draw.objects.get(pk=d.pk).revealed_at is None  # shown because the visits are done, not revealed


def test_verify_checks_commit_time_and_hash(world):
    d = committed_draw(world["plan"], "verify-me", on=OCT8)
    assert services.verify_draw(d) == (True, [])
    c = d.commitment
    SeedCommitment.objects.filter(pk=c.pk).update(committed_at=d.drawn_at)  # same instant: not before
    ok, problems = services.verify_draw(Draw.objects.get(pk=d.pk))
    assert not ok and any("不早于抽取时间" in p for p in problems)
    SeedCommitment.objects.filter(pk=c.pk).update(committed_at=d.drawn_at - dt.timedelta(microseconds=1))
    assert services.verify_draw(Draw.objects.get(pk=d.pk)) == (True, [])
    SeedCommitment.objects.filter(pk=c.pk).update(commitment=sha("another"))
    ok, problems = services.verify_draw(Draw.objects.get(pk=d.pk))
    assert not ok and any("承诺值不符" in p for p in problems)
    Draw.objects.filter(pk=d.pk).update(commitment=None)
    ok, problems = services.verify_draw(Draw.objects.get(pk=d.pk))
    assert not ok and any("没有事先公布" in p for p in problems)


def test_cli_commit_generate_run_verify_reveal(world):
    plan = world["plan"]
    out = json.loads(_cli("commit", "--plan", str(plan.pk), "--generate", "--json"))
    assert out["source"] == "platform" and len(out["commitment"]) == 64 and "seed" not in out
    pending = json.loads(_cli("list", "--commitments", "--json"))
    assert [p["commitment"] for p in pending] == [out["commitment"]]
    with pytest.raises(Exception) as exc:  # a second commitment for the period: refused, clearly
        _cli("commit", "--plan", str(plan.pk), "--hash", sha("x"))
    assert "不能撤回或替换" in str(exc.value)
    drawn = json.loads(_cli("run", "--plan", str(plan.pk), "--json"))
    assert sha(drawn["seed"]) == out["commitment"] == drawn["seed_commit"] and drawn["period"] == "2026-Q4"
    assert "复核通过" in _cli("verify", str(drawn["id"]))
    assert json.loads(_cli("list", "--commitments", "--json")) == []
    assert drawn["seed"] in _cli("reveal", str(drawn["id"]))
    assert Draw.objects.get(pk=drawn["id"]).revealed_at is not None


def test_api_commit_draw_reveal(world, client_for):
    c = client_for("admin")
    plan = world["plan"]
    r = c.post(f"/api/v1/enforcement/plans/{plan.pk}/draw/", {"seed": "api-seed"}, content_type="application/json")
    assert r.status_code == 400 and "尚未事先公布" in r.json()["error"]["fields"]["seed"][0]
    r = c.post(f"/api/v1/enforcement/plans/{plan.pk}/commit/", {"commitment": "not-a-hash"},
               content_type="application/json")
    assert r.status_code == 400 and "64位十六进制" in r.json()["error"]["fields"]["commitment"][0]
    r = c.post(f"/api/v1/enforcement/plans/{plan.pk}/commit/", {"commitment": sha("api-seed")},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["commitment"] == sha("api-seed") and r.json()["draw"] is None
    r = c.post(f"/api/v1/enforcement/plans/{plan.pk}/draw/", {"seed": "api-seed"}, content_type="application/json")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["committed_at"] < d["drawn_at"] and d["revealed_at"] is None
    assert client_for("leader").post(f"/api/v1/enforcement/draws/{d['id']}/reveal/").status_code == 403
    r = c.post(f"/api/v1/enforcement/draws/{d['id']}/reveal/")
    assert r.status_code == 200 and r.json()["revealed_at"]


def test_web_commit_then_draw(world, client_for):
    c = client_for("admin")
    plan = world["plan"]
    r = c.post(f"/enforcement/plans/{plan.pk}/commit/", {"period": "2026-Q4", "commitment": "zz"})
    assert r.status_code == 400 and "64位十六进制" in r.content.decode()
    r = c.post(f"/enforcement/plans/{plan.pk}/commit/", {"period": "2026-Q4", "commitment": sha("web-seed")})
    assert r.status_code == 302
    page = c.get(f"/enforcement/plans/{plan.pk}/draw/").content.decode()
    assert sha("web-seed") in page
    r = c.post(f"/enforcement/plans/{plan.pk}/draw/", {"period": "2026-Q4", "seed": "wrong"})
    assert r.status_code == 400 and "不符" in r.content.decode() and Draw.objects.count() == 0
    r = c.post(f"/enforcement/plans/{plan.pk}/draw/", {"period": "2026-Q4", "seed": "web-seed"})
    assert r.status_code == 302
    d = Draw.objects.get()
    page = c.get(f"/enforcement/draws/{d.pk}/").content.decode()
    assert sha("web-seed") in page and "复核通过" in page and "2026-Q4" in page


# ---------------------------------------------------------------- periods

def _quarterly(world, **kw):
    plan = DrawPlan.objects.create(name="季度计划", jurisdiction=world["city"], year=2026, period="quarter",
                                   ratio_key=1, ratio_general=1, ratio_special=1, **kw)
    plan.items.set(world["items"])
    return plan


@pytest.mark.parametrize("day, key", [(dt.date(2026, 9, 29), "2026-Q3"), (dt.date(2026, 9, 30), "2026-Q3"),
                                      (dt.date(2026, 10, 1), "2026-Q4"), (dt.date(2026, 12, 31), "2026-Q4"),
                                      (dt.date(2026, 6, 30), "2026-Q2"), (dt.date(2026, 7, 1), "2026-Q3")])
def test_default_period_is_the_one_holding_the_day(world, day, key):
    assert services.plan_period(_quarterly(world), "", day).key == key


def test_second_draw_of_a_period_needs_a_reason_across_the_quarter_boundary(world):
    plan = _quarterly(world)
    last_day_q3, first_day_q4 = dt.date(2026, 9, 30), dt.date(2026, 10, 1)
    q3 = committed_draw(plan, "q3", on=last_day_q3)
    assert q3.period == "2026-Q3" and {i.planned_on for i in q3.inspections.all()} == {last_day_q3}
    q4 = committed_draw(plan, "q4", on=first_day_q4)  # the next day is the next quarter: no reason needed
    assert q4.period == "2026-Q4" and q4.repeat_reason == ""
    services.commit_seed(None, plan, "", sha("q4-again"), on=first_day_q4)
    with pytest.raises(ValidationError) as exc:
        services.run_draw(None, plan, "q4-again", on=first_day_q4)
    msg = exc.value.message_dict["reason"][0]
    assert "季度计划" in msg and "2026-Q4" in msg and q4.code in msg and "须填写理由" in msg
    with pytest.raises(ValidationError):
        services.run_draw(None, plan, "q4-again", on=first_day_q4, reason="   ")  # blank is no reason
    again = services.run_draw(None, plan, "q4-again", on=first_day_q4, reason="首次抽取后名录库更新")
    assert again.repeat_reason == "首次抽取后名录库更新" and again.period == "2026-Q4"
    assert Draw.objects.filter(plan=plan, period="2026-Q4").count() == 2


def test_named_period_drawn_ahead_plans_from_its_first_day(world):
    plan = _quarterly(world)
    d = committed_draw(plan, "ahead", on=dt.date(2026, 9, 20), period="2026-q4")
    assert d.period == "2026-Q4" and {i.planned_on for i in d.inspections.all()} == {dt.date(2026, 10, 1)}


def test_unknown_period_is_named_with_the_choices(world):
    plan = _quarterly(world)
    with pytest.raises(ValidationError) as exc:
        services.commit_seed(None, plan, "2026-Q5", sha("x"), on=OCT8)
    msg = exc.value.message_dict["period"][0]
    assert "2026-Q5" in msg and "2026-Q1" in msg and "2026-Q4" in msg
    with pytest.raises(ValidationError) as exc:
        services.commit_seed(None, plan, "", sha("x"), on=dt.date(2027, 1, 1))  # a 2026 plan in 2027: name it
    assert "请指定抽查期间" in exc.value.message_dict["period"][0]


@pytest.mark.parametrize("period, keys", [
    ("half", ["2026-H1", "2026-H2"]), ("year", ["2026"]),
    ("month", [f"2026-{m:02d}" for m in range(1, 13)])])
def test_other_period_kinds(world, period, keys):
    plan = _quarterly(world)
    plan.period = period
    plan.save()
    assert [services.plan_period(plan, k, OCT8).key for k in keys] == keys
    assert services.plan_period(plan, "", dt.date(2026, 6, 30)).key == keys[0 if period != "month" else 5]
    assert services.plan_period(plan, "", dt.date(2026, 7, 1)).key == keys[{"half": 1, "year": 0, "month": 6}[period]]


@pytest.mark.parametrize("period, ratio, factor, per_year, positive", [
    ("quarter", "0.25", "0.5", 1.0, 0.5), ("half", "0.25", "0.5", 0.5, 0.25), ("month", "0.05", "0", 0.6, 0.0),
    ("year", "1", "1", 1.0, 1.0)])
def test_yearly_frequency(world, client_for, period, ratio, factor, per_year, positive):
    plan = DrawPlan.objects.create(name="频次计划", jurisdiction=world["city"], year=2026, period=period,
                                   ratio_key=ratio, ratio_general="0.05", ratio_special="0.25", positive_factor=factor)
    freq = plan.yearly_frequency()
    assert freq["key"] == per_year and freq["key_positive"] == positive
    api = client_for("admin").get(f"/api/v1/enforcement/plans/{plan.pk}/").json()
    assert api["yearly_frequency"]["key"] == per_year and len(api["periods"]) == {
        "quarter": 4, "half": 2, "month": 12, "year": 1}[period]
    page = client_for("admin").get(f"/enforcement/plans/{plan.pk}/").content.decode()
    assert "每年抽查次数" in page


def test_plan_page_shows_one_year_coverage_for_a_quarter_quarter_plan(world, client_for):
    plan = DrawPlan.objects.create(name="频次计划", jurisdiction=world["city"], year=2026, period="quarter",
                                   ratio_key="0.25", ratio_general="0.05", ratio_special="0.25", positive_factor="0.5")
    page = client_for("admin").get(f"/enforcement/plans/{plan.pk}/").content.decode()
    table = page.split("每年抽查次数(平均)")[1].split("</table>")[0]
    row = table.split("<td>重点监管对象</td>")[1].split("</tr>")[0]
    assert "<td>25%</td>" in row and "<td>1 <span" in row and "约每 1 年一次" in row
    assert "<td>0.5 <span" in row and "约每 2 年一次" in row  # positive list: half as often
    general = table.split("<td>一般监管对象</td>")[1].split("</tr>")[0]
    assert "<td>5%</td>" in general and "<td>0.2 <span" in general and "约每 5 年一次" in general
