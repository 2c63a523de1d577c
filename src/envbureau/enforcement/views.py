"""Pages of enforcement. Every query is scoped; every change goes through services / the workflow."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, may_view_module, restrict

from . import drawing, services
from .choices import CheckResult, InspectionResult
from .filters import DrawFilter
from .forms import DrawForm, InspectionForm
from .models import (
    Case,
    Clue,
    CreditRating,
    CreditRepair,
    Draw,
    DrawPlan,
    Inspection,
    InspectionEvidence,
    Inspector,
    Measure,
    PoolEnterprise,
    Transfer,
)


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


def _form_error(form, exc: ValidationError) -> None:
    """A service's refusal on the form: beside the field it names when the form has that field, else on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, _error_text(exc))
        return
    for name, msgs in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, ";".join(msgs))


def _module(request, model=Inspection):
    if not may_view_module(request.user, model):
        raise PermissionDenied


@login_required
def index(request):
    return redirect("enforcement:inspections-list")


SOURCE_PAGES = {"sources.alarm": "sources:alarm-detail", "complaints.complaint": "complaints:detail",
                "enforcement.inspection": "enforcement:inspections-detail"}


def source_link(ref: str, user) -> dict | None:
    """The record a check or a case came from ("sources.alarm:12"), by name, with its page when the reader may
    open it (an enterprise reads its check's complaint by name, but the complaint's page is not for it: 404)."""
    from django.apps import apps

    from envbureau.core.humanize import REF, ref_label

    m = REF.fullmatch(ref or "")
    if not m:
        return None
    name = SOURCE_PAGES.get(m.group(1))
    if name:
        try:
            model = apps.get_model(m.group(1))
        except LookupError:
            name = None
        else:
            if not restrict(model._default_manager.filter(pk=int(m.group(2))), user, "view").exists():
                name = None
    return {"label": ref_label(ref), "url": reverse(name, args=[int(m.group(2))]) if name else ""}


def inspection_extra(request, obj) -> dict:
    from . import evidence

    actions = [t for t in wf.allowed(request.user, obj)]
    may_add = obj.state in evidence.OPEN_STATES and wf.allowed_in_scope(request.user, obj, "enforcement.inspect")
    return {"source_link": source_link(obj.source_ref, request.user),
            "actions": actions, "checklist": obj.checklist_rows(), "check_results": CheckResult.choices,
            "results": InspectionResult.choices,
            "can_add": has_perm(request.user, "enforcement.inspect"),
            "evidence": restrict(obj.evidence.filter(kind__in=evidence.PICTURES), request.user, "view"),
            "monitoring": restrict(obj.evidence.filter(kind="monitoring"), request.user, "view"),
            "can_evidence": may_add,
            "team": list(obj.team.all())}


@login_required
@require_http_methods(["GET", "POST"])
def inspection_add(request):
    if not has_perm(request.user, "enforcement.inspect"):
        raise PermissionDenied
    # ?source=complaint&source_ref=<受理编号>: a check started from a complaint's page
    initial = {k: request.GET[k] for k in ("source", "source_ref") if request.GET.get(k)}
    form = InspectionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            insp = services.create_inspection(
                request.user, source=d["source"], enterprise_id=d["enterprise"].enterprise_id,
                enterprise_name=d["enterprise"].name, jurisdiction_id=d["enterprise"].jurisdiction_id,
                team=list(d["team"]), items=list(d["items"]), kind=d["kind"], method=d["method"],
                planned_on=d["planned_on"], source_ref=d["source_ref"])
            messages.success(request, _("已登记执法检查 %(c)s") % {"c": insp.code})
            return redirect("enforcement:inspections-detail", pk=insp.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            _form_error(form, exc)
    return render(request, "enforcement/form.html", {"form": form, "title": _("登记执法检查")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def inspection_action(request, pk, verb):
    insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
    data = {}
    p = request.POST
    if verb == "record":
        checklist = {}
        for i in range(len(insp.checklist or [])):
            if p.get(f"check_{i}"):
                checklist[str(i)] = (p.get(f"check_{i}"), p.get(f"check_note_{i}", ""))
        data = {"checklist": checklist, "result": p.get("result", ""), "findings": p.get("findings", ""),
                "party_present": p.get("party_present", ""), "inspected_on": p.get("inspected_on") or None}
    elif verb == "to_problem":
        data = {"category": p.get("category") or "other"}
    try:
        wf.apply(request.user, insp, verb, note=p.get("note", ""), **data)
        messages.success(request, _("已办理"))
    except ValueError:
        messages.error(request, _("检查日期格式应为 YYYY-MM-DD"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("enforcement:inspections-detail", pk=pk)
    return redirect("enforcement:inspections-detail", pk=pk)


inspection_action.scoped_model = Inspection


# ---------------------------------------------------------------- draws

@login_required
def draw_list(request):
    _module(request, Draw)
    qs = restrict(Draw.objects.select_related("plan", "jurisdiction"), request.user, "view")
    filterset = DrawFilter(request.GET, queryset=qs, request=request)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    plans = restrict(DrawPlan.objects.filter(active=True), request.user, "view")
    return render(request, "enforcement/draw_list.html", {
        "title": _("双随机抽取记录"), "page": page, "plans": plans, "filterset": filterset,
        "query": params.urlencode(),
        "can_draw": has_perm(request.user, "enforcement.draw")})


def _period_choices(plan) -> list[tuple[str, str]]:
    from . import period_keys

    kind = plan.period if plan.period in period_keys.MONTHS else "quarter"
    return [(p.key, _("%(k)s(%(a)s 至 %(b)s)") % {"k": p.key, "a": p.start.isoformat(), "b": p.end.isoformat()})
            for p in period_keys.periods(kind, plan.year)]


def _default_period(plan) -> str:
    try:
        return services.plan_period(plan).key
    except ValidationError:
        return ""


def plan_frequencies(plan) -> list[dict]:
    """Per class: the ratio per period and the times a year an enterprise is drawn on average (and every how
    many years that means), plain and on the positive list."""
    from .choices import SupervisionClass

    def num(x):
        return f"{x:.2f}".rstrip("0").rstrip(".") if x is not None else ""

    freq = plan.yearly_frequency()
    rows = []
    for cls in ("key", "general", "special"):
        f, fp = freq[cls], freq[f"{cls}_positive"]
        rows.append({"label": SupervisionClass(cls).label, "ratio": num(plan.ratios()[cls] * 100), "per_year": num(f),
                     "every_years": num(1 / f) if f else None, "per_year_positive": num(fp),
                     "every_years_positive": num(1 / fp) if fp else None})
    return rows


def plan_extra(request, obj) -> dict:
    """The plan's page: its yearly frequency per class, and per period its commitments and draws."""
    commitments = {}
    for c in obj.commitments.select_related("draw").order_by("committed_at"):
        commitments.setdefault(c.period, []).append(c)
    draws = {}
    for d in obj.draws.order_by("drawn_at"):
        draws.setdefault(d.period, []).append(d)
    periods = [{"key": k, "label": label, "commitments": commitments.get(k, []), "draws": draws.get(k, [])}
               for k, label in _period_choices(obj)]
    return {"frequencies": plan_frequencies(obj), "periods": periods,
            "can_draw": has_perm(request.user, "enforcement.draw")}


@login_required
@require_http_methods(["GET", "POST"])
def draw_commit(request, pk):
    """Announce the seed's SHA-256 for a period of the plan before its draw (public from then on)."""
    from .forms import CommitForm

    plan = get_scoped_object(DrawPlan, request.user, "view", pk=pk)
    if not has_perm(request.user, "enforcement.draw"):
        raise PermissionDenied
    form = CommitForm(request.POST or None, periods=_period_choices(plan),
                      initial={"period": _default_period(plan)})
    if request.method == "POST" and form.is_valid():
        try:
            c = services.commit_seed(request.user, plan, form.cleaned_data["period"],
                                     form.cleaned_data["commitment"], note=form.cleaned_data["note"])
            messages.success(request, _("已公布 %(k)s 的种子承诺值 %(h)s") % {"k": c.period, "h": c.commitment})
            return redirect("enforcement:plans-detail", pk=plan.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, msgs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                _form_error(form, exc)
    return render(request, "enforcement/draw_commit.html", {"form": form, "plan": plan, "title": _("公布种子承诺值")},
                  status=400 if request.method == "POST" else 200)


draw_commit.scoped_model = DrawPlan


@login_required
@require_http_methods(["GET", "POST"])
def draw_run(request, pk):
    plan = get_scoped_object(DrawPlan, request.user, "view", pk=pk)
    if not has_perm(request.user, "enforcement.draw"):
        raise PermissionDenied
    form = DrawForm(request.POST or None, periods=_period_choices(plan),
                    initial={"period": request.GET.get("period") or _default_period(plan)})
    reasons = []
    if request.method == "POST" and form.is_valid():
        try:
            d = services.run_draw(request.user, plan, form.cleaned_data["seed"],
                                  witnesses=form.cleaned_data["witnesses"], period=form.cleaned_data["period"],
                                  reason=form.cleaned_data["reason"])
            messages.success(request, _("抽取完成:%(n)s 家企业") % {"n": len(d.pairs)})
            return redirect("enforcement:draw-detail", pk=d.pk)
        except drawing.Unsatisfiable as exc:
            reasons = exc.reasons
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, msgs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, msgs)
            else:
                _form_error(form, exc)
    open_commitments = plan.commitments.filter(draw__isnull=True).order_by("committed_at")
    return render(request, "enforcement/draw_run.html", {
        "form": form, "plan": plan, "reasons": reasons, "title": _("双随机抽取"),
        "open_commitments": open_commitments, "frequencies": plan_frequencies(plan)},
        status=400 if request.method == "POST" else 200)


draw_run.scoped_model = DrawPlan


def rejection_rows(d) -> list[dict]:
    """The draw's rejections in words: enterprise, inspector, reason(s) — for those who hold the draw right."""
    from envbureau.core import texts

    ent_ids = {r["enterprise"] for r in d.rejections or []}
    ins_ids = {r["inspector"] for r in d.rejections or []}
    firms = dict(PoolEnterprise.objects.filter(enterprise_id__in=ent_ids).values_list("enterprise_id", "name"))
    people = dict(Inspector.objects.filter(pk__in=ins_ids).values_list("pk", "name"))
    kinds = {"recused": _("回避"), "previous": _("上次已配对")}
    return [{"enterprise": firms.get(r["enterprise"], str(r["enterprise"])),
             "inspector": people.get(r["inspector"], str(r["inspector"])),
             "kind": kinds.get(r["kind"], r["kind"]),
             "reasons": [texts.words(f, texts.chinese(f)) for f in r.get("reasons") or []]}
            for r in d.rejections or []]


@login_required
def draw_detail(request, pk):
    d = get_scoped_object(Draw.objects.select_related("plan", "jurisdiction", "commitment"), request.user, "view",
                          pk=pk)
    ok, problems = services.verify_draw(d)
    insp = {i.enterprise_id: i for i in d.inspections.all()}
    names = dict(Inspector.objects.filter(pk__in={m for _e, t in d.pairs for m in t}).values_list("pk", "name"))
    # a pair not yet inspected names its enterprise from the pool (the draw's own record of whom it drew)
    firms = dict(PoolEnterprise.objects.filter(enterprise_id__in=[e for e, _t in d.pairs if e not in insp])
                 .values_list("enterprise_id", "name"))
    rows = [{"enterprise_id": e, "name": insp[e].enterprise_name if e in insp else firms.get(e, _("(已移出名录的企业)")),
             "inspection": insp.get(e), "team": [names.get(m, _("(已移出的执法人员)")) for m in team]}
            for e, team in d.pairs]
    can_draw = has_perm(request.user, "enforcement.draw")
    seed_public = d.seed_public(open_visits=any(i.state == "planned" for i in insp.values()))
    return render(request, "enforcement/draw_detail.html", {
        "title": d.code, "d": d, "rows": rows, "verified": ok, "problems": problems, "strata": _strata(d.counts),
        "can_publish": d.status != "published" and has_perm(request.user, "enforcement.publish"),
        "seed_public": seed_public,
        "can_reveal": not seed_public and has_perm(request.user, "enforcement.publish"),
        # the frozen inputs and the rejections hold the recusal lists: for those who draw (draw_inputs answers
        # 403 to the others)
        "can_inputs": can_draw, "rejections": rejection_rows(d) if can_draw else None})


draw_detail.scoped_model = Draw


@login_required
@require_POST
def draw_reveal(request, pk):
    d = get_scoped_object(Draw, request.user, "view", pk=pk)
    services.reveal_seed(request.user, d)
    messages.success(request, _("已公开随机种子"))
    return redirect("enforcement:draw-detail", pk=pk)


draw_reveal.scoped_model = Draw


def case_fine_minimums(request, objects) -> None:
    """The cases list's 免除或减轻罚款 column reads the cited article's minimum: one query for the page."""
    ids = {o.legal_basis_id for o in objects if o.legal_basis_id}
    from .models import LegalBasis

    mins = dict(LegalBasis.objects.filter(pk__in=ids).values_list("pk", "fine_min")) if ids else {}
    for o in objects:
        o._fine_min = mins.get(o.legal_basis_id)
    # the 移送 column: each case's transfers the reader may see (staff in scope; never the enterprise's users)
    kinds: dict = {}
    rows = restrict(Transfer.objects.filter(case_id__in=[o.pk for o in objects]), request.user, "view")
    for case_id, kind in rows.order_by("transferred_on", "pk").values_list("case_id", "kind"):
        kinds.setdefault(case_id, []).append(kind)
    for o in objects:
        o._transfer_kinds = kinds.get(o.pk, [])


def case_transfers(case):
    """The cases list's 移送 column: the kinds of the case's transfers, e.g. 移送公安(行政拘留)、移送公安(涉嫌犯罪)."""
    from .choices import TransferKind

    return "、".join(str(TransferKind(k).label) for k in getattr(case, "_transfer_kinds", []))


def case_spared(case):
    """What the outcome spared the party (yuan), as the statistics count it: the number 免除或减轻罚款 N 万元
    opens the cases whose amounts add up to it."""
    from envbureau.core.money import yuan

    from .stats import spared_of

    if hasattr(case, "_fine_min"):
        fine_min = case._fine_min
    else:
        fine_min = case.legal_basis.fine_min if case.legal_basis_id else None
    spared = spared_of(case.outcome, case.fine, fine_min)
    return yuan(spared) if spared else ""


def _strata(counts) -> list[tuple[str, dict]]:
    """The draw's strata by name (重点监管对象, 重点监管对象(正面清单) …) with their counts, as recorded."""
    from .choices import SupervisionClass

    out = []
    for key, c in (counts or {}).items():
        if key == "capped" or not isinstance(c, dict):
            continue
        cls, _sep, positive = key.partition("_")
        label = str(SupervisionClass(cls).label) if cls in SupervisionClass.values else key
        out.append((_("%(c)s(正面清单)") % {"c": label} if positive == "positive" else label, c))
    return out


@login_required
@require_POST
def draw_publish(request, pk):
    d = get_scoped_object(Draw, request.user, "view", pk=pk)
    services.publish_draw(request.user, d)
    messages.success(request, _("已公开抽取结果"))
    return redirect("enforcement:draw-detail", pk=pk)


draw_publish.scoped_model = Draw


@login_required
def draw_inputs(request, pk):
    """The frozen inputs (pools, recusals, previous pairs, parameters) to re-run the draw elsewhere."""
    d = get_scoped_object(Draw, request.user, "view", pk=pk)
    if not has_perm(request.user, "enforcement.draw"):
        raise PermissionDenied
    resp = HttpResponse(json.dumps(d.inputs, ensure_ascii=False), content_type="application/json")
    resp["Content-Disposition"] = f'attachment; filename="{d.code}-inputs.json"'
    return resp


draw_inputs.scoped_model = Draw


@login_required
@require_POST
def pool_sync(request):
    n = services.sync_pool(request.user)
    messages.success(request, _("已同步:新增 %(a)s 家,更新 %(u)s 家") % {"a": n["added"], "u": n["updated"]})
    return redirect(reverse("enforcement:pool-list"))



# ---------------------------------------------------------------- cases

@login_required
def legal_remap(request):
    """Each article cited by the cases in the user's scope, beside the 生态环境法典 article (or later version) that
    now corresponds to it (the Code took effect 2026-08-15)."""
    from . import cases

    _module(request, Case)
    return render(request, "enforcement/legal_remap.html", {"title": _("法律依据对应(生态环境法典)"),
                                                            "rows": cases.remap_rows(request.user)})


def case_extra(request, obj) -> dict:
    from . import cases, config
    from .choices import NO_PENALTY, PENALTY, Outcome, TransferKind

    factors = (config.get("discretion_methods").get(obj.discretion_method or config.get("discretion_default"))
               or {}).get("factors", [])
    clocks = []
    from envbureau.core import deadlines as dl

    for key in (cases.DECISION, cases.STATEMENT, cases.SERVICE, cases.PAYMENT, cases.PUBLICATION):
        c = dl.clock(obj, key)
        if c:
            clocks.append(c)
    labels = {"notified_on": _("告知日期"), "on": _("日期"), "decided_on": _("决定日期"), "served_on": _("送达日期"),
              "paid_on": _("缴款日期"), "closed_on": _("结案日期"), "transferred_on": _("移送日期"),
              "published_on": _("公开日期"), "authority": _("接收机关"), "persons": _("涉案人员(每行一人)"),
              "reason": _("移送理由")}
    actions = [{"t": t, "params": [(p, labels.get(p, p)) for p in t.params]} for t in wf.allowed(request.user, obj)]
    from . import measures
    from .choices import MeasureKind

    may_decide = has_perm(request.user, "enforcement.decide")
    return {"citation": cases.citation(obj.legal_basis) if obj.legal_basis_id else None,
            "source_link": source_link(obj.source, request.user), "actions": actions, "factors": factors, "clocks": clocks,
            "measures": restrict(obj.measures.all(), request.user, "view").order_by("decided_on", "pk"),
            "can_order": may_decide, "measure_kinds": [(k, MeasureKind(k).label) for k in measures.ORDERS
                                                       if k == "correction" or obj.state != "closed"],
            "can_daily": may_decide and measures.refused_orders(obj).exists(),
            "penalty_outcomes": [(v, label) for v, label in Outcome.choices if v in PENALTY],
            "no_penalty_outcomes": [(v, label) for v, label in Outcome.choices if v in NO_PENALTY],
            "transfer_kinds": TransferKind.choices,
            "transfers": restrict(Transfer.objects.filter(case=obj), request.user, "view").order_by("transferred_on", "pk")}


@login_required
@require_http_methods(["GET", "POST"])
def case_add(request):
    from . import cases
    from .forms import CaseForm

    if not has_perm(request.user, "enforcement.case"):
        raise PermissionDenied
    initial = {}
    insp = None
    if request.GET.get("inspection"):
        try:
            insp = get_scoped_object(Inspection, request.user, "view", pk=int(request.GET["inspection"]))
        except ValueError:
            insp = None
        if insp is not None:
            initial = {"inspection": insp.pk, "facts": insp.findings, "act_date": insp.inspected_on,
                       "enterprise": services.PoolEnterprise.objects.filter(enterprise_id=insp.enterprise_id).first()}
    clue = None
    if request.GET.get("clue", "").isdigit():  # 立案 from a clue's page
        clue = get_scoped_object(Clue, request.user, "view", pk=int(request.GET["clue"]))
        initial = {"clue": clue.pk, "facts": clue.summary, "filed_on": timezone.localdate(),
                   "enterprise": services.PoolEnterprise.objects.filter(enterprise_id=clue.enterprise_id).first()}
    form = CaseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d.get("inspection"):
            insp = get_scoped_object(Inspection, request.user, "view", pk=d["inspection"])
        clue = get_scoped_object(Clue, request.user, "view", pk=d["clue"]) if d.get("clue") else None
        try:
            case = cases.open_case(request.user, enterprise_id=d["enterprise"].enterprise_id, cause=d["cause"],
                                   provision=d["provision"], act_date=d["act_date"], facts=d["facts"],
                                   filed_on=d["filed_on"], inspection=insp, handlers=list(d["handlers"]),
                                   source=insp.code if insp else "", clue=clue)
            messages.success(request, _("已立案 %(c)s") % {"c": case.code})
            return redirect("enforcement:cases-detail", pk=case.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            _form_error(form, exc)
    return render(request, "enforcement/form.html", {"form": form, "title": _("立案")},
                  status=400 if request.method == "POST" else 200)


CASE_PARAMS = ("outcome", "fine", "notified_on", "kind", "on", "days", "decided_on", "served_on", "paid_on",
               "closed_on", "transfer_kind", "transferred_on", "authority", "persons", "reason", "published_on")


@login_required
@require_POST
def case_action(request, pk, verb):
    return _verb_action(request, Case, pk, verb, CASE_PARAMS, "enforcement:cases-detail", extra=_case_levels)


def _case_levels(t, post) -> dict:
    """The discretion levels a verb takes, posted as level_<factor> fields."""
    levels = {k[6:]: v for k, v in post.items() if k.startswith("level_") and v} if "levels" in t.params else {}
    return {"levels": levels} if levels else {}


def _verb_action(request, model, pk, verb, params, detail, *, extra=None, refused=()):
    """A workflow verb posted from a record's page: the posted values the verb takes (`extra(t, POST)` adds
    values posted otherwise), then back to the page. A verb in `refused` has a page of its own (403 here)."""
    obj = get_scoped_object(model, request.user, "view", pk=pk)
    t = wf.workflow_for(obj).transition_map.get(verb)
    if t is None or verb in refused:
        raise PermissionDenied
    p = request.POST
    data = {k: p[k] for k in params if k in t.params and p.get(k, "") != ""}
    if extra is not None:
        data.update(extra(t, p))
    try:
        wf.apply(request.user, obj, verb, note=p.get("note", ""), **data)
        messages.success(request, _("已办理:%(a)s") % {"a": t.label})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(detail, pk=pk)


case_action.scoped_model = Case


# ---------------------------------------------------------------- statistics

LABELS = {
    "inspections": gettext_lazy("执法检查(次)"), "draw_inspections": gettext_lazy("其中双随机抽查(家次)"),
    "enterprises": gettext_lazy("检查企业(家)"), "draws": gettext_lazy("双随机抽取(次)"),
    "positive_list": gettext_lazy("正面清单企业(家)"), "cases_filed": gettext_lazy("立案(起)"),
    "decisions": gettext_lazy("处罚决定(件)"), "fines_yuan": gettext_lazy("罚款金额(元)"), "not_punished": gettext_lazy("不予处罚(件)"),
    "reduced": gettext_lazy("减轻处罚(件)"), "spared_yuan": gettext_lazy("免除或减轻的罚款(元)"),
    "measures": gettext_lazy("行政命令与强制措施(件)"), "daily_penalties": gettext_lazy("按日连续处罚(件)"), "daily_fines_yuan": gettext_lazy("按日连续处罚罚款(元)"),
    "corrections": gettext_lazy("责令改正(件)"), "seizures": gettext_lazy("查封扣押(件)"),
    "production_orders": gettext_lazy("限产停产(件)"), "transfers": gettext_lazy("移送公安(件)"),
    "transfers_detention": gettext_lazy("其中行政拘留(件)"), "detentions": gettext_lazy("公安机关决定拘留(件)"),
    "transfers_crime": gettext_lazy("其中涉嫌犯罪(件)"),
    "ratings": gettext_lazy("信用评价企业(家)"), "ratings_yellow": gettext_lazy("黄牌警示(家)"), "ratings_red": gettext_lazy("红牌(家)"),
    "repairs": gettext_lazy("信用修复(件)"),
}
BREAKDOWN_LABELS = {"inspections": gettext_lazy("执法检查(次)"), "cases_filed": gettext_lazy("立案(起)"),
                    "decisions": gettext_lazy("处罚决定(件)"), "measures": gettext_lazy("行政命令与强制措施(件)"),
                    "fines_yuan": gettext_lazy("罚款(万元)"), "not_punished": gettext_lazy("不予处罚(件)"),
                    "spared_yuan": gettext_lazy("免除或减轻(万元)")}


def _breakdown_cells(t: dict) -> list[dict]:
    """A breakdown row's cells: this year, last year (both linked to their records) and the change."""
    from .stats import _wan

    cells = []
    for k in BREAKDOWN_LABELS:
        now, before = t[k], t["previous"][k]
        if k.endswith("_yuan"):
            now, before = _wan(now), _wan(before)
        cells.append({"key": k, "value": now, "url": t["links"][k], "previous": before,
                      "previous_url": t["previous_links"][k], "yoy": t["yoy"][k]})
    return cells


def may_see_statistics(user) -> bool:
    """The statistics count an area's work: for users with an area in enforcement (bureau staff, district and
    street officers). An enterprise account has none: the page read "北京市开展执法检查2次" from its own two
    checks, and its Excel link (?jurisdiction=110000) answered 400."""
    from envbureau.core.params import has_area

    return has_perm(user, "enforcement.view") and has_area(user, "enforcement")


def stats_params(request, user):
    """(jurisdiction, period) of the statistics page and API: core's one rule (core.params.statistics_scope) for
    the area — by default the reader's own; an account without one (an enterprise) is refused with 403 — and the
    period (period.from_query): ?period=2026-H1, or ?from=&to= (dates), or ?year=Y[&part=H1|Q2|M5|1-6]; a bad
    value is a ValidationError naming its parameter (400)."""
    from envbureau.core.params import statistics_scope

    from .period import from_query

    scope, year = statistics_scope(request, user, "enforcement")
    return scope.jurisdiction, from_query(request.GET, year)


@login_required
def statistics(request):
    from . import stats

    _module(request, Case)
    try:
        jur, period = stats_params(request, request.user)
    except ValidationError as exc:
        return render(request, "enforcement/statistics.html", {"title": _("执法统计"), "error": _error_text(exc),
                      "parts": period_choices(), "year": request.GET.get("year", "")[:10]}, status=400)
    year = period.start.year
    data = stats.statistics(request.user, jur, period)
    for r in data["rows"]:
        r["label"] = str(LABELS[r["key"]])
    tables = [(_("按行业"), _("行业"), stats.breakdown(request.user, jur, period, "industry")),
              (_("按部门"), _("部门"), stats.breakdown(request.user, jur, period, "department"))]
    label = period.label
    column = str(year) if period.is_year else label  # a column's heading: 2026 as before, or 2026年1-6月
    for _title, _group, table in tables:
        for t in table:
            t["cells"] = _breakdown_cells(t)
    if request.GET.get("export") == "xlsx":
        from envbureau.core.excel import xlsx_response

        rows = [[r["label"], r["value"], r["previous"], "" if r["yoy"] is None else r["yoy"]] for r in data["rows"]]
        rows.append([_("罚款金额(万元)"), data["fines_wan"], data["previous_fines_wan"],
                     "" if data["yoy_fines"] is None else data["yoy_fines"]])
        rows += [[sen["text"], "", "", ""] for sen in data["sentences"]]
        before = _("上年") if period.is_year else _("上年同期")
        sheets = [(_("执法统计"), [_("指标"), column, before, _("同比(%)")], rows)]
        for title, group, table in tables:
            head = [group]
            for name in BREAKDOWN_LABELS.values():
                head += [f"{name} {column}", f"{name} {before}", f"{name} {_('同比(%)')}"]
            sheets.append((title, head, [[t["label"], *[v for c in t["cells"] for v in (
                c["value"], c["previous"], "" if c["yoy"] is None else c["yoy"])]] for t in table]))
        sheets.append((_("报告句子"), [_("句子")], [[s["text"]] for s in data["sentences"]]))
        # named in the reader's language (the file name is also the title row's "what")
        return xlsx_response(f"{_('执法统计')}-{jur.code}-{period.key}.xlsx", sheets, request=request,
                             period=label)  # the title row: 执法统计-110000-2026-H1 · scope · 2026年1-6月 · 导出于
    query = {"jurisdiction": jur.code, "period": period.key, "export": "xlsx"}
    return render(request, "enforcement/statistics.html", {
        "title": _("%(p)s执法统计") % {"p": label} if label else _("执法统计"), "s": data, "year": year, "period": period, "label": label,
        "column": column,
        "part": period.part, "parts": period_choices(), "jurisdiction": jur, "tables": tables,
        "before_label": _("上年") if period.is_year else _("上年同期"),
        "export_url": "?" + urlencode(query), "columns": list(BREAKDOWN_LABELS.items())})


def period_choices():
    from .period import choices

    return choices()


# ---------------------------------------------------------------- credit rating

def _indicator_rows(obj) -> list[dict]:
    """The rating's indicators as stored (group, band, score, source, links), worded for the reader."""
    from envbureau.core import texts

    out = []
    for row in (obj.facts or {}).get("indicators") or []:
        out.append({**row, "label": _(row.get("label", "")), "group_label": _(row.get("group_label", "")),
                    "note": texts.words(row.get("note"), ""),
                    "links": [{"text": texts.words(ln.get("facts"), ln.get("text", "")) if ln.get("facts")
                               else ln.get("text", ""), "url": ln.get("url", "")} for ln in row.get("links") or []]})
    return out


def _reasons(items) -> list[dict]:
    from envbureau.core import texts

    return [{"text": texts.words(v.get("reason"), ""), "url": v.get("url", "")} for v in items or []]


def rating_extra(request, obj) -> dict:
    from django.utils import timezone

    from . import config
    from .credit import may_apply, repair_window

    can = (obj.grade in ("yellow", "red") and not obj.repaired_on and obj.published_on is not None
           and may_apply(request.user, obj)
           and not obj.repair_requests.filter(state__in=["applied", "publicity"]).exists())
    # the enterprise files for itself (enterprise role, its own ratings); staff record an application received
    own = can and not wf.allowed_in_scope(request.user, obj, "enforcement.rate")
    facts = obj.facts or {}
    return {"can_repair": can, "own_application": own, "today": timezone.localdate(),
            "applicant": (getattr(request.user, "display_name", "") or request.user.get_username()) if own else "",
            "repair_requests": restrict(obj.repair_requests.all(), request.user, "view"),
            "indicators": _indicator_rows(obj), "vetoes": _reasons(facts.get("vetoes")),
            "lowered": _reasons(facts.get("lowered")), "window": repair_window(obj),
            "repair_documents": [(k, _(v)) for k, v in config.get("credit_repair_documents").items()]}


def repair_extra(request, obj) -> dict:
    actions = list(wf.allowed(request.user, obj))
    return {"actions": actions}


@login_required
@require_POST
def repair_apply(request, pk):
    from . import credit

    r = get_scoped_object(CreditRating, request.user, "view", pk=pk)
    p = request.POST
    try:
        req = credit.apply_repair(request.user, r, applicant=p.get("applicant", ""),
                                  corrective_actions=p.get("corrective_actions", ""), materials=p.get("materials", ""),
                                  documents=p.getlist("documents"), applied_on=p.get("applied_on") or None)
        messages.success(request, _("已登记信用修复申请"))
        return redirect("enforcement:repairs-detail", pk=req.pk)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("enforcement:ratings-detail", pk=pk)


repair_apply.scoped_model = CreditRating

REPAIR_PARAMS = ("decided_on", "objected_on", "effective_on")


@login_required
@require_POST
def repair_action(request, pk, verb):
    return _verb_action(request, CreditRepair, pk, verb, REPAIR_PARAMS, "enforcement:repairs-detail")


@login_required
@require_http_methods(["GET", "POST"])
def rating_add(request):
    from django import forms as djforms

    from . import config, credit
    from .credit_records import COMPUTED

    if not has_perm(request.user, "enforcement.rate"):
        raise PermissionDenied
    from .forms import RatingForm

    form = RatingForm(request.POST or None, user=request.user)
    groups, group_of = config.get("credit_groups"), config.get("credit_indicator_groups")
    for key, (label, weight) in config.get("credit_indicators").items():
        if key == "penalties":  # always from the cases and orders
            continue
        auto = key in COMPUTED
        help_text = (_("平台有相关记录时自动计算(%(s)s),此时请留空") % {"s": _(COMPUTED[key][1])} if auto
                     else _("人工录入,须注明来源"))
        form.fields[f"s_{key}"] = djforms.DecimalField(
            label=_("%(g)s · %(l)s(权重 %(w)s)") % {"g": _(groups.get(group_of.get(key), "")), "l": _(label),
                                                   "w": weight},
            min_value=0, max_value=100, required=False, help_text=help_text)
        form.fields[f"src_{key}"] = djforms.CharField(label=_("“%(l)s”得分来源") % {"l": _(label)}, required=False,
                                                      max_length=200)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        scores = {k[2:]: v for k, v in d.items() if k.startswith("s_") and v is not None}
        sources = {k[4:]: v for k, v in d.items() if k.startswith("src_") and v}
        try:
            r = credit.rate(request.user, enterprise_id=d["enterprise"].enterprise_id, year=d["year"], scores=scores,
                            sources=sources, published_on=d.get("published_on"))
            messages.success(request, _("已评价:%(g)s") % {"g": r.get_grade_display()})
            return redirect("enforcement:ratings-detail", pk=r.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            _form_error(form, exc)
    return render(request, "enforcement/form.html", {"form": form, "title": _("环境信用评价")},
                  status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- orders, measures, daily penalty

def measure_extra(request, obj) -> dict:
    from envbureau.core import deadlines as dl

    from . import measures
    from .choices import RecheckResult

    clocks = [c for c in (dl.clock(obj, k) for k in measures.CLOCKS) if c]
    labels = {"served_on": _("送达/执行日期"), "rechecked_on": _("复查日期"), "released_on": _("解除日期"),
              "paid_on": _("缴款日期"), "plan_filed_on": _("整改方案备案日期"),
              "release_requested_on": _("申请解除日期"), "kept_on": _("核查决定日期"),
              "release_served_on": _("解除决定送达日期"), "followed_up_on": _("跟踪检查日期"),
              "approved_at": _("负责人批准时间"), "disposed_on": _("处理决定日期"), "disposal": _("处理决定"),
              "published_on": _("公开日期")}
    actions = [{"t": t, "params": [(p, labels.get(p, p)) for p in t.params]} for t in wf.allowed(request.user, obj)]
    inspections = restrict(Inspection.objects.filter(enterprise_id=obj.enterprise_id, state__in=["recorded",
                                                                                                   "published"]),
                           request.user, "view").order_by("-inspected_on")[:20]
    from django.utils import timezone

    from .choices import SeizureDisposal

    return {"actions": actions, "clocks": clocks, "recheck_results": RecheckResult.choices,
            "disposals": SeizureDisposal.choices, "approval_overdue": measures.approval_overdue(obj),
            "expired": measures.expired(obj, timezone.localdate()),
            "period": measures.describe_period(obj), "inspections": inspections,
            "late_steps": measures.late_steps(obj), "release_pending": measures.release_pending(obj),
            "orders": list(obj.orders.all()) if obj.kind == "daily" else [],
            "daily_penalties": list(obj.daily_penalties.all()) if obj.kind == "correction" else []}


@login_required
@require_http_methods(["GET", "POST"])
def measure_add(request, pk):
    from . import measures
    from .forms import MeasureForm

    case = get_scoped_object(Case, request.user, "view", pk=pk)
    if not has_perm(request.user, "enforcement.decide"):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    form = MeasureForm(request.POST or None, initial={"kind": kind} if kind in measures.ORDERS else {})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = measures.order(request.user, case, kind=d["kind"], decided_on=d["decided_on"], content=d["content"],
                               reason=d["reason"], correct_by=d["correct_by"], notified_on=d["notified_on"],
                               rights_waived=d["rights_waived"], hearing_held_on=d["hearing_held_on"],
                               on_the_spot=d["on_the_spot"], taken_at=d["taken_at"])
            messages.success(request, _("已作出%(k)s决定 %(c)s") % {"k": m.get_kind_display(), "c": m.code})
            return redirect("enforcement:measures-detail", pk=m.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            _form_error(form, exc)
    return render(request, "enforcement/form.html", {"form": form, "title": _("%(c)s:作出行政命令或强制措施") % {
        "c": case.code}, "cancel_url": reverse("enforcement:cases-detail", args=[case.pk])},
        status=400 if request.method == "POST" else 200)


measure_add.scoped_model = Case


@login_required
@require_http_methods(["GET", "POST"])
def daily_penalty_add(request, pk):
    from . import measures
    from .forms import DailyPenaltyForm

    case = get_scoped_object(Case, request.user, "view", pk=pk)
    if not has_perm(request.user, "enforcement.decide"):
        raise PermissionDenied
    refused = restrict(measures.refused_orders(case), request.user, "view")
    form = DailyPenaltyForm(request.POST or None, orders=refused, initial={"orders": list(refused)})
    preview, error = None, ""
    try:
        preview = measures.daily_calculation(case, list(refused))
    except ValidationError as exc:
        error = _error_text(exc)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = measures.record_daily_penalty(request.user, case, orders=list(d["orders"]),
                                              decided_on=d["decided_on"], reason=d["reason"])
            messages.success(request, _("已作出按日连续处罚决定 %(c)s") % {"c": m.code})
            return redirect("enforcement:measures-detail", pk=m.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            _form_error(form, exc)
    return render(request, "enforcement/daily_penalty_form.html", {
        "form": form, "case": case, "preview": preview, "error": error,
        "title": _("%(c)s:按日连续处罚") % {"c": case.code}}, status=400 if request.method == "POST" else 200)


daily_penalty_add.scoped_model = Case


MEASURE_PARAMS = ("served_on", "rechecked_on", "recheck_result", "inspection", "days", "released_on", "paid_on",
                  "plan_filed_on", "release_requested_on", "kept_on", "release_served_on", "followed_up_on",
                  "approved_at", "disposal", "disposed_on")


@login_required
@require_POST
def measure_action(request, pk, verb):
    return _verb_action(request, Measure, pk, verb, MEASURE_PARAMS, "enforcement:measures-detail")


measure_action.scoped_model = Measure


def transfer_extra(request, obj) -> dict:
    from envbureau.core import deadlines as dl

    from . import transfers
    from .choices import TransferKind, TransferOutcome

    labels = {"sent_on": _("案卷移送日期"), "outcome": _("公安机关处理结果"), "outcome_on": _("处理结果日期"),
              "detention_days": _("拘留天数")}
    actions = [{"t": t, "params": [(p, labels.get(p, p)) for p in t.params]} for t in wf.allowed(request.user, obj)]
    return {"actions": actions, "clocks": [c for c in (dl.clock(obj, k) for k in transfers.CLOCKS) if c],
            "outcomes": [(v, TransferOutcome(v).label) for v in transfers.OUTCOMES[TransferKind(obj.kind)]]}


TRANSFER_PARAMS = ("sent_on", "outcome", "outcome_on", "detention_days")


@login_required
@require_POST
def transfer_action(request, pk, verb):
    return _verb_action(request, Transfer, pk, verb, TRANSFER_PARAMS, "enforcement:transfers-detail")


transfer_action.scoped_model = Transfer


# ---------------------------------------------------------------- clues (decide within 15 days whether to file)

@login_required
@require_http_methods(["GET", "POST"])
def clue_add(request):
    from . import clues
    from .forms import ClueForm

    if not has_perm(request.user, "enforcement.case"):
        raise PermissionDenied
    form = ClueForm(request.POST or None, user=request.user, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            clue = clues.open_clue(request.user, source=d["source"], enterprise_id=d["enterprise"].enterprise_id,
                                   summary=d["summary"], received_on=d["received_on"], source_ref=d["source_ref"])
            messages.success(request, _("已登记线索 %(c)s") % {"c": clue.code})
            return redirect("enforcement:clues-detail", pk=clue.pk)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
    return render(request, "enforcement/form.html", {"form": form, "title": _("登记案件线索")},
                  status=400 if request.method == "POST" else 200)


def clue_due(clue):
    """The list's 立案期限 column: the filing clock's last day, 已超期 once passed while still undecided."""
    from envbureau.core import deadlines as dl

    from . import clues

    c = dl.clock(clue, clues.FILING)
    if c is None:
        return ""
    late = c.stopped_at is None and c.due < timezone.localdate()
    return f"{c.due:%Y-%m-%d}" + (_("(已超期)") if late else "")


def clue_extra(request, obj) -> dict:
    from envbureau.core import deadlines as dl

    from . import clues

    c = dl.clock(obj, clues.FILING)
    actions = [t for t in wf.allowed(request.user, obj) if t.verb != "file"]  # 立案 through the case form
    return {"clock": c, "overdue": bool(c and c.stopped_at is None and c.due < timezone.localdate()),
            "actions": actions, "may_file": obj.state == "pending" and has_perm(request.user, "enforcement.case"),
            "source_link": source_link(obj.source_ref, request.user) if obj.source_ref else None}


@login_required
@require_POST
def clue_action(request, pk, verb):
    # 立案 makes a case: through the case form, not a bare verb
    return _verb_action(request, Clue, pk, verb, ("decided_on", "days"), "enforcement:clues-detail",
                        refused=("file",))


clue_action.scoped_model = Clue


repair_action.scoped_model = CreditRepair


# ---------------------------------------------------------------- inspection photos and signatures

@login_required
@require_POST
def inspection_photo(request, pk):
    from . import evidence

    insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
    f = request.FILES.get("file")
    try:
        if f is None:
            raise ValidationError({"file": _("请选择照片")})
        evidence.add_photo(request.user, insp, f, caption=request.POST.get("caption", ""))
        messages.success(request, _("已上传现场照片"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("enforcement:inspections-detail", pk=pk)


inspection_photo.scoped_model = Inspection


@login_required
@require_POST
def inspection_monitoring(request, pk):
    """调取在线监控数据: the enterprise's alarms and hourly values of a period, frozen on the inspection."""
    from . import evidence

    insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
    try:
        ev = evidence.capture_monitoring(request.user, insp, start=request.POST.get("start", ""),
                                         end=request.POST.get("end", ""))
        messages.success(request, _("已调取在线监控数据:报警 %(a)s 条,小时值 %(h)s 个") % {
            "a": len(ev.data["alarms"]), "h": len(ev.data["hourly"])})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("enforcement:inspections-detail", pk=pk)


inspection_monitoring.scoped_model = Inspection


@login_required
@require_POST
def inspection_sign(request, pk):
    from . import evidence

    insp = get_scoped_object(Inspection, request.user, "view", pk=pk)
    p = request.POST
    try:
        evidence.add_signature(request.user, insp, role=p.get("role", ""), image=p.get("image", ""),
                               signer=p.get("signer", ""), inspector=p.get("inspector") or None)
        messages.success(request, _("已保存签名"))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("enforcement:inspections-detail", pk=pk)


inspection_sign.scoped_model = Inspection


@login_required
def evidence_file(request, pk):
    from django.http import FileResponse

    ev = get_scoped_object(InspectionEvidence.objects.select_related("inspection"), request.user, "view", pk=pk)
    kind = {".jpg": "image/jpeg", ".json": "application/json"}.get(ev.name[ev.name.rfind("."):], "image/png")
    return FileResponse(ev.file.open("rb"), filename=ev.name, content_type=kind,
                        as_attachment=kind == "application/json")


evidence_file.scoped_model = InspectionEvidence
