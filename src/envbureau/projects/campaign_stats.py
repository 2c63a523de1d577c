"""Campaign progress as reports print it ("552家'散乱污'企业完成整治521家,完成率94.4%": 柳州市生态环境局2019年工作总结).

- total: targets of the campaign (in the user's scope; a reader whose area does not cover the campaign's counts
  the part in their own area, named as such: `reader_part`); done (完成整治): the target's ledger problem is
  rectified and accepted (ledger DONE_STATES) and every closure check of its class is recorded (两断三清 for
  关停取缔); rate = done ÷ total; overdue: not done and past the target's own deadline;
- by class and by area (the child jurisdictions of the campaign's own), each with its list link;
- 时间过半任务过半 over the campaign's start → deadline (the ledger's check, ledger.services.schedule)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from envbureau.core.scoping import restrict
from envbureau.ledger.services import pct, schedule

from . import campaigns
from .models import CampaignTarget


def _empty() -> dict:
    return {"total": 0, "done": 0, "overdue": 0, "reopened": 0}


def summarise(items, places: int = 1) -> dict:
    """items: iterable of (class, area, done, overdue, reopened) → totals, by class, by area."""
    total, by_class, by_area = _empty(), {}, {}
    for cls, area, done, overdue, reopened in items:
        for m in (total, by_class.setdefault(cls, _empty()), by_area.setdefault(area, _empty())):
            m["total"] += 1
            m["done"] += 1 if done else 0
            m["overdue"] += 1 if overdue else 0
            m["reopened"] += 1 if reopened else 0
    for m in [total, *by_class.values(), *by_area.values()]:
        m["rate"] = pct(m["done"], m["total"], places)
        m["open"] = m["total"] - m["done"]
    return {"total": total, "by_class": by_class, "by_area": by_area}


def _area(path: str, root: str) -> str:
    rest = [c for c in path[len(root):].split("/") if c]
    return rest[0] if rest else [c for c in root.split("/") if c][-1]


def target_status(qs, status: str, today: dt.date | None = None):
    """Filter targets by done / open / overdue (the statistics' definitions)."""
    today = today or timezone.localdate()
    states = campaigns.states()
    done_ids = [t.pk for t in qs.only("pk", "checks", "target_class", "campaign")
                .select_related("campaign") if campaigns.is_done(t, states.get(t.pk))]
    if status == "done":
        return qs.filter(pk__in=done_ids)
    rest = qs.exclude(pk__in=done_ids)
    return rest.filter(due__lt=today) if status == "overdue" else rest


def reader_part(user, campaign) -> tuple:
    """(area, name) of the part of the campaign the reader counts: the campaign's own area when the reader's area
    covers it (name ""), else the reader's own area inside it — a district officer reads its district's targets of
    a city campaign, grouped by its streets and named as its district's part, never as the whole campaign. A reader
    with several separate areas inside it keeps the campaign's area, named by theirs."""
    from envbureau.core.scoping import allowed_jurisdictions

    if user is None:
        return campaign.jurisdiction, ""
    allowed = allowed_jurisdictions(user, "projects", "view")
    if allowed.filter(pk=campaign.jurisdiction_id).exists():
        return campaign.jurisdiction, ""
    inside = list(allowed.filter(path__startswith=campaign.jurisdiction.path).order_by("path"))
    tops = [j for j in inside if not any(o.path != j.path and j.path.startswith(o.path) for o in inside)]
    if len(tops) == 1:
        return tops[0], tops[0].name
    return campaign.jurisdiction, pgettext("列举", "、").join(j.name for j in tops)


def asked_part(campaign, area) -> tuple:
    """(area, name) of the part of the campaign an area asked for (the CLI's --jurisdiction) counts: an area inside
    the campaign's is that part, one covering it the whole campaign; one outside it is refused naming the field."""
    from django.core.exceptions import ValidationError

    if area.path.startswith(campaign.jurisdiction.path) and area.pk != campaign.jurisdiction_id:
        return area, area.name
    if campaign.jurisdiction.path.startswith(area.path):
        return campaign.jurisdiction, ""
    raise ValidationError({"jurisdiction": _("%(j)s 不在行动“%(c)s”的范围(%(r)s)内") % {
        "j": area.name, "c": campaign.name, "r": campaign.jurisdiction.name}})


def statistics(user, campaign, today: dt.date | None = None, places: int | None = None, area=None) -> dict:
    """The campaign's figures for `user` (None = trusted CLI): the reader's part of it (reader_part), or, when
    `area` is given, that area's part (asked_part)."""
    from envbureau.core.models import Jurisdiction

    from .stats import default_places

    today = today or timezone.localdate()
    places = default_places() if places is None else places
    area, part = reader_part(user, campaign) if area is None else asked_part(campaign, area)
    qs = CampaignTarget.objects.filter(campaign=campaign, jurisdiction__path__startswith=area.path)
    if user is not None:
        qs = restrict(qs, user, "view")
    states = campaigns.states()
    root = area.path
    items = []
    for t in qs.select_related("jurisdiction").only("pk", "target_class", "due", "checks", "reopened",
                                                     "jurisdiction__path"):
        t.campaign = campaign
        done = campaigns.is_done(t, states.get(t.pk))
        items.append((t.target_class, _area(t.jurisdiction.path, root), done, not done and t.due < today,
                      t.reopened > 0))
    s = summarise(items, places)
    base = reverse("projects:targets-list") + "?"

    def links(**params):
        p = {"campaign": campaign.pk, **params}
        return {"total": base + urlencode(p), "done": base + urlencode({**p, "status": "done"}),
                "open": base + urlencode({**p, "status": "open"}),
                "overdue": base + urlencode({**p, "status": "overdue"})}

    classes = campaign.kind_conf().get("classes", {})
    by_class = [{"key": k, "label": _(classes[k][0]) if k in classes else k, **m, "links": links(target_class=k)}
                for k, m in sorted(s["by_class"].items(), key=lambda kv: list(classes).index(kv[0])
                                   if kv[0] in classes else 99)]
    names = dict(Jurisdiction.objects.filter(code__in=list(s["by_area"])).values_list("code", "name"))
    by_area = [{"key": k, "label": names.get(k, k), **m, "links": links(jurisdiction=k)}
               for k, m in sorted(s["by_area"].items())]
    total = {**s["total"], "links": links()}
    sch = schedule(campaign.start, campaign.deadline, total["done"], total["total"], today)
    # the reader's part is named with the campaign ("…综合整治(东城区)"): its figures are not the whole campaign's
    name = _("%(c)s(%(a)s)") % {"c": campaign.name, "a": part} if part else campaign.name
    sentence = _("%(c)s:列入整治清单%(t)s家(处),完成整治%(d)s家(处),完成率%(r)s%%") % {
        "c": name, "t": total["total"], "d": total["done"], "r": total["rate"]}
    parts = [_("%(k)s%(n)s家") % {"k": r["label"], "n": r["done"]} for r in by_class if r["done"]]
    if parts:
        sentence += _(",其中%(p)s") % {"p": pgettext("列举", "、").join(parts)}
    if total["overdue"]:
        sentence += _(";逾期未完成%(n)s家") % {"n": total["overdue"]}
    sentence += _("。")
    return {"campaign": campaign.pk, "name": campaign.name, "total": total, "by_class": by_class,
            "by_area": by_area, "schedule": sch, "sentence": sentence, "today": today,
            "scope_code": area.code, "scope_name": part or campaign.jurisdiction.name, "part": bool(part)}
