"""Emergency management (环发〔2015〕4号; HJ 941-2018; MEP Order No. 34): emergency-plan filing with the HJ 941 risk level and its working,
filing due 20 working days after signing, review at least every three years (a task the kit reminds of),
drills on the timeline; hidden-danger check rounds whose findings become ledger problems."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from envbureau.core import deadlines as dl
from envbureau.core import notify as _notify
from envbureau.core import texts
from envbureau.core import workflow as wf
from envbureau.core.permissions import has_perm
from envbureau.core.scoping import check_created
from envbureau.standards import hj941

from .choices import PlanState
from .eia import _date, enterprise_of
from .models import EmergencyPlan, HazardCheck

FILING = "filing"
FILING_WORKING_DAYS = 20  # 《企业事业单位突发环境事件应急预案备案管理办法（试行）》 (环发〔2015〕4号) [2S]
REVIEW_YEARS = 3  # Order No. 34 art. 12: at least every three years [2S]
# a notice's sentence, worded per reader when shown (core.notify: facts in the notification)
INCIDENT_OVERDUE = gettext_noop("%(c)s %(t)s:初报已超过时限(%(d)s),尚未报告")
_notify.register_texts({"approvals.incident_overdue": INCIDENT_OVERDUE})


# The title of the problem a hidden danger opens, as facts worded in each reader's language
# (ledger.Problem.title_facts); registered with the ledger in ApprovalsConfig.ready.
PROBLEM_TITLES = {"approvals.hazard": (gettext_noop("环境安全隐患:%(t)s"), ())}


def _number(value, name):
    try:
        f = float(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({name: _("应为数字:%(v)s") % {"v": value}}) from None
    if f != f or f < 0:
        raise ValidationError({name: _("不能为负数:%(v)s") % {"v": value}})
    return f


def _records(text: str) -> list[list[str]]:
    """ "a,1;b,2" or one record a line → [["a", "1"], ["b", "2"]] (full-width separators too)."""
    text = str(text or "").replace(";", ";").replace(",", ",").replace("\n", ";")
    return [[c.strip() for c in rec.split(",")] for rec in text.split(";") if rec.strip()]


def parse_processes(text: str) -> list[dict]:
    """Process units as typed on the form or in an import cell: "名称,套数[,每套分值]" per line or separated by ";",
    e.g. "加氢,2;导热油加热,1,5" (the points default to 10 for a listed high-risk process, else 5)."""
    out = []
    for n, cells in enumerate(_records(text), 1):
        if len(cells) not in (2, 3) or not cells[0]:
            raise ValueError(_("第 %(n)s 项工艺应为:工艺名称,套数[,每套分值]:%(v)s") % {"n": n, "v": ",".join(cells)})
        try:
            units = float(cells[1])
            points = int(cells[2]) if len(cells) == 3 and cells[2] else None
        except ValueError:
            raise ValueError(_("第 %(n)s 项工艺的套数或分值应为数字:%(v)s") % {"n": n, "v": ",".join(cells)}) from None
        out.append({"name": cells[0], "units": int(units) if units == int(units) else units, "points": points})
    return out


# The default HJ 941 risk-control items (standards.hj941.M_ITEMS) for the catalogue: the form lists them in the
# reader's language and accepts either name; configured items without a translation read as configured.
ITEM_WORDS = (gettext_noop("毒性气体泄漏监控预警措施"), gettext_noop("符合防护距离要求情况"),
              gettext_noop("近3年内突发大气环境事件发生情况"), gettext_noop("截流措施"), gettext_noop("事故废水收集措施"),
              gettext_noop("清净废水系统风险防控措施"), gettext_noop("雨水排水系统风险防控措施"),
              gettext_noop("生产废水处理系统风险防控措施"), gettext_noop("废水排放去向"), gettext_noop("厂内危险废物环境管理"),
              gettext_noop("近3年内突发水环境事件发生情况"))


def item_names() -> dict:
    """{name as a reader may type it (the configured Chinese, or its translation, any case): configured name}."""
    from envbureau.standards import hj941

    from . import config

    tables, _source = config.hj941_tables()
    out = {}
    for rows in tables.get("m_items", hj941.M_ITEMS).values():
        for name, _most in rows:
            out[name.lower()] = name
            out[_(name).lower()] = name
    return out


def parse_items(text: str) -> dict:
    """Risk-control item scores: "项目,得分" per line or separated by ";" (an item by its configured name or its
    name in the reader's language)."""
    out = {}
    names = item_names()
    for n, cells in enumerate(_records(text), 1):
        if len(cells) != 2 or not cells[0]:
            raise ValueError(_("第 %(n)s 个评估项目应为:项目名称,得分:%(v)s") % {"n": n, "v": ",".join(cells)})
        try:
            out[names.get(cells[0].lower(), cells[0])] = float(cells[1])
        except ValueError:
            raise ValueError(_("%(i)s 的得分应为数字:%(v)s") % {"i": cells[0], "v": cells[1]}) from None
    return out


def _given(v) -> bool:
    return v is not None and v != "" and v != [] and v != {}


def _m_of(medium: str, part: dict, tables: dict):
    """The finished M, or hj941.MParts from "m_parts" ({"processes": [{"name", "units", "points"?}],
    "items": {item: score}}), checked here so an error names the medium's M."""
    parts = part.get("m_parts")
    if not _given(parts):
        return _number(part.get("m") if _given(part.get("m")) else 0, f"{medium}.m")
    key = f"{medium}.m"
    if _given(part.get("m")):
        raise ValidationError({key: _("M 值与其分项只填一种:已填 M 值 %(v)s,又填了分项") % {"v": part["m"]}})
    if not isinstance(parts, dict):
        raise ValidationError({key: _("M 分项应为 {\"processes\": […], \"items\": {…}}")})
    try:
        units = tuple(hj941.ProcessUnit(str(u["name"]), _number(u.get("units", 1), key),
                                        None if not _given(u.get("points")) else _number(u["points"], key))
                      for u in (parts.get("processes") or []))
        items = {str(k): (None if v is None or v == "" else float(v)) for k, v in (parts.get("items") or {}).items()}
        mp = hj941.MParts(units, items)
        hj941.m_score(medium, mp, **{k: tables[k] for k in ("m_items", "parts_source") if k in tables})
    except (KeyError, TypeError, AttributeError):
        raise ValidationError({key: _("每项工艺须有名称(name)和套数(units),评估项目为 {项目: 得分}")}) from None
    except ValueError as exc:
        raise ValidationError({key: str(exc)}) from None
    return mp


def _e_of(medium: str, part: dict, tables: dict):
    """The finished E, or the receptor facts from "e_parts" (air {"pop_5km", "pop_500m"}; water {"f", "s"})."""
    parts = part.get("e_parts")
    if not _given(parts):
        return str(part.get("e") or "E3")
    key = f"{medium}.e"
    if _given(part.get("e")):
        raise ValidationError({key: _("环境敏感程度 E 与其判定依据只填一种:已填 %(v)s,又填了依据") % {"v": part["e"]}})
    try:
        if medium == "air":
            rec = hj941.AirReceptors(_number(parts["pop_5km"], key), _number(parts["pop_500m"], key))
            hj941.e_air(rec, tables.get("e_air_thresholds", hj941.E_AIR))
        else:
            rec = hj941.WaterReceptors(str(parts["f"]).strip().upper(), str(parts["s"]).strip().upper())
            hj941.e_water(rec, tables.get("e_water_matrix", hj941.E_WATER))
    except (KeyError, TypeError):
        need = "pop_5km、pop_500m" if medium == "air" else "f(F1–F3)、s(S1–S3)"
        raise ValidationError({key: _("环境敏感程度的判定依据须有 %(n)s") % {"n": need}}) from None
    except ValueError as exc:
        raise ValidationError({key: str(exc)}) from None
    return rec


def assess(inputs: dict) -> hj941.Result:
    """inputs: {"air": {"substances": [{"name", "quantity_t", "critical_t"}], "m": 30, "e": "E1"}, "water": {…}};
    instead of "m" a medium may give "m_parts" {"processes": [{"name": "加氢", "units": 2, "points": 10?}],
    "items": {"截流措施": 8, …}} and instead of "e" "e_parts" (air {"pop_5km": 62000, "pop_500m": 300}; water
    {"f": "F2", "s": "S1"}): M and E are then computed with the working. Graded with the configured tables
    (config.hj941_tables: the bureau's copy of the standard's, else the platform's remembered ones);
    `tables_source` on the result says which ("" = remembered)."""
    from . import config
    tables, source = config.hj941_tables()
    media = []
    for medium in ("air", "water"):
        part = inputs.get(medium) or {}
        subs = []
        for n, s in enumerate(part.get("substances") or [], 1):
            try:
                subs.append(hj941.Substance(str(s["name"]), _number(s["quantity_t"], f"{medium}.substances"),
                                            _number(s["critical_t"], f"{medium}.substances")))
            except (KeyError, TypeError):
                raise ValidationError({f"{medium}.substances": _("第 %(n)s 种物质须有名称、存在量和临界量") % {"n": n}}) from None
        media.append((subs, _m_of(medium, part, tables), _e_of(medium, part, tables)))
    try:
        result = hj941.grade(media[0], media[1], **tables)
    except ValueError as exc:
        raise ValidationError({"risk": str(exc)}) from None
    result.tables_source = source
    return result


def revision_due(signed_on: dt.date) -> dt.date:
    try:
        return signed_on.replace(year=signed_on.year + REVIEW_YEARS)
    except ValueError:  # 29 February
        return signed_on.replace(year=signed_on.year + REVIEW_YEARS, day=28)


def _dossier(obj, user, kind, title, url):
    from envbureau.sources.services import add_dossier_event

    add_dossier_event(obj.enterprise_id, kind, title, source_ref=f"{obj._meta.label_lower}:{obj.pk}", url=url,
                      actor=user)


def _plan_url(p):
    return reverse("approvals:plans-detail", args=[p.pk])


@transaction.atomic
def submit_plan(user, *, enterprise_id, title: str, signed_on, risk: dict, submitted_on=None,
                filed_level: str | None = None) -> EmergencyPlan:
    """An enterprise (or staff on its behalf) submits a signed plan for filing, with its risk assessment.
    `filed_level` (the import of plans filed before): the level the plan was officially filed with; it is kept
    even when HJ 941 computes another from the inputs (the difference is flagged: `level_differs`)."""
    if user is not None and not (has_perm(user, "approvals.apply") or has_perm(user, "approvals.emergency")):
        raise PermissionDenied(_("您没有应急预案备案权限"))
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写预案名称")})
    ent = enterprise_of(user, enterprise_id)
    signed_on = _date(signed_on, "signed_on")
    submitted_on = _date(submitted_on, "submitted_on")
    if submitted_on < signed_on:
        raise ValidationError({"submitted_on": _("提交备案日期早于签署发布日期")})
    result = assess(risk or {})
    if filed_level and filed_level not in hj941.LEVELS:
        raise ValidationError({"risk_level": _("环境风险等级应为 一般、较大 或 重大:%(v)s") % {"v": filed_level}})
    level = filed_level or result.level
    rule = dl.Rule(FILING_WORKING_DAYS, dl.WORKING, label=gettext_lazy("签署后20个工作日内备案"))  # clock label in Chinese, worded per reader
    due = rule.due(signed_on)
    plan = EmergencyPlan.objects.create(
        code=f"tmp-{uuid.uuid4().hex[:12]}", enterprise_id=ent.pk, enterprise_name=ent.name,
        jurisdiction=ent.jurisdiction, title=title.strip(), signed_on=signed_on, submitted_on=submitted_on,
        filing_due=due, submitted_late=submitted_on > due, revision_due=revision_due(signed_on), risk_inputs=risk,
        risk_level=level, risk_label=result.label, risk_working="\n".join(result.steps),
        computed_level=result.level, risk_tables=result.tables_source[:200])
    plan.code = f"YA{signed_on.year}-{plan.pk:05d}"
    plan.save(update_fields=["code"])
    check_created(user, plan, "emergency" if user is not None and has_perm(user, "approvals.emergency") else "apply")
    dl.start_clock(plan, FILING, rule, signed_on)
    wf.record_event(plan, user, "submit", to_state=PlanState.SUBMITTED,
                    note=texts.lines(*filter(None, [
                        texts.sentence(gettext_noop("提交备案;环境风险等级 %(l)s"), l=result.label),
                        texts.sentence(gettext_noop("(超过签署后20个工作日)")) if plan.submitted_late else None,
                        texts.sentence(gettext_noop("备案等级 %(f)s 与计算等级 %(c)s 不一致,保留备案等级"), f=level,
                                       c=result.level) if level != result.level else None])))
    wf.sync_tasks(plan, user)
    _dossier(plan, user, "approvals.plan", texts.sentence(gettext_noop("提交突发环境事件应急预案备案:%(t)s,风险等级 %(l)s"),
                                                          t=plan.title, l=plan.risk_level), _plan_url(plan))
    return plan


def h_file(ctx):
    p = ctx.obj
    on = _date(ctx.data.get("filed_on"), "filed_on")
    if on < p.submitted_on:
        raise wf.TransitionError({"filed_on": _("备案日期早于提交日期")})
    p.filed_on = on
    p.filing_no = f"{p.jurisdiction.code}-{on.year}-{p.pk:04d}"
    dl.stop(p, FILING)
    # an earlier filed plan of the same enterprise is replaced by this one
    for old in EmergencyPlan.objects.filter(enterprise_id=p.enterprise_id, state=PlanState.FILED).exclude(pk=p.pk):
        wf.apply(None, old, "supersede", note=texts.sentence(gettext_noop("由 %(c)s 替代"), c=p.code))


def after_file(ctx):
    _dossier(ctx.obj, ctx.user, "approvals.plan", texts.sentence(gettext_noop("应急预案已备案,备案编号 %(n)s"),
                                                                 n=ctx.obj.filing_no),
             _plan_url(ctx.obj))


def h_drill(ctx):
    p = ctx.obj
    on = _date(ctx.data.get("drilled_on"), "drilled_on")
    if on > timezone.localdate():
        raise wf.TransitionError({"drilled_on": _("演练日期不能晚于今天")})
    p.drills += 1
    p.last_drill_on = max(on, p.last_drill_on or on)
    ctx.event_data = {"drilled_on": str(on)}


def after_drill(ctx):
    _dossier(ctx.obj, ctx.user, "approvals.drill", texts.sentence(gettext_noop("应急演练:%(n)s"),
                                                                  n=ctx.note[:80]), _plan_url(ctx.obj))


# ---- hidden-danger checks (隐患排查) ----------------------------------------------------------------

@transaction.atomic
def record_check(user, *, enterprise_id, round_name: str, checked_on=None, checkers: str = "", findings=(),
                 deadline=None) -> HazardCheck:
    """One enterprise's check in a round; each finding becomes a ledger problem (batch = the round) that closes
    through the ledger's own loop."""
    from envbureau.ledger.services import open_problem

    if user is not None and not has_perm(user, "approvals.emergency"):
        raise PermissionDenied(_("您没有“环境应急管理”权限"))
    if not (round_name or "").strip():
        raise ValidationError({"round_name": _("请填写排查轮次")})
    ent = enterprise_of(user, enterprise_id)
    checked_on = _date(checked_on, "checked_on")
    deadline = _date(deadline, "deadline") if deadline else None
    items = []
    for n, f in enumerate(findings or (), 1):
        text = (f.get("text") if isinstance(f, dict) else str(f) or "").strip()
        if not text:
            continue
        category = (f.get("category") if isinstance(f, dict) else "") or "other"
        items.append({"n": n, "text": text, "category": category})
    check = HazardCheck.objects.create(round_name=round_name.strip(), enterprise_id=ent.pk, enterprise_name=ent.name,
                                       jurisdiction=ent.jurisdiction, checked_on=checked_on, checkers=checkers,
                                       findings=items)
    check_created(user, check, "emergency")
    refs = []
    for item in items:
        try:
            problem = open_problem(None, source="campaign",
                                   title_facts={"msg": "approvals.hazard", "args": {"t": item["text"][:80]}},
                                   description_facts=texts.sentence(  # read per reader
                                       gettext_noop("%(r)s 隐患排查(%(d)s,%(e)s)发现:%(t)s"), r=check.round_name,
                                       d=checked_on, e=ent.name, t=item["text"]),
                                   category=item["category"], jurisdiction=ent.jurisdiction, enterprise_id=ent.pk,
                                   source_ref=("approvals.hazardcheck", str(check.pk)), batch=check.round_name,
                                   deadline=deadline)
        except ValidationError as exc:
            raise ValidationError({"findings": _("第 %(n)s 条隐患:%(e)s") % {
                "n": item["n"], "e": ";".join(exc.messages)}}) from None
        refs.append(f"ledger.problem:{problem.pk}")
    check.problem_refs = refs
    check.save(update_fields=["problem_refs"])
    wf.record_event(check, user, "note", note=texts.sentence(gettext_noop("%(r)s:排查隐患 %(n)s 个,已转问题台账"),
                                                             r=check.round_name, n=len(items)))
    _dossier(check, user, "approvals.hazard", texts.sentence(gettext_noop("%(r)s 隐患排查:发现隐患 %(n)s 个"),
                                                             r=check.round_name, n=len(items)), reverse("approvals:checks-detail", args=[check.pk]))
    return check


# ---- environmental incidents (突发环境事件) -----------------------------------------------------------

@transaction.atomic
def report_incident(user, *, title: str, kind: str, description: str, occurred_at, level: str = "IV",
                    enterprise_id=None, jurisdiction=None, location: str = "", reported_at=None):
    """Register an incident (staff on duty); linked to an enterprise when one is involved."""
    from envbureau.core.models import Jurisdiction

    from .choices import IncidentLevel, IncidentState
    from .models import Incident

    if user is not None and not has_perm(user, "approvals.emergency"):
        raise PermissionDenied(_("您没有“环境应急管理”权限"))
    for name, value in (("title", title), ("kind", kind), ("description", description)):
        if not (value or "").strip():
            raise ValidationError({name: _("请填写%(f)s") % {"f": Incident._meta.get_field(name).verbose_name}})
    if level not in IncidentLevel.values:
        raise ValidationError({"level": _("事件等级不正确:%(v)s") % {"v": level}})
    ent = enterprise_of(user, enterprise_id) if enterprise_id not in (None, "") else None
    jur = ent.jurisdiction if ent else (jurisdiction if isinstance(jurisdiction, Jurisdiction)
                                        else Jurisdiction.objects.filter(code=str(jurisdiction or "")).first())
    if jur is None:
        raise ValidationError({"jurisdiction": _("请选择属地或涉事企业")})
    occurred = _datetime(occurred_at, "occurred_at")
    reported = _datetime(reported_at, "reported_at") if reported_at else timezone.now()
    if reported < occurred:
        raise ValidationError({"reported_at": _("报告时间早于发生时间")})
    inc = Incident.objects.create(code=f"tmp-{uuid.uuid4().hex[:12]}", title=title.strip(), kind=kind.strip(),
                                  level=level, jurisdiction=jur, enterprise_id=ent.pk if ent else None,
                                  enterprise_name=ent.name if ent else "", location=location, occurred_at=occurred,
                                  reported_at=reported, description=description)
    inc.code = f"SJ{timezone.localtime(occurred).year}-{inc.pk:04d}"
    inc.initial_report_due = initial_due(inc.reported_at, level)
    inc.save(update_fields=["code", "initial_report_due"])
    check_created(user, inc, "emergency")
    wf.record_event(inc, user, "submit", to_state=IncidentState.REPORTED,
                    note=texts.sentence(gettext_noop("%(l)s %(k)s:%(d)s"),
                                        ("l",), l=texts.zh_display(inc, "level"), k=inc.kind, d=description[:200]))
    wf.sync_tasks(inc, user)
    if ent:
        _dossier(inc, user, "approvals.incident", texts.sentence(gettext_noop("突发环境事件:%(t)s(%(l)s)"),
                                                                 ("l",), t=inc.title, l=texts.zh_display(inc, "level")), reverse("approvals:incidents-detail", args=[inc.pk]))
    return inc


def _datetime(value, name):
    from envbureau.core.importing import parse_local_datetime

    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    try:
        parsed = parse_local_datetime(value)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None:
        raise ValidationError({name: _("时间格式应为 YYYY-MM-DD HH:MM:%(v)s") % {"v": value}})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)  # local Asia/Shanghai


# The initial report (初报) upwards: MEP Order No. 17 art. 3, hours per level in config. Clock hours from the
# moment the bureau learned of the incident (reported_at), not working days: the duty runs around the clock.

def initial_due(reported_at, level: str) -> dt.datetime:
    from . import config

    return dl.hours_after(reported_at, config.get("incident_initial_report_hours")[level])


def initial_task(inc) -> str:
    """The open step's words while the initial report is outstanding, so the inbox says what is due by when."""
    if inc.initial_reported_at is None and inc.initial_report_due is not None:
        from envbureau.core.timefmt import local_datetime

        return _("初报(%(t)s前报告本级人民政府和上级生态环境部门)") % {"t": local_datetime(inc.initial_report_due)}
    return ""


def h_relevel(ctx):
    from .choices import IncidentLevel

    level = str(ctx.data.get("level") or "")
    if level not in IncidentLevel.values:
        raise wf.TransitionError({"level": _("事件等级不正确:%(v)s") % {"v": level}})
    ctx.event_data = {"from": ctx.obj.level, "to": level}
    ctx.obj.level = level
    if ctx.obj.initial_reported_at is None:  # the limit follows the level as now determined
        ctx.obj.initial_report_due = initial_due(ctx.obj.reported_at, level)
        ctx.obj.initial_overdue_noted = False


def h_report_up(ctx):
    """初报: reported upwards at `at` (default now); late when after the limit."""
    inc = ctx.obj
    if inc.initial_reported_at is not None:
        raise wf.TransitionError({"at": _("已于 %(t)s 初报,此后请用续报") % {
            "t": _local(inc.initial_reported_at)}})
    step = dl.hour_step(ctx.data.get("at"), start=inc.reported_at, due=inc.initial_report_due, field="at",
                        before_start=_("初报时间早于得知事件的时间"), future=_("初报时间不能晚于现在"))
    inc.initial_reported_at, inc.initial_report_late, ctx.event_data = step.at, step.late, step.event_data


def _local(value) -> str:
    from envbureau.core.timefmt import local_datetime

    return local_datetime(value)


def h_follow_up(ctx):
    """续报: only after the initial report (Order No. 17 art. 4: 续报 builds on the 初报)."""
    if ctx.obj.initial_reported_at is None:
        raise wf.TransitionError({"note": _("请先初报")})
    ctx.obj.follow_ups += 1


def h_close(ctx):
    # 处理结果报告 is the close-out summary; it comes after the initial report.
    if ctx.obj.initial_reported_at is None:
        raise wf.TransitionError({"summary": _("请先初报,再报处理结果")})
    ctx.obj.closed_at = timezone.now()


def after_relevel(ctx):
    wf.refresh_due(ctx.obj)


def watch_incidents(now=None) -> int:
    """Scheduled (envbureau incidents_watch): an incident whose initial report is past its limit writes that on
    its timeline and tells the people on its step — once, to the minute (the kit's own reminders count days)."""
    from envbureau.core import notify

    from .models import Incident

    now = now or timezone.now()
    n = 0
    for inc in Incident.objects.filter(initial_reported_at__isnull=True, initial_report_due__lt=now,
                                       initial_overdue_noted=False).exclude(state="closed"):
        with transaction.atomic():
            inc.initial_overdue_noted = True
            inc.save(update_fields=["initial_overdue_noted"])
            facts = {"msg": "approvals.incident_overdue", "args": {
                "c": inc.code, "t": inc.title, "d": _local(inc.initial_report_due)}}
            wf.record_event(inc, None, "overdue", note=texts.sentence(INCIDENT_OVERDUE, **facts["args"]))
            people = set()
            for task in wf.open_tasks(inc):
                people |= set(notify.recipients(task))
            notify.notify(people, "overdue", facts=facts,
                          url=reverse("approvals:incidents-detail", args=[inc.pk]), obj=inc,
                          key=f"incident-initial-overdue-{inc.pk}-{inc.initial_report_due.isoformat()}")
        n += 1
    return n


# ---- risk-source map (环境风险源分布) ---------------------------------------------------------------

RISK_COLOURS = {"一般": "#0d6efd", "较大": "#fd7e14", "重大": "#dc3545"}
RISK_ORDER = {"重大": 0, "较大": 1, "一般": 2}


def risk_sources(plans) -> list[dict]:
    """One row per enterprise from its current plan (the filed one, else the latest submitted; plans already
    scoped and filtered), with the registry's coordinates: name, level, its working, links. Riskiest first.
    Read as values (a city's thousand plans), the links built from one reversed pattern each."""
    from django.apps import apps

    from .choices import PlanState, RiskLevel

    current: dict[int, dict] = {}
    for p in (plans.filter(state__in=[PlanState.FILED, PlanState.SUBMITTED, PlanState.RETURNED])
              .order_by("enterprise_id", "-signed_on", "-pk")
              .values("pk", "code", "enterprise_id", "enterprise_name", "jurisdiction__name", "risk_level",
                      "risk_label", "state")):
        have = current.get(p["enterprise_id"])
        if have is None or (have["state"] != PlanState.FILED and p["state"] == PlanState.FILED):
            current[p["enterprise_id"]] = p
    Enterprise = apps.get_model("sources", "Enterprise")
    where = {e["id"]: e for e in Enterprise.objects.filter(pk__in=list(current)).values(
        "id", "longitude", "latitude", "address")}
    plan_url = reverse("approvals:plans-detail", args=[0])[:-2]  # ".../plans/0/" → ".../plans/"
    dossier_url = reverse("sources:dossier", args=[0])[:-2]
    levels, states = dict(RiskLevel.choices), dict(PlanState.choices)
    rows = []
    for eid, p in current.items():
        e = where.get(eid, {})
        rows.append({"enterprise_id": eid, "enterprise_name": p["enterprise_name"],
                     "jurisdiction": p["jurisdiction__name"], "level": p["risk_level"],
                     "level_label": str(levels.get(p["risk_level"], p["risk_level"])), "label": p["risk_label"],
                     "plan_code": p["code"], "plan_state": str(states.get(p["state"], p["state"])),
                     "filed": p["state"] == PlanState.FILED, "longitude": e.get("longitude"),
                     "latitude": e.get("latitude"), "address": e.get("address") or "",
                     "colour": RISK_COLOURS.get(p["risk_level"], "#6c757d"), "url": f"{plan_url}{p['pk']}/",
                     "dossier_url": f"{dossier_url}{eid}/"})
    rows.sort(key=lambda r: (RISK_ORDER.get(r["level"], 9), r["enterprise_name"]))
    return rows
