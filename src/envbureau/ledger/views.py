"""Pages of the problem ledger. Every query is scoped; every change goes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from envbureau.core import audit
from envbureau.core.audit import history
from envbureau.core.excel import XLSX, xlsx_response
from envbureau.core.params import decimals_param
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, restrict

from . import exports, services, stats
from .choices import CLOSED_STATES, STATE_COLOURS, TRANSITIONS, Category, Source, State, Verb
from .filters import ProblemFilter, StatsFilter
from .forms import ProblemForm, TransitionForm
from .models import Attachment, Problem, SignOff, overdue_q


def _labels(choices) -> dict:
    return {k: str(v) for k, v in choices.choices}


def _require(user, perm):
    if not has_perm(user, perm):
        raise PermissionDenied


def _filtered(request, filterset=ProblemFilter):
    qs = restrict(Problem.objects.all(), request.user, "view")
    f = filterset(request.GET or None, queryset=qs, request=request)
    return f, (f.qs if f.is_bound else qs)


def id_page(qs, number, per_page: int = 50):
    """Paginate on ids first (count and offset walk a covering index), then load only that page's rows."""
    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = Problem.objects.select_related("jurisdiction").in_bulk(ids)
    page.object_list = [rows[i] for i in ids if i in rows]
    return page


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
    return ";".join(exc.messages)


def _query(request):
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return params.urlencode()


@login_required
def problem_list(request):
    _require(request.user, "ledger.view")
    f, qs = _filtered(request)
    export = request.GET.get("export")
    if export == "xlsx":
        header = [_("问题编号"), _("来源"), _("批次"), _("类型"), _("问题标题"), _("属地"), _("责任单位"),
                  _("交办日期"), _("整改时限"), _("状态"), _("逾期")]
        today = timezone.localdate()
        rows = [[p.code, p.get_source_display(), p.batch, p.get_category_display(), p.shown_title, p.jurisdiction.name,
                 "、".join(p.responsible_units), p.received_on, p.deadline or "", p.get_state_display(),
                 _("是") if p.is_overdue(today) else _("否")]
                for p in qs.select_related("jurisdiction")[:100000]]
        return xlsx_response("问题台账.xlsx", [(_("问题台账"), header, rows)], request=request)
    if export in ("tasks", "closure"):
        name = _("整改任务清单") if export == "tasks" else _("督察销号汇总表")
        from envbureau.core.excel import export_title, scope_words

        heading = export_title(name, scope=scope_words(request.user))
        resp = HttpResponse(exports.ledger_workbook(qs, export, heading=heading), content_type=XLSX)
        from urllib.parse import quote

        resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.xlsx')}"
        return resp
    page = id_page(qs, request.GET.get("page"))
    today = timezone.localdate()
    # Labels resolved once per page: get_FOO_display per cell dominated the render time at scale.
    src, cat = _labels(Source), _labels(Category)
    st = _labels(State)
    rows = [{"p": p, "source": src.get(p.source, p.source), "category": cat.get(p.category, p.category),
             "state": st.get(p.state, p.state), "colour": STATE_COLOURS.get(p.state, "secondary"),
             "overdue": p.is_overdue(today)} for p in page.object_list]
    return render(request, "ledger/problem_list.html", {
        "title": _("问题台账"), "page": page, "rows": rows, "filterset": f, "query": _query(request),
        "can_add": has_perm(request.user, "ledger.add") or has_perm(request.user, "ledger.change"),
        "can_import": has_perm(request.user, "ledger.add") or has_perm(request.user, "ledger.change"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def problem_form(request, pk=None):
    problem = None
    if pk is not None:
        problem = get_scoped_object(Problem, request.user, "change", pk=pk)
    elif not (has_perm(request.user, "ledger.add") or has_perm(request.user, "ledger.change")):
        raise PermissionDenied
    form = ProblemForm(request.POST or None, request.FILES or None, instance=problem, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.PROBLEM_FIELDS}
        try:
            if problem is None:
                problem = services.create_problem(request.user, files=form.cleaned_data.get("files") or [], **data)
                messages.success(request, _("已登记问题 %(c)s") % {"c": problem.code})
            else:
                services.update_problem(request.user, Problem.objects.get(pk=problem.pk), **data)
                messages.success(request, _("已保存"))
            return redirect("ledger:problem-detail", pk=problem.pk)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("超出您的权限范围"))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "ledger/problem_form.html", {"form": form, "obj": problem,
                                                         "title": _("编辑问题") if problem else _("登记问题")},
                  status=400 if request.method == "POST" else 200)


@login_required
def problem_detail(request, pk):
    problem = get_scoped_object(Problem.objects.select_related("jurisdiction", "current_step"), request.user,
                                "view", pk=pk)
    steps = services.applicable_steps(problem)
    signed = {s.step_id: s for s in SignOff.objects.filter(problem=problem, round=problem.closure_round)
              .select_related("signed_by")}
    chain = [{"step": s, "signed": signed.get(s.id)} for s in steps] if problem.closure_round else []
    return render(request, "ledger/problem_detail.html", {
        "title": problem.code, "p": problem, "chain": chain,
        "actions": services.allowed_transitions(request.user, problem),
        "can_edit": services._allowed(request.user, problem, "ledger.change"),
        "overdue": problem.is_overdue(), "attachments": problem.attachments.filter(event__isnull=True),
        "history": history(problem)[:50] if has_perm(request.user, "audit.view") else None,
        "pending": services.pending_step(problem) if problem.state == "closure_requested" else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def problem_action(request, pk, verb):
    problem = get_scoped_object(Problem.objects.select_related("jurisdiction"), request.user, "view", pk=pk)
    t = TRANSITIONS.get(verb)
    if t is None:
        from django.http import Http404

        raise Http404
    form = TransitionForm(request.POST or None, request.FILES or None, verb=verb)
    if request.method == "GET":
        try:
            services.check_transition(request.user, problem, verb)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect("ledger:problem-detail", pk=pk)
        if verb == Verb.NOTICE:
            form.initial["public_summary"] = problem.public_summary or problem.progress
        if verb == Verb.ASSIGN:
            form.initial.update(responsible_units=problem.responsible_units, deadline=problem.deadline,
                                responsible_person=problem.responsible_person,
                                responsible_phone=problem.responsible_phone)
        return render(request, "ledger/problem_action.html", {"form": form, "p": problem, "t": t,
                                                               "title": str(t.label)})
    if form.is_valid():
        try:
            services.apply(request.user, problem, verb, **form.verb_kwargs(verb))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return render(request, "ledger/problem_action.html", {"form": form, "p": problem, "t": t,
                                                                   "title": str(t.label)}, status=400)
        messages.success(request, _("已完成“%(a)s”") % {"a": t.label})
        return redirect("ledger:problem-detail", pk=pk)
    return render(request, "ledger/problem_action.html", {"form": form, "p": problem, "t": t,
                                                           "title": str(t.label)}, status=400)


@login_required
def attachment_download(request, pk):
    att = get_scoped_object(Attachment.objects.select_related("problem"), request.user, "view", pk=pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


@login_required
def statistics(request):
    _require(request.user, "ledger.view")
    f, qs = _filtered(request, StatsFilter)
    today = timezone.localdate()
    if request.GET.get("part") == "batch":  # the batch table loads after the page (one more scan)
        rows = stats.by_batch(qs, today, places=decimals_param(request.GET))
        return render(request, "ledger/_stat_table.html", {"caption": _("按批次"), "rows": rows,
                                                           "batch": True})
    if request.GET.get("part") == "unit":  # like the batch table: after the page
        places = decimals_param(request.GET)
        return render(request, "ledger/_unit_table.html", {
            "by_unit": stats.by_unit(qs, places)[:30], "e": stats.enterprises(qs),
            "done_rate": stats.summary(qs, today, places=places)["done_rate"]})
    export = request.GET.get("export") == "xlsx"
    places = decimals_param(request.GET)
    ov = stats.overview(qs, today, batches=export, places=places, units=export)
    summary, by_source, by_category = ov["summary"], ov["by_source"], ov["by_category"]
    by_district, by_batch = ov["by_district"], ov.get("by_batch", [])
    if export:
        head = [_("分组"), _("问题总数"), _("完成整改"), _("已销号"), _("销号率(%)"), _("正在整改"), _("逾期"), _("需长期坚持")]

        def rows(items, key):
            return [[r[key], r["total"], r["done"], r["closed"], r["closure_rate"], r["in_progress"], r["overdue"],
                     r["long_term"]] for r in items]
        total = [[_("合计"), summary["total"], summary["done"], summary["closed"], summary["closure_rate"],
                  summary["in_progress"], summary["overdue"], summary["long_term"]]]
        return xlsx_response("整改统计.xlsx", [
            (_("合计"), head, total + [[stats.sentence(summary)]]),
            (_("按来源"), head, rows(by_source, "label")), (_("按类型"), head, rows(by_category, "label")),
            (_("按属地"), head, rows(by_district, "name")), (_("按批次"), head, rows(by_batch, "label")),
            (_("按责任单位"), [_("责任单位"), _("主办(牵头)"), _("主办完成整改"), _("主办已销号"), _("主办销号率(%)"),
                             _("协办(配合)"), _("协办完成整改"), _("协办已销号"), _("协办销号率(%)")],
             [[r["unit"], r["lead"], r["lead_done"], r["lead_closed"], r["lead_closure_rate"], r["assist"],
               r["assist_done"], r["assist_closed"], r["assist_closure_rate"]] for r in ov["by_unit"]]),
        ], request=request)
    chart = {  # described here, drawn by charts.js: title, axis names and units in the reader's language
        "title": {"text": _("各属地整改情况"), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"}, "legend": {"top": 24}, "grid": {"left": 50, "right": 50, "top": 80, "bottom": 60},
        "xAxis": {"type": "category", "name": _("属地"), "data": [r["name"] for r in by_district],
                  "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "name": _("问题数(个)"), "minInterval": 1},
        "series": [{"name": _("已销号"), "type": "bar", "data": [r["closed"] for r in by_district], "color": "#198754"},
                   {"name": _("正在整改"), "type": "bar", "data": [r["in_progress"] for r in by_district],
                    "color": "#0d6efd"},
                   {"name": _("逾期"), "type": "bar", "data": [r["overdue"] for r in by_district], "color": "#dc3545"}]}
    return render(request, "ledger/statistics.html", {
        "title": _("整改统计"), "filterset": f, "s": summary, "sentence": stats.sentence(summary),
        "by_source": by_source, "by_category": by_category, "by_district": by_district, "by_batch": by_batch,
        "chart": chart, "decimals": places, "query": _query(request),
    })


def _my_ledger_notifications(user):
    """The user's core notifications about problems (the ledger's view of the one inbox)."""
    from envbureau.core.models import Notification

    return Notification.objects.filter(recipient=user, model="ledger.problem")


@login_required
def inbox(request):
    from .choices import NotificationKind

    qs = _my_ledger_notifications(request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    kinds = {**dict(NotificationKind.choices), "task": _("待办")}
    from envbureau.core.notify import worded

    worded(page)  # each in the reader's language (n.text)
    for n in page:
        n.kind_label = kinds.get(n.kind, n.kind)
    return render(request, "ledger/inbox.html", {"title": _("我的提醒"), "page": page, "query": _query(request),
                                                 "unread": _my_ledger_notifications(request.user).filter(
                                                     read_at__isnull=True).count()})


@login_required
@require_POST
def inbox_read(request):
    qs = _my_ledger_notifications(request.user).filter(read_at__isnull=True)
    if request.POST.get("id"):
        qs = qs.filter(pk=request.POST["id"])
    with transaction.atomic():
        ids, now = list(qs.values_list("pk", flat=True)), timezone.now()
        n = qs.filter(pk__in=ids).update(read_at=now)
        audit.record_batch("update", "core.notification", ids, {"read_at": [None, now]})
    messages.info(request, _("已标记 %(n)d 条为已读") % {"n": n})
    return redirect(reverse("ledger:inbox"))


def home_card(request):
    user = request.user
    if not has_perm(user, "ledger.view"):
        return None
    qs = restrict(Problem.objects.all(), user, "view").order_by()
    # Three indexed counts (the home page must stay light), not the statistics scan.
    total = qs.count()
    closed = qs.filter(state__in=CLOSED_STATES).count()
    overdue = qs.filter(overdue_q()).count()
    return {"title": _("问题台账"), "value": f"{closed}/{total}",
            # no problem yet: no rate to give ("销号率—%" read as a broken number)
            "note": (_("已销号/总数,销号率%(r)s%%,逾期%(o)d个") % {"r": stats.pct(closed, total), "o": overdue} if total
                     else _("已销号/总数,暂无问题")),
            "url": reverse("ledger:problem-list")}
