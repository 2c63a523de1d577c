"""Domain verbs of enforcement: pool upkeep, the 双随机 draw, inspections.

Every verb takes the acting user (None = trusted system path: CLI without --user, demo), checks scope,
and changes models in one transaction (audited by core's signals). State changes run through the
workflows declared in workflows.py (core.workflow.apply)."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
import secrets
import uuid

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import deadlines as dl
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created, get_scoped_object, restrict

from . import config, drawing, period_keys
from .choices import (
    CLASS_INDEX,
    COUNTS_TOWARD_CAP,
    CheckResult,
    InspectionKind,
    InspectionSource,
    SupervisionClass,
)
from .models import (
    PROBLEM_LINE,
    Draw,
    DrawPlan,
    Inspection,
    Inspector,
    InspectorPosting,
    PoolEnterprise,
    Recusal,
    SeedCommitment,
)


def _require(user, perm: str) -> None:
    if user is not None and not has_perm(user, perm):
        raise PermissionDenied(_("您没有“%(p)s”权限") % {"p": perm})


def _code(prefix: str, year: int, pk: int) -> str:
    return f"{prefix}{year}-{pk:05d}"


# ---------------------------------------------------------------- the enterprise pool

@transaction.atomic
def sync_pool(user=None) -> dict:
    """Add every operating enterprise of the registry to the pool (class from its key-discharger flags);
    existing entries keep their class and list flags, only name, code and jurisdiction follow the registry."""
    _require(user, "enforcement.change")
    Enterprise = apps.get_model("sources", "Enterprise")  # read-only view of the registry (no model import)
    qs = Enterprise.objects.all() if user is None else restrict(Enterprise.objects.all(), user, "view")
    existing = {p.enterprise_id: p for p in PoolEnterprise.objects.all()}
    added = updated = 0
    for e in qs.select_related("jurisdiction"):
        key = e.key_water or e.key_air or e.key_soil or e.key_noise
        p = existing.get(e.pk)
        if p is None:
            p = PoolEnterprise(enterprise_id=e.pk, name=e.name, credit_code=e.credit_code, jurisdiction=e.jurisdiction,
                               supervision_class=SupervisionClass.KEY if key else SupervisionClass.GENERAL,
                               excluded=e.status != "operating")
            p.save()
            check_created(user, p, "add")
            added += 1
        elif (p.name, p.credit_code, p.jurisdiction_id) != (e.name, e.credit_code, e.jurisdiction_id):
            p.name, p.credit_code, p.jurisdiction = e.name, e.credit_code, e.jurisdiction
            p.save()
            updated += 1
    return {"added": added, "updated": updated}


# ---------------------------------------------------------------- the draw

def _year_bounds(year: int):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def cap_counts(year: int, enterprise_ids=None) -> dict:
    """Routine/special checks per enterprise in `year` (planned or done, not cancelled) — the yearly cap."""
    from django.db.models import Count

    start, end = _year_bounds(year)
    qs = Inspection.objects.filter(counts_toward_cap=True, planned_on__range=(start, end)).exclude(state="cancelled")
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    return dict(qs.values_list("enterprise_id").annotate(n=Count("id")).values_list("enterprise_id", "n"))


def previous_draw(plan: DrawPlan) -> Draw | None:
    """The last draw over any part of the plan's area: of its jurisdiction, one inside it (a district's under a
    city plan) or one containing it (the city's under a district plan) — no inspector–enterprise pair repeats
    across consecutive draws whichever level drew."""
    path = plan.jurisdiction.path
    parts = path.strip("/").split("/")
    containing = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    return (Draw.objects.filter(Q(jurisdiction__path__startswith=path) | Q(jurisdiction__path__in=containing))
            .order_by("-drawn_at", "-id").first())


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` years earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def posting_recusals(inspector_ids, pool: list[dict], on: dt.date) -> dict:
    """{(inspector, enterprise): [reason facts]} from the inspectors' postings that started by `on` and ended
    within `posting_recusal_years` before it (the day exactly that many years before included) or still run:
    a posting to a jurisdiction recuses from every pool enterprise in it (its subtree), a former employer from
    that enterprise. `pool` rows carry enterprise_id and jurisdiction__path."""
    years = int(config.get("posting_recusal_years"))
    cutoff = years_before(on, years)
    by_path = sorted((p["jurisdiction__path"], p["enterprise_id"]) for p in pool)
    paths = [p for p, _e in by_path]
    in_pool = {p["enterprise_id"] for p in pool}
    out: dict = {}
    qs = (InspectorPosting.objects.filter(inspector_id__in=list(inspector_ids), started_on__lte=on)
          .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=cutoff)).select_related("jurisdiction", "enterprise"))
    for p in qs:
        start = p.started_on.isoformat()
        if p.kind == "employer":
            targets = [p.enterprise.enterprise_id] if p.enterprise.enterprise_id in in_pool else []
            why = (texts.sentence(gettext_noop("曾受雇于该企业(%(a)s 至 %(b)s),%(n)s 年内回避"), a=start,
                                  b=p.ended_on.isoformat(), n=years) if p.ended_on else
                   texts.sentence(gettext_noop("现受雇于该企业(%(a)s 起)"), a=start))
        else:
            prefix = p.jurisdiction.path
            lo, hi = bisect.bisect_left(paths, prefix), bisect.bisect_left(paths, prefix + "\uffff")
            targets = [e for _p, e in by_path[lo:hi]]
            why = (texts.sentence(gettext_noop("曾在%(j)s任职(%(a)s 至 %(b)s),%(n)s 年内回避"), j=p.jurisdiction.name,
                                  a=start, b=p.ended_on.isoformat(), n=years) if p.ended_on else
                   texts.sentence(gettext_noop("现在%(j)s任职(%(a)s 起)"), j=p.jurisdiction.name, a=start))
        for e in targets:
            out.setdefault((p.inspector_id, e), []).append(why)
    return out


def build_inputs(plan: DrawPlan, seed: str, on: dt.date | None = None) -> drawing.DrawInputs:
    """Freeze both pools of the plan's jurisdiction as the algorithm's inputs. Recusals are the declared ones in
    force on `on` and those from recent postings; `inp.recusal_reasons` says why for each pair."""
    on = on or timezone.localdate()
    pool = list(PoolEnterprise.objects.filter(jurisdiction__path__startswith=plan.jurisdiction.path)
                .order_by("enterprise_id").values("enterprise_id", "name", "supervision_class", "positive_list",
                                                  "positive_until", "cap_exempt", "excluded", "credit_grade",
                                                  "jurisdiction__path"))
    used = cap_counts(plan.year)
    ents = {"id": [], "cls": [], "positive": [], "cap_used": [], "cap_exempt": [], "excluded": []}
    for p in pool:
        ents["id"].append(p["enterprise_id"])
        # The credit grade steers the draw: 警示/不良 are special supervision (more often), 诚信 counts as
        # positive list (less often), 不良 is not held to the yearly cap (special class: local criteria [1S]; positive list:
        # 环办执法〔2021〕10号; the cap's exemption for D/red grades: the Shaanxi list [1S]).
        grade = p["credit_grade"]
        cls = "special" if grade in ("yellow", "red") else p["supervision_class"]
        ents["cls"].append(CLASS_INDEX[cls])
        positive = grade == "green" or (p["positive_list"] and (p["positive_until"] is None or p["positive_until"] >= on))
        ents["positive"].append(int(positive))
        ents["cap_used"].append(int(used.get(p["enterprise_id"], 0)))
        ents["cap_exempt"].append(int(p["cap_exempt"] or grade == "red"))
        ents["excluded"].append(int(p["excluded"]))
    inspectors = list(Inspector.objects.filter(jurisdiction__path__startswith=plan.jurisdiction.path, certified=True,
                                               active=True).values_list("pk", flat=True))
    reasons: dict = {}
    for i, e, why in (Recusal.objects.filter(inspector_id__in=inspectors).exclude(until__lt=on)
                      .values_list("inspector_id", "enterprise__enterprise_id", "reason")):
        reasons.setdefault((i, e), []).append(texts.sentence(gettext_noop("申报回避:%(r)s"), r=why))
    for pair, whys in posting_recusals(inspectors, pool, on).items():
        reasons.setdefault(pair, []).extend(whys)
    prev = previous_draw(plan)
    previous = [(i, e) for e, team in (prev.pairs if prev else []) for i in team]
    inp = drawing.DrawInputs(plan=str(plan.pk), seed=str(seed), enterprises=ents, inspectors=inspectors,
                             recusals=sorted(reasons), previous=previous, ratios=plan.ratios(),
                             positive_factor=float(plan.positive_factor), team_size=plan.team_size,
                             yearly_cap=plan.yearly_cap, names={p["enterprise_id"]: p["name"] for p in pool})
    inp.recusal_reasons = reasons
    return inp


def plan_period(plan: DrawPlan, period: str = "", on: dt.date | None = None) -> period_keys.PlanPeriod:
    """The period of `plan` a draw or a commitment is for: the one named (2026-Q3), else the one holding `on`
    (the first of the plan's year before that year begins). A clear error names the periods the plan has."""
    on = on or timezone.localdate()
    kind = plan.period if plan.period in period_keys.MONTHS else "quarter"
    keys = [p.key for p in period_keys.periods(kind, plan.year)]
    if (period or "").strip():
        pp = period_keys.parse(kind, plan.year, period)
        if pp is None:
            raise ValidationError({"period": _("抽查期间“%(v)s”不是计划“%(p)s”的期间;可选:%(k)s") % {
                "v": period, "p": plan.name, "k": "、".join(keys)}})
        return pp
    if on.year < plan.year:
        return period_keys.periods(kind, plan.year)[0]
    if on.year > plan.year:
        raise ValidationError({"period": _("计划“%(p)s”是 %(y)s 年的计划,请指定抽查期间(%(k)s)") % {
            "p": plan.name, "y": plan.year, "k": "、".join(keys)}})
    return period_keys.period_of(kind, on)


def planned_date(plan: DrawPlan, on: dt.date, period: period_keys.PlanPeriod | None = None) -> dt.date:
    return max(on, period.start if period else dt.date(plan.year, 1, 1))


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def open_commitment(plan: DrawPlan, period: str) -> SeedCommitment | None:
    return (SeedCommitment.objects.filter(plan=plan, period=period, draw__isnull=True)
            .order_by("-committed_at", "-id").first())


@transaction.atomic
def commit_seed(user, plan: DrawPlan, period: str = "", commitment: str = "", *, note: str = "",
                on: dt.date | None = None) -> SeedCommitment:
    """Announce the seed of the next draw of `plan` for a period before drawing (step 2 of our commit–reveal
    design [M]; no official draw algorithm was found):
    either the SHA-256 of a seed the staff keep (`commitment`), or, when none is given, the platform generates a
    seed, keeps it from every reader and publishes only its hash. One open commitment per plan and period: a
    second one would let the drawer choose between seeds."""
    if user is not None:
        plan = get_scoped_object(DrawPlan, user, "view", pk=plan.pk)
        _require(user, "enforcement.draw")
    if not plan.active:
        raise ValidationError({"plan": _("抽查计划已停用")})
    pp = plan_period(plan, period, on)
    DrawPlan.objects.select_for_update().filter(pk=plan.pk).first()  # one commitment at a time per plan
    earlier = open_commitment(plan, pp.key)
    if earlier is not None:
        raise ValidationError({"commitment": _("计划“%(p)s”%(k)s 已有尚未使用的种子承诺值(%(t)s 公布);一次抽取只对应一个承诺值,"
                                               "承诺值公布后不能撤回或替换") % {
            "p": plan.name, "k": pp.key, "t": timezone.localtime(earlier.committed_at).strftime("%Y-%m-%d %H:%M")}})
    value = (commitment or "").strip().lower()
    secret = ""
    if value:
        if not _SHA256.match(value):
            raise ValidationError({"commitment": _("种子承诺值须为64位十六进制的SHA-256值")})
        source = "staff"
    else:
        secret = secrets.token_hex(16)
        value = hashlib.sha256(secret.encode()).hexdigest()
        source = "platform"
    c = SeedCommitment(plan=plan, jurisdiction=plan.jurisdiction, period=pp.key, commitment=value, source=source,
                       secret_seed=secret, note=(note or "").strip()[:200],
                       committed_by=user if getattr(user, "pk", None) else None)
    c.save()
    check_created(user, c, "add")
    return c


@transaction.atomic
def run_draw(user, plan: DrawPlan, seed: str = "", *, witnesses: str = "", on: dt.date | None = None,
             period: str = "", reason: str = "") -> Draw:
    """Draw for one period of `plan`, with the seed committed in advance (commit_seed): the seed given must have
    the published SHA-256 (a platform-kept seed is used when none is given). A second draw of the plan for the
    same period needs a reason. Raises drawing.Unsatisfiable (a ValidationError for the web/API) and draws nothing
    when a team cannot be formed; otherwise records the draw and one planned inspection per pair."""
    if user is not None:
        plan = get_scoped_object(DrawPlan, user, "view", pk=plan.pk)
        _require(user, "enforcement.draw")
    seed = (seed or "").strip()
    if len(seed) > 100:
        raise ValidationError({"seed": _("随机种子最长100个字符")})
    if not plan.active:
        raise ValidationError({"plan": _("抽查计划已停用")})
    on = on or timezone.localdate()
    pp = plan_period(plan, period, on)
    reason = (reason or "").strip()
    DrawPlan.objects.select_for_update().filter(pk=plan.pk).first()  # one draw at a time per plan
    earlier = Draw.objects.filter(plan=plan, period=pp.key).order_by("drawn_at", "id").first()
    if earlier is not None and not reason:
        raise ValidationError({"reason": _("计划“%(p)s”%(k)s 已于 %(t)s 抽取(%(c)s);同一期间再次抽取须填写理由") % {
            "p": plan.name, "k": pp.key, "t": timezone.localtime(earlier.drawn_at).strftime("%Y-%m-%d %H:%M"),
            "c": earlier.code}})
    commitment = open_commitment(plan, pp.key)
    if commitment is None:
        raise ValidationError({"seed": _("计划“%(p)s”%(k)s 尚未事先公布种子承诺值(SHA-256);请先公布承诺值,再抽取") % {
            "p": plan.name, "k": pp.key}})
    if not seed:
        if commitment.source != "platform" or not commitment.secret_seed:
            raise ValidationError({"seed": _("请输入随机种子:其SHA-256须等于 %(t)s 公布的承诺值") % {
                "t": timezone.localtime(commitment.committed_at).strftime("%Y-%m-%d %H:%M")}})
        seed = commitment.secret_seed
    if hashlib.sha256(seed.encode()).hexdigest() != commitment.commitment:
        raise ValidationError({"seed": _("种子的SHA-256与 %(t)s 公布的承诺值 %(h)s… 不符;抽取只接受与承诺值相符的种子") % {
            "t": timezone.localtime(commitment.committed_at).strftime("%Y-%m-%d %H:%M"), "h": commitment.commitment[:16]}})
    if commitment.committed_at >= timezone.now():
        raise ValidationError({"seed": _("种子承诺值须在抽取之前公布")})
    inp = build_inputs(plan, seed, on)
    result = drawing.run(inp)  # Unsatisfiable propagates: nothing written yet
    reasons = inp.recusal_reasons
    rejections = [{"enterprise": e, "inspector": i, "kind": kind,
                   "reasons": reasons.get((i, e), []) if kind == "recused" else
                   [texts.sentence(gettext_noop("上次抽取已与该企业配对"))]}
                  for e, i, kind in result.rejections]
    frozen = {**inp.to_json(), "period": pp.key,
              "recusal_reasons": [[i, e, whys] for (i, e), whys in sorted(reasons.items())]}
    d = Draw(plan=plan, jurisdiction=plan.jurisdiction, code=f"tmp-{uuid.uuid4().hex[:12]}", seed=seed,
             seed_commit=commitment.commitment, algorithm=drawing.ALGORITHM,
             algorithm_version=drawing.VERSION, enterprise_pool_hash=result.enterprise_hash,
             inspector_pool_hash=result.inspector_hash, result_hash=result.result_hash, inputs=frozen,
             pairs=[[e, m] for e, m in result.pairs], counts={**result.counts, "capped": result.capped},
             drawn_by=user if getattr(user, "pk", None) else None, witnesses=witnesses, period=pp.key,
             repeat_reason=reason if earlier is not None else "", commitment=commitment, rejections=rejections)
    d.save()
    d.code = _code("SJ", plan.year, d.pk)
    d._allow_update = True
    d.save(update_fields=["code"])
    check_created(user, d, "add")
    if commitment.secret_seed:  # the draw now holds the seed; no second copy
        commitment.secret_seed = ""
        commitment.save(update_fields=["secret_seed"])
    names = dict(PoolEnterprise.objects.filter(enterprise_id__in=[e for e, _m in result.pairs])
                 .values_list("enterprise_id", "name"))
    juris = dict(PoolEnterprise.objects.filter(enterprise_id__in=[e for e, _m in result.pairs])
                 .values_list("enterprise_id", "jurisdiction_id"))
    items = list(plan.items.all())
    day = planned_date(plan, on, pp)
    for eid, team in result.pairs:
        insp = create_inspection(None, source=InspectionSource.DRAW, draw=d, enterprise_id=eid,
                                 enterprise_name=names.get(eid, str(eid)), jurisdiction_id=juris[eid],
                                 kind=InspectionKind.ROUTINE, planned_on=day, team=team, items=items,
                                 source_ref=f"enforcement.draw:{d.pk}")
        insp.save()
    wf.record_event(d, user, "note", note=texts.sentence(gettext_noop("抽取 %(n)s 家企业,种子 %(s)s"), n=len(result.pairs), s=seed))
    if d.repeat_reason:
        wf.record_event(d, user, "note", note=texts.sentence(
            gettext_noop("%(k)s 再次抽取(此前已有 %(c)s),理由:%(r)s"), k=pp.key, c=earlier.code, r=reason))
    return d


def with_open_visits(qs):
    """Draws annotated with open_visits: a visit of the draw is still planned (its seed stays unpublished)."""
    from django.db.models import Exists, OuterRef

    return qs.annotate(open_visits=Exists(Inspection.objects.filter(draw=OuterRef("pk"), state="planned")))


@transaction.atomic
def reveal_seed(user, draw: Draw) -> Draw:
    """Publish the draw's seed (step 5 of our commit–reveal design [M]): from now on the public draw list shows it, so anyone
    can check it against the commitment and re-run the draw. The seed also shows by itself once no visit of the
    draw is still planned."""
    if user is not None:
        draw = get_scoped_object(Draw, user, "view", pk=draw.pk)
        _require(user, "enforcement.publish")
    if draw.revealed_at is None:
        draw.revealed_at = timezone.now()
        draw._allow_update = True
        draw.save(update_fields=["revealed_at"])
        wf.record_event(draw, user, "note", note=texts.sentence(gettext_noop("公开随机种子")))
    return draw


def verify_draw(draw: Draw) -> tuple[bool, list[str]]:
    """Re-run the draw from its recorded inputs: same pool hashes and same pairs as recorded (and as the
    inspections it created)? And was the seed committed before the draw, with this hash?"""
    problems = []
    if draw.algorithm != drawing.ALGORITHM or draw.algorithm_version != drawing.VERSION:
        return False, [_("抽取使用的算法 %(a)s v%(v)s 与本程序(%(b)s v%(w)s)不同") % {
            "a": draw.algorithm, "v": draw.algorithm_version, "b": drawing.ALGORITHM, "w": drawing.VERSION}]
    inp = drawing.DrawInputs.from_json(draw.inputs)
    if inp.seed != draw.seed:
        problems.append(_("记录的输入中的种子与公布的种子不一致"))
    digest = hashlib.sha256(draw.seed.encode()).hexdigest()
    if digest != draw.seed_commit:
        problems.append(_("种子与种子承诺值不符"))
    c = draw.commitment
    if c is None:
        problems.append(_("该抽取没有事先公布的种子承诺值"))
    else:
        if c.commitment != draw.seed_commit or digest != c.commitment:
            problems.append(_("种子的SHA-256与事先公布的承诺值不符"))
        if not (draw.drawn_at and c.committed_at < draw.drawn_at):
            problems.append(_("种子承诺值的公布时间不早于抽取时间"))
    try:
        result = drawing.run(inp)
    except drawing.Unsatisfiable as exc:
        return False, [_("按记录的输入无法完成抽取:%(r)s") % {"r": exc}]
    if result.enterprise_hash != draw.enterprise_pool_hash:
        problems.append(_("检查对象库哈希不符"))
    if result.inspector_hash != draw.inspector_pool_hash:
        problems.append(_("执法人员库哈希不符"))
    pairs = [[e, m] for e, m in result.pairs]
    if pairs != draw.pairs:
        problems.append(_("重新抽取的结果与记录的结果不同"))
    if result.result_hash != draw.result_hash:
        problems.append(_("结果哈希不符"))
    recorded = sorted([i.enterprise_id, sorted(i.team.values_list("pk", flat=True))]
                      for i in draw.inspections.prefetch_related("team"))
    if recorded != sorted(pairs):
        problems.append(_("抽取生成的检查任务(企业与执法人员)与抽取结果不一致"))
    return not problems, problems


@transaction.atomic
def publish_draw(user, draw: Draw) -> Draw:
    if user is not None:
        draw = get_scoped_object(Draw, user, "view", pk=draw.pk)
        _require(user, "enforcement.publish")
    if draw.status != "published":
        draw.status = "published"
        draw.published_at = timezone.now()
        draw._allow_update = True
        draw.save(update_fields=["status", "published_at"])
        wf.record_event(draw, user, "note", note=texts.sentence(gettext_noop("公开抽取结果")))
    return draw


# ---------------------------------------------------------------- inspections

def checklist_for(items) -> list[dict]:
    rows = []
    for it in items:
        points = [p.strip() for p in (it.checklist or "").splitlines() if p.strip()] or [it.name]
        for p in points:
            rows.append({"item": it.code, "point": p, "result": "", "note": ""})
    return rows


def create_inspection(user, *, source: str, enterprise_id: int, enterprise_name: str = "", jurisdiction_id=None,
                      team=(), items=(), kind: str | None = None, method: str = "onsite", planned_on=None,
                      draw: Draw | None = None, source_ref: str = "") -> Inspection:
    """One inspection in the same records whatever started it (draw, complaint, alarm, campaign, special)."""
    if source not in InspectionSource.values:
        raise ValidationError({"source": _("未知的检查来源: %(v)s") % {"v": source}})
    if user is not None:
        _require(user, "enforcement.inspect")
    pool = PoolEnterprise.objects.filter(enterprise_id=enterprise_id).first()
    if jurisdiction_id is None:
        if pool is None:
            raise ValidationError({"enterprise_id": _("企业 %(e)s 不在检查对象名录库中") % {"e": enterprise_id}})
        jurisdiction_id = pool.jurisdiction_id
    kind = kind or (InspectionKind.ROUTINE if source == InspectionSource.DRAW else InspectionKind.CASE)
    team = list(team)
    members = list(Inspector.objects.filter(pk__in=[getattr(t, "pk", t) for t in team]))
    if len(members) < 2:
        raise ValidationError({"team": _("执法检查须由至少2名执法人员进行")})
    if any(not m.certified or not m.active for m in members):
        raise ValidationError({"team": _("执法人员须持有执法证且在岗")})
    recused = Recusal.objects.filter(inspector__in=members, enterprise__enterprise_id=enterprise_id).exclude(
        until__lt=planned_on or timezone.localdate())
    pool_row = ([{"enterprise_id": pool.enterprise_id, "jurisdiction__path": pool.jurisdiction.path}]
                if pool is not None else [])
    if recused.exists() or posting_recusals([m.pk for m in members], pool_row, planned_on or timezone.localdate()):
        raise ValidationError({"team": _("所选执法人员中有人须对该企业回避")})
    if kind in COUNTS_TOWARD_CAP and draw is None:
        _check_cap(pool, enterprise_id, planned_on or timezone.localdate())
    source_ref = (source_ref or "").strip()
    if source_ref and _sources() is not None:
        # an alarm that exists, the user sees and is this enterprise's (400 otherwise)
        _sources().check_alarm(user, source_ref, enterprise_id)
    if source == InspectionSource.COMPLAINT and source_ref and _complaints() is not None:
        # a complaint that exists and the user sees (400 otherwise), named by its 受理编号 or its reference
        source_ref = f"complaints.complaint:{_complaints().check_source(user, source_ref, by_number=True).pk}"
    with transaction.atomic():
        insp = Inspection(code=f"tmp-{uuid.uuid4().hex[:12]}", source=source, source_ref=source_ref, draw=draw,
                          enterprise_id=enterprise_id, enterprise_name=enterprise_name or (pool.name if pool else ""),
                          jurisdiction_id=jurisdiction_id, method=method, kind=kind,
                          counts_toward_cap=kind in COUNTS_TOWARD_CAP,
                          planned_on=planned_on or timezone.localdate(), checklist=checklist_for(items))
        insp.save()
        insp.code = _code("JC", insp.planned_on.year, insp.pk)
        insp.save(update_fields=["code"])
        insp.team.set(members)
        insp.items.set(list(items))
        check_created(user, insp, "add")
        wf.sync_tasks(insp, user)
        # the complaint's line as facts (read per reader), the link's name stored in Chinese
        link_to_complaint(user, insp.source_ref, "inspection", texts.sentence(
            gettext_noop("执法检查 %(c)s(%(e)s,计划 %(d)s)"), c=insp.code, e=insp.enterprise_name, d=insp.planned_on),
            f"enforcement.inspection:{insp.pk}",
            {"name": texts.chinese(texts.sentence(gettext_noop("执法检查 %(c)s"), c=insp.code)),
             "url": reverse("enforcement:inspections-detail", args=[insp.pk])})
    return insp


def _check_cap(pool, enterprise_id: int, day: dt.date) -> None:
    """A routine or special check made by hand counts toward the yearly cap as a drawn one does (国办发〔2024〕54号,
    环办执法〔2025〕4号): refused past the cap unless the enterprise is exempt (or graded 不良); checks from clues (complaints,
    alarms, referrals) are 个案检查 and not counted."""
    cap = config.get("yearly_cap", pool.jurisdiction if pool is not None else None)  # the province's cap (环办执法〔2025〕4号)
    if pool is not None and (pool.cap_exempt or pool.credit_grade == "red"):
        return
    used = cap_counts(day.year, [enterprise_id]).get(enterprise_id, 0)
    if used >= int(cap):
        raise ValidationError({"kind": _("该企业 %(y)s 年已有 %(n)s 次计入年度频次的检查(上限 %(c)s 次);"
                                         "依据投诉、报警等线索的检查请选择“个案检查”") % {
            "y": day.year, "n": used, "c": cap}})


def _sources():
    """sources.services when the sources app is installed (apps talk through services)."""
    if not apps.is_installed("envbureau.sources"):
        return None
    from envbureau.sources import services as sources

    return sources


def alarm_follow_ups(user, ref: str) -> list[dict]:
    """The checks started from the alarm `ref` and the cases filed from them or citing it, as `user` may see them
    (registered with sources.services.register_follow_ups: the alarm's page links to each; each links back)."""
    from django.db.models import Q

    from .models import Case

    checks = Inspection.objects.filter(source_ref=ref)
    rows = [{"kind": _("执法检查"), "label": f"{i.code} {i.get_method_display()} {i.get_state_display()}",
             "url": reverse("enforcement:inspections-detail", args=[i.pk])}
            for i in restrict(checks, user, "view").order_by("planned_on", "pk")]
    cases = Case.objects.filter(Q(source=ref) | Q(inspection__in=checks.values("pk")))
    rows += [{"kind": _("行政处罚案件"), "label": f"{c.code} {c.get_state_display()}",
              "url": reverse("enforcement:cases-detail", args=[c.pk])}
             for c in restrict(cases, user, "view").order_by("filed_on", "pk")]
    return rows


def _complaints():
    """complaints.services when the complaints app is installed (apps talk through services)."""
    if not apps.is_installed("envbureau.complaints"):
        return None
    from envbureau.complaints import services as complaints

    return complaints


def link_to_complaint(user, source_ref: str, verb: str, note: str | dict, own_ref: str, link: dict,
                      field: str = "source_ref") -> None:
    """A check or case started from a complaint shows on the complaint's timeline, linking back here."""
    complaints = _complaints()
    if complaints is not None and complaints.complaint_ref(source_ref) is not None:
        complaints.link_record(user, source_ref, verb=verb, note=note, source_ref=own_ref, link=link, field=field)


def _checklist_from(insp: Inspection, results: dict | None) -> list:
    rows = [dict(r) for r in insp.checklist or []]
    for key, value in (results or {}).items():
        try:
            i = int(key)
            rows[i]
        except (ValueError, IndexError):
            raise ValidationError({"checklist": _("检查表没有第 %(k)s 项") % {"k": key}}) from None
        result, note = (value if isinstance(value, (list, tuple)) else (value, ""))
        if result not in CheckResult.values:
            raise ValidationError({"checklist": _("检查表第 %(k)s 项的结果“%(v)s”无效") % {"k": i + 1, "v": result}})
        rows[i]["result"], rows[i]["note"] = result, note or ""
    return rows


def h_record(ctx) -> None:
    insp = ctx.obj
    data = ctx.data
    insp.checklist = _checklist_from(insp, data.get("checklist"))
    missing = [r["point"] for r in insp.checklist if not r.get("result")]
    if missing:
        raise wf.TransitionError({"checklist": _("检查表尚未填写:%(p)s") % {"p": "、".join(missing[:5])}})
    day = data.get("inspected_on") or timezone.localdate()
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if day > timezone.localdate():
        raise wf.TransitionError({"inspected_on": _("检查日期不能晚于今天")})
    insp.inspected_on = day
    if insp.result == "no_problem" and any(r["result"] == "problem" for r in insp.checklist):
        raise wf.TransitionError({"result": _("检查表有“发现问题”项,检查结果不能为“未发现问题”")})
    insp.enterprise_visible_id = insp.enterprise_id
    insp.publish_due = dl.add_days(day, config.get("publish_within_working_days", insp.jurisdiction), dl.WORKING)


def after_record(ctx) -> None:
    insp = ctx.obj
    if insp.result == "case":  # a finding to be filed: a clue whose filing clock starts on the inspection day
        from .clues import from_inspection

        from_inspection(ctx.user, insp)
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(insp.enterprise_id, "enforcement.inspection",
                      texts.sentence(gettext_noop("执法检查 %(c)s:%(r)s"),
                                     ("r",), c=insp.code, r=texts.zh_display(insp, "result")),
                      detail=insp.findings, source_ref=f"enforcement.inspection:{insp.pk}",
                      url=reverse("enforcement:inspections-detail", args=[insp.pk]), actor=ctx.user)


def h_publish(ctx) -> None:
    ctx.obj.published_at = timezone.now()


# The title of the problem an inspection's findings open, as facts worded in each reader's language
# (ledger.Problem.title_facts); registered with the ledger in EnforcementConfig.ready.
PROBLEM_TITLES = {"enforcement.inspection": (gettext_noop("执法检查发现问题:%(e)s"), ())}


def h_open_problem(ctx) -> None:
    from envbureau.ledger.services import open_problem

    insp = ctx.obj
    found = [r for r in insp.checklist or [] if r.get("result") == "problem"]
    if not found and not insp.findings:
        raise wf.TransitionError({"findings": _("检查未记录问题,不能转问题台账")})
    desc = insp.findings or "\n".join(f"{r['point']}:{r.get('note', '')}" for r in found)
    problem = open_problem(ctx.user, source="inspection",
                           title_facts={"msg": "enforcement.inspection", "args": {"e": insp.enterprise_name[:150]}},
                           description=desc, category=ctx.data.get("category") or "other",
                           jurisdiction=insp.jurisdiction, enterprise_id=insp.enterprise_id,
                           source_ref=("enforcement.inspection", str(insp.pk)), deadline=ctx.data.get("deadline"))
    # in Chinese whoever clicked (models.follow_up_words words it per reader)
    insp.follow_up = (insp.follow_up + "\n" if insp.follow_up else "") + PROBLEM_LINE % {"c": problem.code}
    ctx.event_data = {"problem": problem.pk, "problem_code": problem.code}


def record_inspection(user, insp: Inspection, **data) -> Inspection:
    return wf.apply(user, insp, "record", **data)


def publish_inspection(user, insp: Inspection) -> Inspection:
    return wf.apply(user, insp, "publish")


def overdue_publication(today: dt.date | None = None):
    today = today or timezone.localdate()
    return Inspection.objects.filter(state="recorded", publish_due__lt=today)
