"""Domain verbs of the sources app: alarms' lifecycle, declarations, MN binding, the dossier timeline.

Each verb takes the acting user, checks scope, changes models in one transaction (audited by core)
and appends a dossier event where a person would want to read it later.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import audit, texts
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created, get_scoped_object, restrict

from . import conf
from .choices import AlarmKind, AlarmStatus
from .models import (
    Alarm,
    Declaration,
    DossierEvent,
    Enterprise,
    MonitoringPoint,
    Outlet,
    PointDaily,
    PointHourly,
    PollutantLimit,
    UnknownMN,
    owner_writes,
)


@contextlib.contextmanager
def _acting(user):
    """Audit entries name the acting user even when a service is called outside a web request."""
    ctx = audit.current()
    if user is not None and getattr(user, "pk", None) and ctx.resolve_actor() is None:
        with audit.audit_context(ctx.source, actor=user, note=ctx.note):
            yield
    else:
        yield


def acting(fn):
    @functools.wraps(fn)
    def wrapper(user, *args, **kwargs):
        with _acting(user):
            return fn(user, *args, **kwargs)
    return wrapper


def scope_action(user, action: str) -> str:
    """Staff verbs (ack_alarm, close_alarm, approve_declaration, bind_mn) are granted explicitly or,
    for departments responsible for the sources module, through sources.change."""
    if user is None or has_perm(user, f"sources.{action}"):
        return action
    return "change"


def may(user, action: str) -> bool:
    return user is None or has_perm(user, f"sources.{action}") or has_perm(user, "sources.change")


def _get(model, user, action, pk):
    if user is None:
        return model.objects.get(pk=pk)
    if not may(user, action) and action != "declare":
        # visible objects answer 403, invisible ones 404 (get_scoped_object decides which)
        get_scoped_object(model, user, "view", pk=pk)
        raise PermissionDenied
    return get_scoped_object(model, user, scope_action(user, action), pk=pk)


# ---------------------------------------------------------------- dossier timeline

def add_dossier_event(enterprise_id: int, kind: str, title: str | dict = "", *, facts: dict | None = None,
                      detail: str = "", detail_facts: dict | None = None, source_ref: str = "", url: str = "",
                      actor=None, time: dt.datetime | None = None) -> DossierEvent:
    """For every app: append a line to an enterprise's dossier timeline (inspections, cases, permits…).
    `kind` is "app.thing"; `source_ref` "app.model:pk" so the line can be traced back. A title written by a rule
    comes as `facts` (core.texts.sentence(gettext_noop("…%(x)s…"), …)): stored in Chinese, shown to each reader
    in their language, whoever clicked; `title` is for text that is data (a name, what a person typed). The
    same for a `detail` written by a rule (`detail_facts`)."""
    from envbureau.core import texts

    if isinstance(title, dict):  # the facts given in the title's place (modules' _dossier helpers pass either)
        title, facts = "", title
    if facts:
        title = texts.chinese(facts)
        if not title:
            raise ValueError(f"dossier facts that do not word: {facts!r}")
    if detail_facts:
        detail = texts.chinese(detail_facts)
        if not detail:
            raise ValueError(f"dossier facts that do not word: {detail_facts!r}")
        facts = {**(facts or {}), "detail": detail_facts}
    return DossierEvent.objects.create(enterprise_id=enterprise_id, kind=kind, title=title[:200], detail=detail,
                                       facts=facts or {}, source_ref=source_ref, url=url,
                                       time=time or timezone.now(), actor=actor if getattr(actor, "pk", None) else None)


# Badges other apps put at the head of an enterprise's dossier (a red/yellow card now in force…): each is
# fn(user, enterprise) -> [{"text", "colour" (a Bootstrap colour), "url", "hint"}], reading in the user's scope.
DOSSIER_BADGES: list = []


def register_dossier_badge(fn) -> None:
    if fn not in DOSSIER_BADGES:
        DOSSIER_BADGES.append(fn)


def dossier_badges(user, enterprise: Enterprise) -> list[dict]:
    return [b for fn in DOSSIER_BADGES for b in fn(user, enterprise)]


def dossier_timeline(user, enterprise: Enterprise, limit: int = 100) -> list[DossierEvent]:
    """The enterprise's latest events for `user`; an event links to its record only when the user may open it
    (a district officer or the enterprise itself reads every event of the dossier, but a card, a permit or a
    case of a module or area outside their scope would answer 404: its title stays, without the link)."""
    events = list(restrict(DossierEvent.objects.filter(enterprise=enterprise), user, "view")[:limit])
    return linkable_events(user, events)


def linkable_events(user, events: list[DossierEvent]) -> list[DossierEvent]:
    from django.apps import apps

    from envbureau.core.humanize import REF
    from envbureau.core.scoping import spec_of

    wanted: dict[str, set[int]] = {}
    for e in events:
        m = REF.fullmatch(e.source_ref or "")
        if e.url and m:
            wanted.setdefault(m.group(1), set()).add(int(m.group(2)))
    visible: dict[str, set[int]] = {}
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
            spec_of(model)
        except (LookupError, TypeError, ValueError):
            continue  # not a scoped record: its link stays as stored
        visible[label] = set(restrict(model._default_manager.filter(pk__in=ids), user, "view")
                             .values_list("pk", flat=True))
    for e in events:
        m = REF.fullmatch(e.source_ref or "")
        if e.url and m and m.group(1) in visible and int(m.group(2)) not in visible[m.group(1)]:
            e.url = ""
    return events


# ---------------------------------------------------------------- limits owned by a permit

@transaction.atomic
def apply_permit_limits(enterprise_id: int, source_ref: str, standard: str, rows) -> dict:
    """For the approvals app: make a permit's limits the online-monitoring limits of the matching points.

    rows: dicts with outlet_code, factor, period, limit_value, lower_limit, unit, on_converted. Every point
    of the enterprise's outlet with that code gets the limit (created or overwritten, `standard` citing the
    permit, `source_ref` naming it); limits this permit set before and no longer lists are removed.
    Returns {"applied": n, "points": [mn…], "unmatched": [outlet codes without a monitoring point]}."""
    from envbureau.hj212 import codes

    points_by_outlet = {}
    for point in MonitoringPoint.objects.filter(outlet__enterprise_id=enterprise_id).select_related("outlet"):
        points_by_outlet.setdefault(point.outlet.code, []).append(point)
    kept, unmatched, mns = set(), [], []
    for row in rows:
        points = points_by_outlet.get(row["outlet_code"], [])
        if not points:
            unmatched.append(row["outlet_code"])
            continue
        factor = codes.normalise_factor(row["factor"])
        for point in points:
            with owner_writes():
                lim, _created = PollutantLimit.objects.update_or_create(
                    point=point, factor=factor, period=row.get("period") or "hour", defaults=dict(
                        limit_value=row.get("limit_value"), lower_limit=row.get("lower_limit"),
                        unit=row.get("unit") or "", on_converted=bool(row.get("on_converted")),
                        standard=standard[:200], source_ref=source_ref))
            kept.add(lim.pk)
            mns.append(point.mn)
    stale = PollutantLimit.objects.filter(source_ref=source_ref).exclude(pk__in=kept)
    with owner_writes():
        for lim in stale:
            lim.delete()
    return {"applied": len(kept), "points": sorted(set(mns)), "unmatched": sorted(set(unmatched))}


@transaction.atomic
def release_permit_limits(source_ref: str, note: str) -> int:
    """A revoked or expired permit no longer owns its limits: they stay (the emission standard still binds)
    but say so, and the next permit overwrites them."""
    n = 0
    for lim in PollutantLimit.objects.filter(source_ref=source_ref):
        lim.standard = f"{lim.standard}({note})"[:200]
        lim.source_ref = ""
        with owner_writes():
            lim.save(update_fields=["standard", "source_ref"])
        n += 1
    return n


LIMIT_OWNERS: dict = {}


def register_limit_owner(model_label: str, describe) -> None:
    """An app whose records own online-monitoring limits (approvals: "approvals.permit") says how a person names
    them: describe(pks) -> {pk: (label, url)}, e.g. ("排污许可证 X", "/approvals/permits/12/")."""
    LIMIT_OWNERS[model_label] = describe


def limit_owners(user, refs) -> dict[str, dict]:
    """{source_ref: {"label", "url"}} of the records owning limits; `url` is "" when `user` may not open the record
    (user None: every link)."""
    from django.apps import apps

    from envbureau.core.humanize import REF

    wanted: dict[str, set[int]] = {}
    for ref in refs:
        m = REF.fullmatch(ref or "")
        if m and m.group(1) in LIMIT_OWNERS:
            wanted.setdefault(m.group(1), set()).add(int(m.group(2)))
    out = {}
    for label, pks in wanted.items():
        described = LIMIT_OWNERS[label](sorted(pks))
        visible = set(pks) if user is None else set(
            restrict(apps.get_model(label)._default_manager.filter(pk__in=pks), user, "view")
            .values_list("pk", flat=True))
        for pk, (words, url) in described.items():
            out[f"{label}:{pk}"] = {"label": words, "url": url if pk in visible else ""}
    return out


def limits_from(source_ref: str) -> list[dict]:
    """The online-monitoring limits a permit set: point MN and name, factor, period, value (for its page)."""
    return list(PollutantLimit.objects.filter(source_ref=source_ref).select_related("point", "point__outlet")
                .order_by("point__mn", "factor").values("point__mn", "point__name", "point__outlet__code", "factor",
                                                         "period", "limit_value", "lower_limit", "unit", "standard"))


def exceedances_on_limits(source_refs, start: dt.datetime, end: dt.datetime) -> list[dict]:
    """For the approvals app (证后监管): concentration-exceedance alarms started in [start, end) on a limit some
    record owns (`source_refs`: "approvals.permit:12"…), outside declared exception windows. One dict per alarm:
    source_ref, alarm pk, started_at, point MN and name, factor code."""
    refs = [r for r in source_refs if r]
    owner = {(lim["point_id"], lim["factor"], lim["period"]): lim["source_ref"] for lim in
             PollutantLimit.objects.filter(source_ref__in=refs).values("point_id", "factor", "period", "source_ref")}
    if not owner:
        return []
    out = []
    for a in (Alarm.objects.filter(kind=AlarmKind.EXCEEDANCE, declared=False, started_at__gte=start, started_at__lt=end,
                                   point_id__in={k[0] for k in owner})
              .select_related("point").order_by("started_at", "pk")):
        ref = owner.get((a.point_id, a.factor, a.detail_key or "hour"))
        if ref:
            out.append({"source_ref": ref, "alarm": a.pk, "started_at": a.started_at, "point_mn": a.point.mn,
                        "point_name": a.point.name, "factor": a.factor})
    return out


def enterprise_alarms(user, enterprise_id: int, start: dt.datetime, end: dt.datetime, limit: int = 50):
    """For the approvals app (an incident's page): the enterprise's online-monitoring alarms live at some time in
    [start, end] (started by `end`, not ended before `start`), in `user`'s scope, oldest first; (alarms up to
    `limit`, how many in all)."""
    from django.db.models import Q

    qs = restrict(Alarm.objects.filter(enterprise_id=enterprise_id, started_at__lte=end)
                  .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start)), user, "view")
    return list(qs.select_related("point").order_by("started_at", "pk")[:limit]), qs.count()


def monitoring_snapshot(user, enterprise_id: int, start: dt.datetime, end: dt.datetime,
                        max_rows: int = 5000) -> dict:
    """For the enforcement app (an off-site inspection's evidence): the enterprise's online-monitoring alarms live
    in [start, end] and its hourly values with hours in [start, end), in `user`'s scope, as plain values to be
    frozen by the caller — each row with its point (MN, name), factor (code, Chinese name, unit) and local time
    written out, so the record stays readable whatever changes later. Refuses (ValidationError on `end`) more than
    `max_rows` hourly values: a shorter period must be chosen."""
    from .choices import FACTOR_NAMES, factor_unit

    def zh_factor(code):
        from envbureau.hj212 import codes

        return FACTOR_NAMES.get(code) or codes.factor_name(code) or code

    def local(t):
        return timezone.localtime(t).strftime("%Y-%m-%d %H:%M") if t else ""

    alarms, _n = enterprise_alarms(user, enterprise_id, start, end, limit=max_rows)
    hourly = restrict(PointHourly.objects.filter(point__enterprise_id=enterprise_id, hour__gte=start, hour__lt=end),
                      user, "view")
    if hourly.count() > max_rows:
        raise ValidationError({"end": _("该时段小时数据超过 %(n)s 条,请缩短时段") % {"n": max_rows}})
    return {
        "alarms": [{"id": a.pk, "point_mn": a.point.mn, "point": a.point.name, "kind": a.kind,
                    "kind_label": texts.zh_display(a, "kind"), "factor": a.factor, "factor_name": zh_factor(a.factor),
                    "unit": factor_unit(a.factor) if a.factor else "", "started_at": local(a.started_at),
                    "ended_at": local(a.ended_at), "value": a.value, "limit_value": a.limit_value,
                    "on_converted": a.on_converted, "message": a.message, "declared": a.declared}
                   for a in alarms],
        "hourly": [{"point_mn": h.point.mn, "point": h.point.name, "factor": h.factor, "factor_name": zh_factor(h.factor),
                    "unit": factor_unit(h.factor), "hour": local(h.hour), "avg": h.avg, "min": h.min, "max": h.max,
                    "zs_avg": h.zs_avg, "flag": h.flag, "declared": h.declared}
                   for h in hourly.select_related("point").order_by("hour", "point__mn", "factor")],
    }


def measured_emissions(enterprise_id: int, first: dt.date, last: dt.date, outlet_codes=None) -> dict[str, dict]:
    """For the approvals app: what online monitoring measured an enterprise emitting between two local days
    (inclusive), per factor (2017 code): {"tonnes", "days" with a value, "points"}. The daily Cou (kg, HJ 212)
    summed over the points of its outlets (only `outlet_codes` when given), daily packets or days rolled up from
    hourly data; days inside declared windows count (the emission happened)."""
    from django.db.models import Count, Sum

    qs = PointDaily.objects.filter(point__outlet__enterprise_id=enterprise_id, day__gte=first, day__lte=last,
                                   cou__isnull=False)
    if outlet_codes is not None:
        qs = qs.filter(point__outlet__code__in=list(outlet_codes))
    out = {}
    for r in qs.values("factor").annotate(kg=Sum("cou"), days=Count("day", distinct=True),
                                          points=Count("point", distinct=True)):
        out[r["factor"]] = {"tonnes": r["kg"] / 1000.0, "days": r["days"], "points": r["points"]}
    return out


def compliance_days(enterprise_id: int, first: dt.date, last: dt.date) -> dict:
    """For the enforcement app (credit rating, 达标排放): the enterprise's monitoring-point days with data between
    two local days (inclusive) and those of them touched by an undeclared concentration-exceedance alarm.
    {"point_days", "exceed_days", "alarms": [pk…]}; point_days 0 when online monitoring has no data."""
    from django.db.models import Q

    data = set(PointDaily.objects.filter(point__outlet__enterprise_id=enterprise_id, day__gte=first, day__lte=last)
               .values_list("point_id", "day").distinct())
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    exceed, alarms = set(), []
    for a in (Alarm.objects.filter(enterprise_id=enterprise_id, kind=AlarmKind.EXCEEDANCE, declared=False,
                                   started_at__lt=end)
              .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start)).order_by("started_at", "pk")):
        d = max(timezone.localtime(a.started_at, tz).date(), first)
        stop = min(timezone.localtime(a.ended_at or a.last_seen_at, tz).date(), last)
        hit = False
        while d <= stop:
            if (a.point_id, d) in data:
                exceed.add((a.point_id, d))
                hit = True
            d += dt.timedelta(days=1)
        if hit:
            alarms.append(a.pk)
    return {"point_days": len(data), "exceed_days": len(exceed), "alarms": alarms}


# ---------------------------------------------------------------- alarms

def _object(model, user, pk):
    """The object for a workflow verb: 404 outside the user's view scope (the verb checks the rest)."""
    if user is None:
        return model.objects.get(pk=pk)
    return get_scoped_object(model, user, "view", pk=pk)


@acting
def acknowledge_alarm(user, alarm_id: int, note: str = "") -> Alarm:
    from envbureau.core import workflow as wf

    return wf.apply(user, _object(Alarm, user, alarm_id), "acknowledge", note=note)


@acting
def close_alarm(user, alarm_id: int, note: str) -> Alarm:
    from envbureau.core import workflow as wf

    return wf.apply(user, _object(Alarm, user, alarm_id), "close", note=note)


@acting
def alarm_to_problem(user, alarm_id: int, *, category: str | None = None, deadline=None) -> str:
    """Hand an alarm to the problem ledger (转为问题).  Returns the ledger's reference."""
    from envbureau.core import workflow as wf

    data = {k: v for k, v in (("category", category), ("deadline", deadline)) if v is not None}
    return wf.apply(user, _object(Alarm, user, alarm_id), "to_problem", **data).problem_ref


# The title of the problem an alarm opens, as facts worded in each reader's language (ledger.Problem.title_facts);
# registered with the ledger in SourcesConfig.ready. "k", the alarm's kind, is a word of a fixed list.
PROBLEM_TITLES = {"sources.alarm": (gettext_noop("%(e)s %(p)s %(k)s"), ("k",))}


def open_problem_for(user, alarm: Alarm, *, category: str | None = None, deadline=None) -> tuple[str, str]:
    """Open the ledger problem of an alarm (the to_problem handler); (reference, problem code)."""
    try:
        from envbureau.ledger.services import open_problem
    except ImportError:
        raise ValidationError(_("问题台账模块尚未启用")) from None
    if category is None:
        # the ledger's categories are environmental media: the outlet says which
        category = "air" if alarm.point.outlet.kind == "gas" else "water"
    # stored words are Chinese (the facts hold the kind's msgid)
    facts = {"msg": "sources.alarm", "args": {"e": alarm.enterprise.name[:100], "p": alarm.point.name[:60],
                                               "k": texts.zh_display(alarm, "kind")}}
    dossier_facts = texts.sentence(gettext_noop("报警转为问题:%(e)s %(p)s %(k)s"), ("k",), **facts["args"])
    # the description as facts: each reader reads the finding, the MN line and the start in their language
    description = texts.lines(*filter(None, [
        texts.worded_by("sources.alarm", alarm.facts) if alarm.facts else texts.sentence("%(t)s", t=alarm.message),
        texts.sentence(gettext_noop("监测点 MN:%(m)s"), m=alarm.point.mn),
        texts.sentence(gettext_noop("开始时间:%(t)s"), t=f"{timezone.localtime(alarm.started_at):%Y-%m-%d %H:%M}"),
        texts.sentence(gettext_noop("(该时段企业已申报异常)")) if alarm.declared else None]))
    kwargs = {"source": "alarm", "title_facts": facts, "description_facts": description, "category": category,
              "jurisdiction": alarm.enterprise.jurisdiction, "enterprise_id": alarm.enterprise_id,
              "source_ref": ("sources.alarm", str(alarm.pk))}
    if deadline is not None:
        kwargs["deadline"] = deadline
    problem = open_problem(user, **kwargs)
    ref = f"ledger.problem:{getattr(problem, 'pk', problem)}"
    add_dossier_event(alarm.enterprise_id, "sources.alarm", facts=dossier_facts, source_ref=ref, actor=user)
    return ref, getattr(problem, "code", str(problem))


# ---- what other modules did about an alarm (the checks and cases that followed it) ----------------------

_FOLLOW_UPS: list = []


def alarm_ref(value) -> int | None:
    """The alarm pk of a reference "sources.alarm:12" (None for any other reference)."""
    head, _sep, pk = str(value or "").partition(":")
    return int(pk) if head == "sources.alarm" and pk.isdigit() else None


def check_alarm(user, ref: str, enterprise_id=None, field: str = "source_ref") -> Alarm | None:
    """The alarm a record started from ("sources.alarm:12") if it exists, `user` may see it and (given
    `enterprise_id`) it is that enterprise's; a ValidationError naming `field` otherwise. Other references → None."""
    pk = alarm_ref(ref)
    if pk is None:
        return None
    qs = Alarm.objects.filter(pk=pk)
    a = (qs if user is None else restrict(qs, user, "view")).first()
    if a is None:
        raise ValidationError({field: _("未找到该在线监控报警:%(r)s") % {"r": ref}})
    if enterprise_id is not None and a.enterprise_id != int(enterprise_id):
        raise ValidationError({field: _("报警 %(r)s 不是该企业的报警") % {"r": ref}})
    return a


def register_follow_ups(provider) -> None:
    """`provider(user, ref)` → [{"kind", "label", "url"}]: records another module keeps that followed the alarm
    `ref` ("sources.alarm:12"), read through that module's own scoping (enforcement registers its checks and
    cases)."""
    if provider not in _FOLLOW_UPS:
        _FOLLOW_UPS.append(provider)


def follow_ups(user, alarm: Alarm) -> list[dict]:
    """The checks and cases that followed `alarm`, as far as `user` may see them, for its page and API."""
    ref = f"sources.alarm:{alarm.pk}"
    return [row for provider in _FOLLOW_UPS for row in provider(user, ref)]


def alarm_opened(alarm: Alarm) -> None:
    """A new alarm: the first line of its timeline and the task for whoever handles it. The description is on
    the alarm's page in the reader's language: the timeline repeats it only for an alarm without facts."""
    from envbureau.core import workflow as wf

    wf.record_event(alarm, None, "open", to_state=alarm.status, note="" if alarm.facts else alarm.message,
                    time=alarm.started_at)
    wf.sync_tasks(alarm)


# ---------------------------------------------------------------- declarations

def _check_window(start: dt.datetime, end: dt.datetime, now: dt.datetime):
    errors = {}
    if end <= start:
        errors["end"] = _("结束时间必须晚于开始时间")
    limit_h = int(conf.get("SOURCES_DECLARATION_BACKDATE_HOURS"))
    if start < now - dt.timedelta(hours=limit_h):
        errors["start"] = _("开始时间不能早于申报时间前 %(h)d 小时(不得超期补报)") % {"h": limit_h}
    max_days = int(conf.get("SOURCES_DECLARATION_MAX_DAYS"))
    if end - start > dt.timedelta(days=max_days):
        errors["end"] = _("申报时段不能超过 %(d)d 天") % {"d": max_days}
    if errors:
        raise ValidationError(errors)


@acting
@transaction.atomic
def submit_declaration(user, *, enterprise: Enterprise, kind: str, start: dt.datetime, end: dt.datetime,
                       reason: str, point: MonitoringPoint | None = None, factor: str = "",
                       attachment=None, now: dt.datetime | None = None) -> Declaration:
    from envbureau.hj212 import codes

    now = now or timezone.now()
    if user is not None and not has_perm(user, "sources.declare"):
        raise PermissionDenied
    if user is not None:
        enterprise = get_scoped_object(Enterprise, user, "declare", pk=enterprise.pk)
    if point is not None and point.enterprise_id != enterprise.pk:
        raise ValidationError({"point": _("监测点不属于该企业")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写原因说明")})
    _check_window(start, end, now)
    decl = Declaration(enterprise=enterprise, point=point, factor=codes.normalise_factor(factor.strip()) if factor else "",
                       kind=kind, start=start, end=end, reason=reason.strip(),
                       created_by=user if getattr(user, "pk", None) else None, created=now)
    if attachment is not None:
        decl.attachment = attachment
    decl.full_clean()
    decl.save()
    check_created(user, decl, "declare")
    add_dossier_event(enterprise.pk, "sources.declaration",
                      facts=texts.sentence(gettext_noop("提交异常申报:%(k)s"),
                                           ("k",), k=texts.zh_display(decl, "kind")),
                      detail=decl.reason, source_ref=f"sources.declaration:{decl.pk}", actor=user)
    from envbureau.core import workflow as wf

    wf.record_event(decl, user, "submit", to_state=decl.status, note=decl.reason)
    wf.sync_tasks(decl, user)
    return decl


def apply_declaration(decl: Declaration) -> dict:
    """Mark hourly/daily values and alarms inside an approved window as declared (never hidden)."""
    n_h = PointHourly.objects.filter(decl.covers_q(time_field="hour")).update(declared=True, declaration=decl)
    day_q = decl.covers_q(time_field=None)
    # A day is declared only when the window covers the whole local day.
    start_day = timezone.localtime(decl.start).date()
    if timezone.localtime(decl.start).time() != dt.time(0):
        start_day += dt.timedelta(days=1)
    end_day = timezone.localtime(decl.end).date()
    n_d = PointDaily.objects.filter(day_q, day__gte=start_day, day__lt=end_day).update(declared=True, declaration=decl)
    aq = decl.covers_q(point_field="point", time_field="started_at")
    alarm_ids = list(Alarm.objects.filter(aq, declared=False).values_list("pk", flat=True))
    n_a = Alarm.objects.filter(pk__in=alarm_ids).update(declared=True, declaration=decl)
    audit.record_batch("update", Alarm, alarm_ids, {"declared": [False, True], "declaration_id": [None, decl.pk]})
    return {"hourly": n_h, "daily": n_d, "alarms": n_a}


@acting
def approve_declaration(user, declaration_id: int, note: str = "") -> Declaration:
    from envbureau.core import workflow as wf

    return wf.apply(user, _object(Declaration, user, declaration_id), "approve", note=note)


@acting
def reject_declaration(user, declaration_id: int, note: str) -> Declaration:
    from envbureau.core import workflow as wf

    if not (note or "").strip():
        raise ValidationError({"note": _("驳回须填写审核意见")})
    return wf.apply(user, _object(Declaration, user, declaration_id), "reject", note=note)


@acting
def withdraw_declaration(user, declaration_id: int) -> Declaration:
    from envbureau.core import workflow as wf

    return wf.apply(user, _object(Declaration, user, declaration_id), "withdraw")


# ---------------------------------------------------------------- unknown MNs

@transaction.atomic
def note_unknown_mn(mn: str, peer: str = "", frame: bytes = b"", *, count: int | None = None,
                    first_seen: dt.datetime | None = None, last_seen: dt.datetime | None = None) -> UnknownMN:
    now = timezone.now()
    obj = UnknownMN.objects.select_for_update().filter(mn=mn).first()
    sample = frame[:2000].decode("utf-8", "backslashreplace") if frame else ""
    if obj is None:
        return UnknownMN.objects.create(mn=mn[:64], peer=peer[:64], sample=sample, count=count or 1,
                                        first_seen=first_seen or now, last_seen=last_seen or now)
    obj.last_seen = max(obj.last_seen, last_seen or now)
    obj.count = max(obj.count + 1, count or 0) if count is None else max(obj.count, count)
    if peer:
        obj.peer = peer[:64]
    if sample and not obj.sample:
        obj.sample = sample  # the first frame stays as the sample
    obj.save()
    return obj


@acting
@transaction.atomic
def bind_unknown_mn(user, unknown_id: int, *, point: MonitoringPoint | None = None, outlet: Outlet | None = None,
                    name: str = "") -> MonitoringPoint:
    """Give an unknown MN a point: either an existing point takes the MN, or a new point is made
    at an outlet.  The gateway picks it up at its next registry refresh (≤ 30 s)."""
    if user is not None and not may(user, "bind_mn"):
        raise PermissionDenied
    unknown = get_scoped_object(UnknownMN, user, "view", pk=unknown_id) if user else UnknownMN.objects.get(pk=unknown_id)
    if MonitoringPoint.objects.filter(mn=unknown.mn).exists():
        raise ValidationError(_("MN %(m)s 已属于某监测点") % {"m": unknown.mn})
    if point is not None:
        point = get_scoped_object(MonitoringPoint, user, scope_action(user, "bind_mn"), pk=point.pk) if user else point
        point.mn = unknown.mn
        point.full_clean()
        point.save()
    elif outlet is not None:
        if user is not None:
            outlet = get_scoped_object(Outlet, user, "view", pk=outlet.pk)
        point = MonitoringPoint(outlet=outlet, mn=unknown.mn, name=name or unknown.mn)
        point.enterprise_id = outlet.enterprise_id
        point.full_clean()
        point.save()
        check_created(user, point, scope_action(user, "bind_mn") if user else "add")
    else:
        raise ValidationError(_("请选择已有监测点或排放口"))
    unknown.bound_point = point
    unknown.bound_at = timezone.now()
    unknown.save()
    add_dossier_event(point.enterprise_id, "sources.point",
                      facts=texts.sentence(gettext_noop("绑定 MN %(m)s 到监测点 %(p)s"), m=unknown.mn, p=point.name),
                      source_ref=f"sources.monitoringpoint:{point.pk}", actor=user)
    return point


# ---------------------------------------------------------------- online status

def online_status(point: MonitoringPoint, now: dt.datetime, alarm_point_ids: set) -> str:
    from .alarms import absence_threshold

    if not point.enabled:
        return "disabled"
    if point.last_data_at is None:
        return "never"
    if now - point.last_data_at > absence_threshold(point):
        return "offline"
    if point.pk in alarm_point_ids:
        return "alarm"
    return "online"


def live_alarm_point_ids(point_ids=None) -> set:
    qs = Alarm.objects.filter(status__in=(AlarmStatus.OPEN, AlarmStatus.ACKNOWLEDGED), active=True)
    if point_ids is not None:
        qs = qs.filter(point_id__in=list(point_ids))
    return set(qs.values_list("point_id", flat=True))
