"""Pages of the complaints app: list (filters, Excel), intake, detail with timeline and handling
actions, statistics with year-on-year change, hot spots on a map and deadline rules."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from envbureau.core.audit import history
from envbureau.core.counting import total_for, total_part
from envbureau.core.excel import xlsx_response
from envbureau.core.params import decimals_param, year_param
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, restrict

from . import forms as f
from . import routing, services, statistics
from .choices import Category, Channel, State, SubCategory, allowed_actions
from .filters import ComplaintFilter
from .models import IDENTITY_FIELDS, Complaint, ComplaintPhoto, DuplicateLink
from .pagination import SeekPage


def _need(user, perm):
    if not has_perm(user, perm):
        raise PermissionDenied


def _fmt_dt(v):
    return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""


LIST_COLUMNS = [
    ("number", gettext_lazy("受理编号")), ("received_at", gettext_lazy("收件时间")), ("channel", gettext_lazy("渠道")), ("category", gettext_lazy("污染类型")),
    ("title", gettext_lazy("事项摘要")), ("jurisdiction", gettext_lazy("属地")), ("state", gettext_lazy("状态")), ("finish_due", gettext_lazy("办结期限")),
]
EXPORT_COLUMNS = [
    ("number", "受理编号"), ("channel", "渠道"), ("received_at", "受理时间"), ("enterprise_name", "被举报对象"),
    ("location", "地址"), ("jurisdiction", "行政区域"), ("category", "污染类型"), ("sub_category", "子类"),
    ("track", "办理类别"), ("title", "事项摘要"), ("decline_reason", "不予受理原因"), ("assignee_unit", "承办单位"),
    ("finish_due", "办理期限"), ("investigation", "调查核实情况"), ("finding", "是否属实"), ("measures", "处理情况"),
    ("replied_at", "办结时间"), ("on_time", "是否按时"), ("reply_method", "回复方式"), ("satisfaction", "回访结果"),
    ("is_repeat", "是否重复"), ("repeat_of", "关联件编号"), ("is_key", "是否重点件"), ("state", "状态"),
]


def _cell(c, attr):
    v = getattr(c, attr)
    disp = getattr(c, f"get_{attr}_display", None)
    if callable(disp):
        return disp()
    if attr == "jurisdiction":
        return c.jurisdiction.name
    if attr == "repeat_of":
        return c.repeat_of.number if c.repeat_of_id else ""
    if isinstance(v, dt.datetime):
        return _fmt_dt(v)
    if isinstance(v, bool):
        return _("是") if v else _("否")
    return "" if v is None else v


@login_required
def complaint_list(request):
    _need(request.user, "complaints.view")
    qs = services.scoped(request.user, "view").select_related("jurisdiction")
    fs = ComplaintFilter(request.GET, queryset=qs, request=request)
    qs = fs.qs
    q = request.GET.get("q", "").strip()
    if q:
        # A complaint number is one unique-index lookup; free text has to scan (narrow it with filters).
        if Complaint.objects.filter(number=q).exists():
            qs = qs.filter(number=q)
        else:
            qs = qs.filter(Q(title__icontains=q) | Q(location__icontains=q) | Q(enterprise_name__icontains=q))
    qs = qs.order_by("-received_at", "-id")
    if request.GET.get("export") == "xlsx":
        check = services.identity_checker(request.user)
        header = [h for _a, h in EXPORT_COLUMNS] + ["举报人", "联系方式"]
        rows = []
        for c in qs.select_related("repeat_of")[:50000]:
            row = [_cell(c, a) for a, _h in EXPORT_COLUMNS]
            ident = services.identity_for(request.user, c, full=check(c))
            row += [ident["complainant_name"], ident["complainant_phone"]]
            rows.append(row)
        return xlsx_response("信访投诉登记台账.xlsx", [("信访投诉", header, rows)], request=request)
    if request.GET.get("export") == "oversight":
        return _oversight_export(qs, request)
    if request.GET.get("part") == "total":
        return total_part(request, qs)
    try:
        size = min(max(int(request.GET.get("page_size") or 50), 1), 500)
    except ValueError:
        size = 50
    page = SeekPage(qs.values_list(*ROW_FIELDS), request.GET.get("page"), size)
    # the total of what the filters match, counted up to a cap (a million complaints page without COUNT), and on a
    # long table in a request of its own
    total = total_for(request, qs, Complaint)
    page.rows = [_row(r) for r in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("part", None)
    return render(request, "complaints/list.html", {
        "title": _("信访投诉"), "page": page, "total": total, "filterset": fs, "q": q, "query": params.urlencode(),
        "columns": [str(label) for _a, label in LIST_COLUMNS],
        "can_add": has_perm(request.user, "complaints.add"), "base": reverse("complaints:list"),
    })


OVERSIGHT_HEADER = ["原始排序编码", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "督察期间调查核实情况", "是否属实",
                    "整改目标及整改措施", "督察期间处理情况", "最新整改情况", "办结状态", "责令整改（家次）", "罚款金额（万元）",
                    "是否重点件", "牵头责任单位", "轮次", "是否重复", "重复关联件编号", "立案处罚（家次）", "经度", "纬度"]


def _oversight_export(qs, request=None):
    """督察信访件汇总表 (the Zhangzhou supervision system's export: the column order oversight teams receive)."""
    rows = []
    for i, c in enumerate(qs.select_related("jurisdiction", "repeat_of")[:50000], start=1):
        rows.append([
            i, c.external_ref or c.number, c.content, c.jurisdiction.name, c.get_category_display(), c.investigation,
            c.get_finding_display() if c.finding else "", c.measures, c.reply_text,
            c.get_state_display(), "已办结" if c.is_completed else "正在办理", 1 if c.ordered_rectification else 0,
            float(c.fine_amount) / 10000 if c.fine_amount else 0, "是" if c.is_key else "否", c.assignee_unit,
            c.batch, "是" if c.is_repeat else "否", c.repeat_of.number if c.repeat_of_id else "",
            1 if c.case_filed else 0, c.lon, c.lat])
    return xlsx_response("督察信访件汇总表.xlsx", [("督察信访件汇总表", OVERSIGHT_HEADER, rows)], request=request)


ROW_FIELDS = ("id", "number", "received_at", "channel", "category", "sub_category", "title", "jurisdiction__name",
              "state", "accept_due", "finish_due", "is_repeat", "is_key")
_LABELS = {"channel": dict(Channel.choices), "category": dict(Category.choices),
           "sub_category": dict(SubCategory.choices), "state": dict(State.choices)}


def _row(r) -> dict:
    """A list row from plain values: no model instances, no per-row choice lookups or URL reversing."""
    from .choices import OPEN_STATES, STATE_COLOURS

    d = dict(zip(ROW_FIELDS, r))
    today = timezone.localdate()
    due = d["accept_due"] if d["state"] == "registered" else d["finish_due"]
    d.update({
        "received": timezone.localtime(d["received_at"]).strftime("%Y-%m-%d %H:%M"),
        "channel_label": _LABELS["channel"].get(d["channel"], ""),
        "category_label": _LABELS["category"].get(d["category"], ""),
        "sub_label": _LABELS["sub_category"].get(d["sub_category"], ""),
        "state_label": _LABELS["state"].get(d["state"], ""), "colour": STATE_COLOURS.get(d["state"], "secondary"),
        "due": due.isoformat() if due else "", "overdue": bool(due and d["state"] in OPEN_STATES and today > due),
    })
    return d


@login_required
def complaint_add(request):
    _need(request.user, "complaints.add")
    form = f.ComplaintForm(request.POST or None, user=request.user,
                           initial={"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        c = form.save(commit=False)
        try:
            c = services.register(request.user, c)
        except ValidationError as e:
            for field, errs in getattr(e, "message_dict", {None: e.messages}).items():
                form.add_error(field if field in form.fields else None, errs)
        except PermissionDenied:
            form.add_error(None, _("超出您的权限范围"))
        else:
            messages.success(request, _("已登记,受理编号 %(n)s") % {"n": c.number})
            return redirect("complaints:detail", pk=c.pk)
    return render(request, "complaints/form.html", {
        "title": _("登记信访投诉"), "form": form, "boundaries": routing.boundaries_configured()},
        status=400 if request.method == "POST" else 200)


ACTION_FORMS = {
    "accept": f.NoteForm, "decline": f.DeclineForm, "assign": f.AssignForm, "investigate": f.InvestigateForm,
    "measures": f.MeasuresForm, "reply": f.ReplyForm, "visit": f.VisitForm, "request_extension": f.ExtensionForm,
    "approve_extension": f.NoteForm, "refuse_extension": f.NoteForm, "request_review": f.NoteForm,
    "answer_review": f.AnswerReviewForm, "close": f.NoteForm, "spawn_problem": f.SpawnProblemForm,
}
ACTION_LABELS = {
    "accept": gettext_lazy("受理"), "decline": gettext_lazy("不予受理"), "assign": gettext_lazy("交办"), "investigate": gettext_lazy("调查核实"),
    "measures": gettext_lazy("处理措施"), "reply": gettext_lazy("答复"), "visit": gettext_lazy("回访"), "request_extension": gettext_lazy("申请延期"),
    "approve_extension": gettext_lazy("批准延期"), "refuse_extension": gettext_lazy("不批准延期"), "request_review": gettext_lazy("登记复查/复核申请"),
    "answer_review": gettext_lazy("复查/复核答复"), "close": gettext_lazy("归档"), "spawn_problem": gettext_lazy("转问题台账"),
}


def _run_action(user, c, action, d):
    if action == "accept":
        return services.accept(user, c, d.get("note", ""))
    if action == "decline":
        return services.decline(user, c, d["reason"])
    if action == "assign":
        return services.assign(user, c, d["unit"], note=d.get("note", ""))
    if action == "investigate":
        return services.investigate(user, c, d["finding"], d["investigation"])
    if action == "measures":
        return services.record_measures(user, c, d["measures"], d.get("ordered_rectification"),
                                        d.get("case_filed"), d.get("fine_amount"))
    if action == "reply":
        return services.reply(user, c, d["reply_text"], d.get("method", ""))
    if action == "visit":
        return services.visit(user, c, d["satisfaction"], d.get("method", ""), d.get("note", ""), d.get("fixed"))
    if action == "request_extension":
        return services.request_extension(user, c, d["days"], d["reason"])
    if action == "approve_extension":
        return services.approve_extension(user, c, d.get("note", ""))
    if action == "refuse_extension":
        return services.refuse_extension(user, c, d.get("note", ""))
    if action == "request_review":
        return services.request_review(user, c, d.get("note", ""))
    if action == "answer_review":
        return services.answer_review(user, c, d["reply_text"])
    if action == "close":
        return services.close(user, c, d.get("note", ""))
    if action == "spawn_problem":
        units = [u.strip() for u in (d.get("units") or "").replace("，", ",").split(",") if u.strip()]
        return services.spawn_problem(user, c, deadline=d.get("deadline"), responsible_units=units or None)
    raise Http404


def _actions_for(user, c):
    out = []
    for action in allowed_actions(c.state):
        if action not in ACTION_FORMS:
            continue
        if action in ("approve_extension", "refuse_extension") and c.extension_state != "requested":
            continue
        if action == "request_extension" and c.extension_state == "requested":
            continue
        if action == "spawn_problem" and c.problem_ref:
            continue
        if services.allowed(user, c, action):
            out.append({"action": action, "label": ACTION_LABELS[action], "form": ACTION_FORMS[action](prefix=action)})
    return out


@login_required
def complaint_detail(request, pk):
    c = get_scoped_object(Complaint.objects.select_related("jurisdiction", "repeat_of"), request.user, "view", pk=pk)
    links_out = DuplicateLink.objects.filter(complaint=c).select_related("original").order_by("-score")
    links_in = DuplicateLink.objects.filter(original=c).exclude(state="rejected").select_related("complaint")
    identity = services.identity_for(request.user, c)
    labels = {fld: Complaint._meta.get_field(fld).verbose_name for fld in IDENTITY_FIELDS}
    return render(request, "complaints/detail.html", {
        "title": c.number, "c": c, "visits": c.visits.all(),
        "links_out": links_out, "links_in": links_in,
        "identity": [(labels[k], v) for k, v in identity.items() if v],
        "identity_full": services.can_view_identity(request.user, c),
        "actions": _actions_for(request.user, c),
        "can_dup": services.allowed(request.user, c, "confirm_duplicate"),
        "can_answer_repeat": services.allowed(request.user, c, "answer_repeat"),
        "ledger_ok": services.ledger_available(),
        "history": history(c)[:50] if has_perm(request.user, "audit.view") else None,
        "today": timezone.localdate(),
        "check_url": _check_url(request.user, c),
        "photos": restrict(c.photos.all(), request.user, "view"),
    })


def _check_url(user, c) -> str:
    """Start an enforcement check from this complaint (its page there, by URL name: no import of that app),
    for whoever may inspect; "" when the app or the right is missing."""
    from django.urls import NoReverseMatch
    from django.utils.http import urlencode

    if not c.number or not has_perm(user, "enforcement.inspect"):
        return ""
    try:
        return reverse("enforcement:inspection-add") + "?" + urlencode({"source": "complaint", "source_ref": c.number})
    except NoReverseMatch:
        return ""


@login_required
def photo_file(request, pk):
    """A complaint's photo (stored without metadata), to whoever may view the complaint."""
    from django.http import FileResponse

    p = get_scoped_object(ComplaintPhoto.objects.select_related("complaint"), request.user, "view", pk=pk)
    return FileResponse(p.file.open("rb"), filename=p.name, content_type="image/jpeg")


photo_file.scoped_model = ComplaintPhoto


@login_required
@require_POST
def complaint_action(request, pk, action):
    if action not in ACTION_FORMS:
        raise Http404
    c = get_scoped_object(Complaint, request.user, "view", pk=pk)
    form = ACTION_FORMS[action](request.POST, prefix=action)
    if not form.is_valid():
        for errs in form.errors.values():
            messages.error(request, f"{ACTION_LABELS[action]}: {'; '.join(errs)}")
        return redirect("complaints:detail", pk=pk)
    try:
        _run_action(request.user, c, action, form.cleaned_data)
    except PermissionDenied as e:
        messages.error(request, str(e) or _("超出您的权限范围"))
    except ValidationError as e:
        messages.error(request, f"{ACTION_LABELS[action]}: {'; '.join(e.messages)}")
    except services.LedgerUnavailable as e:
        messages.warning(request, str(e))
    else:
        messages.success(request, _("已完成:%(a)s") % {"a": ACTION_LABELS[action]})
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def duplicate_decide(request, pk, link_id, decision):
    c = get_scoped_object(Complaint, request.user, "view", pk=pk)
    link = DuplicateLink.objects.filter(pk=link_id, complaint=c).select_related("original").first()
    if link is None:
        raise Http404
    note = request.POST.get("note", "")
    try:
        if decision == "confirm":
            services.confirm_duplicate(request.user, c, link.original, note)
        elif decision == "reject":
            services.reject_duplicate(request.user, link, note)
        elif decision == "answer":
            services.answer_repeat(request.user, c, link.original, note)
        else:
            raise Http404
    except PermissionDenied as e:
        messages.error(request, str(e) or _("超出您的权限范围"))
    except ValidationError as e:
        messages.error(request, "; ".join(e.messages))
    else:
        messages.success(request, _("已处理重复件关联"))
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def duplicate_suggest(request, pk):
    c = get_scoped_object(Complaint, request.user, "view", pk=pk)
    if not services.allowed(request.user, c, "confirm_duplicate"):
        raise PermissionDenied
    n = len(services.suggest_links(request.user, c))
    messages.info(request, _("找到 %(n)d 条疑似重复件") % {"n": n})
    return redirect("complaints:detail", pk=pk)


# ---------------------------------------------------------------- statistics

def _period(request):
    """(start, end, label) from ?year=, ?start=YYYY-MM&end=YYYY-MM; default: this year to date."""
    today = timezone.localdate()
    start_s, end_s = request.GET.get("start", ""), request.GET.get("end", "")
    try:
        if start_s and end_s:
            start = dt.date.fromisoformat(start_s[:7] + "-01")
            end = dt.date.fromisoformat(end_s[:7] + "-01")
        else:
            year = year_param(request.GET, default=today.year)
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 1) if year != today.year else today.replace(day=1)
    except ValueError:
        start, end = dt.date(today.year, 1, 1), today.replace(day=1)
    if end < start:
        start, end = end, start
    return start, end


def _month_text(d) -> str:
    return _("%(y)d年%(m)02d月") % {"y": d.year, "m": d.month}


BY_CHOICES = [("category", gettext_lazy("污染类型")), ("jurisdiction", gettext_lazy("区县")), ("channel", gettext_lazy("渠道")), ("month", gettext_lazy("月份"))]
STAT_COLUMNS = [
    ("received", gettext_lazy("收件数"), "count"), ("accepted", gettext_lazy("受理数"), "count"), ("completed", gettext_lazy("办结数"), "count"),
    ("completion_rate", gettext_lazy("办结率"), "rate"), ("resolution_rate", gettext_lazy("调处率"), "rate"),
    ("satisfaction_rate", gettext_lazy("满意率"), "rate"), ("repeats", gettext_lazy("重复件"), "count"),
    ("substantiated_share", gettext_lazy("属实率"), "rate"), ("unsubstantiated", gettext_lazy("不属实"), "count"),
]


def _label_for(by, key):
    if by == "category":
        return dict(Category.choices).get(key, key)
    if by == "channel":
        return dict(Channel.choices).get(key, key)
    if by == "month":
        return key.strftime("%Y-%m") if hasattr(key, "strftime") else key
    return key


def _fmt(v, kind, places=None):
    if v is None:
        return "—"
    return f"{statistics.fmt_rate(v, places)}%" if kind == "rate" else str(v)


def _fmt_change(v, kind):
    if v is None:
        return "—"
    if kind == "rate":
        return _("持平") if abs(v) < 0.05 else _("%(v)s个百分点") % {"v": f"{'+' if v > 0 else ''}{v:.1f}"}
    return _("持平") if abs(v) < 0.05 else f"{'+' if v > 0 else ''}{v:.1f}%"


def stats_context(request):
    start, end = _period(request)
    by = request.GET.get("by") if request.GET.get("by") in dict(BY_CHOICES) else "category"
    jur = None
    code = request.GET.get("jurisdiction", "").strip()
    if code:
        from envbureau.core import pickers

        jur = pickers.get("jurisdiction").resolve(request.user, code)  # a code, or a name typed in the picker
        if jur is None:  # not silently the whole city
            from envbureau.core.params import BadParameter

            raise BadParameter("jurisdiction", _("未知的区划代码: %(v)s") % {"v": code[:40]})
    category = request.GET.get("category", "") if request.GET.get("category") in Category.values else ""
    channel = request.GET.get("channel", "") if request.GET.get("channel") in Channel.values else ""
    places = decimals_param(request.GET)
    rep = statistics.report(request.user, start=start, end=end, jurisdiction=jur, category=category,
                            channel=channel, by=by)
    rows = []
    for r in rep["rows"]:
        rows.append({"label": _label_for(by, r["key"]), "received": r["cur"]["received"],
                     "cells": [(_fmt(r["cur"][k], kind, places), _fmt_change(r["yoy"][k], kind))
                               for k, _l, kind in STAT_COLUMNS]})
    total = [(_fmt(rep["total"][k], kind, places), _fmt_change(rep["yoy"][k], kind),
              _fmt(rep["prev"][k], kind, places)) for k, _l, kind in STAT_COLUMNS]
    if by == "month":
        rows.sort(key=lambda r: r["label"])
    t = rep["total"]
    sentence = _("%(a)s至%(b)s,共受理各类环境信访举报投诉%(n)d件,同比%(chg)s;办结率%(cr)s,调处率%(rr)s,满意率%(sr)s;"
                 "重复件%(rep)d件,不属实%(un)d件。") % {
        "a": _month_text(start), "b": _month_text(end), "n": t["received"],
        "chg": _fmt_change(rep["yoy"]["received"], "count"), "cr": _fmt(t["completion_rate"], "rate", places),
        "rr": _fmt(t["resolution_rate"], "rate", places), "sr": _fmt(t["satisfaction_rate"], "rate", places),
        "rep": t["repeats"], "un": t["unsubstantiated"]}
    batch = request.GET.get("batch", "").strip()[:120]
    ov = statistics.oversight(request.user, start=start, end=end, jurisdiction=jur, batch=batch, places=places)
    by_label = str(dict(BY_CHOICES)[by])
    chart = {  # described here, drawn by charts.js: title, axis names and units in the reader's language
        "title": {"text": _("收件数(按%(by)s)") % {"by": by_label}, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"}, "grid": {"left": 50, "right": 60, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "name": by_label, "data": [str(r["label"]) for r in rows],
                  "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": _("收件数(件)"), "minInterval": 1},
        "series": [{"type": "bar", "name": _("收件数"), "data": [r["received"] for r in rows]}]}
    return {"start": start, "end": end, "by": by, "rows": rows, "total": total, "report": rep, "chart": chart,
            "oversight": ov, "oversight_sentence": statistics.oversight_sentence(ov), "batch": batch,
            "decimals": places,
            "columns": [str(label) for _k, label, _kind in STAT_COLUMNS], "sentence": sentence,
            "jurisdiction": jur, "category": category, "channel": channel}


@login_required
def stats(request):
    _need(request.user, "complaints.view")
    ctx = stats_context(request)
    if request.GET.get("export") == "xlsx":
        header = [dict(BY_CHOICES)[ctx["by"]]]
        for label in ctx["columns"]:
            header += [label, f"{label}同比"]
        rows = [[r["label"], *[x for cell in r["cells"] for x in cell]] for r in ctx["rows"]]
        rows.append([_("合计"), *[x for cell in ctx["total"] for x in cell[:2]]])
        ov = ctx["oversight"]
        ov_rows = [[r["batch"], r["first"], r["received"], r["investigated"], r["completed"], r["completion_rate"],
                    r["key"]] for r in ov["by_batch"]]
        ov_rows.append([_("合计(%(n)d批次)") % {"n": ov["batches"]}, "", ov["received"], ov["investigated"],
                        ov["completed"], ov["completion_rate_text"], ov["key"]])
        ov_rows.append([ctx["oversight_sentence"]])
        return xlsx_response("信访投诉统计.xlsx", [("统计", header, rows), (_("督察交办"), [
            _("督察批次"), _("首件收件日期"), _("交办件数"), _("完成调查处理"), _("办结"), _("办结率(%)"), _("重点件")], ov_rows),
            ("说明", ["说明"], [[ctx["sentence"]],
                             [_("比率同比以个百分点计,件数同比以%计;办结率=办结/受理,调处率=经调查核实并办结/受理,"
                                "满意率=(满意+基本满意)/回访,属实率=(属实+部分属实)/已核实。")]])], request=request)
    params = request.GET.copy()
    params.pop("export", None)
    ctx.update({"title": _("信访投诉统计"), "by_choices": BY_CHOICES, "categories": Category.choices,
                "channels": Channel.choices, "query": params.urlencode(),
                "start_s": ctx["start"].strftime("%Y-%m"), "end_s": ctx["end"].strftime("%Y-%m")})
    return render(request, "complaints/stats.html", ctx)


@login_required
def hotspots(request):
    _need(request.user, "complaints.view")
    start, end = _period(request)
    if not request.GET.get("start") and not request.GET.get("year"):
        # Hot spots are about what is happening now: the last three months unless a period is chosen.
        end = timezone.localdate().replace(day=1)
        start = (end - dt.timedelta(days=62)).replace(day=1)
    from .filters import _day_start

    qs = services.scoped(request.user, "view").filter(
        received_at__gte=_day_start(start), received_at__lt=_day_start(statistics.next_month(end)))
    category = request.GET.get("category", "")
    if category in Category.values:
        qs = qs.filter(category=category)
    places = list(qs.exclude(location="").values("location", "jurisdiction__name").order_by()
                  .annotate(n=Count("id"), last=Max("received_at")).order_by("-n")[:20])
    enterprises = list(qs.exclude(enterprise_name="").values("enterprise_name", "enterprise_id").order_by()
                       .annotate(n=Count("id"), repeats=Count("id", filter=Q(is_repeat=True))).order_by("-n")[:20])
    streets = list(qs.values("jurisdiction__name").order_by().annotate(n=Count("id")).order_by("-n")[:20])
    pts = list(qs.exclude(lon__isnull=True).values_list("lon", "lat", "category").order_by("-received_at")[:5000])
    series = {}
    for lon, lat, cat in pts:
        series.setdefault(cat, []).append([lon, lat])
    cat_names = dict(Category.choices)
    return render(request, "complaints/hotspots.html", {
        "title": _("信访热点"), "places": places, "enterprises": enterprises, "streets": streets,
        "series_json": json.dumps([{"name": str(cat_names.get(k, k)), "data": v} for k, v in series.items()],
                                  ensure_ascii=False),
        "start_s": start.strftime("%Y-%m"), "end_s": end.strftime("%Y-%m"), "category": category,
        "categories": Category.choices, "boundaries": routing.boundaries_configured(),
    })


def home_card(request):
    user = request.user
    if not user.is_authenticated or not has_perm(user, "complaints.view"):
        return None
    qs = services.scoped(user, "view")
    today = timezone.localdate()
    open_n = qs.filter(state__in=["registered", "accepted", "assigned", "investigated", "reviewing"]).count()
    overdue = ComplaintFilter({"overdue": True}, queryset=qs).qs.count()
    return {"title": _("在办信访投诉"), "value": open_n, "url": reverse("complaints:list") + "?open=true",
            "note": _("超期 %(n)d 件") % {"n": overdue} if overdue else _("无超期件"), "date": today}


STATE_LABELS = dict(State.choices)
