"""Grid coverage and patrols (网格化环境监管, 国办发〔2014〕56号; local rules): an active grid is covered (在巡) when its last patrol is within its
frequency as of the day, overdue when its next patrol is past due (never patrolled: counted from its creation);
patrols, findings and the problems they opened in a period; grid officers' trainings held in the period ("开展网格员
培训7次"); by level and area. Numbers link to their lists."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from envbureau.core.scoping import restrict
from envbureau.ledger.services import pct

from .models import Grid, GridTraining, Patrol


def _area(path: str, root: str) -> str:
    rest = [c for c in path[len(root):].split("/") if c]
    return rest[0] if rest else [c for c in root.split("/") if c][-1]


def _grids(code: str, overdue: str = "") -> str:
    q = {"jurisdiction": code, "state": "active"} | ({"overdue": overdue} if overdue else {})
    return reverse("projects:grids-list") + "?" + urlencode(q)


def statistics(user, jurisdiction, *, since: dt.date | None = None, until: dt.date | None = None,
               today: dt.date | None = None, places: int | None = None) -> dict:
    from envbureau.core.models import Jurisdiction

    from .stats import default_places

    today = today or timezone.localdate()
    until = until or today
    since = since or until.replace(day=1)
    places = default_places() if places is None else places
    grids = Grid.objects.filter(jurisdiction__path__startswith=jurisdiction.path, state="active")
    patrols = Patrol.objects.filter(grid__jurisdiction__path__startswith=jurisdiction.path,
                                    patrol_on__gte=since, patrol_on__lte=until)
    trainings = GridTraining.objects.filter(jurisdiction__path__startswith=jurisdiction.path,
                                            held_on__gte=since, held_on__lte=until)
    if user is not None:
        grids, patrols = restrict(grids, user, "view"), restrict(patrols, user, "view")
        trainings = restrict(trainings, user, "view")
    root = jurisdiction.path
    total = {"grids": 0, "covered": 0, "overdue": 0}
    by_level: dict = {}
    by_area: dict = {}
    overdue_ids = []
    for g in grids.select_related("jurisdiction").only("pk", "level", "frequency_days", "last_patrol_on",
                                                       "created_at", "jurisdiction__path"):
        due = g.next_due()
        late = due is not None and due < today
        for m in (total, by_level.setdefault(g.level, {"grids": 0, "covered": 0, "overdue": 0}),
                  by_area.setdefault(_area(g.jurisdiction.path, root), {"grids": 0, "covered": 0, "overdue": 0})):
            m["grids"] += 1
            m["overdue" if late else "covered"] += 1
        if late:
            overdue_ids.append(g.pk)
    p = patrols.aggregate(n=Count("id"), found=Count("id", filter=~Q(findings="")),
                          problems=Count("id", filter=Q(problem_id__isnull=False)),
                          officers=Count("officer", distinct=True))
    t = trainings.aggregate(n=Count("id"), trainees=Sum("trainees"))
    base = reverse("projects:patrols-list") + "?" + urlencode({"jurisdiction": jurisdiction.code,
                                                                "since": since, "until": until})
    # the counts are of active grids: so are their lists. Boolean filters take "true"/"false" (a "1" is ignored
    # by Django's NullBooleanSelect and would list everything).
    grids_url = reverse("projects:grids-list") + "?" + urlencode({"jurisdiction": jurisdiction.code,
                                                                  "state": "active"})
    for m in [total, *by_level.values(), *by_area.values()]:
        m["coverage"] = pct(m["covered"], m["grids"], places)
    names = dict(Jurisdiction.objects.filter(code__in=list(by_area)).values_list("code", "name"))
    from . import config

    # the area's own labels first; a level only a sub-area configures keeps that sub-area's label
    levels = {str(k): v for k, v in {**config.every("grid_levels"), **config.get("grid_levels", jurisdiction)}.items()}
    trained = {"n": t["n"], "trainees": t["trainees"] or 0}
    return {
        "sentence": sentence(jurisdiction.name, total, p, trained, since, until),
        "jurisdiction": jurisdiction.code, "since": since, "until": until, "today": today,
        "total": total | {"url": grids_url, "overdue_url": grids_url + "&overdue=true",
                          "covered_url": grids_url + "&overdue=false"},
        "patrols": p | {"url": base, "found_url": base + "&found=true", "problems_url": base + "&problem=true"},
        "trainings": {"n": t["n"], "trainees": t["trainees"] or 0, "url": reverse("projects:grid-trainings-list") + "?"
                      + urlencode({"jurisdiction": jurisdiction.code, "since": since, "until": until})},
        "by_level": [{"key": k, "label": _(levels[str(k)]) if str(k) in levels else str(k), **m,
                      "url": grids_url + f"&level={k}", "overdue_url": grids_url + f"&level={k}&overdue=true",
                      "covered_url": grids_url + f"&level={k}&overdue=false"} for k, m in sorted(by_level.items())],
        "by_area": [{"key": k, "label": names.get(k, k), **m, "url": _grids(k), "overdue_url": _grids(k, "true"),
                     "covered_url": _grids(k, "false")} for k, m in sorted(by_area.items())],
    }


def sentence(where: str, total: dict, patrols: dict, trainings: dict, since: dt.date, until: dt.date) -> str:
    """"…在用网格N个,按频次巡查M个,覆盖率R%…;开展网格员培训7次" as a report prints the grid figures."""
    out = _("%(w)s在用网格%(g)s个,按频次巡查%(c)s个,覆盖率%(r)s%%,逾期未巡查%(o)s个;%(a)s至%(b)s巡查%(n)s次,"
            "发现问题%(f)s次,转问题台账%(p)s件") % {
        "w": where, "g": total["grids"], "c": total["covered"], "r": total["coverage"], "o": total["overdue"],
        "a": since.isoformat(), "b": until.isoformat(), "n": patrols["n"], "f": patrols["found"],
        "p": patrols["problems"]}
    if trainings["n"]:
        out += _(";开展网格员培训%(n)s次、参训%(t)s人次") % {"n": trainings["n"], "t": trainings["trainees"]}
    return out + _("。")
