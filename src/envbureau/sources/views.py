"""Pages of the sources app: dossier, monitoring board, point charts, alarms, declarations,
unknown MNs and the gateway figures.  Every query goes through core scoping; every change through
services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from envbureau.core.audit import history
from envbureau.core.counting import count_upto
from envbureau.core.excel import xlsx_response
from envbureau.core.generic import preselect_only_choice
from envbureau.core.humanize import ref_label
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import get_scoped_object, restrict

from . import services
from .choices import (
    ALARM_COLOURS,
    DECLARATION_COLOURS,
    ONLINE_COLOURS,
    AlarmStatus,
    DeclarationStatus,
    OnlineStatus,
    factor_label,
    factor_unit,
)
from .filters import AlarmFilter, DeclarationFilter
from .forms import BindForm, DeclarationForm, NoteForm
from .models import (
    Alarm,
    Declaration,
    Enterprise,
    MonitoringPoint,
    Outlet,
    PointDaily,
    PointHourly,
    PollutantLimit,
    UnknownMN,
)


def _need(user, perm):
    if not has_perm(user, perm):
        raise PermissionDenied




def home_card(request):
    user = request.user
    if not user.is_authenticated or not has_perm(user, "sources.view"):
        return None
    n = restrict(Alarm.objects.filter(status=AlarmStatus.OPEN), user, "view").count()
    return {"title": _("待处理在线监控报警"), "value": n, "url": reverse("sources:alarm-list") + "?status=open",
            "note": _("超标、缺失、恒值、设备状态")}


def points_card(request):
    """An enterprise user's first screen: their own monitoring points and how many are online now."""
    from envbureau.core.permissions import grants_for

    user = request.user
    ent_ids = {g.enterprise_id for g in grants_for(user) if g.enterprise_id is not None}
    if len(ent_ids) != 1 or not has_perm(user, "sources.view"):
        return None
    points = list(restrict(MonitoringPoint.objects.filter(enterprise_id=next(iter(ent_ids))), user, "view"))
    live = services.live_alarm_point_ids([p.pk for p in points])
    now = timezone.now()
    states = [services.online_status(p, now, live) for p in points]
    return {"title": _("本企业监测点位"), "value": len(points), "icon": "broadcast",
            "url": reverse("sources:dossier", args=[next(iter(ent_ids))]),
            "note": _("在线 %(on)d,报警 %(al)d,离线 %(off)d") % {
                "on": states.count(OnlineStatus.ONLINE), "al": states.count(OnlineStatus.ALARM),
                "off": states.count(OnlineStatus.OFFLINE)}}


# ---------------------------------------------------------------- dossier

@login_required
def dossier(request, pk):
    _need(request.user, "sources.view")
    ent = get_scoped_object(Enterprise.objects.select_related("jurisdiction"), request.user, "view", pk=pk)
    now = timezone.now()
    points = list(MonitoringPoint.objects.filter(enterprise=ent).select_related("outlet").order_by("outlet__code", "mn"))
    live = services.live_alarm_point_ids([p.pk for p in points])
    limits = {}
    for lim in PollutantLimit.objects.filter(point__in=points):
        limits.setdefault(lim.point_id, []).append(lim)
    # where each limit comes from: the permit that owns it (linked when the reader may open it), else its standard
    owners = services.limit_owners(request.user, {lim.source_ref for ls in limits.values() for lim in ls})
    point_rows = []
    for p in points:
        status = services.online_status(p, now, live)
        latest = []
        for lim in limits.get(p.pk, []):
            item = (p.latest or {}).get(lim.factor) or {}
            v = item.get("zs") if lim.on_converted else item.get("v")
            latest.append({"factor": lim.factor, "label": factor_label(lim.factor), "value": v, "limit": lim,
                           "over": lim.breached(v) if v is not None else False, "time": item.get("t", "")[:16],
                           "source": owners.get(lim.source_ref) or {"label": lim.standard, "url": ""}})
        point_rows.append({"p": p, "status": status, "status_label": OnlineStatus(status).label,
                           "colour": ONLINE_COLOURS[status], "latest": latest})
    alarms = restrict(Alarm.objects.filter(enterprise=ent), request.user, "view").select_related("point")[:20]
    decls = restrict(Declaration.objects.filter(enterprise=ent), request.user, "view")[:10]
    return render(request, "sources/dossier.html", {
        "ent": ent, "outlets": Outlet.objects.filter(enterprise=ent), "points": point_rows, "alarms": alarms,
        "alarm_colours": ALARM_COLOURS, "decls": decls, "timeline": services.dossier_timeline(request.user, ent, 50),
        "badges": services.dossier_badges(request.user, ent),
        "can_edit": has_perm(request.user, "sources.change"), "can_declare": has_perm(request.user, "sources.declare"),
        "history": history(ent)[:20] if has_perm(request.user, "audit.view") else None,
    })


# ---------------------------------------------------------------- board

@login_required
def board(request):
    _need(request.user, "sources.view")
    from envbureau.core.scoping import allowed_jurisdictions

    now = timezone.now()
    qs = restrict(MonitoringPoint.objects.select_related("enterprise", "enterprise__jurisdiction", "outlet"),
                  request.user, "view")
    # District filter: the districts of the user's own area, picked by name from the tree
    districts = list(allowed_jurisdictions(request.user, "sources", "view").filter(level="district")
                     .order_by("sort_order", "code"))
    district = next((d for d in districts if str(d.pk) == request.GET.get("district", "")), None)
    if district is not None:
        qs = qs.filter(enterprise__jurisdiction__path__startswith=district.path)
    points = list(qs.order_by("enterprise__jurisdiction__path", "enterprise__name", "mn"))
    live = services.live_alarm_point_ids([p.pk for p in points])
    open_counts = dict(Alarm.objects.filter(point__in=points, status=AlarmStatus.OPEN)
                       .values_list("point").annotate(n=Count("id")))
    rows, totals = [], {s: 0 for s in OnlineStatus.values}
    want = request.GET.get("status")
    for p in points:
        s = services.online_status(p, now, live)
        totals[s] += 1
        if want and s != want:
            continue
        rows.append({"p": p, "status": s, "label": OnlineStatus(s).label, "colour": ONLINE_COLOURS[s],
                     "open_alarms": open_counts.get(p.pk, 0)})
    if request.GET.get("format") == "json":
        return JsonResponse({"totals": totals, "points": [
            {"id": r["p"].pk, "mn": r["p"].mn, "name": r["p"].name, "enterprise": r["p"].enterprise.name,
             "status": r["status"], "last_data_at": r["p"].last_data_at, "lon": r["p"].enterprise.longitude,
             "lat": r["p"].enterprise.latitude} for r in rows]})
    if request.GET.get("export") == "xlsx":
        header = [_("企业"), _("属地"), _("排放口"), _("监测点"), "MN", _("状态"), _("最近数据时间"), _("待处理报警")]
        data = [[r["p"].enterprise.name, r["p"].enterprise.jurisdiction.name, r["p"].outlet.name, r["p"].name, r["p"].mn,
                 r["label"], r["p"].last_data_at, r["open_alarms"]] for r in rows]
        return xlsx_response(_("在线监控状态.xlsx"), [(_("在线监控状态"), header, data)], request=request)
    return render(request, "sources/board.html", {
        "rows": rows, "totals": [(s, OnlineStatus(s).label, ONLINE_COLOURS[s], totals[s]) for s in OnlineStatus.values],
        "want": want, "now": now, "districts": districts, "district": district,
        "filter_query": f"district={district.pk}&" if district else ""})


# ---------------------------------------------------------------- point page and series

@login_required
def point_page(request, pk):
    _need(request.user, "sources.view")
    p = get_scoped_object(MonitoringPoint.objects.select_related("enterprise", "outlet"), request.user, "view", pk=pk)
    limits = list(p.limits.all())
    latest_data = p.latest or {}
    limited = {lim.factor for lim in limits}
    # Opens on a factor with data, a limited (main) pollutant first; then the rest by code.
    factors = sorted(limited | set(latest_data), key=lambda f: (f not in latest_data, f not in limited, f))
    by_factor = {}
    for lim in limits:
        if lim.period == "hour" or lim.factor not in by_factor:
            by_factor[lim.factor] = lim
    latest = []
    for f in factors:
        item = latest_data.get(f) or {}
        lim = by_factor.get(f)
        v = item.get("zs") if lim is not None and lim.on_converted and item.get("zs") is not None else item.get("v")
        latest.append({"label": factor_label(f), "value": v, "unit": (lim.unit if lim and lim.unit else factor_unit(f)),
                       "limit": lim, "over": lim.breached(v) if lim is not None and v is not None else False,
                       "time": item.get("t", "")[:16]})
    now = timezone.now()
    status = services.online_status(p, now, services.live_alarm_point_ids([p.pk]))
    return render(request, "sources/point.html", {
        "p": p, "limits": limits, "factors": [(f, factor_label(f)) for f in factors], "latest": latest,
        "status_label": OnlineStatus(status).label, "colour": ONLINE_COLOURS[status],
        "alarms": restrict(Alarm.objects.filter(point=p), request.user, "view")[:20], "alarm_colours": ALARM_COLOURS,
        "can_edit": has_perm(request.user, "sources.change"),
        "history": history(p)[:20] if has_perm(request.user, "audit.view") else None,
    })


def _parse_range(request, default_days):
    now = timezone.now()
    try:
        days = float(request.GET.get("days") or default_days)
    except ValueError:
        days = default_days
    days = min(max(days, 1 / 24), 366 * 5)
    end = now
    if request.GET.get("end"):
        try:
            end = timezone.make_aware(dt.datetime.fromisoformat(request.GET["end"]))
        except ValueError:
            pass
    return end - dt.timedelta(days=days), end


@login_required
def point_series(request, pk):
    """JSON for the charts: hour/day from the database, rtd/minute from the gateway's store."""
    _need(request.user, "sources.view")
    p = get_scoped_object(MonitoringPoint, request.user, "view", pk=pk)
    kind = request.GET.get("kind", "hour")
    factor = request.GET.get("factor") or ""
    limits = [{"period": lim.period, "limit": lim.limit_value, "lower": lim.lower_limit, "converted": lim.on_converted,
               "unit": lim.unit} for lim in p.limits.filter(factor=factor)]
    converted = any(lim["converted"] for lim in limits)
    unit = next((lim["unit"] for lim in limits if lim["unit"]), "") or factor_unit(factor)
    out = {"mn": p.mn, "factor": factor, "label": factor_label(factor), "unit": unit, "kind": kind, "limits": limits,
           "converted": converted, "points": [], "declared": []}
    if kind in ("hour", "day"):
        start, end = _parse_range(request, 7 if kind == "hour" else 90)
        if kind == "hour":
            qs = PointHourly.objects.filter(point=p, factor=factor, hour__gte=start, hour__lt=end).order_by("hour")
            rows = qs.values_list("hour", "avg", "zs_avg", "flag", "declared")
        else:
            qs = PointDaily.objects.filter(point=p, factor=factor, day__gte=timezone.localtime(start).date(),
                                           day__lte=timezone.localtime(end).date()).order_by("day")
            rows = qs.values_list("day", "avg", "zs_avg", "flag", "declared")
        for t, avg, zs, flag, declared in rows:
            ts = timezone.localtime(t).strftime("%Y-%m-%d %H:%M") if kind == "hour" else t.isoformat()
            out["points"].append([ts, avg, zs, flag, declared])
    elif kind in ("minute", "rtd"):
        start, end = _parse_range(request, 1)
        try:
            from django.conf import settings

            from envbureau.gateway.query import read_series

            df = read_series(p.mn, kind, start, end, factors=[factor],
                             data_dir=settings.ENVBUREAU["DATA_DIR"])
        except ImportError:
            out["error"] = _("数据网关模块不可用")
            return JsonResponse(out)
        except Exception as exc:  # a missing store must not break the page
            out["error"] = str(exc)[:200]
            return JsonResponse(out)
        main = "Rtd" if kind == "rtd" else "Avg"
        zs_field = "Zs" + main
        by_ts: dict = {}
        for ts, fld, value, flag in df.select(["ts", "field", "value", "flag"]).iter_rows():
            row = by_ts.setdefault(ts, [None, None, flag])
            if fld == main:
                row[0] = value
            elif fld == zs_field:
                row[1] = value
        for ts in sorted(by_ts):
            v, zs, flag = by_ts[ts]
            out["points"].append([timezone.localtime(ts).strftime("%Y-%m-%d %H:%M:%S"), v, zs, flag, False])
    return JsonResponse(out)


# ---------------------------------------------------------------- alarms

def _alarm_qs(request):
    qs = restrict(Alarm.objects.select_related("point", "enterprise", "enterprise__jurisdiction"), request.user, "view")
    f = AlarmFilter(request.GET, queryset=qs, request=request)
    qs = f.qs
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(point__mn__icontains=q) | Q(message__icontains=q))
    return f, qs, q


@login_required
def alarm_list(request):
    _need(request.user, "sources.view")
    f, qs, q = _alarm_qs(request)
    if request.GET.get("export") == "xlsx":
        header = [_("开始时间"), _("最近出现"), _("结束时间"), _("企业"), _("属地"), _("监测点"), "MN", _("类型"), _("因子"),
                  _("监测值"), _("限值"), _("折算"), _("说明"), _("次数"), _("持续中"), _("已申报"), _("状态"), _("处理说明")]
        rows = [[a.started_at, a.last_seen_at, a.ended_at, a.enterprise.name, a.enterprise.jurisdiction.name, a.point.name,
                 a.point.mn, a.get_kind_display(), factor_label(a.factor) if a.factor else "", a.value, a.limit_value,
                 _("是") if a.on_converted else "", a.text, a.occurrences, _("是") if a.active else _("否"),
                 _("是") if a.declared else _("否"), a.get_status_display(), a.note] for a in qs[:100000]]
        return xlsx_response(_("在线监控报警.xlsx"), [(_("报警"), header, rows)], request=request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "sources/alarm_list.html", {
        "page": page, "filterset": f, "q": q, "query": params.urlencode(), "colours": ALARM_COLOURS,
        "factor_label": factor_label})


@login_required
def alarm_detail(request, pk):
    _need(request.user, "sources.view")
    alarm = get_scoped_object(Alarm.objects.select_related("point", "enterprise"), request.user, "view", pk=pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "ack":
                services.acknowledge_alarm(request.user, alarm.pk, request.POST.get("note", ""))
                messages.success(request, _("已确认"))
            elif action == "close":
                services.close_alarm(request.user, alarm.pk, request.POST.get("note", ""))
                messages.success(request, _("已关闭"))
            elif action == "problem":
                ref = services.alarm_to_problem(request.user, alarm.pk)
                messages.success(request, _("已转为问题 %(r)s") % {"r": ref_label(ref)})
            return redirect("sources:alarm-detail", pk=alarm.pk)
        except ValidationError as e:
            for m in e.messages:
                messages.error(request, m)
    return render(request, "sources/alarm_detail.html", {
        "a": alarm, "form": form, "colours": ALARM_COLOURS, "factor": factor_label(alarm.factor) if alarm.factor else "",
        "unit": factor_unit(alarm.factor) if alarm.factor else "",
        "can_ack": services.may(request.user, "ack_alarm") and alarm.status == AlarmStatus.OPEN,
        "can_close": services.may(request.user, "close_alarm") and alarm.status != AlarmStatus.CLOSED,
        "can_problem": services.may(request.user, "close_alarm") and not alarm.problem_ref,
        "history": history(alarm)[:30] if has_perm(request.user, "audit.view") else None,
        "follow_ups": services.follow_ups(request.user, alarm),
    })


# ---------------------------------------------------------------- declarations

@login_required
def declaration_list(request):
    _need(request.user, "sources.view")
    qs = restrict(Declaration.objects.select_related("enterprise", "point"), request.user, "view")
    f = DeclarationFilter(request.GET, queryset=qs, request=request)
    qs = f.qs
    if request.GET.get("export") == "xlsx":
        header = [_("企业"), _("监测点"), _("因子"), _("类型"), _("开始"), _("结束"), _("原因"), _("状态"), _("审核意见")]
        rows = [[d.enterprise.name, d.point.name if d.point else _("全部"), d.factor or _("全部"), d.get_kind_display(),
                 d.start, d.end, d.reason, d.get_status_display(), d.review_note] for d in qs]
        return xlsx_response(_("异常申报.xlsx"), [(_("异常申报"), header, rows)], request=request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "sources/declaration_list.html", {
        "page": page, "filterset": f, "query": params.urlencode(), "colours": DECLARATION_COLOURS,
        "can_declare": has_perm(request.user, "sources.declare")})


@login_required
def declaration_add(request):
    _need(request.user, "sources.declare")
    enterprises = restrict(Enterprise.objects.all(), request.user, "declare")
    points = restrict(MonitoringPoint.objects.all(), request.user, "declare")
    initial = {}
    if request.GET.get("enterprise"):
        initial["enterprise"] = request.GET["enterprise"]
    if request.GET.get("point"):
        initial["point"] = request.GET["point"]
    form = DeclarationForm(request.POST or None, request.FILES or None, enterprises=enterprises, points=points,
                           initial=initial)
    preselect_only_choice(form)  # an enterprise user's own enterprise (and point, when it has one)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decl = services.submit_declaration(request.user, enterprise=d["enterprise"], point=d.get("point"),
                                               factor=d.get("factor") or "", kind=d["kind"], start=d["start"],
                                               end=d["end"], reason=d["reason"], attachment=d.get("attachment"))
        except ValidationError as e:
            for field, errs in getattr(e, "message_dict", {None: e.messages}).items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, _("申报已提交,等待审核"))
            return redirect("sources:declaration-detail", pk=decl.pk)
    return render(request, "sources/declaration_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
def declaration_detail(request, pk):
    _need(request.user, "sources.view")
    decl = get_scoped_object(Declaration.objects.select_related("enterprise", "point"), request.user, "view", pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        note = request.POST.get("note", "")
        try:
            if action == "approve":
                services.approve_declaration(request.user, decl.pk, note)
                messages.success(request, _("已通过"))
            elif action == "reject":
                services.reject_declaration(request.user, decl.pk, note)
                messages.success(request, _("已驳回"))
            elif action == "withdraw":
                services.withdraw_declaration(request.user, decl.pk)
                messages.success(request, _("已撤回"))
            return redirect("sources:declaration-detail", pk=decl.pk)
        except ValidationError as e:
            for m in e.messages:
                messages.error(request, m)
    pending = decl.status == DeclarationStatus.PENDING
    return render(request, "sources/declaration_detail.html", {
        "d": decl, "colours": DECLARATION_COLOURS, "form": NoteForm(),
        "can_review": pending and services.may(request.user, "approve_declaration"),
        "can_withdraw": pending and has_perm(request.user, "sources.declare"),
        "alarms": decl.alarms.all()[:50],
        "history": history(decl)[:20] if has_perm(request.user, "audit.view") else None,
    })


# ---------------------------------------------------------------- unknown MNs

def _sync_unknown_from_gateway():
    """Fold the gateway's per-MN counters (stats.json) into UnknownMN rows."""
    try:
        from django.conf import settings

        from envbureau.gateway.stats import read_stats

        doc = read_stats(settings.ENVBUREAU["DATA_DIR"])
    except Exception:
        return
    known = set(MonitoringPoint.objects.values_list("mn", flat=True))
    for mn, info in (doc.get("unknown_mns") or {}).items():
        if mn in known:
            continue
        to_dt = lambda t: dt.datetime.fromtimestamp(t, dt.UTC) if t else None  # noqa: E731
        services.note_unknown_mn(mn, info.get("peer", ""), count=int(info.get("count", 1)),
                                 first_seen=to_dt(info.get("first_seen")), last_seen=to_dt(info.get("last_seen")))


@login_required
def unknown_mn_list(request):
    if not services.may(request.user, "bind_mn"):
        raise PermissionDenied
    _sync_unknown_from_gateway()
    qs = restrict(UnknownMN.objects.select_related("bound_point"), request.user, "view")
    if request.GET.get("show") != "all":
        qs = qs.filter(bound_point__isnull=True, ignored=False)
    if request.GET.get("export") == "xlsx":
        rows = [[u.mn, u.first_seen, u.last_seen, u.count, u.peer, str(u.bound_point or "")] for u in qs]
        return xlsx_response(_("未登记MN.xlsx"), [(_("未登记MN"), ["MN", _("首次出现"), _("最近出现"), _("次数"),
                                                                 _("来源地址"), _("已绑定")], rows)], request=request)
    return render(request, "sources/unknown_mn_list.html", {"rows": qs[:500], "total": count_upto(qs), "shown": 500,
                                                            "show_all": request.GET.get("show") == "all"})


@login_required
def unknown_mn_bind(request, pk):
    if not services.may(request.user, "bind_mn"):
        raise PermissionDenied
    unknown = get_scoped_object(UnknownMN, request.user, "view", pk=pk)
    form = BindForm(request.POST or None)
    form.fields["point"].queryset = restrict(MonitoringPoint.objects.select_related("enterprise"), request.user,
                                             services.scope_action(request.user, "bind_mn"))
    form.fields["outlet"].queryset = restrict(Outlet.objects.select_related("enterprise"), request.user,
                                              services.scope_action(request.user, "bind_mn"))
    if request.method == "POST" and request.POST.get("action") == "ignore":
        unknown.ignored = True
        unknown.save()
        messages.success(request, _("已忽略"))
        return redirect("sources:unknown-mn-list")
    if request.method == "POST" and form.is_valid():
        try:
            point = services.bind_unknown_mn(request.user, unknown.pk, point=form.cleaned_data.get("point"),
                                             outlet=form.cleaned_data.get("outlet"), name=form.cleaned_data.get("name"))
        except ValidationError as e:
            for m in e.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("已绑定到 %(p)s;网关将在 30 秒内生效") % {"p": point})
            return redirect("sources:point-page", pk=point.pk)
    return render(request, "sources/unknown_mn_bind.html", {"u": unknown, "form": form})


# ---------------------------------------------------------------- gateway figures

@login_required
def gateway_figures(request):
    _need(request.user, "sources.gateway")
    from django.conf import settings

    try:
        from envbureau.gateway.stats import MAIN_COUNTERS, read_stats

        doc = read_stats(settings.ENVBUREAU["DATA_DIR"], count_values=request.GET.get("count") == "1")
    except ImportError:
        doc, MAIN_COUNTERS = {}, ()
    if request.GET.get("format") == "json":
        return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})
    since = doc.get("since_start", {})
    totals = doc.get("totals", {})
    labels = {"received": _("接收报文"), "stored": _("存储报文"), "acknowledged": _("已应答"), "duplicates": _("重复报文"),
              "connections_opened": _("建立连接"), "idle_closed": _("空闲断开"), "garbage_bytes": _("无效字节"),
              "garbage_closed": _("因无效数据过多断开"), "frames_repeating_fields": _("字段重复的报文(取首个值)"),
              "repeated_fields": _("重复的字段"), "data_fields_under_non_data_cn": _("非数据命令中的监测值")}
    counters = [(labels.get(k, k), since.get("counters", {}).get(k, 0), totals.get("counters", {}).get(k, 0))
                for k in MAIN_COUNTERS]
    reason_labels = {"framing": _("帧格式"), "length": _("长度"), "crc": _("CRC 校验"), "syntax": _("语法"),
                     "unknown_mn": _("未登记 MN"), "password": _("密码"), "disabled": _("监测点停用")}
    reasons = sorted(set(since.get("rejected", {})) | set(totals.get("rejected", {})))
    rejected = [(reason_labels.get(r, r), since.get("rejected", {}).get(r, 0), totals.get("rejected", {}).get(r, 0))
                for r in reasons]
    by_mn = (doc.get("repeated_fields") or {}).get("by_mn") or {}
    repeated = sorted(((n, mn, key) for mn, keys in by_mn.items() for key, n in keys.items()), reverse=True)[:50]
    return render(request, "sources/gateway.html", {
        "doc": doc, "counters": counters, "rejected": rejected, "storage": sorted((doc.get("storage") or {}).items()),
        "repeated": repeated, "non_data_cn": sorted((doc.get("data_fields_under_cn") or {}).items()),
        "db": {"hourly": PointHourly.objects.count(), "daily": PointDaily.objects.count(),
               "points": MonitoringPoint.objects.count(), "unknown": UnknownMN.objects.filter(bound_point__isnull=True).count()},
    })
