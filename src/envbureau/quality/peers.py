"""The bureau's rank among its peers, from the peers' published figures (PeerFigure) and the bureau's
own figure for the same period: "综合指数居绍兴市第1位". Competition ranking ("1224"), values compared
at the published precision (as the published rankings round and rank them); the source of every peer figure is kept."""

from __future__ import annotations

from envbureau.standards.rounding import round_half_even

from .assessment import competition_rank
from .choices import PEER_RANKING, PeerIndicator


def _own_value(own: dict, key: str):
    raw = (own.get("raw_values") or {}).get(key)
    return raw if raw is not None else own.get(key)


def peer_ranks(jurisdiction, period, own: dict) -> list[dict]:
    """One entry per (ranking group, indicator) with peer figures for exactly this period."""
    from .models import PeerFigure

    figs = PeerFigure.objects.filter(jurisdiction=jurisdiction, start=period.start, end=period.end)
    groups: dict[tuple[str, str], list] = {}
    for f in figs.order_by("group", "indicator", "name"):
        groups.setdefault((f.group, f.indicator), []).append(f)
    labels = dict(PeerIndicator.choices)
    out = []
    for (group, ind), rows in groups.items():
        better, dp = PEER_RANKING[ind]
        peers = [f for f in rows if f.name != jurisdiction.name]
        published_own = next((f.value for f in rows if f.name == jurisdiction.name), None)
        mine = _own_value(own, ind)
        values = [None if mine is None else float(round_half_even(mine, dp))] + [
            float(round_half_even(f.value, dp)) for f in peers]
        ranks = competition_rank(values, better)
        rank, n = ranks[0], len(values)
        tied = rank is not None and values.count(values[0]) > 1
        label = str(labels[ind])
        text = (f"{label}居{group}第{rank}位{'(并列)' if tied else ''}(共{n}个)" if rank is not None
                else f"{label}:本单位本期无有效数值,未排名")
        out.append({"group": group, "indicator": ind, "label": label, "rank": rank, "n": n, "tied": tied,
                    "own_value": values[0], "published_own": published_own,
                    "peers": [{"name": f.name, "value": f.value, "rank": r, "source": f.source}
                              for f, r in zip(peers, ranks[1:])],
                    "sources": sorted({f.source for f in rows}), "text": text})
    order = list(labels)
    return sorted(out, key=lambda x: (x["group"], order.index(x["indicator"])))
