"""Environmental credit rating (regulations.md §6.1–6.2): weighted indicator scores with local weights
(config), four grades, one-vote veto fed by the cases, repair by one step within the window. The grade
steers the draw (services.build_inputs): 诚信 counts as positive list, 警示/不良 as special supervision,
不良 not held to the yearly cap."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import audit, texts
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created, get_scoped_object

from . import config
from .choices import GRADE_ORDER, PENALTY, Grade
from .models import Case, CreditRating, CreditRepair, PoolEnterprise

VETO = {"crime": gettext_noop("涉嫌环境犯罪移送公安机关"), "detention": gettext_noop("责任人被移送行政拘留")}


def grade_for(score: Decimal) -> str:
    bands = config.get("credit_bands")
    for g in ("green", "blue", "yellow"):
        if score >= Decimal(str(bands[g])):
            return g
    return "red"


def penalties_score(enterprise_id: int, year: int) -> tuple[int, int]:
    """行政处罚与行政命令 from the cases: no penalty 100, one 60, more 30 (our scale); (score, decisions)."""
    n = Case.objects.filter(enterprise_id=enterprise_id, decided_on__year=year,
                            outcome__in=[str(o) for o in PENALTY]).count()
    return (100 if n == 0 else 60 if n == 1 else 30), n


def veto_for(enterprise_id: int, year: int) -> dict | None:
    """The facts of the one-vote veto (a case transferred that year), or None."""
    from .cases import transfers_of

    t = transfers_of(enterprise_id, year).select_related("case").first()
    return texts.sentence(gettext_noop("%(v)s(案件 %(c)s)"), ("v",), v=VETO[t.kind], c=t.case.code) if t else None


@transaction.atomic
def rate(user, *, enterprise_id: int, year: int, scores: dict, published_on=None) -> CreditRating:
    if user is not None and not has_perm(user, "enforcement.rate"):
        raise PermissionDenied(_("您没有“信用评价”权限"))
    pool = PoolEnterprise.objects.filter(enterprise_id=enterprise_id).first()
    if pool is None:
        raise ValidationError({"enterprise_id": _("企业 %(e)s 不在检查对象名录库中") % {"e": enterprise_id}})
    indicators = config.get("credit_indicators")
    unknown = sorted(set(scores) - set(indicators))
    if unknown:
        raise ValidationError({"scores": _("未知的评价指标:%(k)s") % {"k": "、".join(unknown)}})
    values, lines, total, weights = {}, [], Decimal(0), Decimal(0)
    auto, decisions = penalties_score(enterprise_id, year)
    for key, (label, weight) in indicators.items():
        if key == "penalties":
            v = Decimal(auto)
            lines.append(texts.sentence(gettext_noop("%(l)s:%(v)s 分 × 权重 %(w)s(%(y)s年行政处罚决定 %(n)s 件)"),
                                        ("l",), l=label, v=v, w=weight, y=year, n=decisions))
        else:
            raw = scores.get(key)
            if raw in (None, ""):
                raise ValidationError({"scores": _("缺少指标“%(l)s”的得分") % {"l": _(label)}})
            try:
                v = Decimal(str(raw))
            except Exception:
                raise ValidationError({"scores": _("“%(l)s”的得分须为数字") % {"l": _(label)}}) from None
            if not 0 <= v <= 100:
                raise ValidationError({"scores": _("“%(l)s”的得分须在0–100之间") % {"l": _(label)}})
            lines.append(texts.sentence(gettext_noop("%(l)s:%(v)s 分 × 权重 %(w)s"), ("l",), l=label, v=v,
                                        w=weight))
        values[key] = float(v)
        total += v * weight
        weights += weight
    score = (total / weights).quantize(Decimal("0.01"), ROUND_HALF_UP)
    grade = grade_for(score)
    lines.append(texts.sentence(gettext_noop("加权得分 %(s)s 分 → %(g)s"), ("g",), s=score,
                                g=texts.zh(Grade(grade).label)))
    veto = veto_for(enterprise_id, year)
    if veto:
        grade = "red"
        lines.append(texts.sentence(gettext_noop("一票否决:%(v)s(案件 %(c)s) → %(g)s"), ("v", "g"),
                                    **veto["args"], g=texts.zh(Grade.RED.label)))
    explanation = texts.lines(*lines)
    r, _c = CreditRating.objects.update_or_create(enterprise_id=enterprise_id, year=year, defaults=dict(
        enterprise_name=pool.name, jurisdiction=pool.jurisdiction, scores=values, score=score, grade=grade,
        veto_reason=texts.chinese(veto) if veto else "", explanation=texts.chinese(explanation),
        facts={"explanation": explanation, **({"veto": veto} if veto else {})}, published_on=published_on,
        repaired_from="", repaired_on=None, rated_by=user if getattr(user, "pk", None) else None))
    check_created(user, r, "add")
    _apply_to_pool(r)
    _dossier(r, user, texts.sentence(gettext_noop("%(y)s年环境信用评价:%(g)s(%(s)s分)"),
                                     ("g",), y=year, g=texts.zh_display(r, "grade"), s=score))
    return r


def _apply_to_pool(r: CreditRating) -> None:
    latest = CreditRating.objects.filter(enterprise_id=r.enterprise_id).order_by("-year").first()
    grade = latest.grade if latest else ""
    rows = PoolEnterprise.objects.filter(enterprise_id=r.enterprise_id).exclude(credit_grade=grade)
    pks = list(rows.values_list("pk", flat=True))
    if pks:
        PoolEnterprise.objects.filter(pk__in=pks).update(credit_grade=grade)
        audit.record_batch("update", PoolEnterprise, pks, {"credit_grade": grade})


def _dossier(r, user, title):
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(r.enterprise_id, "enforcement.credit", title, detail=r.explanation,
                      detail_facts=(r.facts or {}).get("explanation"),
                      source_ref=f"enforcement.creditrating:{r.pk}",
                      url=reverse("enforcement:ratings-detail", args=[r.pk]), actor=user)


def _check_repairable(rating: CreditRating, applied_on: dt.date) -> None:
    if rating.repaired_on:
        raise ValidationError({"grade": _("本年度评价已修复过一次")})
    if rating.grade not in ("yellow", "red"):
        raise ValidationError({"grade": _("只有警示、不良等级可以申请信用修复")})
    if rating.published_on is None:
        raise ValidationError({"published_on": _("评价结果尚未公布")})
    if applied_on < rating.published_on:
        raise ValidationError({"on": _("申请日期早于评价结果公布日期")})
    months = config.get("credit_repair_months")
    limit = _add_months(rating.published_on, months)
    if applied_on > limit:
        raise ValidationError({"on": _("已超过公布后 %(m)s 个月的修复申请期限(%(d)s)") % {"m": months, "d": limit}})


def _raise_grade(user, rating: CreditRating, note: str, on: dt.date) -> CreditRating:
    rating.repaired_from = rating.grade
    rating.grade = GRADE_ORDER[GRADE_ORDER.index(rating.grade) + 1]
    rating.repaired_on = on
    rating.repair_note = note
    rating.save()
    _apply_to_pool(rating)
    _dossier(rating, user, texts.sentence(gettext_noop("信用修复:%(a)s → %(b)s"),
                                          ("a", "b"), a=texts.zh(Grade(rating.repaired_from).label), b=texts.zh_display(rating, "grade")))
    return rating


@transaction.atomic
def repair(user, rating: CreditRating, *, note: str, on: dt.date | None = None) -> CreditRating:
    """信用修复 decided at once (no separate application): a 警示 or 不良 grade rises one step, within the
    window after publication."""
    if user is not None:
        rating = get_scoped_object(CreditRating, user, "view", pk=rating.pk)
        if not has_perm(user, "enforcement.rate"):
            raise PermissionDenied
    rating = CreditRating.objects.select_for_update().get(pk=rating.pk)
    on = on or timezone.localdate()
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写整改情况及修复材料")})
    _check_repairable(rating, on)
    return _raise_grade(user, rating, note, on)


APPLY = "enforcement.rate|enforcement.repair_apply"


def may_apply(user, rating: CreditRating) -> bool:
    """Bureau staff who rate (in their area), or the rated enterprise itself (enterprise role: its own ratings)."""
    from envbureau.core import workflow as wf

    return wf.allowed_in_scope(user, rating, APPLY)


@transaction.atomic
def apply_repair(user, rating: CreditRating, *, applicant: str, corrective_actions: str, materials: str,
                 applied_on=None) -> CreditRepair:
    """Record an enterprise's application for credit repair (the bureau decides it on the
    `enforcement.credit_repair` workflow: 准予修复 raises the grade one step, 不予修复 with reasons)."""
    from envbureau.core import workflow as wf

    from .cases import _date

    action = "rate"
    if user is not None:
        rating = get_scoped_object(CreditRating, user, "view", pk=rating.pk)
        if not may_apply(user, rating):
            raise PermissionDenied(_("您无权为该企业申请信用修复"))
        if not wf.allowed_in_scope(user, rating, "enforcement.rate"):
            action = "repair_apply"  # the enterprise itself, for its own rating only
    applied_on = _date(applied_on, "applied_on")
    missing = {k: _("请填写%(f)s") % {"f": label} for k, label, v in (
        ("applicant", _("申请单位经办人"), applicant), ("corrective_actions", _("整改措施及成效"), corrective_actions),
        ("materials", _("提交的修复材料"), materials)) if not (v or "").strip()}
    if missing:
        raise ValidationError(missing)
    _check_repairable(rating, applied_on)
    if rating.repair_requests.filter(state="applied").exists():
        raise ValidationError({"rating": _("该评价已有待审核的修复申请")})
    req = CreditRepair.objects.create(
        rating=rating, enterprise_id=rating.enterprise_id, enterprise_name=rating.enterprise_name,
        jurisdiction=rating.jurisdiction, grade_before=rating.grade, applied_on=applied_on, applicant=applicant.strip(),
        corrective_actions=corrective_actions.strip(), materials=materials.strip())
    check_created(user, req, action)
    wf.record_event(req, user, "open", to_state=req.state, note=corrective_actions[:200])
    wf.sync_tasks(req, user)
    return req


def h_approve(ctx):
    from .cases import _date

    req = ctx.obj
    req.decided_on = _date(ctx.data.get("decided_on"), "decided_on")
    if req.decided_on < req.applied_on:
        raise ValidationError({"decided_on": _("决定日期早于申请日期")})
    rating = CreditRating.objects.select_for_update().get(pk=req.rating_id)
    _check_repairable(rating, req.applied_on)  # the window counts at the application
    _raise_grade(ctx.user, rating, req.corrective_actions, req.decided_on)
    req.grade_after = rating.grade
    req.decision_note = ctx.note


def h_refuse(ctx):
    from .cases import _date

    req = ctx.obj
    req.decided_on = _date(ctx.data.get("decided_on"), "decided_on")
    if req.decided_on < req.applied_on:
        raise ValidationError({"decided_on": _("决定日期早于申请日期")})
    req.decision_note = ctx.note


def _add_months(d: dt.date, months: int) -> dt.date:
    import calendar

    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))
