"""Pages of approvals. Every query is scoped; every change goes through the services / the workflow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from envbureau.core import deadlines as dl
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, may_view_module

from . import config, eia, emergency, permits, prereview, supervision
from .models import EIAApplication, EmergencyPlan, ExecutionReport, Incident, Material, Permit, PreReview


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


@login_required
def index(request):
    return redirect("approvals:eia-list")


# lazy: built at import time, read in the request's language
DATE_PARAMS = {"on": gettext_lazy("日期"), "filed_on": gettext_lazy("备案日期"), "drilled_on": gettext_lazy("演练日期"), "accepted_on": gettext_lazy("受理日期"), "decided_on": gettext_lazy("审批日期"), "completed_on": gettext_lazy("验收日期"), "concluded_on": gettext_lazy("出具意见日期"),
               "submitted_on": gettext_lazy("提交日期"), "valid_until": gettext_lazy("有效期至")}
TEXT_PARAMS = {"missing_materials": gettext_lazy("需补正材料(一次性告知)"), "expert_opinion": gettext_lazy("技术评估意见"),
               "conditions": gettext_lazy("批复意见及要求"), "decision_reasons": gettext_lazy("不予批准理由"), "completion_note": gettext_lazy("验收情况"),
               "content": gettext_lazy("报告内容"), "review_note": gettext_lazy("审核意见"), "monitoring_duties": gettext_lazy("自行监测要求"),
               "record_keeping": gettext_lazy("环境管理台账记录要求"), "summary": gettext_lazy("处置总结"),
               "reasons": gettext_lazy("预审意见及理由(不同意或有条件同意时必填)")}
CHOICE_PARAMS = {"conclusion": gettext_lazy("预审结论")}


def _actions(request, obj):
    out = []
    for t in wf.allowed(request.user, obj):
        names = [*t.required, *[f for f in t.fields if f not in t.required], *t.params]
        fields = []
        for name in dict.fromkeys(names):
            if name in DATE_PARAMS:
                fields.append({"name": name, "label": DATE_PARAMS[name], "kind": "date"})
            elif name in CHOICE_PARAMS:
                choices = type(obj)._meta.get_field(name).choices
                fields.append({"name": name, "label": CHOICE_PARAMS[name], "kind": "choice", "choices": choices,
                               "required": name in t.required})
            elif name in TEXT_PARAMS:
                fields.append({"name": name, "label": TEXT_PARAMS[name], "kind": "text",
                               "required": name in t.required})
        out.append({"t": t, "fields": fields})
    return out


def _clocks(obj, keys):
    return [c for c in (dl.clock(obj, k) for k in keys) if c]


def eia_extra(request, obj) -> dict:
    return {"actions": _actions(request, obj), "clocks": _clocks(obj, (eia.REVIEW, eia.ACCEPTANCE)),
            "action_url": "approvals:eia-action", **_materials_context(request, obj, "eia")}


@login_required
@require_http_methods(["GET", "POST"])
def eia_add(request):
    from .forms import EIAForm

    if not (has_perm(request.user, "approvals.add") or has_perm(request.user, "approvals.apply")):
        raise PermissionDenied
    form = EIAForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            app = eia.submit(request.user, enterprise_id=d["enterprise"].pk, project_name=d["project_name"],
                             category=d["category"], submitted_on=d["submitted_on"], industry_name=d["industry_name"],
                             investment=d["investment"], env_investment=d["env_investment"], location=d["location"],
                             commitment=d["commitment"])
            messages.success(request, _("已提交环评申请 %(c)s") % {"c": app.code})
            return redirect("approvals:eia-detail", pk=app.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "approvals/form.html", {"form": form, "title": _("环评申请")},
                  status=400 if request.method == "POST" else 200)


def _post_data(request, t):
    p = request.POST
    data = {k: p[k] for k in (*t.required, *t.fields, *t.params) if p.get(k, "") != ""}
    return data


def _act(request, obj, verb, back, transform=None):
    t = wf.workflow_for(obj).transition_map.get(verb)
    if t is None:
        raise PermissionDenied
    data = _post_data(request, t)
    if transform:
        data = transform(data)
    try:
        wf.apply(request.user, obj, verb, note=request.POST.get("note", ""), **data)
        messages.success(request, _("已办理:%(a)s") % {"a": t.label})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(back, pk=obj.pk)


@login_required
@require_POST
def eia_action(request, pk, verb):
    app = get_scoped_object(EIAApplication, request.user, "view", pk=pk)
    return _act(request, app, verb, "approvals:eia-detail")


eia_action.scoped_model = EIAApplication


# ---------------------------------------------------------------- permits

def permit_extra(request, obj) -> dict:
    from envbureau.sources.choices import factor_label
    from envbureau.sources.services import limits_from

    from .forms import limit_lines

    limits = [{"l": lim, "label": factor_label(lim.factor)} for lim in obj.limits.all()]
    online = [{**row, "label": factor_label(row["factor"])} for row in limits_from(obj.source_ref)]
    reports = obj.reports.order_by("due_on")
    from django.utils import timezone

    from envbureau.core.workflow import task_words

    today = timezone.localdate()
    findings = list(supervision.open_findings(obj))
    words = task_words(findings)  # each finding's task in the reader's language (stored in Chinese)
    return {"actions": _actions(request, obj), "limits": limits, "online": online, "action_url":
            "approvals:permit-action",
            "reports": [{"r": r, "overdue": r.is_overdue(today)} for r in reports],
            "limit_lines": limit_lines(obj),
            "findings": [{"action": words[f.pk][0], "due_date": f.due_date} for f in findings]}


@login_required
@require_http_methods(["GET", "POST"])
def permit_add(request):
    from .forms import PermitForm, parse_limit_lines

    if not has_perm(request.user, "approvals.permit"):
        raise PermissionDenied
    form = PermitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = permits.issue(request.user, enterprise_id=d["enterprise"].pk, number=d["number"],
                              category=d["category"], issued_on=d["issued_on"], valid_until=d["valid_until"],
                              authority=d["authority"], report_frequency=d["report_frequency"],
                              monitoring_duties=d["monitoring_duties"], record_keeping=d["record_keeping"],
                              limits=parse_limit_lines(d["limits"]))
            messages.success(request, _("已核发排污许可证 %(n)s") % {"n": p.number})
            return redirect("approvals:permits-detail", pk=p.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "approvals/form.html", {"form": form, "title": _("核发排污许可证")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def permit_action(request, pk, verb):
    from .forms import parse_limit_lines

    p = get_scoped_object(Permit, request.user, "view", pk=pk)

    def transform(data):
        if verb == "change" and request.POST.get("limit_lines", "").strip():
            data["limits"] = parse_limit_lines(request.POST["limit_lines"])
        return data
    return _act(request, p, verb, "approvals:permits-detail", transform)


permit_action.scoped_model = Permit


# ---------------------------------------------------------------- execution reports

def report_extra(request, obj) -> dict:
    from django.utils import timezone

    rows = permits.compare_emissions(obj) if obj.kind == "year" else []
    measured = supervision.compare_with_monitoring(obj)
    factors = sorted({lim.factor for lim in obj.permit.limits.all()})
    from envbureau.sources.choices import factor_label

    return {"actions": _actions(request, obj), "action_url": "approvals:report-action", "comparison": rows,
            "overdue": obj.is_overdue(timezone.localdate()), "measured": measured,
            "tolerance": config.get("emission_tolerance_percent"),
            "emission_factors": [(f, factor_label(f), (obj.emissions or {}).get(f, "")) for f in factors]}


@login_required
@require_POST
def report_action(request, pk, verb):
    r = get_scoped_object(ExecutionReport, request.user, "view", pk=pk)

    def transform(data):
        if verb == "submit":
            data["emissions"] = {k[2:]: v for k, v in request.POST.items() if k.startswith("e_") and v.strip()}
        return data
    return _act(request, r, verb, "approvals:reports-detail", transform)


report_action.scoped_model = ExecutionReport


# ---------------------------------------------------------------- statistics

def stats_params(request, user):
    """(scope, year) of the statistics page: core's one rule (core.params.statistics_scope) — an area for readers
    with one, else the reader's own enterprise (a ?jurisdiction= is then not applied, and the page says so)."""
    from envbureau.core.params import statistics_scope

    return statistics_scope(request, user, "approvals", enterprises=True)


@login_required
def statistics(request):
    from . import stats

    if not may_view_module(request.user, EIAApplication):
        raise PermissionDenied
    try:
        scope, year = stats_params(request, request.user)
    except ValidationError as exc:
        return render(request, "approvals/statistics.html", {"title": _("审批统计"), "error": _error_text(exc)},
                      status=400)
    data = stats.statistics(request.user, scope, year)
    for r in data["rows"]:
        r["label"] = _(stats.LABELS[r["key"]])
    if request.GET.get("export") == "xlsx":
        from envbureau.core.excel import xlsx_response
        from envbureau.core.humanize import year_label

        rows = [[r["label"], r["value"], r["previous"], "" if r["yoy"] is None else r["yoy"]] for r in data["rows"]]
        rows.append([_("在时限内办结比例(%)"), data["within_share"] if data["within_share"] is not None else "", "", ""])
        rows.append([data["sentence"], "", "", ""])
        if scope.note:
            rows.append([scope.note, "", "", ""])
        ind = [[r["industry"], r["projects"], r["investment"]] for r in data["industries"]]
        return xlsx_response(f"审批统计-{scope.code or scope.name}-{year}.xlsx", [
            (_("审批统计"), [_("指标"), str(year), _("上年"), _("同比(%)")], rows),
            (_("分行业"), [_("行业"), _("项目(个)"), _("总投资(万元)")], ind)], request=request,
            what=_("审批统计"), scope=scope.name, period=year_label(year))
    return render(request, "approvals/statistics.html", {"title": _("审批统计"), "s": data, "year": year,
                                                         "scope": scope, "jurisdiction": scope.jurisdiction})


# ---------------------------------------------------------------- emergency plans and hazard checks

def plan_extra(request, obj) -> dict:
    return {"actions": _actions(request, obj), "clocks": _clocks(obj, (emergency.FILING,)),
            "action_url": "approvals:plan-action", "working": obj.risk_working.splitlines(),
            **_materials_context(request, obj, "plan")}


@login_required
@require_http_methods(["GET", "POST"])
def plan_add(request):
    from .forms import PlanForm

    if not (has_perm(request.user, "approvals.apply") or has_perm(request.user, "approvals.emergency")):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = emergency.submit_plan(request.user, enterprise_id=d["enterprise"].pk, title=d["title"],
                                         signed_on=d["signed_on"], submitted_on=d["submitted_on"], risk=form.risk())
            messages.success(request, _("已提交应急预案备案 %(c)s,风险等级 %(l)s") % {"c": plan.code, "l": plan.risk_label})
            return redirect("approvals:plans-detail", pk=plan.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "approvals/form.html", {"form": form, "title": _("应急预案备案")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def plan_action(request, pk, verb):
    plan = get_scoped_object(EmergencyPlan, request.user, "view", pk=pk)
    return _act(request, plan, verb, "approvals:plans-detail")


plan_action.scoped_model = EmergencyPlan


def check_extra(request, obj) -> dict:
    from django.urls import NoReverseMatch, reverse

    links = []
    for ref in obj.problem_refs or []:
        model, _sep, pk = ref.partition(":")
        try:
            links.append(reverse("ledger:problem-detail", args=[int(pk)]))
        except (NoReverseMatch, ValueError):
            links.append("")
    return {"finding_rows": [{"f": f, "url": u} for f, u in zip(obj.findings or [], links + [""] * len(obj.findings or []))]}


@login_required
@require_http_methods(["GET", "POST"])
def check_add(request):
    from .forms import CheckForm

    if not has_perm(request.user, "approvals.emergency"):
        raise PermissionDenied
    form = CheckForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            check = emergency.record_check(
                request.user, enterprise_id=d["enterprise"].pk, round_name=d["round_name"], checked_on=d["checked_on"],
                checkers=d["checkers"], deadline=d["deadline"],
                findings=[{"text": line} for line in d["findings"].splitlines() if line.strip()])
            messages.success(request, _("已登记隐患排查,%(n)s 个隐患已转问题台账") % {"n": check.finding_count})
            return redirect("approvals:checks-detail", pk=check.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "approvals/form.html", {"form": form, "title": _("隐患排查")},
                  status=400 if request.method == "POST" else 200)


# ---------------------------------------------------------------- incidents and the duty roster

def incident_extra(request, obj) -> dict:
    from django.utils import timezone

    from envbureau.core.scoping import restrict

    from .choices import IncidentLevel
    from .models import DutyShift

    alarms, alarm_count, window, more = _incident_alarms(request, obj)
    duty = restrict(DutyShift.objects.filter(day=timezone.localdate(), jurisdiction__path__in=[
        obj.jurisdiction.path[:n] for n in range(1, len(obj.jurisdiction.path) + 1)]), request.user, "view")
    return {"actions": _actions(request, obj), "action_url": "approvals:incident-action", "alarms": alarms,
            "alarm_count": alarm_count, "alarm_window": window, "alarms_more_url": more,
            "levels": IncidentLevel.choices, "duty": duty, "initial_overdue": obj.initial_report_overdue(timezone.now())}


def _incident_alarms(request, obj):
    """The linked enterprise's alarms live in the incident's window: from `incident_alarm_lookback_hours` before it
    occurred until it was closed (or now). (alarms shown, how many in all, (start, end), the alarm list of the
    window when there are more than shown)."""
    import datetime as dt

    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone
    from django.utils.http import urlencode

    from envbureau.sources.services import enterprise_alarms

    from . import config

    start = obj.occurred_at - dt.timedelta(hours=int(config.get("incident_alarm_lookback_hours")))
    end = obj.closed_at or timezone.now()
    if not obj.enterprise_id or not has_perm(request.user, "sources.view"):
        return [], 0, (start, end), ""
    alarms, count = enterprise_alarms(request.user, obj.enterprise_id, start, end)
    from envbureau.sources.choices import factor_label

    for a in alarms:
        a.factor_name = factor_label(a.factor) if a.factor else ""
    more = ""
    if count > len(alarms):
        try:
            more = reverse("sources:alarm-list") + "?" + urlencode({
                "enterprise": obj.enterprise_id, "live_from": timezone.localtime(start).isoformat(),
                "until": timezone.localtime(end).isoformat()})
        except NoReverseMatch:
            more = ""
    return alarms, count, (start, end), more


@login_required
@require_http_methods(["GET", "POST"])
def incident_add(request):
    from .forms import IncidentForm

    if not has_perm(request.user, "approvals.emergency"):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            inc = emergency.report_incident(
                request.user, title=d["title"], kind=d["kind"], level=d["level"], description=d["description"],
                occurred_at=d["occurred_at"], location=d["location"],
                enterprise_id=d["enterprise"].pk if d["enterprise"] else None, jurisdiction=d["jurisdiction"])
            messages.success(request, _("已登记突发环境事件 %(c)s") % {"c": inc.code})
            return redirect("approvals:incidents-detail", pk=inc.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "approvals/form.html", {"form": form, "title": _("突发环境事件报告")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def incident_action(request, pk, verb):
    inc = get_scoped_object(Incident, request.user, "view", pk=pk)
    return _act(request, inc, verb, "approvals:incidents-detail")


incident_action.scoped_model = Incident


# ---------------------------------------------------------------- risk-source map

@login_required
def risk_map(request):
    """Enterprises with their HJ 941 level from their current emergency plan, on a map (ECharts scatter on
    longitude/latitude, served from static/vendor) and as a table (phones); Excel."""
    from envbureau.core.scoping import restrict

    from .choices import RiskLevel
    from .filters import risk_rows

    if not may_view_module(request.user, EmergencyPlan):
        raise PermissionDenied
    f, rows = risk_rows(request, restrict(EmergencyPlan.objects.all(), request.user, "view"))
    if request.GET.get("export") == "xlsx":
        from envbureau.core.excel import xlsx_response

        header = [_("企业"), _("属地"), _("环境风险等级"), _("风险等级表征"), _("预案编号"), _("预案状态"), _("经度"),
                  _("纬度"), _("地址")]
        return xlsx_response(_("环境风险源.xlsx"), [(_("环境风险源"), header, [
            [r["enterprise_name"], r["jurisdiction"], r["level_label"], r["label"], r["plan_code"], r["plan_state"],
             r["longitude"], r["latitude"], r["address"]] for r in rows])], request=request)
    counts = []
    base = request.GET.copy()
    for value, label in RiskLevel.choices:
        base["risk_level"] = value
        counts.append({"label": label, "n": sum(1 for r in rows if r["level"] == value),
                       "url": "?" + base.urlencode(), "colour": emergency.RISK_COLOURS[value]})
    points = [{"name": r["enterprise_name"], "value": [r["longitude"], r["latitude"]], "level": r["level_label"],
               "label": r["label"], "url": r["url"], "colour": r["colour"]} for r in rows
              if r["longitude"] is not None and r["latitude"] is not None]
    return render(request, "approvals/risk_map.html", {
        "title": _("环境风险源分布"), "filter": f, "rows": rows, "points": points, "counts": counts,
        "export_url": "?" + request.GET.urlencode() + ("&" if request.GET else "") + "export=xlsx"})


# ---------------------------------------------------------------- materials (enterprise uploads)

def _materials_context(request, obj, kind) -> dict:
    from . import materials

    return {"materials": obj.materials.all(), "may_upload": materials.may_upload(request.user, obj),
            "upload_url": f"approvals:{kind}-material-upload", "material_accept": ",".join(
                "." + e for e in config.get("material_extensions")),
            "material_max_mb": int(config.get("material_max_bytes")) // (1024 * 1024)}


def _upload(request, kind, pk, back):
    from . import materials

    try:
        m = materials.upload(request.user, kind, pk, request.FILES.get("file"), request.POST.get("title", ""))
        messages.success(request, _("已上传材料:%(t)s") % {"t": m.title})
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back, pk=pk)  # the page shows the message; nothing was stored
    return redirect(back, pk=pk)


@login_required
@require_POST
def eia_material_upload(request, pk):
    return _upload(request, "eia", pk, "approvals:eia-detail")


eia_material_upload.scoped_model = EIAApplication


@login_required
@require_POST
def plan_material_upload(request, pk):
    return _upload(request, "plan", pk, "approvals:plans-detail")


plan_material_upload.scoped_model = EmergencyPlan


@login_required
def material_download(request, pk):
    from django.http import FileResponse

    m = get_scoped_object(Material, request.user, "view", pk=pk)
    return FileResponse(m.file.open("rb"), as_attachment=True, filename=m.name)


material_download.scoped_model = Material


# ---------------------------------------------------------------- project pre-review (项目预审)

def prereview_extra(request, obj) -> dict:
    return {"actions": _actions(request, obj), "clocks": _clocks(obj, (prereview.CLOCK,)),
            "action_url": "approvals:prereview-action"}


@login_required
@require_http_methods(["GET", "POST"])
def prereview_add(request):
    from .forms import PreReviewForm

    if not has_perm(request.user, "approvals.add"):
        raise PermissionDenied
    form = PreReviewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = prereview.register(
                request.user, origin=d["origin"], project_name=d["project_name"], applicant=d["applicant"],
                enterprise_id=d["enterprise"].pk if d["enterprise"] else None, jurisdiction=d["jurisdiction"],
                industry_name=d["industry_name"], location=d["location"], investment=d["investment"],
                zoning_category=d["zoning_category"], zoning_unit=d["zoning_unit"], summary=d["summary"],
                received_on=d["received_on"])
            messages.success(request, _("已登记项目预审 %(c)s") % {"c": r.code})
            return redirect("approvals:prereviews-detail", pk=r.pk)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "approvals/form.html", {"form": form, "title": _("登记项目预审")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def prereview_action(request, pk, verb):
    r = get_scoped_object(PreReview, request.user, "view", pk=pk)
    return _act(request, r, verb, "approvals:prereviews-detail")


prereview_action.scoped_model = PreReview
