"""Project and fund statistics as bureau reports print them (e.g. 靖江市2023年上半年工作总结: "完成率77.6%").

Definitions (page, export, API and CLI share them):
- planned (排定): projects of the plan year not cancelled; started (已开工): in progress or later;
  finished (已完成建设): finished, accepted or evaluated; completion rate (完成率) = finished ÷ planned;
- investment: planned and completed (yuan; printed in 万元); investment rate = completed ÷ planned;
- funds of those projects (whatever the project's state): approved, allocated (下达) and spent (支出); execution
  rate (执行率) = spent ÷ allocated; by fund level, and by the project's battle, area and owner unit (each row of
  those breakdowns carries its funds, linking to the fund list filtered the same way);
- 时间过半任务过半: the ledger's check (ledger.services.schedule) over the plan year 1 Jan – 31 Dec, time
  past half from the configured day (config.half_day, 30 June by default), `half_share` finished by then;
- flag against 序时进度 (share of the year elapsed): yellow when the share finished is below it by more than
  config.yellow_behind, red when by more than config.red_behind (local practice, per jurisdiction);
- rates print with settings.REPORT_RATE_DECIMALS decimals ("77.6"), "—" when nothing is planned.
Every number carries the URL of the list of records it counts (filters.py)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from envbureau.core.money import yuan
from envbureau.core.scoping import restrict
from envbureau.ledger.services import pct, schedule

from . import config
from .choices import COUNTED_STATES, FINISHED_STATES, STARTED_STATES, Battle, Flag, FundLevel
from .models import Fund, Project


def default_places() -> int:
    from django.conf import settings

    return int(getattr(settings, "REPORT_RATE_DECIMALS", 1))


def wan(yuan) -> Decimal:
    return (Decimal(yuan or 0) / Decimal(10000)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def scoped(model, user):
    return model.objects.all() if user is None else restrict(model.objects.all(), user, "view")


def flag(sch: dict, jurisdiction=None) -> str:
    """Red/yellow against 序时进度 (config per jurisdiction); "" when there is nothing to judge."""
    if not sch.get("available"):
        return ""
    behind = sch["time_fraction"] - sch["done_fraction"]
    if behind > float(config.get("red_behind", jurisdiction)):
        return Flag.RED.value
    if behind > float(config.get("yellow_behind", jurisdiction)):
        return Flag.YELLOW.value
    return Flag.GREEN.value


def progress(planned: int, finished: int, year: int, today: dt.date, jurisdiction=None) -> dict:
    """时间过半任务过半 and the flag for `finished` of `planned` projects of a plan year, as of `today`."""
    sch = schedule(dt.date(year, 1, 1), dt.date(year, 12, 31), finished, planned, today,
                   half_on=config.half_on(year, jurisdiction), half_share=float(config.get("half_share", jurisdiction)))
    f = flag(sch, jurisdiction)
    return {**sch, "flag": f, "flag_label": Flag(f).label if f else ""}


def _empty() -> dict:
    return {"planned": 0, "started": 0, "finished": 0, "cancelled": 0, "investment_planned": Decimal(0),
            "investment_completed": Decimal(0)}


def _add(m: dict, r: dict) -> None:
    n, state = r["n"], r["state"]
    if state in COUNTED_STATES:
        m["planned"] += n
        m["investment_planned"] += r["inv_p"] or 0
        m["investment_completed"] += r["inv_c"] or 0
    else:
        m["cancelled"] += n
    if state in STARTED_STATES:
        m["started"] += n
    if state in FINISHED_STATES:
        m["finished"] += n


def _finish(m: dict, year: int, today: dt.date, places: int, jurisdiction=None) -> dict:
    m["completion_rate"] = pct(m["finished"], m["planned"], places)
    m["start_rate"] = pct(m["started"], m["planned"], places)
    m["investment_rate"] = pct(int(m["investment_completed"] * 100), int(m["investment_planned"] * 100), places)
    m["investment_planned_wan"] = wan(m["investment_planned"])
    m["investment_completed_wan"] = wan(m["investment_completed"])
    m["schedule"] = progress(m["planned"], m["finished"], year, today, jurisdiction)
    return m


def _fempty() -> dict:
    return {"n": 0, "approved": Decimal(0), "allocated": Decimal(0), "spent": Decimal(0)}


def _fadd(m: dict, r: dict) -> None:
    m["n"] += r["n"]
    for k in ("approved", "allocated", "spent"):
        m[k] += r[k] or 0


def _ffinish(m: dict, places: int) -> dict:
    m["execution_rate"] = pct(int(m["spent"] * 100), int(m["allocated"] * 100), places)
    for k in ("approved", "allocated", "spent"):
        m[f"{k}_wan"] = wan(m[k])
    return m


def _area_of(path: str, root_path: str) -> str:
    """The code of the child of the root on `path` (the root's own code for records at the root)."""
    rest = [c for c in path[len(root_path):].split("/") if c]
    return rest[0] if rest else [c for c in root_path.split("/") if c][-1]


def statistics(user, jurisdiction, year: int, today: dt.date | None = None, places: int | None = None) -> dict:
    """Everything the statistics page shows, for the projects of `year` under `jurisdiction` that `user`
    may see (None = trusted CLI). Two grouped scans: projects, funds."""
    from envbureau.core.models import Jurisdiction, Unit

    today = today or timezone.localdate()
    places = default_places() if places is None else places
    root = jurisdiction.path
    projects = scoped(Project, user).filter(year=year, jurisdiction__path__startswith=root)
    rows = list(projects.order_by().values("jurisdiction__path", "battle", "owner_unit_id", "state")
                .annotate(n=Count("id"), inv_p=Sum("investment_planned"), inv_c=Sum("investment_completed")))
    total, by_battle, by_area, by_owner = _empty(), {}, {}, {}
    for r in rows:
        _add(total, r)
        _add(by_battle.setdefault(r["battle"], _empty()), r)
        _add(by_area.setdefault(_area_of(r["jurisdiction__path"], root), _empty()), r)
        _add(by_owner.setdefault(r["owner_unit_id"], _empty()), r)

    base = {"year": year, "jurisdiction": jurisdiction.code}

    def link(name="projects:projects-list", **params) -> str:
        return reverse(name) + "?" + urlencode({**base, **params})

    def links(**params) -> dict:
        # investment counts the planned (not cancelled) projects: the same list as "planned"
        return {"planned": link(**params), "started": link(stage="started", **params),
                "finished": link(stage="finished", **params), "unfinished": link(stage="unfinished", **params),
                "investment": link(**params), "funds": link("projects:funds-list", **params)}

    # Funds of the same projects: one grouped scan, summed by level and by the project's battle, area and owner.
    funds = scoped(Fund, user).filter(project__year=year, project__jurisdiction__path__startswith=root)
    frows = funds.order_by().values("level", "project__battle", "project__jurisdiction__path",
                                    "project__owner_unit").annotate(
        n=Count("id"), approved=Sum("approved"), allocated=Sum("allocated"), spent=Sum("spent"))
    ftotal, f_level, f_battle, f_area, f_owner = _fempty(), {}, {}, {}, {}
    for r in frows:
        _fadd(ftotal, r)
        _fadd(f_level.setdefault(r["level"], _fempty()), r)
        _fadd(f_battle.setdefault(r["project__battle"], _fempty()), r)
        _fadd(f_area.setdefault(_area_of(r["project__jurisdiction__path"], root), _fempty()), r)
        _fadd(f_owner.setdefault(r["project__owner_unit"], _fempty()), r)

    def with_funds(row: dict, f: dict | None) -> dict:
        f = _ffinish(f or _fempty(), places)
        row.update({"fund_n": f["n"], "approved": f["approved"], "allocated": f["allocated"], "spent": f["spent"],
                    "approved_wan": f["approved_wan"], "allocated_wan": f["allocated_wan"],
                    "spent_wan": f["spent_wan"], "execution_rate": f["execution_rate"]})
        return row

    summary = with_funds(_finish(total, year, today, places, jurisdiction), ftotal)
    summary["links"] = links()
    battles = []
    for value, label in Battle.choices:
        if value in by_battle:
            battles.append(with_funds({"key": value, "label": label,
                                       **_finish(by_battle[value], year, today, places, jurisdiction),
                                       "links": links(battle=value)}, f_battle.get(value)))
    areas_j = {j.code: j for j in Jurisdiction.objects.filter(code__in=list(by_area))}
    areas = []
    for code in sorted(by_area):
        j = areas_j.get(code)
        areas.append(with_funds({"key": code, "label": j.name if j else code,
                                 **_finish(by_area[code], year, today, places, j or jurisdiction),
                                 "links": links(jurisdiction=code)}, f_area.get(code)))
    units = dict(Unit.objects.filter(pk__in=list(by_owner)).values_list("pk", "name"))
    owners = sorted((with_funds({"key": pk, "label": units.get(pk, str(pk)),
                                 **_finish(m, year, today, places, jurisdiction), "links": links(owner_unit=pk)},
                                f_owner.get(pk))
                     for pk, m in by_owner.items()), key=lambda r: (-r["planned"], r["label"]))

    fund_rows = []
    for value, label in FundLevel.choices:
        if value in f_level:
            fund_rows.append({"key": value, "label": label, **_ffinish(f_level[value], places),
                              "url": link("projects:funds-list", level=value)})
    _ffinish(ftotal, places)
    ftotal["url"] = link("projects:funds-list")
    return {"year": year, "jurisdiction": jurisdiction.code, "jurisdiction_name": jurisdiction.name,
            "today": today, "summary": summary, "by_battle": battles, "by_area": areas, "by_owner": owners,
            "funds": fund_rows, "funds_total": ftotal, "sentence": sentence(summary, ftotal, year, jurisdiction.name)}


def sentence(s: dict, funds: dict, year: int, where: str) -> str:
    """"排定年度…工程134项,已完成建设104项,完成率77.6%,达到时间过半、任务过半的目标要求" (seed 001)."""
    out = _("%(y)s年%(w)s排定污染防治工程项目%(p)s项,已开工%(st)s项,已完成建设%(f)s项,完成率%(r)s%%,"
            "完成投资%(i)s万元") % {"y": year, "w": where, "p": s["planned"], "st": s["started"], "f": s["finished"],
                               "r": s["completion_rate"], "i": yuan(s["investment_completed_wan"])}
    if funds["n"]:
        out += _(";下达专项资金%(a)s万元,已支出%(b)s万元,执行率%(r)s%%") % {
            "a": yuan(funds["allocated_wan"]), "b": yuan(funds["spent_wan"]), "r": funds["execution_rate"]}
    sch = s["schedule"]
    if sch.get("available") and sch["past_half"]:
        out += pgettext("时间过半任务过半的结论接在统计句后", ",%(v)s") % {"v": sch["verdict"]}
    return out + _("。")
