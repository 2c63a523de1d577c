"""Pages of projects and funds. Every query is scoped; every change goes through services / the workflow."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from envbureau.core import workflow as wf
from envbureau.core.scoping import get_scoped_object, may_view_module

from . import config, services
from .models import Campaign, CampaignTarget, Card, Evidence, Fund, Grid, Outfall, Project

PARAM_LABELS = {
    "started_on": (gettext_lazy("开工日期"), "date"), "finished_on": (gettext_lazy("完工日期"), "date"),
    "accepted_on": (gettext_lazy("验收日期"), "date"), "month": (gettext_lazy("月份"), "month"),
    "investment_completed": (gettext_lazy("累计完成投资(元)"), "number"), "stage": (gettext_lazy("建设阶段"), "text"),
    "approved": (gettext_lazy("批准金额(元)"), "number"), "reserve_batch": (gettext_lazy("储备库批次"), "text"),
    "allocated": (gettext_lazy("下达金额(元)"), "number"), "allocation_doc": (gettext_lazy("下达文号"), "text"),
    "allocated_on": (gettext_lazy("下达日期"), "date"), "amount": (gettext_lazy("本次支出(元)"), "number"),
    "issued_on": (gettext_lazy("警示日期"), "date"), "rectify_due": (gettext_lazy("整改期限"), "date"),
    "removed_on": (gettext_lazy("摘牌日期"), "date"),
}


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


def _actions(user, obj) -> list[dict]:
    out = []
    for t in wf.allowed(user, obj):
        params = [(p, *PARAM_LABELS[p]) for p in (*t.required, *t.params) if p in PARAM_LABELS]
        out.append({"t": t, "params": params, "scores": t.verb == "evaluate"})
    return out


@login_required
def index(request):
    return redirect("projects:projects-list")


def project_extra(request, obj) -> dict:
    today = timezone.localdate()
    overdue = services.overdue_reports([obj.pk], today).get(obj.pk, [])
    indicators = [(k, _(label), w) for k, (label, w) in config.get("evaluation_indicators", obj.jurisdiction).items()]
    return {"actions": _actions(request.user, obj), "milestones": list(obj.milestones.all()), "today": today,
            "funds": list(obj.funds.all()), "reports": list(obj.reports.all()), "overdue_months": overdue,
            "indicators": indicators, "action_url": "projects:project-action",
            "this_month": f"{today:%Y-%m}"}


def fund_extra(request, obj) -> dict:
    return {"actions": _actions(request.user, obj), "action_url": "projects:fund-action"}


def _do(request, obj, verb):
    t = wf.workflow_for(obj).transition_map.get(verb)
    if t is None:
        raise PermissionDenied
    p = request.POST
    data = {k: p[k].strip() for k in (*t.required, *t.params) if k in p and p[k].strip() != ""}
    if verb == "evaluate":
        data["scores"] = {k[6:]: v for k, v in p.items() if k.startswith("score_")}
    try:
        wf.apply(request.user, obj, verb, note=p.get("note", ""), **data)
        messages.success(request, _("已办理:%(a)s") % {"a": t.label})
    except ValidationError as exc:
        messages.error(request, error_text(exc))


@login_required
@require_POST
def project_action(request, pk, verb):
    obj = get_scoped_object(Project, request.user, "view", pk=pk)
    _do(request, obj, verb)
    return redirect("projects:projects-detail", pk=pk)


project_action.scoped_model = Project


@login_required
@require_POST
def fund_action(request, pk, verb):
    obj = get_scoped_object(Fund, request.user, "view", pk=pk)
    _do(request, obj, verb)
    return redirect("projects:funds-detail", pk=pk)


fund_action.scoped_model = Fund


def card_extra(request, obj) -> dict:
    return {"actions": _actions(request.user, obj), "action_url": "projects:card-action",
            "dossier_url": reverse("sources:dossier", args=[obj.enterprise_id])}


@login_required
@require_POST
def card_action(request, pk, verb):
    obj = get_scoped_object(Card, request.user, "view", pk=pk)
    _do(request, obj, verb)
    return redirect("projects:cards-detail", pk=pk)


card_action.scoped_model = Card


# ---------------------------------------------------------------- statistics

def stats_params(request, user):
    """(jurisdiction, year) of the statistics pages: core's one rule (core.params.statistics_scope). They count an
    area's work, so they are for readers with an area in projects (by default their own, widest one); an
    account without one (an enterprise) is refused with 403, as enforcement's statistics."""
    from envbureau.core.params import statistics_scope

    scope, year = statistics_scope(request, user, "projects")
    return scope.jurisdiction, year


def may_see_statistics(user) -> bool:
    """The menu's test for the statistics entries (the pages answer 403 otherwise)."""
    from envbureau.core.params import has_area
    from envbureau.core.permissions import has_perm

    return has_perm(user, "projects.view") and has_area(user, "projects")


def export_rows(data) -> list:
    head = [_("分组"), _("排定(项)"), _("已开工(项)"), _("已完成建设(项)"), _("完成率(%)"), _("计划投资(万元)"),
            _("完成投资(万元)"), _("下达资金(万元)"), _("资金支出(万元)"), _("执行率(%)"), _("时间过半任务过半"),
            _("进度预警")]

    def row(group, r):
        sch = r["schedule"]
        return [group, r["planned"], r["started"], r["finished"], r["completion_rate"], r["investment_planned_wan"],
                r["investment_completed_wan"], r["allocated_wan"], r["spent_wan"], r["execution_rate"],
                sch.get("verdict", ""), r["schedule"].get("flag_label", "")]

    rows = [row(_("合计"), data["summary"])]
    rows += [row(_("攻坚领域:") + r["label"], r) for r in data["by_battle"]]
    rows += [row(_("属地:") + r["label"], r) for r in data["by_area"]]
    rows += [row(_("实施单位:") + r["label"], r) for r in data["by_owner"]]
    funds = [[r["label"], r["n"], r["approved_wan"], r["allocated_wan"], r["spent_wan"], r["execution_rate"]]
             for r in data["funds"]]
    t = data["funds_total"]
    funds.append([_("合计"), t["n"], t["approved_wan"], t["allocated_wan"], t["spent_wan"], t["execution_rate"]])
    return [(_("工程项目"), head, rows + [[data["sentence"]]]),
            (_("专项资金"), [_("资金层级"), _("笔数"), _("批准(万元)"), _("下达(万元)"), _("支出(万元)"), _("执行率(%)")],
             funds)]


@login_required
def statistics(request):
    from . import stats

    if not may_view_module(request.user, Project):
        raise PermissionDenied
    try:
        jur, year = stats_params(request, request.user)
    except ValidationError as exc:
        return render(request, "projects/statistics.html", {"title": _("工程项目统计"), "error": error_text(exc)},
                      status=400)
    data = stats.statistics(request.user, jur, year)
    if request.GET.get("export") == "xlsx":
        from envbureau.core.excel import xlsx_response

        return xlsx_response(f"工程项目统计-{jur.code}-{year}.xlsx", export_rows(data), request=request)
    return render(request, "projects/statistics.html", {"title": _("工程项目统计"), "s": data, "year": year,
                                                        "jurisdiction": jur})


# ---------------------------------------------------------------- campaigns

def campaign_extra(request, obj) -> dict:
    from envbureau.core.permissions import has_perm

    from . import campaign_stats

    return {"cs": campaign_stats.statistics(request.user, obj),
            "can_import": has_perm(request.user, "projects.add") or has_perm(request.user, "projects.change")}


def target_extra(request, obj) -> dict:
    from django.urls import reverse

    from envbureau.core.scoping import can
    from envbureau.ledger import services as ledger

    from . import campaigns

    state = campaigns.states([obj.pk]).get(obj.pk)
    problem = None
    if obj.problem_id:
        problem = ledger.problems_for_ref(campaigns.REF, str(obj.pk), request.user).filter(pk=obj.problem_id).first()
    return {"state_label": ledger.State(state).label if state else "", "problem": problem,
            "problem_url": reverse("ledger:problem-detail", args=[problem.pk]) if problem else "",
            "done": campaigns.is_done(obj, state), "required_checks": [(c, obj.checks.get(c)) for c in
                                                                        obj.required_checks()],
            "can_change": can(request.user, obj, "change"), "is_done_state": state in ledger.DONE_STATES}


@login_required
@require_POST
def target_checks(request, pk):
    from . import campaigns
    t = get_scoped_object(CampaignTarget, request.user, "view", pk=pk)
    checks = {c: request.POST.get(f"check_{i}", "").strip() for i, c in enumerate(t.required_checks())}
    try:
        campaigns.record_checks(request.user, t, checks, note=request.POST.get("note", ""))
        messages.success(request, _("已记录销号核查"))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("projects:targets-detail", pk=pk)


@login_required
@require_POST
def target_recheck(request, pk):
    from . import campaigns
    t = get_scoped_object(CampaignTarget, request.user, "view", pk=pk)
    try:
        campaigns.recheck(request.user, t, passed=request.POST.get("passed") == "1", note=request.POST.get("note", ""))
        messages.success(request, _("已记录复查"))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("projects:targets-detail", pk=pk)


target_checks.scoped_model = CampaignTarget
target_recheck.scoped_model = CampaignTarget


@login_required
def campaign_statistics(request, pk):
    from . import campaign_stats

    c = get_scoped_object(Campaign, request.user, "view", pk=pk)
    cs = campaign_stats.statistics(request.user, c)
    if request.GET.get("export") == "xlsx":
        from envbureau.core.excel import xlsx_response

        head = [_("分组"), _("对象(家/处)"), _("完成整治"), _("完成率(%)"), _("逾期未完成"), _("反弹")]
        rows = [[_("合计"), cs["total"]["total"], cs["total"]["done"], cs["total"]["rate"], cs["total"]["overdue"],
                 cs["total"]["reopened"]]]
        for label, group in ((_("整治类型:"), cs["by_class"]), (_("属地:"), cs["by_area"])):
            rows += [[label + r["label"], r["total"], r["done"], r["rate"], r["overdue"], r["reopened"]] for r in group]
        rows.append([cs["sentence"]])
        return xlsx_response(f"{c.name}-统计.xlsx", [(_("专项行动统计"), head, rows)], request=request)
    return render(request, "projects/campaign_statistics.html", {"title": c.name, "obj": c, "cs": cs})


campaign_statistics.scoped_model = Campaign


# ---------------------------------------------------------------- river outfalls

OUTFALL_PARAMS = {
    "due": (gettext_lazy("下一步时限"), "date"), "sampled_on": (gettext_lazy("采样日期"), "date"),
    "closed_out_on": (gettext_lazy("销号日期"), "date"), "enterprise_id": (gettext_lazy("企业ID"), "text"),
}


def outfall_extra(request, obj) -> dict:
    from envbureau.standards.water import class_name

    from . import config
    from .choices import Outcome

    actions = []
    for t in wf.allowed(request.user, obj):
        actions.append({"t": t, "params": [(p, *OUTFALL_PARAMS[p]) for p in t.params if p in OUTFALL_PARAMS],
                        "fields": [f for f in (*t.fields, *t.required) if f in ("trace_result", "responsible_unit",
                                                                               "measures", "merged_into")]})
    samples = [{"s": s, "class": class_name(s.water_class) if s.water_class else "—"} for s in obj.samples.all()]
    evidence = Evidence.objects.filter(model="projects.outfall", object_id=str(obj.pk))
    return {"actions": actions, "samples": samples, "evidence": evidence, "outcomes": Outcome.choices,
            "max_files": config.get("max_files"), "max_file_mb": config.get("max_file_mb"),
            "target_name": class_name(obj.target_class) if obj.target_class else "—"}


@login_required
@require_POST
def outfall_action(request, pk, verb):
    obj = get_scoped_object(Outfall, request.user, "view", pk=pk)
    t = wf.workflow_for(obj).transition_map.get(verb)
    if t is None:
        raise PermissionDenied
    p = request.POST
    data = {k: p[k].strip() for k in (*t.required, *t.fields, *t.params) if k in p and p[k].strip() != ""}
    if verb == "monitor":
        data["values"] = {k[2:]: p[k].strip() for k in p if k.startswith("v_") and p[k].strip()}
        data["dry_weather"] = p.get("dry_weather", "0")
    try:
        wf.apply(request.user, obj, verb, note=p.get("note", ""), files=request.FILES.getlist("files"), **data)
        messages.success(request, _("已办理:%(a)s") % {"a": t.label})
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("projects:outfalls-detail", pk=pk)


outfall_action.scoped_model = Outfall



@login_required
def evidence_file(request, pk):
    from django.http import FileResponse

    ev = get_scoped_object(Evidence, request.user, "view", pk=pk)
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name)


evidence_file.scoped_model = Evidence


@login_required
def outfall_statistics(request):
    from . import outfall_stats

    if not may_view_module(request.user, Outfall):
        raise PermissionDenied
    try:
        jur, _year = stats_params(request, request.user)
    except ValidationError as exc:
        return render(request, "projects/outfall_statistics.html", {"title": _("入河排污口统计"),
                                                                     "error": error_text(exc)}, status=400)
    basin = request.GET.get("basin", "").strip()[:100]
    s = outfall_stats.statistics(request.user, jur, basin=basin)
    if request.GET.get("export") == "xlsx":
        from envbureau.core.excel import xlsx_response

        head = [_("分组"), _("排查发现"), _("已确认"), _("已监测"), _("已溯源"), _("溯源率(%)"), _("整治中"), _("已销号"),
                _("整治完成率(%)"), _("取缔"), _("清理合并"), _("规范整治")]

        def row(label, r):
            return [label, r["found"], r["confirmed"], r["monitored"], r["traced"], r["traced_rate"], r["rectifying"],
                    r["closed_out"], r["rectified_rate"], r["ban"], r["merge"], r["regulate"]]

        rows = [row(_("合计"), s["summary"])] + [row(_("流域:") + r["label"], r) for r in s["by_basin"]] + \
               [row(_("类型:") + r["label"], r) for r in s["by_type"]] + \
               [row(_("属地:") + r["label"], r) for r in s["by_area"]] + [[s["sentence"]]]
        return xlsx_response(f"入河排污口统计-{jur.code}.xlsx", [(_("入河排污口"), head, rows)], request=request)
    import json

    from .choices import OutfallState

    labels = json.dumps({v: str(label) for v, label in OutfallState.choices}, ensure_ascii=False)
    return render(request, "projects/outfall_statistics.html", {"title": _("入河排污口统计"), "s": s,
                                                                 "jurisdiction": jur, "basin": basin,
                                                                 "state_labels_json": labels,
                                                                 "sentence": outfall_stats.sentence(
                                                                     s["summary"], jur.name, basin, links=True)})


# ---------------------------------------------------------------- grids and patrols

@login_required
def grid_patrol(request, pk):
    """The patrol page (phone first, 390 px): the grid, its next due date, the patrol form, recent patrols."""
    from envbureau.ledger.services import Category

    from . import config

    grid = get_scoped_object(Grid, request.user, "view", pk=pk)
    if request.method == "POST":
        p = request.POST
        keys = ("patrol_on", "started_at", "ended_at", "longitude", "latitude", "visited", "findings", "to_ledger",
                "category", "complaint")
        data = {k: p[k].strip() for k in keys if p.get(k, "").strip() != ""}
        if "to_ledger" not in data:
            data.pop("category", None)
        try:
            wf.apply(request.user, grid, "patrol", files=request.FILES.getlist("files"), **data)
            messages.success(request, _("已提交巡查记录"))
            return redirect("projects:grid-patrol", pk=pk)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    today = timezone.localdate()
    due = grid.next_due()
    allowed = any(t.verb == "patrol" for t in wf.allowed(request.user, grid))
    from envbureau.complaints import services as complaints

    followable = complaints.open_for_follow_up(request.user, grid.jurisdiction) if allowed else []
    return render(request, "projects/patrol.html", {
        "complaints": followable, "complaint_chosen": request.POST.get("complaint", ""),
        "title": grid.name, "grid": grid, "today": today, "next_due": due, "overdue": due is not None and due < today,
        "can_patrol": allowed, "patrols": grid.patrols.all()[:10], "categories": Category.choices,
        "max_files": config.get("max_files"), "max_file_mb": config.get("max_file_mb")})


grid_patrol.scoped_model = Grid


def patrol_problems(request, patrols) -> None:
    """The ledger problem each patrol's finding opened, by its code and title with a link (only those the user
    may view in the ledger: otherwise the cell says that one was opened, without naming it)."""
    from envbureau.core.generic import LinkCell
    from envbureau.ledger import services as ledger

    titles = ledger.titles(request.user, [p.problem_id for p in patrols])
    for p in patrols:
        title = titles.get(p.problem_id)
        p.problem_cell = (LinkCell(title, reverse("ledger:problem-detail", args=[p.problem_id])) if title
                          else _("已转问题台账") if p.problem_id else "")


def patrol_extra(request, obj) -> dict:
    """Where the patrol's finding went: the ledger problem it opened, the complaint it followed up."""
    return {"problem_url": reverse("ledger:problem-detail", args=[obj.problem_id]) if obj.problem_id else "",
            "complaint_url": reverse("complaints:detail", args=[obj.complaint_id]) if obj.complaint_id else "",
            "patrol_url": reverse("projects:grid-patrol", args=[obj.grid_id])}


def grid_extra(request, obj) -> dict:
    return {"patrol_url": reverse("projects:grid-patrol", args=[obj.pk]), "level_label": obj.level_label,
            "frequency": obj.frequency(), "next_due": obj.next_due()}


def grid_stats_params(request, user):
    """(area, since, until) of the grid statistics from the query (page and API share it); 400 naming the field."""
    jur, _year = stats_params(request, user)
    since = services.parse_date(request.GET.get("since"), "since", default_today=False) \
        if request.GET.get("since") else None
    until = services.parse_date(request.GET.get("until"), "until", default_today=False) \
        if request.GET.get("until") else None
    if since and until and since > until:
        raise ValidationError({"since": _("起始日期不能晚于截止日期")})
    return jur, since, until


def grid_export_rows(s) -> list:
    """The statistics as one sheet: the totals, then by level and by area (coverage, overdue)."""
    totals = [[_("在用网格"), s["total"]["grids"]], [_("按频次巡查(覆盖)"), s["total"]["covered"]],
              [_("覆盖率(%)"), s["total"]["coverage"]], [_("逾期未巡查"), s["total"]["overdue"]],
              [_("巡查次数"), s["patrols"]["n"]], [_("参与网格员"), s["patrols"]["officers"]],
              [_("发现问题的巡查"), s["patrols"]["found"]], [_("转问题台账"), s["patrols"]["problems"]],
              [_("网格员培训(次)"), s["trainings"]["n"]], [_("参训人数"), s["trainings"]["trainees"]]]
    head = [_("分组"), _("在用网格"), _("按频次巡查(覆盖)"), _("覆盖率(%)"), _("逾期未巡查")]
    groups = [[_("层级:") + str(r["label"]), r["grids"], r["covered"], r["coverage"], r["overdue"]]
              for r in s["by_level"]] + \
             [[_("属地:") + str(r["label"]), r["grids"], r["covered"], r["coverage"], r["overdue"]]
              for r in s["by_area"]]
    period = _("统计期 %(a)s 至 %(b)s") % {"a": s["since"], "b": s["until"]}
    return [(_("网格巡查统计"), [_("指标"), period], totals), (_("按层级和属地"), head, groups)]


@login_required
def grid_statistics(request):
    from . import grid_stats

    if not may_view_module(request.user, Grid):
        raise PermissionDenied
    try:
        jur, since, until = grid_stats_params(request, request.user)
    except ValidationError as exc:
        return render(request, "projects/grid_statistics.html", {"title": _("网格巡查统计"), "error": error_text(exc)},
                      status=400)
    s = grid_stats.statistics(request.user, jur, since=since, until=until)
    if request.GET.get("export") == "xlsx":
        from envbureau.core.excel import xlsx_response

        return xlsx_response(f"网格巡查统计-{jur.code}-{s['since']}-{s['until']}.xlsx", grid_export_rows(s),
                             request=request)
    return render(request, "projects/grid_statistics.html", {"title": _("网格巡查统计"), "s": s, "jurisdiction": jur})
