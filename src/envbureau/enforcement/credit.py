"""Environmental credit rating (环发〔2013〕150号; repair: local practice [1S], waiting period NDRC Order No. 58 [2S]): the national method's 21 indicators (local weights
in config), computed from the platform's records where it has them (credit_records) or entered with their source,
four grades, one-vote vetoes and the general-incident step fed by records; repair by one step on an application
made within the window with the required documents, in effect after its publicity (公示). The grade steers the
draw (services.build_inputs): 诚信 counts as positive list, 警示/不良 as special supervision, 不良 not held to the
yearly cap."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import audit, texts
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created, get_scoped_object

from . import config
from . import credit_records as records
from .choices import GRADE_ORDER, Grade
from .models import CreditRating, CreditRepair, PoolEnterprise


def grade_for(score: Decimal) -> str:
    bands = config.get("credit_bands")
    for g in ("green", "blue", "yellow"):
        if score >= Decimal(str(bands[g])):
            return g
    return "red"


def entry_keys(enterprise_id: int, year: int) -> list[str]:
    """The indicators staff enter for this enterprise and year (the platform has no record deciding them)."""
    done = records.computed(enterprise_id, year)
    return [k for k in config.get("credit_indicators") if k not in done]


def _entered(key: str, label, raw) -> Decimal:
    try:
        v = Decimal(str(raw))
    except Exception:
        raise ValidationError({f"scores.{key}": _("“%(l)s”的得分须为数字") % {"l": _(label)}}) from None
    if not v.is_finite() or not 0 <= v <= 100:
        raise ValidationError({f"scores.{key}": _("“%(l)s”的得分须在0–100之间") % {"l": _(label)}})
    return v


def _source_of(sources, key: str) -> str:
    if isinstance(sources, dict):
        return str(sources.get(key) or "").strip()
    return str(sources or "").strip()


def _lower(grade: str) -> str:
    i = GRADE_ORDER.index(grade)
    return GRADE_ORDER[max(0, i - 1)]


@transaction.atomic
def rate(user, *, enterprise_id: int, year: int, scores: dict, sources: dict | str | None = None,
         published_on=None, today: dt.date | None = None) -> CreditRating:
    """Rate one enterprise's year (环发〔2013〕150号): the indicators the platform's records decide are computed
    (credit_records.COMPUTED), the others entered by staff in `scores` with where each came from in `sources`
    ({key: text}, or one text for all); weighted mean → grade (credit_bands); a general incident lowers it one
    level; a one-vote veto (crime or detention transfer, 较大+ incident, penalty not carried out, EIA violation)
    sets 不良. Every indicator is kept with its group, band, score and source, every veto with its reason and link."""
    if user is not None and not has_perm(user, "enforcement.rate"):
        raise PermissionDenied(_("您没有“信用评价”权限"))
    pool = PoolEnterprise.objects.filter(enterprise_id=enterprise_id).first()
    if pool is None:
        raise ValidationError({"enterprise_id": _("企业 %(e)s 不在检查对象名录库中") % {"e": enterprise_id}})
    indicators = config.get("credit_indicators")
    groups, group_of = config.get("credit_groups"), config.get("credit_indicator_groups")
    scores = {k: v for k, v in (scores or {}).items() if v not in (None, "")}
    unknown = sorted(set(scores) - set(indicators))
    if unknown:
        raise ValidationError({"scores": _("未知的评价指标:%(k)s") % {"k": "、".join(unknown)}})
    done = records.computed(enterprise_id, year)
    errors = {}
    for key, (label, _w) in indicators.items():
        if key in done and key in scores:
            errors[f"scores.{key}"] = _("“%(l)s”已由平台记录计算(%(s)s),不能再手工录入") % {
                "l": _(label), "s": _(records.COMPUTED[key][1])}
        elif key not in done and key not in scores:
            errors[f"scores.{key}"] = _("缺少指标“%(l)s”的得分(平台无相关记录,请录入并注明来源)") % {"l": _(label)}
        elif key not in done and not _source_of(sources, key):
            errors[f"sources.{key}"] = _("请注明指标“%(l)s”得分的来源") % {"l": _(label)}
    if errors:
        raise ValidationError(errors)
    values, rows, lines, total, weights = {}, [], [], Decimal(0), Decimal(0)
    for key, (label, weight) in indicators.items():
        if key in done:
            c = done[key]
            v, note, links, source = c.score, c.note, c.links, "records"
        else:
            v = _entered(key, label, scores[key])
            note = texts.sentence(gettext_noop("人工录入,来源:%(s)s"), s=_source_of(sources, key)[:200])
            links, source = [], "entered"
        weight = Decimal(str(weight))
        values[key] = float(v)
        total += v * weight
        weights += weight
        group = group_of.get(key, "")
        rows.append({"key": key, "label": texts.zh(label), "group": group, "group_label": texts.zh(groups.get(group, "")),
                     "weight": float(weight), "score": float(v), "band": records.band(v), "source": source,
                     "note": note, "links": links})
        lines.append(texts.sentence(gettext_noop("%(l)s:%(v)s 分 × 权重 %(w)s"), ("l",), l=texts.zh(label), v=v,
                                    w=weight))
    score = (total / weights).quantize(Decimal("0.01"), ROUND_HALF_UP) if weights else Decimal(0)
    grade = grade_for(score)
    lines.append(texts.sentence(gettext_noop("加权得分 %(s)s 分 → %(g)s"), ("g",), s=score,
                                g=texts.zh(Grade(grade).label)))
    general = records.general_incidents(enterprise_id, year)
    if general and grade != "red":
        grade = _lower(grade)
        lines += [general[0]["reason"], texts.sentence(gettext_noop("一般突发环境事件,等级降一级 → %(g)s"), ("g",),
                                                        g=texts.zh(Grade(grade).label))]
    vetoes = records.vetoes(enterprise_id, year, today)
    if vetoes:
        grade = "red"
        lines += [v["reason"] for v in vetoes]
        lines.append(texts.sentence(gettext_noop("一票否决 → %(g)s"), ("g",), g=texts.zh(Grade.RED.label)))
    explanation = texts.lines(*lines)
    veto = texts.lines(*[v["reason"] for v in vetoes]) if vetoes else None
    r, _c = CreditRating.objects.update_or_create(enterprise_id=enterprise_id, year=year, defaults=dict(
        enterprise_name=pool.name, jurisdiction=pool.jurisdiction, scores=values, score=score, grade=grade,
        veto_reason=texts.chinese(veto)[:300] if veto else "", explanation=texts.chinese(explanation),
        facts={"explanation": explanation, "indicators": rows, "vetoes": vetoes, "lowered": general,
               **({"veto": veto} if veto else {})},
        published_on=published_on, repaired_from="", repaired_on=None,
        rated_by=user if getattr(user, "pk", None) else None))
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


def repair_window(rating: CreditRating) -> tuple[dt.date, dt.date] | None:
    """The first and last day an application for repair is accepted (None before publication): from
    `credit_repair_wait_months` to `credit_repair_months` after the results were published (Guangdong's window [1S]; NDRC Order No. 58 [2S])."""
    if rating.published_on is None:
        return None
    return (_add_months(rating.published_on, config.get("credit_repair_wait_months")),
            _add_months(rating.published_on, config.get("credit_repair_months")))


def _check_repairable(rating: CreditRating, applied_on: dt.date) -> None:
    if rating.repaired_on:
        raise ValidationError({"grade": _("本年度评价已修复过一次")})
    if rating.grade not in ("yellow", "red"):
        raise ValidationError({"grade": _("只有警示、不良等级可以申请信用修复")})
    if rating.published_on is None:
        raise ValidationError({"published_on": _("评价结果尚未公布")})
    if applied_on < rating.published_on:
        raise ValidationError({"applied_on": _("申请日期早于评价结果公布日期")})
    first, last = repair_window(rating)
    if applied_on < first:
        raise ValidationError({"applied_on": _("评价结果公布后 %(m)s 个月内不受理信用修复申请,最早可于 %(d)s 申请") % {
            "m": config.get("credit_repair_wait_months"), "d": first}})
    if applied_on > last:
        raise ValidationError({"applied_on": _("已超过公布后 %(m)s 个月的修复申请期限(%(d)s)") % {
            "m": config.get("credit_repair_months"), "d": last}})


def check_documents(documents) -> list[str]:
    """The documents handed in (keys of credit_repair_documents), every required one present; a missing or
    unknown one is refused, named."""
    required = config.get("credit_repair_documents")
    if isinstance(documents, str):
        documents = [d for d in documents.replace("，", ",").split(",") if d.strip()]
    if documents is not None and not isinstance(documents, (list, tuple)):
        raise ValidationError({"documents": _("修复材料须为材料代码的列表")})
    given = [str(d).strip() for d in documents or []]
    unknown = [d for d in given if d not in required]
    if unknown:
        raise ValidationError({"documents": _("未知的修复材料:%(k)s") % {"k": "、".join(unknown)}})
    missing = [_(label) for k, label in required.items() if k not in given]
    if missing:
        raise ValidationError({"documents": _("缺少修复材料:%(m)s") % {"m": "、".join(missing)}})
    return [k for k in required if k in given]


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


APPLY = "enforcement.rate|enforcement.repair_apply"


def may_apply(user, rating: CreditRating) -> bool:
    """Bureau staff who rate (in their area), or the rated enterprise itself (enterprise role: its own ratings)."""
    from envbureau.core import workflow as wf

    return wf.allowed_in_scope(user, rating, APPLY)


@transaction.atomic
def apply_repair(user, rating: CreditRating, *, applicant: str, corrective_actions: str, materials: str = "",
                 documents=(), applied_on=None) -> CreditRepair:
    """Record an enterprise's application for credit repair (the bureau decides it on the
    `enforcement.creditrepair` workflow: 准予修复 starts the publicity, after which the grade rises one step;
    不予修复 with reasons). Accepted from `credit_repair_wait_months` to `credit_repair_months` after publication,
    with every document of `credit_repair_documents`."""
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
        ("applicant", _("申请单位经办人"), applicant), ("corrective_actions", _("整改措施及成效"), corrective_actions))
        if not (v or "").strip()}
    if missing:
        raise ValidationError(missing)
    docs = check_documents(documents)
    _check_repairable(rating, applied_on)
    if rating.repair_requests.filter(state__in=["applied", "publicity"]).exists():
        raise ValidationError({"rating": _("该评价已有待审核或公示中的修复申请")})
    req = CreditRepair.objects.create(
        rating=rating, enterprise_id=rating.enterprise_id, enterprise_name=rating.enterprise_name,
        jurisdiction=rating.jurisdiction, grade_before=rating.grade, applied_on=applied_on, applicant=applicant.strip(),
        corrective_actions=corrective_actions.strip(), materials=(materials or "").strip(), documents=docs)
    check_created(user, req, action)
    wf.record_event(req, user, "open", to_state=req.state, note=corrective_actions[:200])
    wf.sync_tasks(req, user)
    return req


PUBLICITY = "publicity"  # the deadline clock of a repair's 公示


def publicity_rule():
    from envbureau.core import deadlines as dl

    return dl.Rule(int(config.get("credit_repair_publicity_days")), dl.CALENDAR, label=gettext_noop("信用修复公示"))


def h_approve(ctx):
    """准予修复: the repair list is publicised for `credit_repair_publicity_days` calendar days after the decision
    (day 1 is the day after it); the grade is raised only when the publicity ends without an upheld objection."""
    from envbureau.core import deadlines as dl

    from .cases import _date

    req = ctx.obj
    req.decided_on = _date(ctx.data.get("decided_on"), "decided_on")
    if req.decided_on < req.applied_on:
        raise ValidationError({"decided_on": _("决定日期早于申请日期")})
    rating = CreditRating.objects.select_for_update().get(pk=req.rating_id)
    _check_repairable(rating, req.applied_on)  # the window counts at the application
    req.grade_after = GRADE_ORDER[GRADE_ORDER.index(rating.grade) + 1]
    req.decision_note = ctx.note
    req.publicity_until = dl.start_clock(req, PUBLICITY, publicity_rule(), req.decided_on).due
    ctx.event_data = {"publicity_until": str(req.publicity_until)}


def h_take_effect(ctx):
    """公示期满无异议: the grade rises one step, effective the day after the publicity's last day."""
    from envbureau.core import deadlines as dl

    from .cases import _date

    req = ctx.obj
    on = _date(ctx.data.get("effective_on"), "effective_on")
    if req.publicity_until and on <= req.publicity_until:
        raise ValidationError({"effective_on": _("公示期至 %(d)s 结束,期满后方可生效") % {"d": req.publicity_until}})
    rating = CreditRating.objects.select_for_update().get(pk=req.rating_id)
    if rating.repaired_on:
        raise ValidationError({"grade": _("本年度评价已修复过一次")})
    _raise_grade(ctx.user, rating, req.corrective_actions, on)
    req.grade_after = rating.grade
    req.effective_on = on
    dl.stop(req, PUBLICITY)


def h_object(ctx):
    """公示期异议成立: the repair stops during the publicity (its last day included), the grade stays."""
    from envbureau.core import deadlines as dl

    from .cases import _date

    req = ctx.obj
    on = _date(ctx.data.get("objected_on"), "objected_on")
    if on < (req.decided_on or req.applied_on):
        raise ValidationError({"objected_on": _("异议日期早于准予修复决定日期")})
    if req.publicity_until and on > req.publicity_until:
        raise ValidationError({"objected_on": _("公示期已于 %(d)s 结束,不再受理异议") % {"d": req.publicity_until}})
    req.objected_on = on
    req.objection = ctx.note
    dl.stop(req, PUBLICITY)


def effective_on_after(req, clock) -> dict:
    """The Lapse's data: effective the day after the publicity's last day."""
    return {"effective_on": (clock.due + dt.timedelta(days=1)).isoformat()}


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
