"""Grid supervision (网格化环境监管, 国办发〔2014〕56号): grids below streets (levels and patrol frequencies as configuration),
officers, patrols as steps of the grid's loop (workflows.GRID: the next patrol is a task of the grid's officers,
due `frequency` days after the last), photos without EXIF, findings → ledger problems (source 日常巡查) or
follow-ups of complaints being handled (a line on the complaint's timeline linking back)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from envbureau.core import services as core_services
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import can

from .models import Grid, Patrol
from .outfalls import check_files, store_files
from .services import parse_date

# The title of the problem a patrol's findings open, as facts worded in each reader's language
# (ledger.Problem.title_facts); registered with the ledger in ProjectsConfig.ready.
PROBLEM_TITLES = {"projects.patrol": (gettext_noop("网格巡查发现:%(f)s"), ())}


@transaction.atomic
def create_grid(user, grid: Grid, m2m=None) -> Grid:
    core_services.create_object(user, grid, m2m)
    wf.record_event(grid, user, "open", to_state=grid.state)
    wf.sync_tasks(grid, user)
    return grid


@transaction.atomic
def update_grid(user, grid: Grid, m2m=None) -> Grid:
    core_services.update_object(user, grid, m2m)
    wf.sync_tasks(grid, user, notify=False)  # officers or frequency may have changed: the patrol task follows
    return grid


def officers(grid: Grid) -> list:
    people = list(grid.officers.all())
    if people:
        return [wf.Assignee(user=u) for u in people]
    return [wf.Assignee(permission="projects.patrol")]


def guard_patrol(user, grid: Grid) -> None:
    """A grid's own officers patrol it; anyone who may change the grid may record a patrol for it."""
    if user is None or can(user, grid, "change") or grid.officers.filter(pk=user.pk).exists():
        return
    raise PermissionDenied(_("您不是该网格的网格员"))


def _time(value, name):
    if value in (None, ""):
        return None
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise wf.TransitionError({name: [_("时间格式应为 HH:MM:%(v)s") % {"v": value}]}) from None


def _coord(value, name, lo, hi):
    if value in (None, ""):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise wf.TransitionError({name: [_("坐标应为数字:%(v)s") % {"v": value}]}) from None
    if not lo <= v <= hi:
        raise wf.TransitionError({name: [_("坐标超出范围:%(v)s") % {"v": value}]})
    return v


def h_patrol(ctx):
    g, d, user = ctx.obj, ctx.data, ctx.user
    check_files(ctx.files)
    day = parse_date(d.get("patrol_on"), "patrol_on")
    if day > timezone.localdate():
        raise wf.TransitionError({"patrol_on": [_("巡查日期不能晚于今天")]})
    start, end = _time(d.get("started_at"), "started_at"), _time(d.get("ended_at"), "ended_at")
    if start and end and end < start:
        raise wf.TransitionError({"ended_at": [_("结束时间不能早于开始时间")]})
    lng = _coord(d.get("longitude"), "longitude", -180, 180)
    lat = _coord(d.get("latitude"), "latitude", -90, 90)
    if (lng is None) != (lat is None):
        raise wf.TransitionError({"latitude": [_("经度和纬度须同时提供")]})
    findings = str(d.get("findings") or "").strip()
    complaint = None
    if str(d.get("complaint") or "").strip():
        from envbureau.complaints import services as complaints

        if not findings:
            raise wf.TransitionError({"findings": [_("跟进信访投诉须填写发现的问题")]})
        complaint = complaints.followable(user, d["complaint"])
    p = Patrol.objects.create(grid=g, officer=user if getattr(user, "pk", None) else None,
                              officer_name=wf.actor_name(user), patrol_on=day, started_at=start, ended_at=end,
                              longitude=lng, latitude=lat, visited=str(d.get("visited") or "").strip(),
                              findings=findings)
    if findings and str(d.get("to_ledger", "")).lower() in ("1", "true", "on", "yes"):
        from envbureau.ledger import services as ledger

        category = str(d.get("category") or "other")
        problem = ledger.open_problem(
            user if user is not None and has_perm(user, "ledger.add") else None, source="patrol",
            title_facts={"msg": "projects.patrol", "args": {"f": findings[:60]}}, description=findings, category=category,
            jurisdiction=g.jurisdiction, source_ref=("projects.patrol", str(p.pk)), location=g.name)
        p.problem_id = problem.pk
        p.save(update_fields=["problem_id"])
    if complaint is not None:
        p.complaint_id, p.complaint_number = complaint.pk, complaint.number
        p.save(update_fields=["complaint_id", "complaint_number"])
    if g.last_patrol_on is None or day > g.last_patrol_on:
        g.last_patrol_on = day
    ctx.event_data = {"patrol": p.pk, "patrol_on": day.isoformat(), "problem": p.problem_id,
                      "complaint": p.complaint_id}
    ctx.step = texts.sentence(gettext_noop("巡查 %(d)s"), d=day.isoformat())  # worded per reader
    ctx._patrol = p


def after_patrol(ctx):
    if ctx.files:
        ctx.event.attachments = store_files(ctx.user, ctx.obj, ctx.files, ctx.event)
        ctx.event.save(update_fields=["attachments"])
    p = ctx._patrol
    if p.complaint_id:
        # The complaint's own timeline gets the finding, a link back to this patrol and its photos.
        from envbureau.complaints import services as complaints

        complaints.follow_up(ctx.user, p.complaint_id, note=p.findings, source_ref=f"projects.patrol:{p.pk}",
                             link={"name": texts.chinese(texts.sentence(  # stored: Chinese whoever patrolled
                                 gettext_noop("网格巡查记录:%(g)s %(d)s"), g=ctx.obj.name, d=p.patrol_on.isoformat())),
                                   "url": reverse("projects:patrols-detail", args=[p.pk])},
                             attachments=ctx.event.attachments)
