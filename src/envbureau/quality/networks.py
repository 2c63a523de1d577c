"""Station networks per level and purpose (issue 17): which stations count in which results on which day.

The results of a jurisdiction (CityDaily, and everything assessed from it) come from the network of the
purpose of its level (``PURPOSE_OF_LEVEL``): the city from the official assessment network, districts
from the district assessment network, streets and grids from the ranking network. Every page that shows
such results names the network versions it used (``describe``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils.translation import gettext as _

from .choices import PURPOSE_OF_LEVEL, NetworkPurpose

#: the first networks (the data migration of the old "参与城市评价" flag and the demo start from these)
DEFAULT_NETWORKS = (("city", "城市空气质量评价网络", "HJ 663-2013 及省有关规定"),
                    ("district", "区县空气质量评价网络", "HJ 663-2013 及省有关规定"),
                    ("ranking", "街道(网格)排名网络", "本市街道空气质量排名办法"))


def ensure_default_networks(station_ids) -> None:
    """Each purpose's current network holds these stations (created without dates when a purpose has none)."""
    from .models import StationNetwork

    for purpose, name, basis in DEFAULT_NETWORKS:
        net = (StationNetwork.objects.filter(purpose=purpose, valid_to__isnull=True).order_by("-valid_from").first()
               or StationNetwork.objects.create(purpose=purpose, name=name, basis=basis))
        missing = set(station_ids) - set(net.stations.values_list("pk", flat=True))
        if missing:
            net.stations.add(*missing)


def purpose_of(jurisdiction) -> str:
    return PURPOSE_OF_LEVEL.get(jurisdiction.level, "ranking")


def membership(station_ids: list[int], dates: np.ndarray) -> dict[str, np.ndarray]:
    """{purpose: bool [S, D]}: station i counts on day j in that purpose's network."""
    from .models import StationNetwork

    S, D = len(station_ids), len(dates)
    out = {p: np.zeros((S, D), dtype=bool) for p in NetworkPurpose.values}
    if not S or not D:
        return out
    pos = {s: i for i, s in enumerate(station_ids)}
    first = dates[0]
    through = StationNetwork.stations.through
    nets = {n.pk: n for n in StationNetwork.objects.all()}
    for net_id, sid in through.objects.filter(airstation_id__in=station_ids).values_list("stationnetwork_id",
                                                                                         "airstation_id"):
        n = nets[net_id]
        a = 0 if n.valid_from is None else int((np.datetime64(n.valid_from, "D") - first).astype(int))
        b = D - 1 if n.valid_to is None else int((np.datetime64(n.valid_to, "D") - first).astype(int))
        a, b = max(a, 0), min(b, D - 1)
        if a <= b:
            out[n.purpose][pos[sid], a:b + 1] = True
    return out


def member_stations() -> list[int]:
    """Stations in any network (on any day)."""
    from .models import StationNetwork

    return sorted(set(StationNetwork.stations.through.objects.values_list("airstation_id", flat=True)))


def networks_for(purpose: str, start: dt.date, end: dt.date):
    """The versions of ``purpose``'s network in force on some day of start..end, oldest first."""
    from django.db.models import Count, Q

    from .models import StationNetwork

    return list(StationNetwork.objects.filter(purpose=purpose)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
                .annotate(n=Count("stations")).order_by("valid_from", "id"))


def describe(jurisdiction, period) -> dict:
    """The network a jurisdiction's figures for ``period`` came from, for pages and the API:
    {"purpose", "purpose_label", "networks": [{"id", "name", "version", "valid", "stations"}], "text"}."""
    from .models import StationNetwork

    purpose = purpose_of(jurisdiction)
    nets = networks_for(purpose, period.start, period.end)
    items = [{"id": n.pk, "name": n.name, "version": n.version, "valid": n.validity_text, "stations": n.n,
              "basis": n.basis} for n in nets]
    label = NetworkPurpose(purpose).label
    if items:
        parts = [_("%(name)s(%(valid)s,%(n)s个站点)") % {"name": f"{i['name']}{i['version'] and ' ' + i['version']}",
                                                          "valid": i["valid"], "n": i["stations"]} for i in items]
        text = _("%(label)s网络:%(nets)s") % {"label": label, "nets": "、".join(parts)}
    else:
        text = _("%(label)s网络:本时段未声明网络,无结果") % {"label": label}
    from .micro import data_basis

    members = StationNetwork.stations.through.objects.filter(
        stationnetwork_id__in=[n.pk for n in nets]).values_list("airstation_id", flat=True)
    return {"purpose": purpose, "purpose_label": str(label), "networks": items, "text": text,
            "data_basis": data_basis(members, period.start, period.end)}


def stations_span(station_ids) -> tuple[int, int] | None:
    """First and last local day (days since the epoch) with station daily results among these stations."""
    from django.db.models import Max, Min

    from .models import AirDaily

    if not station_ids:
        return None
    r = AirDaily.objects.filter(station_id__in=list(station_ids)).aggregate(a=Min("date"), b=Max("date"))
    if r["a"] is None:
        return None
    return int(np.datetime64(r["a"], "D").astype(int)), int(np.datetime64(r["b"], "D").astype(int))


def network_changed(network, stations=(), windows=()) -> int:
    """Rebuild the jurisdiction days that depend on ``network``: its members and ``stations`` (members just
    removed), over the days of its validity and of ``windows`` ((valid_from, valid_to) before the change)."""
    from .derived import rebuild_jurisdiction_daily
    from .models import AirStation

    ids = set(network.stations.values_list("pk", flat=True)) | set(stations)
    span = stations_span(ids)
    if span is None:
        return 0
    lo, hi = span
    froms = [network.valid_from, *[w[0] for w in windows]]
    tos = [network.valid_to, *[w[1] for w in windows]]
    if all(f is not None for f in froms):
        lo = max(lo, int(np.datetime64(min(froms), "D").astype(int)))
    if all(t is not None for t in tos):
        hi = min(hi, int(np.datetime64(max(tos), "D").astype(int)))
    if hi < lo:
        return 0
    paths = list(AirStation.objects.filter(pk__in=ids).values_list("jurisdiction__path", flat=True))
    return rebuild_jurisdiction_daily(sorted(ids), lo, hi, extra_paths=paths)
